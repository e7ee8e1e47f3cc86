#include <catch2/catch.hpp>

#include "connectors/sinks/classify.hpp"

using namespace spreekbuis::connectors::sinks;

namespace {
constexpr std::int64_t kNow = 784111777000;  // Sun, 06 Nov 1994 08:49:37 GMT

Classification run(Service service, int status, std::string_view body, Headers headers = {}) {
    return classify_response(service, status, headers, body, kNow);
}
}  // namespace

TEST_CASE("Retry-After accepts seconds and HTTP dates", "[classify]") {
    CHECK(parse_retry_after("30", kNow) == 30000);
    CHECK(parse_retry_after(" 1.5 ", kNow) == 1500);
    CHECK(parse_retry_after("Sun, 06 Nov 1994 08:50:07 GMT", kNow) == 30000);
    CHECK(parse_retry_after("Sun, 06 Nov 1994 08:49:00 GMT", kNow) == 0);  // in the past
    CHECK(parse_retry_after("99999999", kNow) == 24LL * 3600 * 1000);
    CHECK_FALSE(parse_retry_after("-3", kNow));
    CHECK_FALSE(parse_retry_after("soon", kNow));
    CHECK_FALSE(parse_retry_after("Sun, 06 Xyz 1994 08:50:07 GMT", kNow));
    CHECK_FALSE(parse_retry_after("", kNow));
}

TEST_CASE("common statuses", "[classify]") {
    for (const Service s : {Service::slack_webhook, Service::mattermost, Service::teams,
                            Service::discord, Service::matrix, Service::webhook}) {
        INFO(to_string(s));
        CHECK(run(s, 500, "oops").outcome == Outcome::retry);
        CHECK(run(s, 503, "").outcome == Outcome::retry);
        const auto limited = run(s, 429, "", {{"Retry-After", "7"}});
        CHECK(limited.outcome == Outcome::retry);
        CHECK(limited.retry_after_ms == 7000);
        CHECK(run(s, 400, "bad").outcome == Outcome::permanent);
    }
    CHECK(run(Service::webhook, 204, "").outcome == Outcome::ok);
    CHECK(run(Service::webhook, 302, "").outcome == Outcome::permanent);
    CHECK(run(Service::webhook, 410, "").outcome == Outcome::disable);
    CHECK(run(Service::webhook, 404, "").outcome == Outcome::permanent);
    CHECK(run(Service::webhook, 408, "").outcome == Outcome::retry);
    CHECK(classify_transport_error("connection reset").outcome == Outcome::retry);
}

TEST_CASE("Slack incoming webhook", "[classify][slack]") {
    CHECK(run(Service::slack_webhook, 200, "ok").outcome == Outcome::ok);
    const auto payload = run(Service::slack_webhook, 400, "invalid_payload");
    CHECK(payload.outcome == Outcome::permanent);
    CHECK(payload.reason == "slack: invalid_payload (HTTP 400)");
    CHECK(run(Service::slack_webhook, 400, "no_text").outcome == Outcome::permanent);
    CHECK(run(Service::slack_webhook, 404, "channel_not_found").outcome == Outcome::disable);
    CHECK(run(Service::slack_webhook, 410, "channel_is_archived").outcome == Outcome::disable);
    CHECK(run(Service::slack_webhook, 403, "invalid_token").outcome == Outcome::disable);
    CHECK(run(Service::slack_webhook, 404, "no_service").outcome == Outcome::disable);
    CHECK(run(Service::slack_webhook, 200, "<html>proxy</html>").outcome == Outcome::retry);
}

TEST_CASE("Slack chat.postMessage errors arrive as 200 ok:false", "[classify][slack]") {
    CHECK(run(Service::slack_api, 200, R"({"ok":true,"ts":"1.2"})").outcome == Outcome::ok);
    const auto limited = run(Service::slack_api, 200, R"({"ok":false,"error":"ratelimited"})",
                             {{"retry-after", "3"}});
    CHECK(limited.outcome == Outcome::retry);
    CHECK(limited.retry_after_ms == 3000);
    CHECK(run(Service::slack_api, 200, R"({"ok":false,"error":"rate_limited"})").retry_after_ms ==
          60000);
    CHECK(run(Service::slack_api, 200, R"({"ok":false,"error":"internal_error"})").outcome ==
          Outcome::retry);
    const auto missing =
        run(Service::slack_api, 200, R"({"ok":false,"error":"channel_not_found"})");
    CHECK(missing.outcome == Outcome::permanent);
    CHECK(missing.reason == "slack: channel_not_found");
    CHECK(run(Service::slack_api, 200, R"({"ok":false,"error":"not_in_channel"})").outcome ==
          Outcome::permanent);
    CHECK(run(Service::slack_api, 200, R"({"ok":false,"error":"invalid_auth"})").outcome ==
          Outcome::disable);
    CHECK(run(Service::slack_api, 200, R"({"ok":false,"error":"token_revoked"})").outcome ==
          Outcome::disable);
    CHECK(run(Service::slack_api, 200, "not json").outcome == Outcome::retry);
    CHECK(run(Service::slack_api, 429, "", {{"Retry-After", "2"}}).retry_after_ms == 2000);
}

