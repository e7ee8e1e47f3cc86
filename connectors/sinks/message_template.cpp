#include "connectors/sinks/message_template.hpp"

#include <array>
#include <utility>
#include <vector>

#include "connectors/sinks/text.hpp"
#include "rules/diagnostic.hpp"

namespace spreekbuis::connectors::sinks {
namespace {

constexpr std::array<std::string_view, 20> kFields = {
    "kind",      "title",    "author",      "reach",        "text",
    "url",       "source",   "why",         "topic",        "priority",
    "sentiment", "deadline", "recipient",   "case_id",      "count",
    "samples",   "ack_url",  "resolve_url", "reassign_url", "followers_verified"};

std::string link_of(const MessageModel& model, std::string_view label) {
    for (const auto& link : model.actions) {
        if (link.label == label) return link.url;
    }
    return "";
}

template <typename OnText, typename OnField>
std::optional<TemplateError> scan(std::string_view tmpl, OnText&& on_text, OnField&& on_field) {
    std::size_t i = 0;
    while (i < tmpl.size()) {
        const std::size_t open = tmpl.find("{{", i);
        if (open == std::string_view::npos) {
            on_text(tmpl.substr(i));
            break;
        }
        on_text(tmpl.substr(i, open - i));
        if (tmpl.substr(open, 4) == "{{{{") {
            on_text("{{");
            i = open + 4;
            continue;
        }
        const std::size_t close = tmpl.find("}}", open + 2);
        if (close == std::string_view::npos) {
            return TemplateError{open, "unclosed '{{' at offset " + std::to_string(open), ""};
        }
        std::string_view name = tmpl.substr(open + 2, close - open - 2);
        while (!name.empty() && name.front() == ' ') name.remove_prefix(1);
        while (!name.empty() && name.back() == ' ') name.remove_suffix(1);
        bool known = false;
        for (const auto field : kFields) known = known || field == name;
        if (!known) {
            std::vector<std::string> fields(kFields.begin(), kFields.end());
            std::string hint = rules::closest_match(name, fields);
            if (!hint.empty()) hint = "did you mean '" + hint + "'?";
            return TemplateError{open, "unknown template field '" + std::string(name) + "'",
                                 std::move(hint)};
        }
        on_field(name);
        i = close + 2;
    }
    return std::nullopt;
}

}  // namespace

std::optional<TemplateError> check_template(std::string_view message_template) {
    return scan(
        message_template, [](std::string_view) {}, [](std::string_view) {});
}

std::optional<std::string> validate_template(std::string_view message_template) {
    if (auto error = check_template(message_template)) return std::move(error->message);
    return std::nullopt;
}

const std::string& template_for(const Alert& alert, const SinkSettings& settings) {
    return alert.message_template.empty() ? settings.message_template : alert.message_template;
}

std::string template_field(const MessageModel& model, std::string_view field) {
    if (field == "kind") return model.kind;
    if (field == "title") return model.headline;
    if (field == "author") return model.author;
    if (field == "reach" || field == "followers_verified") return model.reach;
    if (field == "text") return model.text;
    if (field == "url") return model.post_url;
    if (field == "source") return model.source;
    if (field == "why") return model.why;
    if (field == "topic") return model.topic;
    if (field == "priority") return model.priority;
    if (field == "sentiment") return model.sentiment;
    if (field == "deadline") return model.deadline_ms ? human_utc(*model.deadline_ms) : "";
    if (field == "recipient") return model.recipient;
    if (field == "case_id") return model.case_id;
    if (field == "count") return model.count > 0 ? std::to_string(model.count) : "";
    if (field == "samples") {
        std::string out;
        for (const auto& sample : model.samples) {
            if (!out.empty()) out += "\n";
            out += "- " + sample;
        }
        return out;
    }
    if (field == "ack_url") return link_of(model, "Acknowledge");
    if (field == "resolve_url") return link_of(model, "Resolve");
    if (field == "reassign_url") return link_of(model, "Reassign");
    return "";
}

std::string render_template(std::string_view message_template, const MessageModel& model,
                            const ValueEscaper& escape) {
    std::string out;
    const auto error = scan(
        message_template, [&](std::string_view text) { out += text; },
        [&](std::string_view name) { out += escape(template_field(model, name)); });
    if (error) out += escape(" [template error: " + error->message + "]");
    return out;
}

}  // namespace spreekbuis::connectors::sinks
