// Fuzzes the X filtered stream source's pure half: the body bytes through the line splitter
// (whole and cut into chunks at places the first byte chooses), every line through the
// decoder, and the bytes as one line. Whatever the bytes: the chunked split yields the same
// lines and counts as the whole one, the splitter never holds more than its limit, a post has
// an "x:<digits>" id, source "x", valid UTF-8 everywhere and an x.com URL, a skip, error or
// bad line says why in valid UTF-8 without control characters in an error's reason. The bytes
// as a stream rule: the syntax check ends, each problem inside the rule and with a message.
#include <simdjson.h>

#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "connectors/post_decoder.hpp"
#include "connectors/sources/x_rule_syntax.hpp"
#include "connectors/sources/x_stream.hpp"

using namespace spreekbuis;
using namespace spreekbuis::connectors::sources;

namespace {

bool valid(const std::string& text) { return simdjson::validate_utf8(text.data(), text.size()); }

bool x_id(const std::string& id) {
    if (id.size() < 3 || !id.starts_with("x:")) return false;
    for (std::size_t i = 2; i < id.size(); ++i) {
        if (id[i] < '0' || id[i] > '9') return false;
    }
    return true;
}

void check(const XStreamEvent& decoded) {
    if (!valid(decoded.reason)) std::abort();
    if (decoded.kind != XStreamEvent::Kind::post) {
        if (decoded.post || decoded.reason.empty()) std::abort();
        if (decoded.kind == XStreamEvent::Kind::error) {
            for (const char c : decoded.reason) {
                if (static_cast<unsigned char>(c) < 0x20) std::abort();
            }
        }
        return;
    }
    if (!decoded.post) std::abort();
    const rules::Post& post = *decoded.post;
    if (!x_id(post.id) || post.text.empty() || post.source != "x") std::abort();
    if (!post.url.starts_with("https://x.com/") || !post.url.ends_with(post.id.substr(2))) {
        std::abort();
    }
    if (!post.in_reply_to.empty() && !x_id(post.in_reply_to)) std::abort();
    if (!post.conversation.empty() && !x_id(post.conversation)) std::abort();
    if (post.lang == "und") std::abort();
    for (const std::string* text : {&post.id, &post.text, &post.lang, &post.created_at,
                                    &post.author.handle, &post.author.name, &post.url}) {
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
    constexpr std::size_t kLine = 2048;

    XLineSplitter whole(kLine);
    std::vector<std::string> lines;
    whole.feed(bytes, lines);
    if (whole.buffered_bytes() > kLine) std::abort();

    XLineSplitter chunked(kLine);
    std::vector<std::string> pieces;
    const std::size_t step = size == 0 ? 1 : static_cast<unsigned char>(bytes[0]) % 17 + 1;
    for (std::size_t pos = 0; pos < size; pos += step) {
        chunked.feed(bytes.substr(pos, step), pieces);
        if (chunked.buffered_bytes() > kLine) std::abort();
    }
    if (pieces != lines || chunked.oversized() != whole.oversized() ||
        chunked.buffered_bytes() != whole.buffered_bytes()) {
        std::abort();
    }
    for (const auto& line : lines) {
        if (line.size() > kLine || line.find('\n') != std::string::npos) std::abort();
        check(decode_x_stream_line(line));
    }
    check(decode_x_stream_line(bytes));
    for (const auto& problem : check_x_rule_syntax(bytes)) {
        if (problem.offset > size || problem.message.empty()) std::abort();
    }
    return 0;
}
