#include "connectors/sources/x_stream.hpp"

#include <simdjson.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <atomic>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <charconv>
#include <deque>
#include <map>
#include <unordered_set>

#include "connectors/http/http_client.hpp"
#include "connectors/http/streaming_get.hpp"
#include "connectors/post_decoder.hpp"
#include "connectors/sources/source_support.hpp"
#include "connectors/sources/x_rule_syntax.hpp"
#include "rules/rule_file.hpp"
#include "rules/utf8.hpp"
#include "rules/yaml_source.hpp"

namespace spreekbuis::connectors::sources {

namespace {

namespace dom = simdjson::dom;

constexpr std::string_view kQuery =
    "tweet.fields=created_at,lang,conversation_id,referenced_tweets,public_metrics"
    "&expansions=author_id&user.fields=username,name,public_metrics,verified";

XStreamEvent make_event(XStreamEvent::Kind kind, std::string reason) {
    XStreamEvent event;
    event.kind = kind;
    event.reason = std::move(reason);
    return event;
}

XStreamEvent bad(std::string reason) {
    return make_event(XStreamEvent::Kind::bad, std::move(reason));
}

XStreamEvent skip(std::string reason) {
    return make_event(XStreamEvent::Kind::skip, std::move(reason));
}

void optional_string(dom::object object, std::string_view key, std::string& out,
                     std::string& warnings) {
    std::string_view value;
    const Field field = string_field(object, key, value);
    if (field == Field::ok) {
        out = valid_utf8(value);
    } else if (field == Field::wrong) {
        note(warnings, "ignored '" + std::string(key) + "' (not a string)");
    }
}

void optional_int(dom::object object, std::string_view key, std::optional<std::int64_t>& out,
                  std::string& warnings) {
    dom::element value;
    if (object.at_key(key).get(value) != simdjson::SUCCESS || value.is_null()) return;
    std::int64_t number = 0;
    if (value.get_int64().get(number) != simdjson::SUCCESS) {
        note(warnings, "ignored '" + std::string(key) + "' (not an integer)");
        return;
    }
    out = number;
}

bool optional_object(dom::object parent, std::string_view key, dom::object& out,
                     std::string& warnings) {
    dom::element value;
    if (parent.at_key(key).get(value) != simdjson::SUCCESS || value.is_null()) return false;
    if (value.get_object().get(out) != simdjson::SUCCESS) {
        note(warnings, "ignored '" + std::string(key) + "' (not an object)");
        return false;
    }
    return true;
}

bool is_post_id(std::string_view text) {
    return !text.empty() && text.size() <= 32 &&
           std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; });
}

bool is_username(std::string_view text) {
    return !text.empty() && text.size() <= 50 && std::all_of(text.begin(), text.end(), [](char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
               c == '_';
    });
}

// "title (connection_issue): detail" of one error object; "" when it names nothing.
std::string describe_problem(dom::object problem) {
    std::string_view title;
    std::string_view detail;
    std::string_view issue;
    string_field(problem, "title", title);
    string_field(problem, "detail", detail);
    string_field(problem, "connection_issue", issue);
    if (title.empty()) string_field(problem, "message", title);
    std::string text = shown(title, 120);
    if (!issue.empty()) text += (text.empty() ? "" : " ") + ("(" + shown(issue, 80) + ")");
    if (!detail.empty()) text += (text.empty() ? "" : ": ") + shown(detail, 300);
    return text;
}

XStreamEvent decode_error(dom::object root) {
    std::string reason;
    dom::array errors;
    if (root.at_key("errors").get_array().get(errors) == simdjson::SUCCESS) {
        for (dom::element entry : errors) {
            dom::object problem;
            if (entry.get_object().get(problem) != simdjson::SUCCESS) continue;
            const std::string text = describe_problem(problem);
            if (!text.empty()) note(reason, text);
            if (reason.size() > 600) break;
        }
    } else {
        reason = describe_problem(root);
    }
    if (reason.empty()) reason = "an error object without title or detail";
    return make_event(XStreamEvent::Kind::error, std::move(reason));
}

