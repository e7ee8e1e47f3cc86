#include "daemon/notify_test.hpp"

#include <boost/asio/io_context.hpp>
#include <chrono>
#include <filesystem>

#include "connectors/http/http_client.hpp"
#include "connectors/sinks/sink.hpp"
#include "daemon/delivery/dispatcher.hpp"
#include "daemon/delivery/outbox.hpp"
#include "daemon/delivery/sink_config.hpp"
#include "daemon/exit_codes.hpp"
#include "daemon/routing/clock.hpp"

namespace spreekbuis::daemon {

namespace {
connectors::Alert make_test_alert(const std::string& sink, std::int64_t now_ms) {
    connectors::Alert alert;
    alert.id = "notify-test:" + sink + ":" + std::to_string(now_ms);
    alert.kind = connectors::AlertKind::test;
    alert.sink = sink;
    alert.title = "spreekbuis test message";
    alert.why = "sent by 'spreekbuis notify-test' to check this sink before going live";
    alert.created_at_ms = now_ms;
    alert.post.id = "test";
    alert.post.text = "If you can read this, alerts reach this channel.";
    alert.post.author.handle = "spreekbuis";
    return alert;
}
}  // namespace

int send_test_alert(const config::Config& config, const std::string& sink_name, std::FILE* out,
                    std::FILE* err) {
    const config::PluginConfig* plugin = nullptr;
    for (const auto& sink : config.sinks) {
        if (sink.name == sink_name) plugin = &sink;
    }
    if (!plugin) {
        std::fprintf(err, "notify-test: no sink named '%s' in %s\n", sink_name.c_str(),
                     config.path.c_str());
        return kExitBadInput;
    }
    const auto now_ms = routing::SystemClock().now_ms();
    auto alert = make_test_alert(sink_name, now_ms);
    if (plugin->type == "console") {
        std::fputs(connectors::sinks::format_console(alert).c_str(), out);
        return kExitOk;
    }
    rules::Diagnostics diagnostics;
    auto delivery_settings = delivery::parse_sink_delivery(*plugin, config, diagnostics);
    if (!delivery_settings) {
        std::fputs(diagnostics.format_all().c_str(), err);
        return kExitBadInput;
    }
    delivery_settings->backoff.max_attempts = 1;  // report the first answer, do not retry

    const auto dir = std::filesystem::temp_directory_path() /
                     ("spreekbuis-notify-test-" + std::to_string(now_ms));
    std::filesystem::create_directories(dir);
    int code = kExitRuntime;
    {
        std::string error;
        auto outbox = delivery::Outbox::open((dir / "outbox.db").string(), error);
        auto tls = outbox ? connectors::http::make_client_tls_context(error) : nullptr;
        if (!outbox || !tls) {
            std::fprintf(err, "notify-test: %s\n", error.c_str());
            std::filesystem::remove_all(dir);
            return kExitRuntime;
        }
        outbox->enqueue(alert, now_ms);
        boost::asio::io_context io;
        delivery::Dispatcher dispatcher(io, std::move(outbox), tls, {*delivery_settings});
        dispatcher.start();
        const auto* counters = dispatcher.counters(sink_name);
        const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
        while (std::chrono::steady_clock::now() < deadline && counters->sent == 0 &&
               counters->dead == 0 && counters->failed == 0 && !counters->disabled) {
            io.run_for(std::chrono::milliseconds(50));
        }
        std::string last_error;
        dispatcher.with_outbox([&](delivery::Outbox& box) {
            if (auto entry = box.get(alert.id)) last_error = entry->last_error;
        });
        if (counters->sent > 0) {
            std::fprintf(out, "notify-test: delivered a test message through '%s'\n",
                         sink_name.c_str());
            code = kExitOk;
        } else {
            const auto reason = dispatcher.disabled_reason(sink_name);
            std::fprintf(err, "notify-test: '%s' did not accept the test message: %s\n",
                         sink_name.c_str(),
                         !reason.empty()       ? reason.c_str()
                         : !last_error.empty() ? last_error.c_str()
                                               : "no answer within 60 s");
        }
        dispatcher.stop();
        io.restart();
        for (int i = 0; i < 100 && dispatcher.running_loops() > 0; ++i) {
            io.run_for(std::chrono::milliseconds(50));
        }
    }
    std::filesystem::remove_all(dir);
    return code;
}

}  // namespace spreekbuis::daemon
