#include "daemon/delivery/noise.hpp"

#include <algorithm>

#include "connectors/sinks/alert_json.hpp"
#include "daemon/delivery/outbox.hpp"

namespace spreekbuis::daemon::delivery {

using connectors::Alert;
using connectors::AlertKind;

namespace {

constexpr std::int64_t kHourMs = 3600 * 1000;
constexpr std::size_t kDigestSamples = 10;

bool may_be_held(const Alert& alert) {
    const bool case_kind = alert.kind == AlertKind::new_case ||
                           alert.kind == AlertKind::case_update ||
                           alert.kind == AlertKind::sla_warning;
    return case_kind && alert.priority != rules::Priority::urgent;
}

bool matches(const Silence& s, const Alert& alert, const std::vector<std::string>& rule_ids) {
    if (!s.rule_id.empty() &&
        std::find(rule_ids.begin(), rule_ids.end(), s.rule_id) == rule_ids.end()) {
        return false;
    }
    if (!s.topic.empty() && alert.topic != s.topic) return false;
    if (!s.person.empty() && s.person != alert.recipient_name && s.person != alert.destination) {
        return false;
    }
    return !s.rule_id.empty() || !s.topic.empty() || !s.person.empty();
}

}  // namespace

std::string person_key(const Alert& alert) { return alert.sink + "/" + alert.destination; }

NoiseDecision NoiseFilter::decide(const Alert& alert, const std::vector<std::string>& rule_ids,
                                  std::int64_t now_ms) {
    if (alert.kind != AlertKind::test) {
        for (const auto& s : silences_) {
            if (s.expires_ms > now_ms && matches(s, alert, rule_ids)) {
                return {NoiseVerdict::silence,
                        "silenced by '" + s.id + "'" + (s.reason.empty() ? "" : ": " + s.reason)};
            }
        }
    }
    PersonState& person = people_[person_key(alert)];
    while (!person.delivered_ms.empty() && person.delivered_ms.front() <= now_ms - kHourMs) {
        person.delivered_ms.pop_front();
    }
    if (may_be_held(alert)) {
        if (policy_.cooldown_ms > 0 && !person.delivered_ms.empty() &&
            now_ms - person.delivered_ms.back() < policy_.cooldown_ms) {
            return {NoiseVerdict::hold,
                    "cooldown: last alert to this person " +
                        std::to_string((now_ms - person.delivered_ms.back()) / 1000) + " s ago"};
        }
        if (policy_.hourly_cap > 0 &&
            static_cast<std::int64_t>(person.delivered_ms.size()) >= policy_.hourly_cap) {
            return {NoiseVerdict::hold,
                    "hourly cap of " + std::to_string(policy_.hourly_cap) + " alerts reached"};
        }
    }
    person.delivered_ms.push_back(now_ms);
    return {NoiseVerdict::deliver, ""};
}

void NoiseFilter::add_silence(Silence silence) {
    remove_silence(silence.id);
    silences_.push_back(std::move(silence));
}

bool NoiseFilter::remove_silence(const std::string& id) {
    const auto before = silences_.size();
    std::erase_if(silences_, [&](const Silence& s) { return s.id == id; });
    return silences_.size() != before;
}

std::vector<Silence> NoiseFilter::active_silences(std::int64_t now_ms) {
    std::erase_if(silences_, [&](const Silence& s) { return s.expires_ms <= now_ms; });
    return silences_;
}

Alert make_digest(const std::vector<Alert>& held, std::int64_t now_ms) {
    Alert digest;
    digest.kind = AlertKind::digest;
    digest.created_at_ms = now_ms;
    digest.count = static_cast<std::int64_t>(held.size());
    if (held.empty()) return digest;
    digest.sink = held.front().sink;
    digest.destination = held.front().destination;
    digest.recipient_name = held.front().recipient_name;
    digest.id = "digest-" + held.front().id + "-" + std::to_string(held.size());
    digest.title = std::to_string(held.size()) + (held.size() == 1 ? " alert" : " alerts") +
                   " held back while you were busy";
    std::map<std::string, int> topics;
    for (const auto& a : held) {
        if (digest.samples.size() < kDigestSamples) {
            std::string line = a.title;
            if (!a.post.text.empty()) line += (line.empty() ? "" : ": ") + a.post.text;
            if (!a.post.url.empty()) line += " " + a.post.url;
            digest.samples.push_back(line);
        }
        if (a.topic) ++topics[*a.topic];
        if (a.priority && (!digest.priority || *a.priority > *digest.priority)) {
            digest.priority = a.priority;
        }
    }
    std::string why = "cooldown or hourly cap reached";
    if (!topics.empty()) {
        why += "; topics:";
        for (const auto& [topic, n] : topics) why += " " + topic + " (" + std::to_string(n) + ")";
    }
    digest.why = why;
    return digest;
}

std::size_t flush_due_digests(Outbox& outbox, const NoisePolicy& policy, std::int64_t now_ms,
                              std::string* error) {
    std::size_t written = 0;
    for (const auto& group : outbox.held_groups()) {
        if (group.oldest_created_ms + policy.digest_after_ms > now_ms) continue;
        const auto entries = outbox.held(group.sink, group.destination);
        if (!entries) {  // they stay held and are tried again at the next flush
            if (error) *error = outbox.last_error();
            continue;
        }
        std::vector<Alert> held;
        std::vector<std::string> ids;
        for (const auto& entry : *entries) {
            ids.push_back(entry.id);
            if (auto alert = connectors::sinks::alert_from_json(entry.payload)) {
                held.push_back(std::move(*alert));
            }
        }
        if (ids.empty()) continue;
        Alert digest = make_digest(held, now_ms);
        digest.sink = group.sink;
        digest.destination = group.destination;
        if (digest.id.empty()) digest.id = "digest-" + ids.front();
        Outbox::Transaction tx(outbox);
        if (!tx.ok() || outbox.enqueue(digest, now_ms) == EnqueueResult::error ||
            !outbox.mark_digested(ids, now_ms) || !tx.commit()) {
            if (error) *error = outbox.last_error();
            continue;
        }
        ++written;
    }
    return written;
}

}  // namespace spreekbuis::daemon::delivery
