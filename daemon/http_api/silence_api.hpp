#pragma once
// The JSON of the admin API's silence endpoints: parsing a request body into a Silence (every
// field checked, unknown fields named with a did-you-mean) and writing silences back. Pure
// except for new_silence_id (random); any thread.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "connectors/json_writer.hpp"
#include "daemon/delivery/noise.hpp"
#include "daemon/http_api/json_fields.hpp"

namespace spreekbuis::daemon::http_api {

inline constexpr std::int64_t kMaxSilenceMs = 90LL * 24 * 3600 * 1000;
inline constexpr std::size_t kMaxSilenceReasonBytes = 500;
inline constexpr std::size_t kMaxSilenceMatcherBytes = 256;  // rule, topic, person
inline constexpr std::size_t kMaxSilenceIdBytes = 64;
inline constexpr std::size_t kMaxSilenceCreatorBytes = 128;

struct SilenceParse {
    std::optional<delivery::Silence> silence;  // id may be empty: the caller picks one
    std::string error;                         // set when silence is nullopt
};

// Body of POST /api/v1/silences: {"rule"?, "topic"?, "person"? (at least one), "duration" |
// "expires_at" (exactly one, at most 90 days ahead of now_ms), "reason", "created_by"?, "id"?}.
// created_ms is set to now_ms.
SilenceParse parse_silence_request(std::string_view body, std::int64_t now_ms);

// Letters, digits, '.', '-', '_' and ':', 1 to 64 bytes.
bool valid_silence_id(std::string_view id);
// "s-" and 16 random hex digits; empty when the system has no randomness to give.
std::string new_silence_id();

// {"id", "rule", "topic", "person" (null = any), "reason", "created_by" (null = unknown),
//  "created_at" (Unix ms or null), "expires_at" (Unix ms), "expires_in" ("1h59m")}
void write_silence_json(connectors::JsonWriter& json, const delivery::Silence& silence,
                        std::int64_t now_ms);
// {"silences": [...]}
std::string silences_json(const std::vector<delivery::Silence>& silences, std::int64_t now_ms);

}  // namespace spreekbuis::daemon::http_api
