#pragma once
// Small pieces every network source's decoder and client share: reading a JSON string field,
// showing untrusted text in a log line, and keeping a flood of warnings out of the log. Pure
// except LogLimiter, which logs; one LogLimiter per source, used on that source's thread.
#include <simdjson.h>

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>

namespace spreekbuis::connectors::sources {

// What a JSON object holds at a key.
enum class Field { absent, null, ok, wrong };

// A string at `key` into `out` (a view into the parsed document).
Field string_field(simdjson::dom::object object, std::string_view key, std::string_view& out);

// Parses `data` with the thread's parser; invalid UTF-8 is repaired to U+FFFD first (then
// `repaired` is set). An empty input is simdjson::EMPTY.
simdjson::error_code parse_json(std::string_view data, simdjson::dom::element& element,
                                bool& repaired);

// `text` as valid UTF-8: as it is, or with broken sequences replaced by U+FFFD (simdjson only
// yields valid UTF-8 from a valid document, but an escape must not smuggle one into a post).
std::string valid_utf8(std::string_view text);

// Text from the network as it may appear in a log line or a reason: valid UTF-8, control
// characters replaced by '?' (so it cannot forge log lines), at most `limit` bytes.
std::string shown(std::string_view text, std::size_t limit);

// Appends `text` to a "; "-separated list of notes (the warnings of a kept post).
void note(std::string& notes, std::string_view text);

// Whether `text` holds an ASCII control character (below 0x20, or DEL): refused in names,
// keys and rules a person wrote.
bool has_control(std::string_view text);

// localhost, ::1 and 127.x: where a plain http:// URL does not expose a token.
bool is_loopback(std::string_view host);

// At most one warning a second; the next one that is logged says how many were held back.
class LogLimiter {
  public:
    explicit LogLimiter(std::string kind) : kind_(std::move(kind)) {}  // "mastodon", "x", ...
    void warn(const std::string& source, const std::string& message);

  private:
    std::string kind_;
    bool logged_once_ = false;
    std::chrono::steady_clock::time_point last_{};
    std::uint64_t held_back_ = 0;
};

}  // namespace spreekbuis::connectors::sources
