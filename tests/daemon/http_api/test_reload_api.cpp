#include <algorithm>
#include <catch2/catch.hpp>
#include <string>

#include "daemon/http_api/admin_server.hpp"

using namespace spreekbuis::daemon::http_api;

namespace {

constexpr const char* kToken = "reload-token-0123456789abcdef";
const std::string kBearer = std::string("Bearer ") + kToken;

std::unique_ptr<AdminServer> make_server(boost::asio::io_context& io, std::string token) {
    AdminOptions options;
    options.listen = "127.0.0.1:0";
    options.secret = "action-secret";
    options.admin_token = std::move(token);
    std::string error;
    auto server = AdminServer::create(io, options, error);
    REQUIRE(server);
    return server;
}

}  // namespace

TEST_CASE("reload API: POST with the admin token runs the reload handler", "[http_api]") {
    boost::asio::io_context io;
    auto server = make_server(io, kToken);
    int calls = 0;
    server->set_reload_handler([&] {
        ++calls;
        return AdminReply{422, "application/json", "{\"ok\":false}\n", {}};
    });
    const auto reply = server->handle("POST", "/api/v1/reload", "", "", kBearer);
    CHECK(reply.status == 422);  // the handler's answer is passed on
    CHECK(reply.body == "{\"ok\":false}\n");
    CHECK(calls == 1);
}

TEST_CASE("reload API: refused without the token, with a wrong one, or when it is off",
          "[http_api]") {
    boost::asio::io_context io;
    auto server = make_server(io, kToken);
    int calls = 0;
    server->set_reload_handler([&] {
        ++calls;
        return AdminReply{};
    });
    CHECK(server->handle("POST", "/api/v1/reload", "", "", "").status == 401);
    CHECK(
        server->handle("POST", "/api/v1/reload", "", "", "Bearer wrong-token-0123456789").status ==
        401);
    const auto get = server->handle("GET", "/api/v1/reload", "", "", kBearer);
    CHECK(get.status == 405);
    const std::pair<std::string, std::string> allow{"Allow", "POST"};
    CHECK(std::find(get.headers.begin(), get.headers.end(), allow) != get.headers.end());
    CHECK(calls == 0);

    boost::asio::io_context other;
    auto off = make_server(other, "");
    off->set_reload_handler([&] {
        ++calls;
        return AdminReply{};
    });
    CHECK(off->handle("POST", "/api/v1/reload", "", "", kBearer).status == 403);
    CHECK(calls == 0);
}

TEST_CASE("reload API: 503 before the daemon set a handler", "[http_api]") {
    boost::asio::io_context io;
    auto server = make_server(io, kToken);
    const auto reply = server->handle("POST", "/api/v1/reload", "", "", kBearer);
    CHECK(reply.status == 503);
    CHECK(reply.body.find("not available") != std::string::npos);
}
