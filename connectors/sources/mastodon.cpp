#include "connectors/sources/mastodon.hpp"

#include <simdjson.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <array>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core.hpp>
#include <charconv>
#include <deque>
#include <unordered_set>

#include "connectors/http/http_client.hpp"
#include "connectors/http/streaming_get.hpp"
#include "connectors/post_decoder.hpp"
#include "connectors/sinks/text.hpp"
#include "connectors/sources/reconnect.hpp"
#include "connectors/sources/reconnect_loop.hpp"
#include "connectors/sources/source_support.hpp"
#include "connectors/sources/sse.hpp"
#include "rules/utf8.hpp"
#include "rules/yaml_source.hpp"

namespace spreekbuis::connectors::sources {

namespace {

namespace dom = simdjson::dom;

constexpr std::array<std::string_view, 7> kStreams = {
    "public", "public:local", "public:remote", "hashtag", "hashtag:local", "list", "user"};

MastodonEvent bad(std::string reason) {
    MastodonEvent event;
    event.kind = MastodonEvent::Kind::bad;
    event.reason = std::move(reason);
    return event;
}

MastodonEvent skip(std::string reason) {
    MastodonEvent event;
    event.kind = MastodonEvent::Kind::skip;
    event.reason = std::move(reason);
    return event;
}

Field int_field(dom::object object, std::string_view key, std::optional<std::int64_t>& out) {
    dom::element value;
    if (object.at_key(key).get(value) != simdjson::SUCCESS) return Field::absent;
    if (value.is_null()) return Field::null;
    std::int64_t number = 0;
    if (value.get_int64().get(number) != simdjson::SUCCESS) return Field::wrong;
    out = number;
    return Field::ok;
}

// An optional string field: wrong types are noted and leave `out` empty.
void optional_string(dom::object object, std::string_view key, std::string& out,
                     std::string& warnings) {
    std::string_view value;
    const Field field = string_field(object, key, value);
    if (field == Field::ok) {
        out.assign(value);
    } else if (field == Field::wrong) {
        note(warnings, "ignored '" + std::string(key) + "' (not a string)");
    }
}

void optional_int(dom::object object, std::string_view key, std::optional<std::int64_t>& out,
                  std::string& warnings) {
    if (int_field(object, key, out) == Field::wrong) {
        note(warnings, "ignored '" + std::string(key) + "' (not an integer)");
    }
}

MastodonEvent required_missing(std::string_view key, Field field) {
    return bad(field == Field::wrong ? "status field '" + std::string(key) + "' is not a string"
                                     : "status without '" + std::string(key) + "'");
}

MastodonEvent decode_status(dom::element element, std::string_view instance_host) {
    dom::object status;
    if (element.get_object().get(status) != simdjson::SUCCESS) {
        return bad("a status must be a JSON object");
    }
    std::string_view id;
    if (const Field field = string_field(status, "id", id); field != Field::ok || id.empty()) {
        return required_missing("id", field);
    }
    std::string_view uri;
    if (const Field field = string_field(status, "uri", uri); field != Field::ok || uri.empty()) {
        return required_missing("uri", field);
    }
    dom::element reblog;
    if (status.at_key("reblog").get(reblog) == simdjson::SUCCESS && !reblog.is_null()) {
        auto skipped = skip("boost (reblog)");
        skipped.cursor = std::string(id);
        return skipped;
    }
    std::string_view content;
    const Field content_field = string_field(status, "content", content);
    if (content_field == Field::wrong) return bad("status field 'content' is not a string");
    std::string warnings;
    std::string spoiler;
    optional_string(status, "spoiler_text", spoiler, warnings);
    if (content.empty() && spoiler.empty()) {
        auto skipped = skip("status without text");
        skipped.cursor = std::string(id);
        return skipped;
    }

    rules::Post post;
    post.id = std::string(uri);
    post.source = "mastodon";
    post.text = spoiler.empty() ? std::string(content) : spoiler + "\n" + std::string(content);
    optional_string(status, "url", post.url, warnings);
    if (post.url.empty()) post.url = post.id;
    optional_string(status, "language", post.lang, warnings);
    optional_string(status, "created_at", post.created_at, warnings);
    if (!post.created_at.empty()) {
        post.created_at_ms = parse_rfc3339_ms(post.created_at);
        if (!post.created_at_ms) note(warnings, "'created_at' is not an RFC 3339 timestamp");
    }
    optional_string(status, "in_reply_to_id", post.in_reply_to, warnings);
    optional_int(status, "reblogs_count", post.reposts, warnings);
    optional_int(status, "replies_count", post.replies, warnings);

    dom::element account_element;
    if (status.at_key("account").get(account_element) == simdjson::SUCCESS &&
        !account_element.is_null()) {
        dom::object account;
        if (account_element.get_object().get(account) != simdjson::SUCCESS) {
            note(warnings, "ignored 'account' (not an object)");
        } else {
            optional_string(account, "acct", post.author.handle, warnings);
            optional_string(account, "display_name", post.author.name, warnings);
            optional_int(account, "followers_count", post.author.followers, warnings);
            if (!post.author.handle.empty() && !instance_host.empty() &&
                post.author.handle.find('@') == std::string::npos) {
                post.author.handle += "@";
                post.author.handle += instance_host;
            }
        }
    }

    MastodonEvent result;
    result.kind = MastodonEvent::Kind::post;
    result.cursor = std::string(id);
    result.reason = std::move(warnings);
    result.post = std::move(post);
    return result;
}

}  // namespace

int compare_status_ids(std::string_view a, std::string_view b) {
    if (a.size() != b.size()) return a.size() < b.size() ? -1 : 1;
    const int order = a.compare(b);
    return order < 0 ? -1 : (order > 0 ? 1 : 0);
}

MastodonEvent decode_mastodon_event(std::string_view event, std::string_view data,
                                    std::string_view instance_host) {
    if (event == "delete") return skip("delete");
    if (event == "status.update") return skip("edit (status.update)");
    if (event != "update") return skip("event '" + shown(event, 64) + "' is no status");
    dom::element element;
    bool repaired = false;
    if (auto error = parse_json(data, element, repaired)) {
        return bad(std::string("malformed JSON (") + simdjson::error_message(error) + ")");
    }
    auto result = decode_status(element, instance_host);
    if (repaired && result.kind == MastodonEvent::Kind::post) {
        note(result.reason, "invalid UTF-8 replaced by U+FFFD");
    }
    return result;
}

MastodonTimeline decode_mastodon_timeline(std::string_view body, std::string_view instance_host) {
    MastodonTimeline timeline;
    dom::element element;
    bool repaired = false;
    if (auto error = parse_json(body, element, repaired)) {
        timeline.error = std::string("malformed JSON (") + simdjson::error_message(error) + ")";
        return timeline;
    }
    dom::array statuses;
    if (element.get_array().get(statuses) != simdjson::SUCCESS) {
        timeline.error = "a timeline must be a JSON array";
        return timeline;
    }
    for (dom::element status : statuses) {
        auto decoded = decode_status(status, instance_host);
        if (repaired && decoded.kind == MastodonEvent::Kind::post) {
            note(decoded.reason, "invalid UTF-8 replaced by U+FFFD");
        }
        timeline.statuses.push_back(std::move(decoded));
    }
    return timeline;
}

std::string mastodon_stream_path(const MastodonSettings& settings) {
    const std::string base = "/api/v1/streaming";
    const auto& stream = settings.stream;
    if (stream == "public:local") return base + "/public/local";
    if (stream == "public:remote") return base + "/public/remote";
    if (stream == "hashtag") return base + "/hashtag?tag=" + sinks::url_encode(settings.tag);
    if (stream == "hashtag:local") {
        return base + "/hashtag/local?tag=" + sinks::url_encode(settings.tag);
    }
    if (stream == "list") return base + "/list?list=" + sinks::url_encode(settings.list);
    if (stream == "user") return base + "/user";
    return base + "/public";
}

std::string mastodon_timeline_path(const MastodonSettings& settings) {
    const std::string base = "/api/v1/timelines";
    const auto& stream = settings.stream;
    if (stream == "public:local") return base + "/public?local=true";
    if (stream == "public:remote") return base + "/public?remote=true";
    if (stream == "hashtag") return base + "/tag/" + sinks::url_encode(settings.tag);
    if (stream == "hashtag:local")
        return base + "/tag/" + sinks::url_encode(settings.tag) + "?local=true";
    if (stream == "list") return base + "/list/" + sinks::url_encode(settings.list);
    if (stream == "user") return base + "/home";
    return base + "/public";
}

std::optional<std::chrono::milliseconds> mastodon_server_wait(std::string_view retry_after,
                                                              std::string_view rate_limit_reset,
                                                              std::int64_t now_ms) {
    constexpr std::chrono::milliseconds kMaxWait = std::chrono::hours(1);
    if (!retry_after.empty()) {
        std::int64_t seconds = 0;
        const auto [end, ec] =
            std::from_chars(retry_after.data(), retry_after.data() + retry_after.size(), seconds);
        if (ec == std::errc() && end == retry_after.data() + retry_after.size() && seconds >= 0) {
            return seconds >= 3600 ? kMaxWait : std::chrono::milliseconds(seconds * 1000);
        }
    }
    if (auto at = parse_rfc3339_ms(rate_limit_reset)) {
        if (*at <= now_ms) return std::chrono::milliseconds(0);
        return std::min(std::chrono::milliseconds(*at - now_ms), kMaxWait);
    }
    return std::nullopt;
}

std::optional<MastodonSettings> read_mastodon_settings(const config::PluginConfig& plugin,
                                                       const std::string& base_dir,
                                                       rules::Diagnostics& diagnostics) {
    const auto& document = *plugin.document;
    const auto& node = plugin.node;
    const std::string what = "mastodon source '" + plugin.name + "'";
    if (!rules::check_keys(document, node,
                           {"name", "type", "url", "stream", "tag", "list", "token", "gap_fill"},
                           what, diagnostics)) {
        return std::nullopt;
    }
    const std::size_t errors_before = diagnostics.error_count();
    MastodonSettings settings;
    settings.name = plugin.name;
    auto read = [&](const char* key, std::string& out) {
        return config::read_expanded_key(document, node, key, base_dir, diagnostics, out);
    };

    if (!node["url"]) {
        rules::error_at(document, node, what + " needs a url", diagnostics,
                        "the instance's base URL, for example https://mastodon.social");
    } else if (read("url", settings.url)) {
        std::string error;
        auto url = http::parse_url(settings.url, &error);
        if (!url) {
            rules::error_at(document, node["url"], "bad url: " + error, diagnostics);
        } else if (url->target.find_first_of("?#") != std::string::npos) {
            rules::error_at(document, node["url"],
                            "url must be the instance's base URL, without a query", diagnostics,
                            "for example https://mastodon.social");
        } else {
            while (settings.url.size() > 1 && settings.url.back() == '/') settings.url.pop_back();
            if (!url->tls && !is_loopback(url->host)) {
                diagnostics.warning(
                    rules::position_of(document, node["url"]),
                    "plain http sends the token unencrypted; use https", {},
                    std::string(rules::line_of(document.text,
                                               rules::position_of(document, node["url"]).line)));
            }
        }
    }

    if (read("stream", settings.stream)) {
        if (std::find(kStreams.begin(), kStreams.end(), settings.stream) == kStreams.end()) {
            const std::vector<std::string> known(kStreams.begin(), kStreams.end());
            const auto best = rules::closest_match(settings.stream, known);
            std::string all;
            for (const auto& name : known) all += (all.empty() ? "" : ", ") + name;
            rules::error_at(document, node["stream"], "unknown stream '" + settings.stream + "'",
                            diagnostics,
                            best.empty() ? "one of: " + all : "did you mean '" + best + "'?");
        }
    }
    const bool hashtag = settings.stream == "hashtag" || settings.stream == "hashtag:local";
    if (read("tag", settings.tag)) {
        if (!settings.tag.empty() && settings.tag.front() == '#') settings.tag.erase(0, 1);
        if (!hashtag) {
            rules::error_at(document, node["tag"], "tag is only used by the hashtag streams",
                            diagnostics, "set stream: hashtag or hashtag:local");
        } else if (settings.tag.empty()) {
            rules::error_at(document, node["tag"], "tag must not be empty", diagnostics);
        }
    } else if (hashtag && !node["tag"]) {
        rules::error_at(document, node, what + " with stream " + settings.stream + " needs a tag",
                        diagnostics);
    }
    if (read("list", settings.list)) {
        if (settings.stream != "list") {
            rules::error_at(document, node["list"], "list is only used by stream: list",
                            diagnostics);
        } else if (settings.list.empty()) {
            rules::error_at(document, node["list"], "list must not be empty", diagnostics,
                            "the list's id, for example '12'");
        }
    } else if (settings.stream == "list" && !node["list"]) {
        rules::error_at(document, node, what + " with stream list needs a list id", diagnostics);
    }

    if (!node["token"]) {
        rules::error_at(
            document, node, what + " needs a token", diagnostics,
            "a user access token with read:statuses, e.g. token: ${env:MASTODON_TOKEN}");
    } else if (read("token", settings.token)) {
        if (settings.token.empty()) {
            rules::error_at(document, node["token"], "token must not be empty", diagnostics);
        } else if (std::any_of(settings.token.begin(), settings.token.end(), [](char c) {
                       return static_cast<unsigned char>(c) <= 0x20 || c == 0x7F;
                   })) {
            rules::error_at(document, node["token"], "token holds a space or a control character",
                            diagnostics, "check the file or variable it comes from (a stray \\r?)");
        }
    }
    if (node["gap_fill"]) {
        if (auto gap_fill = rules::read_bool(document, node["gap_fill"], diagnostics)) {
            settings.gap_fill = *gap_fill;
        }
    }
    if (diagnostics.error_count() != errors_before) return std::nullopt;
    return settings;
}

namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;

constexpr std::size_t kRecentIds = 4096;

bool is_status_id(std::string_view text) {
    return !text.empty() && text.size() <= 32 &&
           std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; });
}

