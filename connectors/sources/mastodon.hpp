#pragma once
// The Mastodon streaming source (`type: mastodon`): one Server-Sent-Events stream of an
// instance (public, local, remote, hashtag, list or home timeline), `update` events become
// posts, and after a reconnect the statuses missed meanwhile are fetched once through the REST
// timeline (gap fill). Pure half: decode_mastodon_event / decode_mastodon_timeline. I/O half:
// the source made by make_mastodon_source, run on its own thread and io_context.
#include <boost/asio/ssl/context.hpp>
#include <chrono>
#include <cstddef>
#include <cstdint>
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

struct MastodonSettings {
    std::string name;
    std::string url;  // instance base, https://host[:port]
    std::string stream = "public";
    std::string tag;   // hashtag streams, without '#'
    std::string list;  // list stream: the list id
    std::string token;
    bool gap_fill = true;
    std::chrono::milliseconds reconnect_initial{1000};
    std::chrono::milliseconds reconnect_cap{60000};
    std::chrono::milliseconds read_timeout{45000};
    // Not in YAML (tests and tuning):
    std::chrono::milliseconds connect_timeout{10000};
    std::chrono::milliseconds request_timeout{30000};  // one REST request of the gap fill
    std::size_t max_event_bytes = 1 << 20;
    int gap_fill_pages = 5;
    int gap_fill_limit = 40;
};

std::optional<MastodonSettings> read_mastodon_settings(const config::PluginConfig& plugin,
                                                       const std::string& base_dir,
                                                       rules::Diagnostics& diagnostics);

// `tls` may be null; an https source then makes its own client context.
std::unique_ptr<LiveSource> make_mastodon_source(MastodonSettings settings,
                                                 std::shared_ptr<boost::asio::ssl::context> tls);

// What to do with one SSE event. `post`: a status became a Post, `cursor` is its status id
// (`reason` may carry a warning about an ignored optional field or repaired UTF-8). `skip`: a
// well-formed event that is no post (delete, edit, boost, other event kinds), `reason` says
// which. `bad`: malformed, `reason` says why.
struct MastodonEvent {
    enum class Kind { post, skip, bad } kind = Kind::bad;
    std::optional<rules::Post> post;
    std::string cursor;
    std::string reason;
};

// Pure. `instance_host` qualifies the handles of the instance's own accounts ("anna" becomes
// "anna@host"), so that a handle names one person across instances.
MastodonEvent decode_mastodon_event(std::string_view event, std::string_view data,
                                    std::string_view instance_host);

// Pure: a REST timeline page (a JSON array of statuses), one result per element, in the order
// of the array. `error` is set (and `statuses` empty) when the body is not a JSON array.
struct MastodonTimeline {
    std::vector<MastodonEvent> statuses;
    std::string error;
};
MastodonTimeline decode_mastodon_timeline(std::string_view body, std::string_view instance_host);

// Orders Mastodon status ids: by length, then byte-wise (numeric order for digit strings
// without leading zeros, never through a double). Negative, zero or positive.
int compare_status_ids(std::string_view a, std::string_view b);

// The wait a 429 or 503 answer asks for: `Retry-After` in seconds, else `X-RateLimit-Reset` (an
// RFC 3339 time) minus `now_ms`; at most one hour; nullopt when neither is usable (an HTTP-date
// Retry-After is not read).
std::optional<std::chrono::milliseconds> mastodon_server_wait(std::string_view retry_after,
                                                              std::string_view rate_limit_reset,
                                                              std::int64_t now_ms);

// Paths of a stream and of its REST timeline (relative to the instance base), for example
// "/api/v1/streaming/hashtag?tag=caf%C3%A9" and "/api/v1/timelines/tag/caf%C3%A9"; the
// timeline path carries no query for `min_id`/`limit` yet, but may hold `?local=true`.
std::string mastodon_stream_path(const MastodonSettings& settings);
std::string mastodon_timeline_path(const MastodonSettings& settings);

}  // namespace spreekbuis::connectors::sources
