#pragma once
// Routing to the right person. The Router owns case state (threading, dedup, assignment,
// lifecycle, SLA ladder, influence, spikes, source silence) and writes every change through a
// CaseStore. Single-threaded: the pipeline calls it from one thread, in input order. Time comes
// only from the injected Clock, so replay (ManualClock at each post's created_at) and tests are
// deterministic.
#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "config/config.hpp"
#include "connectors/alert.hpp"
#include "daemon/routing/case_query.hpp"
#include "daemon/routing/case_store.hpp"
#include "daemon/routing/clock.hpp"
#include "daemon/routing/near_duplicates.hpp"
#include "daemon/routing/people.hpp"
#include "daemon/routing/settings.hpp"
#include "daemon/routing/time_zone.hpp"
#include "rules/diagnostic.hpp"
#include "rules/post.hpp"
#include "rules/verdict.hpp"

namespace spreekbuis::daemon::routing {

struct RoutingDecision {
    std::optional<std::string> team;
    std::optional<std::string> assignee;  // person id
    std::string why;                      // routing part of the decision record's `why`
    std::string case_id;                  // "" when the post needs no answer
    bool new_case = false;
    bool duplicate = false;
    std::optional<rules::Priority> priority;  // after influence; nullopt when no answer needed
    std::vector<connectors::Alert> alerts;    // new alerts, including timers that fell due
};

struct RouterOptions {
    // Replay: nobody answers, so a case counts as answered `simulated_handling` after it was
    // assigned (capacity and load then behave as on a working day).
    bool simulate_handling = false;
};

struct ActionResult {
    bool ok = false;
    std::string error;  // why the action was refused
    std::vector<connectors::Alert> alerts;
};

struct RouterStats {
    std::size_t open_cases = 0;
    std::size_t store_errors = 0;
    std::size_t duplicates = 0;
    std::size_t crises = 0;
};

// Whether a person can take a case now, as the router would judge it for a new case.
struct PersonStatus {
    int open_cases = 0;
    std::string unavailable;  // "" = can take one; else why not ("away", "off shift (...)", ...)
    std::string local_time;   // "Wed 2025-06-11 14:00 CEST"; "" without a time zone
    std::optional<Presence> presence;  // set by hand and in force now
};

// The state of the desk for /metrics, taken on the router's thread.
struct CaseGauges {
    struct Team {
        std::map<std::string, std::int64_t> open;  // status -> open cases
        std::int64_t warning = 0;                  // unanswered, past the SLA warning
        std::int64_t overdue = 0;                  // unanswered, past the deadline
        std::int64_t oldest_unanswered_ms = 0;     // age of the oldest unanswered; 0 = none
    };
    struct Person {
        std::string id;
        int open_cases = 0;
        int capacity = 0;
        bool available = false;  // could take a case now (Router::person_status)
    };
    std::map<std::string, Team> teams;  // by team id; "" = no team
    std::vector<Person> people;
    std::size_t crises_active = 0;
    RouterStats totals;
};

struct RouterLoadResult {
    std::unique_ptr<class Router> router;  // null when any error was found
    rules::Diagnostics diagnostics;
};

class Router {
  public:
    // Loads the people directory (`people_path`) and the `routing:` section (absent: defaults),
    // then reloads open cases from `store`. `zones` defaults to the system tzdata.
    static RouterLoadResult create(const std::string& people_path,
                                   const std::optional<config::PluginConfig>& routing,
                                   CaseStore& store, Clock& clock, RouterOptions options = {},
                                   std::shared_ptr<TimeZoneDb> zones = nullptr);
    // From already-loaded parts (tests, reload).
    static RouterLoadResult create(std::shared_ptr<const Directory> directory,
                                   RoutingSettings settings, CaseStore& store, Clock& clock,
                                   RouterOptions options = {});

    // Every post, in input order. Posts that need no answer (!matched && !complaint) get no team
    // and no case, but still count for spikes and source silence. Timers due at clock.now()
    // run first; their alerts are included in the decision.
    RoutingDecision route(const rules::Post& post, const rules::Verdict& verdict);
    // Timers due at clock.now(): simulated handling, SLA warnings and escalations, crisis
    // digests and ends, silent sources. Call it regularly (e.g. every 10 s, and at the end of a
    // replay).
    std::vector<connectors::Alert> tick();

