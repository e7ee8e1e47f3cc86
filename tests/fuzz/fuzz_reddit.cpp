// Fuzzes the Reddit source's pure half: the bytes as a Listing, as a token answer, as a cursor
// and as rate-limit header values. Whatever the bytes: an error leaves the listing empty, every
// post has a fullname of kind t1 or t3 as its id (equal to its entry in `fullnames`), a text
// and valid UTF-8 everywhere, its created_at parses back to created_at_ms, the skipped count
// matches the dropped entries, the walk of newer items never passes the list, a parsed cursor
// formats back to the same bytes, and a granted token could be sent in a header.
#include <simdjson.h>

#include <cstdint>
#include <cstdlib>
#include <string_view>
#include <vector>

#include "connectors/post_decoder.hpp"
#include "connectors/sources/reddit.hpp"

using namespace spreekbuis;
using namespace spreekbuis::connectors::sources;

namespace {

bool valid(const std::string& text) { return simdjson::validate_utf8(text.data(), text.size()); }

void check_listing(const RedditListing& listing) {
    if (!listing.error.empty()) {
        if (!listing.posts.empty() || !listing.fullnames.empty() || !listing.dropped.empty() ||
            listing.skipped != 0 || !listing.newest.empty() || !valid(listing.error)) {
            std::abort();
        }
        return;
    }
    if (listing.posts.size() != listing.fullnames.size()) std::abort();
    if (!listing.newest.empty() && !is_reddit_fullname(listing.newest)) std::abort();
    if (!listing.posts.empty() && listing.newest.empty()) std::abort();
    for (std::size_t i = 0; i < listing.posts.size(); ++i) {
        const rules::Post& post = listing.posts[i];
        if (post.id != listing.fullnames[i] || !is_reddit_fullname(post.id)) std::abort();
        if (!post.id.starts_with("t1_") && !post.id.starts_with("t3_")) std::abort();
        if (post.text.empty() || post.source != "reddit" || post.author.handle.empty() ||
            post.author.handle == "[deleted]") {
            std::abort();
        }
        for (const std::string* text : {&post.id, &post.text, &post.created_at, &post.author.handle,
                                        &post.url, &post.in_reply_to, &post.conversation}) {
            if (!valid(*text)) std::abort();
        }
        if (post.created_at.empty() != !post.created_at_ms) std::abort();
        if (!post.created_at.empty() &&
            post.created_at_ms != connectors::parse_rfc3339_ms(post.created_at)) {
            std::abort();
        }
        if (!post.url.empty() && !post.url.starts_with("https://www.reddit.com/")) std::abort();
    }
    std::size_t skipped = 0;
    for (const auto& dropped : listing.dropped) {
        skipped += dropped.bad ? 0 : 1;
        if (dropped.reason.empty() || !valid(dropped.reason) || !valid(dropped.fullname)) {
            std::abort();
        }
        if (!dropped.fullname.empty() && !is_reddit_fullname(dropped.fullname)) std::abort();
    }
    if (skipped != listing.skipped) std::abort();
    const std::size_t all = reddit_newer_count(listing.fullnames, "");
    if (all != listing.fullnames.size()) std::abort();
    for (const auto& fullname : listing.fullnames) {
        if (reddit_newer_count(listing.fullnames, fullname) >= listing.fullnames.size()) {
            std::abort();
        }
    }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    const std::string_view bytes(reinterpret_cast<const char*>(data), size);
    check_listing(decode_reddit_listing(bytes));

    const auto token = decode_reddit_token(bytes);
    if (token.error.empty()) {
        if (token.access_token.empty() || token.expires_in < 1 || token.expires_in > 86400) {
            std::abort();
        }
        for (const char c : token.access_token) {
            if (static_cast<unsigned char>(c) <= 0x20 || static_cast<unsigned char>(c) >= 0x7F) {
                std::abort();
            }
        }
    } else if (!token.access_token.empty() || !valid(token.error)) {
        std::abort();
    }

    if (const auto cursor = parse_reddit_cursor(bytes)) {
        if (format_reddit_cursor(*cursor) != bytes) std::abort();
    }

    const std::size_t third = size / 3;
    for (const int status : {200, 429}) {
        const auto wait =
            reddit_server_wait(status, bytes.substr(0, third), bytes.substr(third, third),
                               bytes.substr(2 * third), std::chrono::milliseconds(1000));
        if (wait && (wait->count() < 0 || *wait > std::chrono::hours(1))) std::abort();
    }
    return 0;
}
