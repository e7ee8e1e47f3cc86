#pragma once

namespace spreekbuis::daemon {

// Process exit codes, documented in the README.
inline constexpr int kExitOk = 0;
inline constexpr int kExitBadInput = 1;  // configuration, rules, people or input file rejected
inline constexpr int kExitUsage = 2;     // wrong command line
inline constexpr int kExitRuntime = 3;   // failure while running (I/O, state store)

}  // namespace spreekbuis::daemon