// The I/O half. Owns the connection state, the resume point and the recent ids; used only on
// the thread that runs `run`.
class MastodonSource final : public LiveSource {
  public:
    MastodonSource(MastodonSettings settings, std::shared_ptr<asio::ssl::context> tls)
        : settings_(std::move(settings)), tls_(std::move(tls)) {
        std::string error;
        if (auto url = http::parse_url(settings_.url, &error)) {
            base_ = *url;
            url_ok_ = true;
            std::string prefix = base_.target;
            while (!prefix.empty() && prefix.back() == '/') prefix.pop_back();
            stream_url_ = base_;
            stream_url_.target = prefix + mastodon_stream_path(settings_);
            const std::string host =
                base_.host.find(':') != std::string::npos ? "[" + base_.host + "]" : base_.host;
            host_header_ = http::host_header(base_);
            rest_base_ = (base_.tls ? "https://" : "http://") + host + ":" + base_.port + prefix;
        } else {
            url_error_ = error;
        }
        if (url_ok_ && base_.tls && !tls_) tls_ = http::make_client_tls_context(url_error_);
    }

    const std::string& name() const override { return settings_.name; }

    asio::awaitable<void> run(std::string resume, SourceOutput output) override {
        try {
            if (!url_ok_ || (base_.tls && !tls_)) {
                spdlog::error("mastodon source {}: cannot start: {}", name(), url_error_);
                co_return;
            }
            if (is_status_id(resume)) {
                highest_ = resume;
                remember(resume);
            } else if (!resume.empty()) {
                spdlog::warn("mastodon source {}: ignored stored cursor '{}' (not a status id)",
                             name(), shown(resume, 40));
            }
            co_await run_with_reconnect(
                "mastodon source " + name(), counters_,
                ReconnectBackoff(settings_.reconnect_initial, settings_.reconnect_cap),
                [this, &output] { return connect_once(output); });
        } catch (const std::exception& e) {
            spdlog::error("mastodon source {}: stopped by an unexpected error: {}", name(),
                          e.what());
        }
    }

