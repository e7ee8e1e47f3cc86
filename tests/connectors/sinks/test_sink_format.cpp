#include <simdjson.h>

#include <catch2/catch.hpp>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "connectors/sinks/action_token.hpp"
#include "connectors/sinks/alert_json.hpp"
#include "connectors/sinks/message_template.hpp"
#include "connectors/sinks/sink.hpp"
#include "connectors/sinks/sink_crypto.hpp"
#include "connectors/sinks/text.hpp"
#include "sink_fixtures.hpp"

using namespace spreekbuis::connectors;
using namespace spreekbuis::connectors::sinks;
using namespace spreekbuis::connectors::sinks::testing;

namespace {

constexpr std::int64_t kNowMs = kCreatedMs + 5000;

std::string read_file(const std::filesystem::path& path) {
    std::ifstream in(path, std::ios::binary);
    std::stringstream buffer;
    buffer << in.rdbuf();
    return buffer.str();
}

simdjson::dom::element parse(simdjson::dom::parser& parser, const std::string& body) {
    simdjson::dom::element root;
    REQUIRE(parser.parse(body).get(root) == simdjson::SUCCESS);
    return root;
}

std::string long_text(std::size_t code_points) {
    std::string text;
    for (std::size_t i = 0; i < code_points; ++i) text += (i % 3 == 0) ? "\xF0\x9F\x98\xA1" : "a&";
    return text;
}

}  // namespace

TEST_CASE("sink requests match the golden files", "[sinks][golden]") {
    const std::filesystem::path dir = std::filesystem::path(SPREEKBUIS_TEST_DATA) / "sinks";
    const bool update = std::getenv("UPDATE_GOLDEN") != nullptr;
    for (const Service service : all_services()) {
        for (const AlertKind kind : all_kinds()) {
            const auto request = format_request(sample_alert(kind), settings_for(service), kNowMs);
            const std::string actual = describe_request(request);
            const auto path = dir / (std::string(to_string(service)) + "_" +
                                     std::string(to_string(kind)) + ".http");
            INFO(path.string());
            if (update) {
                std::filesystem::create_directories(dir);
                std::ofstream(path, std::ios::binary) << actual;
            }
            REQUIRE(std::filesystem::exists(path));
            CHECK(read_file(path) == actual);
            simdjson::dom::parser parser;
            simdjson::dom::element root;
            CHECK(parser.parse(request.body).get(root) == simdjson::SUCCESS);
        }
    }
}

TEST_CASE("Slack escaping kills mentions and links from user text", "[sinks][slack]") {
    for (const Service service : {Service::slack_webhook, Service::slack_api}) {
        const auto request =
            format_request(sample_alert(AlertKind::new_case), settings_for(service), kNowMs);
        CHECK(request.body.find("<!here>") == std::string::npos);
        CHECK(request.body.find("<@U123>") == std::string::npos);
        CHECK(request.body.find("<https://evil.example|click me>") == std::string::npos);
        CHECK(request.body.find("&lt;!here&gt; &lt;@U123&gt;") != std::string::npos);
        CHECK(request.body.find("again* &amp; nobody") != std::string::npos);
        CHECK(request.body.find("<!date^1714575600^{date_short_pretty} {time}|") !=
              std::string::npos);
    }
    const auto crisis = format_request(sample_alert(AlertKind::crisis_start),
                                       settings_for(Service::slack_webhook), kNowMs);
    CHECK(crisis.body.find("<!channel>") == std::string::npos);
}

TEST_CASE("Slack chat.postMessage uses the bot token and the channel", "[sinks][slack]") {
    auto alert = sample_alert(AlertKind::new_case);
    alert.destination = "U999";
    const auto request = format_slack_api(alert, settings_for(Service::slack_api));
    CHECK(request.url == "https://slack.com/api/chat.postMessage");
    CHECK(describe_request(request).find("authorization: Bearer xoxb-test-token") !=
          std::string::npos);
    simdjson::dom::parser parser;
    const auto root = parse(parser, request.body);
    CHECK(std::string_view(root["channel"]) == "U999");
    CHECK(bool(root["unfurl_links"]) == false);
}

