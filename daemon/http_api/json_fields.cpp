#include "daemon/http_api/json_fields.hpp"

namespace spreekbuis::daemon::http_api {

namespace {
constexpr std::size_t kMaxEchoedNameBytes = 64;
}  // namespace

bool has_control(std::string_view text) {
    for (const char c : text) {
        const auto byte = static_cast<unsigned char>(c);
        if (byte < 0x20 || byte == 0x7f) return true;
    }
    return false;
}

bool blank(std::string_view text) {
    return text.find_first_not_of(" \t\r\n") == std::string_view::npos;
}

std::string quoted_name(std::string_view name) {
    std::string out = "'";
    out += name.substr(0, kMaxEchoedNameBytes);
    if (name.size() > kMaxEchoedNameBytes) out += "...";
    return out + "'";
}

std::optional<std::string> string_field(std::string_view name, simdjson::dom::element value,
                                        std::size_t max_bytes, std::string& error) {
    std::string_view text;
    if (value.get_string().get(text) != simdjson::SUCCESS) {
        error = "field " + quoted_name(name) + " must be a string";
        return std::nullopt;
    }
    if (text.size() > max_bytes) {
        error = "field " + quoted_name(name) + " is longer than " + std::to_string(max_bytes) +
                " bytes";
        return std::nullopt;
    }
    if (has_control(text)) {
        error = "field " + quoted_name(name) + " must not contain control characters";
        return std::nullopt;
    }
    return std::string(text);
}

bool parse_request_object(simdjson::dom::parser& parser, std::string_view body,
                          simdjson::dom::object& out, std::string& error) {
    const simdjson::padded_string padded(body);
    simdjson::dom::element root;
    if (const auto code = parser.parse(padded).get(root); code != simdjson::SUCCESS) {
        error = code == simdjson::UTF8_ERROR ? std::string("request body is not valid UTF-8")
                                             : std::string("request body is not valid JSON: ") +
                                                   simdjson::error_message(code);
        return false;
    }
    if (root.get_object().get(out) != simdjson::SUCCESS) {
        error = "request body must be a JSON object";
        return false;
    }
    return true;
}

void write_optional_text(connectors::JsonWriter& json, std::string_view name,
                         std::string_view text) {
    json.key(name);
    if (text.empty()) {
        json.null();
    } else {
        json.value(text);
    }
}

}  // namespace spreekbuis::daemon::http_api
