#include "daemon/replay.hpp"

#include <algorithm>
#include <chrono>
#include <iterator>
#include <numeric>

#include "connectors/line_reader.hpp"
#include "connectors/post_decoder.hpp"
#include "daemon/decision_record.hpp"
#include "daemon/pipeline.hpp"
#include "daemon/router_setup.hpp"

namespace spreekbuis::daemon {

namespace {
constexpr std::size_t kBatchSize = 256;

bool is_blank(const std::string& line) {
    return line.find_first_not_of(" \t\r") == std::string::npos;
}
}  // namespace

RoutedPosts route_in_time_order(RouterRuntime& routing,
                                const std::vector<const rules::Post*>& posts,
                                const std::vector<rules::Verdict>& verdicts) {
    std::vector<std::int64_t> times(posts.size());
    std::int64_t previous = 0;
    for (std::size_t i = 0; i < posts.size(); ++i) {
        previous = posts[i]->created_at_ms.value_or(previous);
        times[i] = previous;
    }
    std::vector<std::size_t> order(posts.size());
    std::iota(order.begin(), order.end(), std::size_t{0});
    std::stable_sort(order.begin(), order.end(),
                     [&](std::size_t a, std::size_t b) { return times[a] < times[b]; });
    RoutedPosts routed;
    routed.assignments.resize(posts.size());
    for (const auto index : order) {
        routing.manual_clock->set(times[index]);
        auto decision = routing.router->route(*posts[index], verdicts[index]);
        routed.assigned += decision.assignee.has_value();
        routed.alerts += decision.alerts.size();
        routed.assignments[index] =
            Assignment{decision.team, decision.assignee, decision.why, decision.priority};
    }
    routed.alerts += routing.router->tick().size();
    return routed;
}

ReplayStats replay_posts(const Setup& setup, std::FILE* input, std::FILE* out, std::FILE* err,
                         const ReplayOptions& options) {
    ReplayStats stats;
    const auto started = std::chrono::steady_clock::now();
    RuleSetHolder holder(setup.rules);
    rules::Diagnostics router_diagnostics;
    auto routing = make_router(setup.config, RouterMode::replay, router_diagnostics);
    // With routing, decisions are kept until the input ends: routing runs in the posts' time
    // order (feeds are often newest-first), records are printed in input order.
    std::vector<PostItem> kept_posts;
    std::vector<rules::Verdict> kept_verdicts;
    std::string records;
    if (options.rule_hits) options.rule_hits->set_rules(setup.rules->rule_ids());
    Pipeline pipeline(holder, {setup.config.workers, 64}, [&](Batch& batch) {
        records.clear();
        if (options.rule_hits) options.rule_hits->count(batch.verdicts);
        for (std::size_t i = 0; i < batch.items.size(); ++i) {
            const auto& verdict = batch.verdicts[i];
            stats.matched += verdict.matched;
            stats.complaints += verdict.complaint;
            if (routing.router) continue;
            if (!options.print_records) continue;
            records += decision_record_json(batch.items[i].post, verdict, Assignment{});
            records += '\n';
        }
        if (!records.empty()) std::fwrite(records.data(), 1, records.size(), out);
        if (routing.router) {
            std::move(batch.items.begin(), batch.items.end(), std::back_inserter(kept_posts));
            std::move(batch.verdicts.begin(), batch.verdicts.end(),
                      std::back_inserter(kept_verdicts));
        }
    });

    connectors::LineReader reader(input, connectors::PostDecoder::kMaxLineBytes);
    connectors::PostDecoder decoder;
    Batch batch;
    std::string line;
    auto report = [&](std::uint64_t line_number, const std::string& message) {
        std::fprintf(err, "%s:%llu: error: %s; line skipped\n", options.input_label.c_str(),
                     static_cast<unsigned long long>(line_number), message.c_str());
        ++stats.bad_lines;
    };
    while (true) {
        const auto status = reader.next(line);
        if (status == connectors::LineReader::Status::end) break;
        if (status == connectors::LineReader::Status::error) {
            std::fprintf(err, "%s: error: read failed after line %llu\n",
                         options.input_label.c_str(),
                         static_cast<unsigned long long>(reader.line_number()));
            break;
        }
        ++stats.lines;
        if (status == connectors::LineReader::Status::too_long) {
            report(reader.line_number(),
                   "line longer than " + std::to_string(connectors::PostDecoder::kMaxLineBytes) +
                       " bytes");
            continue;
        }
        if (is_blank(line)) continue;
        auto decoded = decoder.decode(line);
        if (!decoded.post) {
            report(reader.line_number(), decoded.error);
            continue;
        }
        if (!decoded.warning.empty()) {
            std::fprintf(err, "%s:%llu: warning: %s\n", options.input_label.c_str(),
                         static_cast<unsigned long long>(reader.line_number()),
                         decoded.warning.c_str());
        }
        ++stats.posts;
        batch.items.push_back(
            PostItem{reader.line_number(), std::move(*decoded.post), {}, false, {}});
        if (batch.items.size() == kBatchSize) {
            pipeline.submit(std::move(batch));
            batch = Batch{};
        }
    }
    if (!batch.items.empty()) pipeline.submit(std::move(batch));
    pipeline.finish();
    if (routing.router) {
        std::vector<const rules::Post*> posts;
        posts.reserve(kept_posts.size());
        for (const auto& item : kept_posts) posts.push_back(&item.post);
        const auto routed = route_in_time_order(routing, posts, kept_verdicts);
        stats.assigned += routed.assigned;
        stats.alerts += routed.alerts;
        for (std::size_t i = 0; i < kept_posts.size(); ++i) {
            if (!options.print_records) break;
            records =
                decision_record_json(kept_posts[i].post, kept_verdicts[i], routed.assignments[i]);
            records += '\n';
            std::fwrite(records.data(), 1, records.size(), out);
        }
    }
    std::fflush(out);
    stats.bytes = reader.bytes_read();
    stats.seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    return stats;
}

std::string format_replay_summary(const ReplayStats& stats) {
    const double seconds = stats.seconds > 0 ? stats.seconds : 1e-9;
    char buffer[512];
    std::snprintf(buffer, sizeof buffer,
                  "posts: %llu  bad lines: %llu  matched: %llu  complaints: %llu  assigned: %llu  "
                  "alerts: %llu\n"
                  "elapsed: %.3f s  throughput: %.0f posts/s  %.2f MB/s\n",
                  static_cast<unsigned long long>(stats.posts),
                  static_cast<unsigned long long>(stats.bad_lines),
                  static_cast<unsigned long long>(stats.matched),
                  static_cast<unsigned long long>(stats.complaints),
                  static_cast<unsigned long long>(stats.assigned),
                  static_cast<unsigned long long>(stats.alerts), stats.seconds,
                  static_cast<double>(stats.posts) / seconds,
                  static_cast<double>(stats.bytes) / seconds / 1e6);
    return buffer;
}

}  // namespace spreekbuis::daemon
