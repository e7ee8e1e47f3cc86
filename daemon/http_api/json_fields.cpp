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
