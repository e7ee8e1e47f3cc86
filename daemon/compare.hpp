#pragma once
// `spreekbuis compare`: the blast radius of a rule change before it is deployed. The same posts
// go through the baseline rules and the new rules; the report counts the posts decided
// differently (matched rules, topic, priority), how topics move, which rules gain or lose
// matches, and shows the first changed posts. Comparing is pure; the command reads the posts.
#include <cstdint>
#include <cstdio>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "daemon/setup.hpp"
#include "rules/post.hpp"
#include "rules/verdict.hpp"

namespace spreekbuis::daemon {

struct ChangedPost {
    std::uint64_t line = 0;
    std::string post_id;
    std::string text;  // clipped
    std::string what;  // "topic customer-service -> baggage; +baggage-lost -customer-service-x"
};

struct RuleDelta {
    std::uint64_t before = 0;  // posts the rule matched with the baseline rules
    std::uint64_t after = 0;   // with the new rules
    std::uint64_t gained = 0;  // posts it matches now and did not before
    std::uint64_t lost = 0;    // posts it matched before and does not now
    bool in_baseline = false;
    bool in_new = false;
};

class VerdictComparison {
  public:
    static constexpr std::size_t kShownPosts = 10;

    // The rules of both sides, in load order: a rule listed on one side only is new or removed.
    // Keeps the first `keep` changed posts as examples.
    VerdictComparison(const std::vector<std::string>& baseline_rules,
                      const std::vector<std::string>& new_rules, std::size_t keep = kShownPosts);
    void add(std::uint64_t line, const rules::Post& post, const rules::Verdict& baseline,
             const rules::Verdict& changed);
    // The team each side's routing gave the post at `index` of add()'s calls (none: not
    // routed, or no answer needed). Only when both configurations route.
    void add_teams(const std::optional<std::string>& baseline,
                   const std::optional<std::string>& changed);
    std::string report() const;

    std::uint64_t posts() const { return posts_; }
    std::uint64_t changed() const { return changed_; }
    const std::map<std::pair<std::string, std::string>, std::uint64_t>& topic_moves() const {
        return topic_moves_;
    }
    const std::map<std::string, RuleDelta>& rules() const { return rules_; }
    const std::vector<ChangedPost>& examples() const { return examples_; }
    // By team: posts routed to it by the baseline and by the changed configuration.
    const std::map<std::string, std::pair<std::uint64_t, std::uint64_t>>& teams() const {
        return teams_;
    }

  private:
    std::vector<std::string> order_;  // rules by first appearance: baseline order, then new
    std::map<std::string, RuleDelta> rules_;
    std::map<std::pair<std::string, std::string>, std::uint64_t> topic_moves_;  // old, new
    std::uint64_t posts_ = 0;
    std::uint64_t changed_ = 0;
    std::uint64_t priority_changes_ = 0;
    std::map<std::string, std::pair<std::uint64_t, std::uint64_t>> teams_;
    bool routed_ = false;
    std::uint64_t team_moves_ = 0;  // posts routed to another team (or to none, or from none)
    std::size_t keep_ = kShownPosts;
    std::vector<ChangedPost> examples_;
};

// Reads posts (post format v1, JSON Lines) from `input`, evaluates each with both rule sets,
// routes them with each configuration's people directory when both have one (as replay does:
// in time order, in memory, nothing sent), and prints the report on `out`; bad lines are
// reported on `err` and skipped. Returns the exit code.
int compare_setups(const Setup& baseline, const Setup& changed, std::FILE* input,
                   const std::string& input_label, std::size_t shown, std::FILE* out,
                   std::FILE* err);

}  // namespace spreekbuis::daemon
