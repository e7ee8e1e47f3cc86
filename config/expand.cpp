#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "config/config.hpp"

namespace spreekbuis::config {

namespace {

constexpr std::size_t kMaxSubstitutedFile = 1024 * 1024;
constexpr int kMaxNesting = 4;

// Expands one string; `base` is the value's offset inside the scalar, for error columns.
class Expander {
  public:
    Expander(const rules::YamlDocument& document, const YAML::Node& node,
             const std::string& base_dir, rules::Diagnostics& diagnostics)
        : document_(document), node_(node), base_dir_(base_dir), diagnostics_(diagnostics) {}

    std::optional<std::string> expand(std::string_view value, std::size_t base, int depth) {
        std::string out;
        bool ok = true;
        std::size_t i = 0;
        while (i < value.size()) {
            if (value.substr(i, 3) == "$${") {
                out += "${";
                i += 3;
                continue;
            }
            if (value.substr(i, 2) != "${") {
                out += value[i++];
                continue;
            }
            const auto close = matching_brace(value, i + 2);
            if (close == std::string_view::npos) {
                error(base + i, "unterminated '${' (missing '}')", "write $${ for a literal ${");
                return std::nullopt;
            }
            const auto inner = value.substr(i + 2, close - i - 2);
            const auto colon = inner.find(':');
            const auto kind = inner.substr(0, colon);
            const auto argument =
                colon == std::string_view::npos ? std::string_view{} : inner.substr(colon + 1);
            const auto argument_offset = base + i + 2 + colon + 1;
            std::optional<std::string> replacement;
            if (colon != std::string_view::npos && kind == "env") {
                replacement = env_value(argument, base + i);
            } else if (colon != std::string_view::npos && kind == "file") {
                replacement = file_value(argument, argument_offset, base + i, depth);
            } else {
                error(base + i, "unknown substitution '${" + std::string(inner) + "}'",
                      "use ${env:NAME} or ${file:PATH}; write $${ for a literal ${");
            }
            if (replacement) {
                out += *replacement;
            } else {
                ok = false;
            }
            i = close + 1;
        }
        if (!ok) return std::nullopt;
        return out;
    }

  private:
    static std::size_t matching_brace(std::string_view value, std::size_t from) {
        int depth = 1;
        std::size_t i = from;
        while (i < value.size()) {
            if (value.substr(i, 3) == "$${") {
                i += 3;
            } else if (value.substr(i, 2) == "${") {
                ++depth;
                i += 2;
            } else if (value[i] == '}') {
                if (--depth == 0) return i;
                ++i;
            } else {
                ++i;
            }
        }
        return std::string_view::npos;
    }

    static bool valid_env_name(std::string_view name) {
        if (name.empty() || (name[0] >= '0' && name[0] <= '9')) return false;
        for (const char c : name) {
            const bool good = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
                              (c >= '0' && c <= '9') || c == '_';
            if (!good) return false;
        }
        return true;
    }

    std::optional<std::string> env_value(std::string_view name, std::size_t offset) {
        if (!valid_env_name(name)) {
            error(offset, "invalid environment variable name '" + std::string(name) + "'",
                  "names are letters, digits and _, e.g. ${env:SPREEKBUIS_LINK_SECRET}");
            return std::nullopt;
        }
        const std::string key(name);
        const char* value = std::getenv(key.c_str());
        if (value == nullptr) {
            error(offset, "environment variable '" + key + "' is not set",
                  "export " + key +
                      " before starting spreekbuis, or set it in the unit's "
                      "Environment= or EnvironmentFile=");
            return std::nullopt;
        }
        return std::string(value);
    }

    std::optional<std::string> file_value(std::string_view argument, std::size_t argument_offset,
                                          std::size_t offset, int depth) {
        if (depth >= kMaxNesting) {
            error(offset, "substitutions nested too deeply");
            return std::nullopt;
        }
        auto path = expand(argument, argument_offset, depth + 1);
        if (!path) return std::nullopt;
        if (path->empty()) {
            error(offset, "empty file name in ${file:...}");
            return std::nullopt;
        }
        std::filesystem::path resolved(*path);
        if (resolved.is_relative()) resolved = std::filesystem::path(base_dir_) / resolved;
        resolved = resolved.lexically_normal();
        std::error_code ec;
        if (std::filesystem::is_directory(resolved, ec)) {
            error(offset, "'" + resolved.string() + "' is a directory, not a file");
            return std::nullopt;
        }
        std::ifstream in(resolved, std::ios::binary);
        if (!in) {
            error(offset, "cannot read file '" + resolved.string() + "'",
                  "check that it exists and that the service user may read it");
            return std::nullopt;
        }
        std::string content;
        char buffer[4096];
        while (in.read(buffer, sizeof buffer) || in.gcount() > 0) {
            content.append(buffer, static_cast<std::size_t>(in.gcount()));
            if (content.size() > kMaxSubstitutedFile) {
                error(offset, "file '" + resolved.string() + "' is larger than 1 MiB");
                return std::nullopt;
            }
        }
        while (!content.empty() && (content.back() == '\n' || content.back() == '\r')) {
            content.pop_back();
        }
        return content;
    }

    // Points at the `${` when the scalar's source text is verbatim there, else at the node.
    void error(std::size_t offset, std::string message, std::string hint = {}) {
        const auto mark = node_.Mark();
        std::size_t column_offset = 0;
        if (!mark.is_null() && mark.pos >= 0) {
            const auto start = static_cast<std::size_t>(mark.pos);
            const std::size_t quote = rules::is_quoted_scalar(node_) ? 1 : 0;
            const auto at = start + quote + offset;
            const auto& text = document_.text;
            const bool same_line =
                at < text.size() && text.find('\n', start) >= at && text.compare(at, 2, "${") == 0;
            if (same_line) column_offset = quote + offset;
        }
        rules::error_at_offset(document_, node_, column_offset, std::move(message), diagnostics_,
                               std::move(hint));
    }

    const rules::YamlDocument& document_;
    const YAML::Node& node_;
    const std::string& base_dir_;
    rules::Diagnostics& diagnostics_;
};

}  // namespace

std::optional<std::string> read_expanded_string(const rules::YamlDocument& document,
                                                const YAML::Node& node, const std::string& base_dir,
                                                rules::Diagnostics& diagnostics) {
    auto raw = rules::read_string(document, node, diagnostics);
    if (!raw) return std::nullopt;
    Expander expander(document, node, base_dir, diagnostics);
    return expander.expand(*raw, 0, 0);
}

}  // namespace spreekbuis::config
