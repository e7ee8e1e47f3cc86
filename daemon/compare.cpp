#include "daemon/compare.hpp"

#include <algorithm>
#include <set>

#include "connectors/line_reader.hpp"
#include "connectors/post_decoder.hpp"
#include "daemon/exit_codes.hpp"
#include "daemon/replay.hpp"
#include "daemon/router_setup.hpp"
#include "rules/utf8.hpp"

namespace spreekbuis::daemon {

namespace {

constexpr std::size_t kShownText = 100;

std::string topic_name(const std::optional<std::string>& topic) { return topic ? *topic : "none"; }

std::string priority_name(const std::optional<rules::Priority>& priority) {
    return priority ? std::string(rules::to_string(*priority)) : "none";
}

std::string percent(std::uint64_t part, std::uint64_t whole) {
    if (whole == 0) return "0.0%";
    char buffer[32];
    std::snprintf(buffer, sizeof buffer, "%.1f%%",
                  100.0 * static_cast<double>(part) / static_cast<double>(whole));
    return buffer;
}

}  // namespace

VerdictComparison::VerdictComparison(const std::vector<std::string>& baseline_rules,
                                     const std::vector<std::string>& new_rules, std::size_t keep)
    : keep_(keep) {
    for (const auto& id : baseline_rules) {
        auto [it, inserted] = rules_.try_emplace(id);
        it->second.in_baseline = true;
        if (inserted) order_.push_back(id);
    }
    for (const auto& id : new_rules) {
        auto [it, inserted] = rules_.try_emplace(id);
        it->second.in_new = true;
        if (inserted) order_.push_back(id);
    }
}

void VerdictComparison::add(std::uint64_t line, const rules::Post& post,
                            const rules::Verdict& baseline, const rules::Verdict& changed) {
    ++posts_;
    const std::set<std::string> before(baseline.rules.begin(), baseline.rules.end());
    const std::set<std::string> after(changed.rules.begin(), changed.rules.end());
    std::string gained;
    std::string lost;
    for (const auto& id : before) {
        auto& delta = rules_[id];
        ++delta.before;
        if (!after.count(id)) {
            ++delta.lost;
            lost += " -" + id;
        }
    }
    for (const auto& id : after) {
        auto& delta = rules_[id];
        ++delta.after;
        if (!before.count(id)) {
            ++delta.gained;
            gained += " +" + id;
        }
    }
    const bool topic_moved = baseline.topic != changed.topic;
    const bool priority_moved = baseline.priority != changed.priority;
    if (topic_moved) ++topic_moves_[{topic_name(baseline.topic), topic_name(changed.topic)}];
    if (priority_moved) ++priority_changes_;
    if (!topic_moved && !priority_moved && gained.empty() && lost.empty()) return;
    ++changed_;
    if (examples_.size() >= keep_) return;
    std::string what;
    if (topic_moved) {
        what += "topic " + topic_name(baseline.topic) + " -> " + topic_name(changed.topic);
    }
    if (priority_moved) {
        what += std::string(what.empty() ? "" : "; ") + "priority " +
                priority_name(baseline.priority) + " -> " + priority_name(changed.priority);
    }
    if (!gained.empty() || !lost.empty()) {
        what += std::string(what.empty() ? "" : ";") + gained + lost;
        if (what.front() == ' ') what.erase(0, 1);
    }
    // One line per post in the report: line breaks and tabs become spaces.
    std::string text = rules::utf8::clip(post.text, kShownText);
    std::replace_if(
        text.begin(), text.end(), [](char c) { return c == '\n' || c == '\r' || c == '\t'; }, ' ');
    examples_.push_back(ChangedPost{line, post.id, std::move(text), std::move(what)});
}

void VerdictComparison::add_teams(const std::optional<std::string>& baseline,
                                  const std::optional<std::string>& changed) {
    routed_ = true;
    if (baseline) ++teams_[*baseline].first;
    if (changed) ++teams_[*changed].second;
    if (baseline != changed) ++team_moves_;
}

std::string VerdictComparison::report() const {
    std::string out = "posts: " + std::to_string(posts_) +
                      "; decided differently: " + std::to_string(changed_) + " (" +
                      percent(changed_, posts_) + ")";
    if (priority_changes_ > 0) {
        out += "; priority changed: " + std::to_string(priority_changes_);
    }
    out += "\n";
    if (!topic_moves_.empty()) {
        std::vector<std::pair<std::uint64_t, std::pair<std::string, std::string>>> moves;
        for (const auto& [move, count] : topic_moves_) moves.push_back({count, move});
        std::stable_sort(moves.begin(), moves.end(),
                         [](const auto& a, const auto& b) { return a.first > b.first; });
        out += "topic changes (baseline -> new):\n";
        for (const auto& [count, move] : moves) {
            char buffer[64];
            std::snprintf(buffer, sizeof buffer, "  %7llu  ",
                          static_cast<unsigned long long>(count));
            out += buffer + move.first + " -> " + move.second + "\n";
        }
    }
    std::string rule_lines;
    for (const auto& id : order_) {
        const auto& delta = rules_.at(id);
        if (delta.gained == 0 && delta.lost == 0 && delta.in_baseline == delta.in_new) continue;
        const std::string gained = "+" + std::to_string(delta.gained);
        const std::string lost = "-" + std::to_string(delta.lost);
        char buffer[128];
        std::snprintf(buffer, sizeof buffer, "  %7s %7s  %7llu -> %-7llu ", gained.c_str(),
                      lost.c_str(), static_cast<unsigned long long>(delta.before),
                      static_cast<unsigned long long>(delta.after));
        rule_lines += buffer + id;
        if (!delta.in_baseline) rule_lines += " (new rule)";
        if (!delta.in_new) rule_lines += " (removed)";
        rule_lines += "\n";
    }
    if (!rule_lines.empty()) {
        out += "rules whose matches changed (gained, lost, posts matched before -> after):\n";
        out += rule_lines;
    }
    if (routed_) {
        out += "routing (posts per team, baseline -> new; routed elsewhere: " +
               std::to_string(team_moves_) + "):\n";
        for (const auto& [team, counts] : teams_) {
            char buffer[96];
            std::snprintf(buffer, sizeof buffer, "  %7llu -> %-7llu ",
                          static_cast<unsigned long long>(counts.first),
                          static_cast<unsigned long long>(counts.second));
            out += buffer + team + "\n";
        }
    }
    if (!examples_.empty()) {
        out += "first " + std::to_string(examples_.size()) + " changed posts:\n";
        for (const auto& post : examples_) {
            out += "  line " + std::to_string(post.line) + " (" + post.post_id + "): " + post.what +
                   "\n      " + post.text + "\n";
        }
    }
    return out;
}

int compare_setups(const Setup& baseline, const Setup& changed, std::FILE* input,
                   const std::string& input_label, std::size_t shown, std::FILE* out,
                   std::FILE* err) {
    VerdictComparison comparison(baseline.rules->rule_ids(), changed.rules->rule_ids(), shown);
    connectors::LineReader reader(input, connectors::PostDecoder::kMaxLineBytes);
    connectors::PostDecoder decoder;
    std::string line;
    std::uint64_t bad_lines = 0;
    // Routing needs the posts in time order, so with people directories they are kept.
    rules::Diagnostics routing_errors;
    auto baseline_routing = make_router(baseline.config, RouterMode::replay, routing_errors);
    auto changed_routing = make_router(changed.config, RouterMode::replay, routing_errors);
    const bool route = baseline_routing.router && changed_routing.router;
    std::vector<rules::Post> posts;
    std::vector<rules::Verdict> baseline_verdicts;
    std::vector<rules::Verdict> changed_verdicts;
    while (true) {
        const auto status = reader.next(line);
        if (status == connectors::LineReader::Status::end) break;
        if (status == connectors::LineReader::Status::error) {
            std::fprintf(err, "%s: error: read failed after line %llu\n", input_label.c_str(),
                         static_cast<unsigned long long>(reader.line_number()));
            return kExitRuntime;
        }
        const auto number = static_cast<unsigned long long>(reader.line_number());
        if (status == connectors::LineReader::Status::too_long) {
            std::fprintf(err, "%s:%llu: error: line longer than %zu bytes; line skipped\n",
                         input_label.c_str(), number, connectors::PostDecoder::kMaxLineBytes);
            ++bad_lines;
            continue;
        }
        if (line.find_first_not_of(" \t\r") == std::string::npos) continue;
        auto decoded = decoder.decode(line);
        if (!decoded.post) {
            std::fprintf(err, "%s:%llu: error: %s; line skipped\n", input_label.c_str(), number,
                         decoded.error.c_str());
            ++bad_lines;
            continue;
        }
        auto before = baseline.rules->evaluate(*decoded.post);
        auto after = changed.rules->evaluate(*decoded.post);
        comparison.add(reader.line_number(), *decoded.post, before, after);
        if (route) {
            posts.push_back(std::move(*decoded.post));
            baseline_verdicts.push_back(std::move(before));
            changed_verdicts.push_back(std::move(after));
        }
    }
    if (route) {
        std::vector<const rules::Post*> pointers;
        pointers.reserve(posts.size());
        for (const auto& post : posts) pointers.push_back(&post);
        const auto before = route_in_time_order(baseline_routing, pointers, baseline_verdicts);
        const auto after = route_in_time_order(changed_routing, pointers, changed_verdicts);
        for (std::size_t i = 0; i < posts.size(); ++i) {
            comparison.add_teams(before.assignments[i].team, after.assignments[i].team);
        }
    }
    std::string report = comparison.report();
    if (bad_lines > 0) report += std::to_string(bad_lines) + " bad lines skipped\n";
    std::fputs(report.c_str(), out);
    return kExitOk;
}

}  // namespace spreekbuis::daemon
