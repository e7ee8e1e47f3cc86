#pragma once
// Builds the live sources named in the configuration (`mastodon`, `jetstream`, `x`, `reddit`,
// `redis`) from
// their plugin sections, and checks every network source's section (`webhook` too, which the HTTP
// server receives). Validation reports every bad key with file:line:col and builds nothing.
#include <boost/asio/ssl/context.hpp>
#include <memory>
#include <string>
#include <string_view>

#include "config/config.hpp"
#include "connectors/sources/live_source.hpp"
#include "rules/diagnostic.hpp"

namespace spreekbuis::connectors::sources {

bool is_live_source_type(std::string_view type);
// Inbound webhooks (`webhook`): no connection of their own, served at /hooks/<name>.
bool is_webhook_source_type(std::string_view type);
// The source types this build can run, for messages ("replay, mastodon, jetstream, x, reddit,
// redis, webhook").
std::string available_source_types();

// Checks the section of a live or webhook source: true when it is valid (diagnostics
// otherwise).
bool check_live_source(const config::PluginConfig& plugin, const std::string& base_dir,
                       rules::Diagnostics& diagnostics);
// nullptr, with diagnostics, when the section is invalid.
std::unique_ptr<LiveSource> make_live_source(const config::PluginConfig& plugin,
                                             const std::string& base_dir,
                                             std::shared_ptr<boost::asio::ssl::context> tls,
                                             rules::Diagnostics& diagnostics);

}  // namespace spreekbuis::connectors::sources
