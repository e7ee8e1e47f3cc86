#include "connectors/sources/reddit.hpp"

#include <simdjson.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <cctype>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <random>

#include "connectors/http/http_client.hpp"
#include "connectors/sinks/classify.hpp"
#include "connectors/sinks/sink_crypto.hpp"
#include "connectors/sources/reconnect.hpp"
#include "connectors/sources/source_support.hpp"
#include "rules/utf8.hpp"
#include "rules/yaml_source.hpp"

namespace spreekbuis::connectors::sources {

namespace {

namespace dom = simdjson::dom;

constexpr std::size_t kMaxSubreddits = 100;
constexpr std::string_view kPermalinkBase = "https://www.reddit.com";

bool is_base36(std::string_view text) {
    return !text.empty() && text.size() <= 13 && std::all_of(text.begin(), text.end(), [](char c) {
        return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z');
    });
}

bool is_subreddit_name(std::string_view name) {
    return name.size() >= 2 && name.size() <= 21 &&
           std::all_of(name.begin(), name.end(), [](char c) {
               return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
                      c == '_';
           });
}

bool is_removed(std::string_view text) { return text == "[removed]" || text == "[deleted]"; }

void drop(RedditListing& listing, std::string fullname, std::string reason, bool bad) {
    if (!bad) ++listing.skipped;
    listing.dropped.push_back({std::move(fullname), std::move(reason), bad});
}

void decode_child(dom::element element, RedditListing& listing) {
    dom::object child;
    if (element.get_object().get(child) != simdjson::SUCCESS) {
        drop(listing, {}, "a listing child must be a JSON object", true);
        return;
    }
    std::string_view kind;
    if (string_field(child, "kind", kind) != Field::ok) {
        drop(listing, {}, "listing child without 'kind'", true);
        return;
    }
    dom::object data;
    if (child.at_key("data").get_object().get(data) != simdjson::SUCCESS) {
        drop(listing, {}, "listing child without a 'data' object", true);
        return;
    }
    std::string fullname;
    std::string_view name;
    std::string_view id;
    if (string_field(data, "name", name) == Field::ok) {
        fullname.assign(name);
    } else if (string_field(data, "id", id) == Field::ok) {
        fullname = std::string(kind) + "_" + std::string(id);
    }
    if (!is_reddit_fullname(fullname) || !fullname.starts_with(std::string(kind) + "_")) {
        drop(listing, {},
             "listing child of kind '" + shown(kind, 8) + "' without a valid fullname ('" +
                 shown(fullname, 40) + "')",
             true);
        return;
    }
    if (listing.newest.empty()) listing.newest = fullname;
    if (kind != "t1" && kind != "t3") {
        drop(listing, fullname, "kind '" + std::string(kind) + "' is no submission or comment",
             false);
        return;
    }
    std::string_view author;
    if (const Field field = string_field(data, "author", author);
        field == Field::wrong || field == Field::absent) {
        drop(listing, fullname, field == Field::wrong ? "'author' is not a string" : "no 'author'",
             true);
        return;
    }
    if (author.empty() || author == "[deleted]") {
        drop(listing, fullname, "deleted author", false);
        return;
    }

    rules::Post post;
    post.id = fullname;
    post.source = "reddit";
    post.author.handle.assign(author);
    if (kind == "t3") {
        std::string_view title;
        if (string_field(data, "title", title) != Field::ok) {
            drop(listing, fullname, "submission without a string 'title'", true);
            return;
        }
        std::string_view selftext;
        if (string_field(data, "selftext", selftext) == Field::wrong) {
            drop(listing, fullname, "'selftext' is not a string", true);
            return;
        }
        if (is_removed(selftext)) {
            drop(listing, fullname, "removed submission", false);
            return;
        }
        post.text.assign(title);
        if (!selftext.empty()) {
            post.text += "\n";
            post.text += selftext;
        }
        post.conversation = fullname;
        std::int64_t comments = 0;
        if (data.at_key("num_comments").get_int64().get(comments) == simdjson::SUCCESS &&
            comments >= 0) {
            post.replies = comments;
        }
    } else {
        std::string_view body;
        if (string_field(data, "body", body) != Field::ok) {
            drop(listing, fullname, "comment without a string 'body'", true);
            return;
        }
        if (is_removed(body)) {
            drop(listing, fullname, "removed comment", false);
            return;
        }
        post.text.assign(body);
        std::string_view parent;
        if (string_field(data, "parent_id", parent) == Field::ok && is_reddit_fullname(parent)) {
            post.in_reply_to.assign(parent);
        }
        std::string_view link;
        if (string_field(data, "link_id", link) == Field::ok && is_reddit_fullname(link)) {
            post.conversation.assign(link);
        }
    }
    if (post.text.empty()) {
        drop(listing, fullname, "no text", false);
        return;
    }
    std::string_view permalink;
    if (string_field(data, "permalink", permalink) == Field::ok && permalink.starts_with('/')) {
        post.url = std::string(kPermalinkBase) + std::string(permalink);
    }
    double created = 0;
    if (data.at_key("created_utc").get_double().get(created) == simdjson::SUCCESS) {
        post.created_at = reddit_time_rfc3339(created);
        if (!post.created_at.empty()) {
            post.created_at_ms = static_cast<std::int64_t>(std::llround(created * 1000.0));
        }
    }
    listing.fullnames.push_back(fullname);
    listing.posts.push_back(std::move(post));
}

std::optional<double> parse_number(std::string_view text) {
    while (!text.empty() && text.front() == ' ') text.remove_prefix(1);
    while (!text.empty() && text.back() == ' ') text.remove_suffix(1);
    double value = 0;
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (text.empty() || ec != std::errc() || end != text.data() + text.size() ||
        !std::isfinite(value)) {
        return std::nullopt;
    }
    return value;
}

std::chrono::milliseconds server_seconds(double seconds, std::chrono::milliseconds second) {
    const double clamped = std::clamp(seconds, 0.0, 3600.0);
    return std::chrono::milliseconds(
        static_cast<std::int64_t>(std::ceil(clamped * static_cast<double>(second.count()))));
}

}  // namespace

bool is_reddit_fullname(std::string_view text) {
    return text.size() >= 4 && text[0] == 't' && text[1] >= '0' && text[1] <= '9' &&
           text[2] == '_' && is_base36(text.substr(3));
}

int compare_reddit_fullnames(std::string_view a, std::string_view b) {
    const std::string_view an = a.size() > 3 ? a.substr(3) : std::string_view{};
    const std::string_view bn = b.size() > 3 ? b.substr(3) : std::string_view{};
    if (an.size() != bn.size()) return an.size() < bn.size() ? -1 : 1;
    const int order = an.compare(bn);
    return order < 0 ? -1 : (order > 0 ? 1 : 0);
}

std::size_t reddit_newer_count(const std::vector<std::string>& fullnames_newest_first,
                               std::string_view last_seen) {
    if (last_seen.empty()) return fullnames_newest_first.size();
    std::size_t count = 0;
    for (const auto& fullname : fullnames_newest_first) {
        if (fullname == last_seen || compare_reddit_fullnames(fullname, last_seen) <= 0) break;
        ++count;
    }
    return count;
}

std::string format_reddit_cursor(const RedditCursor& cursor) {
    return "new=" + cursor.submissions + ";comments=" + cursor.comments;
}

std::optional<RedditCursor> parse_reddit_cursor(std::string_view text) {
    constexpr std::string_view kNew = "new=";
    constexpr std::string_view kComments = ";comments=";
    if (!text.starts_with(kNew)) return std::nullopt;
    const std::size_t split = text.find(kComments);
    if (split == std::string_view::npos) return std::nullopt;
    RedditCursor cursor;
    cursor.submissions.assign(text.substr(kNew.size(), split - kNew.size()));
    cursor.comments.assign(text.substr(split + kComments.size()));
    const auto ok = [](const std::string& value, std::string_view prefix) {
        return value.empty() || (value.starts_with(prefix) && is_reddit_fullname(value));
    };
    if (!ok(cursor.submissions, "t3_") || !ok(cursor.comments, "t1_")) return std::nullopt;
    return cursor;
}

std::string reddit_time_rfc3339(double unix_seconds) {
    constexpr std::int64_t kEndMs = 253402300800000;  // 10000-01-01T00:00:00Z
    if (!std::isfinite(unix_seconds) || unix_seconds < 0 || unix_seconds >= 253402300800.0) {
        return {};
    }
    const std::int64_t total_ms = std::llround(unix_seconds * 1000.0);
    if (total_ms < 0 || total_ms >= kEndMs) return {};
    const std::int64_t seconds = total_ms / 1000;
    const std::int64_t ms = total_ms % 1000;
    const std::int64_t days = seconds / 86400;
    const std::int64_t in_day = seconds % 86400;
    const std::int64_t z = days + 719468;
    const std::int64_t era = z / 146097;
    const std::int64_t doe = z - era * 146097;
    const std::int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    const std::int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    const std::int64_t mp = (5 * doy + 2) / 153;
    const std::int64_t day = doy - (153 * mp + 2) / 5 + 1;
    const std::int64_t month = mp < 10 ? mp + 3 : mp - 9;
    const std::int64_t year = yoe + era * 400 + (month <= 2 ? 1 : 0);
    char buffer[40];
    const int written = std::snprintf(
        buffer, sizeof buffer, "%04lld-%02lld-%02lldT%02lld:%02lld:%02lld",
        static_cast<long long>(year), static_cast<long long>(month), static_cast<long long>(day),
        static_cast<long long>(in_day / 3600), static_cast<long long>(in_day / 60 % 60),
        static_cast<long long>(in_day % 60));
    std::string out(buffer, static_cast<std::size_t>(std::max(written, 0)));
    if (ms != 0) {
        std::snprintf(buffer, sizeof buffer, ".%03lld", static_cast<long long>(ms));
        out += buffer;
    }
    out += "Z";
    return out;
}

RedditListing decode_reddit_listing(std::string_view body) {
    RedditListing listing;
    dom::element root;
    bool repaired = false;
    if (auto error = parse_json(body, root, repaired)) {
        listing.error = std::string("malformed JSON (") + simdjson::error_message(error) + ")";
        return listing;
    }
    dom::object object;
    if (root.get_object().get(object) != simdjson::SUCCESS) {
        listing.error = "a listing must be a JSON object";
        return listing;
    }
    std::string_view kind;
    if (const Field field = string_field(object, "kind", kind);
        field != Field::ok || kind != "Listing") {
        listing.error = field == Field::ok ? "kind '" + shown(kind, 40) + "' is no Listing"
                                           : "no kind 'Listing'";
        return listing;
    }
    dom::array children;
    if (object.at_key("data").at_key("children").get_array().get(children) != simdjson::SUCCESS) {
        listing.error = "a Listing without data.children";
        return listing;
    }
    listing.repaired = repaired;
    for (dom::element child : children) decode_child(child, listing);
    return listing;
}

RedditToken decode_reddit_token(std::string_view body) {
    RedditToken token;
    dom::element root;
    bool repaired = false;
    if (auto error = parse_json(body, root, repaired)) {
        token.error = std::string("malformed JSON (") + simdjson::error_message(error) + ")";
        return token;
    }
    dom::object object;
    if (root.get_object().get(object) != simdjson::SUCCESS) {
        token.error = "the token answer must be a JSON object";
        return token;
    }
    std::string_view access;
    if (string_field(object, "access_token", access) != Field::ok || access.empty()) {
        std::string_view error;
        dom::element error_element;
        if (string_field(object, "error", error) == Field::ok) {
            token.error = "no access_token; error '" + shown(error, 80) + "'";
        } else if (object.at_key("error").get(error_element) == simdjson::SUCCESS) {
            token.error = "no access_token; error " + shown(simdjson::to_string(error_element), 80);
        } else {
            token.error = "no access_token in the answer";
        }
        return token;
    }
    if (repaired || access.size() > 4096 || std::any_of(access.begin(), access.end(), [](char c) {
            return static_cast<unsigned char>(c) <= 0x20 || static_cast<unsigned char>(c) >= 0x7F;
        })) {
        token.error = "the access_token holds characters a header cannot carry";
        return token;
    }
    token.access_token.assign(access);
    double expires = 3600;
    dom::element expires_element;
    if (object.at_key("expires_in").get(expires_element) == simdjson::SUCCESS &&
        expires_element.get_double().get(expires) != simdjson::SUCCESS) {
        expires = 3600;
    }
    if (!std::isfinite(expires) || expires < 1) expires = 1;
    token.expires_in = static_cast<std::int64_t>(std::min(expires, 86400.0));
    return token;
}

std::optional<std::chrono::milliseconds> reddit_server_wait(int status,
                                                            std::string_view retry_after,
                                                            std::string_view remaining,
                                                            std::string_view reset,
                                                            std::chrono::milliseconds second) {
    const auto reset_seconds = parse_number(reset);
    if (status == 429) {
        if (const auto retry = parse_number(retry_after); retry && *retry >= 0) {
            return server_seconds(*retry, second);
        }
        if (reset_seconds && *reset_seconds >= 0) return server_seconds(*reset_seconds, second);
        return std::nullopt;
    }
    const auto left = parse_number(remaining);
    if (left && *left < 2 && reset_seconds && *reset_seconds >= 0) {
        return server_seconds(*reset_seconds, second);
    }
    return std::nullopt;
}

std::optional<RedditSettings> read_reddit_settings(const config::PluginConfig& plugin,
                                                   const std::string& base_dir,
                                                   rules::Diagnostics& diagnostics) {
    const auto& document = *plugin.document;
    const auto& node = plugin.node;
    const std::string what = "reddit source '" + plugin.name + "'";
    if (!rules::check_keys(document, node,
                           {"name", "type", "subreddits", "comments", "submissions", "client_id",
                            "client_secret", "user_agent", "interval"},
                           what, diagnostics)) {
        return std::nullopt;
    }
    const std::size_t errors_before = diagnostics.error_count();
    RedditSettings settings;
    settings.name = plugin.name;
    auto read = [&](const char* key, std::string& out) {
        return config::read_expanded_key(document, node, key, base_dir, diagnostics, out);
    };

    const YAML::Node subreddits = node["subreddits"];
    if (!subreddits) {
        rules::error_at(document, node, what + " needs subreddits", diagnostics,
                        "a list of subreddit names, e.g. subreddits: [ourbrand, ourbrandhelp]");
    } else if (!subreddits.IsSequence() || subreddits.size() == 0) {
        rules::error_at(document, subreddits, "subreddits must be a non-empty list of names",
                        diagnostics, "e.g. subreddits: [ourbrand, ourbrandhelp]");
    } else if (subreddits.size() > kMaxSubreddits) {
        rules::error_at(document, subreddits,
                        "at most " + std::to_string(kMaxSubreddits) + " subreddits", diagnostics,
                        "split them over several reddit sources");
    } else {
        for (const auto& item : subreddits) {
            auto value = config::read_expanded_string(document, item, base_dir, diagnostics);
            if (!value) continue;
            std::string subreddit = *value;
            if (subreddit.starts_with("r/")) subreddit.erase(0, 2);
            if (!is_subreddit_name(subreddit)) {
                rules::error_at(document, item, "bad subreddit name '" + shown(*value, 40) + "'",
                                diagnostics, "2 to 21 letters, digits or '_', without 'r/'");
                continue;
            }
            const bool duplicate = std::any_of(
                settings.subreddits.begin(), settings.subreddits.end(), [&](const std::string& s) {
                    return std::equal(s.begin(), s.end(), subreddit.begin(), subreddit.end(),
                                      [](char a, char b) {
                                          return std::tolower(static_cast<unsigned char>(a)) ==
                                                 std::tolower(static_cast<unsigned char>(b));
                                      });
                });
            if (duplicate) {
                rules::error_at(document, item, "subreddit '" + subreddit + "' is listed twice",
                                diagnostics);
                continue;
            }
            settings.subreddits.push_back(std::move(subreddit));
        }
    }

    if (node["comments"]) {
        if (auto value = rules::read_bool(document, node["comments"], diagnostics)) {
            settings.comments = *value;
        }
    }
    if (node["submissions"]) {
        if (auto value = rules::read_bool(document, node["submissions"], diagnostics)) {
            settings.submissions = *value;
        }
    }
    if (!settings.comments && !settings.submissions) {
        rules::error_at(document, node["comments"] ? node["comments"] : node,
                        "comments and submissions are both false: nothing to poll", diagnostics);
    }

    auto read_secret = [&](const char* key, std::string& out, const char* hint) {
        if (!node[key]) {
            rules::error_at(document, node, what + " needs " + key, diagnostics, hint);
        } else if (read(key, out)) {
            if (out.empty()) {
                rules::error_at(document, node[key], std::string(key) + " must not be empty",
                                diagnostics);
            } else if (std::any_of(out.begin(), out.end(), [](char c) {
                           return static_cast<unsigned char>(c) < 0x20 || c == 0x7F;
                       })) {
                rules::error_at(document, node[key],
                                std::string(key) + " holds a control character", diagnostics,
                                "check the file or variable it comes from (a stray \\r?)");
            }
        }
    };
    read_secret("client_id", settings.client_id,
                "the app's client id from reddit.com/prefs/apps, e.g. ${env:REDDIT_CLIENT_ID}");
    read_secret("client_secret", settings.client_secret,
                "the app's secret, e.g. client_secret: ${file:/run/secrets/reddit}");

    if (!node["user_agent"]) {
        rules::error_at(document, node, what + " needs a user_agent", diagnostics,
                        "Reddit demands '<platform>:<app id>:<version> (by /u/<name>)'");
    } else if (read("user_agent", settings.user_agent)) {
        if (settings.user_agent.empty()) {
            rules::error_at(document, node["user_agent"], "user_agent must not be empty",
                            diagnostics);
        } else if (std::any_of(settings.user_agent.begin(), settings.user_agent.end(), [](char c) {
                       return static_cast<unsigned char>(c) < 0x20 || c == 0x7F;
                   })) {
            rules::error_at(document, node["user_agent"], "user_agent holds a control character",
                            diagnostics);
        } else if (settings.user_agent.find("(by /u/") == std::string::npos) {
            const auto pos = rules::position_of(document, node["user_agent"]);
            diagnostics.warning(
                pos, "user_agent does not name a Reddit user; Reddit limits such clients hard",
                "use '<platform>:<app id>:<version> (by /u/<name>)', e.g. "
                "'linux:nl.example.webcare:1.0 (by /u/example_webcare)'",
                std::string(rules::line_of(document.text, pos.line)));
        }
    }

    if (node["interval"]) {
        if (auto seconds = rules::read_int(document, node["interval"], diagnostics)) {
            if (*seconds < 10 || *seconds > 3600) {
                rules::error_at(document, node["interval"], "interval must be 10 to 3600 seconds",
                                diagnostics,
                                "Reddit caches listings for about 30 s; 30 is a good value");
            } else {
                settings.interval = std::chrono::seconds(*seconds);
            }
        }
    }
    if (diagnostics.error_count() != errors_before) return std::nullopt;
    return settings;
}

namespace {

namespace asio = boost::asio;

constexpr std::size_t kListingLimit = 100;

// How one poll round ended.
struct Round {
    bool stop = false;                              // emit returned false: the daemon stops
    bool failed = false;                            // a request failed: back off
    std::optional<std::chrono::milliseconds> wait;  // the server asked for at least this wait
    std::string error;
};

std::string header(const sinks::Headers& headers, std::string_view name) {
    const auto value = sinks::find_header(headers, name);
    return value ? std::string(*value) : std::string();
}

void wait_at_least(std::optional<std::chrono::milliseconds>& wait,
                   std::optional<std::chrono::milliseconds> other) {
    if (other && (!wait || *other > *wait)) wait = other;
}

// The I/O half. Owns the token, the two listing positions and the backoff; used only on the
// thread that runs `run`.
class RedditSource final : public LiveSource {
  public:
    RedditSource(RedditSettings settings, std::shared_ptr<asio::ssl::context> tls)
        : settings_(std::move(settings)), tls_(std::move(tls)) {
        std::string error;
        auto api = http::parse_url(settings_.api_url, &error);
        if (!api) {
            setup_error_ = "bad api_url: " + error;
            return;
        }
        auto token = http::parse_url(settings_.token_url, &error);
        if (!token) {
            setup_error_ = "bad token_url: " + error;
            return;
        }
        std::string base = settings_.api_url;
        while (!base.empty() && base.back() == '/') base.pop_back();
        std::string subs;
        for (const auto& sub : settings_.subreddits) subs += (subs.empty() ? "" : "+") + sub;
        new_url_ = base + "/r/" + subs + "/new?limit=100&raw_json=1";
        comments_url_ = base + "/r/" + subs + "/comments?limit=100&raw_json=1";
        if (settings_.subreddits.empty()) setup_error_ = "no subreddits";
        if ((api->tls || token->tls) && !tls_) tls_ = http::make_client_tls_context(setup_error_);
        if ((!api->tls && !is_loopback(api->host)) || (!token->tls && !is_loopback(token->host))) {
            spdlog::warn("reddit source {}: plain http sends the credentials unencrypted",
                         settings_.name);
        }
    }

