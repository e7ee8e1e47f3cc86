#include "daemon/daemon.hpp"

#include <spdlog/spdlog.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/signal_set.hpp>
#include <condition_variable>
#include <csignal>
#include <filesystem>
#include <future>
#include <map>
#include <mutex>
#include <set>
#include <stop_token>
#include <thread>
#include <vector>

#include "connectors/alert.hpp"
#include "connectors/http/http_client.hpp"
#include "connectors/line_reader.hpp"
#include "connectors/post_decoder.hpp"
#include "connectors/sinks/sink.hpp"
#include "connectors/sources/factory.hpp"
#include "connectors/sources/webhook.hpp"
#include "daemon/audit/decision_log.hpp"
#include "daemon/case_metrics.hpp"
#include "daemon/console_sink.hpp"
#include "daemon/cursor_store.hpp"
#include "daemon/decision_record.hpp"
#include "daemon/delivery/dispatcher.hpp"
#include "daemon/delivery/noise.hpp"
#include "daemon/delivery/outbox.hpp"
#include "daemon/delivery/silence_store.hpp"
#include "daemon/delivery/sink_config.hpp"
#include "daemon/http_api/admin_server.hpp"
#include "daemon/http_api/desk_queries.hpp"
#include "daemon/ingest.hpp"
#include "daemon/pipeline.hpp"
#include "daemon/reload/reload_settings.hpp"
#include "daemon/reload/reloader.hpp"
#include "daemon/router_setup.hpp"
#include "daemon/rule_hits.hpp"
#include "daemon/rule_route_checks.hpp"
#include "daemon/sources.hpp"
#include "daemon/state_db.hpp"
#include "daemon/webhook_receiver.hpp"
#include "rules/yaml_source.hpp"

namespace spreekbuis::daemon {

namespace asio = boost::asio;

namespace {

// Runs `work` on the pipeline's emitter thread, which owns the router, the noise filter and
// the state database's connection, inside that batch's transaction. The I/O thread waits,
// bounded, and gets the result only after the batch was committed.
template <typename Result>
Result run_on_emitter(
    Pipeline& pipeline,
    std::function<Result(routing::Router*, std::vector<connectors::Alert>& alerts)> work) {
    auto promise = std::make_shared<std::promise<Result>>();
    auto answer = promise->get_future();
    auto result = std::make_shared<Result>();
    Batch batch;
    batch.action = [result, work = std::move(work)](routing::Router* router,
                                                    std::vector<connectors::Alert>& alerts) {
        *result = work(router, alerts);
    };
    batch.done = [promise, result](bool stored) {
        if (!stored && result->status < 300) {
            result->status = 503;
            result->message = "the change could not be stored; try again";
        }
        promise->set_value(*result);
    };
    Result failed;
    failed.status = 503;
    if (!pipeline.submit(std::move(batch))) {
        failed.message = "shutting down";
        return failed;
    }
    if (answer.wait_for(std::chrono::seconds(5)) != std::future_status::ready) {
        failed.message = "busy, try again";
        return failed;
    }
    return answer.get();
}

class PipelineCaseHandler final : public http_api::CaseActionHandler {
  public:
    explicit PipelineCaseHandler(Pipeline& pipeline) : pipeline_(pipeline) {}

    http_api::CaseActionResult on_case_note(const std::string& case_id, const std::string& actor,
                                            const std::string& note) override {
        return run_on_emitter<http_api::CaseActionResult>(
            pipeline_,
            [case_id, actor, note](routing::Router* router, auto&) -> http_api::CaseActionResult {
                if (!router) return {404, "no people directory is configured"};
                return http_api::add_case_note(*router, case_id, actor, note);
            });
    }

    http_api::CaseActionResult on_case_priority(const std::string& case_id,
                                                const std::string& actor, rules::Priority priority,
                                                const std::string& note) override {
        return run_on_emitter<http_api::CaseActionResult>(
            pipeline_,
            [case_id, actor, priority, note](routing::Router* router,
                                             auto&) -> http_api::CaseActionResult {
                if (!router) return {404, "no people directory is configured"};
                return http_api::set_case_priority(*router, case_id, actor, priority, note);
            });
    }

    http_api::CaseActionResult on_case_action(const http_api::CaseActionRequest& request) override {
        return run_on_emitter<http_api::CaseActionResult>(
            pipeline_,
            [request](routing::Router* router,
                      std::vector<connectors::Alert>& alerts) -> http_api::CaseActionResult {
                if (!router) return {404, "no people directory is configured"};
                return http_api::apply_case_action(*router, request, alerts);
            });
    }

  private:
    Pipeline& pipeline_;
};

// The people endpoints' answer without a people directory.
http_api::PeopleResult no_people() {
    http_api::PeopleResult result;
    result.status = 404;
    result.message = "no people directory is configured";
    return result;
}

// The case queue over the admin API, read from the router on the emitter thread.
class PipelineCaseQueryHandler final : public http_api::CaseQueryHandler {
  public:
    explicit PipelineCaseQueryHandler(Pipeline& pipeline) : pipeline_(pipeline) {}

    http_api::CaseQueryResult list_cases(const routing::CaseQuery& query) override {
        return run_on_emitter<http_api::CaseQueryResult>(
            pipeline_, [query](routing::Router* router, auto&) {
                return router ? http_api::query_cases(*router, query) : no_router();
            });
    }

    http_api::CaseQueryResult get_case(const std::string& case_id) override {
        return run_on_emitter<http_api::CaseQueryResult>(
            pipeline_, [case_id](routing::Router* router, auto&) {
                return router ? http_api::query_case(*router, case_id) : no_router();
            });
    }

  private:
    static http_api::CaseQueryResult no_router() {
        http_api::CaseQueryResult result;
        result.status = 404;
        result.message = "no people directory is configured, so there are no cases";
        return result;
    }

    Pipeline& pipeline_;
};

// Silences from the admin API: stored in the state database (so they outlive a restart) and
// applied to the noise filter, both on the emitter thread. Listing shows every active silence,
// those from the configuration included.
class PipelineSilenceHandler final : public http_api::SilenceHandler {
  public:
    PipelineSilenceHandler(Pipeline& pipeline, delivery::SilenceStore& store,
                           delivery::NoiseFilter& noise, std::set<std::string> configured_ids)
        : pipeline_(pipeline),
          store_(store),
          noise_(noise),
          configured_ids_(std::move(configured_ids)) {}

