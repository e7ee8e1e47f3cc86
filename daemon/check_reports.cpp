#include "daemon/check_reports.hpp"

#include <cstdint>
#include <map>

#include "connectors/json_writer.hpp"
#include "rules/utf8.hpp"

namespace spreekbuis::daemon {

void write_diagnostics_json(connectors::JsonWriter& json, const rules::Diagnostics& diagnostics) {
    json.begin_array();
    for (const auto& item : diagnostics.items()) {
        json.begin_object();
        json.field("severity", item.severity == rules::Severity::error ? "error" : "warning");
        json.field("file", item.pos.file);
        json.field("line", static_cast<std::int64_t>(item.pos.line));
        json.field("column", static_cast<std::int64_t>(item.pos.column));
        json.field("message", item.message);
        json.field("hint", item.hint);
        json.field("source_line", item.line_text);
        json.end_object();
    }
    json.end_array();
}

std::string check_report_json(const rules::Diagnostics& diagnostics, const CheckSummary& summary) {
    connectors::JsonWriter json;
    json.begin_object();
    json.field("ok", summary.ok);
    json.field("errors", static_cast<std::int64_t>(diagnostics.error_count()));
    json.field("warnings", static_cast<std::int64_t>(diagnostics.warning_count()));
    json.field("rules", static_cast<std::int64_t>(summary.rules));
    json.field("tests_passed", static_cast<std::int64_t>(summary.tests_passed));
    json.field("tests_skipped", static_cast<std::int64_t>(summary.tests_skipped));
    json.key("diagnostics");
    write_diagnostics_json(json, diagnostics);
    json.end_object();
    return json.take() + "\n";
}

namespace {

// XML 1.0 text or attribute value: markup escaped; what XML cannot carry (C0 controls but tab,
// newline and carriage return, U+FFFE, U+FFFF) and broken UTF-8 become U+FFFD.
void append_xml(std::string& out, std::string_view text) {
    for (std::size_t at = 0; at < text.size();) {
        char32_t cp = 0;
        at += rules::utf8::decode(text, at, cp);
        switch (cp) {
            case '&':
                out += "&amp;";
                break;
            case '<':
                out += "&lt;";
                break;
            case '>':
                out += "&gt;";
                break;
            case '"':
                out += "&quot;";
                break;
            case '\'':
                out += "&apos;";
                break;
            case '\t':
                out += "&#9;";
                break;
            case '\n':
                out += "&#10;";
                break;
            case '\r':
                out += "&#13;";
                break;
            default: {
                const bool forbidden = cp < 0x20 || cp == 0xFFFE || cp == 0xFFFF;
                rules::utf8::append(out, forbidden ? rules::utf8::kReplacement : cp);
            }
        }
    }
}

std::string location(const rules::SourcePos& pos) {
    return pos.file + ":" + std::to_string(pos.line) + ":" + std::to_string(pos.column);
}

}  // namespace

std::string junit_report(const std::vector<rules::RuleTestOutcome>& outcomes) {
    // By file, in the order files first appear.
    std::vector<std::string> files;
    std::map<std::string, std::vector<const rules::RuleTestOutcome*>> by_file;
    for (const auto& outcome : outcomes) {
        auto& list = by_file[outcome.pos.file];
        if (list.empty()) files.push_back(outcome.pos.file);
        list.push_back(&outcome);
    }
    std::size_t failures = 0;
    std::size_t skipped = 0;
    for (const auto& outcome : outcomes) {
        failures += !outcome.passed && !outcome.skipped;
        skipped += outcome.skipped;
    }
    std::string out = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
    out += "<testsuites name=\"spreekbuis rule tests\" tests=\"" + std::to_string(outcomes.size()) +
           "\" failures=\"" + std::to_string(failures) + "\" skipped=\"" + std::to_string(skipped) +
           "\">\n";
    for (const auto& file : files) {
        const auto& list = by_file[file];
        std::size_t file_failures = 0;
        std::size_t file_skipped = 0;
        for (const auto* outcome : list) {
            file_failures += !outcome->passed && !outcome->skipped;
            file_skipped += outcome->skipped;
        }
        out += "  <testsuite name=\"";
        append_xml(out, file);
        out += "\" tests=\"" + std::to_string(list.size()) + "\" failures=\"" +
               std::to_string(file_failures) + "\" skipped=\"" + std::to_string(file_skipped) +
               "\">\n";
        for (const auto* outcome : list) {
            out += "    <testcase classname=\"";
            append_xml(out, outcome->rule_id);
            out += "\" name=\"";
            append_xml(out, outcome->name);
            out += "\" file=\"";
            append_xml(out, outcome->pos.file);
            out += "\" line=\"" + std::to_string(outcome->pos.line) + "\"";
            if (outcome->skipped) {
                out += ">\n      <skipped message=\"";
                append_xml(out, outcome->detail);
                out += "\"/>\n    </testcase>\n";
            } else if (!outcome->passed) {
                out += ">\n      <failure message=\"";
                append_xml(out, outcome->detail);
                out += "\">";
                append_xml(out, location(outcome->pos) + ": " + outcome->detail);
                out += "</failure>\n    </testcase>\n";
            } else {
                out += "/>\n";
            }
        }
        out += "  </testsuite>\n";
    }
    out += "</testsuites>\n";
    return out;
}

}  // namespace spreekbuis::daemon
