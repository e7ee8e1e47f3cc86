#pragma once
// Noticing that the files a reload reads have changed: the configuration file, the rule files,
// the directories that hold them (a new file for a `rules/*.yaml` glob) and the people
// directory. Polled, not inotify: editors save by rename, `git checkout` and Kubernetes
// ConfigMaps swap whole directories and symlinks, and a stat of a few files every two seconds
// sees all of these alike.
#include <cstdint>
#include <string>
#include <vector>

#include "config/config.hpp"

namespace spreekbuis::daemon::reload {

// What stat() says about one path; equal stamps = no change seen.
struct FileStamp {
    bool exists = false;
    std::int64_t modified_ns = 0;  // mtime
    std::int64_t changed_ns = 0;   // ctime: also moves on rename over and chmod
    std::uint64_t size = 0;
    std::uint64_t inode = 0;
    bool operator==(const FileStamp&) const = default;
};

struct WatchedFile {
    std::string path;
    FileStamp stamp;
    bool operator==(const WatchedFile&) const = default;
};
using Fingerprint = std::vector<WatchedFile>;  // in the order of the paths given

// The paths a reload of `config` reads, sorted and unique: the config file, every rule file and
// its directory, the people file.
std::vector<std::string> watched_paths(const config::Config& config);

// stat() of each path (symlinks followed: a swapped link target counts as a change).
Fingerprint take_fingerprint(const std::vector<std::string>& paths);

// The paths whose stamps differ between two fingerprints (or that only one of them has).
std::vector<std::string> changed_paths(const Fingerprint& before, const Fingerprint& after);

// Decides when to reload from one fingerprint per poll: when the files differ from the loaded
// state and have not changed since the previous poll, so a reload never reads a half-written
// set (an editor's save, a checkout writing several files). Pure.
class ChangeDebouncer {
  public:
    explicit ChangeDebouncer(Fingerprint loaded = {}) : loaded_(std::move(loaded)) {}

    // True when a reload is due. `now` is this poll's fingerprint.
    bool observe(const Fingerprint& now);
    // The files a reload read (taken just before it read them), whether it was accepted or
    // not: a rejected set is not tried again until it changes.
    void loaded(Fingerprint fingerprint);
    const Fingerprint& loaded_state() const { return loaded_; }

  private:
    Fingerprint loaded_;
    Fingerprint previous_;
    bool have_previous_ = false;
};

}  // namespace spreekbuis::daemon::reload
