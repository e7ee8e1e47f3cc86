#pragma once
// `spreekbuis decisions`: what the daemon decided about a post, read from the decision audit
// log in a private snapshot of state.db (consistent while the daemon writes; nothing changes).
#include <cstddef>
#include <cstdio>
#include <string>

#include "config/config.hpp"

namespace spreekbuis::daemon::audit {

struct DecisionQuery {
    std::string post_id;  // empty: the newest `last`
    std::string source;   // with post_id: only this source ("" = any)
    std::size_t last = 20;
};

// Prints one JSON line per logged decision, oldest first. Exit code: 0 found, 1 none logged
// (or no state yet), 3 when the state cannot be read.
int show_decisions(const config::Config& config, const DecisionQuery& query, std::FILE* out,
                   std::FILE* err);

}  // namespace spreekbuis::daemon::audit
