#include "connectors/sources/jetstream.hpp"

#include <simdjson.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/websocket/ssl.hpp>
#include <boost/beast/websocket/stream.hpp>
#include <cctype>
#include <charconv>
#include <deque>
#include <exception>
#include <random>
#include <tuple>
#include <unordered_set>
#include <utility>

#include "connectors/http/connect.hpp"
#include "connectors/http/http_client.hpp"
#include "connectors/post_decoder.hpp"
#include "connectors/sinks/text.hpp"
#include "connectors/sources/reconnect_loop.hpp"
#include "connectors/sources/source_support.hpp"
#include "rules/utf8.hpp"
#include "rules/yaml_source.hpp"

namespace spreekbuis::connectors::sources {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace websocket = beast::websocket;

namespace {

constexpr std::string_view kPostCollection = "app.bsky.feed.post";
constexpr std::int64_t kMicrosPerSecond = 1000000;
// Values below this are not Unix microseconds (the 2026 server would read them as an
// instance-local sequence number), so they are never sent as a cursor.
constexpr std::int64_t kMinTimeMicros = 1000000000000000;

// ---- decoding ----

JetstreamEvent make_event(JetstreamEvent::Kind kind, std::string reason, std::string cursor) {
    JetstreamEvent event;
    event.kind = kind;
    event.reason = std::move(reason);
    event.cursor = std::move(cursor);
    return event;
}

// Text from the frame for a message: valid UTF-8, cut short, control characters as '?' (so a
// frame cannot forge log lines).
std::string shown(std::string_view text) { return "'" + sources::shown(text, 64) + "'"; }

bool is_did_char(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
           c == '_' || c == ':' || c == '%' || c == '-';
}

bool valid_did(std::string_view did) {
    return did.size() > 4 && did.size() <= 2048 && did.starts_with("did:") &&
           std::all_of(did.begin(), did.end(), is_did_char) && did.back() != ':';
}

bool valid_rkey(std::string_view rkey) {
    if (rkey.empty() || rkey.size() > 512 || rkey == "." || rkey == "..") return false;
    return std::all_of(rkey.begin(), rkey.end(), [](char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
               c == '.' || c == '_' || c == ':' || c == '~' || c == '-';
    });
}

enum class Field { ok, missing, wrong_type };

Field read_string_field(simdjson::dom::object object, std::string_view key, std::string_view& out) {
    simdjson::dom::element value;
    if (object.at_key(key).get(value) != simdjson::SUCCESS) return Field::missing;
    if (value.get_string().get(out) != simdjson::SUCCESS) return Field::wrong_type;
    return Field::ok;
}

// "missing field 'x'" / "field 'x' is not a string", or "" when fine.
std::string string_problem(Field field, std::string_view name) {
    if (field == Field::missing) return "missing field '" + std::string(name) + "'";
    if (field == Field::wrong_type) return "field '" + std::string(name) + "' is not a string";
    return {};
}

// Optional nested string such as reply.parent.uri; false when present with a wrong shape.
bool read_nested_uri(simdjson::dom::object reply, std::string_view key, std::string& out) {
    simdjson::dom::element node;
    if (reply.at_key(key).get(node) != simdjson::SUCCESS || node.is_null()) return true;
    simdjson::dom::object object;
    if (node.get_object().get(object) != simdjson::SUCCESS) return false;
    std::string_view uri;
    const auto field = read_string_field(object, "uri", uri);
    if (field == Field::wrong_type) return false;
    if (field == Field::ok) out = valid_utf8(uri);
    return true;
}

// Fills the optional fields of a post from its record; problems are noted, never fatal.
void read_optional_fields(simdjson::dom::object record, rules::Post& post, std::string& notes) {
    simdjson::dom::element value;
    if (record.at_key("langs").get(value) == simdjson::SUCCESS && !value.is_null()) {
        simdjson::dom::array langs;
        std::string_view first;
        if (value.get_array().get(langs) != simdjson::SUCCESS) {
            note(notes, "ignored 'record.langs' (not a list)");
        } else if (langs.size() > 0) {
            if (langs.at(0).get_string().get(first) == simdjson::SUCCESS) {
                post.lang = rules::utf8::clip(valid_utf8(first), 64);
            } else {
                note(notes, "ignored 'record.langs' (not a list of strings)");
            }
        }
    }
    std::string_view created_at;
    const auto created = read_string_field(record, "createdAt", created_at);
    if (created == Field::wrong_type) {
        note(notes, "ignored 'record.createdAt' (not a string)");
    } else if (created == Field::ok) {
        if (auto ms = parse_rfc3339_ms(created_at)) {
            post.created_at = std::string(created_at);
            post.created_at_ms = ms;
        } else {
            note(notes, "ignored 'record.createdAt' (not an RFC 3339 timestamp)");
        }
    }
    if (record.at_key("reply").get(value) == simdjson::SUCCESS && !value.is_null()) {
        simdjson::dom::object reply;
        if (value.get_object().get(reply) != simdjson::SUCCESS ||
            !read_nested_uri(reply, "parent", post.in_reply_to) ||
            !read_nested_uri(reply, "root", post.conversation)) {
            note(notes, "ignored 'record.reply' (malformed)");
            post.in_reply_to.clear();
            post.conversation.clear();
        }
    }
}

JetstreamEvent decode_valid(std::string_view frame, bool repaired) {
    using Kind = JetstreamEvent::Kind;
    thread_local simdjson::dom::parser parser;
    simdjson::dom::element root;
    if (auto error = parser.parse(frame.data(), frame.size()).get(root)) {
        return make_event(Kind::bad,
                          std::string("invalid JSON (") + simdjson::error_message(error) + ")", {});
    }
    simdjson::dom::object event;
    if (root.get_object().get(event) != simdjson::SUCCESS) {
        return make_event(Kind::bad, "an event must be a JSON object", {});
    }
    simdjson::dom::element time_value;
    if (event.at_key("time_us").get(time_value) != simdjson::SUCCESS) {
        return make_event(Kind::bad, "missing field 'time_us'", {});
    }
    std::int64_t time_us = 0;
    if (time_value.get_int64().get(time_us) != simdjson::SUCCESS || time_us <= 0) {
        return make_event(Kind::bad, "field 'time_us' is not a positive integer", {});
    }
    std::string cursor = std::to_string(time_us);
    auto bad = [&](std::string reason) { return make_event(Kind::bad, std::move(reason), cursor); };
    auto skip = [&](std::string reason) {
        return make_event(Kind::skip, std::move(reason), cursor);
    };

    std::string_view did;
    std::string_view kind;
    if (auto problem = string_problem(read_string_field(event, "did", did), "did");
        !problem.empty()) {
        return bad(problem);
    }
    if (!valid_did(did)) return bad("field 'did' is not a DID: " + shown(did));
    if (auto problem = string_problem(read_string_field(event, "kind", kind), "kind");
        !problem.empty()) {
        return bad(problem);
    }
    if (kind == "identity" || kind == "account") return skip(std::string(kind) + " event");
    if (kind != "commit") return skip("unknown kind " + shown(kind));

    simdjson::dom::element commit_value;
    simdjson::dom::object commit;
    if (event.at_key("commit").get(commit_value) != simdjson::SUCCESS) {
        return bad("missing field 'commit'");
    }
    if (commit_value.get_object().get(commit) != simdjson::SUCCESS) {
        return bad("field 'commit' is not an object");
    }
    std::string_view operation;
    std::string_view collection;
    std::string_view rkey;
    for (auto [key, name, out] : {std::tuple{"operation", "commit.operation", &operation},
                                  std::tuple{"collection", "commit.collection", &collection},
                                  std::tuple{"rkey", "commit.rkey", &rkey}}) {
        if (auto problem = string_problem(read_string_field(commit, key, *out), name);
            !problem.empty()) {
            return bad(problem);
        }
    }
    if (operation == "delete") return skip("delete");
    if (collection != kPostCollection) return skip("collection " + shown(collection));
    if (operation == "update") return skip("update of a post (only creates become posts)");
    if (operation != "create") return skip("unknown operation " + shown(operation));
    if (!valid_rkey(rkey)) return bad("field 'commit.rkey' is not a record key: " + shown(rkey));

    simdjson::dom::element record_value;
    simdjson::dom::object record;
    if (commit.at_key("record").get(record_value) != simdjson::SUCCESS) {
        return bad("missing field 'commit.record'");
    }
    if (record_value.get_object().get(record) != simdjson::SUCCESS) {
        return bad("field 'commit.record' is not an object");
    }
    std::string_view text;
    if (auto problem =
            string_problem(read_string_field(record, "text", text), "commit.record.text");
        !problem.empty()) {
        return bad(problem);
    }
    if (text.empty()) return skip("empty text");

    JetstreamEvent result = make_event(Kind::post, {}, cursor);
    if (repaired) note(result.reason, "invalid UTF-8 replaced by U+FFFD");
    rules::Post post;
    const std::string did_text(did);
    const std::string rkey_text(rkey);
    post.id = "at://" + did_text + "/app.bsky.feed.post/" + rkey_text;
    post.source = "bluesky";
    post.text = valid_utf8(text);
    post.author.handle = did_text;
    post.url = "https://bsky.app/profile/" + did_text + "/post/" + rkey_text;
    read_optional_fields(record, post, result.reason);
    result.post = std::move(post);
    return result;
}

// ---- target ----

std::optional<std::int64_t> parse_time_us(std::string_view text) {
    std::int64_t value = 0;
    const auto* end = text.data() + text.size();
    auto [ptr, ec] = std::from_chars(text.data(), end, value);
    if (text.empty() || ec != std::errc() || ptr != end || text.front() == '-') {
        return std::nullopt;
    }
    return value;
}

// ---- settings ----

bool valid_nsid_segment(std::string_view segment) {
    return !segment.empty() && segment.size() <= 63 &&
           std::all_of(segment.begin(), segment.end(), [](char c) {
               return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                      c == '-';
           });
}

// "" when `collection` is an NSID ("app.bsky.feed.post") or a prefix ("app.bsky.*").
std::string collection_problem(std::string_view collection) {
    if (collection.size() > 317) return "longer than 317 characters";
    const bool prefix = collection.ends_with(".*");
    if (prefix) collection.remove_suffix(2);
    std::size_t segments = 0;
    std::string_view last;
    std::size_t start = 0;
    while (true) {
        const auto dot = collection.find('.', start);
        last = collection.substr(start, dot == std::string_view::npos ? dot : dot - start);
        if (!valid_nsid_segment(last)) {
            return "each part between dots must be letters, digits or '-'";
        }
        ++segments;
        if (dot == std::string_view::npos) break;
        start = dot + 1;
    }
    if (prefix && segments < 2) return "a prefix needs at least two parts, as in 'app.bsky.*'";
    if (!prefix && segments < 3)
        return "an NSID has at least three parts, as in 'app.bsky.feed.post'";
    if (!prefix && (!std::isalpha(static_cast<unsigned char>(last.front())) ||
                    last.find('-') != std::string_view::npos)) {
        return "the last part of an NSID starts with a letter and holds no '-'";
    }
    return {};
}

bool covers_posts(std::string_view collection) {
    if (collection == kPostCollection) return true;
    if (!collection.ends_with(".*")) return false;
    collection.remove_suffix(1);  // keep the dot
    return kPostCollection.starts_with(collection);
}

struct ListItem {
    std::string value;
    YAML::Node node;
};

// A scalar or a sequence of scalars, each expanded (${env:...}).
std::optional<std::vector<ListItem>> read_list(const rules::YamlDocument& document,
                                               const YAML::Node& node, const std::string& base_dir,
                                               rules::Diagnostics& diagnostics) {
    std::vector<ListItem> items;
    if (node.IsScalar()) {
        auto value = config::read_expanded_string(document, node, base_dir, diagnostics);
        if (!value) return std::nullopt;
        items.push_back({*value, node});
        return items;
    }
    if (!node.IsSequence()) {
        rules::error_at(document, node, "expected a list of strings", diagnostics);
        return std::nullopt;
    }
    bool ok = true;
    for (const auto& item : node) {
        if (auto value = config::read_expanded_string(document, item, base_dir, diagnostics)) {
            items.push_back({*value, item});
        } else {
            ok = false;
        }
    }
    if (!ok) return std::nullopt;
    return items;
}

std::optional<std::int64_t> read_ranged(const rules::YamlDocument& document, const YAML::Node& node,
                                        std::string_view what, std::int64_t low, std::int64_t high,
                                        rules::Diagnostics& diagnostics) {
    auto value = rules::read_int(document, node, diagnostics);
    if (!value) return std::nullopt;
    if (*value < low || *value > high) {
        rules::error_at(document, node,
                        std::string(what) + " must be between " + std::to_string(low) + " and " +
                            std::to_string(high) + ", found " + std::to_string(*value),
                        diagnostics);
        return std::nullopt;
    }
    return value;
}

std::string http_form(std::string_view url) {
    if (url.starts_with("wss://")) return "https://" + std::string(url.substr(6));
    if (url.starts_with("ws://")) return "http://" + std::string(url.substr(5));
    return std::string(url);
}

// ---- I/O ----

// Logs bad events: the first few, then at most one line per second with a count of the rest.
class BadEventLog {
  public:
    void report(const std::string& source, std::string_view reason) {
        ++count_;
        const auto now = std::chrono::steady_clock::now();
        if (count_ > kAlwaysLogged && now - last_ < std::chrono::seconds(1)) {
            ++suppressed_;
            return;
        }
        if (suppressed_ > 0) {
            spdlog::warn("jetstream '{}': bad event: {} ({} more since the last line)", source,
                         reason, suppressed_);
        } else {
            spdlog::warn("jetstream '{}': bad event: {}", source, reason);
        }
        last_ = now;
        suppressed_ = 0;
    }