    // Admin actions, each recorded in the audit trail.
    ActionResult acknowledge(const std::string& case_id, const std::string& actor,
                             const std::string& why = {});
    ActionResult resolve(const std::string& case_id, const std::string& actor,
                         const std::string& why = {});
    ActionResult reassign(const std::string& case_id, const std::string& person_id,
                          const std::string& actor, const std::string& why = {});
    // A new priority for an open case, set by hand. An unanswered case's SLA is counted again
    // from when it opened, for the new priority; warnings and escalations already sent for
    // a deadline that still stands are not sent again.
    ActionResult set_priority(const std::string& case_id, rules::Priority priority,
                              const std::string& actor, const std::string& why = {});
    // An internal note in the case's audit trail (the status stays); resolved cases too.
    ActionResult add_note(const std::string& case_id, const std::string& actor,
                          const std::string& note);

    // Availability set by hand (the admin API) over people.yaml's `away`, stored so it outlives
    // a restart; refused for an unknown person or an `until` in the past. Open cases stay
    // where they are (the SLA ladder escalates them to the backup if nobody answers).
    ActionResult set_presence(Presence presence);
    ActionResult clear_presence(const std::string& person_id);
    // The hand-set presence in force for a person now, if any.
    std::optional<Presence> presence(const std::string& person_id) const;

    // Swaps the people directory (reload); cases keep their ids and assignees.
    void set_directory(std::shared_ptr<const Directory> directory);

    std::optional<Case> find_case(const std::string& case_id) const;
    // The cases in memory (open, and resolved within the reopen window) that `query` selects,
    // with SLA states judged at now_ms().
    CaseSelection list_cases(const CaseQuery& query) const;
    // With query.customer: that customer's cases from the store (older ones too), the same
    // filters and order; nullopt when the store cannot be read.
    std::optional<CaseSelection> list_customer_cases(const CaseQuery& query) const;
    // Who last helped a customer, and when (the affinity routing prefers); nullopt = nobody.
    std::optional<std::pair<std::string, std::int64_t>> last_helper(
        const std::string& customer) const;
    std::int64_t now_ms() const { return clock_.now_ms(); }
    std::vector<AuditEntry> audit_trail(const std::string& case_id) const;
    int open_load(const std::string& person_id) const;
    PersonStatus person_status(const Person& person) const;
    const Directory& directory() const { return *directory_; }
    std::shared_ptr<const Directory> shared_directory() const { return directory_; }
    const RoutingSettings& settings() const { return settings_; }
    RouterStats stats() const;
    CaseGauges case_gauges() const;

  private:
    // Acknowledge or resolve from outside (chat link, admin): refused for an unknown case, a
    // resolved one, or one already in `to`.
    ActionResult change_status_by_hand(const std::string& case_id, CaseStatus to,
                                       const std::string& actor, const std::string& why);
    // The in-memory case an admin action changes; null with `result.error` when unknown.
    Case* case_in_memory(const std::string& case_id, ActionResult& result);
    // "unknown person 'x' (did you mean 'y'?)".
    std::string unknown_person(const std::string& person_id) const;
    // An audit entry that changes nothing about the case (a note, a priority set by hand).
    void audit_aside(const Case& item, const std::string& actor, std::string why, std::int64_t at);
    Router(std::shared_ptr<const Directory> directory, RoutingSettings settings, CaseStore& store,
           Clock& clock, RouterOptions options);
    bool reload_state();
    bool is_own_account(const rules::Post& post) const;
    std::string answer_from_own_account(const rules::Post& post, std::int64_t now);

    struct Choice;
    struct Influence {
        rules::Priority priority = rules::Priority::normal;
        std::string why;
    };
    struct SpikeState;
    struct SourceState;