TEST_CASE("Slack section text is cut at 3000 code points on a UTF-8 boundary", "[sinks][slack]") {
    auto alert = sample_alert(AlertKind::new_case);
    alert.post.text = long_text(5000);
    const auto request = format_slack_webhook(alert, settings_for(Service::slack_webhook));
    simdjson::dom::parser parser;
    const auto root = parse(parser, request.body);
    bool found = false;
    for (auto block : root["blocks"].get_array()) {
        std::string_view text;
        if (block["text"]["text"].get_string().get(text) != simdjson::SUCCESS) continue;
        CHECK(count_code_points(text) <= 3000);
        if (text.size() > 2000) {
            found = true;
            CHECK(text.substr(text.size() - 3) == kEllipsis);
            CHECK(sanitize_utf8(text) == text);
        }
    }
    CHECK(found);
}

TEST_CASE("Discord disables mentions and escapes @everyone and markdown", "[sinks][discord]") {
    const auto request =
        format_discord(sample_alert(AlertKind::new_case), settings_for(Service::discord));
    CHECK(request.url == "https://discord.com/api/webhooks/123/token?wait=true");
    simdjson::dom::parser parser;
    const auto root = parse(parser, request.body);
    CHECK(root["allowed_mentions"]["parse"].get_array().size() == 0);
    const std::string_view description = root["embeds"].at(0)["description"];
    CHECK(description.find("@everyone") == std::string_view::npos);
    CHECK(description.find("@\xE2\x80\x8B"
                           "everyone") != std::string_view::npos);
    CHECK(description.find("\\*again\\*") != std::string_view::npos);
    CHECK(description.find("\\[") == std::string_view::npos);  // no brackets in this text
    CHECK(description.find("\\<https://evil.example\\|click me\\>") != std::string_view::npos);
}

TEST_CASE("Discord embed respects its limits", "[sinks][discord]") {
    auto alert = sample_alert(AlertKind::new_case);
    alert.post.text = long_text(9000);
    alert.title = long_text(400);
    alert.why = long_text(3000);
    const auto request = format_discord(alert, settings_for(Service::discord));
    simdjson::dom::parser parser;
    const auto root = parse(parser, request.body);
    const auto embed = root["embeds"].at(0);
    std::size_t total = count_code_points(std::string_view(embed["title"]));
    CHECK(count_code_points(std::string_view(embed["title"])) <= 256);
    CHECK(count_code_points(std::string_view(embed["description"])) <= 4096);
    total += count_code_points(std::string_view(embed["description"]));
    total += count_code_points(std::string_view(embed["author"]["name"]));
    total += count_code_points(std::string_view(embed["footer"]["text"]));
    for (auto field : embed["fields"].get_array()) {
        CHECK(count_code_points(std::string_view(field["value"])) <= 1024);
        total += count_code_points(std::string_view(field["name"]));
        total += count_code_points(std::string_view(field["value"]));
    }
    CHECK(total <= 6000);
}

TEST_CASE("Telegram escapes HTML and stays within 4096 characters", "[sinks][telegram]") {
    auto alert = sample_alert(AlertKind::new_case);
    alert.post.text = "<b>bold</b> & <a href=\"x\">link</a> " + long_text(6000);
    alert.samples = {long_text(500), long_text(500), long_text(500), long_text(500)};
    const auto request = format_telegram(alert, settings_for(Service::telegram));
    CHECK(request.url == "https://api.telegram.org/bot123456:ABC/sendMessage");
    simdjson::dom::parser parser;
    const auto root = parse(parser, request.body);
    CHECK(std::int64_t(root["chat_id"]) == -1001234567890);
    CHECK(std::string_view(root["parse_mode"]) == "HTML");
    const std::string_view text = root["text"];
    CHECK(text.find("&lt;b&gt;bold&lt;/b&gt; &amp; &lt;a href=&quot;x&quot;&gt;") !=
          std::string_view::npos);
    CHECK(text.find("<b>bold</b>") == std::string_view::npos);
    // Visible length: every code point of the raw text minus our own tags is an upper bound.
    CHECK(count_code_points(text) <= 4096 + 200);
    std::string visible;
    bool in_tag = false;
    for (const char ch : text) {
        if (ch == '<') in_tag = true;
        if (!in_tag) visible.push_back(ch);
        if (ch == '>') in_tag = false;
    }
    CHECK(count_code_points(visible) <= 4096);
}

