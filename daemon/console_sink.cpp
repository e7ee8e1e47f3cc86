#include "daemon/console_sink.hpp"

#include "connectors/sinks/sink.hpp"

namespace spreekbuis::daemon {

connectors::Alert alert_for_decision(const rules::Post& post, const rules::Verdict& verdict) {
    connectors::Alert alert;
    alert.id = "post:" + post.id;
    alert.kind = connectors::AlertKind::new_case;
    alert.sink = "console";
    alert.post = post;
    alert.topic = verdict.topic;
    alert.priority = verdict.priority;
    alert.sentiment = verdict.sentiment;
    alert.why = verdict.why;
    alert.created_at_ms = post.created_at_ms.value_or(0);
    std::string what = verdict.complaint ? "Complaint" : "Post";
    if (verdict.topic) what += " about " + *verdict.topic;
    alert.title =
        what + " (" +
        std::string(rules::to_string(verdict.priority.value_or(rules::Priority::normal))) + ")";
    return alert;
}

void ConsoleSink::deliver(const connectors::Alert& alert) {
    const auto text = connectors::sinks::format_console(alert);
    std::fwrite(text.data(), 1, text.size(), out_);
    std::fflush(out_);
}

}  // namespace spreekbuis::daemon
