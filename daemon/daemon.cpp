#include "daemon/daemon.hpp"

#include <spdlog/spdlog.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <condition_variable>
#include <csignal>
#include <filesystem>
#include <mutex>
#include <stop_token>
#include <thread>
#include <vector>

#include "connectors/alert.hpp"
#include "connectors/line_reader.hpp"
#include "connectors/post_decoder.hpp"
#include "daemon/console_sink.hpp"
#include "daemon/decision_record.hpp"
#include "daemon/pipeline.hpp"
#include "daemon/router_setup.hpp"
#include "rules/yaml_source.hpp"

namespace spreekbuis::daemon {

namespace asio = boost::asio;

namespace {

// A replay source: reads a post file at `rate` posts per second (0 = as fast as the pipeline
// takes them), optionally looping. Resumable, so backpressure slows it instead of dropping.
struct ReplaySourceSettings {
    std::string name;
    std::string path;
    double rate = 0.0;
    bool loop = false;
};

std::optional<ReplaySourceSettings> read_replay_settings(const config::PluginConfig& plugin,
                                                          const std::string& base_dir,
                                                          rules::Diagnostics& diagnostics) {
    const auto& document = *plugin.document;
    if (!rules::check_keys(document, plugin.node, {"name", "type", "path", "rate", "loop"},
                           "replay source '" + plugin.name + "'", diagnostics)) {
        return std::nullopt;
    }
    ReplaySourceSettings settings;
    settings.name = plugin.name;
    if (!plugin.node["path"]) {
        rules::error_at(document, plugin.node, "replay source '" + plugin.name + "' needs a path",
                        diagnostics);
        return std::nullopt;
    }
    auto path = config::read_expanded_string(document, plugin.node["path"], base_dir, diagnostics);
    if (!path) return std::nullopt;
    std::filesystem::path resolved(*path);
    if (resolved.is_relative()) resolved = std::filesystem::path(base_dir) / resolved;
    settings.path = resolved.string();
    if (plugin.node["rate"]) {
        auto rate = rules::read_double(document, plugin.node["rate"], diagnostics);
        if (!rate) return std::nullopt;
        if (*rate < 0) {
            rules::error_at(document, plugin.node["rate"], "rate must be 0 or more posts/s",
                            diagnostics);
            return std::nullopt;
        }
        settings.rate = *rate;
    }
    if (plugin.node["loop"]) {
        auto loop = rules::read_bool(document, plugin.node["loop"], diagnostics);
        if (!loop) return std::nullopt;
        settings.loop = *loop;
    }
    return settings;
}

}  // namespace

struct Daemon::Impl {
    Setup setup;
    std::FILE* console;
    asio::io_context io;
    std::stop_source stop;
    std::mutex sleep_mutex;
    std::condition_variable_any sleep_cv;
    std::vector<ReplaySourceSettings> replay_sources;
    std::unique_ptr<RuleSetHolder> holder;
    std::mutex reload_mutex;

