#include <unistd.h>

#include <atomic>
#include <catch2/catch.hpp>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "daemon/reload/reloader.hpp"

using namespace spreekbuis::daemon::reload;
namespace fs = std::filesystem;

namespace {

struct Calls {
    std::mutex mutex;
    std::vector<std::pair<std::string, std::vector<std::string>>> seen;

    Reloader::ReloadFn fn() {
        return [this](const std::string& trigger, std::vector<std::string> files) {
            std::lock_guard lock(mutex);
            seen.emplace_back(trigger, files);
            ReloadReport report;
            report.trigger = trigger;
            report.files = std::move(files);
            report.config_read = report.rules_reloaded = true;
            return report;
        };
    }
    std::size_t count() {
        std::lock_guard lock(mutex);
        return seen.size();
    }
    bool wait_for(std::size_t n) {
        for (int i = 0; i < 500 && count() < n; ++i) {
            std::this_thread::sleep_for(std::chrono::milliseconds(10));
        }
        return count() >= n;
    }
};

fs::path temp_dir() {
    static int counter = 0;
    auto dir = fs::temp_directory_path() / ("spreekbuis-reloader-" + std::to_string(::getpid()) +
                                            "-" + std::to_string(counter++));
    fs::create_directories(dir);
    return dir;
}

}  // namespace

TEST_CASE("reloader: a request is carried out and answered", "[reload]") {
    Calls calls;
    Reloader reloader(calls.fn(), [] { return std::vector<std::string>{}; }, false, 1000, {});
    auto answer = reloader.request("admin API");
    REQUIRE(answer.wait_for(std::chrono::seconds(5)) == std::future_status::ready);
    const auto report = answer.get();
    CHECK(report.trigger == "admin API");
    CHECK(report.accepted());
    CHECK(calls.count() == 1);
}

TEST_CASE("reloader: a changed file reloads once, naming the file", "[reload]") {
    const auto dir = temp_dir();
    const auto rules = (dir / "rules.yaml").string();
    std::ofstream(rules) << "rules: []\n";
    Calls calls;
    {
        Reloader reloader(
            calls.fn(), [&] { return std::vector<std::string>{rules}; }, true, 50,
            take_fingerprint({rules}));
        std::this_thread::sleep_for(std::chrono::milliseconds(200));
        CHECK(calls.count() == 0);  // nothing changed
        std::ofstream(rules) << "rules: [] # edited\n";
        REQUIRE(calls.wait_for(1));
        std::this_thread::sleep_for(std::chrono::milliseconds(300));
        CHECK(calls.count() == 1);  // once, not at every poll
        std::lock_guard lock(calls.mutex);
        CHECK(calls.seen[0].first == "file change");
        CHECK(calls.seen[0].second == std::vector<std::string>{rules});
    }
    fs::remove_all(dir);
}

TEST_CASE("reloader: a request does not make the watch reload the same change again", "[reload]") {
    const auto dir = temp_dir();
    const auto rules = (dir / "rules.yaml").string();
    std::ofstream(rules) << "rules: []\n";
    Calls calls;
    {
        // A long interval: the request comes before the watch has seen the edit.
        Reloader reloader(
            calls.fn(), [&] { return std::vector<std::string>{rules}; }, true, 300,
            take_fingerprint({rules}));
        std::ofstream(rules) << "rules: [] # edited, then SIGHUP\n";
        auto answer = reloader.request("SIGHUP");
        REQUIRE(answer.wait_for(std::chrono::seconds(5)) == std::future_status::ready);
        std::this_thread::sleep_for(std::chrono::milliseconds(1000));
        CHECK(calls.count() == 1);
    }
    fs::remove_all(dir);
}

TEST_CASE("reloader: a new file in a watched directory is noticed", "[reload]") {
    const auto dir = temp_dir();
    std::ofstream(dir / "a.yaml") << "rules: []\n";
    Calls calls;
    {
        Reloader reloader(
            calls.fn(), [&] { return std::vector<std::string>{dir.string()}; }, true, 50,
            take_fingerprint({dir.string()}));
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
        std::ofstream(dir / "b.yaml") << "rules: []\n";
        CHECK(calls.wait_for(1));
    }
    fs::remove_all(dir);
}

TEST_CASE("reloader: stopping answers what is still queued", "[reload]") {
    std::atomic<bool> release{false};
    Reloader reloader(
        [&](const std::string& trigger, std::vector<std::string>) {
            while (!release) std::this_thread::sleep_for(std::chrono::milliseconds(5));
            ReloadReport report;
            report.trigger = trigger;
            return report;
        },
        [] { return std::vector<std::string>{}; }, false, 1000, {});
    auto first = reloader.request("first");
    std::this_thread::sleep_for(std::chrono::milliseconds(50));  // the first one is running
    auto second = reloader.request("second");
    std::thread stopper([&] { reloader.stop(); });
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    release = true;
    stopper.join();
    REQUIRE(first.wait_for(std::chrono::seconds(5)) == std::future_status::ready);
    CHECK(first.get().trigger == "first");
    REQUIRE(second.wait_for(std::chrono::seconds(5)) == std::future_status::ready);
    const auto stopped = second.get();
    CHECK_FALSE(stopped.accepted());
    CHECK(stopped.diagnostics.items().front().message.find("stopping") != std::string::npos);
}
