#include <unistd.h>

#include <algorithm>
#include <catch2/catch.hpp>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <string>
#include <thread>

#include "daemon/reload/file_watch.hpp"

using namespace spreekbuis::daemon::reload;
namespace fs = std::filesystem;

namespace {

struct TempDir {
    fs::path dir;
    TempDir() {
        static int counter = 0;
        dir = fs::temp_directory_path() /
              ("spreekbuis-watch-" + std::to_string(::getpid()) + "-" + std::to_string(counter++));
        fs::create_directories(dir);
    }
    ~TempDir() { fs::remove_all(dir); }
    std::string write(const std::string& name, const std::string& text) const {
        std::ofstream(dir / name, std::ios::binary) << text;
        return (dir / name).string();
    }
};

Fingerprint stamps(std::initializer_list<std::pair<std::string, std::int64_t>> files) {
    Fingerprint out;
    for (const auto& [path, mtime] : files) out.push_back({path, {true, mtime, mtime, 10, 1}});
    return out;
}

}  // namespace

TEST_CASE("debouncer: a change reloads once it has held still for one poll", "[reload]") {
    const auto loaded = stamps({{"a.yaml", 1}, {"b.yaml", 1}});
    ChangeDebouncer debouncer(loaded);
    CHECK_FALSE(debouncer.observe(loaded));  // nothing changed
    CHECK_FALSE(debouncer.observe(loaded));
    const auto edited = stamps({{"a.yaml", 2}, {"b.yaml", 1}});
    CHECK_FALSE(debouncer.observe(edited));  // just changed: may be half written
    CHECK(debouncer.observe(edited));        // still the same one poll later: reload
    debouncer.loaded(edited);
    CHECK_FALSE(debouncer.observe(edited));  // loaded: nothing more to do
    CHECK_FALSE(debouncer.observe(edited));
}

TEST_CASE("debouncer: files that keep changing wait until they settle", "[reload]") {
    ChangeDebouncer debouncer(stamps({{"a.yaml", 1}}));
    CHECK_FALSE(debouncer.observe(stamps({{"a.yaml", 2}})));
    CHECK_FALSE(debouncer.observe(stamps({{"a.yaml", 3}})));  // a checkout still writing
    CHECK_FALSE(debouncer.observe(stamps({{"a.yaml", 4}})));
    CHECK(debouncer.observe(stamps({{"a.yaml", 4}})));
}

TEST_CASE("debouncer: a rejected set is not tried again until it changes", "[reload]") {
    ChangeDebouncer debouncer(stamps({{"a.yaml", 1}}));
    const auto broken = stamps({{"a.yaml", 2}});
    CHECK_FALSE(debouncer.observe(broken));
    CHECK(debouncer.observe(broken));
    debouncer.loaded(broken);  // the reload was rejected, but it read these files
    for (int i = 0; i < 5; ++i) CHECK_FALSE(debouncer.observe(broken));
    const auto fixed = stamps({{"a.yaml", 3}});
    CHECK_FALSE(debouncer.observe(fixed));
    CHECK(debouncer.observe(fixed));
}

TEST_CASE("debouncer: a change back to the loaded state needs no reload", "[reload]") {
    const auto loaded = stamps({{"a.yaml", 1}});
    ChangeDebouncer debouncer(loaded);
    CHECK_FALSE(debouncer.observe(stamps({{"a.yaml", 2}})));
    CHECK_FALSE(debouncer.observe(loaded));
    CHECK_FALSE(debouncer.observe(loaded));
}

TEST_CASE("fingerprints see writes, renames over a file, deletions and new files", "[reload]") {
    TempDir tmp;
    const auto rules = tmp.write("rules.yaml", "rules: []\n");
    const auto paths = std::vector<std::string>{rules, tmp.dir.string()};
    const auto first = take_fingerprint(paths);
    REQUIRE(first.size() == 2);
    CHECK(first[0].stamp.exists);
    CHECK(first[0].stamp.size == 10);
    CHECK(take_fingerprint(paths) == first);

    tmp.write("rules.yaml", "rules: [] # longer\n");  // same inode, new size
    const auto written = take_fingerprint(paths);
    CHECK(changed_paths(first, written) == std::vector<std::string>{rules});

    // An editor's save: a new file renamed over the old one (same size, new inode).
    const auto swap = tmp.write("rules.yaml.tmp", "rules: [] # longer\n");
    fs::rename(swap, rules);
    const auto renamed = take_fingerprint(paths);
    CHECK(renamed[0].stamp.inode != written[0].stamp.inode);
    const auto after_rename = changed_paths(written, renamed);
    CHECK(std::find(after_rename.begin(), after_rename.end(), rules) != after_rename.end());

    fs::remove(rules);
    const auto removed = take_fingerprint(paths);
    CHECK_FALSE(removed[0].stamp.exists);
    CHECK_FALSE(changed_paths(renamed, removed).empty());
}

TEST_CASE("changed_paths names paths that appear or disappear", "[reload]") {
    const auto before = stamps({{"a.yaml", 1}, {"old.yaml", 1}});
    const auto after = stamps({{"a.yaml", 1}, {"new.yaml", 1}});
    const auto changed = changed_paths(before, after);
    CHECK(changed == std::vector<std::string>{"new.yaml", "old.yaml"});
}

TEST_CASE("watched_paths: the config, each rule file and its directory, the people file",
          "[reload]") {
    spreekbuis::config::Config config;
    config.path = "/etc/spreekbuis/spreekbuis.yaml";
    config.rule_files = {"/etc/spreekbuis/rules/b.yaml", "/etc/spreekbuis/rules/a.yaml",
                         "/srv/extra/c.yaml"};
    config.people_file = "/etc/spreekbuis/people.yaml";
    CHECK(watched_paths(config) ==
          std::vector<std::string>{"/etc/spreekbuis/people.yaml", "/etc/spreekbuis/rules",
                                   "/etc/spreekbuis/rules/a.yaml", "/etc/spreekbuis/rules/b.yaml",
                                   "/etc/spreekbuis/spreekbuis.yaml", "/srv/extra",
                                   "/srv/extra/c.yaml"});
}
