// Fuzzes the webhook source's pure half with bodies that carry a valid signature, so the bytes
// reach the JSON decoding behind the signature check. Whatever the body, a delivery is either
// refused with a reason and no posts, or accepted with posts that have an id and valid UTF-8
// (and, from Meta, a text).
// The first byte picks the format (even: Meta, odd: Standard Webhooks); the rest is the body.
#include <simdjson.h>

#include <cstdint>
#include <cstdlib>
#include <string>

#include "connectors/sinks/sink_crypto.hpp"
#include "connectors/sources/webhook.hpp"

using namespace spreekbuis;
using namespace spreekbuis::connectors::sources;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    if (size == 0) return 0;
    const bool meta = (data[0] & 1) == 0;
    const std::string body(reinterpret_cast<const char*>(data) + 1, size - 1);
    WebhookSettings settings;
    settings.name = "fuzz";
    settings.format = meta ? WebhookFormat::meta : WebhookFormat::standard;
    settings.secret =
        meta ? "fuzz-app-secret-0123456789" : "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
    WebhookRequest request;
    request.method = "POST";
    request.body = body;
    request.now_ms = 1795000000000;
    if (meta) {
        request.headers = {{"x-hub-signature-256",
                            "sha256=" + connectors::sinks::to_hex(connectors::sinks::hmac_sha256(
                                            settings.secret, body))}};
    } else {
        request.headers = {
            {"webhook-id", "msg_fuzz"},
            {"webhook-timestamp", "1795000000"},
            {"webhook-signature", *connectors::sinks::standard_webhook_signature(
                                      settings.secret, "msg_fuzz", "1795000000", body)}};
    }
    const auto outcome = handle_webhook(settings, request);
    if (outcome.status != 200) {
        if (outcome.error.empty() || !outcome.posts.empty()) std::abort();
        return 0;
    }
    if (outcome.posts.size() + outcome.skipped != outcome.events) std::abort();
    for (const auto& post : outcome.posts) {
        // Meta posts need a message; a post v1 may have an empty text, as in replay.
        if (post.id.empty() || (meta && post.text.empty())) std::abort();
        for (const std::string* text : {&post.id, &post.text, &post.author.handle,
                                        &post.author.name, &post.in_reply_to, &post.url}) {
            if (!simdjson::validate_utf8(text->data(), text->size())) std::abort();
        }
    }
    return 0;
}
