#include "config/config.hpp"

#include <glob.h>

#include <algorithm>
#include <filesystem>
#include <map>
#include <string_view>
#include <utility>

namespace spreekbuis::config {

namespace {

namespace fs = std::filesystem;
using rules::Diagnostics;
using rules::YamlDocument;

const std::vector<std::string> kLogLevels = {"trace", "debug", "info", "warn", "error", "off"};
const std::vector<std::string> kSourceTypes = {"replay",  "mastodon", "jetstream", "x",
                                               "webhook", "reddit",   "redis"};
const std::vector<std::string> kSinkTypes = {"console", "slack",  "mattermost", "teams",
                                             "discord", "matrix", "telegram",   "webhook"};
constexpr std::int64_t kMinWorkers = 1;
constexpr std::int64_t kMaxWorkers = 64;
constexpr std::int64_t kMinQueue = 16;
constexpr std::int64_t kMaxQueue = 10'000'000;
constexpr std::size_t kMinSecretBytes = 16;

std::string join(const std::vector<std::string>& words) {
    std::string out;
    for (const auto& word : words) out += (out.empty() ? "" : ", ") + word;
    return out;
}

std::string resolve(const std::string& base_dir, const std::string& path) {
    fs::path p(path);
    if (p.is_relative()) p = fs::path(base_dir) / p;
    return p.lexically_normal().string();
}

std::string escape_glob(const std::string& text) {
    std::string out;
    for (const char c : text) {
        if (c == '*' || c == '?' || c == '[' || c == '\\') out += '\\';
        out += c;
    }
    return out;
}

bool is_glob(const std::string& text) { return text.find_first_of("*?[") != std::string::npos; }

// Whole numbers may be written with digit separators: 10_000_000.
std::optional<std::int64_t> read_count(const YamlDocument& document, const YAML::Node& node,
                                       Diagnostics& diagnostics) {
    if (node.IsScalar()) {
        std::string text = node.Scalar();
        const bool separated = text.find('_') != std::string::npos && text.front() != '_' &&
                               text.back() != '_' && text.find("__") == std::string::npos;
        if (separated) {
            text.erase(std::remove(text.begin(), text.end(), '_'), text.end());
            YAML::Node plain(text);
            Diagnostics ignored;
            if (auto value = rules::read_int(document, plain, ignored)) return value;
        }
    }
    return rules::read_int(document, node, diagnostics);
}

// Reports keys that appear twice in one map (yaml-cpp silently keeps the first).
void check_duplicate_keys(const YamlDocument& document, const YAML::Node& map,
                          std::string_view what, Diagnostics& diagnostics) {
    if (!map.IsMap()) return;
    std::map<std::string, int> seen;
    for (const auto& entry : map) {
        if (!entry.first.IsScalar()) continue;
        const auto& key = entry.first.Scalar();
        const int line = rules::position_of(document, entry.first).line;
        if (auto [it, inserted] = seen.emplace(key, line); !inserted) {
            rules::error_at(document, entry.first,
                            "duplicate key '" + key + "' in " + std::string(what) +
                                " (first at line " + std::to_string(it->second) + ")",
                            diagnostics);
        }
    }
}

// host:port, [v6]:port; port 0..65535 (0 lets the kernel choose, for tests).
bool valid_listen(std::string_view listen) {
    const auto colon = listen.rfind(':');
    if (colon == std::string_view::npos || colon == 0) return false;
    auto host = listen.substr(0, colon);
    const auto port = listen.substr(colon + 1);
    if (port.empty() || port.size() > 5) return false;
    unsigned value = 0;
    for (const char c : port) {
        if (c < '0' || c > '9') return false;
        value = value * 10 + static_cast<unsigned>(c - '0');
    }
    if (value > 65535) return false;
    if (host.front() == '[') {
        if (host.size() < 3 || host.back() != ']') return false;
        for (const char c : host.substr(1, host.size() - 2)) {
            const bool good = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') ||
                              (c >= 'A' && c <= 'F') || c == ':' || c == '.';
            if (!good) return false;
        }
        return true;
    }
    for (const char c : host) {
        const bool good = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') ||
                          (c >= 'A' && c <= 'Z') || c == '.' || c == '-' || c == '_';
        if (!good) return false;
    }
    return true;
}

bool valid_plugin_name(std::string_view name) {
    if (name.empty() || name.size() > 64) return false;
    for (const char c : name) {
        const bool good = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') ||
                          (c >= 'A' && c <= 'Z') || c == '.' || c == '-' || c == '_';
        if (!good) return false;
    }
    return true;
}

// Builds one Config from one document; single-threaded, lives for one load. Messages echo
// the text as written, never a substituted value, so secrets stay out of logs.
class Loader {
  public:
    Loader(std::shared_ptr<const YamlDocument> document, std::string base_dir,
           Diagnostics& diagnostics)
        : document_(std::move(document)), doc_(*document_), diagnostics_(diagnostics) {
        config_.path = doc_.path;
        config_.base_dir = std::move(base_dir);
        config_.document = document_;
        config_.state_dir = resolve(config_.base_dir, config_.state_dir);
    }