  private:
    static constexpr std::uint64_t kAlwaysLogged = 5;
    std::uint64_t count_ = 0;
    std::uint64_t suppressed_ = 0;
    std::chrono::steady_clock::time_point last_{};
};

// Ids of the posts emitted recently (by time_us window and count), so the repeats a rewound
// cursor brings are not emitted twice. Used on the source's thread.
class RecentPosts {
  public:
    RecentPosts(std::size_t capacity, std::int64_t window_us)
        : capacity_(std::max<std::size_t>(capacity, 1)), window_us_(window_us) {}

    bool contains(const std::string& id) const { return ids_.count(id) != 0; }

    void add(const std::string& id, std::int64_t time_us) {
        newest_ = std::max(newest_, time_us);
        order_.emplace_back(time_us, id);
        ids_.insert(id);
        while (!order_.empty() &&
               (order_.size() > capacity_ || order_.front().first < newest_ - window_us_)) {
            ids_.erase(order_.front().second);
            order_.pop_front();
        }
    }

  private:
    std::size_t capacity_;
    std::int64_t window_us_;
    std::int64_t newest_ = 0;
    std::deque<std::pair<std::int64_t, std::string>> order_;
    std::unordered_set<std::string> ids_;
};

std::string host_header(const http::Url& url) {
    std::string host = url.host.find(':') != std::string::npos ? "[" + url.host + "]" : url.host;
    const bool default_port = url.port == (url.tls ? "443" : "80");
    if (!default_port) host += ":" + url.port;
    return host;
}

// The Jetstream client: owns its settings, resume point, dedupe set and counters; `run` is
// used on one thread (the source's io_context).
class JetstreamSource final : public LiveSource {
  public:
    JetstreamSource(JetstreamSettings settings, std::shared_ptr<asio::ssl::context> tls)
        : settings_(std::move(settings)),
          tls_(std::move(tls)),
          recent_(settings_.dedupe_capacity,
                  (settings_.rewind_seconds + settings_.dedupe_margin_seconds) * kMicrosPerSecond) {
    }

