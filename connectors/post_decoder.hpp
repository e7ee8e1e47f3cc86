#pragma once
// Decodes one line of post format v1 (JSON) into a Post. Pure; one decoder per thread because
// it reuses its simdjson parser and buffer.
#include <simdjson.h>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "rules/post.hpp"

namespace spreekbuis::connectors {

struct PostDecodeResult {
    std::optional<rules::Post> post;
    std::string error;           // why the line was rejected, when post is empty
    bool repaired_utf8 = false;  // invalid UTF-8 was replaced by U+FFFD
    std::string warning;         // kept the post but ignored a malformed optional field
};

// Parses "2026-11-16T08:15:00Z", "...+01:00", with optional fractions; nullopt when malformed.
std::optional<std::int64_t> parse_rfc3339_ms(std::string_view text);

class PostDecoder {
  public:
    static constexpr std::size_t kMaxLineBytes = 1 << 20;

    PostDecodeResult decode(std::string_view line);

  private:
    PostDecodeResult decode_valid_utf8(std::string_view line);
    simdjson::ondemand::parser parser_;
    std::string buffer_;
};

}  // namespace spreekbuis::connectors