    std::optional<Config> load() {
        const auto& root = doc_.root;
        if (root.IsNull() || !root.IsDefined()) {
            diagnostics_.error(rules::SourcePos{doc_.path, 1, 1}, "the configuration is empty",
                               "start from config/examples/generic/spreekbuis.yaml; at least "
                               "'rules:' is needed");
            return std::nullopt;
        }
        rules::check_keys(doc_, root,
                          {"log_level", "state_dir", "workers", "queue_capacity", "rules", "people",
                           "routing", "reload", "audit", "ingest", "http", "sources", "sinks"},
                          "the configuration", diagnostics_);
        if (!root.IsMap()) return std::nullopt;
        check_duplicate_keys(doc_, root, "the configuration", diagnostics_);

        bool have_rules = false;
        for (const auto& entry : root) {
            const auto key = entry.first.Scalar();
            const auto& value = entry.second;
            if (key == "log_level") {
                read_log_level(value);
            } else if (key == "state_dir") {
                if (auto text = expanded(value)) {
                    if (text->empty()) {
                        rules::error_at(doc_, value, "state_dir must not be empty", diagnostics_);
                    } else {
                        config_.state_dir = resolve(config_.base_dir, *text);
                    }
                }
            } else if (key == "workers") {
                if (auto n = ranged(value, "workers", kMinWorkers, kMaxWorkers)) {
                    config_.workers = static_cast<unsigned>(*n);
                }
            } else if (key == "queue_capacity") {
                if (auto n = ranged(value, "queue_capacity", kMinQueue, kMaxQueue)) {
                    config_.queue_capacity = static_cast<std::size_t>(*n);
                }
            } else if (key == "rules") {
                have_rules = true;
                read_rules(value);
            } else if (key == "people") {
                read_people(value);
            } else if (key == "routing") {
                read_routing(value);
            } else if (key == "reload") {
                read_section(value, "reload", config_.reload);
            } else if (key == "audit") {
                read_section(value, "audit", config_.audit);
            } else if (key == "ingest") {
                read_section(value, "ingest", config_.ingest);
            } else if (key == "http") {
                read_http(entry.first, value);
            } else if (key == "sources") {
                read_plugins(value, "source", kSourceTypes, config_.sources);
            } else if (key == "sinks") {
                read_plugins(value, "sink", kSinkTypes, config_.sinks);
            }
        }
        if (!have_rules) {
            rules::error_at(doc_, root, "missing key 'rules' in the configuration", diagnostics_,
                            "add e.g. 'rules: [rules/*.yaml]' (paths relative to this file)");
        }
        if (diagnostics_.has_errors()) return std::nullopt;
        return std::move(config_);
    }

  private:
    std::optional<std::string> expanded(const YAML::Node& node) {
        return read_expanded_string(doc_, node, config_.base_dir, diagnostics_);
    }

    std::optional<std::int64_t> ranged(const YAML::Node& node, const std::string& what,
                                       std::int64_t low, std::int64_t high) {
        auto value = read_count(doc_, node, diagnostics_);
        if (!value) return std::nullopt;
        if (*value < low || *value > high) {
            rules::error_at(doc_, node,
                            what + " must be between " + std::to_string(low) + " and " +
                                std::to_string(high) + ", found " + std::to_string(*value),
                            diagnostics_);
            return std::nullopt;
        }
        return value;
    }