// The author among includes.users whose id is `author_id`.
void read_author(dom::object root, std::string_view author_id, rules::Author& author,
                 std::string& warnings) {
    dom::object includes;
    if (!optional_object(root, "includes", includes, warnings)) return;
    dom::element users_element;
    if (includes.at_key("users").get(users_element) != simdjson::SUCCESS) return;
    dom::array users;
    if (users_element.get_array().get(users) != simdjson::SUCCESS) {
        note(warnings, "ignored 'includes.users' (not an array)");
        return;
    }
    for (dom::element user_element : users) {
        dom::object user;
        if (user_element.get_object().get(user) != simdjson::SUCCESS) continue;
        std::string_view id;
        if (string_field(user, "id", id) != Field::ok || id != author_id) continue;
        optional_string(user, "username", author.handle, warnings);
        optional_string(user, "name", author.name, warnings);
        dom::object metrics;
        if (optional_object(user, "public_metrics", metrics, warnings)) {
            optional_int(metrics, "followers_count", author.followers, warnings);
        }
        dom::element verified;
        if (user.at_key("verified").get(verified) == simdjson::SUCCESS && !verified.is_null()) {
            bool value = false;
            if (verified.get_bool().get(value) == simdjson::SUCCESS) {
                author.verified = value;
            } else {
                note(warnings, "ignored 'verified' (not a boolean)");
            }
        }
        return;
    }
    note(warnings, "author " + shown(author_id, 32) + " not in includes.users");
}

XStreamEvent decode_post(dom::object root, dom::object data) {
    std::string_view id;
    switch (string_field(data, "id", id)) {
        case Field::ok:
            break;
        case Field::wrong:
            return bad("'data.id' is not a string");
        default:
            return bad("post without 'data.id'");
    }
    if (!is_post_id(id)) return bad("'data.id' '" + shown(id, 40) + "' is not a numeric post id");
    std::string_view text;
    switch (string_field(data, "text", text)) {
        case Field::ok:
            break;
        case Field::wrong:
            return bad("'data.text' is not a string");
        default:
            return bad("post " + std::string(id) + " without 'data.text'");
    }

    std::string warnings;
    rules::Post post;
    dom::element referenced_element;
    if (data.at_key("referenced_tweets").get(referenced_element) == simdjson::SUCCESS &&
        !referenced_element.is_null()) {
        dom::array referenced;
        if (referenced_element.get_array().get(referenced) != simdjson::SUCCESS) {
            note(warnings, "ignored 'referenced_tweets' (not an array)");
        } else {
            for (dom::element entry : referenced) {
                dom::object reference;
                if (entry.get_object().get(reference) != simdjson::SUCCESS) continue;
                std::string_view type;
                std::string_view target;
                string_field(reference, "type", type);
                string_field(reference, "id", target);
                if (type == "retweeted") return skip("retweet of " + shown(target, 32));
                if (type == "replied_to" && is_post_id(target)) {
                    post.in_reply_to = "x:" + std::string(target);
                }
            }
        }
    }
    if (text.empty()) return skip("post " + std::string(id) + " without text");

    post.id = "x:" + std::string(id);
    post.source = "x";
    post.text = valid_utf8(text);
    optional_string(data, "lang", post.lang, warnings);
    if (post.lang == "und") post.lang.clear();
    optional_string(data, "created_at", post.created_at, warnings);
    if (!post.created_at.empty()) {
        post.created_at_ms = parse_rfc3339_ms(post.created_at);
        if (!post.created_at_ms) note(warnings, "'created_at' is not an RFC 3339 timestamp");
    }
    std::string conversation;
    optional_string(data, "conversation_id", conversation, warnings);
    if (is_post_id(conversation)) {
        post.conversation = "x:" + conversation;
    } else if (!conversation.empty()) {
        note(warnings, "ignored 'conversation_id' (not a post id)");
    }
    dom::object metrics;
    if (optional_object(data, "public_metrics", metrics, warnings)) {
        optional_int(metrics, "retweet_count", post.reposts, warnings);
        optional_int(metrics, "reply_count", post.replies, warnings);
    }
    std::string_view author_id;
    if (string_field(data, "author_id", author_id) == Field::ok && !author_id.empty()) {
        read_author(root, author_id, post.author, warnings);
    }
    post.url = is_username(post.author.handle)
                   ? "https://x.com/" + post.author.handle + "/status/" + std::string(id)
                   : "https://x.com/i/web/status/" + std::string(id);

    XStreamEvent result;
    result.kind = XStreamEvent::Kind::post;
    result.reason = std::move(warnings);
    result.post = std::move(post);
    return result;
}

