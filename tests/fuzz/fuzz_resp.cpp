// Fuzzes the RESP2 reply parser with bytes split into two feeds: whatever the bytes, it yields
// replies within its limits, consumes what it returns, says why it gives up, and an array of
// bulk strings survives encode_command and a second parse unchanged.
#include <cstdint>
#include <cstdlib>
#include <string_view>
#include <vector>

#include "connectors/redis/resp.hpp"

using namespace spreekbuis::connectors::redis;

namespace {

constexpr ReplyLimits kLimits{4096, 1024, 4096, 8};

// Depth counts arrays only, elements count every element of every array, as the limits do.
void measure(const Reply& reply, std::size_t depth, std::size_t& max_depth, std::size_t& elements) {
    if (!reply.is_array()) return;
    if (depth + 1 > max_depth) max_depth = depth + 1;
    elements += reply.elements.size();
    for (const Reply& child : reply.elements) measure(child, depth + 1, max_depth, elements);
}

bool same(const Reply& a, const Reply& b) {
    if (a.kind != b.kind || a.text != b.text || a.integer != b.integer ||
        a.elements.size() != b.elements.size()) {
        return false;
    }
    for (std::size_t i = 0; i < a.elements.size(); ++i) {
        if (!same(a.elements[i], b.elements[i])) return false;
    }
    return true;
}

void check_round_trip(const Reply& reply) {
    if (!reply.is_array()) return;
    std::vector<std::string_view> args;
    for (const Reply& element : reply.elements) {
        if (element.kind != Reply::Kind::bulk) return;
        args.push_back(element.text);
    }
    ReplyParser parser(kLimits);
    parser.feed(encode_command(args));
    Reply again;
    if (parser.next(again) != ReplyParser::Status::complete) std::abort();
    if (!same(reply, again) || parser.buffered() != 0) std::abort();
}

// Takes every reply out; false once the parser is malformed.
bool drain(ReplyParser& parser) {
    Reply reply;
    while (true) {
        const std::size_t before = parser.buffered();
        const auto status = parser.next(reply);
        if (status == ReplyParser::Status::malformed) {
            if (parser.error().empty()) std::abort();
            if (parser.next(reply) != ReplyParser::Status::malformed) std::abort();
            return false;
        }
        if (status == ReplyParser::Status::incomplete) {
            if (parser.buffered() != before || !parser.error().empty()) std::abort();
            return true;
        }
        if (parser.buffered() >= before) std::abort();
        std::size_t depth = 0;
        std::size_t elements = 0;
        measure(reply, 0, depth, elements);
        if (depth > kLimits.max_depth || elements > kLimits.max_elements) std::abort();
        check_round_trip(reply);
    }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    const std::string_view bytes(reinterpret_cast<const char*>(data), size);
    const std::size_t split = size > 0 ? data[0] % (size + 1) : 0;
    ReplyParser parser(kLimits);
    parser.feed(bytes.substr(0, split));
    if (!drain(parser)) return 0;
    parser.feed(bytes.substr(split));
    drain(parser);
    return 0;
}
