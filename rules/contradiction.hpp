#pragma once
// Load-time proofs about compiled expressions. `implies` shows that every post one node
// matches is matched by another; `never_matches` uses it to find a rule that can never match:
// its AND requires a part and excludes the same or a wider one (`refund AND NOT refund*`),
// holds fields no post satisfies together (`lang:nl AND lang:en`, `followers:<100 AND
// followers:>1000`), or asks for a score in a language that is not scored (`lang:de AND
// complaint:true`). Both find what they can prove and nothing else: false or no reason means
// "not shown". Pure; loading thread.
#include <cstdint>
#include <optional>
#include <string>

#include "rules/compiled_program.hpp"

namespace spreekbuis::rules {

// Every post that matches node `a` also matches node `b`, proved from their shapes: the same
// node, a term under a wider one (`refunded` under `refund*`), a field test under a wider one
// of its kind (`followers:>5000` under `followers:>1000`), a case-sensitive term under its
// folded term, an OR whose every part implies `b`, or some part of an OR `b` implied by `a`.
// False when it cannot be shown (NEAR, regexes, NOT and AND on either side).
bool implies(const compiled::RuleProgram& program, std::uint32_t a, std::uint32_t b);

struct NeverMatch {
    std::string reason;  // a clause to follow "can never match: "; parts named by render_node
    // The second of the two parts that clash, to point at: the NOT that excludes, the later of
    // two field tests, or the score test that the language cannot have.
    std::uint32_t part = 0;
};

// Why the expression at `root` can never match; nullopt when no reason was found.
std::optional<NeverMatch> never_matches(const compiled::RuleProgram& program, std::uint32_t root);

}  // namespace spreekbuis::rules
