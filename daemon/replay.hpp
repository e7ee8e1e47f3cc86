#pragma once
// The operator's dry run: posts from a file through the configured pipeline, one decision
// record per post on `out`, nothing sent. Bad lines are reported on `err` and skipped.
#include <cstdint>
#include <cstdio>
#include <string>
#include <vector>

#include "daemon/decision_record.hpp"
#include "daemon/router_setup.hpp"
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

// Routes decided posts in the order of their timestamps (stable; a post without one takes the
// time of the post before it in the input), with the manual clock at that time, then runs the
// timers once more. Assignments are by input index.
struct RoutedPosts {
    std::vector<Assignment> assignments;
    std::uint64_t assigned = 0;  // posts that got a person
    std::uint64_t alerts = 0;    // alerts decided, the timers' included
};
RoutedPosts route_in_time_order(RouterRuntime& routing,
                                const std::vector<const rules::Post*>& posts,
                                const std::vector<rules::Verdict>& verdicts);

ReplayStats replay_posts(const Setup& setup, std::FILE* input, std::FILE* out, std::FILE* err,
                         const ReplayOptions& options);

std::string format_replay_summary(const ReplayStats& stats);

}  // namespace spreekbuis::daemon
