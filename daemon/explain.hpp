#pragma once
// `spreekbuis explain`: one post through the configured rules and routing, for an operator
// writing or debugging rules: the verdict, why each rule that saw some of its terms did not
// match, and who the post would go to. Sends nothing and changes no state: routing runs on a
// private in-memory copy of the daemon's state database.
#include <cstdint>
#include <cstdio>
#include <optional>
#include <string>

#include "daemon/setup.hpp"
#include "rules/post.hpp"

namespace spreekbuis::daemon {

struct ExplainRequest {
    rules::Post post;     // the text and whatever else the operator gave (author, source, ...)
    std::string rule_id;  // empty: every near miss; else that rule alone
    // When to route (working hours, SLA clocks); default: the post's created_at, else now.
    std::optional<std::int64_t> at_ms;
};

// Prints the report on `out`; returns the exit code (kExitBadInput for an unknown rule id or a
// state database that cannot be read).
int explain_post(const Setup& setup, const ExplainRequest& request, std::FILE* out, std::FILE* err);

}  // namespace spreekbuis::daemon
