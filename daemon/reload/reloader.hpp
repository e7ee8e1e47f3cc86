#pragma once
// The thread that carries out reloads one at a time, whoever asks: SIGHUP, the admin API, or
// its own watch of the files (polled every `interval`, reloaded once a change holds still for
// one poll; see ChangeDebouncer). The work itself is the daemon's `reload` function.
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <future>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "daemon/reload/file_watch.hpp"
#include "daemon/reload/reload_report.hpp"

namespace spreekbuis::daemon::reload {

class Reloader {
  public:
    // trigger, changed files -> report
    using ReloadFn = std::function<ReloadReport(const std::string&, std::vector<std::string>)>;
    using PathsFn = std::function<std::vector<std::string>()>;  // what to watch now

    // Starts the thread. With `watch` false it only serves requests. `loaded`: the files as they
    // were when the running rules were read.
    Reloader(ReloadFn reload, PathsFn paths, bool watch, std::int64_t interval_ms,
             Fingerprint loaded);
    ~Reloader();  // stops and joins; a request still queued is answered "stopped"
    Reloader(const Reloader&) = delete;
    Reloader& operator=(const Reloader&) = delete;

    // Queues a reload; the future has its report. Thread-safe, never blocks.
    std::future<ReloadReport> request(std::string trigger);
    void stop();

  private:
    struct Request {
        std::string trigger;
        std::promise<ReloadReport> reply;
    };
    void loop(std::stop_token stop);
    void remember_loaded(const Fingerprint& before);

    ReloadFn reload_;
    PathsFn paths_;
    bool watch_;
    std::int64_t interval_ms_;
    std::mutex mutex_;
    std::condition_variable_any wake_;
    std::deque<Request> requests_;
    ChangeDebouncer debouncer_;  // the thread's own
    std::jthread thread_;
};

}  // namespace spreekbuis::daemon::reload
