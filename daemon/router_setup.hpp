#pragma once
// Builds the router with the store and clock a command needs: replay and check use an
// in-memory store and a manual clock (the posts' own timestamps); run uses SQLite in the state
// directory and the system clock. Owned by the thread that routes (the pipeline's emitter).
#include <memory>

#include "config/config.hpp"
#include "daemon/routing/case_store.hpp"
#include "daemon/routing/clock.hpp"
#include "daemon/routing/router.hpp"
#include "rules/diagnostic.hpp"

namespace spreekbuis::daemon {

struct RouterRuntime {
    std::unique_ptr<routing::CaseStore> store;
    std::unique_ptr<routing::ManualClock> manual_clock;  // replay only
    std::unique_ptr<routing::Clock> clock;
    std::unique_ptr<routing::Router> router;  // null when no people directory is configured
};

enum class RouterMode { replay, live };

// Null router (and no error) when the configuration has no people directory.
RouterRuntime make_router(const config::Config& config, RouterMode mode,
                          rules::Diagnostics& diagnostics);

}  // namespace spreekbuis::daemon
