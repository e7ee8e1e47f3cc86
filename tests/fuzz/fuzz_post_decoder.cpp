// Fuzzes the decoding of one post line (post format v1), the first thing every byte from a
// source meets: whatever the bytes, the decoder either rejects the line with a message or
// yields a post with an id and text in valid UTF-8, a timestamp that agrees with its text, and
// a decision record for it that is valid JSON naming the same post id.
#include <simdjson.h>

#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "connectors/post_decoder.hpp"
#include "daemon/decision_record.hpp"

using namespace spreekbuis;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    const std::string_view line(reinterpret_cast<const char*>(data), size);
    static connectors::PostDecoder decoder;  // reused, as a source thread reuses its own
    const auto decoded = decoder.decode(line);
    if (!decoded.post) {
        if (decoded.error.empty()) std::abort();
        return 0;
    }
    const rules::Post& post = *decoded.post;
    if (post.id.empty()) std::abort();
    for (const std::string* text :
         {&post.id, &post.text, &post.source, &post.lang, &post.author.handle, &post.author.name,
          &post.url, &post.in_reply_to, &post.conversation}) {
        if (!simdjson::validate_utf8(text->data(), text->size())) std::abort();
    }
    if (post.created_at_ms != connectors::parse_rfc3339_ms(post.created_at) &&
        !(post.created_at.empty() && !post.created_at_ms)) {
        std::abort();
    }
    if (post.created_at_ms.has_value() == !decoded.warning.empty() && !post.created_at.empty()) {
        std::abort();  // a timestamp that did not parse is named in the warning, and only then
    }
    rules::Verdict verdict;
    verdict.lang = post.lang;
    verdict.why = post.text;
    const auto record = daemon::decision_record_json(post, verdict, daemon::Assignment{});
    simdjson::dom::parser parser;
    simdjson::dom::element doc;
    if (parser.parse(record).get(doc) != simdjson::SUCCESS) std::abort();
    std::string_view id;
    if (doc["post_id"].get_string().get(id) != simdjson::SUCCESS || id != post.id) std::abort();
    return 0;
}