bool is_blank(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

}  // namespace

XStreamEvent decode_x_stream_line(std::string_view line) {
    while (!line.empty() && is_blank(line.front())) line.remove_prefix(1);
    while (!line.empty() && is_blank(line.back())) line.remove_suffix(1);
    if (line.empty()) return skip("heartbeat");
    dom::element element;
    bool repaired = false;
    if (auto error = parse_json(line, element, repaired)) {
        return bad(std::string("malformed JSON (") + simdjson::error_message(error) + ")");
    }
    dom::object root;
    if (element.get_object().get(root) != simdjson::SUCCESS) {
        return bad("a stream line must be a JSON object");
    }
    dom::element data;
    if (root.at_key("data").get(data) == simdjson::SUCCESS) {
        dom::object post;
        if (data.get_object().get(post) != simdjson::SUCCESS) return bad("'data' is not an object");
        auto result = decode_post(root, post);
        if (result.kind == XStreamEvent::Kind::post) {
            if (root.at_key("errors").error() == simdjson::SUCCESS) {
                note(result.reason, "partial errors: " + decode_error(root).reason);
            }
            if (repaired) note(result.reason, "invalid UTF-8 replaced by U+FFFD");
        }
        return result;
    }
    if (root.at_key("errors").error() == simdjson::SUCCESS ||
        root.at_key("title").error() == simdjson::SUCCESS ||
        root.at_key("connection_issue").error() == simdjson::SUCCESS) {
        return decode_error(root);
    }
    return skip("a message without 'data' or 'errors'");
}

bool is_x_connection_limit(const XStreamEvent& event) {
    return event.kind == XStreamEvent::Kind::error &&
           event.reason.find("TooManyConnections") != std::string::npos;
}

void XLineSplitter::feed(std::string_view bytes, std::vector<std::string>& lines) {
    while (!bytes.empty()) {
        const auto newline = bytes.find('\n');
        const std::string_view piece =
            newline == std::string_view::npos ? bytes : bytes.substr(0, newline);
        if (!discarding_) {
            if (partial_.size() + piece.size() > max_) {
                partial_.clear();
                partial_.shrink_to_fit();
                discarding_ = true;
                ++oversized_;
            } else {
                partial_.append(piece);
            }
        }
        if (newline == std::string_view::npos) return;
        bytes.remove_prefix(newline + 1);
        if (discarding_) {
            discarding_ = false;
            continue;
        }
        if (!partial_.empty() && partial_.back() == '\r') partial_.pop_back();
        lines.push_back(std::move(partial_));
        partial_.clear();
    }
}

namespace {

std::chrono::milliseconds doubled(std::chrono::milliseconds initial, int times,
                                  std::chrono::milliseconds cap) {
    auto wait = initial;
    for (int i = 0; i < times && wait < cap; ++i) wait *= 2;
    return std::min(wait, cap);
}

}  // namespace

std::chrono::milliseconds XStreamBackoff::next(
    XDisconnect why, std::optional<std::chrono::milliseconds> server_wait) {
    switch (why) {
        case XDisconnect::dropped:
            network_failures_ = http_failures_ = rate_limit_failures_ = 0;
            return std::chrono::milliseconds(0);
        case XDisconnect::network: {
            network_failures_ = std::min(network_failures_ + 1, 1 << 20);
            return std::min(steps_.network_step * network_failures_, steps_.network_max);
        }
        case XDisconnect::http: {
            const auto wait = doubled(steps_.http_initial, http_failures_, steps_.http_max);
            http_failures_ = std::min(http_failures_ + 1, 64);
            return wait;
        }
        case XDisconnect::rate_limited: {
            auto wait =
                doubled(steps_.rate_limit_initial, rate_limit_failures_, steps_.rate_limit_max);
            rate_limit_failures_ = std::min(rate_limit_failures_ + 1, 64);
            if (server_wait && *server_wait > wait) wait = *server_wait;
            return wait;
        }
        case XDisconnect::unauthorized:
            return steps_.http_max;
    }
    return steps_.http_max;
}

