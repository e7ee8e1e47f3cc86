#pragma once
// Tuning knobs and counters of the compiled matcher, beside the plain API of ruleset.hpp:
// for benchmarks, metrics and tests of the matcher's degraded mode.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "rules/ruleset.hpp"

namespace spreekbuis::rules {

struct RuleSetOptions {
    std::size_t shard_size = 20000;      // regexes per RE2::Set
    std::int64_t max_mem = 256LL << 20;  // RE2 memory budget of all regex sets together
    std::int64_t shard_max_mem = 0;      // per set; 0 = max_mem / sets, at least 16 MiB
    // Test seam: treat every RE2::Set match as failed (out of memory) to exercise the
    // regex-by-regex fallback, which a real DFA exhaustion reaches only with huge rule sets.
    bool simulate_set_failure = false;
    // Test seam: find plain terms by checking every term against the tokens, one by one,
    // instead of through the token index, and explain every matched rule by walking its
    // nodes instead of from its precomputed list of names, and evaluate every rule instead of
    // those its seen terms wake: the plain reference the fast paths are tested against.
    bool reference_paths = false;
};

struct RuleSetStats {
    std::size_t rules = 0;
    std::size_t always_rules = 0;  // rules evaluated for every post (no required term)
    std::size_t terms = 0;         // distinct terms and phrases
    std::size_t regexes = 0;       // distinct re:/.../ patterns
    std::size_t term_keys = 0;     // distinct first words and first-word prefixes of the terms
    std::size_t set_patterns = 0;  // patterns in the regex sets (RE2::Set)
    std::size_t regex_sets = 0;
    // RE2::Set::Match failures (out of memory): the post's regexes were then checked one by one.
    std::uint64_t set_errors = 0;
};

RuleLoadResult load_rule_files(const std::vector<std::string>& paths,
                               const RuleSetOptions& options);
RuleLoadResult load_rule_text(const std::string& label, const std::string& text,
                              const RuleSetOptions& options);

// nullopt for a RuleSet that was not made by load_rule_*.
std::optional<RuleSetStats> stats_of(const RuleSet& rules);

}  // namespace spreekbuis::rules
