#include "daemon/pipeline.hpp"

namespace spreekbuis::daemon {

Pipeline::Pipeline(const RuleSetHolder& rules, PipelineOptions options, Emit emit, Idle idle)
    : rules_(rules),
      decide_(options.decide),
      emit_(std::move(emit)),
      idle_(std::move(idle)),
      input_(options.queue_capacity) {
    const unsigned count = options.workers == 0 ? 1 : options.workers;
    workers_running_ = count;
    for (unsigned i = 0; i < count; ++i) workers_.emplace_back([this] { work(); });
    emitter_ = std::thread([this] { emit_in_order(); });
}

Pipeline::~Pipeline() { finish(); }

bool Pipeline::submit(Batch batch) {
    std::lock_guard lock(submit_mutex_);
    batch.sequence = next_sequence_;
    if (!input_.push(std::move(batch))) return false;
    ++next_sequence_;
    return true;
}

bool Pipeline::try_submit(Batch& batch) {
    std::unique_lock lock(submit_mutex_, std::try_to_lock);
    if (!lock.owns_lock()) return false;
    batch.sequence = next_sequence_;
    if (!input_.try_push_or_keep(batch)) return false;
    ++next_sequence_;
    return true;
}

void Pipeline::work() {
    std::vector<const rules::Post*> posts;  // the batch's posts, for evaluate_all
    while (auto batch = input_.pop()) {
        batch->verdicts.clear();
        if (decide_) {
            const auto rules = rules_.get();  // once per batch: a reload never splits a batch
            posts.clear();
            for (const auto& item : batch->items) posts.push_back(&item.post);
            rules->evaluate_all(posts, batch->verdicts);
        }
        std::lock_guard lock(done_mutex_);
        done_.emplace(batch->sequence, std::move(*batch));
        done_ready_.notify_all();
    }
    std::lock_guard lock(done_mutex_);
    --workers_running_;
    done_ready_.notify_all();
}

void Pipeline::emit_in_order() {
    std::uint64_t next = 0;
    while (true) {
        Batch batch;
        {
            std::unique_lock lock(done_mutex_);
            if (idle_ && done_.count(next) == 0) {
                lock.unlock();
                idle_();
                lock.lock();
            }
            done_ready_.wait(lock, [&] {
                return done_.count(next) > 0 || (workers_running_ == 0 && done_.empty());
            });
            auto found = done_.find(next);
            if (found == done_.end()) {  // workers gone and nothing left
                lock.unlock();
                if (idle_) idle_();
                return;
            }
            batch = std::move(found->second);
            done_.erase(found);
        }
        emit_(batch);
        ++next;
        emitted_.fetch_add(1);
    }
}

void Pipeline::finish() {
    if (finished_) return;
    finished_ = true;
    input_.close();
    for (auto& worker : workers_) worker.join();
    emitter_.join();
}

}  // namespace spreekbuis::daemon
