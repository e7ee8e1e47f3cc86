#include <cstdio>
#include <exception>

#include "daemon/cli.hpp"
#include "daemon/exit_codes.hpp"

int main(int argc, char** argv) {
    try {
        return spreekbuis::daemon::run_cli(argc, argv, stdout, stderr);
    } catch (const std::exception& error) {
        std::fprintf(stderr, "spreekbuis: fatal: %s\n", error.what());
        return spreekbuis::daemon::kExitRuntime;
    }
}