    Impl(Setup s, std::FILE* out) : setup(std::move(s)), console(out) {
        holder = std::make_unique<RuleSetHolder>(setup.rules);
    }
};

Daemon::Daemon(Setup setup, std::FILE* console)
    : impl_(std::make_unique<Impl>(std::move(setup), console)) {}

Daemon::~Daemon() = default;

void Daemon::request_stop() {
    impl_->stop.request_stop();
    impl_->sleep_cv.notify_all();
    asio::post(impl_->io, [this] { impl_->io.stop(); });
}

bool Daemon::reload_rules() {
    std::lock_guard lock(impl_->reload_mutex);
    rules::Diagnostics diagnostics;
    auto next = load_rules(impl_->setup.config, true, diagnostics);
    if (!next) {
        ++stats_.reload_failures;
        spdlog::error("rule reload rejected, the previous rules keep serving:\n{}",
                      diagnostics.format_all());
        return false;
    }
    impl_->holder->set(next);
    ++stats_.reloads;
    spdlog::info("rules reloaded: {} rules", next->rule_count());
    return true;
}

int Daemon::run() {
    auto& impl = *impl_;
    rules::Diagnostics diagnostics;
    for (const auto& source : impl.setup.config.sources) {
        if (source.type != "replay") {
            spdlog::error("source '{}': type '{}' is not available in this build", source.name,
                          source.type);
            return 1;
        }
        if (auto settings = read_replay_settings(source, impl.setup.config.base_dir, diagnostics)) {
            impl.replay_sources.push_back(*settings);
        }
    }
    if (diagnostics.has_errors()) {
        spdlog::error("invalid source settings:\n{}", diagnostics.format_all());
        return 1;
    }

    auto routing = make_router(impl.setup.config, RouterMode::live, diagnostics);
    if (diagnostics.has_errors()) {
        spdlog::error("routing could not start:\n{}", diagnostics.format_all());
        return 1;
    }
    ConsoleSink console(impl.console);
    auto deliver = [&](const connectors::Alert& alert) {
        for (const auto& sink : impl.setup.config.sinks) {
            if (sink.name != alert.sink) continue;
            if (sink.type == "console") {
                console.deliver(alert);
                ++stats_.alerts;
                return;
            }
        }
        ++stats_.undeliverable;
        spdlog::warn("alert {} is for sink '{}', which is not configured or not available; "
                     "not delivered", alert.id, alert.sink);
    };
    const std::string default_sink =
        impl.setup.config.sinks.empty() ? std::string() : impl.setup.config.sinks.front().name;
    Pipeline pipeline(*impl.holder, {impl.setup.config.workers, 64}, [&](Batch& batch) {
        if (batch.tick && routing.router) {
            for (const auto& alert : routing.router->tick()) deliver(alert);
        }
        for (std::size_t i = 0; i < batch.items.size(); ++i) {
            const auto& post = batch.items[i].post;
            const auto& verdict = batch.verdicts[i];
            ++stats_.posts_decided;
            if (routing.router) {
                auto decision = routing.router->route(post, verdict);
                spdlog::debug("decision {}",
                              decision_record_json(post, verdict,
                                                   Assignment{decision.team, decision.assignee,
                                                              decision.why, decision.priority}));
                for (const auto& alert : decision.alerts) deliver(alert);
                continue;
            }
            spdlog::debug("decision {}", decision_record_json(post, verdict, Assignment{}));
            if (!verdict.matched && !verdict.complaint) continue;
            auto alert = alert_for_decision(post, verdict);
            alert.sink = default_sink;
            deliver(alert);
        }
    });

    asio::signal_set signals(impl.io, SIGINT, SIGTERM, SIGHUP);
    std::function<void(const boost::system::error_code&, int)> on_signal =
        [&](const boost::system::error_code& error, int number) {
            if (error) return;
            if (number == SIGHUP) {
                spdlog::info("SIGHUP: reloading rules");
                std::thread([this] { reload_rules(); }).detach();
                signals.async_wait(on_signal);
                return;
            }
            spdlog::info("signal {}: stopping after the queued posts are handled", number);
            request_stop();
        };
    signals.async_wait(on_signal);

    std::vector<std::jthread> source_threads;
    const auto stop_token = impl.stop.get_token();
    for (const auto& source : impl.replay_sources) {
        source_threads.emplace_back([&, source] {
            connectors::PostDecoder decoder;
            std::string line;
            do {
                std::FILE* file = std::fopen(source.path.c_str(), "rb");
                if (!file) {
                    spdlog::error("source '{}': cannot open {}", source.name, source.path);
                    break;
                }
                connectors::LineReader reader(file, connectors::PostDecoder::kMaxLineBytes);
                const auto interval = source.rate > 0 ? std::chrono::duration<double>(1.0 / source.rate)
                                                      : std::chrono::duration<double>(0);
                auto next_due = std::chrono::steady_clock::now();
                while (!stop_token.stop_requested()) {
                    const auto status = reader.next(line);
                    if (status == connectors::LineReader::Status::end ||
                        status == connectors::LineReader::Status::error) {
                        break;
                    }
                    if (status == connectors::LineReader::Status::too_long) {
                        ++stats_.bad_lines;
                        spdlog::warn("{}:{}: line too long; skipped", source.path,
                                     reader.line_number());
                        continue;
                    }
                    if (line.find_first_not_of(" \t") == std::string::npos) continue;
                    auto decoded = decoder.decode(line);
                    if (!decoded.post) {
                        ++stats_.bad_lines;
                        spdlog::warn("{}:{}: {}; skipped", source.path, reader.line_number(),
                                     decoded.error);
                        continue;
                    }
                    if (interval.count() > 0) {
                        next_due += std::chrono::duration_cast<std::chrono::steady_clock::duration>(interval);
                        std::unique_lock lock(impl.sleep_mutex);
                        impl.sleep_cv.wait_until(lock, stop_token, next_due, [] { return false; });
                        if (stop_token.stop_requested()) break;
                    }
                    Batch batch;
                    batch.items.push_back(PostItem{reader.line_number(), std::move(*decoded.post)});
                    ++stats_.posts_in;
                    if (!pipeline.submit(std::move(batch))) break;
                }
                std::fclose(file);
            } while (source.loop && !stop_token.stop_requested());
            stats_.sources_finished.fetch_add(1);
            spdlog::info("source '{}' finished its feed; running until stopped", source.name);
        });
    }

    // Time-based routing work (SLA ladder, spike ends, silent sources) runs in the emitter's
    // order through tick batches, so the router stays single-threaded.
    source_threads.emplace_back([&] {
        while (!stop_token.stop_requested()) {
            std::unique_lock lock(impl.sleep_mutex);
            impl.sleep_cv.wait_for(lock, stop_token, std::chrono::seconds(5), [] { return false; });
            lock.unlock();
            if (stop_token.stop_requested()) break;
            Batch tick;
            tick.tick = true;
            if (!pipeline.submit(std::move(tick))) break;
        }
    });

    spdlog::info("spreekbuis running: {} rules, {} sources, {} sinks",
                 impl.setup.rules->rule_count(), impl.setup.config.sources.size(),
                 impl.setup.config.sinks.size());
    if (!stop_token.stop_requested()) {
        auto guard = asio::make_work_guard(impl.io);
        impl.io.run();
    }
    impl.stop.request_stop();
    impl.sleep_cv.notify_all();
    for (auto& thread : source_threads) thread.join();
    pipeline.finish();
    std::fflush(impl.console);
    spdlog::info("stopped: {} posts in, {} decided, {} alerts", stats_.posts_in.load(),
                 stats_.posts_decided.load(), stats_.alerts.load());
    return 0;
}

}  // namespace spreekbuis::daemon
