#pragma once
// Where a Redis server is and how to log in to it: the keys that a `redis` source and the
// `ingest` section share, read and checked one way, and the session start both use.
#include <boost/asio/awaitable.hpp>
#include <boost/asio/ssl/context.hpp>
#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "connectors/redis/connection.hpp"
#include "rules/diagnostic.hpp"
#include "rules/yaml_source.hpp"

namespace spreekbuis::connectors::redis {

struct ServerSettings {
    std::string host = "127.0.0.1";
    std::string port = "6379";
    std::string username;  // ACL user; "" = the default user
    std::string password;  // "" = no AUTH
    std::int64_t db = 0;
    bool tls = false;  // TLS to the server, its certificate checked against the trusted CAs
    // With tls: a client certificate and its key (PEM files, absolute paths), for a server
    // that asks for one (tls-auth-clients yes). Both or neither.
    std::string tls_cert;
    std::string tls_key;
    // Not in YAML (tests and tuning):
    std::chrono::milliseconds connect_timeout{10000};
    std::chrono::milliseconds reply_timeout{10000};
};

// The keys read_server_settings reads, and the caller's own after them: for check_keys.
std::vector<std::string_view> with_server_keys(std::initializer_list<std::string_view> own);

// Reads host, port, tls, tls_cert and tls_key (both read at once, so that `check` reports a
// missing file or a key of another certificate), username, password and db of `node` into
// `settings`. Errors and warnings go to `diagnostics`, at the keys.
void read_server_settings(const rules::YamlDocument& document, const YAML::Node& node,
                          const std::string& base_dir, ServerSettings& settings,
                          rules::Diagnostics& diagnostics);

// A key or name at `key` (expanded as every configuration string): 1 to 1024 bytes without
// control characters, else an error at it. Unchanged `out` when the key is absent.
void read_name(const rules::YamlDocument& document, const YAML::Node& node, const char* key,
               const std::string& base_dir, std::string& out, rules::Diagnostics& diagnostics);

// The integer at `key` when it is in low..high, else an error (with `hint`) and nullopt.
std::optional<std::int64_t> read_in_range(const rules::YamlDocument& document,
                                          const YAML::Node& node, const char* key, std::int64_t low,
                                          std::int64_t high, const char* hint,
                                          rules::Diagnostics& diagnostics);

// The client TLS context `settings` ask for: nullptr without tls; nullptr and `error` when it
// cannot be made (no CA store, an unreadable client certificate).
std::shared_ptr<boost::asio::ssl::context> make_tls_context(const ServerSettings& settings,
                                                            std::string& error);

// Connects `connection` and logs in (AUTH, SELECT). "" when ready, else what failed; AUTH's
// reply is never shown, as a server's error could echo what was sent.
boost::asio::awaitable<std::string> open_session(Connection& connection,
                                                 const ServerSettings& settings);

}  // namespace spreekbuis::connectors::redis
