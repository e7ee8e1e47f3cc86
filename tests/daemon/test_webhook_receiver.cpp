#include <catch2/catch.hpp>
#include <string>
#include <vector>

#include "connectors/sinks/sink_crypto.hpp"
#include "daemon/webhook_receiver.hpp"

using namespace spreekbuis;
using namespace spreekbuis::daemon;
using connectors::sources::WebhookFormat;
using connectors::sources::WebhookSettings;

namespace {

constexpr std::int64_t kNowMs = 1795000000000;
const std::string kSecret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
const std::string kMetaSecret = "meta-app-secret-0123456789";

struct Harness {
    bool accept = true;
    std::vector<std::vector<rules::Post>> batches;
    WebhookReceivers receivers;

    Harness()
        : receivers(
              {standard_settings(), meta_settings()},
              [this](std::vector<rules::Post> posts, const std::string& source) {
                  if (!accept) return false;
                  for (auto& post : posts) post.source += "@" + source;
                  batches.push_back(std::move(posts));
                  return true;
              },
              [] { return kNowMs; }) {}

    static WebhookSettings standard_settings() {
        WebhookSettings settings;
        settings.name = "forms";
        settings.format = WebhookFormat::standard;
        settings.secret = kSecret;
        return settings;
    }
    static WebhookSettings meta_settings() {
        WebhookSettings settings;
        settings.name = "facebook";
        settings.format = WebhookFormat::meta;
        settings.secret = kMetaSecret;
        settings.max_body_bytes = 4096;
        return settings;
    }
    const connectors::sources::SourceCounters& counters(const std::string& name) const {
        for (const auto& [source, counters] : receivers.counters()) {
            if (source == name) return *counters;
        }
        FAIL("no source " << name);
        throw;
    }
};

http_api::HookRequest standard(const std::string& id, std::string&& body) = delete;
http_api::HookRequest standard(const std::string& id, const std::string& body) {
    http_api::HookRequest request;
    request.name = "forms";
    request.method = "POST";
    request.body = body;
    const std::string timestamp = std::to_string(kNowMs / 1000);
    request.headers = {{"webhook-id", id},
                       {"webhook-timestamp", timestamp},
                       {"webhook-signature", *connectors::sinks::standard_webhook_signature(
                                                 kSecret, id, timestamp, body)}};
    return request;
}

// The request views `body`: no temporaries.
http_api::HookRequest meta(std::string&& body) = delete;
http_api::HookRequest meta(const std::string& body) {
    http_api::HookRequest request;
    request.name = "facebook";
    request.method = "POST";
    request.body = body;
    request.headers = {
        {"x-hub-signature-256",
         "sha256=" + connectors::sinks::to_hex(connectors::sinks::hmac_sha256(kMetaSecret, body))}};
    return request;
}

std::string comment(const std::string& id, const std::string& text) {
    return R"({"field":"feed","value":{"item":"comment","verb":"add","comment_id":")" + id +
           R"(","post_id":"1_2","parent_id":"1_2","message":")" + text + R"("}})";
}

}  // namespace

TEST_CASE("webhook receivers: a delivery becomes one batch, a repeated delivery is taken once",
          "[webhook]") {
    Harness h;
    const std::string body = R"({"id":"form-1","text":"Mijn koffer is kwijt"})";
    auto reply = h.receivers.handle(standard("msg_1", body));
    CHECK(reply.status == 200);
    REQUIRE(h.batches.size() == 1);
    REQUIRE(h.batches[0].size() == 1);
    CHECK(h.batches[0][0].id == "form-1");
    CHECK(h.batches[0][0].source == "@forms");
    // The sender retries the same delivery (its answer got lost): acknowledged, not decided again.
    reply = h.receivers.handle(standard("msg_1", body));
    CHECK(reply.status == 200);
    CHECK(reply.body == "duplicate delivery\n");
    CHECK(h.batches.size() == 1);
    // Another delivery of the same post id is not decided again either.
    CHECK(h.receivers.handle(standard("msg_2", body)).status == 200);
    CHECK(h.batches.size() == 1);
    CHECK(h.counters("forms").posts == 1);
    CHECK(h.counters("forms").events == 3);
}

TEST_CASE("webhook receivers: a full pipeline answers 503, and the retry is taken", "[webhook]") {
    Harness h;
    h.accept = false;
    const std::string body = "{\"object\":\"page\",\"entry\":[{\"id\":\"1\",\"changes\":[" +
                             comment("2_1", "koffer kwijt") + "," + comment("2_2", "nog steeds") +
                             "]}]}";
    auto reply = h.receivers.handle(meta(body));
    CHECK(reply.status == 503);
    REQUIRE(reply.headers.size() == 1);
    CHECK(reply.headers[0].first == "Retry-After");
    CHECK(h.counters("facebook").deferred == 1);
    CHECK(h.counters("facebook").posts == 0);
    h.accept = true;
    reply = h.receivers.handle(meta(body));
    CHECK(reply.status == 200);
    REQUIRE(h.batches.size() == 1);
    CHECK(h.batches[0].size() == 2);  // both comments of the delivery in one batch
    CHECK(h.counters("facebook").posts == 2);
    // A later batch from Meta that repeats one comment: only the new one is decided.
    const std::string later = "{\"object\":\"page\",\"entry\":[{\"id\":\"1\",\"changes\":[" +
                              comment("2_2", "nog steeds") + "," + comment("2_3", "hallo?") +
                              "]}]}";
    CHECK(h.receivers.handle(meta(later)).status == 200);
    REQUIRE(h.batches.size() == 2);
    REQUIRE(h.batches[1].size() == 1);
    CHECK(h.batches[1][0].id == "facebook:2_3");
}

TEST_CASE("webhook receivers: refused deliveries are counted and never submitted", "[webhook]") {
    Harness h;
    // The requests view their bodies, which must outlive them.
    const std::string empty_entries = "{\"object\":\"page\",\"entry\":[]}";
    const std::string too_large(5000, ' ');
    const std::string empty_object = "{}";
    auto forged = meta(empty_entries);
    forged.headers[0].second = "sha256=00";
    CHECK(h.receivers.handle(forged).status == 401);
    CHECK(h.receivers.handle(meta(too_large)).status == 413);
    auto unknown = meta(empty_object);
    unknown.name = "twitter";
    CHECK(h.receivers.handle(unknown).status == 404);
    CHECK(h.batches.empty());
    CHECK(h.counters("facebook").bad_events == 2);
}

TEST_CASE("recent ids forget the oldest beyond their capacity", "[webhook]") {
    RecentIds ids(2);
    ids.add("a");
    ids.add("b");
    ids.add("a");  // already there: no reordering, no growth
    CHECK(ids.contains("a"));
    ids.add("c");
    CHECK_FALSE(ids.contains("a"));
    CHECK(ids.contains("b"));
    CHECK(ids.contains("c"));
}