    void read_log_level(const YAML::Node& node) {
        auto level = expanded(node);
        if (!level) return;
        if (std::find(kLogLevels.begin(), kLogLevels.end(), *level) != kLogLevels.end()) {
            config_.log_level = *level;
            return;
        }
        auto best = rules::closest_match(*level, kLogLevels);
        for (const auto& known : kLogLevels) {
            if (best.empty() && level->size() > known.size() && level->starts_with(known)) {
                best = known;
            }
        }
        rules::error_at(
            doc_, node, "unknown log_level '" + node.Scalar() + "'", diagnostics_,
            best.empty() ? "one of: " + join(kLogLevels) : "did you mean '" + best + "'?");
    }

    void read_rules(const YAML::Node& node) {
        std::vector<YAML::Node> entries;
        if (node.IsScalar()) {
            entries.push_back(node);
        } else if (node.IsSequence() && node.size() > 0) {
            for (const auto& item : node) entries.push_back(item);
        } else {
            rules::error_at(doc_, node, "rules must be a file, a glob or a list of them",
                            diagnostics_, "e.g. rules: [rules/*.yaml]");
            return;
        }
        for (const auto& entry : entries) {
            auto pattern = expanded(entry);
            if (!pattern) continue;
            if (pattern->empty()) {
                rules::error_at(doc_, entry, "empty rule file name", diagnostics_);
                continue;
            }
            std::vector<std::string> found;
            if (is_glob(*pattern)) {
                found = expand_glob(*pattern);
            } else {
                const auto path = resolve(config_.base_dir, *pattern);
                std::error_code ec;
                if (fs::is_regular_file(path, ec)) found.push_back(path);
            }
            if (found.empty()) {
                rules::error_at(
                    doc_, entry,
                    (is_glob(*pattern) ? "no rule file matches '" : "rule file not found: '") +
                        entry.Scalar() + "'",
                    diagnostics_, "relative paths are resolved against " + config_.base_dir);
                continue;
            }
            for (auto& path : found) {
                const auto& files = config_.rule_files;
                if (std::find(files.begin(), files.end(), path) == files.end()) {
                    config_.rule_files.push_back(std::move(path));
                }
            }
        }
    }

    std::vector<std::string> expand_glob(const std::string& pattern) {
        std::string full = pattern;
        if (fs::path(pattern).is_relative()) {
            full = escape_glob(config_.base_dir) + "/" + pattern;
        }
        glob_t matches{};
        std::vector<std::string> found;
        if (glob(full.c_str(), 0, nullptr, &matches) == 0) {
            for (std::size_t i = 0; i < matches.gl_pathc; ++i) {
                std::error_code ec;
                const std::string path = fs::path(matches.gl_pathv[i]).lexically_normal();
                if (fs::is_regular_file(path, ec)) found.push_back(path);
            }
        }
        globfree(&matches);
        return found;
    }

    void read_people(const YAML::Node& node) {
        auto text = expanded(node);
        if (!text) return;
        if (text->empty()) return;
        const auto path = resolve(config_.base_dir, *text);
        std::error_code ec;
        if (!fs::is_regular_file(path, ec)) {
            rules::error_at(doc_, node, "people file not found: '" + node.Scalar() + "'",
                            diagnostics_,
                            "relative paths are resolved against " + config_.base_dir);
            return;
        }
        config_.people_file = path;
    }

    void read_routing(const YAML::Node& node) { read_section(node, "routing", config_.routing); }

    // A map the daemon validates itself (routing, reload, audit), kept with its positions.
    void read_section(const YAML::Node& node, const char* name, std::optional<PluginConfig>& out) {
        if (!node.IsMap()) {
            rules::error_at(doc_, node, std::string(name) + " must be a map", diagnostics_);
            return;
        }
        out = PluginConfig{name, name, node, document_};
    }

