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

// The raw value of a template field (unknown fields give "").
std::string template_field(const MessageModel& model, std::string_view field);

using ValueEscaper = std::function<std::string(std::string_view)>;
std::string render_template(std::string_view message_template, const MessageModel& model,
                            const ValueEscaper& escape);

}  // namespace spreekbuis::connectors::sinks
