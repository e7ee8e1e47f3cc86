#pragma once
// The daemon's configuration (spreekbuis.yaml), loaded and validated at start-up: unknown keys
// and wrong types are errors with file:line:col. Pure data once loaded; any thread may read it.
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "rules/diagnostic.hpp"
#include "rules/yaml_source.hpp"

namespace spreekbuis::config {

// A plugin's section (one source or one sink): the common keys are parsed here, the
// type-specific keys are validated by the plugin itself from `node` (Fluent Bit style).
struct PluginConfig {
    std::string name;
    std::string type;
    YAML::Node node;  // the whole map of this entry, positions intact
    std::shared_ptr<const rules::YamlDocument> document;  // keeps text for diagnostics
};

struct HttpConfig {
    bool enabled = false;
    std::string listen = "127.0.0.1:8080";
    std::string public_url;     // base of links in alerts; defaults to http://<listen>
    std::string secret;         // signs action links; required when enabled
    std::string admin_token{};  // bearer token of the admin API (silences); empty = off
};

struct Config {
    std::string path;                // the config file itself
    std::string base_dir;            // its directory; relative paths below are resolved against it
    std::string log_level = "info";  // trace, debug, info, warn, error, off
    std::string state_dir = "./state";
    unsigned workers = 2;
    std::size_t queue_capacity = 10000;
    std::vector<std::string> rule_files;  // globs expanded, absolute or base_dir-relative paths
    std::string people_file;              // empty: no people directory
    std::optional<PluginConfig> routing;  // the `routing:` map, validated by the router
    std::optional<PluginConfig> reload;   // the `reload:` map, validated by the daemon
    std::optional<PluginConfig> audit;    // the `audit:` map, validated by the daemon
    std::optional<PluginConfig> ingest;   // the `ingest:` map (posts to Redis), by the daemon
    HttpConfig http;
    std::vector<PluginConfig> sources;
    std::vector<PluginConfig> sinks;
    std::shared_ptr<const rules::YamlDocument> document;
};

struct ConfigLoadResult {
    std::optional<Config> config;  // nullopt when any error was found
    rules::Diagnostics diagnostics;
};

ConfigLoadResult load_config(const std::string& path);
ConfigLoadResult load_config_text(const std::string& label, const std::string& text,
                                  const std::string& base_dir);

// Reads a string scalar and expands ${env:NAME} and ${file:PATH} (file contents, trailing
// newline stripped; PATH relative to base_dir). A missing variable or file is an error at the
// node. Used for every string in the configuration, including plugins' own keys.
std::optional<std::string> read_expanded_string(const rules::YamlDocument& document,
                                                const YAML::Node& node, const std::string& base_dir,
                                                rules::Diagnostics& diagnostics);

// The optional string at `key` of `map`, expanded as above, into `out`. False when the key is
// absent or its value has an error (reported); `out` is then unchanged.
bool read_expanded_key(const rules::YamlDocument& document, const YAML::Node& map, const char* key,
                       const std::string& base_dir, rules::Diagnostics& diagnostics,
                       std::string& out);

}  // namespace spreekbuis::config
