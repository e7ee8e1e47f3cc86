#pragma once
// The compiled form of all rules: interned terms and regexes, one flat node array that every
// rule's expression points into, and which terms can wake which rules. Plain data produced by
// the query compiler on the loading thread, then owned read-only by a CompiledRuleSet.
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "rules/query_ast.hpp"
#include "rules/rule_file.hpp"
#include "rules/verdict.hpp"

namespace spreekbuis::rules::compiled {

// One folded word of a term; `prefix` for a trailing '*' wildcard.
struct TermWord {
    std::string text;
    bool prefix = false;
};

// A bare term or a phrase: a sequence of folded tokens that must follow each other.
struct TermPattern {
    std::vector<TermWord> words;
    bool hashtag_too = false;  // a single plain word also matches its #hashtag
    std::string display;       // as written: suitcase*, "hand luggage"
};

// A case-sensitive term, {Word} or {"Exact Phrase"}: its words as written (split at spaces),
// found in the post's text with its original case and accents.
struct ExactCasePattern {
    std::vector<std::string> words;
    std::string display;  // {Next}, {"Bank of America"}
};

struct RegexPattern {
    std::string pattern;
    std::string display;  // re:/pattern/
};

enum class Op : std::uint8_t { term, regex, field, all_of, any_of, negate, near, exact_case };

// term/regex/field: `first` indexes the terms/regexes/fields. all_of/any_of/near: children are
// children[first .. first+count). negate: children[first] is the excluded node. exact_case:
// children[first] is the folded term (it wakes the rule and gives positions), `distance`
// indexes exact_case_patterns (checked on the post's text with its case).
struct ProgNode {
    Op op = Op::term;
    bool ordered = false;
    std::uint32_t first = 0;
    std::uint32_t count = 0;
    std::int32_t distance = 0;
};

struct CompiledRule {
    std::string id;
    std::string description;
    std::optional<std::string> topic;
    std::optional<Priority> priority;
    std::vector<std::string> tags;
    std::uint32_t root = 0;
    bool always = false;  // no term is required: evaluated for every post
    std::vector<RuleTestDef> tests;
};

inline constexpr std::size_t kMaxWakeGroups = 8;

// One seen term's or regex's effect on one rule: group `group` of the rule's `groups` is seen.
struct RuleWake {
    std::uint32_t rule = 0;
    std::uint8_t group = 0;
    std::uint8_t groups = 1;
    // Seeing it proves the group, and all groups proven prove the rule (a rule that is only
    // an AND of terms and ORs of terms): no evaluation needed.
    bool sure = false;
};

struct RuleProgram {
    std::vector<TermPattern> terms;
    std::vector<RegexPattern> regexes;
    std::vector<ExactCasePattern> exact_case_patterns;
    std::vector<query::FieldSpec> fields;
    std::vector<ProgNode> nodes;
    std::vector<std::uint32_t> children;
    std::vector<CompiledRule> rules;  // in load order
    // Rules switched off (enabled: false, disable_rules): kept only to report their tests as
    // skipped.
    std::vector<CompiledRule> disabled_rules;
    // Which rules a seen term or regex wakes, by term or regex id. A rule's query is split into
    // up to kMaxWakeGroups groups that must all be seen for it to match (the operands of its
    // top-level AND and NEAR), each a set of terms of which one must be seen.
    std::vector<std::vector<RuleWake>> term_rules;
    std::vector<std::vector<RuleWake>> regex_rules;
    std::vector<std::uint32_t> always_rules;
    // The lists' and macros' nodes by their names ($bags), for explanations of misses.
    std::map<std::uint32_t, std::string> node_names;
};

}  // namespace spreekbuis::rules::compiled

namespace spreekbuis::rules::compiled {

// Token text as it appears in the matcher's token stream (a space would split it).
inline void append_token_text(std::string& out, std::string_view token) {
    for (char c : token) out.push_back(c == ' ' ? '\x1f' : c);
}

}  // namespace spreekbuis::rules::compiled