std::optional<std::chrono::milliseconds> x_rate_limit_wait(std::string_view reset,
                                                           std::int64_t now_ms) {
    constexpr std::int64_t kMaxWaitMs = 3600 * 1000;
    while (!reset.empty() && reset.front() == ' ') reset.remove_prefix(1);
    while (!reset.empty() && reset.back() == ' ') reset.remove_suffix(1);
    std::int64_t seconds = 0;
    const auto [end, ec] = std::from_chars(reset.data(), reset.data() + reset.size(), seconds);
    if (reset.empty() || ec != std::errc() || end != reset.data() + reset.size() || seconds < 0 ||
        seconds > std::int64_t{1} << 40) {
        return std::nullopt;
    }
    const std::int64_t wait = seconds * 1000 - now_ms;
    if (wait <= 0) return std::chrono::milliseconds(0);
    return std::chrono::milliseconds(std::min(wait, kMaxWaitMs));
}

std::string x_stream_target(std::string_view url_target) {
    std::string target(url_target.empty() ? "/" : url_target);
    const auto query = target.find('?');
    if (query == std::string::npos) {
        target += '?';
    } else if (target.back() != '?' && target.back() != '&') {
        target += '&';
    }
    target += kQuery;
    return target;
}

namespace {}  // namespace

namespace {

// What X would refuse in a rule (x_rule_syntax.hpp), at its place inside the value; false
// when one of them is an error.
bool rule_syntax_ok(const rules::YamlDocument& document, const YAML::Node& node,
                    const std::string& value, rules::Diagnostics& diagnostics) {
    bool ok = true;
    for (auto& problem : check_x_rule_syntax(value)) {
        std::string line_text;
        auto pos = rules::position_in_scalar(rules::TextRef{&document, node, value}, problem.offset,
                                             line_text);
        if (problem.error) {
            ok = false;
            diagnostics.error(std::move(pos), "x stream rule: " + problem.message,
                              std::move(problem.hint), std::move(line_text));
        } else {
            diagnostics.warning(std::move(pos), "x stream rule: " + problem.message,
                                std::move(problem.hint), std::move(line_text));
        }
    }
    return ok;
}

// `rules:` (a list of strings or {value, tag} maps) and `rules_mode:` (add | sync).
void read_x_rules(const rules::YamlDocument& document, const YAML::Node& node,
                  XStreamSettings& settings, rules::Diagnostics& diagnostics) {
    if (const auto mode = node["rules_mode"]) {
        const auto text = rules::read_string(document, mode, diagnostics);
        if (text && *text == "sync") {
            settings.rules_mode = XRulesMode::sync;
        } else if (text && *text != "add") {
            rules::error_at(document, mode, "rules_mode must be add or sync", diagnostics,
                            "add: add the listed rules and leave others; sync: also delete the "
                            "rules X holds that are not listed");
        }
        if (!node["rules"]) {
            rules::error_at(document, mode, "rules_mode without rules", diagnostics,
                            "list the stream rules under rules:, or leave rules_mode out");
        }
    }
    const auto list = node["rules"];
    if (!list) return;
    if (!list.IsSequence()) {
        rules::error_at(document, list, "rules must be a list of rules", diagnostics,
                        "- value: '@brand -is:retweet'\n  tag: brand   (or just - '@brand')");
        return;
    }
    std::vector<XRule> out;
    std::map<std::string, rules::SourcePos> seen;
    for (const auto& item : list) {
        XRule rule;
        if (item.IsMap()) {
            if (!rules::check_keys(document, item, {"value", "tag"}, "an x stream rule",
                                   diagnostics)) {
                continue;
            }
            if (!item["value"]) {
                rules::error_at(document, item, "an x stream rule needs a value", diagnostics);
                continue;
            }
            if (const auto tag = item["tag"]) {
                const auto text = rules::read_string(document, tag, diagnostics);
                if (!text) continue;
                rule.tag = *text;
            }
        }
        // A new handle, not an assignment: assigning a YAML::Node writes through it.
        const YAML::Node value_node = item.IsMap() ? item["value"] : item;
        const auto value = rules::read_string(document, value_node, diagnostics);
        if (!value) continue;
        rule.value = *value;
        rule.pos = rules::position_of(document, value_node);
        if (rule.value.find_first_not_of(' ') == std::string::npos) {
            rules::error_at(document, value_node, "an x stream rule must not be empty",
                            diagnostics);
        } else if (has_control(rule.value)) {
            rules::error_at(document, value_node, "an x stream rule holds a control character",
                            diagnostics, "write the rule on one line");
        } else if (rule.value.size() > kMaxXRuleValue) {
            rules::error_at(document, value_node,
                            "an x stream rule is " + std::to_string(rule.value.size()) +
                                " bytes, more than X accepts (" + std::to_string(kMaxXRuleValue) +
                                ")",
                            diagnostics);
        } else if (const auto [at, added] = seen.emplace(rule.value, rule.pos); !added) {
            rules::error_at(document, value_node,
                            "the same x stream rule twice (first at line " +
                                std::to_string(at->second.line) + ")",
                            diagnostics, "X holds each rule value once; give it one tag");
        } else if (!rule_syntax_ok(document, value_node, rule.value, diagnostics)) {
            continue;
        } else {
            if (rule.value.size() > kPayPerUseXRuleValue) {
                diagnostics.warning(rule.pos, "an x stream rule longer than " +
                                                  std::to_string(kPayPerUseXRuleValue) +
                                                  " bytes needs Enterprise access");
            }
            out.push_back(std::move(rule));
        }
    }
    if (out.size() > kPayPerUseXRules) {
        diagnostics.warning(rules::position_of(document, list),
                            std::to_string(out.size()) +
                                " x stream rules: pay-per-use access "
                                "allows " +
                                std::to_string(kPayPerUseXRules));
    }
    settings.rules = std::move(out);
}

}  // namespace

