#include <catch2/catch.hpp>

#include "connectors/post_decoder.hpp"

using spreekbuis::connectors::parse_rfc3339_ms;
using spreekbuis::connectors::PostDecoder;

TEST_CASE("post decoder reads every field of post format v1", "[post]") {
    PostDecoder decoder;
    auto result = decoder.decode(
        R"({"id":"42","source":"x","text":"Koffer kwijt &amp; niemand belt","lang":"nl",)"
        R"("created_at":"2026-11-16T08:15:00Z","author":{"handle":"anna","name":"Anna",)"
        R"("followers":1200,"verified":true},"url":"https://x.example/42",)"
        R"("in_reply_to":"41","conversation":"40","unknown":{"nested":[1,2,3]}})");
    REQUIRE(result.post);
    const auto& post = *result.post;
    CHECK(post.id == "42");
    CHECK(post.source == "x");
    CHECK(post.text == "Koffer kwijt &amp; niemand belt");
    CHECK(post.lang == "nl");
    CHECK(post.created_at_ms == 1794816900000);
    CHECK(post.author.handle == "anna");
    CHECK(post.author.name == "Anna");
    CHECK(post.author.followers == 1200);
    CHECK(post.author.verified == true);
    CHECK(post.url == "https://x.example/42");
    CHECK(post.in_reply_to == "41");
    CHECK(post.conversation == "40");
}

TEST_CASE("post decoder accepts numeric ids and null optionals", "[post]") {
    PostDecoder decoder;
    auto result =
        decoder.decode(R"({"id": 570301031407624196, "text": "hi", "author": null, "lang": null})");
    REQUIRE(result.post);
    CHECK(result.post->id == "570301031407624196");
    CHECK(result.post->lang.empty());
}

TEST_CASE("post decoder rejects bad lines with a reason", "[post]") {
    PostDecoder decoder;
    struct Case {
        const char* line;
        const char* reason;
    };
    const Case cases[] = {
        {R"({"text":"no id"})", "missing required field 'id'"},
        {R"({"id":"1"})", "missing required field 'text'"},
        {R"({"id":"1","text":42})", "field 'text' has the wrong type"},
        {R"({"id":"1","text":"x","author":{"followers":"many"}})", "field 'author.followers'"},
        {R"([1,2,3])", "a post must be a JSON object"},
        {R"({"id":"1","text":"unterminated)", ""},
        {"not json at all", ""},
        {"", ""},
    };
    for (const auto& c : cases) {
        INFO(c.line);
        auto result = decoder.decode(c.line);
        CHECK_FALSE(result.post);
        CHECK_FALSE(result.error.empty());
        CHECK(result.error.find(c.reason) != std::string::npos);
    }
    // The decoder is reusable after errors.
    CHECK(decoder.decode(R"({"id":"2","text":"ok"})").post);
}

TEST_CASE("post decoder repairs broken UTF-8 instead of rejecting the post", "[post]") {
    PostDecoder decoder;
    const std::string line = "{\"id\":\"1\",\"text\":\"caf\xC3 \xFF ok\"}";
    auto result = decoder.decode(line);
    REQUIRE(result.post);
    CHECK(result.repaired_utf8);
    CHECK(result.post->text == "caf\xEF\xBF\xBD \xEF\xBF\xBD ok");
}

TEST_CASE("post decoder keeps a post whose timestamp is malformed, with a warning", "[post]") {
    PostDecoder decoder;
    auto result = decoder.decode(R"({"id":"1","text":"x","created_at":"yesterday"})");
    REQUIRE(result.post);
    CHECK_FALSE(result.post->created_at_ms);
    CHECK(result.warning.find("created_at") != std::string::npos);
}

TEST_CASE("post decoder refuses lines over the size limit", "[post]") {
    PostDecoder decoder;
    std::string huge =
        R"({"id":"1","text":")" + std::string(PostDecoder::kMaxLineBytes, 'a') + "\"}";
    auto result = decoder.decode(huge);
    CHECK_FALSE(result.post);
    CHECK(result.error.find("longer than") != std::string::npos);
}

TEST_CASE("RFC 3339 timestamps with offsets and fractions", "[post]") {
    CHECK(parse_rfc3339_ms("1970-01-01T00:00:00Z") == 0);
    CHECK(parse_rfc3339_ms("1970-01-01T00:00:01.5Z") == 1500);
    CHECK(parse_rfc3339_ms("2026-11-16T09:15:00+01:00") ==
          parse_rfc3339_ms("2026-11-16T08:15:00Z"));
    CHECK(parse_rfc3339_ms("2015-02-24T19:15:36Z") == 1424805336000);
    CHECK_FALSE(parse_rfc3339_ms("2026-13-01T00:00:00Z"));
    CHECK_FALSE(parse_rfc3339_ms("2026-11-16 08:15"));
    CHECK_FALSE(parse_rfc3339_ms("2026-11-16T08:15:00"));
    CHECK_FALSE(parse_rfc3339_ms("2026-11-16T08:15:00Zjunk"));
}
