#include "connectors/http/http_client.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <charconv>

#include "connectors/http/connect.hpp"

namespace spreekbuis::connectors::http {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
using tcp = asio::ip::tcp;

std::optional<Url> parse_url(std::string_view url, std::string* error) {
    auto fail = [&](const char* what) -> std::optional<Url> {
        if (error) *error = what;
        return std::nullopt;
    };
    Url out;
    if (url.rfind("https://", 0) == 0) {
        out.tls = true;
        url.remove_prefix(8);
    } else if (url.rfind("http://", 0) == 0) {
        url.remove_prefix(7);
    } else {
        return fail("URL must start with http:// or https://");
    }
    const std::size_t slash = url.find_first_of("/?");
    std::string_view authority = url.substr(0, slash);
    out.target = slash == std::string_view::npos ? "/" : std::string(url.substr(slash));
    if (!out.target.empty() && out.target.front() == '?') out.target.insert(0, "/");
    if (authority.find('@') != std::string_view::npos) return fail("URL must not hold user info");
    std::string_view port;
    if (!authority.empty() && authority.front() == '[') {
        const std::size_t close = authority.find(']');
        if (close == std::string_view::npos) return fail("unclosed '[' in URL host");
        out.host = std::string(authority.substr(1, close - 1));
        const std::string_view rest = authority.substr(close + 1);
        if (!rest.empty()) {
            if (rest.front() != ':') return fail("bad characters after URL host");
            port = rest.substr(1);
        }
    } else {
        const std::size_t colon = authority.rfind(':');
        if (colon != std::string_view::npos) {
            port = authority.substr(colon + 1);
            authority = authority.substr(0, colon);
        }
        out.host = std::string(authority);
    }
    if (out.host.empty()) return fail("URL has no host");
    for (const char c : out.host) {
        if (static_cast<unsigned char>(c) <= 0x20 || c == '/' || c == '\\') {
            return fail("bad character in URL host");
        }
    }
    for (const char c : out.target) {
        if (static_cast<unsigned char>(c) <= 0x20 || c == 0x7F) {
            return fail("URL target must be percent-encoded");
        }
    }
    if (port.empty()) {
        out.port = out.tls ? "443" : "80";
    } else {
        unsigned value = 0;
        const auto [end, ec] = std::from_chars(port.data(), port.data() + port.size(), value);
        if (ec != std::errc() || end != port.data() + port.size() || value == 0 || value > 65535) {
            return fail("bad URL port");
        }
        out.port = std::string(port);
    }
    return out;
}

std::shared_ptr<asio::ssl::context> make_client_tls_context(std::string& error) {
    auto context = std::make_shared<asio::ssl::context>(asio::ssl::context::tls_client);
    boost::system::error_code ec;
    context->set_options(asio::ssl::context::default_workarounds | asio::ssl::context::no_sslv2 |
                             asio::ssl::context::no_sslv3 | asio::ssl::context::no_tlsv1 |
                             asio::ssl::context::no_tlsv1_1,
                         ec);
    if (!ec) context->set_default_verify_paths(ec);
    if (!ec) context->set_verify_mode(asio::ssl::verify_peer, ec);
    if (ec) {
        error = "TLS setup failed: " + ec.message();
        return nullptr;
    }
    return context;
}

std::string use_client_certificate(asio::ssl::context& context, const std::string& certificate_file,
                                   const std::string& key_file) {
    // OpenSSL's reasons ("no start line", "PEM lib") do not say which file: checked one by one.
    boost::system::error_code ec;
    context.use_certificate_chain_file(certificate_file, ec);
    if (ec) return "cannot use " + certificate_file + " as a PEM certificate: " + ec.message();
    const std::string mismatch =
        "the key in " + key_file + " does not belong to the certificate in " + certificate_file;
    context.use_private_key_file(key_file, asio::ssl::context::pem, ec);
    if (ec) {
        // A key that loads on its own is a key of another certificate.
        asio::ssl::context alone(asio::ssl::context::tls_client);
        boost::system::error_code alone_ec;
        alone.use_private_key_file(key_file, asio::ssl::context::pem, alone_ec);
        if (!alone_ec) return mismatch;
        return "cannot use " + key_file + " as a PEM private key: " + ec.message();
    }
    if (SSL_CTX_check_private_key(context.native_handle()) != 1) return mismatch;
    return "";
}

HttpClient::HttpClient(asio::any_io_executor executor, std::shared_ptr<asio::ssl::context> tls,
                       ClientOptions options)
    : executor_(std::move(executor)), tls_(std::move(tls)), options_(std::move(options)) {}

namespace {

bhttp::request<bhttp::string_body> build_request(const sinks::HttpRequestSpec& spec, const Url& url,
                                                 const ClientOptions& options) {
    bhttp::request<bhttp::string_body> request;
    const bhttp::verb verb = bhttp::string_to_verb(spec.method);
    if (verb == bhttp::verb::unknown) {
        request.method_string(spec.method);
    } else {
        request.method(verb);
    }
    request.target(url.target);
    request.version(11);
    const bool default_port = url.port == (url.tls ? "443" : "80");
    const std::string host =
        url.host.find(':') != std::string::npos ? "[" + url.host + "]" : url.host;
    request.set(bhttp::field::host, default_port ? host : host + ":" + url.port);
    request.set(bhttp::field::user_agent, options.user_agent);
    request.set(bhttp::field::connection, "close");
    for (const auto& [name, value] : spec.headers) request.set(name, value);
    request.body() = spec.body;
    request.prepare_payload();
    return request;
}

template <typename Stream>
asio::awaitable<Result> exchange(Stream& stream, beast::tcp_stream& tcp_layer,
                                 const bhttp::request<bhttp::string_body>& request,
                                 const ClientOptions& options) {
    Result result;
    tcp_layer.expires_after(options.request_timeout);
    auto [write_ec, written] =
        co_await bhttp::async_write(stream, request, asio::as_tuple(asio::use_awaitable));
    (void)written;
    if (write_ec) {
        result.error = describe_error("write", write_ec);
        co_return result;
    }
    beast::flat_buffer buffer;
    bhttp::response_parser<bhttp::string_body> parser;
    parser.body_limit(options.body_limit);
    parser.header_limit(64 * 1024);
    auto [read_ec, read] =
        co_await bhttp::async_read(stream, buffer, parser, asio::as_tuple(asio::use_awaitable));
    (void)read;
    if (read_ec) {
        result.error = describe_error("read", read_ec);
        co_return result;
    }
    auto message = parser.release();
    Response response;
    response.status = static_cast<int>(message.result_int());
    for (const auto& field : message) {
        response.headers.emplace_back(std::string(field.name_string()), std::string(field.value()));
    }
    response.body = std::move(message.body());
    result.response = std::move(response);
    co_return result;
}

}  // namespace

asio::awaitable<Result> HttpClient::request(const sinks::HttpRequestSpec& spec) {
    Result result;
    std::string url_error;
    const auto url = parse_url(spec.url, &url_error);
    if (!url) {
        result.error = "bad URL: " + url_error;
        co_return result;
    }
    if (url->tls && !tls_) {
        result.error = "https URL but no TLS context";
        co_return result;
    }

    const auto request = build_request(spec, *url, options_);
    if (!url->tls) {
        PlainStream stream(executor_);
        result.error = co_await connect_plain(stream, *url, options_.connect_timeout);
        if (!result.error.empty()) co_return result;
        result = co_await exchange(stream, stream, request, options_);
        boost::system::error_code ignored;
        stream.socket().shutdown(tcp::socket::shutdown_both, ignored);
        co_return result;
    }

    TlsStream stream(executor_, *tls_);
    result.error = co_await connect_tls(stream, *url, options_.connect_timeout);
    if (!result.error.empty()) co_return result;
    auto& layer = beast::get_lowest_layer(stream);
    result = co_await exchange(stream, layer, request, options_);
    layer.expires_after(std::chrono::seconds(2));
    auto [shutdown_ec] = co_await stream.async_shutdown(asio::as_tuple(asio::use_awaitable));
    (void)shutdown_ec;  // servers often close without close_notify; the response is complete
    co_return result;
}

}  // namespace spreekbuis::connectors::http
