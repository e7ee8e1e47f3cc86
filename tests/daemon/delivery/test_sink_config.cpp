#include <catch2/catch.hpp>
#include <memory>

#include "daemon/delivery/sink_config.hpp"

using namespace spreekbuis;
using namespace spreekbuis::daemon::delivery;
using connectors::sinks::Service;

namespace {

struct Parsed {
    std::optional<SinkDelivery> delivery;
    rules::Diagnostics diagnostics;
};

Parsed parse(const std::string& type, const std::string& yaml, bool http = true) {
    Parsed out;
    auto doc = rules::load_yaml_text("spreekbuis.yaml", yaml, out.diagnostics);
    REQUIRE(doc);
    auto shared = std::make_shared<const rules::YamlDocument>(std::move(*doc));
    config::PluginConfig plugin{"chat", type, shared->root, shared};
    config::Config cfg;
    cfg.base_dir = ".";
    cfg.http.enabled = http;
    cfg.http.listen = "127.0.0.1:8080";
    cfg.http.secret = "link-secret";
    out.delivery = parse_sink_delivery(plugin, cfg, out.diagnostics);
    return out;
}

}  // namespace

TEST_CASE("sink config: each type reads its keys", "[sink_config]") {
    auto p = parse("slack", "name: chat\ntype: slack\ntoken: xoxb-1\ndestination: C1\n");
    REQUIRE(p.delivery);
    CHECK(p.delivery->settings.service == Service::slack_api);
    CHECK(p.delivery->settings.actions.base_url == "http://127.0.0.1:8080");
    CHECK(p.delivery->settings.actions.secret == "link-secret");
    p = parse("slack", "name: chat\ntype: slack\nurl: https://hooks.slack.com/services/T/B/X\n");
    REQUIRE(p.delivery);
    CHECK(p.delivery->settings.service == Service::slack_webhook);
    p = parse("matrix",
              "name: chat\ntype: matrix\nurl: https://m.example.org\ntoken: t\n"
              "destination: '!r:example.org'\ntimeout: 5\nmax_attempts: 9\n",
              false);
    REQUIRE(p.delivery);
    CHECK(p.delivery->http.request_timeout == std::chrono::seconds(5));
    CHECK(p.delivery->backoff.max_attempts == 9);
    CHECK(p.delivery->settings.actions.base_url.empty());
    CHECK_FALSE(parse("console", "name: c\ntype: console\n").delivery);
}

TEST_CASE("sink config: errors point at the entry", "[sink_config]") {
    auto p = parse("telegram", "name: chat\ntype: telegram\ntokn: x\n");
    CHECK_FALSE(p.delivery);
    CHECK(p.diagnostics.format_all().find("unknown key 'tokn'") != std::string::npos);
    p = parse("telegram", "name: chat\ntype: telegram\ntoken: x\n");
    CHECK_FALSE(p.delivery);
    CHECK(p.diagnostics.format_all().find("'destination' is required") != std::string::npos);
    p = parse("webhook", "name: chat\ntype: webhook\nurl: https://x\nsecret: nope\ntimeout: 0\n");
    CHECK_FALSE(p.delivery);
    CHECK(p.diagnostics.error_count() == 2);
    p = parse("discord", "name: chat\ntype: discord\nurl: https://d/x\ntemplate: '{{nope}}'\n");
    CHECK_FALSE(p.delivery);
    CHECK(p.diagnostics.format_all().find("unknown template field 'nope'") != std::string::npos);
}
