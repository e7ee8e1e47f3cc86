// Fuzzes the Jetstream frame decoder and the subscribe target, the first code every byte from
// the Bluesky stream meets: whatever the frame, the decoder yields a post, a skip or a bad
// event with a one-line reason; a post has an at:// id, text and fields in valid UTF-8 and a
// cursor of decimal digits; the target built from the bytes as a resume point stays printable
// ASCII.
#include <simdjson.h>

#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "connectors/post_decoder.hpp"
#include "connectors/sources/jetstream.hpp"

using namespace spreekbuis;
using connectors::sources::JetstreamEvent;

namespace {

bool all_digits(std::string_view text) {
    if (text.empty() || text.front() == '0') return false;
    for (const char c : text) {
        if (c < '0' || c > '9') return false;
    }
    return true;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    const std::string_view frame(reinterpret_cast<const char*>(data), size);
    const auto event = connectors::sources::decode_jetstream_event(frame);
    if (!event.cursor.empty() && !all_digits(event.cursor)) std::abort();
    if (!simdjson::validate_utf8(event.reason.data(), event.reason.size())) std::abort();
    for (const char c : event.reason) {
        if (static_cast<unsigned char>(c) < 0x20) std::abort();  // one log line, never forged
    }
    switch (event.kind) {
        case JetstreamEvent::Kind::post: {
            if (!event.post || event.cursor.empty()) std::abort();
            const rules::Post& post = *event.post;
            if (post.id.size() <= 5 || !post.id.starts_with("at://")) std::abort();
            if (post.text.empty() || post.source != "bluesky") std::abort();
            for (const std::string* text :
                 {&post.id, &post.text, &post.lang, &post.author.handle, &post.url,
                  &post.in_reply_to, &post.conversation, &post.created_at}) {
                if (!simdjson::validate_utf8(text->data(), text->size())) std::abort();
            }
            if (post.created_at_ms != connectors::parse_rfc3339_ms(post.created_at) &&
                !(post.created_at.empty() && !post.created_at_ms)) {
                std::abort();
            }
            break;
        }
        case JetstreamEvent::Kind::skip:
            if (event.post || event.cursor.empty() || event.reason.empty()) std::abort();
            break;
        case JetstreamEvent::Kind::bad:
            if (event.post || event.reason.empty()) std::abort();
            break;
    }
    const connectors::sources::JetstreamSettings settings;
    const auto target = connectors::sources::jetstream_target(settings, "/subscribe", frame);
    for (const char c : target) {
        if (c <= 0x20 || c >= 0x7F) std::abort();
    }
    return 0;
}
