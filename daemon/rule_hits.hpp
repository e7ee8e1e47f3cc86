#pragma once
// How often each rule matched, as Falco counts its rules: operators tuning a pack need to see
// the rules that never fire and the ones that fire on everything. The emitter counts each
// decided batch; the admin API and `replay --rule-hits` read it. Thread-safe.
#include <cstdint>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "rules/lexicon.hpp"
#include "rules/verdict.hpp"

namespace spreekbuis::daemon {

struct RuleHit {
    std::string rule;
    std::uint64_t matches = 0;
    bool loaded = true;  // false: the rule was removed by a reload, its count is kept
};

class RuleHits {
  public:
    // The rules now loaded, in load order; they are listed even while they have not matched.
    // Counts survive a reload, so a counter never goes back (Prometheus counters must not).
    void set_rules(const std::vector<std::string>& ids);
    void count(const std::vector<rules::Verdict>& verdicts);
    // The loaded rules in load order, then removed rules that had matched, by id.
    std::vector<RuleHit> snapshot() const;
    // `spreekbuis_rule_matches_total{rule="…"}` for every entry of snapshot().
    std::string prometheus() const;

  private:
    std::size_t slot(std::string_view id);

    mutable std::mutex mutex_;
    // id -> entries_, looked up by string_view (a verdict's ids) without a copy
    std::unordered_map<std::string, std::size_t, rules::StringHash, std::equal_to<>> index_;
    std::vector<RuleHit> entries_;
    std::vector<std::size_t> loaded_;  // entries_ of the loaded rules, in load order
};

// A table for operators: matches, share of posts and id per rule, then how many never matched.
std::string format_rule_hits(const std::vector<RuleHit>& hits, std::uint64_t posts);

}  // namespace spreekbuis::daemon
