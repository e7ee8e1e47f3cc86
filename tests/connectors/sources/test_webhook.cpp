#include <catch2/catch.hpp>
#include <string>

#include "connectors/sinks/sink_crypto.hpp"
#include "connectors/sources/webhook.hpp"
#include "rules/yaml_source.hpp"

using namespace spreekbuis;
using namespace spreekbuis::connectors::sources;

namespace {

// A Page feed delivery with Meta's escaping (\/ and \u00e9): a comment and a reaction.
const std::string kPageBody =
    R"({"object":"page","entry":[{"id":"201","time":1795000000,"changes":[{"field":"feed","value":{"from":{"id":"9001","name":"Sanne de Vries"},"post":{"permalink_url":"https:\/\/www.facebook.com\/201\/posts\/555","id":"201_555"},"message":"Mijn koffer is kwijt, caf\u00e9 gesloten","post_id":"201_555","comment_id":"555_777","created_time":1795000000,"item":"comment","parent_id":"201_555","verb":"add"}},{"field":"feed","value":{"item":"reaction","verb":"add","reaction_type":"like","post_id":"201_555"}}]}]})";
// HMAC-SHA256 of kPageBody's bytes with the secret below, computed with Python's hmac module.
const std::string kPageSignature =
    "sha256=b1aca9c7a076059b606c4f3b49ca7fba60c0fcf119ce5c8b010e8dbec43a78ac";

WebhookSettings meta_settings() {
    WebhookSettings settings;
    settings.name = "facebook";
    settings.format = WebhookFormat::meta;
    settings.secret = "meta-app-secret-0123456789";
    settings.verify_token = "meaty-hamhock-token";
    return settings;
}

WebhookRequest post_request(std::string_view body,
                            std::vector<std::pair<std::string, std::string>> headers) {
    WebhookRequest request;
    request.method = "POST";
    request.body = body;
    request.headers = std::move(headers);
    request.now_ms = 1795000000000;
    return request;
}

}  // namespace

TEST_CASE("meta webhook: a signed Page feed comment becomes a post, a reaction is skipped",
          "[sources][webhook]") {
    const auto outcome = handle_webhook(
        meta_settings(), post_request(kPageBody, {{"x-hub-signature-256", kPageSignature}}));
    INFO(outcome.error);
    REQUIRE(outcome.status == 200);
    CHECK(outcome.events == 2);
    CHECK(outcome.skipped == 1);
    REQUIRE(outcome.posts.size() == 1);
    const auto& post = outcome.posts[0];
    CHECK(post.id == "facebook:555_777");
    CHECK(post.source == "facebook");
    CHECK(post.text == "Mijn koffer is kwijt, caf\xC3\xA9 gesloten");
    CHECK(post.author.handle == "9001");
    CHECK(post.author.name == "Sanne de Vries");
    CHECK(post.created_at == "2026-11-18T11:06:40Z");
    CHECK(post.created_at_ms == 1795000000000);
    CHECK(post.in_reply_to == "facebook:201_555");
    CHECK(post.conversation == "facebook:201_555");
    CHECK(post.url == "https://www.facebook.com/201/posts/555");
}

TEST_CASE("meta webhook: signatures are checked on the raw bytes", "[sources][webhook]") {
    const auto settings = meta_settings();
    // Upper-case hex is the same signature.
    std::string upper = kPageSignature;
    for (std::size_t i = 7; i < upper.size(); ++i) {
        if (upper[i] >= 'a' && upper[i] <= 'f') upper[i] = static_cast<char>(upper[i] - 32);
    }
    CHECK(handle_webhook(settings, post_request(kPageBody, {{"x-hub-signature-256", upper}}))
              .status == 200);
    // The same JSON with "/" unescaped is another byte string: refused.
    std::string reescaped = kPageBody;
    reescaped.replace(reescaped.find("https:\\/\\/"), 10, "https://");
    auto refused = handle_webhook(
        settings, post_request(reescaped, {{"x-hub-signature-256", kPageSignature}}));
    CHECK(refused.status == 401);
    CHECK(refused.error == "bad signature");
    CHECK(refused.posts.empty());
    CHECK(handle_webhook(settings, post_request(kPageBody, {})).status == 401);
    CHECK(
        handle_webhook(settings, post_request(kPageBody, {{"x-hub-signature", "sha1=00"}})).error ==
        "missing X-Hub-Signature-256");
    auto wrong_secret = settings;
    wrong_secret.secret = "another-app-secret-000000";
    CHECK(handle_webhook(wrong_secret,
                         post_request(kPageBody, {{"x-hub-signature-256", kPageSignature}}))
              .status == 401);
}

