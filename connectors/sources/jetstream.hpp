#pragma once
// Bluesky Jetstream source (`type: jetstream`): a WebSocket client of Jetstream's v1
// `/subscribe` stream. The pure half turns one JSON text frame into a post, a skip or a bad
// event and builds the subscribe target; the I/O half moves frames, reconnects with backoff
// and resumes from the last `time_us` minus a rewind, dropping the repeats the rewind brings.
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

struct JetstreamSettings {
    std::string name;
    std::string url = "wss://jetstream2.us-east.bsky.network/subscribe";
    std::vector<std::string> collections{"app.bsky.feed.post"};
    std::vector<std::string> dids;
    std::int64_t rewind_seconds = 5;
    std::size_t max_message_bytes = 1 << 20;
    std::chrono::milliseconds reconnect_initial{1000};
    std::chrono::milliseconds reconnect_cap{60000};
    std::chrono::milliseconds read_timeout{90000};
    // Not in YAML:
    std::chrono::milliseconds connect_timeout{10000};  // resolve + connect + TLS + WS handshake
    std::size_t dedupe_capacity = 100000;     // post ids remembered against the rewind's repeats
    std::int64_t dedupe_margin_seconds = 60;  // kept this much longer than the rewind
};

inline constexpr std::size_t kJetstreamMaxCollections = 100;
inline constexpr std::size_t kJetstreamMaxDids = 10000;
inline constexpr std::int64_t kJetstreamMaxRewindSeconds = 3600;
inline constexpr std::size_t kJetstreamMinMessageBytes = 1024;
inline constexpr std::size_t kJetstreamMaxMessageBytes = 16 << 20;

// Reads and validates one `type: jetstream` entry of `sources:`; errors carry file:line:col.
std::optional<JetstreamSettings> read_jetstream_settings(const config::PluginConfig& plugin,
                                                         const std::string& base_dir,
                                                         rules::Diagnostics& diagnostics);

// `tls` is used for wss:// URLs (nullptr: the source makes its own client context).
std::unique_ptr<LiveSource> make_jetstream_source(JetstreamSettings settings,
                                                  std::shared_ptr<boost::asio::ssl::context> tls);

// What one text frame means. `cursor` is the event's `time_us` in decimal whenever the frame
// held a valid one (always for posts and skips, sometimes for bad events). `reason` says why
// an event was skipped or bad; for a post it may name an optional field that was ignored.
struct JetstreamEvent {
    enum class Kind { post, skip, bad } kind = Kind::bad;
    std::optional<rules::Post> post;
    std::string cursor;
    std::string reason;
};

// Pure (a thread-local parser is reused): one Jetstream v1 JSON frame -> event.
JetstreamEvent decode_jetstream_event(std::string_view frame);

// Pure: `base_target` (the URL's path and query) plus the subscription parameters and, when
// `resume` is a Unix-microsecond time, `cursor=resume - rewind_seconds * 1e6`.
std::string jetstream_target(const JetstreamSettings& settings, std::string_view base_target,
                             std::string_view resume);

}  // namespace spreekbuis::connectors::sources
