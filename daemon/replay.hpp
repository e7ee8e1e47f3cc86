#pragma once
// The operator's dry run: posts from a file through the configured pipeline, one decision
// record per post on `out`, nothing sent. Bad lines are reported on `err` and skipped.
#include <cstdint>
#include <cstdio>
#include <string>

#include "daemon/rule_hits.hpp"
#include "daemon/setup.hpp"

namespace spreekbuis::daemon {

struct ReplayStats {
    std::uint64_t lines = 0;
    std::uint64_t posts = 0;
    std::uint64_t bad_lines = 0;
    std::uint64_t matched = 0;
    std::uint64_t complaints = 0;
    std::uint64_t assigned = 0;  // posts that got a person
    std::uint64_t alerts = 0;    // alerts the router decided (none are sent in a replay)
    std::uint64_t bytes = 0;
    double seconds = 0.0;
};

struct ReplayOptions {
    std::string input_label = "-";  // file name used in error messages
    bool print_records = true;
    RuleHits* rule_hits = nullptr;  // counts each rule's matches when set
};

ReplayStats replay_posts(const Setup& setup, std::FILE* input, std::FILE* out, std::FILE* err,
                         const ReplayOptions& options);

std::string format_replay_summary(const ReplayStats& stats);

}  // namespace spreekbuis::daemon