TEST_CASE("Discord webhook", "[classify][discord]") {
    CHECK(run(Service::discord, 200, "{}").outcome == Outcome::ok);
    CHECK(run(Service::discord, 204, "").outcome == Outcome::ok);
    const auto limited =
        run(Service::discord, 429,
            R"({"message":"You are being rate limited.","retry_after":64.57,"global":false})",
            {{"Retry-After", "65"}});
    CHECK(limited.outcome == Outcome::retry);
    CHECK(limited.retry_after_ms == 64570);
    CHECK(run(Service::discord, 429, "", {{"X-RateLimit-Reset-After", "1.25"}}).retry_after_ms ==
          1250);
    const auto gone = run(Service::discord, 404, R"({"message":"Unknown Webhook","code":10015})");
    CHECK(gone.outcome == Outcome::disable);
    CHECK(run(Service::discord, 400, R"({"embeds":["0"]})").outcome == Outcome::permanent);
    const auto drained = run(Service::discord, 200, "{}",
                             {{"X-RateLimit-Remaining", "0"}, {"X-RateLimit-Reset-After", "2.5"}});
    CHECK(drained.outcome == Outcome::ok);
    CHECK(drained.pause_ms == 2500);
    CHECK_FALSE(run(Service::discord, 200, "{}",
                    {{"X-RateLimit-Remaining", "3"}, {"X-RateLimit-Reset-After", "2.5"}})
                    .pause_ms);
}

TEST_CASE("Telegram sendMessage", "[classify][telegram]") {
    CHECK(run(Service::telegram, 200, R"({"ok":true,"result":{"message_id":1}})").outcome ==
          Outcome::ok);
    const auto limited = run(
        Service::telegram, 429,
        R"({"ok":false,"error_code":429,"description":"Too Many Requests: retry after 5","parameters":{"retry_after":5}})");
    CHECK(limited.outcome == Outcome::retry);
    CHECK(limited.retry_after_ms == 5000);
    const auto from_text =
        run(Service::telegram, 429,
            R"({"ok":false,"error_code":429,"description":"Too Many Requests: retry after 12"})");
    CHECK(from_text.retry_after_ms == 12000);
    const auto missing =
        run(Service::telegram, 400,
            R"({"ok":false,"error_code":400,"description":"Bad Request: chat not found"})");
    CHECK(missing.outcome == Outcome::permanent);
    CHECK(missing.reason == "telegram: Bad Request: chat not found");
    CHECK(
        run(Service::telegram, 401, R"({"ok":false,"error_code":401,"description":"Unauthorized"})")
            .outcome == Outcome::disable);
    CHECK(
        run(Service::telegram, 403,
            R"({"ok":false,"error_code":403,"description":"Forbidden: bot was blocked by the user"})")
            .outcome == Outcome::permanent);
    const auto migrated = run(
        Service::telegram, 400,
        R"({"ok":false,"description":"Bad Request: group chat was upgraded","parameters":{"migrate_to_chat_id":-100123}})");
    CHECK(migrated.reason.find("-100123") != std::string::npos);
    CHECK(run(Service::telegram, 502, "Bad Gateway").outcome == Outcome::retry);
}

TEST_CASE("Matrix and Teams", "[classify][matrix][teams]") {
    CHECK(run(Service::matrix, 200, R"({"event_id":"$x"})").outcome == Outcome::ok);
    const auto limited =
        run(Service::matrix, 429, R"({"errcode":"M_LIMIT_EXCEEDED","retry_after_ms":2000})");
    CHECK(limited.retry_after_ms == 2000);
    CHECK(run(Service::matrix, 429, R"({"retry_after_ms":2000})", {{"Retry-After", "4"}})
              .retry_after_ms == 4000);
    CHECK(run(Service::matrix, 401, R"({"errcode":"M_UNKNOWN_TOKEN"})").outcome ==
          Outcome::disable);
    CHECK(run(Service::matrix, 403, R"({"errcode":"M_FORBIDDEN"})").outcome == Outcome::permanent);
    CHECK(run(Service::teams, 202, "").outcome == Outcome::ok);
    CHECK(run(Service::teams, 200, "Microsoft Teams endpoint returned HTTP error 429").outcome ==
          Outcome::retry);
    CHECK(run(Service::teams, 404, "").outcome == Outcome::disable);
    CHECK(run(Service::mattermost, 200, "ok").outcome == Outcome::ok);
    CHECK(run(Service::mattermost, 404, "").outcome == Outcome::disable);
}

