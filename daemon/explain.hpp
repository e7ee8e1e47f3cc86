#pragma once
// `spreekbuis explain`: one text through the configured rules, for an operator writing or
// debugging rules: the verdict, and why each rule that saw some of its terms did not match.
#include <cstdio>
#include <string>

#include "rules/ruleset.hpp"

namespace spreekbuis::daemon {

struct ExplainRequest {
    std::string text;
    std::string lang;     // empty: detected, as for a post without `lang`
    std::string rule_id;  // empty: every near miss; else that rule alone
};

// Prints the report on `out`; returns the exit code (kExitBadInput for an unknown rule id).
int explain_text(const rules::RuleSet& rules, const ExplainRequest& request, std::FILE* out,
                 std::FILE* err);

}  // namespace spreekbuis::daemon