    const std::string& name() const override { return settings_.name; }

    asio::awaitable<void> run(std::string resume, SourceOutput output) override {
        try {
            resume_ = std::move(resume);
            std::string url_error;
            const auto url = http::parse_url(http_form(settings_.url), &url_error);
            if (!url) {
                spdlog::error("jetstream '{}': bad url: {}", settings_.name, url_error);
                co_return;
            }
            if (url->tls && !tls_) {
                std::string tls_error;
                tls_ = http::make_client_tls_context(tls_error);
                if (!tls_) {
                    spdlog::error("jetstream '{}': no TLS: {}", settings_.name, tls_error);
                    co_return;
                }
            }
            co_await run_with_reconnect(
                "jetstream '" + settings_.name + "'", counters_,
                ReconnectBackoff(settings_.reconnect_initial, settings_.reconnect_cap),
                [this, &url, &output] { return session(*url, output); });
        } catch (const std::exception& error) {
            spdlog::error("jetstream '{}': stopped by an unexpected error: {}", settings_.name,
                          error.what());
        } catch (...) {
            spdlog::error("jetstream '{}': stopped by an unexpected error", settings_.name);
        }
    }

  private:
    asio::awaitable<SessionEnd> session(const http::Url& url, SourceOutput& output) {
        auto executor = co_await asio::this_coro::executor;
        if (url.tls) {
            websocket::stream<http::TlsStream> ws(executor, *tls_);
            auto error =
                co_await http::connect_tls(ws.next_layer(), url, settings_.connect_timeout);
            if (!error.empty()) co_return SessionEnd{false, false, std::move(error), std::nullopt};
            co_return co_await read_frames(ws, url, output);
        }
        websocket::stream<http::PlainStream> ws(executor);
        auto error = co_await http::connect_plain(ws.next_layer(), url, settings_.connect_timeout);
        if (!error.empty()) co_return SessionEnd{false, false, std::move(error), std::nullopt};
        co_return co_await read_frames(ws, url, output);
    }

