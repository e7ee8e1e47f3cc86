#pragma once
// Test helper: a source's settings read from a YAML text, as the daemon reads a plugin section,
// with the diagnostics kept (file name "spreekbuis.yaml") for asserting positions.
#include <catch2/catch.hpp>
#include <memory>
#include <optional>
#include <string>

#include "config/config.hpp"
#include "rules/diagnostic.hpp"
#include "rules/yaml_source.hpp"

namespace spreekbuis::test {

template <typename Settings>
struct ParsedSettings {
    std::optional<Settings> settings;
    rules::Diagnostics diagnostics;
    std::string text() const { return diagnostics.format_all(); }
};

// `read` is the source's settings reader, e.g. read_mastodon_settings.
template <typename Settings, typename Reader>
ParsedSettings<Settings> read_plugin_settings(const std::string& yaml, const std::string& name,
                                              const std::string& type, Reader read) {
    ParsedSettings<Settings> out;
    auto doc = rules::load_yaml_text("spreekbuis.yaml", yaml, out.diagnostics);
    REQUIRE(doc);
    auto shared = std::make_shared<const rules::YamlDocument>(std::move(*doc));
    config::PluginConfig plugin{name, type, shared->root, shared};
    out.settings = read(plugin, ".", out.diagnostics);
    return out;
}

}  // namespace spreekbuis::test