TEST_CASE("Telegram channel names stay strings", "[sinks][telegram]") {
    auto alert = sample_alert(AlertKind::test);
    alert.destination = "@spreekbuis_alerts";
    const auto request = format_telegram(alert, settings_for(Service::telegram));
    CHECK(request.body.find("\"chat_id\":\"@spreekbuis_alerts\"") != std::string::npos);
}

TEST_CASE("Matrix uses PUT, an encoded room id and a deterministic txnId", "[sinks][matrix]") {
    const auto settings = settings_for(Service::matrix);
    const auto a = format_matrix(sample_alert(AlertKind::new_case), settings);
    const auto b = format_matrix(sample_alert(AlertKind::new_case), settings);
    const auto c = format_matrix(sample_alert(AlertKind::sla_warning), settings);
    CHECK(a.method == "PUT");
    CHECK(
        a.url.rfind("https://matrix.example.org/_matrix/client/v3/rooms/%21room%3Aexample.org/send/"
                    "m.room.message/sb",
                    0) == 0);
    CHECK(a.url == b.url);
    CHECK(a.url != c.url);
    auto other_sink = settings;
    other_sink.name = "other";
    CHECK(format_matrix(sample_alert(AlertKind::new_case), other_sink).url != a.url);
    simdjson::dom::parser parser;
    const auto root = parse(parser, a.body);
    CHECK(std::string_view(root["msgtype"]) == "m.notice");
    const std::string_view formatted = root["formatted_body"];
    CHECK(formatted.find("&lt;!here&gt;") != std::string_view::npos);
    CHECK(formatted.find("<!here>") == std::string_view::npos);
    const std::string_view body = root["body"];
    CHECK(body.find("<!here>") != std::string_view::npos);  // plain text shows it literally
    CHECK(body.find("@everyone") == std::string_view::npos);
    CHECK(root["m.mentions"].get_object().size() == 0);
}

TEST_CASE("Teams puts user text in TextRuns and links in OpenUrl actions", "[sinks][teams]") {
    const auto request =
        format_teams(sample_alert(AlertKind::new_case), settings_for(Service::teams));
    simdjson::dom::parser parser;
    const auto root = parse(parser, request.body);
    CHECK(std::string_view(root["type"]) == "message");
    const auto card = root["attachments"].at(0)["content"];
    CHECK(std::string_view(card["type"]) == "AdaptiveCard");
    for (auto element : card["body"].get_array()) {
        CHECK(std::string_view(element["type"]) == "RichTextBlock");
    }
    std::vector<std::string> titles;
    for (auto action : card["actions"].get_array()) {
        CHECK(std::string_view(action["type"]) == "Action.OpenUrl");
        titles.emplace_back(std::string_view(action["title"]));
    }
    CHECK(titles == std::vector<std::string>{"View post", "Acknowledge", "Resolve", "Reassign"});
}