TEST_CASE("meta webhook: malformed but signed bodies are refused with a reason",
          "[sources][webhook]") {
    const auto settings = meta_settings();
    for (const std::string& body :
         {std::string("{not json"), std::string("[1,2]"), std::string("{\"object\":\"page\"}"),
          std::string("{\"object\":\"page\",\"entry\":\"x\"}"),
          std::string("{\"text\":\"\xC3\x28\"}")}) {
        const std::string signature =
            "sha256=" +
            connectors::sinks::to_hex(connectors::sinks::hmac_sha256(settings.secret, body));
        const auto outcome =
            handle_webhook(settings, post_request(body, {{"x-hub-signature-256", signature}}));
        INFO(body);
        CHECK(outcome.status == 400);
        CHECK_FALSE(outcome.error.empty());
        CHECK(outcome.posts.empty());
    }
    auto small = settings;
    small.max_body_bytes = 100;
    CHECK(handle_webhook(small, post_request(kPageBody, {{"x-hub-signature-256", kPageSignature}}))
              .status == 413);
}

TEST_CASE("meta webhook: Instagram comments become posts, mentions are skipped",
          "[sources][webhook]") {
    const auto settings = meta_settings();
    const std::string body =
        R"({"object":"instagram","entry":[{"id":"178","time":1795000000,"changes":[)"
        R"({"field":"comments","value":{"from":{"id":"42","username":"reiziger_nl"},"media":{"id":"m-9","media_product_type":"FEED"},"id":"c-1","parent_id":"c-0","text":"Waar is mijn koffer?"}},)"
        R"({"field":"mentions","value":{"media_id":"m-9","comment_id":"c-2"}}]}]})";
    const std::string signature =
        "sha256=" +
        connectors::sinks::to_hex(connectors::sinks::hmac_sha256(settings.secret, body));
    const auto outcome =
        handle_webhook(settings, post_request(body, {{"x-hub-signature-256", signature}}));
    REQUIRE(outcome.status == 200);
    CHECK(outcome.skipped == 1);
    REQUIRE(outcome.posts.size() == 1);
    CHECK(outcome.posts[0].id == "instagram:c-1");
    CHECK(outcome.posts[0].source == "instagram");
    CHECK(outcome.posts[0].author.handle == "reiziger_nl");
    CHECK(outcome.posts[0].text == "Waar is mijn koffer?");
    CHECK(outcome.posts[0].in_reply_to == "instagram:c-0");
    CHECK(outcome.posts[0].conversation == "instagram:m-9");
}

TEST_CASE("meta webhook: the subscription handshake answers only our verify token",
          "[sources][webhook]") {
    const auto settings = meta_settings();
    WebhookRequest request;
    request.method = "GET";
    request.query =
        "hub.mode=subscribe&hub.challenge=1158201444&hub.verify_token=meaty-hamhock-token";
    auto outcome = handle_webhook(settings, request);
    CHECK(outcome.status == 200);
    CHECK(outcome.body == "1158201444");
    request.query = "hub.mode=subscribe&hub.challenge=1158201444&hub.verify_token=guess";
    CHECK(handle_webhook(settings, request).status == 403);
    request.query =
        "hub.mode=subscribe&hub.challenge=1158201444&hub.verify_token=meaty%2Dhamhock%2Dtoken";
    CHECK(handle_webhook(settings, request).status == 200);  // percent-decoded
    request.query = "hub.mode=unsubscribe&hub.challenge=1&hub.verify_token=meaty-hamhock-token";
    CHECK(handle_webhook(settings, request).status == 400);
    request.query = "hub.mode=subscribe&hub.challenge=%zz&hub.verify_token=meaty-hamhock-token";
    CHECK(handle_webhook(settings, request).status == 400);
    auto no_token = settings;
    no_token.verify_token.clear();
    request.query = "hub.mode=subscribe&hub.challenge=5&hub.verify_token=";
    CHECK(handle_webhook(no_token, request).status == 403);  // no token configured: never
    request.method = "PUT";
    CHECK(handle_webhook(settings, request).status == 405);
}

