#!/usr/bin/env bash
# One entry point for people and CI: installs the missing Debian packages, builds, then runs
# the demo (`demo`), the tests (`test`), or the ASan+UBSan tests (`test-asan`).
set -euo pipefail
cd "$(dirname "$0")/.."

packages=(build-essential cmake ninja-build pkg-config libboost1.81-all-dev libsimdjson-dev
          libre2-dev libspdlog-dev libyaml-cpp-dev libsqlite3-dev libssl-dev catch2 tzdata
          ca-certificates python3 sqlite3 curl redis-server libjemalloc-dev)

install_missing() {
    local missing=()
    for package in "${packages[@]}"; do
        dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" ||
            missing+=("$package")
    done
    [ ${#missing[@]} -eq 0 ] && return 0
    echo "installing: ${missing[*]}" >&2
    local sudo=""
    [ "$(id -u)" -ne 0 ] && sudo="sudo"
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
}

build() {  # build DIR [extra cmake args...]
    local dir=$1; shift
    local werror=OFF
    [ "${CI:-}" = "true" ] && werror=ON
    local launcher=()
    command -v ccache >/dev/null && launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache)
    cmake -S . -B "$dir" -G Ninja -DSPREEKBUIS_WERROR=$werror "${launcher[@]}" "$@" >/dev/null
    cmake --build "$dir" -j"$(nproc)"
}

case "${1:-}" in
    demo)
        install_missing
        build build -DCMAKE_BUILD_TYPE=Release
        # The demo starts from a clean state each time, so the whole feed is decided again
        # (a real deployment resumes its cursors and cases instead).
        rm -rf /tmp/spreekbuis-demo
        exec ./build/daemon/spreekbuis run --config config/demo/spreekbuis.yaml
        ;;
    test)
        install_missing
        build build -DCMAKE_BUILD_TYPE=Release
        ctest --test-dir build --output-on-failure -j"$(nproc)"
        ;;
    test-asan)
        install_missing
        build build-asan -DCMAKE_BUILD_TYPE=Debug -DSPREEKBUIS_SANITIZE=ON
        ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 \
            ctest --test-dir build-asan --output-on-failure -j"$(nproc)"
        ;;
    *)
        echo "usage: scripts/dev.sh demo|test|test-asan" >&2
        exit 2
        ;;
esac
