#pragma once
// Checks an X filtered-stream rule's syntax before X sees it, so `spreekbuis check` reports a
// rule X would refuse (an unclosed parenthesis, a rule of conjunction-required operators only) at
// its file:line:col, instead of a refusal in the log at start. Pure.
//
// What X documents (docs.x.com, "Build a rule" and "Operators" of the filtered stream):
// a space means AND, OR (upper case) means OR, AND binds first, parentheses group; '-' negates
// one operator (the current pages say not a group: a warning here, as older pages allowed it); a
// rule needs at least one standalone operator that is not negated (keywords, "phrases", #, @, $,
// from:, to:, url:, ...); is:, has:, lang: and sample: only narrow such a rule; -is:nullcast is
// only allowed negated, sample: never; a proximity "a b"~N has N at most 6.
#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace spreekbuis::connectors::sources {

struct XRuleProblem {
    std::size_t offset = 0;  // byte offset in the rule's value where the problem starts
    bool error = true;       // false: a warning (X may accept it, but it is likely a mistake)
    std::string message;
    std::string hint;
};

std::vector<XRuleProblem> check_x_rule_syntax(std::string_view value);

}  // namespace spreekbuis::connectors::sources
