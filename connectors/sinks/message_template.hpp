#pragma once
// Operator message templates: "{{field}}" is replaced by the escaped field value; "{{{{" is a
// literal "{{". Pure; any thread.
#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "connectors/sinks/sink.hpp"

namespace spreekbuis::connectors::sinks {

// nullopt when valid, else an error message naming the offending field or position.
std::optional<std::string> validate_template(std::string_view message_template);

struct TemplateError {
    std::size_t offset = 0;  // byte offset of the offending "{{" in the template
    std::string message;
    std::string hint;  // "did you mean 'title'?" for a misspelt field, else ""
};
// Like validate_template, with the offset of the error (for file:line:col diagnostics).
std::optional<TemplateError> check_template(std::string_view message_template);

// The template an alert is rendered with: the route's (alert.message_template) when set, else
// the sink's. Precedence: route + sink > route > sink > the built-in layout.
const std::string& template_for(const Alert& alert, const SinkSettings& settings);

// The raw value of a template field (unknown fields give "").
std::string template_field(const MessageModel& model, std::string_view field);

using ValueEscaper = std::function<std::string(std::string_view)>;
std::string render_template(std::string_view message_template, const MessageModel& model,
                            const ValueEscaper& escape);

}  // namespace spreekbuis::connectors::sinks
