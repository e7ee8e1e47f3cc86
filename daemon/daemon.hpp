#pragma once
// The long-running service: sources feed the matching pipeline, decisions become alerts on the
// sinks. Owns the I/O io_context (signals: SIGINT/SIGTERM stop, SIGHUP reloads rules), the
// source threads and the pipeline. run() blocks on the calling thread until stopped.
#include <atomic>
#include <cstdint>
#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include "daemon/reload/reload_report.hpp"
#include "daemon/setup.hpp"

namespace spreekbuis::daemon {

struct DaemonStats {
    std::atomic<std::uint64_t> posts_in{0};
    std::atomic<std::uint64_t> bad_lines{0};
    std::atomic<std::uint64_t> posts_decided{0};
    std::atomic<std::uint64_t> posts_forwarded{0};  // ingest mode: added to the Redis stream
    std::atomic<std::uint64_t> alerts{0};
    std::atomic<std::uint64_t> undeliverable{0};     // alerts for a sink that is not configured
    std::atomic<std::uint64_t> state_failures{0};    // state.db transactions not begun/committed
    std::atomic<std::uint64_t> silenced{0};          // dropped by a configured silence
    std::atomic<std::uint64_t> held{0};              // held for a digest by cooldown or cap
    std::atomic<std::uint64_t> decisions_logged{0};  // records written to the audit log
    std::atomic<std::uint64_t> reloads{0};
    std::atomic<std::uint64_t> reload_failures{0};
    std::atomic<std::uint64_t> reload_warnings{0};  // of the last accepted reload
    std::atomic<std::uint64_t> people_reloads{0};   // directories swapped in by the emitter
    std::atomic<std::uint64_t> people_reload_failures{0};
    std::atomic<std::uint64_t> sources_finished{0};
    std::atomic<bool> last_reload_ok{true};          // the last reload() was accepted
    std::atomic<std::int64_t> last_reload_ok_ms{0};  // Unix ms of the last accepted reload()
    std::atomic<std::uint64_t> reload_notices{0};    // reload_failed / _recovered alerts sent
};

class Daemon {
  public:
    // `console` receives the console sink's output (stdout in production).
    Daemon(Setup setup, std::FILE* console);
    ~Daemon();

    // Runs until request_stop() or SIGINT/SIGTERM; drains queued posts before returning.
    // Returns a process exit code.
    int run();
    // Thread-safe; may be called before or during run().
    void request_stop();
    // Thread-safe: reads spreekbuis.yaml again, then reloads the rule files and the people
    // directory it names (each swapped in only when it loads, its tests pass and the people
    // directory has no errors; otherwise the running one stays). Other changed keys are
    // reported as needing a restart. A rejected reload is logged, counted and, while run()
    // runs, announced in the operators' chat (reload.alert). SIGHUP, the admin API
    // (POST /api/v1/reload) and the file watch all come here.
    reload::ReloadReport reload(const std::string& trigger, std::vector<std::string> files = {});
    // Thread-safe: recompiles the running configuration's rule files and swaps them in if they
    // load and pass their tests.
    bool reload_rules();
    // Thread-safe: reads the people directory again and, if it loads without errors, hands it
    // to the router on the emitter thread (open cases keep their ids and assignees). False when
    // it has errors (the old directory stays), when no people file is configured, or when the
    // daemon is not running.
    bool reload_people();

    const DaemonStats& stats() const { return stats_; }

  private:
    // The reload steps; the caller holds the reload mutex. Problems go to `diagnostics`.
    bool swap_rules(const config::Config& config, rules::Diagnostics& diagnostics);
    bool swap_people(const config::Config& config, rules::Diagnostics& diagnostics);

    struct Impl;
    std::unique_ptr<Impl> impl_;
    DaemonStats stats_;
};

}  // namespace spreekbuis::daemon
