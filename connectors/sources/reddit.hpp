#pragma once
// The Reddit polling source (`type: reddit`): an app-only OAuth2 token (client credentials),
// then every `interval` the newest submissions (`/r/a+b/new`) and comments (`/r/a+b/comments`)
// of the configured subreddits; what is newer than the last seen fullname of each listing
// becomes posts, oldest first. Pure half: decode_reddit_listing, decode_reddit_token, the cursor
// and selection functions. I/O half: the source made by make_reddit_source, run on its own
// thread and io_context.
#include <boost/asio/ssl/context.hpp>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "config/config.hpp"
#include "connectors/sources/live_source.hpp"
#include "rules/diagnostic.hpp"
#include "rules/post.hpp"

namespace spreekbuis::connectors::sources {

struct RedditSettings {
    std::string name;
    std::vector<std::string> subreddits;
    bool comments = true;
    bool submissions = true;
    std::string client_id;
    std::string client_secret;
    std::string user_agent;
    std::chrono::seconds interval{30};
    std::string api_url = "https://oauth.reddit.com";
    std::string token_url = "https://www.reddit.com/api/v1/access_token";
    // Not in YAML (tests and tuning):
    std::chrono::milliseconds poll_interval{0};  // > 0: used instead of `interval`
    std::chrono::milliseconds reconnect_initial{2000};
    std::chrono::milliseconds reconnect_cap{300000};
    std::chrono::milliseconds connect_timeout{10000};
    std::chrono::milliseconds request_timeout{30000};
    std::chrono::milliseconds server_second{1000};  // one second of Retry-After / the reset
    std::size_t body_limit = 8 * 1024 * 1024;
    std::function<void(std::chrono::milliseconds)> on_wait;  // observes every wait (tests)
};

std::optional<RedditSettings> read_reddit_settings(const config::PluginConfig& plugin,
                                                   const std::string& base_dir,
                                                   rules::Diagnostics& diagnostics);

// `tls` may be null; an https source then makes its own client context.
std::unique_ptr<LiveSource> make_reddit_source(RedditSettings settings,
                                               std::shared_ptr<boost::asio::ssl::context> tls);

// A listing child that became no post: skipped (deleted author, removed text, other kinds) or
// bad (a missing or mistyped field). `fullname` may be empty when the child had none.
struct RedditDropped {
    std::string fullname;
    std::string reason;
    bool bad = false;
};

// One decoded Listing. `posts` newest first as Reddit lists them; `fullnames[i]` is the fullname
// of `posts[i]` (also its id). `newest` is the first usable fullname of any child, post or not.
// `error` set: the body is no Listing, and everything else is empty.
struct RedditListing {
    std::vector<rules::Post> posts;
    std::vector<std::string> fullnames;
    std::size_t skipped = 0;
    std::string error;
    std::vector<RedditDropped> dropped;
    std::string newest;
    bool repaired = false;  // invalid UTF-8 was replaced by U+FFFD before parsing
};

// Pure.
RedditListing decode_reddit_listing(std::string_view body);

// Pure: the token endpoint's answer. `error` set when there is no usable access_token.
struct RedditToken {
    std::string access_token;
    std::int64_t expires_in = 0;  // seconds
    std::string error;
};
RedditToken decode_reddit_token(std::string_view body);

// Whether `text` is a fullname: "t<digit>_" and 1..13 base-36 digits (lower case).
bool is_reddit_fullname(std::string_view text);
// Orders fullnames of one kind by their base-36 number (Reddit counts them up): by length, then
// bytes. Negative, zero or positive.
int compare_reddit_fullnames(std::string_view a, std::string_view b);

// How many leading entries of a newest-first list of fullnames are newer than `last_seen`: the
// walk stops at `last_seen` itself or at the first fullname that is not greater (so a deleted
// `last_seen` still stops it). An empty `last_seen` counts every entry.
std::size_t reddit_newer_count(const std::vector<std::string>& fullnames_newest_first,
                               std::string_view last_seen);

// The cursor: the last seen fullname of both listings, "new=t3_abc;comments=t1_def" (either may
// be empty). parse returns nullopt for anything else.
struct RedditCursor {
    std::string submissions;
    std::string comments;
};
std::string format_reddit_cursor(const RedditCursor& cursor);
std::optional<RedditCursor> parse_reddit_cursor(std::string_view text);

// The wait a response asks for before the next request, in server seconds times `second`:
// 429 → Retry-After (whole seconds), else X-Ratelimit-Reset; any status → the reset when
// X-Ratelimit-Remaining < 2. nullopt: no wait asked. At most an hour of server seconds.
std::optional<std::chrono::milliseconds> reddit_server_wait(int status,
                                                            std::string_view retry_after,
                                                            std::string_view remaining,
                                                            std::string_view reset,
                                                            std::chrono::milliseconds second);

// "2023-02-15T12:48:43Z" (".250" milliseconds when not whole) for Unix seconds; empty when out
// of range (before 1970 or after 9999) or not finite.
std::string reddit_time_rfc3339(double unix_seconds);

}  // namespace spreekbuis::connectors::sources
