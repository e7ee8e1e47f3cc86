#pragma once
// Cases and their audit trail, and the store that keeps them across restarts. The Router owns
// the live state in memory and writes every change through a CaseStore; on start it reloads
// the open (and recently resolved) cases, affinities and per-person idle times. A store is used
// by one thread at a time (the router's).
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace spreekbuis::daemon::routing {

enum class CaseStatus { new_case, assigned, acknowledged, resolved, reopened };
std::string_view to_string(CaseStatus status);
std::optional<CaseStatus> parse_case_status(std::string_view text);

struct Case {
    std::string id;
    std::int64_t number = 0;
    CaseStatus status = CaseStatus::new_case;
    std::string team;      // "" = none
    std::string assignee;  // person id, "" = a channel or the desk holds it
    std::string holder;    // display of who holds it when no assignee ("#baggage channel")
    std::string customer;  // "source:handle", "" when unknown
    std::string conversation;
    std::string topic;
    std::string priority;  // low/normal/high/urgent
    std::string source;
    std::string lang;
    std::string first_post_id;
    std::string first_post_text;
    std::int64_t post_count = 0;
    std::int64_t opened_at_ms = 0;
    std::int64_t updated_at_ms = 0;
    std::int64_t last_post_at_ms = 0;
    std::int64_t assigned_at_ms = 0;
    std::int64_t acknowledged_at_ms = 0;  // 0 = not yet
    std::int64_t resolved_at_ms = 0;      // 0 = open
    std::int64_t deadline_ms = 0;         // first response due; 0 = no SLA
    std::int64_t warn_at_ms = 0;
    bool warned = false;
    int escalations_sent = 0;  // escalation alerts sent so far (timing of the next one)
    int escalation_level = 0;  // next rung of the ladder: 0 backup, 1 lead, 2 channel, 3 desk
    std::int64_t alert_seq = 0;
    bool grouped = false;  // the rolled-up case of a topic in crisis

    bool open() const { return status != CaseStatus::resolved; }
    bool answered() const {
        return status == CaseStatus::acknowledged || status == CaseStatus::resolved;
    }
};

struct AuditEntry {
    std::string case_id;
    std::int64_t at_ms = 0;
    std::string actor;  // "router", "simulation", a person id, "admin:<name>"
    std::string from_status;
    std::string to_status;
    std::string assignee;
    std::string why;
};

// A person's availability set by hand (the admin API), over what people.yaml says: away for
// a while (sick, in a meeting) or back although people.yaml says `away: true`.
struct Presence {
    std::string person;
    bool away = false;
    std::int64_t until_ms = 0;  // 0 = until cleared
    std::string by;             // who set it
    std::string note;
    std::int64_t at_ms = 0;  // when it was set

    bool active(std::int64_t now_ms) const { return until_ms == 0 || now_ms < until_ms; }
};

struct StoreSnapshot {
    std::vector<Case> cases;  // open, or resolved at or after `since`
    std::vector<std::pair<std::string, std::string>> case_posts;           // post key -> case id
    std::map<std::string, std::pair<std::string, std::int64_t>> affinity;  // customer -> person, at
    std::map<std::string, std::int64_t> last_assigned;                     // person -> ms
    std::map<std::string, Presence> presence;                              // person -> set by hand
    std::int64_t next_case_number = 1;
};

class CaseStore {
  public:
    virtual ~CaseStore() = default;
    // Groups the writes of one routing step; a crash loses the whole step or nothing.
    virtual bool begin() = 0;
    virtual bool commit() = 0;
    virtual bool save_case(const Case& item) = 0;
    virtual bool add_post(const std::string& post_key, const std::string& case_id,
                          std::int64_t at_ms) = 0;
    virtual bool append_audit(const AuditEntry& entry) = 0;
    virtual bool set_affinity(const std::string& customer, const std::string& person,
                              std::int64_t at_ms) = 0;
    virtual bool set_last_assigned(const std::string& person, std::int64_t at_ms) = 0;
    virtual bool set_presence(const Presence& presence) = 0;
    virtual bool clear_presence(const std::string& person) = 0;
    virtual std::optional<StoreSnapshot> load(std::int64_t since_ms) = 0;
    virtual std::vector<AuditEntry> audit_trail(const std::string& case_id) = 0;
    virtual std::optional<Case> find_case(const std::string& case_id) = 0;
    // Every case of one customer ("source:handle"), newest first, at most `limit`; nullopt
    // when the store cannot be read.
    virtual std::optional<std::vector<Case>> customer_cases(const std::string& customer,
                                                            std::size_t limit) = 0;
    virtual const std::string& last_error() const = 0;
};

// Everything in memory: replay and tests.
class MemoryCaseStore final : public CaseStore {
  public:
    bool begin() override { return true; }
    bool commit() override { return true; }
    bool save_case(const Case& item) override;
    bool add_post(const std::string& post_key, const std::string& case_id,
                  std::int64_t at_ms) override;
    bool append_audit(const AuditEntry& entry) override;
    bool set_affinity(const std::string& customer, const std::string& person,
                      std::int64_t at_ms) override;
    bool set_last_assigned(const std::string& person, std::int64_t at_ms) override;
    bool set_presence(const Presence& presence) override;
    bool clear_presence(const std::string& person) override;
    std::optional<StoreSnapshot> load(std::int64_t since_ms) override;
    std::vector<AuditEntry> audit_trail(const std::string& case_id) override;
    std::optional<Case> find_case(const std::string& case_id) override;
    std::optional<std::vector<Case>> customer_cases(const std::string& customer,
                                                    std::size_t limit) override;
    const std::string& last_error() const override { return error_; }
    std::size_t case_count() const { return cases_.size(); }

  private:
    std::map<std::string, Case> cases_;
    std::map<std::string, std::pair<std::string, std::int64_t>> posts_;
    std::vector<AuditEntry> audit_;
    std::map<std::string, std::pair<std::string, std::int64_t>> affinity_;
    std::map<std::string, std::int64_t> last_assigned_;
    std::map<std::string, Presence> presence_;
    std::string error_;
};

}  // namespace spreekbuis::daemon::routing
