#include "daemon/reload/file_watch.hpp"

#include <sys/stat.h>

#include <algorithm>
#include <filesystem>
#include <set>

namespace spreekbuis::daemon::reload {

namespace {

std::int64_t nanoseconds(const timespec& time) {
    return static_cast<std::int64_t>(time.tv_sec) * 1000000000 + time.tv_nsec;
}

}  // namespace

std::vector<std::string> watched_paths(const config::Config& config) {
    std::set<std::string> paths;
    if (!config.path.empty()) paths.insert(config.path);
    for (const auto& file : config.rule_files) {
        paths.insert(file);
        const auto directory = std::filesystem::path(file).parent_path();
        if (!directory.empty()) paths.insert(directory.string());
    }
    if (!config.people_file.empty()) paths.insert(config.people_file);
    return {paths.begin(), paths.end()};
}

Fingerprint take_fingerprint(const std::vector<std::string>& paths) {
    Fingerprint fingerprint;
    fingerprint.reserve(paths.size());
    for (const auto& path : paths) {
        WatchedFile file{path, {}};
        struct stat info {};
        if (::stat(path.c_str(), &info) == 0) {
            file.stamp.exists = true;
            file.stamp.modified_ns = nanoseconds(info.st_mtim);
            file.stamp.changed_ns = nanoseconds(info.st_ctim);
            file.stamp.size = static_cast<std::uint64_t>(info.st_size);
            file.stamp.inode = static_cast<std::uint64_t>(info.st_ino);
        }
        fingerprint.push_back(std::move(file));
    }
    return fingerprint;
}

std::vector<std::string> changed_paths(const Fingerprint& before, const Fingerprint& after) {
    std::vector<std::string> changed;
    for (const auto& file : after) {
        const auto old = std::find_if(before.begin(), before.end(),
                                      [&](const WatchedFile& f) { return f.path == file.path; });
        if (old == before.end() || old->stamp != file.stamp) changed.push_back(file.path);
    }
    for (const auto& file : before) {
        const bool kept = std::any_of(after.begin(), after.end(),
                                      [&](const WatchedFile& f) { return f.path == file.path; });
        if (!kept) changed.push_back(file.path);
    }
    return changed;
}

bool ChangeDebouncer::observe(const Fingerprint& now) {
    const bool still = have_previous_ && now == previous_;
    previous_ = now;
    have_previous_ = true;
    return still && now != loaded_;
}

void ChangeDebouncer::loaded(Fingerprint fingerprint) {
    loaded_ = std::move(fingerprint);
    // The next poll compares with this state: a change during the reload waits one more poll.
    previous_ = loaded_;
    have_previous_ = true;
}

}  // namespace spreekbuis::daemon::reload
