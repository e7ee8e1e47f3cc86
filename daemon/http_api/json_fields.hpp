#pragma once
// Checks shared by the admin API's JSON request bodies (names echoed back safely, blank text,
// string fields checked for type, length and control characters) and a writer helper for its
// replies. Pure; any thread.
#include <simdjson.h>

#include <optional>
#include <string>
#include <string_view>

#include "connectors/json_writer.hpp"

namespace spreekbuis::daemon::http_api {

// Whether `text` holds an ASCII control character (below 0x20, or DEL).
bool has_control(std::string_view text);
// Whether `text` is empty or only spaces, tabs and line breaks.
bool blank(std::string_view text);
// A client's name in quotes for an error message, cut to 64 bytes.
std::string quoted_name(std::string_view name);
// A string field: type, control characters and length checked; nullopt with `error` set.
std::optional<std::string> string_field(std::string_view name, simdjson::dom::element value,
                                        std::size_t max_bytes, std::string& error);

// A request body that must be one JSON object, parsed with `parser` (which owns the result);
// false with `error` ("not valid UTF-8", "not valid JSON: ...", "must be a JSON object").
bool parse_request_object(simdjson::dom::parser& parser, std::string_view body,
                          simdjson::dom::object& out, std::string& error);

// `"name": "text"`, or `"name": null` when text is empty.
void write_optional_text(connectors::JsonWriter& json, std::string_view name,
                         std::string_view text);

}  // namespace spreekbuis::daemon::http_api