    RoutingDecision route_post(const rules::Post& post, const rules::Verdict& verdict);
    const Route* route_of(const Case& item) const;
    void apply_route_templates(std::vector<connectors::Alert>& alerts) const;
    Influence apply_influence(const rules::Post& post, const rules::Verdict& verdict) const;
    Case* find_thread(const rules::Post& post, const rules::Verdict& verdict,
                      const std::string& customer, std::string& why);
    const Route* pick_route(const rules::Post& post, const rules::Verdict& verdict,
                            rules::Priority priority) const;
    Choice choose(const Team& team, const std::string& required_skill, int min_level,
                  const std::string& lang, const std::string& owner, const std::string& customer,
                  std::int64_t now, int depth = 0) const;
    std::string unavailable_reason(const Person& person, std::int64_t now, bool check_capacity,
                                   const std::string& lang) const;
    void assign(Case& item, const Choice& choice, std::int64_t now, const std::string& actor,
                const std::string& why);
    void set_status(Case& item, CaseStatus status, std::int64_t at, const std::string& actor,
                    const std::string& why);
    void save(const Case& item);
    std::int64_t add_business_time(const Team* team, std::int64_t start,
                                   std::int64_t duration) const;
    void set_sla(Case& item, std::int64_t now);
    connectors::Alert make_alert(const Case& item, connectors::AlertKind kind,
                                 const std::string& step, std::int64_t at,
                                 const rules::Post* post) const;
    void index_case(const Case& item);
    void prune(std::int64_t now);
    void address_alert(connectors::Alert& alert, const Case& item) const;
    void run_timers(std::int64_t now, std::vector<connectors::Alert>& alerts);
    void run_sla(Case& item, std::int64_t now, std::vector<connectors::Alert>& alerts);
    // The earliest time the timers have work for `item` (an SLA step or, in replay, the
    // simulated answer); kNever when none.
    std::int64_t next_due(const Case& item) const;
    void observe_spikes(const rules::Post& post, const rules::Verdict& verdict, std::int64_t now,
                        std::vector<connectors::Alert>& alerts);
    void check_spikes(std::int64_t now, std::vector<connectors::Alert>& alerts);
    std::optional<std::string> crisis_key_for(const rules::Verdict& verdict) const;
    void observe_source(const rules::Post& post, std::int64_t now);
    void check_silence(std::int64_t now, std::vector<connectors::Alert>& alerts);
    // A post's words for the duplicate check, made once per post.
    struct PostFingerprint {
        Fingerprint words;
        std::size_t word_count = 0;  // words before removing repeats
    };
    std::optional<std::string> find_duplicate(const rules::Post& post,
                                              const PostFingerprint& fingerprint, std::int64_t now,
                                              std::string& why);
    void remember_fingerprint(const rules::Post& post, const PostFingerprint& fingerprint,
                              const std::string& case_id, std::int64_t now);
    std::string new_case_id();
    std::string display_name(const std::string& person_id) const;

    std::shared_ptr<const Directory> directory_;
    RoutingSettings settings_;
    CaseStore& store_;
    Clock& clock_;
    RouterOptions options_;
    std::map<std::string, Case> cases_;                        // open and recently resolved
    std::map<std::string, std::string> post_to_case_;          // "source:id" -> case id
    std::map<std::string, std::string> conversation_to_case_;  // "source:conversation"
    std::map<std::string, std::vector<std::string>> customer_cases_;
    std::int64_t last_prune_ms_ = 0;
    std::set<std::string> open_ids_;  // ids of open cases, for the timers
    // The open cases are scanned only from this time on: the earliest next_due() of the last
    // scan, lowered by every save() of a case. Keeps a post from costing a walk over thousands
    // of open cases when none has a step due.
    std::int64_t timers_due_ = 0;
    std::int64_t last_scan_ms_ = 0;
    std::map<std::string, std::pair<std::string, std::int64_t>> affinity_;
    std::map<std::string, std::int64_t> last_assigned_;
    std::map<std::string, int> load_;           // person -> open cases
    std::map<std::string, Presence> presence_;  // person -> set by hand (may have expired)
    // case id -> index of the route that routed it (0 = none), for the route's templates.
    // Memory only: after a restart or a directory swap the route is found again from the case.
    std::map<std::string, int> case_route_;
    NearDuplicates recent_posts_;  // for reposts and copies
    std::map<std::string, std::unique_ptr<SpikeState>> spikes_;
    std::map<std::string, std::unique_ptr<SourceState>> sources_;
    std::int64_t next_case_number_ = 1;
    std::int64_t first_seen_ms_ = -1;
    std::size_t store_errors_ = 0;
    std::size_t duplicates_ = 0;
    std::size_t crises_ = 0;

  public:
    ~Router();
    Router(const Router&) = delete;
    Router& operator=(const Router&) = delete;
};

}  // namespace spreekbuis::daemon::routing