    template <typename Next>
    asio::awaitable<SessionEnd> read_frames(websocket::stream<Next>& ws, const http::Url& url,
                                            SourceOutput& output) {
        SessionEnd end;
        beast::get_lowest_layer(ws).expires_never();
        auto timeouts = websocket::stream_base::timeout::suggested(beast::role_type::client);
        timeouts.handshake_timeout = settings_.connect_timeout;
        timeouts.idle_timeout = settings_.read_timeout;
        timeouts.keep_alive_pings = true;
        ws.set_option(timeouts);
        ws.set_option(websocket::stream_base::decorator([](websocket::request_type& request) {
            request.set(beast::http::field::user_agent, "spreekbuis");
        }));
        ws.read_message_max(settings_.max_message_bytes);
        const auto target = jetstream_target(settings_, url.target, resume_);
        websocket::response_type response;
        auto [handshake_ec] = co_await ws.async_handshake(response, host_header(url), target,
                                                          asio::as_tuple(asio::use_awaitable));
        if (handshake_ec) {
            end.error = http::describe_error("WebSocket handshake with " + url.host, handshake_ec);
            if (response.result_int() != 0 && response.result_int() != 101) {
                end.error += " (HTTP " + std::to_string(response.result_int()) + ")";
            }
            co_return end;
        }
        ++counters_.connects;
        spdlog::info("jetstream '{}': connected to {} ({})", settings_.name, url.host,
                     resume_.empty() ? std::string("live tail") : "resuming from " + resume_);
        beast::flat_buffer buffer;
        while (true) {
            buffer.clear();
            auto [ec, bytes] = co_await ws.async_read(buffer, asio::as_tuple(asio::use_awaitable));
            if (ec == websocket::error::message_too_big) {
                ++counters_.bad_events;
                bad_log_.report(settings_.name, "a message larger than max_message_bytes (" +
                                                    std::to_string(settings_.max_message_bytes) +
                                                    ")");
                end.error = "a message exceeded max_message_bytes";
                co_return end;
            }
            if (ec == websocket::error::closed) {
                const auto& reason = ws.reason();
                end.error =
                    "the server closed the stream (code " +
                    std::to_string(static_cast<unsigned>(reason.code)) +
                    (reason.reason.empty() ? ""
                                           : ", " + shown(std::string_view(reason.reason.data(),
                                                                           reason.reason.size()))) +
                    ")";
                co_return end;
            }
            if (ec) {
                end.error = http::describe_error("read", ec);
                co_return end;
            }
            end.delivered = true;
            ++counters_.events;
            const auto data = buffer.cdata();
            const std::string_view frame(static_cast<const char*>(data.data()), bytes);
            if (!handle_frame(frame, ws.got_text(), output)) {
                end.stop = true;
                co_return end;
            }
        }
    }

