#include "connectors/redis/server.hpp"

#include <filesystem>

#include "config/config.hpp"
#include "connectors/http/http_client.hpp"
#include "connectors/sources/source_support.hpp"

namespace spreekbuis::connectors::redis {

namespace {

constexpr std::size_t kMaxNameBytes = 1024;

bool loopback_host(std::string_view host) {
    return host == "localhost" || host == "::1" || host == "[::1]" || host.starts_with("127.");
}

// tls_cert and tls_key: both or neither, only with tls, and read at once, so that `check` says
// when a file is missing, is no PEM, or holds a key of another certificate.
void read_client_certificate(const rules::YamlDocument& document, const YAML::Node& node,
                             const std::string& base_dir, ServerSettings& settings,
                             rules::Diagnostics& diagnostics) {
    const YAML::Node cert_node = node["tls_cert"];
    const YAML::Node key_node = node["tls_key"];
    if (!cert_node && !key_node) return;
    const YAML::Node first = cert_node ? cert_node : key_node;
    if (!settings.tls) {
        rules::error_at(document, first, "a client certificate needs tls: true", diagnostics,
                        "the certificate is shown in the TLS handshake; add tls: true");
        return;
    }
    if (!cert_node || !key_node) {
        rules::error_at(
            document, first, cert_node ? "tls_cert needs tls_key" : "tls_key needs tls_cert",
            diagnostics, "a client certificate comes with its private key: both as PEM files");
        return;
    }
    std::string cert;
    std::string key;
    if (!config::read_expanded_key(document, node, "tls_cert", base_dir, diagnostics, cert) ||
        !config::read_expanded_key(document, node, "tls_key", base_dir, diagnostics, key)) {
        return;
    }
    const auto resolve = [&](const std::string& path) {
        std::filesystem::path resolved(path);
        if (resolved.is_relative()) resolved = std::filesystem::path(base_dir) / resolved;
        return resolved.lexically_normal().string();
    };
    settings.tls_cert = resolve(cert);
    settings.tls_key = resolve(key);
    boost::asio::ssl::context probe(boost::asio::ssl::context::tls_client);
    const std::string error =
        http::use_client_certificate(probe, settings.tls_cert, settings.tls_key);
    if (!error.empty()) {
        rules::error_at(document, cert_node, "client certificate: " + error, diagnostics,
                        "relative paths are resolved against " + base_dir);
    }
}

}  // namespace

std::vector<std::string_view> with_server_keys(std::initializer_list<std::string_view> own) {
    std::vector<std::string_view> keys = {"host",    "port",     "tls",      "tls_cert",
                                          "tls_key", "username", "password", "db"};
    keys.insert(keys.end(), own.begin(), own.end());
    return keys;
}

void read_name(const rules::YamlDocument& document, const YAML::Node& node, const char* key,
               const std::string& base_dir, std::string& out, rules::Diagnostics& diagnostics) {
    if (!config::read_expanded_key(document, node, key, base_dir, diagnostics, out)) return;
    if (out.empty() || out.size() > kMaxNameBytes || sources::has_control(out)) {
        rules::error_at(document, node[key],
                        std::string(key) + " must be 1 to 1024 bytes without control characters",
                        diagnostics);
    }
}

std::optional<std::int64_t> read_in_range(const rules::YamlDocument& document,
                                          const YAML::Node& node, const char* key, std::int64_t low,
                                          std::int64_t high, const char* hint,
                                          rules::Diagnostics& diagnostics) {
    if (!node[key]) return std::nullopt;
    auto value = rules::read_int(document, node[key], diagnostics);
    if (!value) return std::nullopt;
    if (*value < low || *value > high) {
        rules::error_at(
            document, node[key],
            std::string(key) + " must be " + std::to_string(low) + " to " + std::to_string(high),
            diagnostics, hint);
        return std::nullopt;
    }
    return value;
}

void read_server_settings(const rules::YamlDocument& document, const YAML::Node& node,
                          const std::string& base_dir, ServerSettings& settings,
                          rules::Diagnostics& diagnostics) {
    read_name(document, node, "host", base_dir, settings.host, diagnostics);
    if (node["username"])
        read_name(document, node, "username", base_dir, settings.username, diagnostics);
    if (config::read_expanded_key(document, node, "password", base_dir, diagnostics,
                                  settings.password) &&
        (settings.password.empty() || sources::has_control(settings.password))) {
        rules::error_at(document, node["password"],
                        "password must not be empty or hold control characters", diagnostics,
                        "leave it out when the server needs none; a stray \\r in the file?");
    }
    if (auto port = read_in_range(document, node, "port", 1, 65535,
                                  "Redis listens on 6379 by default", diagnostics)) {
        settings.port = std::to_string(*port);
    }
    if (auto db = read_in_range(document, node, "db", 0, 1000, "the database number SELECT takes",
                                diagnostics)) {
        settings.db = *db;
    }
    if (node["tls"]) {
        if (const auto tls = rules::read_bool(document, node["tls"], diagnostics)) {
            settings.tls = *tls;
        }
    }
    read_client_certificate(document, node, base_dir, settings, diagnostics);
    if (!settings.password.empty() && !settings.tls && !loopback_host(settings.host)) {
        diagnostics.warning(
            rules::position_of(document, node["password"]),
            "the password goes to " + settings.host + " unencrypted (AUTH over plain TCP)",
            "set tls: true when the server offers TLS");
    }
}

std::shared_ptr<boost::asio::ssl::context> make_tls_context(const ServerSettings& settings,
                                                            std::string& error) {
    if (!settings.tls) return nullptr;
    auto context = http::make_client_tls_context(error);
    if (context && !settings.tls_cert.empty()) {
        error = http::use_client_certificate(*context, settings.tls_cert, settings.tls_key);
        if (!error.empty()) return nullptr;
    }
    return context;
}

boost::asio::awaitable<std::string> open_session(Connection& connection,
                                                 const ServerSettings& settings) {
    auto error =
        co_await connection.connect(settings.host, settings.port, settings.connect_timeout);
    if (!error.empty()) co_return error;
    Reply reply;
    if (!settings.password.empty()) {
        std::vector<std::string_view> args{"AUTH"};
        if (!settings.username.empty()) args.push_back(settings.username);
        args.push_back(settings.password);
        error = co_await connection.call(args, reply, settings.reply_timeout);
        if (!error.empty()) co_return "AUTH: " + error;
        if (reply.is_error()) co_return "AUTH refused (check username and password)";
    }
    if (settings.db != 0) {
        const std::string db = std::to_string(settings.db);
        const std::vector<std::string_view> select{"SELECT", db};
        error = co_await connection.call(select, reply, settings.reply_timeout);
        if (!error.empty()) co_return "SELECT: " + error;
        if (reply.is_error()) co_return "SELECT: " + sources::shown(reply.text, 200);
    }
    co_return std::string();
}

}  // namespace spreekbuis::connectors::redis
