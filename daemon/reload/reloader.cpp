#include "daemon/reload/reloader.hpp"

#include <algorithm>
#include <chrono>

namespace spreekbuis::daemon::reload {

Reloader::Reloader(ReloadFn reload, PathsFn paths, bool watch, std::int64_t interval_ms,
                   Fingerprint loaded)
    : reload_(std::move(reload)),
      paths_(std::move(paths)),
      watch_(watch),
      interval_ms_(interval_ms),
      debouncer_(std::move(loaded)) {
    thread_ = std::jthread([this](std::stop_token stop) { loop(stop); });
}

Reloader::~Reloader() { stop(); }

void Reloader::stop() {
    if (thread_.joinable()) {
        thread_.request_stop();
        wake_.notify_all();
        thread_.join();
    }
    std::lock_guard lock(mutex_);
    for (auto& request : requests_) {
        ReloadReport report;
        report.trigger = request.trigger;
        report.diagnostics.error({}, "the daemon is stopping; nothing was reloaded");
        request.reply.set_value(std::move(report));
    }
    requests_.clear();
}

std::future<ReloadReport> Reloader::request(std::string trigger) {
    Request request{std::move(trigger), {}};
    auto answer = request.reply.get_future();
    {
        std::lock_guard lock(mutex_);
        requests_.push_back(std::move(request));
    }
    wake_.notify_all();
    return answer;
}

// A file changed while the reload read it keeps its old stamp here, so the next polls see the
// difference and reload again; paths new since the reload (a new rule file) take their stamp now.
void Reloader::remember_loaded(const Fingerprint& before) {
    Fingerprint after = take_fingerprint(paths_());
    for (auto& file : after) {
        const auto old = std::find_if(before.begin(), before.end(),
                                      [&](const WatchedFile& f) { return f.path == file.path; });
        if (old != before.end()) file.stamp = old->stamp;
    }
    debouncer_.loaded(std::move(after));
}

void Reloader::loop(std::stop_token stop) {
    while (!stop.stop_requested()) {
        std::optional<Request> request;
        {
            std::unique_lock lock(mutex_);
            if (requests_.empty()) {
                const auto wait = watch_ ? std::chrono::milliseconds(interval_ms_)
                                         : std::chrono::milliseconds(60 * 60 * 1000);
                wake_.wait_for(lock, stop, wait, [this] { return !requests_.empty(); });
            }
            if (stop.stop_requested()) break;
            if (!requests_.empty()) {
                request.emplace(std::move(requests_.front()));
                requests_.pop_front();
            }
        }
        if (request) {
            const Fingerprint before = watch_ ? take_fingerprint(paths_()) : Fingerprint{};
            request->reply.set_value(reload_(request->trigger, {}));
            if (watch_) remember_loaded(before);
            continue;
        }
        if (!watch_) continue;
        const Fingerprint now = take_fingerprint(paths_());
        if (!debouncer_.observe(now)) continue;
        reload_("file change", changed_paths(debouncer_.loaded_state(), now));
        remember_loaded(now);
    }
}

}  // namespace spreekbuis::daemon::reload
