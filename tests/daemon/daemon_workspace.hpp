#pragma once
// A throwaway daemon configuration for tests: spreekbuis.yaml (replay feed, console sink), one
// rule file with an embedded test, and optionally a people directory; the CLI run captured.
#include <unistd.h>

#include <catch2/catch.hpp>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "daemon/cli.hpp"
#include "daemon/daemon.hpp"
#include "daemon/setup.hpp"

namespace spreekbuis::testing {

// A throwaway configuration directory with one rule file and a feed.
struct Workspace {
    std::filesystem::path dir;

    Workspace() {
        dir = std::filesystem::temp_directory_path() /
              ("spreekbuis-cli-" + std::to_string(::getpid()) + "-" + std::to_string(counter()++));
        std::filesystem::create_directories(dir / "rules");
        write("rules/demo.yaml",
              "rules:\n"
              "  - id: lost-bag\n"
              "    query: 'suitcase OR koffer'\n"
              "    topic: baggage\n"
              "    priority: high\n"
              "    tests:\n"
              "      - text: 'where is my suitcase'\n"
              "        expect: {match: true, topic: baggage}\n");
        write("spreekbuis.yaml",
              "log_level: warn\n"
              "state_dir: state\n"
              "workers: 2\n"
              "rules: [rules/*.yaml]\n"
              "sources:\n"
              "  - {name: feed, type: replay, path: feed.jsonl, rate: 0}\n"
              "sinks:\n"
              "  - {name: console, type: console}\n");
    }
    ~Workspace() { std::filesystem::remove_all(dir); }

    static int& counter() {
        static int value = 0;
        return value;
    }
    void write(const std::string& name, const std::string& text) const {
        std::ofstream(dir / name) << text;
    }
    std::string path(const std::string& name) const { return (dir / name).string(); }
};

inline void add_people(const Workspace& ws) {
    ws.write("people.yaml",
             "timezone: UTC\n"
             "desk: desk\n"
             "people:\n"
             "  - id: anna\n"
             "    name: Anna de Vries\n"
             "    chat: {console: U_ANNA}\n"
             "    skills: {baggage: 3}\n"
             "    languages: [nl, en]\n"
             "    hours: {daily: \"00:00-24:00\"}\n"
             "  - id: bram\n"
             "    chat: {console: U_BRAM}\n"
             "    skills: {baggage: 3}\n"
             "    languages: [nl, en]\n"
             "    hours: {weekdays: \"09:00-17:00\"}\n"
             "teams:\n"
             "  - {id: bags, members: [anna, bram]}\n"
             "  - {id: desk, members: [anna]}\n"
             "routes:\n"
             "  - {match: {topic: baggage}, team: bags}\n");
    std::ofstream(ws.dir / "spreekbuis.yaml", std::ios::app) << "people: people.yaml\n";
}

struct Captured {
    int code = 0;
    std::string out;
    std::string err;
};

// The whole of a temporary file; closes it.
inline std::string read_all(std::FILE* file) {
    std::rewind(file);
    std::string text;
    char buffer[4096];
    while (auto n = std::fread(buffer, 1, sizeof buffer, file)) text.append(buffer, n);
    std::fclose(file);
    return text;
}

// `spreekbuis ARGS...` through run_cli, with stdout and stderr captured.
inline Captured run(std::vector<std::string> args) {
    args.insert(args.begin(), "spreekbuis");
    std::vector<const char*> argv;
    for (const auto& arg : args) argv.push_back(arg.c_str());
    std::FILE* out = std::tmpfile();
    std::FILE* err = std::tmpfile();
    Captured captured;
    captured.code = daemon::run_cli(static_cast<int>(argv.size()), argv.data(), out, err);
    captured.out = read_all(out);
    captured.err = read_all(err);
    return captured;
}

// Polls `condition` for up to ten seconds.
template <typename Condition>
bool eventually(Condition condition) {
    for (int i = 0; i < 1000 && !condition(); ++i) {
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    return condition();
}

// The daemon on a workspace's configuration (loaded as `run` loads it), its console sink
// writing to a temporary file. start() runs it on a thread; stop() (or the end of the
// object) stops it and returns its exit code.
struct TestDaemon {
    std::FILE* console = std::tmpfile();
    std::unique_ptr<daemon::Daemon> service;
    std::thread runner;
    int code = -1;

    explicit TestDaemon(const Workspace& ws) {
        auto loaded = daemon::load_setup(ws.path("spreekbuis.yaml"), true);
        INFO(loaded.diagnostics.format_all());
        REQUIRE(loaded.setup);
        service = std::make_unique<daemon::Daemon>(std::move(*loaded.setup), console);
    }
    ~TestDaemon() {
        stop();
        std::fclose(console);
    }
    daemon::Daemon* operator->() { return service.get(); }
    void start() {
        runner = std::thread([this] { code = service->run(); });
    }
    int stop() {
        if (runner.joinable()) {
            service->request_stop();
            runner.join();
        }
        return code;
    }
    // What the console sink wrote so far.
    std::string output() {
        std::fflush(console);
        std::rewind(console);
        std::string text;
        char buffer[4096];
        while (auto n = std::fread(buffer, 1, sizeof buffer, console)) text.append(buffer, n);
        return text;
    }
};

}  // namespace spreekbuis::testing