    http_api::SilenceResult list_silences(std::int64_t now_ms) override {
        return run_on_emitter<http_api::SilenceResult>(pipeline_, [this, now_ms](auto*, auto&) {
            http_api::SilenceResult result;
            result.silences = noise_.active_silences(now_ms);
            return result;
        });
    }

    http_api::SilenceResult add_silence(const delivery::Silence& silence,
                                        std::int64_t now_ms) override {
        return run_on_emitter<http_api::SilenceResult>(
            pipeline_, [this, silence, now_ms](auto*, auto&) {
                http_api::SilenceResult result;
                if (!store_.put(silence, now_ms)) {
                    result.status = 500;
                    result.message = "the silence could not be stored: " + store_.last_error();
                    return result;
                }
                auto stored = silence;
                if (stored.created_ms == 0) stored.created_ms = now_ms;
                noise_.add_silence(stored);
                spdlog::info("silence {} set until {} ms: {}", stored.id, stored.expires_ms,
                             stored.reason);
                result.status = 201;
                result.silences.push_back(stored);
                return result;
            });
    }

    http_api::SilenceResult remove_silence(const std::string& id) override {
        return run_on_emitter<http_api::SilenceResult>(pipeline_, [this, id](auto*, auto&) {
            http_api::SilenceResult result;
            const auto stored = store_.remove(id);
            if (stored == delivery::RemoveResult::not_found && configured_ids_.count(id)) {
                // It would come back with the next start.
                result.status = 409;
                result.message = "silence " + id +
                                 " comes from the configuration (routing.noise.silences); "
                                 "remove it there";
                return result;
            }
            if (stored == delivery::RemoveResult::error) {
                result.status = 500;
                result.message = "the silence could not be removed: " + store_.last_error();
                return result;
            }
            const bool active = noise_.remove_silence(id);
            if (stored == delivery::RemoveResult::not_found && !active) {
                result.status = 404;
                result.message = "no silence with id " + id;
                return result;
            }
            spdlog::info("silence {} removed", id);
            result.status = 204;
            return result;
        });
    }

  private:
    Pipeline& pipeline_;
    delivery::SilenceStore& store_;
    delivery::NoiseFilter& noise_;
    std::set<std::string> configured_ids_;
};

// Dead letters over the admin API, read and requeued on the emitter's outbox connection; the
// sink is woken after the commit so the requeued alerts go out at once.
class PipelineDeadLetterHandler final : public http_api::DeadLetterHandler {
  public:
    PipelineDeadLetterHandler(Pipeline& pipeline, delivery::Outbox& outbox,
                              std::set<std::string> sinks,
                              std::function<void(const std::string&)> wake_after_commit)
        : pipeline_(pipeline),
          outbox_(outbox),
          sinks_(std::move(sinks)),
          wake_after_commit_(std::move(wake_after_commit)) {}

    http_api::DeadLetterResult list_dead_letters(const std::string& sink,
                                                 std::size_t limit) override {
        if (auto unknown = refuse_unknown(sink)) return *unknown;
        return run_on_emitter<http_api::DeadLetterResult>(
            pipeline_, [this, sink, limit](auto*, auto&) {
                http_api::DeadLetterResult result;
                auto entries = outbox_.list(delivery::OutboxState::dead, sink, limit);
                if (!entries) {
                    result.status = 500;
                    result.message = "could not read the dead letters: " + outbox_.last_error();
                    return result;
                }
                result.entries = std::move(*entries);
                return result;
            });
    }

    http_api::DeadLetterResult requeue_dead_letters(const std::string& sink) override {
        if (auto unknown = refuse_unknown(sink)) return *unknown;
        return run_on_emitter<http_api::DeadLetterResult>(pipeline_, [this, sink](auto*, auto&) {
            http_api::DeadLetterResult result;
            result.requeued = outbox_.requeue_dead(sink, routing::SystemClock().now_ms());
            if (result.requeued > 0) {
                spdlog::info("{} dead letters of sink {} requeued", result.requeued, sink);
                wake_after_commit_(sink);
            }
            return result;
        });
    }

  private:
    std::optional<http_api::DeadLetterResult> refuse_unknown(const std::string& sink) const {
        if (sink.empty() || sinks_.count(sink)) return std::nullopt;
        http_api::DeadLetterResult result;
        result.status = 404;
        result.message = "no chat sink named '" + sink.substr(0, 64) + "'";
        return result;
    }

    Pipeline& pipeline_;
    delivery::Outbox& outbox_;
    std::set<std::string> sinks_;
    std::function<void(const std::string&)> wake_after_commit_;
};

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
    RuleHits rule_hits;  // per-rule match counters for /metrics
    // The desk's gauges for /metrics, taken by the emitter at every timer tick.
    std::mutex case_metrics_mutex;
    std::string case_metrics;
    // While run() runs: hands a new people directory to the emitter thread, which owns the
    // router. Guarded by reload_mutex.
    std::function<bool(std::shared_ptr<const routing::Directory>)> swap_directory;
    // While run() runs: hands an operator notice to the emitter. Guarded by reload_mutex.
    std::function<bool(connectors::Alert)> announce;
    routing::ChatAddress notice_to;  // where reload notices go (set by run())
    std::string notice_recipient;
    // The thread of the last rejected reload until one is accepted in full ("" = none).
    std::string open_reload_thread;
    reload::ReloadSettings reload_settings;