    // False when emit said stop.
    bool handle_frame(std::string_view frame, bool text, SourceOutput& output) {
        if (!text) {
            ++counters_.bad_events;
            bad_log_.report(settings_.name, "a binary frame (compression is not supported)");
            return true;
        }
        auto event = decode_jetstream_event(frame);
        if (!event.cursor.empty()) resume_ = event.cursor;
        switch (event.kind) {
            case JetstreamEvent::Kind::skip:
                ++counters_.skipped;
                return true;
            case JetstreamEvent::Kind::bad:
                ++counters_.bad_events;
                bad_log_.report(settings_.name, event.reason);
                return true;
            case JetstreamEvent::Kind::post:
                break;
        }
        auto& post = *event.post;
        if (recent_.contains(post.id)) {
            ++counters_.skipped;
            spdlog::debug("jetstream '{}': {} again (rewind); not emitted twice", settings_.name,
                          post.id);
            return true;
        }
        recent_.add(post.id, parse_time_us(event.cursor).value_or(0));
        if (!event.reason.empty()) {
            spdlog::debug("jetstream '{}': {}: {}", settings_.name, post.id, event.reason);
        }
        ++counters_.posts;
        return output.emit(std::move(post), std::move(event.cursor));
    }

    JetstreamSettings settings_;
    std::shared_ptr<asio::ssl::context> tls_;
    std::string resume_;
    RecentPosts recent_;
    BadEventLog bad_log_;
};

}  // namespace

JetstreamEvent decode_jetstream_event(std::string_view frame) {
    if (simdjson::validate_utf8(frame.data(), frame.size())) return decode_valid(frame, false);
    const auto repaired = rules::utf8::repair(frame);
    return decode_valid(repaired, true);
}

std::string jetstream_target(const JetstreamSettings& settings, std::string_view base_target,
                             std::string_view resume) {
    std::string target = base_target.empty() ? "/" : std::string(base_target);
    const auto fragment = target.find('#');
    if (fragment != std::string::npos) target.resize(fragment);
    char separator = target.find('?') == std::string::npos ? '?' : '&';
    if (target.back() == '?' || target.back() == '&') separator = '\0';
    auto add = [&](std::string_view key, std::string_view value) {
        if (separator != '\0') target += separator;
        separator = '&';
        target += key;
        target += '=';
        target += sinks::url_encode(value);
    };
    for (const auto& collection : settings.collections) add("wantedCollections", collection);
    for (const auto& did : settings.dids) add("wantedDids", did);
    add("maxMessageSizeBytes", std::to_string(settings.max_message_bytes));
    if (auto time_us = parse_time_us(resume); time_us && *time_us >= kMinTimeMicros) {
        const auto rewind =
            std::clamp<std::int64_t>(settings.rewind_seconds, 0, kJetstreamMaxRewindSeconds);
        add("cursor",
            std::to_string(std::max<std::int64_t>(*time_us - rewind * kMicrosPerSecond, 0)));
    }
    return target;
}

std::optional<JetstreamSettings> read_jetstream_settings(const config::PluginConfig& plugin,
                                                         const std::string& base_dir,
                                                         rules::Diagnostics& diagnostics) {
    const auto& document = *plugin.document;
    const auto& node = plugin.node;
    const std::string what = "jetstream source '" + plugin.name + "'";
    if (!rules::check_keys(
            document, node,
            {"name", "type", "url", "collections", "dids", "rewind_seconds", "max_message_bytes"},
            what, diagnostics)) {
        return std::nullopt;
    }
    JetstreamSettings settings;
    settings.name = plugin.name;
    bool ok = true;
    if (node["url"]) {
        auto url = config::read_expanded_string(document, node["url"], base_dir, diagnostics);
        if (!url) {
            ok = false;
        } else if (!url->starts_with("ws://") && !url->starts_with("wss://")) {
            rules::error_at(document, node["url"], "url must start with ws:// or wss://",
                            diagnostics, "the public instance is " + settings.url);
            ok = false;
        } else if (std::string error; !http::parse_url(http_form(*url), &error)) {
            rules::error_at(document, node["url"], "bad url: " + error, diagnostics);
            ok = false;
        } else {
            settings.url = *url;
        }
    }
    if (node["collections"]) {
        if (auto items = read_list(document, node["collections"], base_dir, diagnostics)) {
            settings.collections.clear();
            for (const auto& item : *items) {
                if (auto problem = collection_problem(item.value); !problem.empty()) {
                    rules::error_at(document, item.node,
                                    "collection " + shown(item.value) + " is not valid: " + problem,
                                    diagnostics);
                    ok = false;
                }
                settings.collections.push_back(item.value);
            }
            if (settings.collections.empty()) {
                rules::error_at(document, node["collections"],
                                "collections needs at least one entry", diagnostics,
                                "without a filter Jetstream sends every record of the network");
                ok = false;
            } else if (settings.collections.size() > kJetstreamMaxCollections) {
                rules::error_at(document, node["collections"],
                                "at most " + std::to_string(kJetstreamMaxCollections) +
                                    " collections, found " +
                                    std::to_string(settings.collections.size()),
                                diagnostics);
                ok = false;
            } else if (ok && std::none_of(settings.collections.begin(), settings.collections.end(),
                                          covers_posts)) {
                rules::error_at(document, node["collections"],
                                "no collection covers app.bsky.feed.post, the only one that "
                                "becomes posts",
                                diagnostics, "add app.bsky.feed.post");
                ok = false;
            }
        } else {
            ok = false;
        }
    }
    if (node["dids"]) {
        if (auto items = read_list(document, node["dids"], base_dir, diagnostics)) {
            for (const auto& item : *items) {
                if (!valid_did(item.value)) {
                    rules::error_at(document, item.node, shown(item.value) + " is not a DID",
                                    diagnostics, "a DID looks like did:plc:abc123");
                    ok = false;
                }
                settings.dids.push_back(item.value);
            }
            if (settings.dids.size() > kJetstreamMaxDids) {
                rules::error_at(document, node["dids"],
                                "at most " + std::to_string(kJetstreamMaxDids) + " dids, found " +
                                    std::to_string(settings.dids.size()),
                                diagnostics);
                ok = false;
            }
        } else {
            ok = false;
        }
    }
    if (node["rewind_seconds"]) {
        if (auto value = read_ranged(document, node["rewind_seconds"], "rewind_seconds", 0,
                                     kJetstreamMaxRewindSeconds, diagnostics)) {
            settings.rewind_seconds = *value;
        } else {
            ok = false;
        }
    }
    if (node["max_message_bytes"]) {
        if (auto value =
                read_ranged(document, node["max_message_bytes"], "max_message_bytes",
                            static_cast<std::int64_t>(kJetstreamMinMessageBytes),
                            static_cast<std::int64_t>(kJetstreamMaxMessageBytes), diagnostics)) {
            settings.max_message_bytes = static_cast<std::size_t>(*value);
        } else {
            ok = false;
        }
    }
    if (!ok) return std::nullopt;
    return settings;
}

std::unique_ptr<LiveSource> make_jetstream_source(JetstreamSettings settings,
                                                  std::shared_ptr<asio::ssl::context> tls) {
    return std::make_unique<JetstreamSource>(std::move(settings), std::move(tls));
}

}  // namespace spreekbuis::connectors::sources
