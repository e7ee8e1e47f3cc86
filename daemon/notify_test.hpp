#pragma once
// `spreekbuis notify-test`: sends one test alert through a configured sink, through the same
// outbox and dispatcher as the daemon (in a throwaway outbox), and reports how it went.
#include <cstdio>
#include <string>

#include "config/config.hpp"

namespace spreekbuis::daemon {

// Returns a process exit code: 0 delivered, 1 unknown sink or bad settings, 3 not delivered.
int send_test_alert(const config::Config& config, const std::string& sink_name, std::FILE* out,
                    std::FILE* err);

}  // namespace spreekbuis::daemon
