#pragma once
// Alert <-> JSON, the outbox payload and the data of the generic webhook. Pure; any thread.
#include <optional>
#include <string>
#include <string_view>

#include "connectors/alert.hpp"
#include "connectors/json_writer.hpp"

namespace spreekbuis::connectors::sinks {

void write_alert_json(JsonWriter& json, const Alert& alert);
std::string alert_to_json(const Alert& alert);
// nullopt (with `error` set) when the text is not a JSON object with a string "id".
std::optional<Alert> alert_from_json(std::string_view text, std::string* error = nullptr);
std::optional<AlertKind> parse_alert_kind(std::string_view text);

}  // namespace spreekbuis::connectors::sinks
