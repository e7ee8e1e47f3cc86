#pragma once
// The decision record (DESIGN.md data contract): one JSON object per post, what replay prints
// and the audit log stores.
#include <optional>
#include <string>

#include "rules/post.hpp"
#include "rules/verdict.hpp"

namespace spreekbuis::daemon {

struct Assignment {
    std::optional<std::string> team;
    std::optional<std::string> assignee;
    std::string why;                          // appended to the verdict's why
    std::optional<rules::Priority> priority;  // routing's priority (after influence), if any
};

// One line of JSON, without a trailing newline.
std::string decision_record_json(const rules::Post& post, const rules::Verdict& verdict,
                                 const Assignment& assignment);

}  // namespace spreekbuis::daemon
