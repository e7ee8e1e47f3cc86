#pragma once
// Rule files in, an immutable compiled RuleSet out. evaluate() is const and thread-safe, so
// matcher workers share one std::shared_ptr<const RuleSet> and a reload swaps the pointer.
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "rules/diagnostic.hpp"
#include "rules/post.hpp"
#include "rules/verdict.hpp"

namespace spreekbuis::rules {

class RuleSet;

struct RuleTestOutcome {
    SourcePos pos;        // where the test is written
    std::string rule_id;  // the rule the test is written under
    std::string name;     // rule id plus the test's text or name
    bool passed = false;
    bool skipped = false;  // its rule is switched off: not run, and not a failure (passed too)
    std::string detail;    // what was expected and what came out, when it failed
};

// A rule that did not match a post, and why not in words ("none of suitcase, bag").
struct RuleMiss {
    std::string rule_id;
    std::string reason;
};

struct RuleLoadResult {
    std::shared_ptr<const RuleSet> rules;  // null when any error was found: nothing half-loaded
    Diagnostics diagnostics;
};

// Reads, compiles and validates all files together (lists and macros are shared across
// files, later files may extend earlier lists). Does not run the embedded tests.
RuleLoadResult load_rule_files(const std::vector<std::string>& paths);
// Same, from in-memory text; `label` is the file name used in diagnostics. For tests and fuzzing.
RuleLoadResult load_rule_text(const std::string& label, const std::string& text);

class RuleSet {
  public:
    virtual ~RuleSet() = default;
    virtual Verdict evaluate(const Post& post) const = 0;
    // The verdicts of many posts, in order, appended to `out`: the same as evaluate() on each,
    // for callers that have a batch (an implementation may then work stage by stage).
    virtual void evaluate_all(std::span<const Post* const> posts, std::vector<Verdict>& out) const;
    virtual std::vector<RuleTestOutcome> run_tests() const = 0;
    virtual std::size_t rule_count() const = 0;
    // Every rule's id, in load order (the order of Verdict::rules).
    virtual std::vector<std::string> rule_ids() const = 0;
    // Every rule's topic, in the same order; nullopt for a rule that sets none.
    virtual std::vector<std::optional<std::string>> rule_topics() const = 0;
    // Every topic and every tag some rule sets, sorted (for checks against the routes).
    virtual std::vector<std::string> topics() const = 0;
    virtual std::vector<std::string> tags() const = 0;
    // The rules that did not match `post` although it has some of their terms (the near
    // misses), each with why not; with `rule_id`, that rule alone, when it did not match.
    // Evaluates the post again: for tools and test reports, not for the per-post path.
    virtual std::vector<RuleMiss> misses(const Post& post, std::string_view rule_id = {}) const = 0;
};

}  // namespace spreekbuis::rules
