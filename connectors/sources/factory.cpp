#include "connectors/sources/factory.hpp"

#include "connectors/sources/jetstream.hpp"
#include "connectors/sources/mastodon.hpp"
#include "connectors/sources/reddit.hpp"
#include "connectors/sources/redis_stream.hpp"
#include "connectors/sources/webhook.hpp"
#include "connectors/sources/x_stream.hpp"

namespace spreekbuis::connectors::sources {

bool is_live_source_type(std::string_view type) {
    return type == "mastodon" || type == "jetstream" || type == "x" || type == "reddit" ||
           type == "redis";
}

bool is_webhook_source_type(std::string_view type) { return type == "webhook"; }

std::string available_source_types() {
    return "replay, mastodon, jetstream, x, reddit, redis, webhook";
}

bool check_live_source(const config::PluginConfig& plugin, const std::string& base_dir,
                       rules::Diagnostics& diagnostics) {
    if (plugin.type == "mastodon") {
        return read_mastodon_settings(plugin, base_dir, diagnostics).has_value();
    }
    if (plugin.type == "jetstream") {
        return read_jetstream_settings(plugin, base_dir, diagnostics).has_value();
    }
    if (plugin.type == "x")
        return read_x_stream_settings(plugin, base_dir, diagnostics).has_value();
    if (plugin.type == "reddit") {
        return read_reddit_settings(plugin, base_dir, diagnostics).has_value();
    }
    if (plugin.type == "redis") {
        return read_redis_stream_settings(plugin, base_dir, diagnostics).has_value();
    }
    if (plugin.type == "webhook") {
        return read_webhook_settings(plugin, base_dir, diagnostics).has_value();
    }
    return false;
}

std::unique_ptr<LiveSource> make_live_source(const config::PluginConfig& plugin,
                                             const std::string& base_dir,
                                             std::shared_ptr<boost::asio::ssl::context> tls,
                                             rules::Diagnostics& diagnostics) {
    if (plugin.type == "mastodon") {
        auto settings = read_mastodon_settings(plugin, base_dir, diagnostics);
        if (!settings) return nullptr;
        return make_mastodon_source(std::move(*settings), std::move(tls));
    }
    if (plugin.type == "jetstream") {
        auto settings = read_jetstream_settings(plugin, base_dir, diagnostics);
        if (!settings) return nullptr;
        return make_jetstream_source(std::move(*settings), std::move(tls));
    }
    if (plugin.type == "x") {
        auto settings = read_x_stream_settings(plugin, base_dir, diagnostics);
        if (!settings) return nullptr;
        return make_x_stream_source(std::move(*settings), std::move(tls));
    }
    if (plugin.type == "reddit") {
        auto settings = read_reddit_settings(plugin, base_dir, diagnostics);
        if (!settings) return nullptr;
        return make_reddit_source(std::move(*settings), std::move(tls));
    }
    if (plugin.type == "redis") {
        auto settings = read_redis_stream_settings(plugin, base_dir, diagnostics);
        if (!settings) return nullptr;
        return make_redis_stream_source(std::move(*settings));
    }
    return nullptr;
}

}  // namespace spreekbuis::connectors::sources
