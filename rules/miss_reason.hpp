#pragma once
// Why a rule did not match a post, in words: "none of suitcase, bag; lang:nl does not hold
// (lang en)". Works on the compiled expression and a predicate that says which of its nodes
// hold for the post (the rule set's own evaluation), so it always agrees with the verdict.
// Pure; any thread. For tools and test reports, not for the per-post path.
#include <cstdint>
#include <functional>
#include <string>

#include "rules/compiled_program.hpp"
#include "rules/post.hpp"
#include "rules/verdict.hpp"

namespace spreekbuis::rules {

using NodeHolds = std::function<bool(std::uint32_t node)>;

// The failing parts of `node`, which does not hold for the post. `verdict` (of the same
// post) gives the actual values a failed field test is compared with.
std::string miss_reason(const compiled::RuleProgram& program, std::uint32_t node,
                        const NodeHolds& holds, const Post& post, const Verdict& verdict);

// A node as compact query text: (suitcase OR bag), "hand luggage" NEAR/3 lost, NOT refund*.
// Long renderings are cut with "...".
std::string render_node(const compiled::RuleProgram& program, std::uint32_t node);

// Some term, regex or case-sensitive term under `node`, outside any NOT, holds: the post has
// something the rule looks for.
bool saw_some(const compiled::RuleProgram& program, std::uint32_t node, const NodeHolds& holds);

}  // namespace spreekbuis::rules