TEST_CASE("generic webhook is signed per Standard Webhooks", "[sinks][webhook]") {
    CHECK(standard_webhook_signature("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
                                     "msg_p5jXN8AQM9LWM0D4loKWxJek", "1614265330",
                                     "{\"test\": 2432232314}") ==
          "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=");
    CHECK_FALSE(standard_webhook_signature("MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", "a", "1", ""));
    CHECK_FALSE(standard_webhook_signature("whsec_%%%%", "a", "1", ""));

    const auto settings = settings_for(Service::webhook);
    const auto request = format_webhook(sample_alert(AlertKind::new_case), settings, kNowMs);
    std::string id, timestamp, signature;
    for (const auto& [name, value] : request.headers) {
        if (name == "webhook-id") id = value;
        if (name == "webhook-timestamp") timestamp = value;
        if (name == "webhook-signature") signature = value;
    }
    CHECK(id == "alert-new_case-1");
    CHECK(timestamp == std::to_string(kNowMs / 1000));
    CHECK(signature == *standard_webhook_signature(settings.secret, id, timestamp, request.body));
    simdjson::dom::parser parser;
    const auto root = parse(parser, request.body);
    CHECK(std::string_view(root["type"]) == "alert.new_case");
    const auto round = alert_from_json(simdjson::to_string(root["data"]));
    REQUIRE(round);
    CHECK(round->post.text == sample_alert(AlertKind::new_case).post.text);
}

TEST_CASE("action tokens verify, expire and resist tampering", "[sinks][actions]") {
    const std::string token = make_action_token("secret", "case-1", CaseAction::ack, 1000);
    CHECK(verify_action_token("secret", "case-1", CaseAction::ack, token, 999) == TokenCheck::ok);
    CHECK(verify_action_token("secret", "case-1", CaseAction::ack, token, 1000) == TokenCheck::ok);
    CHECK(verify_action_token("secret", "case-1", CaseAction::ack, token, 1001) ==
          TokenCheck::expired);
    CHECK(verify_action_token("other", "case-1", CaseAction::ack, token, 0) ==
          TokenCheck::bad_signature);
    CHECK(verify_action_token("secret", "case-2", CaseAction::ack, token, 0) ==
          TokenCheck::bad_signature);
    CHECK(verify_action_token("secret", "case-1", CaseAction::resolve, token, 0) ==
          TokenCheck::bad_signature);
    std::string later = token;
    later[0] = '9';  // push the expiry out without re-signing
    CHECK(verify_action_token("secret", "case-1", CaseAction::ack, later, 0) ==
          TokenCheck::bad_signature);
    for (const std::string bad : {"", ".", "abc.def", "-5.x", "1000", "99999999999999999999.x"}) {
        CHECK(verify_action_token("secret", "case-1", CaseAction::ack, bad, 0) ==
              TokenCheck::malformed);
    }
    CHECK(action_url("https://x.example/", "case 1/2", CaseAction::reassign, "1.a-b_c") ==
          "https://x.example/cases/case%201%2F2/reassign?token=1.a-b_c");
}

TEST_CASE("messages carry signed action links that expire after the TTL", "[sinks][actions]") {
    const auto alert = sample_alert(AlertKind::new_case);
    const auto settings = settings_for(Service::slack_webhook);
    const auto model = build_message(alert, settings);
    REQUIRE(model.actions.size() == 3);
    const std::string& url = model.actions[0].url;
    const std::string token = url.substr(url.find("token=") + 6);
    const std::int64_t created_s = alert.created_at_ms / 1000;
    CHECK(verify_action_token("action-secret", "case-42", CaseAction::ack, token, created_s) ==
          TokenCheck::ok);
    CHECK(verify_action_token("action-secret", "case-42", CaseAction::ack, token,
                              created_s + settings.actions.ttl_s + 1) == TokenCheck::expired);
    CHECK(build_message(sample_alert(AlertKind::crisis_start), settings).actions.empty());
}

