// encode_post writes what PostDecoder reads back: every field, any text, one line.
#include <catch2/catch.hpp>
#include <string>

#include "connectors/post_decoder.hpp"
#include "connectors/post_encoder.hpp"

using namespace spreekbuis;
using connectors::encode_post;
using connectors::PostDecoder;

namespace {

rules::Post round_trip(const rules::Post& post) {
    const std::string line = encode_post(post);
    INFO(line);
    CHECK(line.find('\n') == std::string::npos);
    PostDecoder decoder;
    auto result = decoder.decode(line);
    REQUIRE(result.post);
    CHECK_FALSE(result.repaired_utf8);
    CHECK(result.warning.empty());
    return *result.post;
}

void require_same(const rules::Post& a, const rules::Post& b) {
    CHECK(a.id == b.id);
    CHECK(a.source == b.source);
    CHECK(a.text == b.text);
    CHECK(a.lang == b.lang);
    CHECK(a.created_at == b.created_at);
    CHECK(a.created_at_ms == b.created_at_ms);
    CHECK(a.author.handle == b.author.handle);
    CHECK(a.author.name == b.author.name);
    CHECK(a.author.followers == b.author.followers);
    CHECK(a.author.verified == b.author.verified);
    CHECK(a.url == b.url);
    CHECK(a.in_reply_to == b.in_reply_to);
    CHECK(a.conversation == b.conversation);
    CHECK(a.reposts == b.reposts);
    CHECK(a.replies == b.replies);
}

}  // namespace

TEST_CASE("a post with every field comes back from its line unchanged", "[post]") {
    rules::Post post;
    post.id = "1859000000000000001";
    post.source = "x";
    post.text = "@KLM my bag never arrived &amp; nobody answers";
    post.lang = "en";
    post.created_at = "2026-11-25T08:15:00.250+01:00";
    post.created_at_ms = connectors::parse_rfc3339_ms(post.created_at);
    post.author.handle = "@traveller";
    post.author.name = "Tra \"the\" Veller";
    post.author.followers = 1234;
    post.author.verified = false;
    post.url = "https://x.com/traveller/status/1859000000000000001";
    post.in_reply_to = "1858999999999999999";
    post.conversation = "1858999999999999000";
    post.reposts = 0;
    post.replies = 7;
    require_same(round_trip(post), post);
}

TEST_CASE("a post with only an id and a text is written with only those", "[post]") {
    rules::Post post;
    post.id = "p1";
    post.text = "";
    CHECK(encode_post(post) == R"({"id":"p1","text":""})");
    require_same(round_trip(post), post);
}

TEST_CASE("any text survives the line: quotes, controls, newlines, Unicode", "[post]") {
    rules::Post post;
    post.id = "p2";
    post.text = "line one\nline \"two\"\t\\ \x01\x1f caf\xc3\xa9 \xf0\x9f\x98\xa1 \xe2\x80\xa8 end";
    post.author.verified = true;
    require_same(round_trip(post), post);
}

TEST_CASE("invalid UTF-8 is written as U+FFFD, as the decoder would repair it", "[post]") {
    rules::Post post;
    post.id = "p3";
    post.text = "bad \xff\xfe byte";
    const rules::Post back = round_trip(post);
    CHECK(back.text.find("\xef\xbf\xbd") != std::string::npos);  // U+FFFD
    CHECK(back.text.find('\xff') == std::string::npos);
    PostDecoder decoder;
    const auto repaired =
        decoder.decode(R"({"id":"p3","text":"bad )" + std::string("\xff\xfe") + R"( byte"})");
    REQUIRE(repaired.post);
    CHECK(repaired.post->text == back.text);
}
