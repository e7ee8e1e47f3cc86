#include "daemon/router_setup.hpp"

#include "daemon/routing/sqlite_case_store.hpp"

namespace spreekbuis::daemon {

RouterRuntime make_router(const config::Config& config, RouterMode mode,
                          rules::Diagnostics& diagnostics, sqlite3* state_db) {
    RouterRuntime runtime;
    if (config.people_file.empty()) return runtime;
    if (mode == RouterMode::replay) {
        runtime.store = std::make_unique<routing::MemoryCaseStore>();
        auto manual = std::make_unique<routing::ManualClock>();
        runtime.manual_clock = std::move(manual);
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