  private:
    // One session; `at_least` is how long the server asked us to wait, `delivered` that a
    // heartbeat or an event arrived (the backoff starts again).
    asio::awaitable<SessionEnd> connect_once(SourceOutput& output) {
        SessionEnd attempt;
        http::StreamingGet get(co_await asio::this_coro::executor, tls_, stream_url_,
                               {settings_.connect_timeout, settings_.read_timeout});
        const http::StreamingGet::Fields fields{
            {bhttp::field::authorization, "Bearer " + settings_.token},
            {bhttp::field::accept, "text/event-stream"},
            {bhttp::field::cache_control, "no-cache"}};
        attempt.error = co_await get.open(fields);
        if (!attempt.error.empty()) co_return attempt;
        const int status = get.status();
        if (status != 200) {
            attempt.error = "HTTP " + std::to_string(status) + " from " + stream_url_.target;
            const auto body = shown(co_await get.read_body_start(), 200);
            if (!body.empty()) attempt.error += ": " + body;
            if (status == 401 || status == 403) {
                attempt.error += " (the token is wrong or lacks the read:statuses scope)";
                attempt.at_least = settings_.reconnect_cap;
            } else if (status == 429 || status == 503) {
                attempt.at_least =
                    mastodon_server_wait(get.header("Retry-After"), get.header("X-RateLimit-Reset"),
                                         std::chrono::duration_cast<std::chrono::milliseconds>(
                                             std::chrono::system_clock::now().time_since_epoch())
                                             .count());
            } else if (status >= 300 && status < 400) {
                attempt.error += " (redirects are not followed; Location: " +
                                 shown(get.header("Location"), 200) + ")";
            }
            co_return attempt;
        }
        const auto content_type = get.header("Content-Type");
        const auto media_type = content_type.substr(0, 17);
        if (!beast::iequals(beast::string_view(media_type.data(), media_type.size()),
                            "text/event-stream")) {
            attempt.error = "the stream answered with Content-Type '" + shown(content_type, 80) +
                            "', not text/event-stream";
            co_return attempt;
        }
        ++counters_.connects;
        spdlog::info("mastodon source {}: connected to {}{}", name(), host_header_,
                     stream_url_.target);

        if (settings_.gap_fill && !highest_.empty()) {
            if (!co_await fill_gap(output)) {
                attempt.stop = true;
                co_return attempt;
            }
        }

        SseParser sse(settings_.max_event_bytes, settings_.max_event_bytes);
        std::vector<SseEvent> events;
        const auto end = co_await get.read_body([&](std::string_view piece) {
            const auto comments = sse.comments();
            const auto oversized = sse.oversized();
            events.clear();
            sse.feed(piece, events);
            if (sse.comments() != comments || !events.empty()) attempt.delivered = true;
            if (sse.oversized() != oversized) {
                counters_.events += sse.oversized() - oversized;
                counters_.bad_events += sse.oversized() - oversized;
                limiter_.warn(name(), "dropped an event over " +
                                          std::to_string(settings_.max_event_bytes) + " bytes");
            }
            for (auto& event : events) {
                if (!handle_stream_event(event, output)) {
                    attempt.stop = true;
                    return false;
                }
            }
            return true;
        });
        attempt.error = end.error;
        co_return attempt;
    }