    const std::string& name() const override { return settings_.name; }

    asio::awaitable<void> run(std::string resume, SourceOutput output) override {
        try {
            if (!setup_error_.empty()) {
                spdlog::error("reddit source {}: cannot start: {}", name(), setup_error_);
                co_return;
            }
            if (auto cursor = parse_reddit_cursor(resume)) {
                cursor_ = *cursor;
            } else if (!resume.empty()) {
                spdlog::warn("reddit source {}: ignored stored cursor '{}' (not new=…;comments=…)",
                             name(), shown(resume, 60));
            }
            established_new_ = !cursor_.submissions.empty();
            established_comments_ = !cursor_.comments.empty();
            http::ClientOptions options;
            options.connect_timeout = settings_.connect_timeout;
            options.request_timeout = settings_.request_timeout;
            options.body_limit = settings_.body_limit;
            options.user_agent = settings_.user_agent;
            http::HttpClient client(co_await asio::this_coro::executor, tls_, options);
            asio::steady_timer timer(co_await asio::this_coro::executor);
            std::mt19937_64 random(std::random_device{}());
            ReconnectBackoff backoff(settings_.reconnect_initial, settings_.reconnect_cap);
            const std::chrono::milliseconds interval =
                settings_.poll_interval.count() > 0
                    ? settings_.poll_interval
                    : std::chrono::duration_cast<std::chrono::milliseconds>(settings_.interval);
            for (;;) {
                Round round;
                try {
                    round = co_await poll(client, timer, output);
                } catch (const std::exception& e) {
                    round.failed = true;
                    round.error = std::string("unexpected error: ") + e.what();
                }
                if (round.stop) co_return;
                std::chrono::milliseconds wait = interval;
                if (round.failed) {
                    ++counters_.disconnects;
                    wait = backoff.next(random());
                    if (round.wait) wait = std::max(wait, *round.wait);
                    spdlog::warn("reddit source {}: {}; next poll in {} ms", name(), round.error,
                                 wait.count());
                } else {
                    backoff.reset();
                    if (round.wait) {
                        wait = std::max(wait, *round.wait);
                        if (!round.error.empty()) {
                            spdlog::warn("reddit source {}: {}; next poll in {} ms", name(),
                                         round.error, wait.count());
                        }
                    }
                }
                co_await pause(timer, wait);
            }
        } catch (const std::exception& e) {
            spdlog::error("reddit source {}: stopped by an unexpected error: {}", name(), e.what());
        }
    }

