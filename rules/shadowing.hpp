#pragma once
// Load-time check for rules that another rule makes pointless, like the shadowing lints of
// firewall rule sets. A post's topic is the topic of the first rule it matches (in load order),
// so a later rule's topic never applies when an earlier rule with another topic matches every
// post it matches; and two rules with the same expression are almost always a copy-paste slip.
// Reports only what it can prove (built on `implies`, see contradiction.hpp). Cheap enough for
// tens of thousands of rules: earlier rules are found through an index of the parts of their
// ORs, not by comparing every pair. Pure; loading thread.
#include <cstdint>
#include <vector>

#include "rules/compiled_program.hpp"

namespace spreekbuis::rules {

enum class ShadowKind : std::uint8_t {
    same_query,      // `earlier` has the same expression (query and when:) as `rule`
    shadowed_topic,  // `earlier` sets another topic and matches every post `rule` matches
};

struct Shadowing {
    ShadowKind kind = ShadowKind::same_query;
    std::uint32_t rule = 0;     // index in program.rules
    std::uint32_t earlier = 0;  // index in program.rules, before `rule`
};

// At most one finding per rule, in rule order; a rule with the same expression as an earlier
// one is reported as such, not also as shadowed.
std::vector<Shadowing> find_shadowed_rules(const compiled::RuleProgram& program);

}  // namespace spreekbuis::rules
