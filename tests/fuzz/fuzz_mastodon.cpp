// Fuzzes the Mastodon source's pure half: SSE bytes through the incremental parser (whole and
// cut into chunks at places the first byte chooses), every event through the decoder, and the
// bytes as a REST timeline page. Whatever the bytes: the chunked parse yields the same events
// and counts as the whole one, the parser never holds more than its limits, a post has an id,
// a cursor and valid UTF-8 everywhere, and a skip or bad event says why.
#include <simdjson.h>

#include <cstdint>
#include <cstdlib>
#include <string_view>
#include <vector>

#include "connectors/post_decoder.hpp"
#include "connectors/sources/mastodon.hpp"
#include "connectors/sources/sse.hpp"

using namespace spreekbuis;
using namespace spreekbuis::connectors::sources;

namespace {

bool valid(const std::string& text) { return simdjson::validate_utf8(text.data(), text.size()); }

void check(const MastodonEvent& decoded) {
    if (!valid(decoded.reason)) std::abort();
    if (decoded.kind != MastodonEvent::Kind::post) {
        if (decoded.post || decoded.reason.empty()) std::abort();
        return;
    }
    if (!decoded.post || decoded.cursor.empty()) std::abort();
    const rules::Post& post = *decoded.post;
    if (post.id.empty() || post.url.empty() || post.text.empty() || post.source != "mastodon") {
        std::abort();
    }
    for (const std::string* text :
         {&post.id, &post.text, &post.lang, &post.created_at, &post.author.handle,
          &post.author.name, &post.url, &post.in_reply_to, &decoded.cursor}) {
        if (!valid(*text)) std::abort();
    }
    if (!post.created_at.empty() &&
        post.created_at_ms != connectors::parse_rfc3339_ms(post.created_at)) {
        std::abort();
    }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    const std::string_view bytes(reinterpret_cast<const char*>(data), size);
    constexpr std::size_t kEvent = 4096;
    constexpr std::size_t kLine = 1024;

    SseParser whole(kEvent, kLine);
    std::vector<SseEvent> events;
    whole.feed(bytes, events);
    if (whole.buffered_bytes() > kEvent + kLine) std::abort();

    SseParser chunked(kEvent, kLine);
    std::vector<SseEvent> pieces;
    const std::size_t step = size == 0 ? 1 : static_cast<unsigned char>(bytes[0]) % 17 + 1;
    for (std::size_t pos = 0; pos < size; pos += step) {
        chunked.feed(bytes.substr(pos, step), pieces);
        if (chunked.buffered_bytes() > kEvent + kLine) std::abort();
    }
    if (pieces.size() != events.size() || chunked.comments() != whole.comments() ||
        chunked.oversized() != whole.oversized()) {
        std::abort();
    }
    for (std::size_t i = 0; i < events.size(); ++i) {
        if (events[i].event != pieces[i].event || events[i].data != pieces[i].data) std::abort();
        // The limit counts the data and a given name; the default name "message" is not counted.
        if (events[i].data.size() + events[i].event.size() > kEvent + 7) std::abort();
        check(decode_mastodon_event(events[i].event, events[i].data, "social.example"));
    }
    check(decode_mastodon_event("update", bytes, "social.example"));
    const auto timeline = decode_mastodon_timeline(bytes, "social.example");
    if (!timeline.error.empty() && !timeline.statuses.empty()) std::abort();
    for (const auto& status : timeline.statuses) check(status);
    return 0;
}
