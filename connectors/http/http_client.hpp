#pragma once
// A small async HTTP/1.1 client (Boost.Beast) for sinks: one request per connection, a timeout
// on every operation (resolve, connect, TLS handshake, write, read), a response body limit,
// and TLS through OpenSSL with SNI and certificate + host name verification. An HttpClient is
// used from one executor (a sink's strand); the TLS context may be shared.
#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/ssl/context.hpp>
#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "connectors/sinks/classify.hpp"
#include "connectors/sinks/sink.hpp"

namespace spreekbuis::connectors::http {

struct Url {
    bool tls = false;
    std::string host;
    std::string port;    // "443", "80" or explicit
    std::string target;  // path and query, at least "/"
};
// Accepts http:// and https:// URLs with an optional port; IPv6 hosts in brackets.
std::optional<Url> parse_url(std::string_view url, std::string* error = nullptr);

struct ClientOptions {
    std::chrono::milliseconds connect_timeout{10000};  // resolve + connect + TLS handshake
    std::chrono::milliseconds request_timeout{30000};  // write + read of the response
    std::size_t body_limit = 1024 * 1024;
    std::string user_agent = "spreekbuis";
};

struct Response {
    int status = 0;
    sinks::Headers headers;
    std::string body;
};

struct Result {
    std::optional<Response> response;  // nullopt: transport failure described by `error`
    std::string error;
};

// Client TLS context: TLS 1.2+, system CA store, peer verification on. nullptr + error on
// failure (for example no CA store).
std::shared_ptr<boost::asio::ssl::context> make_client_tls_context(std::string& error);

// Gives `context` a client certificate (a PEM file, the client's own certificate first, then
// any intermediates) and its private key (a PEM file, unencrypted), for servers that ask
// clients to prove who they are (mutual TLS). "" when both were read and the key belongs to the
// certificate, else what was wrong.
std::string use_client_certificate(boost::asio::ssl::context& context,
                                   const std::string& certificate_file,
                                   const std::string& key_file);

class HttpClient {
  public:
    HttpClient(boost::asio::any_io_executor executor,
               std::shared_ptr<boost::asio::ssl::context> tls, ClientOptions options);
    boost::asio::awaitable<Result> request(const sinks::HttpRequestSpec& spec);
    const ClientOptions& options() const { return options_; }

  private:
    boost::asio::any_io_executor executor_;
    std::shared_ptr<boost::asio::ssl::context> tls_;
    ClientOptions options_;
};

}  // namespace spreekbuis::connectors::http