    Impl(Setup s, std::FILE* out) : setup(std::move(s)), console(out) {
        holder = std::make_unique<RuleSetHolder>(setup.rules);
        rule_hits.set_rules(setup.rules->rule_ids());
        rules::Diagnostics ignored;  // load_setup reported them already
        reload_settings = reload::read_reload_settings(setup.config, ignored);
    }
};

Daemon::Daemon(Setup setup, std::FILE* console)
    : impl_(std::make_unique<Impl>(std::move(setup), console)) {
    // What was loaded at start-up counts as the first successful load (as in Prometheus).
    stats_.last_reload_ok_ms = routing::SystemClock().now_ms();
}

Daemon::~Daemon() = default;

void Daemon::request_stop() {
    impl_->stop.request_stop();
    impl_->sleep_cv.notify_all();
    asio::post(impl_->io, [this] { impl_->io.stop(); });
}

bool Daemon::swap_rules(const config::Config& config, rules::Diagnostics& diagnostics) {
    auto next = load_rules(config, true, diagnostics);
    if (!next) {
        ++stats_.reload_failures;
        return false;
    }
    // The rules' topics against the people directory's routes and skills, as at start-up, with
    // the directory as it is on disk (a reload reads it right after the rules).
    if (!config.people_file.empty()) {
        rules::Diagnostics people;
        const auto runtime = make_router(config, RouterMode::replay, people);
        if (runtime.router) {
            check_routes_against_rules(runtime.router->directory(), *next, diagnostics);
        } else {
            spdlog::warn(
                "the reloaded rules were not checked against {}, which has errors now "
                "(the running directory is unchanged)",
                config.people_file);
        }
    }
    impl_->holder->set(next);
    impl_->rule_hits.set_rules(next->rule_ids());
    ++stats_.reloads;
    stats_.reload_warnings = diagnostics.warning_count();
    return true;
}

bool Daemon::swap_people(const config::Config& config, rules::Diagnostics& diagnostics) {
    if (config.people_file.empty()) return false;
    // The whole routing set-up is validated, as at start-up; only the directory is swapped.
    rules::Diagnostics found;
    const auto runtime = make_router(config, RouterMode::replay, found);
    diagnostics.append(found);
    if (!runtime.router) {
        ++stats_.people_reload_failures;
        return false;
    }
    auto directory = runtime.router->shared_directory();
    if (!impl_->swap_directory || !impl_->swap_directory(directory)) {
        ++stats_.people_reload_failures;
        diagnostics.error({config.people_file, 0, 0},
                          "the people directory was not reloaded: the daemon is not running");
        return false;
    }
    spdlog::info("people directory reloaded: {} people, {} teams, {} routes",
                 directory->people.size(), directory->teams.size(), directory->routes.size());
    return true;
}

bool Daemon::reload_rules() {
    std::lock_guard lock(impl_->reload_mutex);
    rules::Diagnostics diagnostics;
    if (!swap_rules(impl_->setup.config, diagnostics)) {
        spdlog::error("rule reload rejected, the previous rules keep serving:\n{}",
                      diagnostics.format_all());
        return false;
    }
    spdlog::info("rules reloaded: {} rules", impl_->holder->get()->rule_count());
    if (!diagnostics.empty()) {
        spdlog::warn("the reloaded rules have warnings:\n{}", diagnostics.format_all());
    }
    return true;
}

bool Daemon::reload_people() {
    std::lock_guard lock(impl_->reload_mutex);
    rules::Diagnostics diagnostics;
    if (!swap_people(impl_->setup.config, diagnostics)) {
        if (!impl_->setup.config.people_file.empty()) {
            spdlog::error("people directory reload rejected, the previous directory stays:\n{}",
                          diagnostics.format_all());
        }
        return false;
    }
    if (!diagnostics.empty()) {
        spdlog::warn("the reloaded people directory has warnings:\n{}", diagnostics.format_all());
    }
    return true;
}

reload::ReloadReport Daemon::reload(const std::string& trigger, std::vector<std::string> files) {
    std::lock_guard lock(impl_->reload_mutex);
    reload::ReloadReport report;
    report.trigger = trigger;
    report.files = std::move(files);
    auto& running = impl_->setup.config;
    auto loaded = config::load_config(running.path);
    report.diagnostics.append(loaded.diagnostics);
    if (loaded.config) {
        const config::Config& next = *loaded.config;
        report.config_read = true;
        report.restart_needed = reload::keys_needing_restart(running, next);
        if (!running.people_file.empty() && next.people_file.empty()) {
            // The router cannot do without a directory while it runs.
            report.restart_needed.push_back("people");
        }
        const auto before = impl_->holder->get()->rule_ids();
        report.rules_reloaded = swap_rules(next, report.diagnostics);
        if (report.rules_reloaded) {
            reload::diff_rule_ids(before, impl_->holder->get()->rule_ids(), report.rules_added,
                                  report.rules_removed);
        }
        if (report.rules_reloaded) running.rule_files = next.rule_files;
        report.people_configured = !next.people_file.empty();
        if (report.people_configured) {
            report.people_reloaded = swap_people(next, report.diagnostics);
            if (report.people_reloaded) running.people_file = next.people_file;
        }
    }
    report.rules = impl_->holder->get()->rule_count();
    report.finished_ms = routing::SystemClock().now_ms();
    stats_.last_reload_ok = report.accepted();
    auto& impl = *impl_;
    const bool can_announce = impl.announce && !impl.notice_to.sink.empty();
    if (report.accepted()) {
        stats_.last_reload_ok_ms = report.finished_ms;
        spdlog::info("{}", reload::reload_summary(report));
        if (!report.diagnostics.empty()) {
            spdlog::warn("the reloaded files have warnings:\n{}", report.diagnostics.format_all());
        }
        if (can_announce && !impl.open_reload_thread.empty() &&
            impl.announce(reload::reload_recovery_alert(
                report, impl.notice_to, impl.notice_recipient, impl.open_reload_thread))) {
            ++stats_.reload_notices;
        }
        impl.open_reload_thread.clear();
    } else {
        spdlog::error("{}:\n{}", reload::reload_summary(report), report.diagnostics.format_all());
        auto alert = reload::reload_failure_alert(report, impl.notice_to, impl.notice_recipient);
        impl.open_reload_thread = alert.group_key;
        if (can_announce && impl.announce(std::move(alert))) ++stats_.reload_notices;
    }
    return report;
}

int Daemon::run() {
    auto& impl = *impl_;
    rules::Diagnostics diagnostics;
    check_sources(impl.setup.config, diagnostics);
    std::vector<std::unique_ptr<connectors::sources::LiveSource>> live_sources;
    std::vector<connectors::sources::WebhookSettings> webhook_sources;
    std::shared_ptr<asio::ssl::context> source_tls;
    for (const auto& source : impl.setup.config.sources) {
        if (diagnostics.has_errors()) break;
        if (source.type == "replay") {
            if (auto settings =
                    read_replay_settings(source, impl.setup.config.base_dir, diagnostics)) {
                impl.replay_sources.push_back(*settings);
            }
            continue;
        }
        if (connectors::sources::is_webhook_source_type(source.type)) {
            if (auto settings = connectors::sources::read_webhook_settings(
                    source, impl.setup.config.base_dir, diagnostics)) {
                webhook_sources.push_back(std::move(*settings));
            }
            continue;
        }
        if (!source_tls) {
            std::string error;
            source_tls = connectors::http::make_client_tls_context(error);
            if (!source_tls) {
                spdlog::error("source '{}': {}", source.name, error);
                return 3;
            }
        }
        if (auto live = connectors::sources::make_live_source(source, impl.setup.config.base_dir,
                                                              source_tls, diagnostics)) {
            live_sources.push_back(std::move(live));
        }
    }
    if (diagnostics.has_errors()) {
        spdlog::error("invalid source settings:\n{}", diagnostics.format_all());
        return 1;
    }
    // Ingest mode: posts go on to a Redis stream instead of being decided here.
    std::unique_ptr<IngestForwarder> forwarder;
    if (auto ingest = read_ingest_settings(impl.setup.config, diagnostics)) {
        forwarder = std::make_unique<IngestForwarder>(std::move(*ingest));
        if (!forwarder->start_error().empty()) {
            spdlog::error("ingest cannot start: {}", forwarder->start_error());
            return 3;
        }
    }
    if (diagnostics.has_errors()) {
        spdlog::error("invalid ingest settings:\n{}", diagnostics.format_all());
        return 1;
    }

    // Cases, alerts and cursors share one database and, per batch, one transaction.
    std::string state_error;
    std::vector<std::string> state_notes;
    auto state_db = StateDatabase::open(impl.setup.config.state_dir, state_error, &state_notes);
    if (!state_db) {
        spdlog::error("the state database could not be opened: {}", state_error);
        return 3;
    }
    for (const auto& note : state_notes) spdlog::info("state database: {}", note);

    auto routing =
        make_router(impl.setup.config, RouterMode::live, diagnostics, state_db->handle());
    if (diagnostics.has_errors()) {
        spdlog::error("routing could not start:\n{}", diagnostics.format_all());
        return 1;
    }
    // HTTP sinks deliver through the durable outbox: an alert is committed there before any
    // send is attempted, and the dispatcher drains it per sink (retries, rate limits).
    std::vector<delivery::SinkDelivery> http_sinks;
    for (const auto& sink : impl.setup.config.sinks) {
        if (sink.type == "console") continue;
        if (auto parsed = delivery::parse_sink_delivery(sink, impl.setup.config, diagnostics)) {
            http_sinks.push_back(std::move(*parsed));
        }
    }
    if (diagnostics.has_errors()) {
        spdlog::error("invalid sink settings:\n{}", diagnostics.format_all());
        return 1;
    }
    std::unique_ptr<delivery::Outbox> outbox;  // the emitter thread's connection
    std::unique_ptr<delivery::Dispatcher> dispatcher;
    std::set<std::string> http_sink_names;
    if (!http_sinks.empty()) {
        std::string error;
        outbox = delivery::Outbox::attach(state_db->handle(), error);
        auto dispatcher_outbox = outbox ? delivery::Outbox::open(state_db->path(), error) : nullptr;
        auto tls = dispatcher_outbox ? connectors::http::make_client_tls_context(error) : nullptr;
        if (!outbox || !dispatcher_outbox || !tls) {
            spdlog::error("delivery could not start: {}", error);
            return 3;
        }
        for (const auto& sink : http_sinks) http_sink_names.insert(sink.settings.name);
        dispatcher = std::make_unique<delivery::Dispatcher>(impl.io, std::move(dispatcher_outbox),
                                                            tls, std::move(http_sinks));
        dispatcher->start();
    }

    std::unique_ptr<CursorStore> cursors;
    std::map<std::string, std::uint64_t> resume_after_line;  // read before the emitter runs
    std::map<std::string, std::string> resume_token;
    if (!impl.replay_sources.empty() || !live_sources.empty()) {
        std::string error;
        cursors = CursorStore::attach(state_db->handle(), error);
        if (!cursors) {
            spdlog::error("cannot open the source cursors in {}: {}", state_db->path(), error);
            return 3;
        }
        for (const auto& source : impl.replay_sources) {
            resume_after_line[source.name] = cursors->load(source.name);
        }
        for (const auto& source : live_sources) {
            resume_token[source->name()] = cursors->load_token(source->name());
        }
    }

    // Noise control applies to the chat sinks behind the outbox (held alerts wait there for
    // their digest); the console shows everything.
    delivery::NoiseFilter noise(routing.router ? routing.router->settings().noise
                                               : delivery::NoisePolicy{});
    std::set<std::string> configured_silences;
    if (routing.router) {
        for (const auto& silence : routing.router->settings().silences) {
            noise.add_silence(silence);
            configured_silences.insert(silence.id);
        }
    }
    // Silences set over the admin API outlive a restart; they win over a configured silence
    // with the same id.
    std::string silence_error;
    auto silences = delivery::SilenceStore::attach(state_db->handle(), silence_error);
    if (!silences) {
        spdlog::error("cannot open the silences in {}: {}", state_db->path(), silence_error);
        return 3;
    }
    {
        const auto now = routing::SystemClock().now_ms();
        silences->prune(now);
        if (auto stored = silences->active(now)) {
            for (const auto& silence : *stored) noise.add_silence(silence);
            if (!stored->empty()) spdlog::info("{} stored silences active", stored->size());
        } else {
            // Not fatal: alerts still flow, but a silence set before the restart does not hold.
            spdlog::error("cannot read the stored silences: {}", silences->last_error());
        }
    }

    const std::int64_t alert_retention_ms = routing.router
                                                ? routing.router->settings().alert_retention_ms
                                                : routing::RoutingSettings{}.alert_retention_ms;
    std::int64_t last_prune_ms = 0;  // the first tick prunes
    // Start-up pruned the silences already: the next prune is an hour away.
    std::int64_t last_silence_prune_ms = routing::SystemClock().now_ms();
    // The decision audit log (state.db, same transaction as the batch); null when off.
    const auto audit_settings = audit::read_audit_settings(impl.setup.config, diagnostics);
    std::unique_ptr<audit::DecisionLog> decisions;
    if (audit_settings.decisions != audit::DecisionLogMode::off) {
        std::string error;
        decisions = audit::DecisionLog::attach(state_db->handle(), error);
        if (!decisions) {
            spdlog::error("cannot open the decision log in {}: {}", state_db->path(), error);
            return 3;
        }
    }
    std::int64_t last_decision_prune_ms = 0;  // the first tick prunes
    // Writes the decision record to the audit log when the mode asks for it, and to the debug
    // log; the JSON is built only when one of them wants it.
    const auto record_decision = [&](const rules::Post& post, const rules::Verdict& verdict,
                                     const Assignment& assignment) {
        const bool wanted = decisions && (audit_settings.decisions == audit::DecisionLogMode::all ||
                                          verdict.matched || verdict.complaint || assignment.team ||
                                          assignment.assignee);
        const bool debug = spdlog::should_log(spdlog::level::debug);
        if (!wanted && !debug) return;
        const auto record = decision_record_json(post, verdict, assignment);
        if (debug) spdlog::debug("decision {}", record);
        if (!wanted) return;
        if (decisions->add(routing::SystemClock().now_ms(), post.source, post.id, record)) {
            ++stats_.decisions_logged;
        } else {
            ++stats_.state_failures;
            spdlog::warn("decision of post {} could not be logged: {}", post.id,
                         decisions->last_error());
        }
    };
    ConsoleSink console(impl.console);
    std::set<std::string> sinks_to_wake;  // the dispatcher reads an alert only after the commit
    auto deliver = [&](const connectors::Alert& alert, const std::vector<std::string>& rule_ids) {
        for (const auto& sink : impl.setup.config.sinks) {
            if (sink.name != alert.sink) continue;
            if (sink.type == "console") {
                console.deliver(alert);
                ++stats_.alerts;
                return;
            }
            if (http_sink_names.count(sink.name) && outbox) {
                const auto now = routing::SystemClock().now_ms();
                const auto verdict = noise.decide(alert, rule_ids, now);
                if (verdict.verdict == delivery::NoiseVerdict::silence) {
                    ++stats_.silenced;
                    spdlog::info("alert {} silenced: {}", alert.id, verdict.reason);
                    return;
                }
                const auto state = verdict.verdict == delivery::NoiseVerdict::hold
                                       ? delivery::OutboxState::held
                                       : delivery::OutboxState::pending;
                if (state == delivery::OutboxState::held) ++stats_.held;
                if (outbox->enqueue(alert, now, state) == delivery::EnqueueResult::error) {
                    ++stats_.undeliverable;
                    spdlog::error("alert {} could not be written to the outbox: {}", alert.id,
                                  outbox->last_error());
                    return;
                }
                ++stats_.alerts;
                sinks_to_wake.insert(sink.name);
                return;
            }
        }
        ++stats_.undeliverable;
        spdlog::warn(
            "alert {} is for sink '{}', which is not configured or not available; "
            "not delivered",
            alert.id, alert.sink);
    };
    const std::string default_sink =
        impl.setup.config.sinks.empty() ? std::string() : impl.setup.config.sinks.front().name;
    // Group commit: one transaction holds the cases a batch changed, the alerts they caused
    // and the cursor past its posts, and consecutive batches share it while more are decided
    // and waiting (up to kGroupBatches or kGroupTime), so a busy stream does not pay a commit
    // per post. A crash re-decides the whole group or none of it. The dispatcher is woken and
    // admin actions are answered only after the commit.
    constexpr std::size_t kGroupBatches = 512;
    constexpr auto kGroupTime = std::chrono::milliseconds(100);
    std::size_t group_batches = 0;
    auto group_start = std::chrono::steady_clock::now();
    std::vector<std::function<void(bool)>> waiting_done;
    // Live sources' cursors saved in the open group, and those committed: a source that
    // confirms posts to its server (Redis XACK) asks for the latter from its own thread.
    std::map<std::string, std::string> group_cursors;
    std::mutex committed_mutex;
    std::map<std::string, std::string> committed_cursors;
    const auto commit_group = [&] {
        if (group_batches == 0) return;
        group_batches = 0;
        bool stored = true;
        if (state_db->in_transaction() && !state_db->commit()) {
            // Nothing of these batches is stored; their posts are decided again after a restart.
            stored = false;
            ++stats_.state_failures;
            spdlog::error(
                "state database: commit failed ({}); the cases, alerts and cursors of the last "
                "batches were rolled back",
                state_db->last_error());
        }
        if (dispatcher) {
            for (const auto& name : sinks_to_wake) dispatcher->wake(name);
        }
        sinks_to_wake.clear();
        for (auto& done : waiting_done) done(stored);
        waiting_done.clear();
        if (stored && !group_cursors.empty()) {
            std::lock_guard lock(committed_mutex);
            for (auto& [source, cursor] : group_cursors) committed_cursors[source] = cursor;
        }
        group_cursors.clear();
    };
    const auto ingest_stop = impl.stop.get_token();
    std::vector<const rules::Post*> ingest_posts;
    Pipeline pipeline(
        *impl.holder, {impl.setup.config.workers, 64, !forwarder},
        [&](Batch& batch) {
            if (group_batches == 0) {
                group_start = std::chrono::steady_clock::now();
                if (!state_db->begin()) {
                    ++stats_.state_failures;
                    spdlog::error(
                        "state database: cannot begin a transaction ({}); writing unbatched",
                        state_db->last_error());
                }
            }
            ++group_batches;
            if (batch.action) batch.action(routing.router.get(), batch.alerts);
            for (const auto& alert : batch.alerts) deliver(alert, {});
            if (batch.tick && routing.router) {
                for (const auto& alert : routing.router->tick()) deliver(alert, {});
                auto text = case_metrics_text(routing.router->case_gauges());
                std::lock_guard lock(impl.case_metrics_mutex);
                impl.case_metrics = std::move(text);
            }
            if (batch.tick) {
                const auto now_ms = routing::SystemClock().now_ms();
                // Expired silences no longer match; deleting them keeps the table small.
                if (now_ms - last_silence_prune_ms >= routing::kHourMs) {
                    last_silence_prune_ms = now_ms;
                    if (silences->prune(now_ms) < 0) {
                        spdlog::warn("cannot delete expired silences: {}", silences->last_error());
                    }
                }
                if (decisions && now_ms - last_decision_prune_ms >= routing::kHourMs) {
                    last_decision_prune_ms = now_ms;
                    const auto pruned = decisions->prune(now_ms - audit_settings.retention_ms);
                    if (pruned < 0) {
                        spdlog::warn("cannot delete old decisions: {}", decisions->last_error());
                    } else if (pruned > 0) {
                        spdlog::info("{} logged decisions older than the retention deleted",
                                     pruned);
                    }
                }
                if (outbox) {
                    if (now_ms - last_prune_ms >= routing::kHourMs) {
                        last_prune_ms = now_ms;
                        const auto pruned = outbox->prune(now_ms - alert_retention_ms);
                        if (pruned > 0) {
                            spdlog::info("{} delivered alerts older than the retention deleted",
                                         pruned);
                        }
                    }
                    std::string error;
                    delivery::flush_due_digests(*outbox, noise.policy(), now_ms, &error);
                    if (!error.empty()) spdlog::warn("digest flush failed: {}", error);
                    // Every chat sink is woken after the tick's commit: new digests go out, and
                    // alerts put back by hand (requeued while stopped, or by another process) are
                    // picked up even when nothing else wakes their sink.
                    for (const auto& name : http_sink_names) sinks_to_wake.insert(name);
                }
            }
            // In ingest mode a batch's cursors are saved only once its posts are in the stream.
            bool handed_on = true;
            if (forwarder && !batch.items.empty()) {
                ingest_posts.clear();
                for (const auto& item : batch.items) ingest_posts.push_back(&item.post);
                handed_on = forwarder->forward(ingest_posts, ingest_stop);
                if (handed_on) stats_.posts_forwarded += batch.items.size();
            }
            impl.rule_hits.count(batch.verdicts);
            // (In ingest mode the batch has no verdicts: nothing was decided.)
            for (std::size_t i = 0; i < batch.verdicts.size(); ++i) {
                const auto& post = batch.items[i].post;
                const auto& verdict = batch.verdicts[i];
                ++stats_.posts_decided;
                if (routing.router) {
                    auto decision = routing.router->route(post, verdict);
                    record_decision(post, verdict,
                                    Assignment{decision.team, decision.assignee, decision.why,
                                               decision.priority});
                    for (auto& alert : decision.alerts) {
                        // An alert about this very post also says what the rules saw in it.
                        if (alert.post.id == post.id) {
                            alert.sentiment = verdict.sentiment;
                            if (!verdict.why.empty()) alert.why = verdict.why + "; " + alert.why;
                        }
                        deliver(alert, verdict.rules.strings());
                    }
                    continue;
                }
                record_decision(post, verdict, Assignment{});
                if (!verdict.matched && !verdict.complaint) continue;
                auto alert = alert_for_decision(post, verdict);
                alert.sink = default_sink;
                deliver(alert, verdict.rules.strings());
            }
            if (cursors && handed_on) {
                // One write per source and batch: the batch commits as a whole, so its last
                // position per source is the only one that can be read back.
                std::map<std::string_view, const PostItem*> last;
                for (const auto& item : batch.items) {
                    if (item.origin.empty() || (item.live && item.cursor.empty())) continue;
                    last[item.origin] = &item;
                }
                for (const auto& [origin, item] : last) {
                    const bool saved = item->live ? cursors->save_token(item->origin, item->cursor)
                                                  : cursors->save(item->origin, item->line);
                    if (!saved) spdlog::warn("could not save the cursor of source '{}'", origin);
                }
            }
            for (const auto& item : batch.items) {
                if (handed_on && item.live && !item.cursor.empty()) {
                    group_cursors[item.origin] = item.cursor;
                }
            }
            const bool answer_now = static_cast<bool>(batch.done);  // an admin action waits
            if (batch.done) waiting_done.push_back(std::move(batch.done));
            if (answer_now || group_batches >= kGroupBatches ||
                std::chrono::steady_clock::now() - group_start >= kGroupTime) {
                commit_group();
            }
        },
        commit_group);
    // A reloaded people directory reaches the router through the pipeline, between batches.
    {
        std::lock_guard lock(impl.reload_mutex);
        impl.swap_directory = [this, &pipeline](std::shared_ptr<const routing::Directory> next) {
            Batch batch;
            batch.action = [this, next = std::move(next)](routing::Router* router, auto&) {
                if (!router) return;
                router->set_directory(next);
                // Counted only once the router holds it: what the reload test checks.
                if (router->shared_directory() == next) ++stats_.people_reloads;
            };
            return pipeline.submit(std::move(batch));
        };
    }
    // A rejected reload is told to reload.alert, else where silent sources are told, else the
    // desk, else the first sink.
    {
        routing::ChatAddress to;
        std::string recipient = "operators";
        if (impl.reload_settings.alert) {
            to = *impl.reload_settings.alert;
        } else if (routing.router && routing.router->settings().silence.alert) {
            to = *routing.router->settings().silence.alert;
        } else if (routing.router) {
            to = routing.router->settings().desk;
            recipient = "webcare desk";
        } else {
            to.sink = default_sink;
        }
        std::lock_guard lock(impl.reload_mutex);
        impl.notice_to = to;
        impl.notice_recipient = recipient;
        impl.announce = [&pipeline](connectors::Alert alert) {
            Batch batch;
            batch.alerts.push_back(std::move(alert));
            return pipeline.submit(std::move(batch));
        };
    }
    struct SwapGuard {
        Impl& impl;
        ~SwapGuard() {
            std::lock_guard lock(impl.reload_mutex);
            impl.swap_directory = nullptr;
            impl.announce = nullptr;
        }
    } swap_guard{impl};
    // SIGHUP, the admin API and the file watch reload through one thread, one at a time.
    reload::Reloader reloader(
        [this](const std::string& trigger, std::vector<std::string> files) {
            return reload(trigger, std::move(files));
        },
        [this] {
            std::lock_guard lock(impl_->reload_mutex);
            return reload::watched_paths(impl_->setup.config);
        },
        impl.reload_settings.watch, impl.reload_settings.interval_ms, impl.setup.files);

    // Webhook sources answer on the admin server; a delivery that finds the pipeline full is
    // answered 503, so its sender delivers it again.
    std::unique_ptr<WebhookReceivers> webhooks;
    if (!webhook_sources.empty()) {
        auto arrivals = std::make_shared<std::atomic<std::uint64_t>>(0);
        webhooks = std::make_unique<WebhookReceivers>(
            std::move(webhook_sources),
            [this, &pipeline, arrivals](std::vector<rules::Post> posts, const std::string& name) {
                Batch batch;
                for (auto& post : posts) {
                    batch.items.push_back(PostItem{++*arrivals, std::move(post), name, true, {}});
                }
                const auto count = batch.items.size();
                if (!pipeline.try_submit(batch)) return false;
                stats_.posts_in += count;
                return true;
            },
            [] { return routing::SystemClock().now_ms(); });
    }
    std::vector<std::pair<std::string, const connectors::sources::SourceCounters*>> network_sources;
    for (const auto& source : live_sources) {
        network_sources.emplace_back(source->name(), &source->counters());
    }
    if (webhooks) {
        for (const auto& entry : webhooks->counters()) network_sources.push_back(entry);
    }

    std::unique_ptr<http_api::AdminServer> admin;
    if (impl.setup.config.http.enabled) {
        http_api::AdminOptions options;
        options.listen = impl.setup.config.http.listen;
        options.secret = impl.setup.config.http.secret;
        options.admin_token = impl.setup.config.http.admin_token;
        if (webhooks) options.hook_body_limit = webhooks->max_body_bytes();
        std::string error;
        admin = http_api::AdminServer::create(impl.io, options, error);
        if (!admin) {
            spdlog::error("admin API could not listen on {}: {}", options.listen, error);
            if (dispatcher) dispatcher->stop();
            pipeline.finish();
            return 3;
        }
        admin->add_metrics_hook([this] {
            std::string out;
            auto counter = [&](const char* name, const char* help, std::uint64_t value) {
                out += std::string("# HELP ") + name + " " + help + "\n# TYPE " + name +
                       " counter\n" + name + " " + std::to_string(value) + "\n";
            };
            counter("spreekbuis_posts_total", "Posts read from all sources.",
                    stats_.posts_in.load());
            counter("spreekbuis_bad_lines_total", "Input lines rejected.", stats_.bad_lines.load());
            counter("spreekbuis_posts_decided_total", "Posts evaluated.",
                    stats_.posts_decided.load());
            counter("spreekbuis_posts_forwarded_total",
                    "Posts added to the ingest Redis stream (ingest mode).",
                    stats_.posts_forwarded.load());
            counter("spreekbuis_alerts_total", "Alerts handed to a sink.", stats_.alerts.load());
            counter("spreekbuis_alerts_undeliverable_total", "Alerts for an unknown sink.",
                    stats_.undeliverable.load());
            counter("spreekbuis_alerts_silenced_total", "Alerts dropped by a silence.",
                    stats_.silenced.load());
            counter("spreekbuis_alerts_held_total", "Alerts held for a digest (cooldown or cap).",
                    stats_.held.load());
            counter("spreekbuis_state_failures_total",
                    "State database transactions that could not begin or commit.",
                    stats_.state_failures.load());
            counter("spreekbuis_decisions_logged_total",
                    "Decision records written to the audit log in state.db.",
                    stats_.decisions_logged.load());
            counter("spreekbuis_rule_reloads_total", "Successful rule reloads.",
                    stats_.reloads.load());
            counter("spreekbuis_rule_reload_failures_total", "Rejected rule reloads.",
                    stats_.reload_failures.load());
            counter("spreekbuis_people_reloads_total",
                    "People directories handed to the router by a reload.",
                    stats_.people_reloads.load());
            counter("spreekbuis_people_reload_failures_total", "Rejected people reloads.",
                    stats_.people_reload_failures.load());
            counter("spreekbuis_reload_notices_total",
                    "Reload notices (rejected, accepted again) sent to the operators' chat.",
                    stats_.reload_notices.load());
            out +=
                "# HELP spreekbuis_config_last_reload_successful Whether the last reload was "
                "accepted (1) or rejected in any part (0).\n"
                "# TYPE spreekbuis_config_last_reload_successful gauge\n"
                "spreekbuis_config_last_reload_successful " +
                std::string(stats_.last_reload_ok.load() ? "1" : "0") +
                "\n# HELP spreekbuis_config_last_reload_success_timestamp_seconds When the "
                "configuration was last loaded or reloaded in full.\n"
                "# TYPE spreekbuis_config_last_reload_success_timestamp_seconds gauge\n"
                "spreekbuis_config_last_reload_success_timestamp_seconds " +
                std::to_string(stats_.last_reload_ok_ms.load() / 1000) + "\n";
            return out + impl_->rule_hits.prometheus();
        });
        if (dispatcher) admin->add_metrics_hook([&] { return dispatcher->metrics(); });
        if (routing.router) {
            admin->add_metrics_hook([&impl] {
                std::lock_guard lock(impl.case_metrics_mutex);
                return impl.case_metrics;
            });
        }
        if (!network_sources.empty()) {
            admin->add_metrics_hook([&] { return source_metrics(network_sources); });
        }
        if (webhooks) {
            admin->set_hook_handler(
                [&](const http_api::HookRequest& request) { return webhooks->handle(request); });
        }
        admin->set_case_handler(std::make_shared<PipelineCaseHandler>(pipeline));
        admin->set_case_query_handler(std::make_shared<PipelineCaseQueryHandler>(pipeline));
        admin->set_presence_handler([&pipeline](const std::string& person,
                                                const std::optional<routing::Presence>& presence) {
            return run_on_emitter<http_api::PeopleResult>(
                pipeline, [person, presence](routing::Router* router, auto&) {
                    return router ? http_api::change_presence(*router, person, presence)
                                  : no_people();
                });
        });
        admin->set_decisions_handler([&pipeline, log = decisions.get()](
                                         const http_api::DecisionsQuery& query) {
            return run_on_emitter<http_api::DecisionsResult>(pipeline, [log, query](auto*, auto&) {
                if (log) return http_api::query_decisions(*log, query);
                http_api::DecisionsResult off;
                off.status = 404;
                off.message = "the decision log is off (audit.decisions: off)";
                return off;
            });
        });
        admin->set_people_handler([&pipeline](const http_api::PeopleQuery& query) {
            return run_on_emitter<http_api::PeopleResult>(
                pipeline, [query](routing::Router* router, auto&) {
                    return router ? http_api::answer_people(*router, query) : no_people();
                });
        });
        admin->set_silence_handler(std::make_shared<PipelineSilenceHandler>(
            pipeline, *silences, noise, std::move(configured_silences)));
        admin->set_reload_handler([&reloader] {
            auto answer = reloader.request("admin API");
            if (answer.wait_for(std::chrono::seconds(60)) != std::future_status::ready) {
                return http_api::AdminReply{
                    503,
                    "application/json",
                    "{\"error\":\"the reload is still running; its outcome will be in the log\"}\n",
                    {}};
            }
            const auto report = answer.get();
            return http_api::AdminReply{report.accepted() ? 200 : 422,
                                        "application/json",
                                        reload::reload_report_json(report),
                                        {}};
        });
        if (outbox) {
            admin->set_dead_letter_handler(std::make_shared<PipelineDeadLetterHandler>(
                pipeline, *outbox, http_sink_names,
                [&sinks_to_wake](const std::string& sink) { sinks_to_wake.insert(sink); }));
        }
        admin->start();
        spdlog::info("admin API on {}", impl.setup.config.http.listen);
    }

    asio::signal_set signals(impl.io, SIGINT, SIGTERM, SIGHUP);
    std::function<void(const boost::system::error_code&, int)> on_signal =
        [&](const boost::system::error_code& error, int number) {
            if (error) return;
            if (number == SIGHUP) {
                spdlog::info("SIGHUP: reloading rules and the people directory");
                reloader.request("SIGHUP");
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
        std::uint64_t resume_after = resume_after_line[source.name];
        if (resume_after > 0) {
            spdlog::info("source '{}': resuming after line {}", source.name, resume_after);
        }
        source_threads.emplace_back([&, source, resume_after]() mutable {
            connectors::PostDecoder decoder;
            std::string line;
            do {
                std::FILE* file = std::fopen(source.path.c_str(), "rb");
                if (!file) {
                    spdlog::error("source '{}': cannot open {}", source.name, source.path);
                    break;
                }
                connectors::LineReader reader(file, connectors::PostDecoder::kMaxLineBytes);
                const auto interval = source.rate > 0
                                          ? std::chrono::duration<double>(1.0 / source.rate)
                                          : std::chrono::duration<double>(0);
                auto next_due = std::chrono::steady_clock::now();
                while (!stop_token.stop_requested()) {
                    const auto status = reader.next(line);
                    if (status == connectors::LineReader::Status::end ||
                        status == connectors::LineReader::Status::error) {
                        break;
                    }
                    if (reader.line_number() <= resume_after) continue;
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
                        next_due += std::chrono::duration_cast<std::chrono::steady_clock::duration>(
                            interval);
                        std::unique_lock lock(impl.sleep_mutex);
                        impl.sleep_cv.wait_until(lock, stop_token, next_due, [] { return false; });
                        if (stop_token.stop_requested()) break;
                    }
                    Batch batch;
                    batch.items.push_back(PostItem{
                        reader.line_number(), std::move(*decoded.post), source.name, false, {}});
                    ++stats_.posts_in;
                    if (!pipeline.submit(std::move(batch))) break;
                }
                std::fclose(file);
                resume_after = 0;  // a looping feed starts again from its first line
            } while (source.loop && !stop_token.stop_requested());
            stats_.sources_finished.fetch_add(1);
            spdlog::info("source '{}' finished its feed; running until stopped", source.name);
        });
    }

    // Each live source runs on its own thread and io_context: when the pipeline is full, `emit`
    // blocks and only that source's socket reads pause.
    std::vector<std::shared_ptr<asio::io_context>> live_ios;
    for (auto& source : live_sources) {
        auto io = std::make_shared<asio::io_context>(1);
        live_ios.push_back(io);
        source_threads.emplace_back([&, io, source = source.get()] {
            const std::string name = source->name();
            std::uint64_t arrival = 0;
            connectors::sources::SourceOutput output;
            output.emit = [&, name](rules::Post post, std::string cursor) {
                if (stop_token.stop_requested()) return false;
                Batch batch;
                batch.items.push_back(
                    PostItem{++arrival, std::move(post), name, true, std::move(cursor)});
                ++stats_.posts_in;
                return pipeline.submit(std::move(batch)) && !stop_token.stop_requested();
            };
            output.committed = [&, name] {
                std::lock_guard lock(committed_mutex);
                const auto found = committed_cursors.find(name);
                return found != committed_cursors.end() ? found->second : std::string();
            };
            const auto stored = resume_token.find(name);
            const std::string resume = stored != resume_token.end() ? stored->second : "";
            if (!resume.empty()) spdlog::info("source '{}': resuming after {}", name, resume);
            asio::co_spawn(*io, source->run(resume, std::move(output)),
                           [name](std::exception_ptr error) {
                               if (error) spdlog::error("source '{}' stopped on an error", name);
                           });
            io->run();
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
    for (auto& io : live_ios) io->stop();
    for (auto& thread : source_threads) thread.join();
    reloader.stop();
    pipeline.finish();
    // Let the dispatcher finish the request in flight (bounded); the rest stays in the outbox.
    if (admin) admin->stop();
    if (dispatcher) {
        dispatcher->stop();
        impl.io.restart();
        const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(15);
        while (dispatcher->running_loops() > 0 && std::chrono::steady_clock::now() < deadline) {
            impl.io.run_for(std::chrono::milliseconds(100));
        }
    }
    std::fflush(impl.console);
    spdlog::info("stopped: {} posts in, {} decided, {} handed on to Redis, {} alerts",
                 stats_.posts_in.load(), stats_.posts_decided.load(), stats_.posts_forwarded.load(),
                 stats_.alerts.load());
    return 0;
}

}  // namespace spreekbuis::daemon
