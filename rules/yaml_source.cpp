#include "rules/yaml_source.hpp"

#include <charconv>
#include <fstream>
#include <sstream>

namespace spreekbuis::rules {

namespace {
std::string type_name(const YAML::Node& node) {
    switch (node.Type()) {
        case YAML::NodeType::Map:
            return "a map";
        case YAML::NodeType::Sequence:
            return "a list";
        case YAML::NodeType::Scalar:
            return "a scalar";
        case YAML::NodeType::Null:
            return "nothing";
        default:
            return "an undefined value";
    }
}
}  // namespace

std::optional<YamlDocument> load_yaml_text(std::string path, std::string text,
                                           Diagnostics& diagnostics) {
    YamlDocument document{std::move(path), std::move(text), {}};
    try {
        document.root = YAML::Load(document.text);
    } catch (const YAML::Exception& error) {
        SourcePos pos{document.path, error.mark.line + 1, error.mark.column + 1};
        if (error.mark.is_null()) pos.line = pos.column = 0;
        diagnostics.error(pos, "invalid YAML: " + error.msg, {},
                          std::string(line_of(document.text, pos.line)));
        return std::nullopt;
    }
    return document;
}

std::optional<YamlDocument> load_yaml_file(const std::string& path, Diagnostics& diagnostics) {
    std::ifstream in(path, std::ios::binary);
    if (!in) {
        diagnostics.error(SourcePos{path, 0, 0}, "cannot open file");
        return std::nullopt;
    }
    std::ostringstream buffer;
    buffer << in.rdbuf();
    return load_yaml_text(path, buffer.str(), diagnostics);
}

SourcePos position_of(const YamlDocument& document, const YAML::Node& node) {
    const auto mark = node.Mark();
    if (mark.is_null()) return SourcePos{document.path, 0, 0};
    return SourcePos{document.path, mark.line + 1, mark.column + 1};
}

void error_at(const YamlDocument& document, const YAML::Node& node, std::string message,
              Diagnostics& diagnostics, std::string hint) {
    error_at_offset(document, node, 0, std::move(message), diagnostics, std::move(hint));
}

void error_at_offset(const YamlDocument& document, const YAML::Node& node,
                     std::size_t column_offset, std::string message, Diagnostics& diagnostics,
                     std::string hint) {
    auto pos = position_of(document, node);
    if (pos.column > 0) pos.column += static_cast<int>(column_offset);
    diagnostics.error(pos, std::move(message), std::move(hint),
                      std::string(line_of(document.text, pos.line)));
}

bool check_keys(const YamlDocument& document, const YAML::Node& map,
                std::span<const std::string_view> allowed, std::string_view what,
                Diagnostics& diagnostics) {
    if (!map.IsMap()) {
        error_at(document, map, std::string(what) + " must be a map, found " + type_name(map),
                 diagnostics);
        return false;
    }
    std::vector<std::string> known(allowed.begin(), allowed.end());
    bool ok = true;
    for (const auto& entry : map) {
        const auto key = entry.first.Scalar();
        bool found = false;
        for (const auto& name : allowed) found = found || name == key;
        if (found) continue;
        ok = false;
        std::string hint;
        if (auto best = closest_match(key, known); !best.empty()) {
            hint = "did you mean '" + best + "'?";
        } else {
            hint = "known keys:";
            for (const auto& name : known) hint += " " + name;
        }
        error_at(document, entry.first, "unknown key '" + key + "' in " + std::string(what),
                 diagnostics, hint);
    }
    return ok;
}

std::optional<std::string> read_string(const YamlDocument& document, const YAML::Node& node,
                                       Diagnostics& diagnostics) {
    if (!node.IsScalar()) {
        error_at(document, node, "expected a string, found " + type_name(node), diagnostics);
        return std::nullopt;
    }
    return node.Scalar();
}

std::optional<std::int64_t> read_int(const YamlDocument& document, const YAML::Node& node,
                                     Diagnostics& diagnostics) {
    if (node.IsScalar()) {
        const auto& text = node.Scalar();
        std::int64_t value = 0;
        const auto* end = text.data() + text.size();
        auto [ptr, ec] = std::from_chars(text.data(), end, value);
        if (ec == std::errc() && ptr == end && !text.empty()) return value;
    }
    error_at(document, node, "expected a whole number, found '" + node.Scalar() + "'", diagnostics);
    return std::nullopt;
}

std::optional<double> read_double(const YamlDocument& document, const YAML::Node& node,
                                  Diagnostics& diagnostics) {
    if (node.IsScalar()) {
        const auto& text = node.Scalar();
        double value = 0;
        const auto* end = text.data() + text.size();
        auto [ptr, ec] = std::from_chars(text.data(), end, value);
        if (ec == std::errc() && ptr == end && !text.empty()) return value;
    }
    error_at(document, node, "expected a number, found '" + node.Scalar() + "'", diagnostics);
    return std::nullopt;
}

std::optional<bool> read_bool(const YamlDocument& document, const YAML::Node& node,
                              Diagnostics& diagnostics) {
    if (node.IsScalar()) {
        const auto& text = node.Scalar();
        if (text == "true" || text == "yes" || text == "on") return true;
        if (text == "false" || text == "no" || text == "off") return false;
    }
    error_at(document, node, "expected true or false, found '" + node.Scalar() + "'", diagnostics);
    return std::nullopt;
}

std::optional<std::vector<std::string>> read_string_list(const YamlDocument& document,
                                                         const YAML::Node& node,
                                                         Diagnostics& diagnostics) {
    std::vector<std::string> values;
    if (node.IsScalar()) {
        values.push_back(node.Scalar());
        return values;
    }
    if (!node.IsSequence()) {
        error_at(document, node, "expected a list of strings, found " + type_name(node),
                 diagnostics);
        return std::nullopt;
    }
    bool ok = true;
    for (const auto& item : node) {
        if (auto value = read_string(document, item, diagnostics)) {
            values.push_back(*value);
        } else {
            ok = false;
        }
    }
    if (!ok) return std::nullopt;
    return values;
}

bool is_quoted_scalar(const YAML::Node& node) { return node.IsScalar() && node.Tag() == "!"; }

}  // namespace spreekbuis::rules
