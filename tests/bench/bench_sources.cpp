// How fast the sources' pure halves turn wire bytes into posts, on one core: Mastodon SSE
// (parser + status decoder), Jetstream frames, and signed Meta webhook deliveries (HMAC +
// decoder). The texts are real posts from ../shared/datasets when present (else a fixed
// sentence), wrapped in the shape each service sends. Prints events/s and MB/s; run on demand.
//   spreekbuis-source-bench [--events N]
#include <time.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "connectors/json_writer.hpp"
#include "connectors/post_decoder.hpp"
#include "connectors/sinks/sink_crypto.hpp"
#include "connectors/sources/jetstream.hpp"
#include "connectors/sources/mastodon.hpp"
#include "connectors/sources/sse.hpp"
#include "connectors/sources/webhook.hpp"

using namespace spreekbuis;
using namespace spreekbuis::connectors;
using namespace spreekbuis::connectors::sources;

namespace {

double cpu_seconds() {
    timespec ts{};
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) * 1e-9;
}

std::vector<std::string> load_texts() {
    std::vector<std::string> texts;
    const std::filesystem::path datasets("../shared/datasets");
    if (std::filesystem::exists(datasets)) {
        PostDecoder decoder;
        for (const auto& entry : std::filesystem::directory_iterator(datasets)) {
            const auto name = entry.path().filename().string();
            if (name.find(".posts.jsonl") == std::string::npos ||
                name.find("dutch_book") != std::string::npos) {
                continue;  // the long reviews are not social posts
            }
            std::ifstream in(entry.path());
            std::string line;
            while (std::getline(in, line)) {
                if (auto decoded = decoder.decode(line); decoded.post) {
                    texts.push_back(decoded.post->text);
                }
            }
        }
    }
    if (texts.empty()) texts.push_back("@airline my suitcase is lost again, nobody answers");
    return texts;
}

std::string status_json(std::size_t i, const std::string& text) {
    JsonWriter w;
    const std::string id = std::to_string(109000000000000000ULL + i);
    w.begin_object()
        .field("id", id)
        .field("created_at", "2026-11-24T09:00:00.000Z")
        .key("in_reply_to_id")
        .null()
        .field("language", "en")
        .field("uri", "https://bench.example/users/u/statuses/" + id)
        .field("url", "https://bench.example/@u/" + id)
        .field("content", "<p>" + text + "</p>")
        .field("spoiler_text", "")
        .key("reblog")
        .null()
        .field("replies_count", std::int64_t{0})
        .field("reblogs_count", std::int64_t{0})
        .key("account")
        .begin_object()
        .field("acct", "u" + std::to_string(i % 997))
        .field("display_name", "User")
        .field("followers_count", std::int64_t{120})
        .end_object()
        .end_object();
    return w.take();
}

std::string jetstream_frame(std::size_t i, const std::string& text) {
    JsonWriter w;
    w.begin_object()
        .field("did", "did:plc:bench" + std::to_string(i % 997))
        .field("time_us", static_cast<std::int64_t>(1795000000000000LL + i))
        .field("kind", "commit")
        .key("commit")
        .begin_object()
        .field("rev", "3l" + std::to_string(i))
        .field("operation", "create")
        .field("collection", "app.bsky.feed.post")
        .field("rkey", "3k" + std::to_string(i))
        .field("cid", "bafyrei" + std::to_string(i))
        .key("record")
        .begin_object()
        .field("$type", "app.bsky.feed.post")
        .field("createdAt", "2026-11-24T09:00:00.000Z")
        .key("langs")
        .begin_array()
        .value("en")
        .end_array()
        .field("text", text)
        .end_object()
        .end_object()
        .end_object();
    return w.take();
}

