#pragma once
// An alert: one chat message that routing decided to send. Pure data, produced by the daemon's
// router (new case, SLA steps, crisis) and consumed by the sinks' formatters via the outbox.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "rules/post.hpp"
#include "rules/verdict.hpp"

namespace spreekbuis::connectors {

enum class AlertKind {
    new_case,          // a post needs an answer from the recipient
    case_update,       // a later post joined a case the recipient owns
    sla_warning,       // the first-response deadline is near
    escalation,        // the deadline passed; handed to backup, lead, channel or desk
    crisis_start,      // a spike far above the baseline
    crisis_end,        // the spike has calmed down
    source_silent,     // a source went quiet for longer than usual
    reload_failed,     // a reload of rules or people was rejected; the previous ones serve
    reload_recovered,  // the first reload accepted in full after a rejected one
    digest,            // overflow rolled up after a person's hourly cap
    test,              // notify-test
};

std::string_view to_string(AlertKind kind);

// Follow-ups continue the conversation of an earlier alert of the same thread (the case's first
// alert, or the spike's crisis_start) and are sent as replies to it where the service allows.
bool is_follow_up(AlertKind kind);

struct Alert {
    std::string id;  // unique and stable: idempotency key (Matrix txnId) and outbox key
    AlertKind kind = AlertKind::new_case;
    std::string case_id;  // empty for alerts about no single case (crisis, silence)
    std::string sink;     // configured sink name that must deliver it
    std::string
        destination;  // address inside that sink (channel, member id, chat id); "" = default
    std::string recipient_name;  // person or team, for display
    std::string title;           // one line, e.g. "Complaint about baggage (high)"
    rules::Post post;            // the post that caused it (text, author, url); may be empty
    std::optional<std::string> topic;
    std::optional<rules::Priority> priority;
    double sentiment = 0.0;
    std::string why;                              // why it came to this recipient
    std::optional<std::int64_t> sla_deadline_ms;  // Unix ms
    std::int64_t created_at_ms = 0;               // Unix ms, when the alert was decided
    std::int64_t count = 0;                       // posts summarised (crisis, digest)
    std::vector<std::string> samples;             // sample post texts (crisis, digest)
    // Layout chosen by the route that routed the case, for this alert's sink ("" = the sink's
    // own template or the built-in layout). See connectors/sinks/message_template.hpp.
    std::string message_template;
    // Alerts of one spike share it (crisis_start, its digests, crisis_end); "" = none.
    std::string group_key;
};

// The thread an alert belongs to: its group key, else its case id; "" = none.
std::string_view thread_key(const Alert& alert);

}  // namespace spreekbuis::connectors
