#pragma once
// Load-time checks between the rule files and the people directory, which are written apart
// and name the same topics: a route that matches a topic or tag no rule sets never fires, and
// a person's skill that is neither a topic nor a route's skill never counts. Both are warnings
// (with a did-you-mean), like the rules' own. Pure; loading thread.
#include "daemon/routing/people.hpp"
#include "rules/diagnostic.hpp"
#include "rules/ruleset.hpp"

namespace spreekbuis::daemon {

void check_routes_against_rules(const routing::Directory& directory, const rules::RuleSet& rules,
                                rules::Diagnostics& diagnostics);

}  // namespace spreekbuis::daemon