TEST_CASE("standard webhook: the spec's test vector verifies; the body is a post v1",
          "[sources][webhook]") {
    WebhookSettings settings;
    settings.name = "forms";
    settings.format = WebhookFormat::standard;
    settings.secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
    // The Standard Webhooks reference test vector (spec v1.0.0).
    auto vector =
        post_request(R"({"test": 2432232314})",
                     {{"webhook-id", "msg_p5jXN8AQM9LWM0D4loKWxJek"},
                      {"webhook-timestamp", "1614265330"},
                      {"webhook-signature", "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="}});
    vector.now_ms = 1614265330000;
    const auto test_vector = handle_webhook(settings, vector);
    // Signature and time are good; the body is no post, which is the next check.
    CHECK(test_vector.status == 400);
    CHECK(test_vector.error.find("not a post") == 0);

    const std::string body =
        R"({"type":"post.created","timestamp":"2026-11-24T09:00:00Z","data":{"id":"form-17","source":"contact-form","text":"Mijn koffer is nooit aangekomen","lang":"nl"}})";
    const auto signature = *connectors::sinks::standard_webhook_signature(settings.secret, "msg_1",
                                                                          "1795000000", body);
    auto request = post_request(body, {{"webhook-id", "msg_1"},
                                       {"webhook-timestamp", "1795000000"},
                                       {"webhook-signature", "v1,bm90aGluZw== " + signature}});
    auto outcome = handle_webhook(settings, request);
    INFO(outcome.error);
    REQUIRE(outcome.status == 200);
    CHECK(outcome.delivery_id == "msg_1");
    REQUIRE(outcome.posts.size() == 1);
    CHECK(outcome.posts[0].id == "form-17");
    CHECK(outcome.posts[0].source == "contact-form");
    CHECK(outcome.posts[0].lang == "nl");

    SECTION("a replay outside the tolerance is refused") {
        request.now_ms = (1795000000 + 301) * 1000LL;
        CHECK(handle_webhook(settings, request).status == 401);
        request.now_ms = (1795000000 - 301) * 1000LL;
        CHECK(handle_webhook(settings, request).status == 401);
    }
    SECTION("a wrong signature, id or missing header is refused") {
        request.headers[0].second = "msg_2";
        CHECK(handle_webhook(settings, request).error == "bad signature");
        request.headers.pop_back();
        CHECK(handle_webhook(settings, request).status == 400);
    }
    SECTION("a timestamp that is not Unix seconds is refused") {
        request.headers[1].second = "2026-11-24";
        CHECK(handle_webhook(settings, request).status == 400);
    }
}

TEST_CASE("webhook settings: errors point at the key", "[sources][webhook]") {
    auto read = [](const std::string& text, rules::Diagnostics& diagnostics) {
        auto document = rules::load_yaml_text("hooks.yaml", text, diagnostics);
        REQUIRE(document);
        config::PluginConfig plugin;
        plugin.name = "hook";
        plugin.type = "webhook";
        plugin.node = document->root;
        plugin.document = std::make_shared<rules::YamlDocument>(*document);
        return read_webhook_settings(plugin, ".", diagnostics);
    };
    rules::Diagnostics good;
    auto settings = read(
        "name: hook\ntype: webhook\nformat: standard\n"
        "secret: whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw\ntolerance: 60\n",
        good);
    REQUIRE(settings);
    CHECK(settings->format == WebhookFormat::standard);
    CHECK(settings->tolerance_seconds == 60);

    rules::Diagnostics typo;
    CHECK_FALSE(
        read("name: hook\ntype: webhook\nformat: meta\nsecret: abcdefghijklmnopq\n"
             "verify_tokn: x\n",
             typo));
    CHECK(typo.format_all().find("hooks.yaml:5:1: error: unknown key 'verify_tokn'") !=
          std::string::npos);
    rules::Diagnostics format;
    CHECK_FALSE(
        read("name: hook\ntype: webhook\nformat: metta\nsecret: abcdefghijklmnopq\n", format));
    CHECK(format.format_all().find("hooks.yaml:3:9: error: unknown webhook format 'metta'") !=
          std::string::npos);
    rules::Diagnostics secret;
    CHECK_FALSE(read("name: hook\ntype: webhook\nformat: standard\nsecret: hunter2\n", secret));
    CHECK(secret.format_all().find("hooks.yaml:4:9: error: a standard webhook secret is") !=
          std::string::npos);
    rules::Diagnostics missing;
    CHECK_FALSE(read("name: hook\ntype: webhook\nformat: meta\n", missing));
    CHECK(missing.format_all().find("needs a secret") != std::string::npos);
}
