#pragma once
// Load-time check for a rule that can never match: its AND requires a part and excludes the
// same or a wider one (`refund AND NOT refund*`), holds fields no post satisfies together
// (`lang:nl AND lang:en`, `followers:<100 AND followers:>1000`), or asks for a score in a
// language that is not scored (`lang:de AND complaint:true`). Finds what it can prove and
// nothing else: no reason means "not shown impossible". Pure; loading thread.
#include <cstdint>
#include <optional>
#include <string>

#include "rules/compiled_program.hpp"

namespace spreekbuis::rules {

// Why the expression at `root` can never match, as a clause to follow "can never match: ";
// nullopt when no reason was found. Parts are named as render_node names them.
std::optional<std::string> never_matches(const compiled::RuleProgram& program, std::uint32_t root);

}  // namespace spreekbuis::rules
