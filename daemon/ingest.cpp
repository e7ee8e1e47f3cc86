#include "daemon/ingest.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <boost/asio/co_spawn.hpp>
#include <condition_variable>
#include <mutex>
#include <vector>

#include "connectors/post_encoder.hpp"
#include "connectors/sources/source_support.hpp"
#include "rules/yaml_source.hpp"

namespace spreekbuis::daemon {

namespace asio = boost::asio;
namespace redis = connectors::redis;

namespace {

constexpr std::int64_t kMinMaxLength = 1000;  // fewer could drop posts no daemon read yet
constexpr std::int64_t kMaxMaxLength = 1'000'000'000;

}  // namespace

std::optional<IngestSettings> read_ingest_settings(const config::Config& config,
                                                   rules::Diagnostics& diagnostics) {
    if (!config.ingest) return std::nullopt;
    const auto& document = *config.ingest->document;
    const YAML::Node& node = config.ingest->node;
    const std::size_t errors_before = diagnostics.error_count();
    const auto keys = redis::with_server_keys({"stream", "field", "max_length"});
    if (!rules::check_keys(document, node, keys, "ingest", diagnostics)) return std::nullopt;
    IngestSettings settings;
    if (!node["stream"]) {
        rules::error_at(document, node, "ingest needs a stream", diagnostics,
                        "the key of the Redis stream the posts are added to, e.g. "
                        "stream: spreekbuis:posts (the deciding daemons' redis source reads it)");
    }
    redis::read_name(document, node, "stream", config.base_dir, settings.stream, diagnostics);
    redis::read_name(document, node, "field", config.base_dir, settings.field, diagnostics);
    redis::read_server_settings(document, node, config.base_dir, settings, diagnostics);
    if (node["max_length"]) {
        // 0 turns trimming off; otherwise at least kMinMaxLength.
        const auto value = rules::read_int(document, node["max_length"], diagnostics);
        if (value && *value != 0 && (*value < kMinMaxLength || *value > kMaxMaxLength)) {
            rules::error_at(document, node["max_length"],
                            "max_length must be 0 or 1000 to 1000000000", diagnostics,
                            "about how many entries the stream keeps (XADD MAXLEN ~); more than "
                            "the deciding daemons can fall behind by");
        } else if (value) {
            settings.max_length = *value;
        }
    }
    if (diagnostics.error_count() != errors_before) return std::nullopt;
    return settings;
}

IngestForwarder::IngestForwarder(IngestSettings settings) : settings_(std::move(settings)) {
    if (settings_.max_length > 0) max_length_ = std::to_string(settings_.max_length);
    tls_ = redis::make_tls_context(settings_, start_error_);
    if (settings_.tls && !tls_ && start_error_.empty()) start_error_ = "TLS setup failed";
}

IngestForwarder::~IngestForwarder() = default;

std::string IngestForwarder::run(asio::awaitable<std::string> task) {
    std::string result;
    io_.restart();
    asio::co_spawn(io_, std::move(task), [&](std::exception_ptr error, std::string text) {
        result = error ? std::string("ingest: unexpected error") : std::move(text);
    });
    io_.run();
    return result;
}

asio::awaitable<std::string> IngestForwarder::add(const std::string& line) {
    if (!connection_) {
        connection_ =
            std::make_unique<redis::Connection>(io_.get_executor(), redis::ReplyLimits{}, tls_);
        auto error = co_await redis::open_session(*connection_, settings_);
        if (!error.empty()) {
            connection_.reset();
            co_return error;
        }
        spdlog::info("ingest: connected to {}:{}{}, adding posts to stream {}", settings_.host,
                     settings_.port, tls_ ? " (TLS)" : "", settings_.stream);
    }
    std::vector<std::string_view> args{"XADD", settings_.stream};
    if (!max_length_.empty()) {
        args.insert(args.end(), {"MAXLEN", "~", max_length_});
    }
    args.insert(args.end(), {"*", settings_.field, line});
    redis::Reply reply;
    auto error = co_await connection_->call(args, reply, settings_.reply_timeout);
    if (!error.empty()) {
        connection_.reset();  // unusable after a transport failure
        co_return "XADD: " + error;
    }
    // Refused (out of memory, the key holds no stream): tried again, never dropped.
    if (reply.is_error()) co_return "XADD: " + connectors::sources::shown(reply.text, 200);
    co_return std::string();
}

bool IngestForwarder::forward(std::span<const rules::Post* const> posts,
                              const std::stop_token& stop) {
    std::mutex mutex;
    std::condition_variable_any wake;
    for (const rules::Post* post : posts) {
        if (gave_up_) return false;
        const std::string line = connectors::encode_post(*post);
        auto wait = settings_.retry_initial;
        while (true) {
            // Tried once even while stopping, so a stop drains the queue when Redis answers.
            const std::string error = run(add(line));
            if (error.empty()) break;
            ++failures_;
            if (stop.stop_requested()) {
                spdlog::warn("ingest: {}; stopping, the rest is read again at the next start",
                             error);
                gave_up_ = true;
                return false;
            }
            spdlog::warn("ingest: {}; trying again in {} ms", error, wait.count());
            std::unique_lock lock(mutex);
            wake.wait_for(lock, stop, wait, [] { return false; });
            wait = std::min(wait * 2, settings_.retry_cap);
        }
        ++added_;
    }
    return true;
}

}  // namespace spreekbuis::daemon
