#pragma once
// YAML files with their text kept, so every error can point at file:line:col.
// Shared by rule files, the people directory and the configuration.
#include <yaml-cpp/yaml.h>

#include <cstdint>
#include <initializer_list>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "rules/diagnostic.hpp"

namespace spreekbuis::rules {

struct YamlDocument {
    std::string path;  // as shown in diagnostics
    std::string text;
    YAML::Node root;
};

// Parse errors become diagnostics with positions; nullopt when the file is unusable.
std::optional<YamlDocument> load_yaml_file(const std::string& path, Diagnostics& diagnostics);
std::optional<YamlDocument> load_yaml_text(std::string path, std::string text,
                                           Diagnostics& diagnostics);

// 1-based position of a node (its first character) in the document.
SourcePos position_of(const YamlDocument& document, const YAML::Node& node);

// Adds an error pointing at `node`, with the source line for the caret display.
void error_at(const YamlDocument& document, const YAML::Node& node, std::string message,
              Diagnostics& diagnostics, std::string hint = {});
// Adds an error at `column_offset` bytes past the node's first character.
void error_at_offset(const YamlDocument& document, const YAML::Node& node,
                     std::size_t column_offset, std::string message, Diagnostics& diagnostics,
                     std::string hint = {});

// Reports every key of `map` that is not in `allowed` ("unknown key", with a did-you-mean
// hint). Returns false when `map` is not a map or holds an unknown key.
bool check_keys(const YamlDocument& document, const YAML::Node& map,
                std::span<const std::string_view> allowed, std::string_view what,
                Diagnostics& diagnostics);
inline bool check_keys(const YamlDocument& document, const YAML::Node& map,
                       std::initializer_list<std::string_view> allowed, std::string_view what,
                       Diagnostics& diagnostics) {
    return check_keys(document, map,
                      std::span<const std::string_view>(allowed.begin(), allowed.end()), what,
                      diagnostics);
}

// Typed reads of a scalar. On a wrong type they add an error at the node and return nullopt.
std::optional<std::string> read_string(const YamlDocument& document, const YAML::Node& node,
                                       Diagnostics& diagnostics);
std::optional<std::int64_t> read_int(const YamlDocument& document, const YAML::Node& node,
                                     Diagnostics& diagnostics);
std::optional<double> read_double(const YamlDocument& document, const YAML::Node& node,
                                  Diagnostics& diagnostics);
std::optional<bool> read_bool(const YamlDocument& document, const YAML::Node& node,
                              Diagnostics& diagnostics);
// A scalar or a sequence of scalars, as a list of strings.
std::optional<std::vector<std::string>> read_string_list(const YamlDocument& document,
                                                         const YAML::Node& node,
                                                         Diagnostics& diagnostics);

// True when the scalar was written in quotes ('...' or "..."); its text then starts one
// column after the node's mark.
bool is_quoted_scalar(const YAML::Node& node);

}  // namespace spreekbuis::rules