TEST_CASE("the message id of a delivered message is kept as the thread ref", "[classify][thread]") {
    SECTION("good: each service's id") {
        auto slack = run(Service::slack_api, 200,
                         R"({"ok":true,"channel":"C1","ts":"1503435956.000247","message":{}})");
        CHECK(slack.outcome == Outcome::ok);
        CHECK(slack.remote_ref == "C1:1503435956.000247");
        CHECK(run(Service::slack_api, 200, R"({"ok":true,"ts":"1503435956.000247"})").remote_ref ==
              "1503435956.000247");
        CHECK(
            run(Service::slack_api, 200, R"({"ok":true,"channel":"c:1","ts":"1.2"})").remote_ref ==
            "1.2");  // an odd channel is left out
        auto matrix = run(Service::matrix, 200, R"({"event_id":"$YUwRidLecu:example.com"})");
        CHECK(matrix.outcome == Outcome::ok);
        CHECK(matrix.remote_ref == "$YUwRidLecu:example.com");
        auto telegram =
            run(Service::telegram, 200, R"({"ok":true,"result":{"message_id":4711,"chat":{}}})");
        CHECK(telegram.outcome == Outcome::ok);
        CHECK(telegram.remote_ref == "4711");
        auto discord = run(Service::discord, 200, R"({"id":"1234567890123456789","type":0})");
        CHECK(discord.outcome == Outcome::ok);
        CHECK(discord.remote_ref == "1234567890123456789");
    }
    SECTION("missing: no id, or a service that returns none") {
        CHECK(run(Service::matrix, 200, "{}").remote_ref.empty());
        CHECK(run(Service::discord, 204, "").remote_ref.empty());
        CHECK(run(Service::telegram, 200, R"({"ok":true,"result":true})").remote_ref.empty());
        CHECK(run(Service::slack_webhook, 200, "ok").remote_ref.empty());
        CHECK(run(Service::webhook, 200, R"({"ts":"1.2","event_id":"$x"})").remote_ref.empty());
        CHECK(run(Service::teams, 202, R"({"id":"1"})").remote_ref.empty());
        // Failures never carry one.
        auto failed = run(Service::slack_api, 200, R"({"ok":false,"error":"x","ts":"1.2"})");
        CHECK(failed.outcome == Outcome::permanent);
        CHECK(failed.remote_ref.empty());
        CHECK(run(Service::matrix, 500, R"({"event_id":"$a:b"})").remote_ref.empty());
    }
    SECTION("malformed: not JSON, wrong types, ids that do not look like ids") {
        const auto matrix = run(Service::matrix, 200, R"({"event_id":"$abc)");
        CHECK(matrix.outcome == Outcome::ok);  // the send itself succeeded
        CHECK(matrix.remote_ref.empty());
        CHECK(run(Service::matrix, 200, R"({"event_id":42})").remote_ref.empty());
        CHECK(run(Service::matrix, 200, R"({"event_id":"no-dollar"})").remote_ref.empty());
        CHECK(run(Service::matrix, 200, R"({"event_id":"$a b"})").remote_ref.empty());
        CHECK(run(Service::matrix, 200, "{\"event_id\":\"$a\\nb\"}").remote_ref.empty());
        CHECK(run(Service::slack_api, 200, R"({"ok":true,"ts":"<!here>"})").remote_ref.empty());
        CHECK(run(Service::slack_api, 200, R"({"ok":true,"ts":1503435956.1})").remote_ref.empty());
        CHECK(run(Service::telegram, 200, R"({"ok":true,"result":{"message_id":"7"}})")
                  .remote_ref.empty());
        CHECK(run(Service::telegram, 200, R"({"ok":true,"result":{"message_id":-7}})")
                  .remote_ref.empty());
        CHECK(run(Service::discord, 200, R"({"id":"12a"})").remote_ref.empty());
        CHECK(run(Service::discord, 200, "[1,2").remote_ref.empty());
    }
    SECTION("huge: a body over the limit or an id over 255 bytes gives no ref") {
        std::string body = R"({"event_id":"$ok:example.org","pad":")";
        body.append(kMaxRefBodyBytes, 'x');
        body += "\"}";
        const auto big = run(Service::matrix, 200, body);
        CHECK(big.outcome == Outcome::ok);
        CHECK(big.remote_ref.empty());
        const std::string long_id = "$" + std::string(kMaxRefBytes, 'a');
        CHECK(run(Service::matrix, 200, R"({"event_id":")" + long_id + "\"}").remote_ref.empty());
        const std::string just_fits = "$" + std::string(kMaxRefBytes - 1, 'a');
        CHECK(run(Service::matrix, 200, R"({"event_id":")" + just_fits + "\"}").remote_ref ==
              just_fits);
    }
}
