// Console rendering of an alert for a terminal: readable lines, no colours, and no control
// characters from the post (an ANSI escape in a post must not reach the terminal).
#include "connectors/sinks/sink.hpp"
#include "connectors/sinks/text.hpp"

namespace spreekbuis::connectors::sinks {
namespace {

constexpr std::string_view kIndent = "            ";

// Neutralises C0/C1 controls and DEL; newlines continue on an indented line.
std::string terminal_safe(std::string_view text, std::size_t limit) {
    const std::string clean = truncate_utf8(sanitize_utf8(text), limit);
    std::string out;
    for (std::size_t i = 0; i < clean.size(); ++i) {
        const auto b = static_cast<unsigned char>(clean[i]);
        if (b == '\n') {
            out += "\n";
            out += kIndent;
        } else if (b == '\t') {
            out += ' ';
        } else if (b < 0x20 || b == 0x7F) {
            out += "\xEF\xBF\xBD";
        } else if (b == 0xC2 && i + 1 < clean.size() &&
                   static_cast<unsigned char>(clean[i + 1]) >= 0x80 &&
                   static_cast<unsigned char>(clean[i + 1]) <= 0x9F) {
            out += "\xEF\xBF\xBD";  // C1 control (U+0080..U+009F), e.g. CSI
            ++i;
        } else {
            out.push_back(clean[i]);
        }
    }
    return out;
}

void line(std::string& out, std::string_view label, std::string_view value) {
    if (value.empty()) return;
    std::string padded = "  " + std::string(label) + ":";
    while (padded.size() < kIndent.size()) padded.push_back(' ');
    out += padded;
    out += value;
    out += "\n";
}

}  // namespace

std::string format_console(const Alert& alert) {
    const MessageModel m = build_message(alert, SinkSettings{});
    std::string out = "[" + m.kind + "] " + terminal_safe(m.headline, 300) + "\n";
    line(out, "for", terminal_safe(m.recipient, 200));
    std::string who = m.author;
    if (!m.reach.empty()) who += (who.empty() ? "" : " · ") + m.reach;
    line(out, "from", terminal_safe(who, 300));
    line(out, "text", terminal_safe(m.text, 2000));
    line(out, "link", terminal_safe(m.post_url, 500));
    if (m.count > 0) line(out, m.count_unit, group_thousands(m.count));
    for (const auto& sample : m.samples) line(out, "sample", terminal_safe(sample, 280));
    std::string facts;
    auto fact = [&](std::string_view name, const std::string& value) {
        if (!value.empty()) facts += (facts.empty() ? "" : " · ") + std::string(name) + " " + value;
    };
    fact("topic", terminal_safe(m.topic, 100));
    fact("priority", m.priority);
    if (!m.text.empty()) fact("sentiment", m.sentiment);
    line(out, "facts", facts);
    if (m.deadline_ms) line(out, "due", human_utc(*m.deadline_ms));
    line(out, "why", terminal_safe(m.why, 500));
    line(out, "case", terminal_safe(m.case_id, 100));
    return out;
}

}  // namespace spreekbuis::connectors::sinks