  private:
    asio::awaitable<void> pause(asio::steady_timer& timer, std::chrono::milliseconds wait) {
        if (settings_.on_wait) settings_.on_wait(wait);
        timer.expires_after(wait);
        co_await timer.async_wait(asio::as_tuple(asio::use_awaitable));
    }

    asio::awaitable<Round> poll(http::HttpClient& client, asio::steady_timer& timer,
                                SourceOutput& output) {
        Round round;
        bool refreshed = false;
        const bool both = settings_.submissions && settings_.comments;
        for (int which = 0; which < 2; ++which) {
            const bool submissions = which == 0;
            if (submissions ? !settings_.submissions : !settings_.comments) continue;
            if (which == 1 && both && round.wait) {
                co_await pause(timer, *round.wait);  // rate limit nearly used up: wait it out
                round.wait.reset();
            }
            for (;;) {
                if (token_.empty() || std::chrono::steady_clock::now() >= token_refresh_at_) {
                    if (!co_await fetch_token(client, round)) co_return round;
                    refreshed = true;
                }
                sinks::HttpRequestSpec spec;
                spec.method = "GET";
                spec.url = submissions ? new_url_ : comments_url_;
                spec.headers = {{"Authorization", "bearer " + token_},
                                {"Accept", "application/json"}};
                const auto result = co_await client.request(spec);
                const std::string what = submissions ? "/new" : "/comments";
                if (!result.response) {
                    round.failed = true;
                    round.error = "GET " + what + " failed: " + result.error;
                    co_return round;
                }
                const auto& response = *result.response;
                const int status = response.status;
                wait_at_least(round.wait,
                              reddit_server_wait(status, header(response.headers, "Retry-After"),
                                                 header(response.headers, "X-Ratelimit-Remaining"),
                                                 header(response.headers, "X-Ratelimit-Reset"),
                                                 settings_.server_second));
                if (status == 401 && !refreshed) {
                    limiter_.warn(name(), "GET " + what + " answered 401; refreshing the token");
                    token_.clear();
                    continue;
                }
                if (status != 200) {
                    round.error = "GET " + what + " answered HTTP " + std::to_string(status) +
                                  ": " + shown(response.body, 200);
                    if (status == 429) {
                        if (!round.wait) round.failed = true;  // no hint: back off
                        co_return round;
                    }
                    round.failed = true;
                    if (status == 401) {
                        round.error += " (the token was refused again)";
                    } else if (status == 403 || status == 404) {
                        round.error +=
                            " (a private, quarantined or banned subreddit, or the app lacks "
                            "access)";
                        round.wait = settings_.reconnect_cap;
                    }
                    co_return round;
                }
                ++counters_.connects;
                auto listing = decode_reddit_listing(response.body);
                if (!listing.error.empty()) {
                    ++counters_.bad_events;
                    round.failed = true;
                    round.error = "GET " + what + ": " + listing.error;
                    co_return round;
                }
                if (!handle(listing, submissions, output)) {
                    round.stop = true;
                    co_return round;
                }
                break;
            }
        }
        co_return round;
    }

