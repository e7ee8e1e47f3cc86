#include "daemon/router_setup.hpp"

#include "daemon/routing/sqlite_case_store.hpp"

namespace spreekbuis::daemon {

RouterRuntime make_router(const config::Config& config, RouterMode mode,
                          rules::Diagnostics& diagnostics, sqlite3* state_db,
                          std::int64_t start_ms) {
    RouterRuntime runtime;
    if (config.people_file.empty()) return runtime;
    if (mode == RouterMode::replay || (mode == RouterMode::dry_run && state_db == nullptr)) {
        runtime.store = std::make_unique<routing::MemoryCaseStore>();
        runtime.manual_clock = std::make_unique<routing::ManualClock>(start_ms);
    } else if (mode == RouterMode::dry_run) {
        std::string attach_error;
        auto store = routing::SqliteCaseStore::attach(state_db, attach_error);
        if (!store) {
            diagnostics.error(rules::SourcePos{config.path, 0, 0},
                              "cannot read the case store: " + attach_error);
            return runtime;
        }
        runtime.store = std::move(store);
        runtime.manual_clock = std::make_unique<routing::ManualClock>(start_ms);
    } else {
        std::string attach_error = "no state database";
        auto store = state_db ? routing::SqliteCaseStore::attach(state_db, attach_error) : nullptr;
        if (!store) {
            diagnostics.error(rules::SourcePos{config.path, 0, 0},
                              "cannot open the case store: " + attach_error);
            return runtime;
        }
        runtime.store = std::move(store);
        runtime.clock = std::make_unique<routing::SystemClock>();
    }
    routing::Clock& clock =
        runtime.manual_clock ? static_cast<routing::Clock&>(*runtime.manual_clock) : *runtime.clock;
    routing::RouterOptions options;
    options.simulate_handling = mode == RouterMode::replay;
    auto loaded =
        routing::Router::create(config.people_file, config.routing, *runtime.store, clock, options);
    diagnostics.append(loaded.diagnostics);
    runtime.router = std::move(loaded.router);
    return runtime;
}

}  // namespace spreekbuis::daemon
