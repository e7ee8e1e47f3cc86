// Fuzzes the body of POST /api/v1/silences: whatever the bytes, parsing either fails with a
// message or yields a silence within the documented limits, and writing it back is valid JSON.
#include <simdjson.h>

#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "daemon/http_api/silence_api.hpp"

using namespace spreekbuis::daemon::http_api;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    constexpr std::int64_t kNow = 1714572000000;
    const std::string_view body(reinterpret_cast<const char*>(data), size);
    const SilenceParse parsed = parse_silence_request(body, kNow);
    if (!parsed.silence) {
        if (parsed.error.empty()) std::abort();
        return 0;
    }
    const auto& s = *parsed.silence;
    if (s.expires_ms <= kNow || s.expires_ms > kNow + kMaxSilenceMs) std::abort();
    if (s.rule_id.empty() && s.topic.empty() && s.person.empty()) std::abort();
    if (s.reason.empty() || s.reason.size() > kMaxSilenceReasonBytes) std::abort();
    if (!s.id.empty() && !valid_silence_id(s.id)) std::abort();
    spreekbuis::connectors::JsonWriter json;
    write_silence_json(json, s, kNow);
    simdjson::dom::parser parser;
    if (parser.parse(json.str()).error() != simdjson::SUCCESS) std::abort();
    return 0;
}