    asio::awaitable<bool> fetch_token(http::HttpClient& client, Round& round) {
        sinks::HttpRequestSpec spec;
        spec.method = "POST";
        spec.url = settings_.token_url;
        spec.headers = {
            {"Authorization",
             "Basic " + sinks::base64_encode(settings_.client_id + ":" + settings_.client_secret)},
            {"Content-Type", "application/x-www-form-urlencoded"},
            {"Accept", "application/json"}};
        spec.body = "grant_type=client_credentials";
        const auto result = co_await client.request(spec);
        token_.clear();
        round.failed = true;
        if (!result.response) {
            round.error = "token request failed: " + result.error;
            co_return false;
        }
        const auto& response = *result.response;
        if (response.status != 200) {
            round.error = "token request answered HTTP " + std::to_string(response.status);
            if (response.status == 401 || response.status == 403) {
                round.error += " (client_id or client_secret refused)";
                round.wait = settings_.reconnect_cap;
            } else if (response.status == 429) {
                wait_at_least(round.wait,
                              reddit_server_wait(429, header(response.headers, "Retry-After"), {},
                                                 header(response.headers, "X-Ratelimit-Reset"),
                                                 settings_.server_second));
            }
            co_return false;
        }
        auto token = decode_reddit_token(response.body);
        if (!token.error.empty()) {
            round.error = "token request: " + token.error;
            co_return false;
        }
        token_ = std::move(token.access_token);
        const auto lifetime = std::chrono::seconds(token.expires_in);
        const auto margin = std::min<std::chrono::seconds>(std::chrono::seconds(60), lifetime / 2);
        token_refresh_at_ = std::chrono::steady_clock::now() + lifetime - margin;
        round.failed = false;
        spdlog::info("reddit source {}: got an app token valid for {} s", name(), token.expires_in);
        co_return true;
    }

