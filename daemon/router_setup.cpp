#include "daemon/router_setup.hpp"

#include <filesystem>

#include "daemon/routing/sqlite_case_store.hpp"

namespace spreekbuis::daemon {

RouterRuntime make_router(const config::Config& config, RouterMode mode,
                          rules::Diagnostics& diagnostics) {
    RouterRuntime runtime;
    if (config.people_file.empty()) return runtime;
    if (mode == RouterMode::replay) {
        runtime.store = std::make_unique<routing::MemoryCaseStore>();
        auto manual = std::make_unique<routing::ManualClock>();
        runtime.manual_clock = std::move(manual);
    } else {
        std::error_code error;
        std::filesystem::create_directories(config.state_dir, error);
        if (error) {
            diagnostics.error(
                rules::SourcePos{config.path, 0, 0},
                "cannot create state_dir " + config.state_dir + ": " + error.message());
            return runtime;
        }
        std::string open_error;
        auto store = routing::SqliteCaseStore::open(
            (std::filesystem::path(config.state_dir) / "cases.db").string(), open_error);
        if (!store) {
            diagnostics.error(rules::SourcePos{config.path, 0, 0},
                              "cannot open the case store: " + open_error);
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