    void read_http(const YAML::Node& key, const YAML::Node& node) {
        if (!rules::check_keys(doc_, node, {"listen", "public_url", "secret", "admin_token"},
                               "http", diagnostics_) &&
            !node.IsMap()) {
            return;
        }
        check_duplicate_keys(doc_, node, "http", diagnostics_);
        auto& http = config_.http;
        http.enabled = true;
        bool have_secret = false;
        for (const auto& entry : node) {
            const auto name = entry.first.Scalar();
            const auto& value = entry.second;
            if (name == "listen") {
                auto listen = expanded(value);
                if (!listen) continue;
                if (!valid_listen(*listen)) {
                    rules::error_at(doc_, value,
                                    "listen must be host:port, found '" + value.Scalar() + "'",
                                    diagnostics_, "e.g. 127.0.0.1:8080 or [::1]:8080");
                    continue;
                }
                http.listen = *listen;
            } else if (name == "public_url") {
                auto url = expanded(value);
                if (!url) continue;
                if (url->rfind("http://", 0) != 0 && url->rfind("https://", 0) != 0) {
                    rules::error_at(doc_, value, "public_url must start with http:// or https://",
                                    diagnostics_, "e.g. https://spreekbuis.example.com");
                    continue;
                }
                while (!url->empty() && url->back() == '/') url->pop_back();
                http.public_url = *url;
            } else if (name == "secret") {
                have_secret = true;
                auto secret = expanded(value);
                if (!secret) continue;
                if (secret->empty()) {
                    rules::error_at(doc_, value, "http secret is empty", diagnostics_);
                    continue;
                }
                warn_if_short(value, *secret, "http secret");
                http.secret = std::move(*secret);
            } else if (name == "admin_token") {
                read_admin_token(value, http);
            }
        }
        if (!have_secret) {
            rules::error_at(doc_, key, "missing key 'secret' in http", diagnostics_,
                            "action links are signed; add e.g. "
                            "'secret: ${env:SPREEKBUIS_LINK_SECRET}'");
        }
        if (http.public_url.empty()) http.public_url = "http://" + http.listen;
    }

    // Never echoes the value: only where it is and what is wrong with it.
    void read_admin_token(const YAML::Node& value, HttpConfig& http) {
        auto token = expanded(value);
        if (!token) return;
        if (token->empty()) {
            rules::error_at(doc_, value, "http admin_token is empty", diagnostics_,
                            "leave admin_token out to keep the silence API off");
            return;
        }
        for (const char c : *token) {
            const auto byte = static_cast<unsigned char>(c);
            if (byte <= 0x20 || byte == 0x7f) {
                rules::error_at(doc_, value,
                                "http admin_token contains a space or a control character",
                                diagnostics_, "it is sent as 'Authorization: Bearer <token>'");
                return;
            }
        }
        warn_if_short(value, *token, "http admin_token");
        http.admin_token = std::move(*token);
    }

    void warn_if_short(const YAML::Node& value, const std::string& secret, const char* what) {
        if (secret.size() >= kMinSecretBytes) return;
        auto pos = rules::position_of(doc_, value);
        diagnostics_.warning(
            pos,
            std::string(what) + " is shorter than " + std::to_string(kMinSecretBytes) + " bytes",
            "use e.g. the output of 'openssl rand -hex 32'",
            std::string(rules::line_of(doc_.text, pos.line)));
    }

