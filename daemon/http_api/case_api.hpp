#pragma once
// The JSON of the admin API's case endpoints: the query of GET /api/v1/cases (every parameter
// checked, a misspelt one named with a did-you-mean), the body of the case actions, and cases
// and their audit trail written back. Pure; any thread.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "connectors/json_writer.hpp"
#include "connectors/sinks/action_token.hpp"
#include "daemon/routing/case_query.hpp"

namespace spreekbuis::daemon::http_api {

inline constexpr std::size_t kMaxCaseActorBytes = 128;
inline constexpr std::size_t kMaxCaseNoteBytes = 500;

struct CaseQueryParse {
    std::optional<routing::CaseQuery> query;
    std::string error;  // set when query is nullopt
};

// GET /api/v1/cases?status=open|all|new,assigned,...&assignee=ID|none&team=ID&topic=T
//   &customer=source:handle (then every status by default)
//   &priority=LOW|normal|high|urgent (that or higher)&sla=overdue,warning,...&limit=1..1000
CaseQueryParse parse_case_query(std::string_view query);

// What a person asks of a case over the API (the chat links' actions, with a name and a note).
struct CaseActionBody {
    std::string by;                           // who asks; "" = unnamed
    std::string note;                         // why, for the audit trail; "" = none
    std::string to;                           // reassign: the person id
    std::optional<rules::Priority> priority;  // a priority change: the new one
};
struct CaseActionParse {
    std::optional<CaseActionBody> body;
    std::string error;
};
// Body of POST /api/v1/cases/{id}/{ack|resolve|reassign}: empty, or a JSON object with "by"?,
// "note"? and (reassign only, required there) "to".
CaseActionParse parse_case_action_body(std::string_view body, connectors::sinks::CaseAction action);

// Body of POST /api/v1/cases/{id}/note: {"note" (required, not blank), "by"?}.
CaseActionParse parse_case_note_body(std::string_view body);
// Body of POST /api/v1/cases/{id}/priority: {"priority" (low|normal|high|urgent), "by"?,
// "note"?}.
CaseActionParse parse_case_priority_body(std::string_view body);

// One case as the API shows it. `assignee_name` is the person's display name ("" = unknown).
void write_case_json(connectors::JsonWriter& json, const routing::Case& item,
                     std::string_view assignee_name, std::int64_t now_ms);
void write_audit_json(connectors::JsonWriter& json, const routing::AuditEntry& entry);

}  // namespace spreekbuis::daemon::http_api
