#pragma once
// Builds the router with the store and clock a command needs: replay and check use an
// in-memory store and a manual clock (the posts' own timestamps); run uses SQLite in the state
// directory (the state database's connection, shared with the outbox) and the system clock. Owned
// by the thread that routes (the pipeline's emitter).
#include <cstdint>
#include <memory>

#include "config/config.hpp"
#include "daemon/routing/case_store.hpp"
#include "daemon/routing/clock.hpp"
#include "daemon/routing/router.hpp"
#include "rules/diagnostic.hpp"

struct sqlite3;

namespace spreekbuis::daemon {

struct RouterRuntime {
    std::unique_ptr<routing::CaseStore> store;
    std::unique_ptr<routing::ManualClock> manual_clock;  // replay and dry runs
    std::unique_ptr<routing::Clock> clock;
    std::unique_ptr<routing::Router> router;  // null when no people directory is configured
};

// replay: an empty in-memory store, simulated handling. live: the state database, the system
// clock. dry_run (explain): the cases of `state_db` when given (a private copy, see
// StateDatabase::snapshot), else an empty store; a manual clock starting at `start_ms`.
enum class RouterMode { replay, live, dry_run };

// Null router (and no error) when the configuration has no people directory. Live mode keeps
// its cases on `state_db` (required there; the caller keeps it open longer than the router).
RouterRuntime make_router(const config::Config& config, RouterMode mode,
                          rules::Diagnostics& diagnostics, sqlite3* state_db = nullptr,
                          std::int64_t start_ms = 0);

}  // namespace spreekbuis::daemon