TEST_CASE("templates substitute escaped fields", "[sinks][template]") {
    CHECK_FALSE(validate_template("{{title}} by {{ author }}: {{text}} {{{{literal"));
    CHECK(validate_template("{{nope}}") == std::string("unknown template field 'nope'"));
    CHECK(validate_template("oops {{title") == std::string("unclosed '{{' at offset 5"));

    auto alert = sample_alert(AlertKind::new_case);
    auto settings = settings_for(Service::slack_webhook);
    settings.message_template = "*{{priority}}* {{author}}: {{text}} {{{{x}}";
    const auto slack = format_slack_webhook(alert, settings);
    CHECK(slack.body.find("*high* Jan Jansen (@jan@mastodon.social): @KLM my bag") !=
          std::string::npos);
    CHECK(slack.body.find("<!here>") == std::string::npos);
    CHECK(slack.body.find("{{x}}") != std::string::npos);

    settings = settings_for(Service::telegram);
    settings.message_template = "<b>{{title}}</b>\n{{text}}";
    alert.title = "<i>x</i>";
    const auto telegram = format_telegram(alert, settings);
    CHECK(telegram.body.find("<b>&lt;i&gt;x&lt;/i&gt;</b>") != std::string::npos);

    settings = settings_for(Service::discord);
    settings.message_template = "{{text}}";
    const auto discord = format_discord(alert, settings);
    CHECK(discord.body.find("@everyone") == std::string::npos);
    CHECK(discord.body.find("\"content\":") != std::string::npos);
}

TEST_CASE("settings validation names what is missing", "[sinks][settings]") {
    for (const Service service : all_services()) {
        CHECK(validate_settings(settings_for(service)).empty());
    }
    SinkSettings bad;
    bad.name = "x";
    bad.service = Service::matrix;
    bad.message_template = "{{bogus}}";
    const auto errors = validate_settings(bad);
    CHECK(errors.size() == 4);  // url, token, destination, template
    bad.service = Service::webhook;
    bad.url = "ftp://x";
    bad.secret = "plain";
    bad.message_template.clear();
    CHECK(validate_settings(bad).size() == 2);
    CHECK(parse_service("slack") == Service::slack_webhook);
    CHECK(parse_service("slack_api") == Service::slack_api);
    CHECK_FALSE(parse_service("irc"));
}

TEST_CASE("alert JSON round-trips and rejects garbage", "[sinks][json]") {
    for (const AlertKind kind : all_kinds()) {
        const Alert a = sample_alert(kind);
        const auto b = alert_from_json(alert_to_json(a));
        REQUIRE(b);
        CHECK(alert_to_json(*b) == alert_to_json(a));
    }
    std::string error;
    CHECK_FALSE(alert_from_json("", &error));
    CHECK_FALSE(alert_from_json("[1]", &error));
    CHECK(error == "not a JSON object");
    CHECK_FALSE(alert_from_json("{\"kind\":\"test\"}", &error));
    CHECK(error == "missing string 'id'");
    const auto minimal = alert_from_json("{\"id\":\"x\",\"kind\":\"weird\",\"priority\":7}");
    REQUIRE(minimal);
    CHECK(minimal->kind == AlertKind::new_case);
    CHECK_FALSE(minimal->priority);
}

TEST_CASE("console rendering is readable and terminal-safe", "[sinks][console]") {
    auto alert = sample_alert(AlertKind::new_case);
    alert.post.text =
        "line one\x1b[31mred\nline two\xC2\x9B"
        "2J";
    const std::string text = format_console(alert);
    CHECK(text.rfind("[new_case] Complaint about baggage (high)\n", 0) == 0);
    CHECK(text.find('\x1b') == std::string::npos);
    CHECK(text.find("\xC2\x9B") == std::string::npos);
    CHECK(text.find(
              "  from:     Jan Jansen (@jan@mastodon.social) · 12,345 followers · verified\n") !=
          std::string::npos);
    CHECK(text.find("\n            line two") != std::string::npos);
    CHECK(text.find("  due:      2024-05-01 15:00 UTC\n") != std::string::npos);
}

TEST_CASE("escape_truncated never splits code points or escapes", "[sinks][text]") {
    CHECK(escape_truncated("abc", 3, escape_none_cp) == "abc");
    CHECK(escape_truncated("abcd", 3, escape_none_cp) == "ab\xE2\x80\xA6");
    CHECK(escape_truncated("a&b", 5, escape_slack_cp) == "a\xE2\x80\xA6");
    CHECK(escape_truncated("a&b", 7, escape_slack_cp) == "a&amp;b");
    CHECK(escape_truncated("\xF0\x9F\x98\xA1\xF0\x9F\x98\xA1x", 2, escape_none_cp) ==
          "\xF0\x9F\x98\xA1\xE2\x80\xA6");
    CHECK(escape_truncated("abc", 0, escape_none_cp).empty());
    CHECK(sanitize_utf8("a\xFF"
                        "b\xC3") ==
          "a\xEF\xBF\xBD"
          "b\xEF\xBF\xBD");
    CHECK(sanitize_utf8(std::string("a\0b", 3)) == "ab");
    CHECK(group_thousands(1234567) == "1,234,567");
    CHECK(group_thousands(-1000) == "-1,000");
    CHECK(group_thousands(999) == "999");
}