    void read_plugins(const YAML::Node& node, const std::string& kind,
                      const std::vector<std::string>& types, std::vector<PluginConfig>& out) {
        if (node.IsNull()) return;
        if (!node.IsSequence()) {
            rules::error_at(doc_, node, kind + "s must be a list", diagnostics_,
                            "each entry starts with '- name: ...'");
            return;
        }
        std::map<std::string, int> names;
        for (const auto& entry : node) {
            if (!entry.IsMap()) {
                rules::error_at(doc_, entry, "each " + kind + " must be a map with name and type",
                                diagnostics_);
                continue;
            }
            check_duplicate_keys(doc_, entry, kind + " entry", diagnostics_);
            PluginConfig plugin{{}, {}, entry, document_};
            bool ok = true;
            const auto name_node = entry["name"];
            const auto type_node = entry["type"];
            if (!name_node) {
                rules::error_at(doc_, entry, "missing key 'name' in " + kind, diagnostics_);
                ok = false;
            } else if (auto name = expanded(name_node)) {
                if (!valid_plugin_name(*name)) {
                    rules::error_at(doc_, name_node,
                                    "invalid " + kind + " name '" + name_node.Scalar() + "'",
                                    diagnostics_, "use 1 to 64 letters, digits, '.', '-' or '_'");
                    ok = false;
                } else {
                    const int line = rules::position_of(doc_, name_node).line;
                    if (auto [it, inserted] = names.emplace(*name, line); !inserted) {
                        rules::error_at(doc_, name_node,
                                        "duplicate " + kind + " name '" + name_node.Scalar() +
                                            "' (first used at line " + std::to_string(it->second) +
                                            ")",
                                        diagnostics_);
                        ok = false;
                    }
                    plugin.name = *name;
                }
            } else {
                ok = false;
            }
            if (!type_node) {
                rules::error_at(doc_, entry, "missing key 'type' in " + kind, diagnostics_,
                                "one of: " + join(types));
                ok = false;
            } else if (auto type = expanded(type_node)) {
                if (std::find(types.begin(), types.end(), *type) == types.end()) {
                    const auto best = rules::closest_match(*type, types);
                    rules::error_at(
                        doc_, type_node, "unknown " + kind + " type '" + type_node.Scalar() + "'",
                        diagnostics_,
                        best.empty() ? "one of: " + join(types) : "did you mean '" + best + "'?");
                    ok = false;
                }
                plugin.type = *type;
            } else {
                ok = false;
            }
            if (ok) out.push_back(std::move(plugin));
        }
    }

    std::shared_ptr<const YamlDocument> document_;
    const YamlDocument& doc_;
    Diagnostics& diagnostics_;
    Config config_;
};

std::string absolute_dir(const std::string& dir) {
    std::error_code ec;
    fs::path path = dir.empty() ? fs::current_path(ec) : fs::absolute(dir, ec);
    if (ec) path = dir.empty() ? fs::path(".") : fs::path(dir);
    auto normal = path.lexically_normal().string();
    while (normal.size() > 1 && normal.back() == '/') normal.pop_back();
    return normal;
}

ConfigLoadResult load_document(std::optional<YamlDocument> document, std::string base_dir,
                               Diagnostics diagnostics) {
    ConfigLoadResult result;
    result.diagnostics = std::move(diagnostics);
    if (!document) return result;
    auto shared = std::make_shared<const YamlDocument>(std::move(*document));
    Diagnostics found;
    Loader loader(shared, std::move(base_dir), found);
    result.config = loader.load();
    // Reported in the order of the file, whatever order the checks ran in.
    auto items = found.items();
    std::stable_sort(items.begin(), items.end(), [](const auto& a, const auto& b) {
        return std::pair(a.pos.line, a.pos.column) < std::pair(b.pos.line, b.pos.column);
    });
    for (auto& item : items) result.diagnostics.add(std::move(item));
    return result;
}

}  // namespace

ConfigLoadResult load_config(const std::string& path) {
    Diagnostics diagnostics;
    auto document = rules::load_yaml_file(path, diagnostics);
    const auto parent = fs::path(path).parent_path().string();
    return load_document(std::move(document), absolute_dir(parent), std::move(diagnostics));
}

ConfigLoadResult load_config_text(const std::string& label, const std::string& text,
                                  const std::string& base_dir) {
    Diagnostics diagnostics;
    auto document = rules::load_yaml_text(label, text, diagnostics);
    return load_document(std::move(document), absolute_dir(base_dir), std::move(diagnostics));
}

bool read_expanded_key(const rules::YamlDocument& document, const YAML::Node& map, const char* key,
                       const std::string& base_dir, rules::Diagnostics& diagnostics,
                       std::string& out) {
    if (!map[key]) return false;
    auto value = read_expanded_string(document, map[key], base_dir, diagnostics);
    if (!value) return false;
    out = std::move(*value);
    return true;
}

}  // namespace spreekbuis::config
