#pragma once
// Noise control before alerts enter the outbox: silences (by rule id, topic or person, with
// expiry), a per-person cooldown and an hourly cap whose overflow is held for a digest. The
// decision is pure given the time passed in; the held alerts themselves live in the outbox
// (state 'held'), so a restart loses none. Owned by the router's thread.
#include <cstdint>
#include <deque>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "connectors/alert.hpp"

namespace spreekbuis::daemon::delivery {

class Outbox;

struct NoisePolicy {
    std::int64_t cooldown_ms = 0;  // minimum gap between two alerts to one person; 0 = off
    std::int64_t hourly_cap = 0;   // alerts per person per rolling hour; 0 = no cap
    std::int64_t digest_after_ms = 60LL * 60 * 1000;  // a held alert waits at most this long
};

struct Silence {
    std::string id;
    std::string rule_id;  // "" = any; otherwise one of the alert's rules must equal it
    std::string topic;    // "" = any
    std::string person;   // "" = any; matches recipient name or destination
    std::int64_t expires_ms = 0;
    std::string reason;
    std::string created_by{};     // who set it (admin API); "" for the configuration's
    std::int64_t created_ms = 0;  // Unix ms; 0 when unknown
};

enum class NoiseVerdict { deliver, hold, silence };

struct NoiseDecision {
    NoiseVerdict verdict = NoiseVerdict::deliver;
    std::string reason;  // empty for deliver
};

// The person an alert goes to: "<sink>/<destination>".
std::string person_key(const connectors::Alert& alert);

class NoiseFilter {
  public:
    explicit NoiseFilter(NoisePolicy policy = {}) : policy_(policy) {}

    // Decides and, for deliver, records the delivery against the person's cooldown and cap.
    // Escalations, crisis, silence-of-source, digest and test alerts, and urgent cases, are
    // never held; test alerts are never silenced.
    NoiseDecision decide(const connectors::Alert& alert, const std::vector<std::string>& rule_ids,
                         std::int64_t now_ms);

    void add_silence(Silence silence);  // replaces a silence with the same id
    bool remove_silence(const std::string& id);
    std::vector<Silence> active_silences(std::int64_t now_ms);  // drops expired ones
    const NoisePolicy& policy() const { return policy_; }

  private:
    struct PersonState {
        std::deque<std::int64_t> delivered_ms;  // within the last hour
    };

    NoisePolicy policy_;
    std::vector<Silence> silences_;
    std::map<std::string, PersonState> people_;
};

// One digest alert summarising `held` (oldest first) for the person they were addressed to.
connectors::Alert make_digest(const std::vector<connectors::Alert>& held, std::int64_t now_ms);

// For each person whose oldest held alert waited digest_after_ms: writes one digest alert to
// the outbox and marks the held ones digested, in one transaction. Returns digests written.
std::size_t flush_due_digests(Outbox& outbox, const NoisePolicy& policy, std::int64_t now_ms,
                              std::string* error = nullptr);

}  // namespace spreekbuis::daemon::delivery