TEST_CASE("a route's template on the alert beats the sink's template", "[sinks][template]") {
    // Precedence: the alert's (route) template > the sink's template > the built-in layout.
    for (const Service service : all_services()) {
        INFO(to_string(service));
        auto alert = sample_alert(AlertKind::new_case);
        auto settings = settings_for(service);
        const auto builtin = describe_request(format_request(alert, settings, kNowMs));

        settings.message_template = "SINK {{priority}} {{topic}}";
        const auto sink_only = format_request(alert, settings, kNowMs);
        CHECK(sink_only.body.find("SINK high baggage") != std::string::npos);

        alert.message_template = "ROUTE {{priority}} {{topic}}";
        const auto routed = format_request(alert, settings, kNowMs);
        CHECK(routed.body.find("ROUTE high baggage") != std::string::npos);
        CHECK(routed.body.find("SINK") == std::string::npos);

        // Exactly what the same template as the sink's would give (the generic webhook also
        // carries the alert itself, template included, in its data).
        auto as_sink = settings;
        as_sink.message_template = alert.message_template;
        auto plain_alert = alert;
        if (service != Service::webhook) plain_alert.message_template.clear();
        CHECK(describe_request(routed) ==
              describe_request(format_request(plain_alert, as_sink, kNowMs)));

        // No template anywhere: the golden layout.
        alert.message_template.clear();
        settings.message_template.clear();
        CHECK(describe_request(format_request(alert, settings, kNowMs)) == builtin);
    }
}

TEST_CASE("the alert's template travels through the outbox JSON", "[sinks][json][template]") {
    auto alert = sample_alert(AlertKind::case_update);
    CHECK(alert_to_json(alert).find("message_template") == std::string::npos);
    alert.message_template = "<b>{{title}}</b> \"{{text}}\"";
    const auto back = alert_from_json(alert_to_json(alert));
    REQUIRE(back);
    CHECK(back->message_template == alert.message_template);
    CHECK(validate_template(back->message_template) == std::nullopt);
}

TEST_CASE("template errors carry the offset and a did-you-mean", "[sinks][template]") {
    const auto unknown = check_template("ok {{titel}}");
    REQUIRE(unknown);
    CHECK(unknown->offset == 3);
    CHECK(unknown->hint == "did you mean 'title'?");
    const auto unclosed = check_template("{{{{ and {{text");
    REQUIRE(unclosed);
    CHECK(unclosed->offset == 9);
    CHECK_FALSE(check_template("{{{{text}}"));
}

