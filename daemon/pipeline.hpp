#pragma once
// The matching stage: batches of posts in, verdicts out in input order. Owns N matcher worker
// threads and one emitter thread; submit() may be called from any thread.
#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

#include "connectors/alert.hpp"
#include "daemon/bounded_queue.hpp"
#include "rules/post.hpp"
#include "rules/ruleset.hpp"
#include "rules/verdict.hpp"

namespace spreekbuis::daemon {
namespace routing {
class Router;
}

// The current rule set, swapped atomically on reload; workers load it once per batch.
class RuleSetHolder {
  public:
    explicit RuleSetHolder(std::shared_ptr<const rules::RuleSet> initial)
        : current_(std::move(initial)) {}
    std::shared_ptr<const rules::RuleSet> get() const { return current_.load(); }
    void set(std::shared_ptr<const rules::RuleSet> next) { current_.store(std::move(next)); }

  private:
    std::atomic<std::shared_ptr<const rules::RuleSet>> current_;
};

struct PostItem {
    std::uint64_t line = 0;  // input line number (replay) or arrival number (live)
    rules::Post post;
    std::string origin;  // configured source name, for its resume cursor
    bool live = false;   // from a live source: `cursor` is its resume point, not `line`
    std::string cursor;  // a live source's resume token after this post ("" = none)
};

struct Batch {
    std::uint64_t sequence = 0;  // assigned by submit()
    std::vector<PostItem> items;
    std::vector<rules::Verdict> verdicts;  // filled by the workers, same order as items
    bool tick = false;  // a timer tick: the emitter runs time-based work (SLA, spikes) in order
    // Work that must run on the emitter thread (which owns the router), e.g. an admin action.
    // Alerts it adds to `alerts` (a reassignment's new-case alert) are delivered with the batch.
    std::function<void(routing::Router*, std::vector<connectors::Alert>& alerts)> action;
    // Notices for the operators (a rejected reload), delivered on the emitter thread like the
    // router's alerts, inside the batch's transaction.
    std::vector<connectors::Alert> alerts;
    // Called on the emitter thread once the batch's state is stored (`stored` false when the
    // commit failed), so an admin action is answered only after it is durable.
    std::function<void(bool stored)> done;
};

struct PipelineOptions {
    unsigned workers = 2;
    std::size_t queue_capacity = 64;  // in batches
    bool decide = true;  // false (ingest mode): batches pass the workers without verdicts
};

class Pipeline {
  public:
    using Emit = std::function<void(Batch&)>;  // on the emitter thread, in submit order
    using Idle = std::function<void()>;        // on the emitter thread

    // `idle` (optional) runs on the emitter thread whenever the next batch is not decided yet,
    // and once more before the emitter ends: the moment to commit what was emitted so far.
    Pipeline(const RuleSetHolder& rules, PipelineOptions options, Emit emit, Idle idle = {});
    ~Pipeline();
    Pipeline(const Pipeline&) = delete;
    Pipeline& operator=(const Pipeline&) = delete;

    // Blocks while the queue is full. False after finish().
    bool submit(Batch batch);
    // Never blocks: false when the queue is full, another thread is submitting, or after
    // finish(). For input that cannot wait (a webhook answers 503 and its sender retries).
    bool try_submit(Batch& batch);
    // No more input: waits until every submitted batch was emitted, then joins the threads.
    void finish();

    std::uint64_t batches_emitted() const { return emitted_.load(); }

  private:
    void work();
    void emit_in_order();

    const RuleSetHolder& rules_;
    const bool decide_;
    Emit emit_;
    Idle idle_;
    BoundedQueue<Batch> input_;
    std::mutex submit_mutex_;  // sequence numbers must follow queue order
    std::uint64_t next_sequence_ = 0;
    std::mutex done_mutex_;
    std::condition_variable done_ready_;
    std::map<std::uint64_t, Batch> done_;
    unsigned workers_running_ = 0;
    std::atomic<std::uint64_t> emitted_{0};
    std::vector<std::thread> workers_;
    std::thread emitter_;
    bool finished_ = false;
};

}  // namespace spreekbuis::daemon
