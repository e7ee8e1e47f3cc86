#pragma once
// The X (Twitter) API v2 filtered stream source (`type: x`): one long-lived GET of
// /2/tweets/search/stream with an app-only Bearer token, `\r\n`-delimited JSON objects become
// posts. With `rules:` configured, the source first makes X hold those stream rules (x_rules). Pure
// half: XLineSplitter, decode_x_stream_line, XStreamBackoff, x_rate_limit_wait. I/O half: the
// source made by make_x_stream_source, run on its own thread and io_context.
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
#include "connectors/sources/x_rules.hpp"
#include "rules/diagnostic.hpp"
#include "rules/post.hpp"

namespace spreekbuis::connectors::sources {

// The waits X documents for reconnecting (handling-disconnections): TCP/IP errors linear in
// `network_step` up to `network_max`; HTTP errors exponential from `http_initial` up to
// `http_max`; HTTP 429 exponential from `rate_limit_initial` (capped at `rate_limit_max`, a
// limit X does not state).
struct XBackoffSteps {
    std::chrono::milliseconds network_step{250};
    std::chrono::milliseconds network_max{16000};
    std::chrono::milliseconds http_initial{5000};
    std::chrono::milliseconds http_max{320000};
    std::chrono::milliseconds rate_limit_initial{60000};
    std::chrono::milliseconds rate_limit_max{960000};
};

struct XStreamSettings {
    std::string name;
    std::string url = "https://api.x.com/2/tweets/search/stream";
    std::string bearer_token;
    // The stream rules to keep on X (`rules:`); nullopt = managed elsewhere, left alone.
    std::optional<std::vector<XRule>> rules;
    XRulesMode rules_mode = XRulesMode::add;
    // Not in YAML (tests and tuning):
    std::chrono::milliseconds read_timeout{30000};  // X sends "\r\n" at least every 20 s
    std::chrono::milliseconds connect_timeout{10000};
    std::size_t max_line_bytes = 1 << 20;
    XBackoffSteps backoff;
};

std::optional<XStreamSettings> read_x_stream_settings(const config::PluginConfig& plugin,
                                                      const std::string& base_dir,
                                                      rules::Diagnostics& diagnostics);

// `tls` may be null; an https source then makes its own client context.
std::unique_ptr<LiveSource> make_x_stream_source(XStreamSettings settings,
                                                 std::shared_ptr<boost::asio::ssl::context> tls);

// Counters only the X source has (heartbeats are not events). 0 for any other source.
std::uint64_t x_stream_heartbeats(const LiveSource& source);

// What one line of the stream is. `post`: a post became a Post (`reason` may carry a warning
// about an ignored optional field or repaired UTF-8). `skip`: no post (a heartbeat, a pure
// retweet, an unknown message kind), `reason` says which. `error`: an error object from X
// (operational-disconnect, TooManyConnections, ...), `reason` holds its title and detail.
// `bad`: malformed, `reason` says why. The stream has no cursor: posts are emitted with "".
struct XStreamEvent {
    enum class Kind { post, skip, error, bad } kind = Kind::bad;
    std::optional<rules::Post> post;
    std::string reason;
};

// Pure. One line without its "\r\n".
XStreamEvent decode_x_stream_line(std::string_view line);

// True when an error event's reason says the app is over its connection limit
// (TooManyConnections): reconnecting waits as for HTTP 429.
bool is_x_connection_limit(const XStreamEvent& event);

// Splits the de-chunked body into lines on "\n" (a preceding "\r" is dropped). A line longer
// than `max_line_bytes` is discarded whole and counted in `oversized`; never buffers more than
// `max_line_bytes`. Pure; one instance per connection.
class XLineSplitter {
  public:
    explicit XLineSplitter(std::size_t max_line_bytes = 1 << 20) : max_(max_line_bytes) {}
    void feed(std::string_view bytes, std::vector<std::string>& lines);
    std::uint64_t oversized() const { return oversized_; }
    std::size_t buffered_bytes() const { return partial_.size(); }

  private:
    std::size_t max_;
    std::string partial_;
    bool discarding_ = false;
    std::uint64_t oversized_ = 0;
};

// Why a connection attempt ended, for the reconnect wait.
enum class XDisconnect {
    dropped,       // an established stream that delivered data ended: reconnect at once
    network,       // resolve, connect, TLS, read or write failed before data came
    http,          // a non-200 answer (other than below) or a stream ended without data
    rate_limited,  // HTTP 429 or TooManyConnections
    unauthorized,  // HTTP 401 or 403: the token is wrong or lacks access
};

// The reconnect policy X documents, as a pure state machine. One per source, used on the
// source's thread.
class XStreamBackoff {
  public:
    explicit XStreamBackoff(XBackoffSteps steps = {}) : steps_(steps) {}
    // The wait before the next attempt. `server_wait` (from x-rate-limit-reset) lengthens a
    // rate-limited wait when it is later. A `dropped` connection starts every sequence again.
    std::chrono::milliseconds next(XDisconnect why,
                                   std::optional<std::chrono::milliseconds> server_wait = {});

  private:
    XBackoffSteps steps_;
    int network_failures_ = 0;
    int http_failures_ = 0;
    int rate_limit_failures_ = 0;
};

// The wait until `x-rate-limit-reset` (UNIX seconds) from `now_ms`; nullopt when the header is
// absent or not a number; at most one hour.
std::optional<std::chrono::milliseconds> x_rate_limit_wait(std::string_view reset,
                                                           std::int64_t now_ms);

// The request target: the url's path and query plus the fields and expansions the decoder
// reads (appended with '&' when the url already has a query).
std::string x_stream_target(std::string_view url_target);

}  // namespace spreekbuis::connectors::sources
