#pragma once
// The command line: one binary, subcommands run, replay, check, test, explain, notify-test,
// version.
#include <cstdio>

namespace spreekbuis::daemon {

// Parses arguments and runs the subcommand; returns the process exit code (see exit_codes.hpp).
int run_cli(int argc, const char* const* argv, std::FILE* out, std::FILE* err);

}  // namespace spreekbuis::daemon
