#pragma once
// Test helper: a real redis-server (the Debian package, installed by scripts/dev.sh) started on
// a free loopback port with no persistence, stopped when the object goes. `command` is a
// blocking client on our own RESP code, for setting up and inspecting streams.
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/use_future.hpp>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <optional>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "connectors/redis/connection.hpp"

extern char** environ;

namespace spreekbuis::test {

inline bool redis_server_installed() {
    return std::filesystem::exists("/usr/bin/redis-server") ||
           std::system("command -v redis-server >/dev/null 2>&1") == 0;
}

inline unsigned short free_loopback_port() {
    boost::asio::io_context io;
    boost::asio::ip::tcp::acceptor acceptor(io, {boost::asio::ip::make_address("127.0.0.1"), 0});
    return acceptor.local_endpoint().port();
}

// One command on a fresh connection; throws when there is no reply (a test failure).
inline connectors::redis::Reply redis_command(unsigned short port, std::vector<std::string> args,
                                              const std::string& password = {}) {
    boost::asio::io_context io;
    auto task = [&]() -> boost::asio::awaitable<connectors::redis::Reply> {
        connectors::redis::Connection connection(co_await boost::asio::this_coro::executor, {});
        auto error =
            co_await connection.connect("127.0.0.1", std::to_string(port), std::chrono::seconds(5));
        if (!error.empty()) throw std::runtime_error(error);
        connectors::redis::Reply reply;
        if (!password.empty()) {
            const std::vector<std::string_view> auth{"AUTH", password};
            error = co_await connection.call(auth, reply, std::chrono::seconds(5));
            if (!error.empty() || reply.is_error()) throw std::runtime_error("AUTH failed");
        }
        std::vector<std::string_view> views(args.begin(), args.end());
        error = co_await connection.call(views, reply, std::chrono::seconds(5));
        if (!error.empty()) throw std::runtime_error(error);
        co_return reply;
    };
    auto result = boost::asio::co_spawn(io, task(), boost::asio::use_future);
    io.run();
    return result.get();
}

// A certificate and key (PEM) for the server's TLS port.
struct RedisTls {
    std::string cert_pem;
    std::string key_pem;
    // Set: clients must show a certificate this CA (PEM) signed (tls-auth-clients yes).
    std::string client_ca_pem;
};

class RedisServer {
  public:
    // With `tls`, the server also listens for TLS on tls_port() (client certificates only when
    // tls->client_ca_pem is set); the plain port stays open for the test's own setup commands.
    explicit RedisServer(std::string password = {}, std::optional<RedisTls> tls = std::nullopt)
        : port_(free_loopback_port()), password_(password) {
        dir_ = std::filesystem::temp_directory_path() /
               ("spreekbuis-redis-" + std::to_string(::getpid()) + "-" + std::to_string(port_));
        std::filesystem::create_directories(dir_);
        std::vector<std::string> args{"redis-server",
                                      "--port",
                                      std::to_string(port_),
                                      "--bind",
                                      "127.0.0.1",
                                      "--save",
                                      "",
                                      "--appendonly",
                                      "no",
                                      "--dir",
                                      dir_.string(),
                                      "--logfile",
                                      (dir_ / "redis.log").string()};
        if (!password.empty()) {
            args.push_back("--requirepass");
            args.push_back(password);
        }
        if (tls) {
            tls_port_ = free_loopback_port();
            std::ofstream(dir_ / "server.pem") << tls->cert_pem;
            std::ofstream(dir_ / "server.key") << tls->key_pem;
            const bool client_certs = !tls->client_ca_pem.empty();
            if (client_certs) std::ofstream(dir_ / "clients.pem") << tls->client_ca_pem;
            const auto ca_file = dir_ / (client_certs ? "clients.pem" : "server.pem");
            for (std::string arg :
                 {std::string("--tls-port"), std::to_string(tls_port_),
                  std::string("--tls-cert-file"), (dir_ / "server.pem").string(),
                  std::string("--tls-key-file"), (dir_ / "server.key").string(),
                  std::string("--tls-ca-cert-file"), ca_file.string(),
                  std::string("--tls-auth-clients"), std::string(client_certs ? "yes" : "no")}) {
                args.push_back(std::move(arg));
            }
        }
        std::vector<char*> argv;
        for (auto& arg : args) argv.push_back(arg.data());
        argv.push_back(nullptr);
        if (posix_spawnp(&pid_, "redis-server", nullptr, nullptr, argv.data(), environ) != 0) {
            pid_ = -1;
            throw std::runtime_error("cannot start redis-server (apt-get install redis-server)");
        }
        // Ready once it accepts a connection.
        for (int i = 0; i < 500; ++i) {
            boost::asio::io_context io;
            boost::asio::ip::tcp::socket socket(io);
            boost::system::error_code ec;
            socket.connect({boost::asio::ip::make_address("127.0.0.1"), port_}, ec);
            if (!ec) return;
            std::this_thread::sleep_for(std::chrono::milliseconds(10));
        }
        throw std::runtime_error("redis-server did not start on port " + std::to_string(port_));
    }
    ~RedisServer() {
        if (pid_ > 0) {
            ::kill(pid_, SIGTERM);
            int status = 0;
            ::waitpid(pid_, &status, 0);
        }
        std::error_code ec;
        std::filesystem::remove_all(dir_, ec);
    }
    RedisServer(const RedisServer&) = delete;
    RedisServer& operator=(const RedisServer&) = delete;

    unsigned short port() const { return port_; }
    unsigned short tls_port() const { return tls_port_; }  // 0 without TLS
    connectors::redis::Reply command(std::vector<std::string> args) const {
        return redis_command(port_, std::move(args), password_);
    }

  private:
    unsigned short port_;
    unsigned short tls_port_ = 0;
    std::string password_;
    pid_t pid_ = -1;
    std::filesystem::path dir_;
};

}  // namespace spreekbuis::test