TEST_CASE("thread replies match the golden files", "[sinks][golden][thread]") {
    const std::filesystem::path dir = std::filesystem::path(SPREEKBUIS_TEST_DATA) / "sinks";
    const bool update = std::getenv("UPDATE_GOLDEN") != nullptr;
    const std::vector<std::pair<Service, ThreadRef>> threaded = {
        {Service::slack_api, {"D0123ABC:1714572000.000100", ""}},
        {Service::matrix, {"$root:example.org", "$latest:example.org"}},
        {Service::telegram, {"4711", ""}},
    };
    for (const auto& [service, thread] : threaded) {
        REQUIRE(threads_replies(service));
        for (const AlertKind kind : {AlertKind::case_update, AlertKind::sla_warning}) {
            const auto request =
                format_request(sample_alert(kind), settings_for(service), kNowMs, thread);
            const std::string actual = describe_request(request);
            const auto path = dir / (std::string(to_string(service)) + "_" +
                                     std::string(to_string(kind)) + "_thread.http");
            INFO(path.string());
            if (update) std::ofstream(path, std::ios::binary) << actual;
            REQUIRE(std::filesystem::exists(path));
            CHECK(read_file(path) == actual);
            simdjson::dom::parser parser;
            const auto root = parse(parser, request.body);
            switch (service) {
                case Service::slack_api: {
                    CHECK(std::string_view(root["thread_ts"]) == "1714572000.000100");
                    CHECK(std::string_view(root["channel"]) == "D0123ABC");
                    CHECK(bool(root["reply_broadcast"]) == (kind == AlertKind::sla_warning));
                    break;
                }
                case Service::matrix: {
                    const auto rel = root["m.relates_to"];
                    CHECK(std::string_view(rel["rel_type"]) == "m.thread");
                    CHECK(std::string_view(rel["event_id"]) == "$root:example.org");
                    CHECK(bool(rel["is_falling_back"]));
                    CHECK(std::string_view(rel["m.in_reply_to"]["event_id"]) ==
                          "$latest:example.org");
                    break;
                }
                default: {
                    CHECK(int64_t(root["reply_parameters"]["message_id"]) == 4711);
                    CHECK(bool(root["reply_parameters"]["allow_sending_without_reply"]));
                    break;
                }
            }
        }
    }
    // Matrix without a separate latest message falls back to the root.
    const auto single =
        format_request(sample_alert(AlertKind::case_update), settings_for(Service::matrix), kNowMs,
                       {"$root:example.org", ""});
    simdjson::dom::parser parser;
    CHECK(
        std::string_view(parse(parser, single.body)["m.relates_to"]["m.in_reply_to"]["event_id"]) ==
        "$root:example.org");
    // A Slack ref without a channel keeps the alert's destination.
    const auto bare =
        format_request(sample_alert(AlertKind::case_update), settings_for(Service::slack_api),
                       kNowMs, {"1714572000.000100", ""});
    CHECK(std::string_view(parse(parser, bare.body)["channel"]) == "C0123456");
    CHECK(std::string_view(parse(parser, bare.body)["thread_ts"]) == "1714572000.000100");
    // A Telegram ref that is not a message id is ignored rather than sent.
    const auto odd = format_request(sample_alert(AlertKind::case_update),
                                    settings_for(Service::telegram), kNowMs, {"x1", ""});
    CHECK(odd.body.find("reply_parameters") == std::string::npos);
}

TEST_CASE("services without replies ignore the thread ref", "[sinks][thread]") {
    const ThreadRef thread{"4711", "4712"};
    for (const Service service : all_services()) {
        INFO(to_string(service));
        auto alert = sample_alert(AlertKind::case_update);
        alert.title = "New post in your case case-42";  // as the router titles follow-ups
        const auto plain = describe_request(format_request(alert, settings_for(service), kNowMs));
        const auto with =
            describe_request(format_request(alert, settings_for(service), kNowMs, thread));
        CHECK((plain != with) == threads_replies(service));
        // A stand-alone follow-up names its case (the router's titles do).
        CHECK(with.find("New post in your case case") != std::string::npos);
    }
}

TEST_CASE("the spike's group key travels through the outbox JSON", "[sinks][json][thread]") {
    auto alert = sample_alert(AlertKind::crisis_end);
    CHECK(alert_to_json(alert).find("group_key") == std::string::npos);
    CHECK(thread_key(alert).empty());
    alert.case_id = "case-7";
    CHECK(thread_key(alert) == "case-7");
    alert.group_key = "crisis:topic:outage:1714572000000";
    const auto back = alert_from_json(alert_to_json(alert));
    REQUIRE(back);
    CHECK(back->group_key == alert.group_key);
    CHECK(thread_key(*back) == "crisis:topic:outage:1714572000000");
    CHECK(is_follow_up(AlertKind::crisis_end));
    CHECK_FALSE(is_follow_up(AlertKind::crisis_start));
    CHECK_FALSE(is_follow_up(AlertKind::new_case));
}