std::optional<XStreamSettings> read_x_stream_settings(const config::PluginConfig& plugin,
                                                      const std::string& base_dir,
                                                      rules::Diagnostics& diagnostics) {
    const auto& document = *plugin.document;
    const auto& node = plugin.node;
    const std::string what = "x source '" + plugin.name + "'";
    if (!rules::check_keys(document, node,
                           {"name", "type", "url", "bearer_token", "rules", "rules_mode"}, what,
                           diagnostics)) {
        return std::nullopt;
    }
    const std::size_t errors_before = diagnostics.error_count();
    XStreamSettings settings;
    settings.name = plugin.name;
    auto read = [&](const char* key, std::string& out) {
        return config::read_expanded_key(document, node, key, base_dir, diagnostics, out);
    };

    if (read("url", settings.url)) {
        std::string error;
        auto url = http::parse_url(settings.url, &error);
        if (!url) {
            rules::error_at(document, node["url"], "bad url: " + error, diagnostics);
        } else if (url->target.find('#') != std::string::npos) {
            rules::error_at(document, node["url"], "url must not hold a fragment ('#')",
                            diagnostics);
        } else if (!url->tls && !is_loopback(url->host)) {
            rules::error_at(document, node["url"],
                            "plain http would send the bearer token unencrypted", diagnostics,
                            "use https; http:// is accepted only for a loopback stand-in");
        }
    }

    if (!node["bearer_token"]) {
        rules::error_at(document, node, what + " needs a bearer_token", diagnostics,
                        "the app-only Bearer token, e.g. bearer_token: ${env:X_BEARER_TOKEN}");
    } else if (read("bearer_token", settings.bearer_token)) {
        if (settings.bearer_token.empty()) {
            rules::error_at(document, node["bearer_token"], "bearer_token must not be empty",
                            diagnostics);
        } else if (std::any_of(
                       settings.bearer_token.begin(), settings.bearer_token.end(),
                       [](char c) { return static_cast<unsigned char>(c) <= 0x20 || c == 0x7F; })) {
            rules::error_at(document, node["bearer_token"],
                            "bearer_token holds a space or a control character", diagnostics,
                            "the token alone, without 'Bearer '; check the file or variable it "
                            "comes from (a stray \\r?)");
        }
    }
    read_x_rules(document, node, settings, diagnostics);
    if (diagnostics.error_count() != errors_before) return std::nullopt;
    return settings;
}