std::string meta_body(std::size_t i, const std::string& text) {
    JsonWriter w;
    w.begin_object().field("object", "page").key("entry").begin_array().begin_object();
    w.field("id", "1").field("time", std::int64_t{1795000000}).key("changes").begin_array();
    w.begin_object().field("field", "feed").key("value").begin_object();
    w.field("item", "comment")
        .field("verb", "add")
        .field("comment_id", "5_" + std::to_string(i))
        .field("post_id", "1_5")
        .field("parent_id", "1_5")
        .field("message", text)
        .field("created_time", std::int64_t{1795000000});
    w.end_object().end_object().end_array().end_object().end_array().end_object();
    return w.take();
}

void report(const char* what, std::size_t events, std::size_t posts, std::size_t bytes,
            double seconds) {
    std::printf("%-44s %10.0f events/s %8.1f MB/s  (%zu events, %zu posts)\n", what,
                static_cast<double>(events) / seconds, static_cast<double>(bytes) / seconds / 1e6,
                events, posts);
}

}  // namespace

int main(int argc, char** argv) {
    std::size_t events = 200000;
    for (int i = 1; i + 1 < argc; ++i) {
        if (std::string(argv[i]) == "--events") events = std::strtoull(argv[i + 1], nullptr, 10);
    }
    const auto texts = load_texts();
    std::printf("texts: %zu (%s)\n", texts.size(),
                texts.size() > 1 ? "../shared/datasets" : "one fixed sentence");

    {  // Mastodon: the SSE stream as the server writes it, fed in 1,400-byte pieces.
        std::string stream;
        for (std::size_t i = 0; i < events; ++i) {
            stream += "event: update\ndata: " + status_json(i, texts[i % texts.size()]) + "\n\n";
            if (i % 50 == 0) stream += ":thump\n";
        }
        SseParser parser;
        std::vector<SseEvent> out;
        std::size_t posts = 0;
        const double start = cpu_seconds();
        for (std::size_t at = 0; at < stream.size(); at += 1400) {
            out.clear();
            parser.feed(std::string_view(stream).substr(at, 1400), out);
            for (const auto& event : out) {
                if (decode_mastodon_event(event.event, event.data, "bench.example").post) ++posts;
            }
        }
        report("mastodon SSE parse + decode", events, posts, stream.size(), cpu_seconds() - start);
    }
    {  // Jetstream: one text frame per event.
        std::vector<std::string> frames;
        std::size_t bytes = 0;
        for (std::size_t i = 0; i < events; ++i) {
            frames.push_back(jetstream_frame(i, texts[i % texts.size()]));
            bytes += frames.back().size();
        }
        std::size_t posts = 0;
        const double start = cpu_seconds();
        for (const auto& frame : frames) posts += decode_jetstream_event(frame).post ? 1 : 0;
        report("jetstream frame decode", events, posts, bytes, cpu_seconds() - start);
    }
    {  // Meta: one signed delivery per comment (Meta batches; this is the worst case).
        WebhookSettings settings;
        settings.format = WebhookFormat::meta;
        settings.secret = "bench-app-secret-0123456789";
        const std::size_t deliveries = events / 4;
        std::vector<std::string> bodies;
        std::vector<std::string> signatures;
        std::size_t bytes = 0;
        for (std::size_t i = 0; i < deliveries; ++i) {
            bodies.push_back(meta_body(i, texts[i % texts.size()]));
            signatures.push_back("sha256=" +
                                 sinks::to_hex(sinks::hmac_sha256(settings.secret, bodies.back())));
            bytes += bodies.back().size();
        }
        std::size_t posts = 0;
        const double start = cpu_seconds();
        for (std::size_t i = 0; i < deliveries; ++i) {
            WebhookRequest request;
            request.method = "POST";
            request.body = bodies[i];
            request.headers = {{"x-hub-signature-256", signatures[i]}};
            posts += handle_webhook(settings, request).posts.size();
        }
        report("meta webhook verify + decode", deliveries, posts, bytes, cpu_seconds() - start);
    }
    return 0;
}
