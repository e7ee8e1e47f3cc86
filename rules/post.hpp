#pragma once
// Post format v1 (DESIGN.md): what every source produces and replay reads.
#include <cstdint>
#include <optional>
#include <string>

namespace spreekbuis::rules {

struct Author {
    std::string handle;
    std::string name;
    std::optional<std::int64_t> followers;
    std::optional<bool> verified;
};

struct Post {
    std::string id;  // required
    std::string source;
    std::string text;        // required; raw as received (may hold HTML or entities)
    std::string lang;        // empty when the source did not say
    std::string created_at;  // RFC3339 as received, empty when absent
    std::optional<std::int64_t> created_at_ms;  // parsed created_at, Unix epoch milliseconds
    Author author;
    std::string url;
    std::string in_reply_to;
    std::string conversation;
    // Spread signals where the source reports them (influence raises priority).
    std::optional<std::int64_t> reposts;
    std::optional<std::int64_t> replies;
};

}  // namespace spreekbuis::rules