namespace {

namespace asio = boost::asio;
namespace bhttp = boost::beast::http;

constexpr std::size_t kRecentIds = 4096;

// One attempt's end: why the connection ended and how long the server asked us to wait.
struct Attempt {
    bool stop = false;      // emit returned false: the daemon stops
    bool got_data = false;  // a heartbeat or a line arrived on an open stream
    XDisconnect why = XDisconnect::network;
    std::optional<std::chrono::milliseconds> server_wait;
    std::string error;
};

std::int64_t now_ms() {
    return std::chrono::duration_cast<std::chrono::milliseconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
}

// The I/O half. Owns the connection, the recent post ids and the heartbeat count; used only on
// the thread that runs `run` (the counters may be read from any).
class XStreamSource final : public LiveSource {
  public:
    XStreamSource(XStreamSettings settings, std::shared_ptr<asio::ssl::context> tls)
        : settings_(std::move(settings)), tls_(std::move(tls)) {
        std::string error;
        if (auto url = http::parse_url(settings_.url, &error)) {
            url_ = *url;
            url_ok_ = true;
            rules_url_ = std::string(url_.tls ? "https://" : "http://") + http::host_header(url_) +
                         x_rules_target(url_.target);
            url_.target = x_stream_target(url_.target);
            host_header_ = http::host_header(url_);
        } else {
            url_error_ = error;
        }
        if (url_ok_ && url_.tls && !tls_) tls_ = http::make_client_tls_context(url_error_);
    }

    const std::string& name() const override { return settings_.name; }
    std::uint64_t heartbeats() const { return heartbeats_.load(); }

    asio::awaitable<void> run(std::string resume, SourceOutput output) override {
        try {
            if (!url_ok_ || (url_.tls && !tls_)) {
                spdlog::error("x source {}: cannot start: {}", name(), url_error_);
                co_return;
            }
            if (!resume.empty()) {
                spdlog::info("x source {}: the filtered stream has no resume point; ignored '{}'",
                             name(), shown(resume, 40));
            }
            XStreamBackoff backoff(settings_.backoff);
            asio::steady_timer timer(co_await asio::this_coro::executor);
            for (;;) {
                // Until X holds the configured rules: tried again before every reconnect.
                if (settings_.rules && !rules_synced_) {
                    try {
                        rules_synced_ = co_await sync_rules();
                    } catch (const std::exception& e) {
                        spdlog::error("x source {}: stream rules not synced: {}", name(), e.what());
                    }
                }
                Attempt attempt;
                try {
                    attempt = co_await connect_once(output);
                } catch (const std::exception& e) {
                    attempt.error = std::string("unexpected error: ") + e.what();
                }
                if (attempt.stop) co_return;
                ++counters_.disconnects;
                const auto wait = backoff.next(attempt.why, attempt.server_wait);
                const bool at_max = wait >= settings_.backoff.http_max;
                if (at_max) {
                    spdlog::error("x source {}: {}; reconnecting in {} ms", name(), attempt.error,
                                  wait.count());
                } else {
                    spdlog::warn("x source {}: {}; reconnecting in {} ms", name(), attempt.error,
                                 wait.count());
                }
                if (wait.count() > 0) {
                    timer.expires_after(wait);
                    co_await timer.async_wait(asio::as_tuple(asio::use_awaitable));
                }
            }
        } catch (const std::exception& e) {
            spdlog::error("x source {}: stopped by an unexpected error: {}", name(), e.what());
        }
    }

  private:
    // One request to the rules endpoint; the answer's body when X took it (2xx, or a 400 that
    // lists refused rules), else nullopt with the reason logged.
    asio::awaitable<std::optional<std::string>> rules_request(http::HttpClient& client,
                                                              std::string method,
                                                              std::string body) {
        sinks::HttpRequestSpec spec;
        spec.method = std::move(method);
        spec.url = rules_url_;
        spec.headers = {{"Authorization", "Bearer " + settings_.bearer_token},
                        {"Accept", "application/json"}};
        if (!body.empty()) spec.headers.emplace_back("Content-Type", "application/json");
        spec.body = std::move(body);
        const auto result = co_await client.request(spec);
        if (!result.response) {
            spdlog::error("x source {}: {} of the stream rules failed: {}", name(), spec.method,
                          result.error);
            co_return std::nullopt;
        }
        const int status = result.response->status;
        const bool listed_refusals =
            status == 400 && result.response->body.find("\"errors\"") != std::string::npos;
        if ((status < 200 || status > 299) && !listed_refusals) {
            spdlog::error("x source {}: {} of the stream rules: HTTP {}: {}{}", name(), spec.method,
                          status, shown(result.response->body, 300),
                          status == 401 || status == 403
                              ? " (the bearer token is wrong, or the app may not manage rules)"
                              : "");
            co_return std::nullopt;
        }
        co_return result.response->body;
    }