    bool handle_stream_event(const SseEvent& event, SourceOutput& output) {
        ++counters_.events;
        return handle(decode_mastodon_event(event.event, event.data, base_.host), output);
    }

    bool handle(MastodonEvent decoded, SourceOutput& output) {
        switch (decoded.kind) {
            case MastodonEvent::Kind::skip:
                ++counters_.skipped;
                return true;
            case MastodonEvent::Kind::bad:
                ++counters_.bad_events;
                limiter_.warn(name(), "bad event skipped: " + decoded.reason);
                return true;
            case MastodonEvent::Kind::post:
                break;
        }
        if (recent_set_.contains(decoded.cursor)) {
            ++counters_.skipped;  // already emitted (the gap fill and the stream overlap)
            return true;
        }
        remember(decoded.cursor);
        if (!decoded.reason.empty()) {
            limiter_.warn(name(), "status " + decoded.cursor + ": " + decoded.reason);
        }
        if (compare_status_ids(decoded.cursor, highest_) > 0) highest_ = decoded.cursor;
        ++counters_.posts;
        return output.emit(std::move(*decoded.post), highest_);
    }

    void remember(const std::string& id) {
        recent_.push_back(id);
        recent_set_.insert(id);
        if (recent_.size() > kRecentIds) {
            recent_set_.erase(recent_.front());
            recent_.pop_front();
        }
    }

