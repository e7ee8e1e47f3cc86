#include "daemon/rule_hits.hpp"

#include <algorithm>
#include <cstdio>

#include "daemon/prometheus.hpp"

namespace spreekbuis::daemon {

std::size_t RuleHits::slot(std::string_view id) {
    if (const auto found = index_.find(id); found != index_.end()) return found->second;
    index_.emplace(std::string(id), entries_.size());
    entries_.push_back(RuleHit{std::string(id), 0, false});
    return entries_.size() - 1;
}

void RuleHits::set_rules(const std::vector<std::string>& ids) {
    std::lock_guard lock(mutex_);
    for (auto& entry : entries_) entry.loaded = false;
    loaded_.clear();
    for (const auto& id : ids) {
        const auto at = slot(id);
        entries_[at].loaded = true;
        loaded_.push_back(at);
    }
}

void RuleHits::count(const std::vector<rules::Verdict>& verdicts) {
    std::lock_guard lock(mutex_);
    for (const auto& verdict : verdicts) {
        // A verdict decided by the rules before a reload may name a rule that is gone.
        for (const auto id : verdict.rules) ++entries_[slot(id)].matches;
    }
}

std::vector<RuleHit> RuleHits::snapshot() const {
    std::lock_guard lock(mutex_);
    std::vector<RuleHit> out;
    out.reserve(entries_.size());
    for (auto at : loaded_) out.push_back(entries_[at]);
    std::vector<RuleHit> removed;
    for (const auto& entry : entries_) {
        if (!entry.loaded && entry.matches > 0) removed.push_back(entry);
    }
    std::sort(removed.begin(), removed.end(),
              [](const RuleHit& a, const RuleHit& b) { return a.rule < b.rule; });
    out.insert(out.end(), removed.begin(), removed.end());
    return out;
}

std::string RuleHits::prometheus() const {
    const auto hits = snapshot();
    std::string out =
        "# HELP spreekbuis_rule_matches_total Posts each rule matched (removed rules keep "
        "their count).\n# TYPE spreekbuis_rule_matches_total counter\n";
    for (const auto& hit : hits) {
        out += "spreekbuis_rule_matches_total{rule=\"" + prometheus_label(hit.rule) + "\"} " +
               std::to_string(hit.matches) + "\n";
    }
    return out;
}

std::string format_rule_hits(const std::vector<RuleHit>& hits, std::uint64_t posts) {
    std::string out = "matches  share  rule\n";
    std::size_t never = 0;
    std::size_t loaded = 0;
    char line[64];
    for (const auto& hit : hits) {
        const double share =
            posts > 0 ? 100.0 * static_cast<double>(hit.matches) / static_cast<double>(posts) : 0;
        std::snprintf(line, sizeof line, "%7llu %5.1f%%  ",
                      static_cast<unsigned long long>(hit.matches), share);
        out += line;
        out += hit.rule;
        if (!hit.loaded) out += "  (no longer loaded)";
        out += '\n';
        if (hit.loaded) {
            ++loaded;
            never += hit.matches == 0;
        }
    }
    out += std::to_string(never) + " of " + std::to_string(loaded) + " rules never matched\n";
    return out;
}

}  // namespace spreekbuis::daemon