    // Makes X hold the configured rules (x_rules.hpp); true once X has answered every step
    // (rules it refused are logged at their file:line:col and not retried).
    asio::awaitable<bool> sync_rules() {
        http::ClientOptions options;
        options.connect_timeout = settings_.connect_timeout;
        options.request_timeout = settings_.read_timeout;
        options.body_limit = 8 * 1024 * 1024;
        http::HttpClient client(co_await asio::this_coro::executor, tls_, options);
        const auto listed = co_await rules_request(client, "GET", "");
        if (!listed) co_return false;
        std::string error;
        const auto on_x = decode_x_rules_list(*listed, error);
        if (!on_x) {
            spdlog::error("x source {}: the stream rules X sent are unreadable: {}", name(), error);
            co_return false;
        }
        const XRulesPlan plan = plan_x_rules(*on_x, *settings_.rules, settings_.rules_mode);
        constexpr std::size_t kPerRequest = 100;
        std::size_t deleted = 0;
        for (std::size_t at = 0; at < plan.delete_ids.size(); at += kPerRequest) {
            const std::vector<std::string> ids(
                plan.delete_ids.begin() + static_cast<std::ptrdiff_t>(at),
                plan.delete_ids.begin() + static_cast<std::ptrdiff_t>(
                                              std::min(at + kPerRequest, plan.delete_ids.size())));
            const auto answer = co_await rules_request(client, "POST", encode_x_rules_delete(ids));
            if (!answer) co_return false;
            const auto change = decode_x_rules_change(*answer, error);
            deleted += change ? change->deleted : 0;
        }
        std::size_t added = 0;
        std::size_t refused = 0;
        for (std::size_t at = 0; at < plan.add.size(); at += kPerRequest) {
            const std::vector<XRule> batch(
                plan.add.begin() + static_cast<std::ptrdiff_t>(at),
                plan.add.begin() +
                    static_cast<std::ptrdiff_t>(std::min(at + kPerRequest, plan.add.size())));
            const auto answer = co_await rules_request(client, "POST", encode_x_rules_add(batch));
            if (!answer) co_return false;
            const auto change = decode_x_rules_change(*answer, error);
            if (!change) {
                spdlog::error("x source {}: X's answer to adding stream rules is unreadable: {}",
                              name(), error);
                co_return false;
            }
            added += change->created.size();
            for (const auto& refusal : change->refused) {
                ++refused;
                const XRule* rule = nullptr;
                for (const auto& candidate : batch) {
                    if (candidate.value == refusal.value) rule = &candidate;
                }
                if (rule) {
                    spdlog::error("{}:{}:{}: x source {}: X refused the stream rule '{}': {}",
                                  rule->pos.file, rule->pos.line, rule->pos.column, name(),
                                  shown(rule->value, 200), refusal.why);
                } else {
                    spdlog::error(
                        "x source {}: X refused a stream rule{}: {}", name(),
                        refusal.value.empty() ? "" : " '" + shown(refusal.value, 200) + "'",
                        refusal.why);
                }
            }
        }
        spdlog::info(
            "x source {}: stream rules synced: {} kept, {} added, {} deleted, {} refused, {} "
            "left alone",
            name(), plan.kept, added, deleted, refused, plan.left_alone);
        co_return true;
    }