    // Fetches the statuses newer than `highest_` through the REST timeline and hands them on in
    // ascending id order. False when `emit` asked to stop.
    asio::awaitable<bool> fill_gap(SourceOutput& output) {
        http::ClientOptions options;
        options.connect_timeout = settings_.connect_timeout;
        options.request_timeout = settings_.request_timeout;
        options.body_limit = 16 * 1024 * 1024;
        http::HttpClient client(co_await asio::this_coro::executor, tls_, options);
        const std::string start = highest_;
        std::string min_id = start;
        std::vector<MastodonEvent> gathered;
        const std::string path = mastodon_timeline_path(settings_);
        const char separator = path.find('?') == std::string::npos ? '?' : '&';
        int page = 0;
        for (; page < settings_.gap_fill_pages; ++page) {
            sinks::HttpRequestSpec spec;
            spec.method = "GET";
            spec.url = rest_base_ + path + separator + "min_id=" + min_id +
                       "&limit=" + std::to_string(settings_.gap_fill_limit);
            spec.headers = {{"Authorization", "Bearer " + settings_.token},
                            {"Accept", "application/json"}};
            const auto result = co_await client.request(spec);
            if (!result.response) {
                limiter_.warn(name(), "gap fill failed: " + result.error);
                break;
            }
            if (result.response->status != 200) {
                limiter_.warn(name(), "gap fill failed: HTTP " +
                                          std::to_string(result.response->status) + ": " +
                                          shown(result.response->body, 200));
                break;
            }
            auto timeline = decode_mastodon_timeline(result.response->body, base_.host);
            if (!timeline.error.empty()) {
                ++counters_.bad_events;
                limiter_.warn(name(), "gap fill: " + timeline.error);
                break;
            }
            if (timeline.statuses.empty()) break;
            std::string page_max = min_id;
            for (auto& status : timeline.statuses) {
                if (compare_status_ids(status.cursor, page_max) > 0) page_max = status.cursor;
                gathered.push_back(std::move(status));
            }
            if (page_max == min_id) break;  // the server ignored min_id; nothing newer
            min_id = page_max;
        }
        if (page == settings_.gap_fill_pages) {
            spdlog::warn(
                "mastodon source {}: gap fill stopped after {} pages; statuses between {} and "
                "the stream may be missing",
                name(), page, min_id);
        }
        std::stable_sort(gathered.begin(), gathered.end(),
                         [](const MastodonEvent& a, const MastodonEvent& b) {
                             return compare_status_ids(a.cursor, b.cursor) < 0;
                         });
        std::size_t emitted = 0;
        for (auto& status : gathered) {
            ++counters_.events;
            if (status.kind == MastodonEvent::Kind::post &&
                compare_status_ids(status.cursor, start) <= 0) {
                ++counters_.skipped;  // not newer than the resume point
                continue;
            }
            emitted += status.kind == MastodonEvent::Kind::post ? 1 : 0;
            if (!handle(std::move(status), output)) co_return false;
        }
        spdlog::info("mastodon source {}: gap fill after {} handed on {} of {} statuses", name(),
                     start, emitted, gathered.size());
        co_return true;
    }

    MastodonSettings settings_;
    std::shared_ptr<asio::ssl::context> tls_;
    http::Url base_;
    http::Url stream_url_;
    bool url_ok_ = false;
    std::string url_error_;
    std::string host_header_;
    std::string rest_base_;
    std::string highest_;  // highest status id emitted or resumed from
    std::deque<std::string> recent_;
    std::unordered_set<std::string> recent_set_;
    LogLimiter limiter_{"mastodon"};
};

}  // namespace

std::unique_ptr<LiveSource> make_mastodon_source(MastodonSettings settings,
                                                 std::shared_ptr<boost::asio::ssl::context> tls) {
    return std::make_unique<MastodonSource>(std::move(settings), std::move(tls));
}

}  // namespace spreekbuis::connectors::sources