    // Hands on what is newer than the listing's position, oldest first. False: stop.
    bool handle(const RedditListing& listing, bool submissions, SourceOutput& output) {
        std::string& last = submissions ? cursor_.submissions : cursor_.comments;
        bool& established = submissions ? established_new_ : established_comments_;
        const char* what = submissions ? "submissions" : "comments";
        const std::string_view kind = submissions ? "t3_" : "t1_";
        std::string newest;  // the listing's newest fullname of this listing's kind
        const auto consider = [&](const std::string& fullname) {
            if (fullname.starts_with(kind) &&
                (newest.empty() || compare_reddit_fullnames(fullname, newest) > 0)) {
                newest = fullname;
            }
        };
        for (const auto& fullname : listing.fullnames) consider(fullname);
        for (const auto& dropped : listing.dropped) consider(dropped.fullname);
        if (!established) {
            established = true;
            last = newest;
            spdlog::info(
                "reddit source {}: {} start after {} ({} items already listed are not handed on)",
                name(), what, last.empty() ? "nothing" : last,
                listing.posts.size() + listing.dropped.size());
            return true;
        }
        if (listing.repaired) limiter_.warn(name(), "invalid UTF-8 replaced by U+FFFD");
        for (const auto& dropped : listing.dropped) {
            if (!dropped.fullname.empty() &&
                compare_reddit_fullnames(dropped.fullname, last) <= 0) {
                continue;  // seen before
            }
            ++counters_.events;
            if (dropped.bad) {
                ++counters_.bad_events;
                limiter_.warn(name(), "bad item skipped: " + dropped.reason);
            } else {
                ++counters_.skipped;
            }
        }
        const std::size_t newer = reddit_newer_count(listing.fullnames, last);
        if (!last.empty() && newer == listing.posts.size() &&
            listing.posts.size() + listing.dropped.size() >= kListingLimit &&
            (listing.fullnames.empty() ||
             std::find(listing.fullnames.begin(), listing.fullnames.end(), last) ==
                 listing.fullnames.end())) {
            limiter_.warn(name(), std::string("more than 100 new ") + what +
                                      " since the last poll: some were missed (poll more often)");
        }
        for (std::size_t i = newer; i-- > 0;) {
            last = listing.fullnames[i];
            ++counters_.events;
            ++counters_.posts;
            if (!output.emit(listing.posts[i], format_reddit_cursor(cursor_))) return false;
        }
        if (!newest.empty() && (last.empty() || compare_reddit_fullnames(newest, last) > 0)) {
            last = newest;
        }
        return true;
    }

    RedditSettings settings_;
    std::shared_ptr<asio::ssl::context> tls_;
    std::string setup_error_;
    std::string new_url_;
    std::string comments_url_;
    std::string token_;
    std::chrono::steady_clock::time_point token_refresh_at_{};
    RedditCursor cursor_;
    bool established_new_ = false;
    bool established_comments_ = false;
    LogLimiter limiter_{"reddit"};
};

}  // namespace

std::unique_ptr<LiveSource> make_reddit_source(RedditSettings settings,
                                               std::shared_ptr<boost::asio::ssl::context> tls) {
    return std::make_unique<RedditSource>(std::move(settings), std::move(tls));
}

}  // namespace spreekbuis::connectors::sources