    asio::awaitable<Attempt> connect_once(SourceOutput& output) {
        Attempt attempt;
        http::StreamingGet get(co_await asio::this_coro::executor, tls_, url_,
                               {settings_.connect_timeout, settings_.read_timeout});
        const http::StreamingGet::Fields fields{
            {bhttp::field::authorization, "Bearer " + settings_.bearer_token},
            {bhttp::field::accept, "application/json"}};
        attempt.error = co_await get.open(fields);
        if (!attempt.error.empty()) co_return attempt;
        const int status = get.status();
        if (status != 200) {
            attempt.why = XDisconnect::http;
            attempt.error = "HTTP " + std::to_string(status);
            const auto body = shown(co_await get.read_body_start(), 200);
            if (!body.empty()) attempt.error += ": " + body;
            if (status == 401 || status == 403) {
                attempt.why = XDisconnect::unauthorized;
                attempt.error +=
                    " (the bearer token is wrong, or the app lacks access to the filtered "
                    "stream)";
            } else if (status == 429 || body.find("TooManyConnections") != std::string::npos) {
                attempt.why = XDisconnect::rate_limited;
                attempt.server_wait = x_rate_limit_wait(get.header("x-rate-limit-reset"), now_ms());
            }
            co_return attempt;
        }
        ++counters_.connects;
        spdlog::info("x source {}: connected to {}", name(), host_header_);

        XLineSplitter splitter(settings_.max_line_bytes);
        std::vector<std::string> lines;
        const auto end = co_await get.read_body([&](std::string_view piece) {
            const auto oversized = splitter.oversized();
            lines.clear();
            splitter.feed(piece, lines);
            if (splitter.oversized() != oversized) {
                attempt.got_data = true;
                counters_.events += splitter.oversized() - oversized;
                counters_.bad_events += splitter.oversized() - oversized;
                limiter_.warn(name(), "dropped a line over " +
                                          std::to_string(settings_.max_line_bytes) + " bytes");
            }
            for (const auto& line : lines) {
                attempt.got_data = true;
                if (!handle_line(line, output, attempt)) return false;
            }
            return true;
        });
        switch (end.why) {
            case http::BodyEnd::Why::stopped:
                break;
            case http::BodyEnd::Why::read_failed:
                attempt.error = end.error;
                attempt.why = attempt.got_data ? XDisconnect::dropped : XDisconnect::network;
                break;
            case http::BodyEnd::Why::ended:
                attempt.error = end.error;
                attempt.why = attempt.got_data ? XDisconnect::dropped : XDisconnect::http;
                break;
        }
        co_return attempt;
    }

    // False when the connection ends here (`attempt` says why and whether to stop).
    bool handle_line(const std::string& line, SourceOutput& output, Attempt& attempt) {
        auto decoded = decode_x_stream_line(line);
        if (decoded.kind == XStreamEvent::Kind::skip && decoded.reason == "heartbeat") {
            ++heartbeats_;
            return true;
        }
        ++counters_.events;
        switch (decoded.kind) {
            case XStreamEvent::Kind::skip:
                ++counters_.skipped;
                return true;
            case XStreamEvent::Kind::bad:
                ++counters_.bad_events;
                limiter_.warn(name(), "bad line skipped: " + decoded.reason);
                return true;
            case XStreamEvent::Kind::error:
                attempt.error = "X ended the stream: " + decoded.reason;
                attempt.why = is_x_connection_limit(decoded) ? XDisconnect::rate_limited
                                                             : XDisconnect::dropped;
                return false;
            case XStreamEvent::Kind::post:
                break;
        }
        const std::string& id = decoded.post->id;
        if (recent_set_.contains(id)) {
            ++counters_.skipped;  // X may deliver a post twice
            return true;
        }
        remember(id);
        if (!decoded.reason.empty()) limiter_.warn(name(), id + ": " + decoded.reason);
        ++counters_.posts;
        if (!output.emit(std::move(*decoded.post), std::string())) {
            attempt.stop = true;
            return false;
        }
        return true;
    }

    void remember(const std::string& id) {
        recent_.push_back(id);
        recent_set_.insert(id);
        if (recent_.size() > kRecentIds) {
            recent_set_.erase(recent_.front());
            recent_.pop_front();
        }
    }

    XStreamSettings settings_;
    std::shared_ptr<asio::ssl::context> tls_;
    http::Url url_;
    bool url_ok_ = false;
    std::string url_error_;
    std::string host_header_;
    std::string rules_url_;  // the rules endpoint beside the stream
    bool rules_synced_ = false;
    std::deque<std::string> recent_;
    std::unordered_set<std::string> recent_set_;
    std::atomic<std::uint64_t> heartbeats_{0};
    LogLimiter limiter_{"x"};
};

}  // namespace

std::unique_ptr<LiveSource> make_x_stream_source(XStreamSettings settings,
                                                 std::shared_ptr<boost::asio::ssl::context> tls) {
    return std::make_unique<XStreamSource>(std::move(settings), std::move(tls));
}

std::uint64_t x_stream_heartbeats(const LiveSource& source) {
    const auto* x = dynamic_cast<const XStreamSource*>(&source);
    return x ? x->heartbeats() : 0;
}

}  // namespace spreekbuis::connectors::sources
