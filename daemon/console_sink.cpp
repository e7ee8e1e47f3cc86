#include "daemon/console_sink.hpp"

#include "rules/normalize.hpp"

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

std::string format_console_alert(const connectors::Alert& alert) {
    std::string out = "[" + std::string(connectors::to_string(alert.kind)) + "] " + alert.title;
    if (!alert.recipient_name.empty()) out += " -> " + alert.recipient_name;
    out += '\n';
    if (!alert.post.id.empty()) {
        std::string author =
            alert.post.author.handle.empty() ? "someone" : "@" + alert.post.author.handle;
        if (alert.post.author.followers) {
            author += " (" + std::to_string(*alert.post.author.followers) + " followers";
            if (alert.post.author.verified.value_or(false)) author += ", verified";
            author += ")";
        }
        // The decoded plain text: no HTML, no entities, and no control characters that could
        // move a terminal's cursor or recolour it.
        std::string text = rules::normalize(alert.post.text).plain;
        for (auto& c : text) {
            if (static_cast<unsigned char>(c) < 0x20 || c == 0x7F) c = ' ';
        }
        out += "  " + author + " on " + (alert.post.source.empty() ? "?" : alert.post.source) +
               ": " + text + '\n';
    }
    if (!alert.why.empty()) out += "  why: " + alert.why + '\n';
    return out;
}

void ConsoleSink::deliver(const connectors::Alert& alert) {
    const auto text = format_console_alert(alert);
    std::fwrite(text.data(), 1, text.size(), out_);
    std::fflush(out_);
}

}  // namespace spreekbuis::daemon
