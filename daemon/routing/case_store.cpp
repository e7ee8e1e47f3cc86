#include "daemon/routing/case_store.hpp"

#include <algorithm>

namespace spreekbuis::daemon::routing {

std::string_view to_string(CaseStatus status) {
    switch (status) {
        case CaseStatus::new_case:
            return "new";
        case CaseStatus::assigned:
            return "assigned";
        case CaseStatus::acknowledged:
            return "acknowledged";
        case CaseStatus::resolved:
            return "resolved";
        case CaseStatus::reopened:
            return "reopened";
    }
    return "new";
}

std::optional<CaseStatus> parse_case_status(std::string_view text) {
    if (text == "new") return CaseStatus::new_case;
    if (text == "assigned") return CaseStatus::assigned;
    if (text == "acknowledged") return CaseStatus::acknowledged;
    if (text == "resolved") return CaseStatus::resolved;
    if (text == "reopened") return CaseStatus::reopened;
    return std::nullopt;
}

bool MemoryCaseStore::save_case(const Case& item) {
    cases_[item.id] = item;
    return true;
}

bool MemoryCaseStore::add_post(const std::string& post_key, const std::string& case_id,
                               std::int64_t at_ms) {
    posts_[post_key] = {case_id, at_ms};
    return true;
}

bool MemoryCaseStore::append_audit(const AuditEntry& entry) {
    audit_.push_back(entry);
    return true;
}

bool MemoryCaseStore::set_affinity(const std::string& customer, const std::string& person,
                                   std::int64_t at_ms) {
    affinity_[customer] = {person, at_ms};
    return true;
}

bool MemoryCaseStore::set_last_assigned(const std::string& person, std::int64_t at_ms) {
    last_assigned_[person] = at_ms;
    return true;
}

std::optional<std::vector<Case>> MemoryCaseStore::customer_cases(const std::string& customer,
                                                                 std::size_t limit) {
    std::vector<Case> out;
    for (const auto& [id, item] : cases_) {
        if (item.customer == customer) out.push_back(item);
    }
    std::sort(out.begin(), out.end(),
              [](const Case& a, const Case& b) { return a.number > b.number; });
    if (out.size() > limit) out.resize(limit);
    return out;
}

bool MemoryCaseStore::set_presence(const Presence& presence) {
    presence_[presence.person] = presence;
    return true;
}

bool MemoryCaseStore::clear_presence(const std::string& person) {
    presence_.erase(person);
    return true;
}

std::optional<StoreSnapshot> MemoryCaseStore::load(std::int64_t since_ms) {
    StoreSnapshot snapshot;
    for (const auto& [id, item] : cases_) {
        snapshot.next_case_number = std::max(snapshot.next_case_number, item.number + 1);
        if (item.open() || item.resolved_at_ms >= since_ms) snapshot.cases.push_back(item);
    }
    for (const auto& [key, value] : posts_) {
        const auto it = cases_.find(value.first);
        if (it != cases_.end() && (it->second.open() || it->second.resolved_at_ms >= since_ms)) {
            snapshot.case_posts.emplace_back(key, value.first);
        }
    }
    snapshot.affinity = affinity_;
    snapshot.last_assigned = last_assigned_;
    snapshot.presence = presence_;
    return snapshot;
}

std::vector<AuditEntry> MemoryCaseStore::audit_trail(const std::string& case_id) {
    std::vector<AuditEntry> out;
    for (const auto& entry : audit_) {
        if (entry.case_id == case_id) out.push_back(entry);
    }
    return out;
}

std::optional<Case> MemoryCaseStore::find_case(const std::string& case_id) {
    const auto it = cases_.find(case_id);
    if (it == cases_.end()) return std::nullopt;
    return it->second;
}

}  // namespace spreekbuis::daemon::routing
