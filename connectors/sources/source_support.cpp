#include "connectors/sources/source_support.hpp"

#include <spdlog/spdlog.h>

#include "rules/utf8.hpp"

namespace spreekbuis::connectors::sources {

Field string_field(simdjson::dom::object object, std::string_view key, std::string_view& out) {
    simdjson::dom::element value;
    if (object.at_key(key).get(value) != simdjson::SUCCESS) return Field::absent;
    if (value.is_null()) return Field::null;
    if (value.get_string().get(out) != simdjson::SUCCESS) return Field::wrong;
    return Field::ok;
}

simdjson::error_code parse_json(std::string_view data, simdjson::dom::element& element,
                                bool& repaired) {
    thread_local simdjson::dom::parser parser;
    repaired = false;
    if (data.empty()) return simdjson::EMPTY;  // no null pointer for simdjson's copy
    if (simdjson::validate_utf8(data.data(), data.size())) {
        return parser.parse(data.data(), data.size()).get(element);
    }
    repaired = true;
    const std::string fixed = rules::utf8::repair(data);
    return parser.parse(fixed.data(), fixed.size()).get(element);
}

std::string valid_utf8(std::string_view text) {
    if (simdjson::validate_utf8(text.data(), text.size())) return std::string(text);
    return rules::utf8::repair(text);
}

std::string shown(std::string_view text, std::size_t limit) {
    auto clipped = rules::utf8::clip(rules::utf8::repair(text.substr(0, limit + 4)), limit);
    for (char& c : clipped) {
        if (static_cast<unsigned char>(c) < 0x20 || c == 0x7F) c = '?';
    }
    return clipped;
}

void note(std::string& notes, std::string_view text) {
    if (!notes.empty()) notes += "; ";
    notes += text;
}

bool has_control(std::string_view text) {
    for (const char c : text) {
        if (static_cast<unsigned char>(c) < 0x20 || c == 0x7F) return true;
    }
    return false;
}

bool is_loopback(std::string_view host) {
    return host == "localhost" || host == "::1" || host.starts_with("127.");
}

void LogLimiter::warn(const std::string& source, const std::string& message) {
    const auto now = std::chrono::steady_clock::now();
    if (logged_once_ && now - last_ < std::chrono::seconds(1)) {
        ++held_back_;
        return;
    }
    if (held_back_ > 0) {
        spdlog::warn("{} source {}: {} ({} similar warnings held back)", kind_, source, message,
                     held_back_);
    } else {
        spdlog::warn("{} source {}: {}", kind_, source, message);
    }
    logged_once_ = true;
    last_ = now;
    held_back_ = 0;
}

}  // namespace spreekbuis::connectors::sources
