#include <atomic>
#include <catch2/catch.hpp>
#include <set>
#include <thread>

#include "daemon/bounded_queue.hpp"
#include "daemon/pipeline.hpp"

using namespace spreekbuis;

namespace {
// Marks posts whose text contains "x" as matched; counts evaluations.
class FakeRuleSet : public rules::RuleSet {
  public:
    explicit FakeRuleSet(std::string tag) : tag_(std::move(tag)) {}
    rules::Verdict evaluate(const rules::Post& post) const override {
        ++evaluations;
        rules::Verdict verdict;
        verdict.matched = post.text.find('x') != std::string::npos;
        verdict.why = tag_;
        return verdict;
    }
    std::vector<rules::RuleTestOutcome> run_tests() const override { return {}; }
    std::size_t rule_count() const override { return 1; }
    std::vector<std::string> rule_ids() const override { return {tag_}; }
    std::vector<std::optional<std::string>> rule_topics() const override { return {{}}; }
    std::vector<std::string> topics() const override { return {}; }
    std::vector<std::string> tags() const override { return {}; }
    std::vector<rules::RuleMiss> misses(const rules::Post&, std::string_view) const override {
        return {};
    }
    mutable std::atomic<int> evaluations{0};

  private:
    std::string tag_;
};

daemon::Batch make_batch(int first, int count) {
    daemon::Batch batch;
    for (int i = first; i < first + count; ++i) {
        rules::Post post;
        post.id = std::to_string(i);
        post.text = i % 3 == 0 ? "x" : "y";
        batch.items.push_back({static_cast<std::uint64_t>(i), post, {}, false, {}});
    }
    return batch;
}
}  // namespace

TEST_CASE("pipeline emits every post once, in submission order, with its verdict", "[pipeline]") {
    auto rules = std::make_shared<FakeRuleSet>("v1");
    daemon::RuleSetHolder holder(rules);
    std::vector<std::string> seen;
    int matched = 0;
    {
        daemon::Pipeline pipeline(holder, {4, 2}, [&](daemon::Batch& batch) {
            REQUIRE(batch.verdicts.size() == batch.items.size());
            for (std::size_t i = 0; i < batch.items.size(); ++i) {
                seen.push_back(batch.items[i].post.id);
                matched += batch.verdicts[i].matched;
            }
        });
        for (int b = 0; b < 200; ++b) REQUIRE(pipeline.submit(make_batch(b * 7, 7)));
        pipeline.finish();
        CHECK(pipeline.batches_emitted() == 200);
    }
    REQUIRE(seen.size() == 1400);
    for (int i = 0; i < 1400; ++i) REQUIRE(seen[static_cast<std::size_t>(i)] == std::to_string(i));
    CHECK(matched == 467);  // ids divisible by 3 in 0..1399
    CHECK(rules->evaluations == 1400);
}

TEST_CASE("pipeline picks up a swapped rule set for later batches", "[pipeline]") {
    daemon::RuleSetHolder holder(std::make_shared<FakeRuleSet>("old"));
    std::set<std::string> versions;
    daemon::Pipeline pipeline(holder, {1, 1}, [&](daemon::Batch& batch) {
        for (const auto& verdict : batch.verdicts) versions.insert(verdict.why);
    });
    REQUIRE(pipeline.submit(make_batch(0, 1)));
    pipeline.finish();
    holder.set(std::make_shared<FakeRuleSet>("new"));
    daemon::Pipeline second(holder, {1, 1}, [&](daemon::Batch& batch) {
        for (const auto& verdict : batch.verdicts) versions.insert(verdict.why);
    });
    REQUIRE(second.submit(make_batch(1, 1)));
    second.finish();
    CHECK(versions == std::set<std::string>{"old", "new"});
}

TEST_CASE("bounded queue applies backpressure and drains after close", "[pipeline]") {
    daemon::BoundedQueue<int> queue(2);
    REQUIRE(queue.push(1));
    REQUIRE(queue.push(2));
    CHECK_FALSE(queue.try_push(3));  // full: a live source would count a drop here
    std::atomic<bool> pushed{false};
    std::thread producer([&] {
        queue.push(3);  // blocks until the consumer pops
        pushed = true;
    });
    CHECK(queue.pop() == 1);
    producer.join();
    CHECK(pushed);
    queue.close();
    CHECK_FALSE(queue.push(4));
    CHECK(queue.pop() == 2);
    CHECK(queue.pop() == 3);
    CHECK_FALSE(queue.pop());
}

TEST_CASE("pipeline calls the idle hook between bursts and before it ends", "[pipeline]") {
    auto rules = std::make_shared<FakeRuleSet>("v1");
    daemon::RuleSetHolder holder(rules);
    // What the daemon does with it: batches emitted since the last idle call form one group.
    std::vector<int> groups;
    int open = 0;
    std::atomic<int> emitted{0};
    {
        daemon::Pipeline pipeline(
            holder, {2, 64},
            [&](daemon::Batch&) {
                ++open;
                ++emitted;
            },
            [&] {
                if (open > 0) groups.push_back(open);
                open = 0;
            });
        // A burst of 50 batches while the emitter is idle, then a pause, then one more.
        for (int i = 0; i < 50; ++i) REQUIRE(pipeline.submit(make_batch(i, 1)));
        for (int i = 0; i < 400 && emitted.load() < 50; ++i) {
            std::this_thread::sleep_for(std::chrono::milliseconds(5));
        }
        REQUIRE(emitted.load() == 50);
        std::this_thread::sleep_for(std::chrono::milliseconds(50));  // the emitter goes idle
        REQUIRE(pipeline.submit(make_batch(50, 1)));
        pipeline.finish();
    }
    // Every emitted batch was in some group (nothing left uncommitted at the end), and the
    // last batch, submitted after a pause, was a group of its own.
    int total = 0;
    for (int size : groups) total += size;
    CHECK(total == 51);
    REQUIRE_FALSE(groups.empty());
    CHECK(groups.back() == 1);
    CHECK(open == 0);
}
