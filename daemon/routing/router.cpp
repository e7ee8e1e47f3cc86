#include "daemon/routing/router.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>

namespace spreekbuis::daemon::routing {

using connectors::Alert;
using connectors::AlertKind;
using rules::Priority;

namespace {

// How many of one customer's cases the case queue reads from the store at most.
constexpr std::size_t kMaxCustomerHistory = 5000;

constexpr std::size_t kMaxPassedOver = 6;
constexpr std::size_t kMaxGaps = 200;

std::string join(const std::vector<std::string>& parts, const char* separator) {
    std::string out;
    for (const auto& part : parts) {
        if (part.empty()) continue;
        if (!out.empty()) out += separator;
        out += part;
    }
    return out;
}

std::string pad_number(std::int64_t number) {
    char buffer[32];
    std::snprintf(buffer, sizeof buffer, "case-%06lld", static_cast<long long>(number));
    return buffer;
}

std::string compact_count(std::int64_t n) {
    if (n >= 1000000) {
        char buffer[32];
        std::snprintf(buffer, sizeof buffer, "%.1fM", static_cast<double>(n) / 1e6);
        return buffer;
    }
    if (n >= 10000) return std::to_string(n / 1000) + "k";
    return std::to_string(n);
}

Priority raise_priority(Priority base, int steps) {
    const int value = std::min(static_cast<int>(base) + steps, static_cast<int>(Priority::urgent));
    return static_cast<Priority>(value);
}

std::string post_key(const std::string& source, const std::string& id) { return source + ":" + id; }

std::string utc_clock(std::int64_t ms) {
    const std::int64_t seconds = ms / 1000;
    std::int64_t days = seconds / 86400;
    std::int64_t rest = seconds % 86400;
    if (rest < 0) {
        rest += 86400;
        --days;
    }
    int y = 0, m = 0, d = 0;
    civil_from_days(days, y, m, d);
    char buffer[48];
    std::snprintf(buffer, sizeof buffer, "%04d-%02d-%02d %02lld:%02lld UTC", y, m, d,
                  static_cast<long long>(rest / 3600), static_cast<long long>(rest % 3600 / 60));
    return buffer;
}

bool is_retweet(const std::string& text) {
    return text.rfind("RT @", 0) == 0 || text.rfind("rt @", 0) == 0;
}

}  // namespace

struct Router::Choice {
    enum class Kind { person, channel, desk } kind = Kind::desk;
    std::string person;
    std::string team;  // the team that took it (may be a fallback team)
    std::string why;
};

struct Router::SpikeState {
    struct Bucket {
        std::int64_t minute = 0;
        std::int64_t count = 0;
        std::int64_t negative = 0;
    };
    std::deque<Bucket> buckets;
    std::int64_t first_seen_ms = 0;
    std::deque<std::string> recent;  // sample texts
    bool in_crisis = false;
    std::int64_t started_ms = 0;
    double expected = 0;  // per window, frozen at the start
    double expected_negative_share = 0;
    std::int64_t crisis_count = 0;
    std::int64_t since_digest = 0;
    std::int64_t last_digest_ms = 0;
    std::int64_t digests = 0;
    std::vector<std::string> digest_samples;
    std::string grouped_case;
    std::string team;
};

struct Router::SourceState {
    std::int64_t last_ms = 0;
    std::deque<std::int64_t> gaps;
    std::int64_t posts = 0;
    bool alerted = false;
};

Router::Router(std::shared_ptr<const Directory> directory, RoutingSettings settings,
               CaseStore& store, Clock& clock, RouterOptions options)
    : directory_(std::move(directory)),
      settings_(std::move(settings)),
      store_(store),
      clock_(clock),
      options_(options) {}

Router::~Router() = default;

RouterLoadResult Router::create(std::shared_ptr<const Directory> directory,
                                RoutingSettings settings, CaseStore& store, Clock& clock,
                                RouterOptions options) {
    RouterLoadResult result;
    if (!directory) {
        result.diagnostics.error({}, "no people directory");
        return result;
    }
    std::unique_ptr<Router> router(
        new Router(std::move(directory), std::move(settings), store, clock, options));
    if (!router->reload_state()) {
        result.diagnostics.error({},
                                 "cannot load cases from the case store: " + store.last_error());
        return result;
    }
    result.router = std::move(router);
    return result;
}

RouterLoadResult Router::create(const std::string& people_path,
                                const std::optional<config::PluginConfig>& routing,
                                CaseStore& store, Clock& clock, RouterOptions options,
                                std::shared_ptr<TimeZoneDb> zones) {
    RouterLoadResult result;
    if (!zones) zones = std::make_shared<TimeZoneDb>();
    auto settings = parse_routing_settings(routing);
    result.diagnostics.append(settings.diagnostics);
    auto directory = load_directory_file(people_path, *zones);
    result.diagnostics.append(directory.diagnostics);
    if (!settings.settings || !directory.directory) return result;
    auto created = create(directory.directory, *settings.settings, store, clock, options);
    result.diagnostics.append(created.diagnostics);
    result.router = std::move(created.router);
    return result;
}

bool Router::reload_state() {
    const std::int64_t now = clock_.now_ms();
    auto snapshot = store_.load(now - settings_.reopen_window_ms);
    if (!snapshot) return false;
    next_case_number_ = snapshot->next_case_number;
    for (auto& item : snapshot->cases) {
        if (item.open() && !item.assignee.empty()) ++load_[item.assignee];
        if (item.open()) open_ids_.insert(item.id);
        auto id = item.id;
        cases_[id] = std::move(item);
        index_case(cases_[id]);
    }
    for (auto& [key, case_id] : snapshot->case_posts) post_to_case_[key] = case_id;
    affinity_ = std::move(snapshot->affinity);
    last_assigned_ = std::move(snapshot->last_assigned);
    presence_ = std::move(snapshot->presence);
    return true;
}

void Router::index_case(const Case& item) {
    if (item.grouped) return;
    if (!item.conversation.empty()) {
        conversation_to_case_[post_key(item.source, item.conversation)] = item.id;
    }
    if (!item.customer.empty()) {
        auto& list = customer_cases_[item.customer];
        if (std::find(list.begin(), list.end(), item.id) == list.end()) list.push_back(item.id);
    }
}

void Router::set_directory(std::shared_ptr<const Directory> directory) {
    if (!directory) return;
    directory_ = std::move(directory);
    case_route_.clear();
}

std::optional<Case> Router::find_case(const std::string& case_id) const {
    const auto it = cases_.find(case_id);
    if (it != cases_.end()) return it->second;
    return store_.find_case(case_id);
}

CaseSelection Router::list_cases(const CaseQuery& query) const {
    return select_cases(cases_, query, clock_.now_ms());
}

std::optional<CaseSelection> Router::list_customer_cases(const CaseQuery& query) const {
    const auto stored = store_.customer_cases(query.customer, kMaxCustomerHistory);
    if (!stored) return std::nullopt;
    std::map<std::string, Case> by_id;
    for (const auto& item : *stored) {
        // The router's copy when it holds one (the same unless a store write failed).
        const auto live = cases_.find(item.id);
        by_id[item.id] = live != cases_.end() ? live->second : item;
    }
    return select_cases(by_id, query, clock_.now_ms());
}

std::optional<std::pair<std::string, std::int64_t>> Router::last_helper(
    const std::string& customer) const {
    const auto it = affinity_.find(customer);
    if (it == affinity_.end()) return std::nullopt;
    return it->second;
}

std::vector<AuditEntry> Router::audit_trail(const std::string& case_id) const {
    return store_.audit_trail(case_id);
}

int Router::open_load(const std::string& person_id) const {
    const auto it = load_.find(person_id);
    return it == load_.end() ? 0 : it->second;
}

PersonStatus Router::person_status(const Person& person) const {
    const std::int64_t now = clock_.now_ms();
    PersonStatus out;
    out.open_cases = open_load(person.id);
    out.unavailable = unavailable_reason(person, now, true, "");
    if (person.zone) out.local_time = person.zone->local(now).to_string();
    out.presence = presence(person.id);
    return out;
}

std::optional<Presence> Router::presence(const std::string& person_id) const {
    const auto it = presence_.find(person_id);
    if (it == presence_.end() || !it->second.active(clock_.now_ms())) return std::nullopt;
    return it->second;
}

ActionResult Router::set_presence(Presence presence) {
    ActionResult result;
    if (!directory_->person(presence.person)) {
        result.error = unknown_person(presence.person);
        return result;
    }
    const std::int64_t now = clock_.now_ms();
    if (presence.until_ms != 0 && presence.until_ms <= now) {
        result.error = "'until' is not in the future";
        return result;
    }
    presence.at_ms = now;
    store_.begin();
    if (!store_.set_presence(presence)) ++store_errors_;
    if (!store_.commit()) ++store_errors_;
    presence_[presence.person] = std::move(presence);
    result.ok = true;
    return result;
}

ActionResult Router::clear_presence(const std::string& person_id) {
    ActionResult result;
    if (presence_.erase(person_id) == 0) {
        result.error = "unknown person '" + person_id + "' or no presence set by hand";
        return result;
    }
    store_.begin();
    if (!store_.clear_presence(person_id)) ++store_errors_;
    if (!store_.commit()) ++store_errors_;
    result.ok = true;
    return result;
}

CaseGauges Router::case_gauges() const {
    const std::int64_t now = clock_.now_ms();
    CaseGauges out;
    for (const auto& id : open_ids_) {
        const auto it = cases_.find(id);
        if (it == cases_.end() || !it->second.open()) continue;
        const Case& item = it->second;
        auto& team = out.teams[item.team];
        ++team.open[std::string(to_string(item.status))];
        const SlaState sla = sla_state(item, now);
        team.warning += sla == SlaState::warning ? 1 : 0;
        team.overdue += sla == SlaState::overdue ? 1 : 0;
        if (!item.answered()) {
            team.oldest_unanswered_ms =
                std::max(team.oldest_unanswered_ms, now - item.opened_at_ms);
        }
    }
    for (const auto& team : directory_->teams) out.teams.try_emplace(team.id);
    for (const auto& person : directory_->people) {
        const PersonStatus status = person_status(person);
        out.people.push_back(
            {person.id, status.open_cases, person.capacity, status.unavailable.empty()});
    }
    for (const auto& [key, spike] : spikes_) out.crises_active += spike->in_crisis ? 1 : 0;
    out.totals = stats();
    return out;
}

RouterStats Router::stats() const {
    RouterStats out;
    for (const auto& [id, item] : cases_) out.open_cases += item.open() ? 1 : 0;
    out.store_errors = store_errors_;
    out.duplicates = duplicates_;
    out.crises = crises_;
    return out;
}

std::string Router::display_name(const std::string& person_id) const {
    const auto* person = directory_->person(person_id);
    return person ? person->name : person_id;
}

std::string Router::new_case_id() { return pad_number(next_case_number_++); }

void Router::save(const Case& item) {
    if (!store_.save_case(item)) ++store_errors_;
    timers_due_ = std::min(timers_due_, next_due(item));
}

// ---------------------------------------------------------------- influence

Router::Influence Router::apply_influence(const rules::Post& post,
                                          const rules::Verdict& verdict) const {
    const auto& s = settings_.influence;
    const Priority base = verdict.priority.value_or(Priority::normal);
    int steps = 0;
    std::vector<std::string> reasons;
    if (post.author.followers) {
        const auto followers = *post.author.followers;
        if (followers >= s.followers_urgent) {
            steps += 2;
            reasons.push_back(compact_count(followers) + " followers (+2)");
        } else if (followers >= s.followers_high) {
            steps += 1;
            reasons.push_back(compact_count(followers) + " followers (+1)");
        }
    }
    if (post.author.verified.value_or(false) && s.verified_bonus > 0) {
        steps += s.verified_bonus;
        reasons.push_back("verified (+" + std::to_string(s.verified_bonus) + ")");
    }
    const std::int64_t spread = std::max<std::int64_t>(0, post.replies.value_or(0)) +
                                std::max<std::int64_t>(0, post.reposts.value_or(0));
    if (spread >= s.spread_urgent) {
        steps += 2;
        reasons.push_back("spreading, " + compact_count(spread) + " replies+reposts (+2)");
    } else if (spread >= s.spread_high) {
        steps += 1;
        reasons.push_back("spreading, " + compact_count(spread) + " replies+reposts (+1)");
    }
    Influence out;
    const int raise = std::min(steps, s.max_raise);
    out.priority = raise_priority(base, raise);
    if (steps > 0) {
        std::string why = "influence: " + join(reasons, ", ");
        if (steps > s.max_raise) why += ", capped at +" + std::to_string(s.max_raise);
        if (out.priority != base) {
            why += " (priority " + std::string(rules::to_string(base)) + " -> " +
                   std::string(rules::to_string(out.priority)) + ")";
        } else {
            why += " (already " + std::string(rules::to_string(base)) + ")";
        }
        out.why = why;
    }
    return out;
}

// ---------------------------------------------------------------- selection

const Route* Router::pick_route(const rules::Post& post, const rules::Verdict& verdict,
                                Priority priority) const {
    for (const auto& route : directory_->routes) {
        if (route.matches(post, verdict, priority)) return &route;
    }
    return nullptr;
}

std::string Router::unavailable_reason(const Person& person, std::int64_t now, bool check_capacity,
                                       const std::string& lang) const {
    if (!lang.empty() && lang != "und" && !person.has_language(lang)) {
        return "does not speak " + lang;
    }
    const auto set = presence(person.id);
    if (set ? set->away : person.away) {
        if (!set) return "away";
        std::string why = "away (set by " + (set->by.empty() ? std::string("admin") : set->by);
        if (set->until_ms > 0) {
            why += " until " + (person.zone ? person.zone->local(set->until_ms).to_string()
                                            : std::to_string(set->until_ms) + " ms");
        }
        return why + ")";
    }
    if (person.zone) {
        const auto local = person.zone->local(now);
        if (person.on_holiday(local)) return "on holiday (" + local.to_string() + ")";
        if (!person.hours.open_at(local)) return "off shift (" + local.to_string() + ")";
    }
    if (check_capacity) {
        const int load = open_load(person.id);
        if (load >= person.capacity) {
            return "at capacity (" + std::to_string(load) + "/" + std::to_string(person.capacity) +
                   ")";
        }
    }
    return {};
}

Router::Choice Router::choose(const Team& team, const std::string& required_skill, int min_level,
                              const std::string& lang, const std::string& owner,
                              const std::string& customer, std::int64_t now, int depth) const {
    std::string skill = required_skill;
    if (!skill.empty()) {
        bool anyone = false;
        for (const auto& id : team.members) {
            const auto* person = directory_->person(id);
            anyone = anyone || (person && person->skill_level(skill) > 0);
        }
        if (!anyone) skill.clear();  // a team of generalists
    }
    std::vector<std::string> passed;
    std::vector<const Person*> eligible;
    std::vector<const Person*> unavailable;  // qualified but not available now
    auto qualification = [&](const Person& p) -> std::string {
        if (!skill.empty() && p.skill_level(skill) < min_level) {
            return p.skill_level(skill) == 0
                       ? "lacks skill " + skill
                       : "skill " + skill + " below level " + std::to_string(min_level);
        }
        if (!lang.empty() && lang != "und" && !p.has_language(lang)) {
            return "does not speak " + lang;
        }
        return {};
    };
    auto is_eligible = [&](const Person* p) {
        return std::find(eligible.begin(), eligible.end(), p) != eligible.end();
    };
    for (const auto& id : team.members) {
        const auto* person = directory_->person(id);
        if (!person) continue;
        if (auto reason = qualification(*person); !reason.empty()) {
            passed.push_back(id + " " + reason);
            continue;
        }
        if (auto reason = unavailable_reason(*person, now, true, {}); !reason.empty()) {
            passed.push_back(id + " " + reason);
            unavailable.push_back(person);
            continue;
        }
        eligible.push_back(person);
    }
    auto passed_text = [&](const std::string& skip) {
        std::vector<std::string> shown;
        std::size_t hidden = 0;
        for (const auto& entry : passed) {
            if (!skip.empty() && entry.rfind(skip + " ", 0) == 0) continue;
            if (shown.size() < kMaxPassedOver) {
                shown.push_back(entry);
            } else {
                ++hidden;
            }
        }
        std::string out = join(shown, ", ");
        if (hidden) out += " and " + std::to_string(hidden) + " more";
        return out.empty() ? out : "; passed over: " + out;
    };
    auto pick = [&](const Person& person, const std::string& reason) {
        Choice choice;
        choice.kind = Choice::Kind::person;
        choice.person = person.id;
        choice.team = team.id;
        choice.why = person.id + " (" + reason + ")" + passed_text(person.id);
        return choice;
    };
    // A person outside the team (or the owner of a case moved between teams) still qualifies.
    auto check_direct = [&](const Person& person, std::string& reason) {
        reason = qualification(person);
        if (reason.empty()) reason = unavailable_reason(person, now, true, {});
        return reason.empty();
    };
    std::vector<std::string> preference_notes;
    std::string affinity_person;
    if (!owner.empty()) {
        if (const auto* person = directory_->person(owner)) {
            std::string reason;
            if (is_eligible(person) || check_direct(*person, reason)) {
                return pick(*person, "owns this conversation");
            }
            preference_notes.push_back("owner " + owner + " " + reason);
            if (std::find(unavailable.begin(), unavailable.end(), person) == unavailable.end()) {
                unavailable.insert(unavailable.begin(), person);
            }
        }
    }
    if (!customer.empty()) {
        const auto it = affinity_.find(customer);
        if (it != affinity_.end() && it->second.first != owner &&
            now - it->second.second <= settings_.affinity_window_ms) {
            affinity_person = it->second.first;
            if (const auto* person = directory_->person(affinity_person)) {
                std::string reason;
                if (is_eligible(person) || check_direct(*person, reason)) {
                    return pick(*person, "helped this customer " +
                                             format_duration(now - it->second.second) + " ago");
                }
                preference_notes.push_back("last helper " + affinity_person + " " + reason);
            }
        }
    }
    auto with_notes = [&](Choice choice) {
        if (!preference_notes.empty()) {
            choice.why += "; " + join(preference_notes, ", ");
        }
        return choice;
    };
    if (!eligible.empty()) {
        auto idle_since = [&](const Person* p) -> std::int64_t {
            const auto it = last_assigned_.find(p->id);
            return it == last_assigned_.end() ? INT64_MIN : it->second;
        };
        std::stable_sort(eligible.begin(), eligible.end(), [&](const Person* a, const Person* b) {
            const int la = open_load(a->id), lb = open_load(b->id);
            if (la != lb) return la < lb;
            const auto ia = idle_since(a), ib = idle_since(b);
            if (ia != ib) return ia < ib;
            return a->id < b->id;
        });
        const auto* best = eligible.front();
        std::string reason = "least loaded, " + std::to_string(open_load(best->id)) + "/" +
                             std::to_string(best->capacity) + " open";
        const auto last = idle_since(best);
        reason += last == INT64_MIN ? ", no case yet" : ", idle " + format_duration(now - last);
        if (eligible.size() > 1) {
            std::vector<std::string> others;
            for (std::size_t i = 1; i < eligible.size() && i <= 3; ++i) {
                others.push_back(eligible[i]->id + " " +
                                 std::to_string(open_load(eligible[i]->id)) + "/" +
                                 std::to_string(eligible[i]->capacity));
            }
            reason += "; ahead of " + join(others, ", ");
            if (eligible.size() > 4)
                reason += " and " + std::to_string(eligible.size() - 4) + " more";
        }
        return with_notes(pick(*best, reason));
    }
    // Nobody eligible: backup, team lead, team channel, fallback team, desk.
    std::string none = "nobody eligible in team " + team.id + passed_text({});
    for (const auto* person : unavailable) {
        if (person->backup.empty()) continue;
        const auto* backup = directory_->person(person->backup);
        if (!backup) continue;
        if (unavailable_reason(*backup, now, true, lang).empty()) {
            Choice choice;
            choice.kind = Choice::Kind::person;
            choice.person = backup->id;
            choice.team = team.id;
            choice.why = backup->id + " (backup of " + person->id + "); " + none;
            return with_notes(choice);
        }
    }
    if (!team.lead.empty()) {
        if (const auto* lead = directory_->person(team.lead)) {
            const auto reason = unavailable_reason(*lead, now, false, lang);
            if (reason.empty()) {
                Choice choice;
                choice.kind = Choice::Kind::person;
                choice.person = lead->id;
                choice.team = team.id;
                choice.why = lead->id + " (team lead); " + none;
                return with_notes(choice);
            }
            none += "; lead " + lead->id + " " + reason;
        }
    }
    if (team.channel) {
        Choice choice;
        choice.kind = Choice::Kind::channel;
        choice.team = team.id;
        choice.why = "team channel " + team.channel->address + "; " + none;
        return with_notes(choice);
    }
    if (depth < 2) {
        for (const auto& next : {team.fallback, directory_->desk_team}) {
            if (next.empty() || next == team.id) continue;
            if (const auto* fallback = directory_->team(next)) {
                auto choice = choose(*fallback, {}, 1, lang, {}, {}, now, depth + 1);
                choice.why += "; fallback from " + team.id + ": " + none;
                return with_notes(choice);
            }
        }
    }
    Choice choice;
    choice.kind = Choice::Kind::desk;
    choice.team = team.id;
    choice.why = "the desk " + settings_.desk.address + "; " + none;
    return with_notes(choice);
}

// ---------------------------------------------------------------- cases

void Router::set_status(Case& item, CaseStatus status, std::int64_t at, const std::string& actor,
                        const std::string& why) {
    AuditEntry entry;
    entry.case_id = item.id;
    entry.at_ms = at;
    entry.actor = actor;
    entry.from_status = std::string(to_string(item.status));
    entry.to_status = std::string(to_string(status));
    entry.why = why;
    const bool was_open = item.open();
    item.status = status;
    item.updated_at_ms = std::max(item.updated_at_ms, at);
    if (status == CaseStatus::acknowledged && item.acknowledged_at_ms == 0) {
        item.acknowledged_at_ms = at;
    }
    if (status == CaseStatus::resolved) {
        item.resolved_at_ms = at;
        if (item.acknowledged_at_ms == 0) item.acknowledged_at_ms = at;
        if (was_open && !item.assignee.empty() && load_[item.assignee] > 0) --load_[item.assignee];
    }
    if (status == CaseStatus::reopened) {
        item.resolved_at_ms = 0;
        item.acknowledged_at_ms = 0;
        if (!was_open && !item.assignee.empty()) ++load_[item.assignee];
    }
    entry.assignee = item.assignee;
    if (item.open()) {
        open_ids_.insert(item.id);
    } else {
        open_ids_.erase(item.id);
    }
    if (!store_.append_audit(entry)) ++store_errors_;
}

void Router::assign(Case& item, const Choice& choice, std::int64_t now, const std::string& actor,
                    const std::string& why) {
    if (item.open() && !item.assignee.empty() && load_[item.assignee] > 0) {
        --load_[item.assignee];
    }
    item.team = choice.team;
    item.assigned_at_ms = now;
    if (choice.kind == Choice::Kind::person) {
        item.assignee = choice.person;
        item.holder.clear();
        if (item.open()) ++load_[item.assignee];
        last_assigned_[item.assignee] = now;
        if (!store_.set_last_assigned(item.assignee, now)) ++store_errors_;
        if (!item.customer.empty()) {
            affinity_[item.customer] = {item.assignee, now};
            if (!store_.set_affinity(item.customer, item.assignee, now)) ++store_errors_;
        }
    } else {
        item.assignee.clear();
        item.holder = choice.kind == Choice::Kind::channel ? "team:" + choice.team : "desk";
    }
    const auto target = choice.kind == Choice::Kind::person   ? CaseStatus::assigned
                        : item.status == CaseStatus::reopened ? CaseStatus::reopened
                                                              : CaseStatus::new_case;
    set_status(item, target, now, actor, why);
}

Case* Router::find_thread(const rules::Post& post, const rules::Verdict& verdict,
                          const std::string& customer, std::string& why) {
    auto usable = [&](const std::string& case_id) -> Case* {
        const auto it = cases_.find(case_id);
        if (it == cases_.end() || it->second.grouped) return nullptr;
        return &it->second;
    };
    if (!post.in_reply_to.empty()) {
        const auto it = post_to_case_.find(post_key(post.source, post.in_reply_to));
        if (it != post_to_case_.end()) {
            if (auto* item = usable(it->second)) {
                why = "reply to " + post.in_reply_to;
                return item;
            }
        }
    }
    if (!post.conversation.empty()) {
        const auto it = conversation_to_case_.find(post_key(post.source, post.conversation));
        if (it != conversation_to_case_.end()) {
            if (auto* item = usable(it->second)) {
                why = "same conversation " + post.conversation;
                return item;
            }
        }
    }
    if (!customer.empty() && verdict.topic) {
        const auto it = customer_cases_.find(customer);
        if (it == customer_cases_.end()) return nullptr;
        const std::int64_t now = clock_.now_ms();
        for (auto id = it->second.rbegin(); id != it->second.rend(); ++id) {
            auto* item = usable(*id);
            if (!item || !item->open() || item->topic != *verdict.topic) continue;
            if (now - item->last_post_at_ms > settings_.case_window_ms) continue;
            why = "same author on " + item->topic + " within " +
                  format_duration(settings_.case_window_ms);
            return item;
        }
    }
    return nullptr;
}

std::optional<std::string> Router::find_duplicate(const rules::Post& post,
                                                  const PostFingerprint& fingerprint,
                                                  std::int64_t now, std::string& why) {
    const bool retweet = is_retweet(post.text);
    if (!retweet && fingerprint.word_count < 4) return std::nullopt;
    const auto match = recent_posts_.find(fingerprint.words, now, settings_.dedup_window_ms);
    if (!match) return std::nullopt;
    if (match->identical) {
        why = std::string(retweet ? "repost" : "identical text") + " of " + match->of->post_id;
    } else {
        why = "near-identical to " + match->of->post_id + " (" +
              std::to_string(match->common * 100 / match->total) + "% same words)";
    }
    return match->of->case_id;
}

void Router::remember_fingerprint(const rules::Post& post, const PostFingerprint& fingerprint,
                                  const std::string& case_id, std::int64_t now) {
    if (fingerprint.word_count < 4) return;
    Fingerprint remembered = fingerprint.words;
    remembered.case_id = case_id;
    remembered.post_id = post.id;
    remembered.at_ms = now;
    recent_posts_.add(std::move(remembered), now, settings_.dedup_window_ms);
}

// ---------------------------------------------------------------- SLA

std::int64_t Router::add_business_time(const Team* team, std::int64_t start,
                                       std::int64_t duration) const {
    if (!team || !team->business_hours.configured || !team->business_zone) {
        return start + duration;
    }
    std::int64_t t = start;
    std::int64_t remaining = duration;
    // At most 60 days of minutes; a schedule that never opens falls back to wall-clock time.
    for (int step = 0; step < 60 * 24 * 60 && remaining > 0; ++step) {
        const std::int64_t to_next_minute = kMinuteMs - (((t % kMinuteMs) + kMinuteMs) % kMinuteMs);
        if (team->business_hours.open_at(team->business_zone->local(t))) {
            const std::int64_t used = std::min(remaining, to_next_minute);
            remaining -= used;
            t += used;
        } else {
            t += to_next_minute;
        }
    }
    return remaining > 0 ? start + duration : t;
}

void Router::set_sla(Case& item, std::int64_t now) {
    const auto priority = rules::parse_priority(item.priority).value_or(Priority::normal);
    const auto* team = directory_->team(item.team);
    const auto sla = settings_.sla_for(priority);
    item.deadline_ms = add_business_time(team, now, sla);
    item.warn_at_ms = add_business_time(
        team, now, static_cast<std::int64_t>(static_cast<double>(sla) * settings_.sla_warning_at));
    item.warned = false;
    item.escalations_sent = 0;
    item.escalation_level = 0;
}

// ---------------------------------------------------------------- alerts

void Router::address_alert(Alert& alert, const Case& item) const {
    if (!item.assignee.empty()) {
        if (const auto* person = directory_->person(item.assignee)) {
            if (!person->chat.empty()) {
                alert.sink = person->chat.front().sink;
                alert.destination = person->chat.front().address;
            }
            alert.recipient_name = person->name;
            return;
        }
    }
    if (item.holder.rfind("team:", 0) == 0) {
        if (const auto* team = directory_->team(item.holder.substr(5)); team && team->channel) {
            alert.sink = team->channel->sink;
            alert.destination = team->channel->address;
            alert.recipient_name = team->name;
            return;
        }
    }
    alert.sink = settings_.desk.sink;
    alert.destination = settings_.desk.address;
    alert.recipient_name = "webcare desk";
}

Alert Router::make_alert(const Case& item, AlertKind kind, const std::string& step, std::int64_t at,
                         const rules::Post* post) const {
    Alert alert;
    alert.id = item.id + ":" + std::string(connectors::to_string(kind)) + ":" + step;
    alert.kind = kind;
    alert.case_id = item.id;
    if (post) {
        alert.post = *post;
    } else {
        alert.post.id = item.first_post_id;
        alert.post.source = item.source;
        alert.post.text = item.first_post_text;
    }
    if (!item.topic.empty()) alert.topic = item.topic;
    alert.priority = rules::parse_priority(item.priority);
    if (item.deadline_ms) alert.sla_deadline_ms = item.deadline_ms;
    alert.created_at_ms = at;
    const std::string about = item.topic.empty() ? "a post" : item.topic;
    const std::string prio = item.priority.empty() ? "" : " (" + item.priority + ")";
    switch (kind) {
        case AlertKind::new_case:
            alert.title = "Needs an answer: " + about + prio;
            break;
        case AlertKind::case_update:
            alert.title = "New post in your case " + item.id;
            break;
        case AlertKind::sla_warning:
            alert.title = "First response due soon: " + item.id + " " + about + prio;
            break;
        case AlertKind::escalation:
            alert.title = "Overdue, escalated: " + item.id + " " + about + prio;
            break;
        default:
            alert.title = about;
            break;
    }
    address_alert(alert, item);
    return alert;
}

const Route* Router::route_of(const Case& item) const {
    if (item.grouped) return nullptr;
    const auto& routes = directory_->routes;
    if (const auto it = case_route_.find(item.id); it != case_route_.end()) {
        if (it->second < 1 || static_cast<std::size_t>(it->second) > routes.size()) return nullptr;
        return &routes[static_cast<std::size_t>(it->second) - 1];
    }
    // Not seen since start: match the routes again on what the case kept (topic, priority,
    // language, source). A route that matches on tags cannot be re-checked: no template.
    rules::Post post;
    post.source = item.source;
    rules::Verdict verdict;
    if (!item.topic.empty()) verdict.topic = item.topic;
    verdict.lang = item.lang;
    const auto priority = rules::parse_priority(item.priority);
    for (const auto& route : routes) {
        if (!route.tags.empty()) return nullptr;
        if (route.matches(post, verdict, priority)) return &route;
    }
    return nullptr;
}

void Router::apply_route_templates(std::vector<Alert>& alerts) const {
    for (auto& alert : alerts) {
        if (!alert.message_template.empty() || alert.case_id.empty()) continue;
        if (alert.kind != AlertKind::new_case && alert.kind != AlertKind::case_update &&
            alert.kind != AlertKind::sla_warning && alert.kind != AlertKind::escalation) {
            continue;
        }
        const auto it = cases_.find(alert.case_id);
        if (it == cases_.end()) continue;
        if (const Route* route = route_of(it->second)) {
            alert.message_template = route->template_for(alert.sink);
        }
    }
}

void Router::run_sla(Case& item, std::int64_t limit, std::vector<Alert>& alerts) {
    if (item.answered() || item.grouped || item.deadline_ms == 0 || !item.open()) return;
    if (!item.warned && item.warn_at_ms <= limit && item.warn_at_ms < item.deadline_ms) {
        item.warned = true;
        auto alert = make_alert(item, AlertKind::sla_warning, "1", item.warn_at_ms, nullptr);
        alert.why = "first response due at " + utc_clock(item.deadline_ms) + ", " +
                    format_duration(item.deadline_ms - item.warn_at_ms) + " left";
        AuditEntry entry{item.id,
                         item.warn_at_ms,
                         "router",
                         std::string(to_string(item.status)),
                         std::string(to_string(item.status)),
                         item.assignee,
                         "SLA warning to " + alert.recipient_name + ": " + alert.why};
        if (!store_.append_audit(entry)) ++store_errors_;
        alerts.push_back(std::move(alert));
        save(item);
    }
    while (item.escalation_level < 4) {
        const std::int64_t due =
            item.deadline_ms + item.escalations_sent * settings_.escalation_every_ms;
        if (due > limit) break;
        // Rungs: 0 the assignee's backup, 1 the team lead, 2 the team channel, 3 the desk.
        const auto* team = directory_->team(item.team);
        const auto* assignee = directory_->person(item.assignee);
        Alert alert = make_alert(item, AlertKind::escalation,
                                 std::to_string(item.escalations_sent + 1), due, nullptr);
        bool sent = false;
        std::string to;
        for (int level = item.escalation_level; level < 4 && !sent; ++level) {
            item.escalation_level = level + 1;
            if (level == 0 && assignee && !assignee->backup.empty()) {
                const auto* backup = directory_->person(assignee->backup);
                if (backup && !backup->chat.empty() &&
                    unavailable_reason(*backup, due, false, {}).empty()) {
                    alert.sink = backup->chat.front().sink;
                    alert.destination = backup->chat.front().address;
                    alert.recipient_name = backup->name;
                    to = "backup " + backup->id;
                    sent = true;
                }
            } else if (level == 1 && team && !team->lead.empty() && team->lead != item.assignee) {
                const auto* lead = directory_->person(team->lead);
                if (lead && !lead->chat.empty() &&
                    unavailable_reason(*lead, due, false, {}).empty()) {
                    alert.sink = lead->chat.front().sink;
                    alert.destination = lead->chat.front().address;
                    alert.recipient_name = lead->name;
                    to = "team lead " + lead->id;
                    sent = true;
                }
            } else if (level == 2 && team && team->channel && item.holder != "team:" + team->id) {
                alert.sink = team->channel->sink;
                alert.destination = team->channel->address;
                alert.recipient_name = team->name;
                to = "team channel " + team->channel->address;
                sent = true;
            } else if (level == 3) {
                alert.sink = settings_.desk.sink;
                alert.destination = settings_.desk.address;
                alert.recipient_name = "webcare desk";
                to = "the desk " + settings_.desk.address;
                sent = true;
            }
        }
        if (!sent) break;
        ++item.escalations_sent;
        alert.why = "no first response " + format_duration(due - item.opened_at_ms) +
                    " after the case opened (deadline " + utc_clock(item.deadline_ms) +
                    "); escalation " + std::to_string(item.escalations_sent) + " to " + to;
        AuditEntry entry{item.id,
                         due,
                         "router",
                         std::string(to_string(item.status)),
                         std::string(to_string(item.status)),
                         item.assignee,
                         alert.why};
        if (!store_.append_audit(entry)) ++store_errors_;
        alerts.push_back(std::move(alert));
        save(item);
    }
}

std::int64_t Router::next_due(const Case& item) const {
    constexpr std::int64_t kNever = std::numeric_limits<std::int64_t>::max();
    if (!item.open()) return kNever;
    std::int64_t due = kNever;
    if (!item.answered() && !item.grouped && item.deadline_ms != 0) {
        if (!item.warned && item.warn_at_ms < item.deadline_ms) due = item.warn_at_ms;
        if (item.escalation_level < 4) {
            due = std::min(
                due, item.deadline_ms + item.escalations_sent * settings_.escalation_every_ms);
        }
    }
    if (options_.simulate_handling && !item.grouped) {
        due = std::min(due, std::max(item.assigned_at_ms, item.opened_at_ms) +
                                settings_.simulated_handling_ms);
    }
    return due;
}

void Router::run_timers(std::int64_t now, std::vector<Alert>& alerts) {
    std::vector<Alert> fresh;
    // Every minute the scan runs anyway: a safety net should a change ever bypass save().
    const bool scan = now >= timers_due_ || now - last_scan_ms_ >= kMinuteMs;
    std::vector<std::string> open;
    if (scan) {
        open.assign(open_ids_.begin(), open_ids_.end());
        timers_due_ = std::numeric_limits<std::int64_t>::max();
        last_scan_ms_ = now;
    }
    for (const auto& id : open) {
        const auto found = cases_.find(id);
        if (found == cases_.end()) continue;
        auto& item = found->second;
        if (!item.open()) continue;
        std::int64_t limit = now;
        std::int64_t handled_at = 0;
        if (options_.simulate_handling && !item.grouped) {
            handled_at =
                std::max(item.assigned_at_ms, item.opened_at_ms) + settings_.simulated_handling_ms;
            if (handled_at <= now) limit = handled_at - 1;
        }
        run_sla(item, limit, fresh);
        if (handled_at && handled_at <= now) {
            const std::string holder = item.assignee.empty()
                                           ? (item.holder.empty() ? "the desk" : item.holder)
                                           : item.assignee;
            const std::string why = "simulated: " + holder + " answered after " +
                                    format_duration(settings_.simulated_handling_ms);
            if (!item.answered())
                set_status(item, CaseStatus::acknowledged, handled_at, "simulation", why);
            set_status(item, CaseStatus::resolved, handled_at, "simulation", why);
            save(item);
        }
        timers_due_ = std::min(timers_due_, next_due(item));
    }
    check_spikes(now, fresh);
    check_silence(now, fresh);
    std::stable_sort(fresh.begin(), fresh.end(), [](const Alert& a, const Alert& b) {
        return a.created_at_ms < b.created_at_ms;
    });
    for (auto& alert : fresh) alerts.push_back(std::move(alert));
    if (now - last_prune_ms_ >= kHourMs) prune(now);
}

void Router::prune(std::int64_t now) {
    last_prune_ms_ = now;
    for (auto it = presence_.begin(); it != presence_.end();) {
        if (it->second.active(now)) {
            ++it;
            continue;
        }
        if (!store_.clear_presence(it->first)) ++store_errors_;
        it = presence_.erase(it);
    }
    std::set<std::string> dropped;
    for (auto it = cases_.begin(); it != cases_.end();) {
        if (!it->second.open() && now - it->second.resolved_at_ms > settings_.reopen_window_ms) {
            dropped.insert(it->first);
            case_route_.erase(it->first);
            it = cases_.erase(it);
        } else {
            ++it;
        }
    }
    if (!dropped.empty()) {
        for (auto it = post_to_case_.begin(); it != post_to_case_.end();) {
            it = dropped.count(it->second) ? post_to_case_.erase(it) : std::next(it);
        }
        for (auto it = conversation_to_case_.begin(); it != conversation_to_case_.end();) {
            it = dropped.count(it->second) ? conversation_to_case_.erase(it) : std::next(it);
        }
        for (auto it = customer_cases_.begin(); it != customer_cases_.end();) {
            auto& list = it->second;
            list.erase(std::remove_if(list.begin(), list.end(),
                                      [&](const std::string& id) { return dropped.count(id) > 0; }),
                       list.end());
            it = list.empty() ? customer_cases_.erase(it) : std::next(it);
        }
    }
    for (auto it = affinity_.begin(); it != affinity_.end();) {
        it = now - it->second.second > settings_.affinity_window_ms ? affinity_.erase(it)
                                                                    : std::next(it);
    }
}

std::vector<Alert> Router::tick() {
    std::vector<Alert> alerts;
    const auto now = clock_.now_ms();
    if (!store_.begin()) ++store_errors_;
    run_timers(now, alerts);
    if (!store_.commit()) ++store_errors_;
    apply_route_templates(alerts);
    return alerts;
}

// ---------------------------------------------------------------- spikes and silence

std::optional<std::string> Router::crisis_key_for(const rules::Verdict& verdict) const {
    if (!verdict.topic) return std::nullopt;
    const auto key = "topic:" + *verdict.topic;
    const auto it = spikes_.find(key);
    if (it != spikes_.end() && it->second->in_crisis) return key;
    return std::nullopt;
}

void Router::observe_spikes(const rules::Post& post, const rules::Verdict& verdict,
                            std::int64_t now, std::vector<Alert>& alerts) {
    if (!settings_.spikes.enabled) return;
    std::vector<std::string> keys;
    if (verdict.topic) keys.push_back("topic:" + *verdict.topic);
    for (const auto& tag : verdict.tags) {
        if (tag.rfind("brand:", 0) == 0 && tag.size() > 6) keys.push_back(tag);
    }
    const auto& s = settings_.spikes;
    const std::int64_t minute = now / kMinuteMs;
    const bool negative = verdict.polarity == rules::Polarity::negative;
    for (const auto& key : keys) {
        auto& slot = spikes_[key];
        if (!slot) {
            slot = std::make_unique<SpikeState>();
            slot->first_seen_ms = now;
        }
        auto& state = *slot;
        if (state.buckets.empty() || state.buckets.back().minute < minute) {
            state.buckets.push_back({minute, 0, 0});
        }
        auto& bucket = state.buckets.back();
        ++bucket.count;
        bucket.negative += negative ? 1 : 0;
        while (!state.buckets.empty() &&
               state.buckets.front().minute * kMinuteMs < now - s.baseline_ms - s.window_ms) {
            state.buckets.pop_front();
        }
        std::string sample = post.text.substr(0, 280);
        state.recent.push_back(sample);
        while (state.recent.size() > std::max<std::size_t>(s.samples, 1)) state.recent.pop_front();
        if (state.in_crisis) {
            ++state.crisis_count;
            ++state.since_digest;
            if (state.digest_samples.size() < s.samples) state.digest_samples.push_back(sample);
            continue;
        }
        if (first_seen_ms_ < 0 || now - first_seen_ms_ < s.warmup_ms) continue;
        std::int64_t in_window = 0, negative_window = 0, in_baseline = 0, negative_baseline = 0;
        for (const auto& b : state.buckets) {
            const std::int64_t at = b.minute * kMinuteMs;
            if (at > now - s.window_ms) {
                in_window += b.count;
                negative_window += b.negative;
            } else {
                in_baseline += b.count;
                negative_baseline += b.negative;
            }
        }
        const auto span = std::clamp<std::int64_t>(now - s.window_ms - first_seen_ms_, s.window_ms,
                                                   s.baseline_ms);
        const double per_window = static_cast<double>(s.window_ms) / static_cast<double>(span);
        const double expected = static_cast<double>(in_baseline) * per_window;
        const double expected_negative = static_cast<double>(negative_baseline) * per_window;
        const bool volume =
            in_window >= s.min_count && static_cast<double>(in_window) > s.factor * expected;
        const bool negatives = negative_window >= s.min_count &&
                               static_cast<double>(negative_window) > s.factor * expected_negative;
        if (!volume && !negatives) continue;
        state.in_crisis = true;
        state.started_ms = now;
        state.expected = expected;
        state.expected_negative_share =
            in_baseline ? static_cast<double>(negative_baseline) / static_cast<double>(in_baseline)
                        : 0.0;
        state.crisis_count = in_window;
        state.since_digest = 0;
        state.last_digest_ms = now;
        state.digests = 0;
        state.digest_samples.clear();
        ++crises_;
        Alert alert;
        alert.group_key = "crisis:" + key + ":" + std::to_string(now);
        alert.id = alert.group_key + ":start";
        alert.kind = AlertKind::crisis_start;
        alert.sink = s.crisis.sink;
        alert.destination = s.crisis.address;
        alert.recipient_name = "crisis channel";
        const auto name = key.substr(key.find(':') + 1);
        if (verdict.topic && key == "topic:" + *verdict.topic) alert.topic = *verdict.topic;
        char share[96];
        std::snprintf(share, sizeof share, "%.0f%% negative (baseline %.0f%%)",
                      in_window ? 100.0 * static_cast<double>(negative_window) /
                                      static_cast<double>(in_window)
                                : 0.0,
                      100.0 * state.expected_negative_share);
        char expected_text[32];
        std::snprintf(expected_text, sizeof expected_text, "%.1f", expected);
        alert.title = "Spike: " + std::to_string(in_window) + " posts on " + name + " in " +
                      format_duration(s.window_ms) + " (usually " + expected_text + ")";
        alert.why =
            std::string(volume ? "volume" : "negative posts") + " more than " +
            std::to_string(static_cast<int>(s.factor)) + "x the " + format_duration(s.baseline_ms) +
            " baseline; " + share + "; " + key +
            (key.rfind("topic:", 0) == 0 ? " switches to grouped alerts until it calms down" : "");
        alert.count = in_window;
        alert.samples.assign(state.recent.begin(), state.recent.end());
        alert.created_at_ms = now;
        alert.post = post;
        alerts.push_back(std::move(alert));
    }
}

void Router::check_spikes(std::int64_t now, std::vector<Alert>& alerts) {
    const auto& s = settings_.spikes;
    for (auto& [key, slot] : spikes_) {
        auto& state = *slot;
        if (!state.in_crisis) continue;
        const auto name = key.substr(key.find(':') + 1);
        const std::string base = "crisis:" + key + ":" + std::to_string(state.started_ms);
        std::int64_t in_window = 0;
        for (const auto& b : state.buckets) {
            if (b.minute * kMinuteMs > now - s.window_ms) in_window += b.count;
        }
        const double threshold =
            std::max(static_cast<double>(s.min_count), s.factor * state.expected) / 2.0;
        const bool calm =
            now - state.started_ms >= s.window_ms && static_cast<double>(in_window) < threshold;
        if (state.since_digest > 0 && (now - state.last_digest_ms >= s.window_ms || calm)) {
            Alert digest;
            digest.id = base + ":digest:" + std::to_string(++state.digests);
            digest.kind = AlertKind::digest;
            digest.group_key = base;
            digest.sink = s.crisis.sink;
            digest.destination = s.crisis.address;
            digest.recipient_name = "crisis channel";
            digest.case_id = state.grouped_case;
            digest.title = std::to_string(state.since_digest) + " more posts on " + name +
                           " (grouped during the spike)";
            digest.why = "grouped alerts while " + key + " is in crisis";
            digest.count = state.since_digest;
            digest.samples = state.digest_samples;
            digest.created_at_ms = now;
            if (key.rfind("topic:", 0) == 0) digest.topic = name;
            alerts.push_back(std::move(digest));
            state.since_digest = 0;
            state.digest_samples.clear();
            state.last_digest_ms = now;
        }
        if (!calm) continue;
        Alert end;
        end.id = base + ":end";
        end.kind = AlertKind::crisis_end;
        end.group_key = base;
        end.sink = s.crisis.sink;
        end.destination = s.crisis.address;
        end.recipient_name = "crisis channel";
        end.case_id = state.grouped_case;
        end.title = "Spike over: " + name + " back to " + std::to_string(in_window) +
                    " posts per " + format_duration(s.window_ms) + " after " +
                    format_duration(now - state.started_ms);
        end.why = std::to_string(state.crisis_count) + " posts during the spike; below " +
                  std::to_string(static_cast<std::int64_t>(threshold)) + " per window again; " +
                  "alerts for " + name + " are individual again";
        end.count = state.crisis_count;
        end.created_at_ms = now;
        if (key.rfind("topic:", 0) == 0) end.topic = name;
        alerts.push_back(std::move(end));
        if (!state.grouped_case.empty()) {
            const auto it = cases_.find(state.grouped_case);
            if (it != cases_.end() && it->second.open()) {
                set_status(it->second, CaseStatus::resolved, now, "router",
                           "spike over: " + end.title);
                save(it->second);
            }
        }
        state.in_crisis = false;
        state.grouped_case.clear();
    }
}

void Router::observe_source(const rules::Post& post, std::int64_t now) {
    const auto name = post.source.empty() ? std::string("unknown") : post.source;
    auto& slot = sources_[name];
    if (!slot) slot = std::make_unique<SourceState>();
    auto& state = *slot;
    if (state.posts > 0 && now >= state.last_ms) {
        state.gaps.push_back(now - state.last_ms);
        if (state.gaps.size() > kMaxGaps) state.gaps.pop_front();
    }
    ++state.posts;
    state.last_ms = std::max(state.last_ms, now);
    state.alerted = false;
}

void Router::check_silence(std::int64_t now, std::vector<Alert>& alerts) {
    const auto& s = settings_.silence;
    if (!s.enabled) return;
    for (auto& [name, slot] : sources_) {
        auto& state = *slot;
        if (state.alerted || static_cast<std::int64_t>(state.gaps.size()) < s.min_posts) continue;
        std::vector<std::int64_t> gaps(state.gaps.begin(), state.gaps.end());
        const auto index = gaps.size() * 95 / 100;
        std::nth_element(gaps.begin(), gaps.begin() + static_cast<std::ptrdiff_t>(index),
                         gaps.end());
        const auto usual = gaps[index];
        const auto threshold =
            std::max(s.min_ms, static_cast<std::int64_t>(s.factor * static_cast<double>(usual)));
        if (now - state.last_ms <= threshold) continue;
        state.alerted = true;
        Alert alert;
        alert.id = "silence:" + name + ":" + std::to_string(state.last_ms);
        alert.kind = AlertKind::source_silent;
        const auto& to = s.alert ? *s.alert : settings_.desk;
        alert.sink = to.sink;
        alert.destination = to.address;
        alert.recipient_name = s.alert ? "operators" : "webcare desk";
        alert.title = "Source " + name + " silent for " + format_duration(now - state.last_ms);
        alert.why = "no post since " + utc_clock(state.last_ms) + "; usually at most " +
                    format_duration(usual) + " between posts (95th percentile of the last " +
                    std::to_string(state.gaps.size()) + "), alert after " +
                    format_duration(threshold);
        alert.created_at_ms = state.last_ms + threshold;
        alerts.push_back(std::move(alert));
    }
}

// ---------------------------------------------------------------- route

bool Router::is_own_account(const rules::Post& post) const {
    if (settings_.own_accounts.empty() || post.author.handle.empty()) return false;
    std::string handle = post.author.handle;
    if (handle.front() == '@') handle.erase(0, 1);
    for (auto& c : handle) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return settings_.own_accounts.count(handle) > 0;
}

std::string Router::answer_from_own_account(const rules::Post& post, std::int64_t now) {
    const std::string actor = "@" + post.author.handle;
    rules::Verdict no_topic;
    std::string thread_why;
    Case* item = find_thread(post, no_topic, std::string(), thread_why);
    if (!item) return "own account " + actor + ": no case opened";
    post_to_case_[post_key(post.source, post.id)] = item->id;
    if (!store_.add_post(post_key(post.source, post.id), item->id, now)) ++store_errors_;
    if (item->open() && item->status != CaseStatus::acknowledged) {
        set_status(*item, CaseStatus::acknowledged, now, actor, "answered publicly by " + actor);
        save(*item);
        return "own account " + actor + " answered " + item->id + " (" + thread_why +
               "): first response, SLA stopped";
    }
    return "own account " + actor + " posted in " + item->id + " (" + thread_why + ")";
}

RoutingDecision Router::route(const rules::Post& post, const rules::Verdict& verdict) {
    RoutingDecision decision = route_post(post, verdict);
    apply_route_templates(decision.alerts);
    return decision;
}

RoutingDecision Router::route_post(const rules::Post& post, const rules::Verdict& verdict) {
    RoutingDecision decision;
    const std::int64_t now = clock_.now_ms();
    if (!store_.begin()) ++store_errors_;
    run_timers(now, decision.alerts);
    if (first_seen_ms_ < 0) first_seen_ms_ = now;
    observe_source(post, now);
    observe_spikes(post, verdict, now, decision.alerts);
    if (is_own_account(post)) {
        decision.why = answer_from_own_account(post, now);
        if (!store_.commit()) ++store_errors_;
        return decision;
    }
    const bool needs_answer = verdict.matched || verdict.complaint;
    if (!needs_answer) {
        decision.why = "no answer needed (no rule matched, not a complaint)";
        if (!store_.commit()) ++store_errors_;
        return decision;
    }
    const auto influence = apply_influence(post, verdict);
    decision.priority = influence.priority;
    const std::string priority_text(rules::to_string(influence.priority));
    std::vector<std::string> why;
    if (!influence.why.empty()) why.push_back(influence.why);
    const std::string customer =
        post.author.handle.empty() ? std::string() : post_key(post.source, post.author.handle);
    const std::string key = post_key(post.source, post.id);

    auto attach = [&](Case& item) {
        post_to_case_[key] = item.id;
        if (!store_.add_post(key, item.id, now)) ++store_errors_;
        ++item.post_count;
        item.last_post_at_ms = std::max(item.last_post_at_ms, now);
        item.updated_at_ms = std::max(item.updated_at_ms, now);
    };
    auto finish = [&](Case& item) {
        save(item);
        decision.case_id = item.id;
        if (!item.team.empty()) decision.team = item.team;
        if (!item.assignee.empty()) decision.assignee = item.assignee;
        decision.why = join(why, "; ");
        if (!store_.commit()) ++store_errors_;
        return decision;
    };

    // Retweets and near-identical posts join the case of the post they copy.
    const auto words = fingerprint_words(post.text);
    const PostFingerprint fingerprint{make_fingerprint(words), words.size()};
    std::string duplicate_why;
    if (auto case_id = find_duplicate(post, fingerprint, now, duplicate_why)) {
        const auto it = cases_.find(*case_id);
        if (it != cases_.end()) {
            ++duplicates_;
            decision.duplicate = true;
            attach(it->second);
            why.push_back("duplicate: " + duplicate_why + ", joins " + it->second.id +
                          " without a new alert");
            return finish(it->second);
        }
    }

    std::string thread_why;
    if (Case* item = find_thread(post, verdict, customer, thread_why)) {
        attach(*item);
        why.push_back("joins " + item->id + " (" + thread_why + ")");
        if (!item->answered() &&
            rules::parse_priority(item->priority).value_or(Priority::low) < influence.priority) {
            why.push_back("case priority " + item->priority + " -> " + priority_text);
            item->priority = priority_text;
            const auto deadline = item->deadline_ms;
            set_sla(*item, item->opened_at_ms);
            if (deadline && item->deadline_ms > deadline) item->deadline_ms = deadline;
        }
        const bool reopen = !item->open();
        if (reopen) {
            set_status(*item, CaseStatus::reopened, now, "router",
                       "new post " + post.id + " (" + thread_why + ")");
            set_sla(*item, now);
        }
        const auto* team = directory_->team(item->team);
        const auto* owner = directory_->person(item->assignee);
        std::string owner_reason;
        if (owner) owner_reason = unavailable_reason(*owner, now, false, verdict.lang);
        if (owner && owner_reason.empty()) {
            why.push_back("owner " + owner->id + " (owns this conversation)");
            if (reopen) {
                last_assigned_[owner->id] = now;
                item->assigned_at_ms = now;
            }
            auto alert = make_alert(*item, AlertKind::case_update,
                                    std::to_string(++item->alert_seq), now, &post);
            alert.why = join(why, "; ");
            if (reopen) alert.title = "Case reopened: " + item->id;
            decision.alerts.push_back(std::move(alert));
            return finish(*item);
        }
        if (team) {
            const std::string skill = item->topic;
            auto choice = choose(*team, skill, 1, verdict.lang, {}, customer, now);
            if (owner) choice.why += "; owner " + owner->id + " " + owner_reason;
            why.push_back("team " + choice.team + "; assignee " + choice.why);
            assign(*item, choice, now, "router", join(why, "; "));
            auto alert = make_alert(*item, AlertKind::new_case, std::to_string(++item->alert_seq),
                                    now, &post);
            alert.why = join(why, "; ");
            decision.alerts.push_back(std::move(alert));
        }
        return finish(*item);
    }

    const Route* route = pick_route(post, verdict, influence.priority);
    const Team* team =
        route ? directory_->team(route->team) : directory_->team(directory_->desk_team);
    std::string route_why =
        route ? route->describe() : "no route matched, desk team " + directory_->desk_team;

    if (auto crisis = crisis_key_for(verdict)) {
        auto& state = *spikes_[*crisis];
        Case* grouped = nullptr;
        if (!state.grouped_case.empty()) {
            const auto it = cases_.find(state.grouped_case);
            if (it != cases_.end()) grouped = &it->second;
        }
        if (!grouped) {
            Case fresh;
            fresh.id = new_case_id();
            fresh.number = next_case_number_ - 1;
            fresh.grouped = true;
            fresh.team = team ? team->id : std::string();
            fresh.holder = "crisis";
            fresh.topic = verdict.topic.value_or("");
            fresh.priority = priority_text;
            fresh.source = post.source;
            fresh.lang = verdict.lang;
            fresh.first_post_id = post.id;
            fresh.first_post_text = post.text.substr(0, 1000);
            fresh.opened_at_ms = fresh.updated_at_ms = fresh.last_post_at_ms = now;
            state.grouped_case = fresh.id;
            auto id = fresh.id;
            cases_[id] = std::move(fresh);
            grouped = &cases_[id];
            decision.new_case = true;
            set_status(*grouped, CaseStatus::new_case, now, "router",
                       "opened as the grouped case of the spike on " + *crisis);
        }
        attach(*grouped);
        why.push_back("team " + (team ? team->id : std::string("none")) + " by " + route_why);
        why.push_back(*crisis + " is in a spike since " + utc_clock(state.started_ms) +
                      ": grouped into " + grouped->id + ", summarised to " +
                      settings_.spikes.crisis.address + " instead of a personal alert");
        remember_fingerprint(post, fingerprint, grouped->id, now);
        return finish(*grouped);
    }

    Case fresh;
    fresh.id = new_case_id();
    fresh.number = next_case_number_ - 1;
    fresh.customer = customer;
    fresh.conversation = post.conversation;
    fresh.topic = verdict.topic.value_or("");
    fresh.priority = priority_text;
    fresh.source = post.source;
    fresh.lang = verdict.lang;
    fresh.first_post_id = post.id;
    fresh.first_post_text = post.text.substr(0, 1000);
    fresh.opened_at_ms = fresh.updated_at_ms = fresh.last_post_at_ms = now;
    const auto id = fresh.id;
    cases_[id] = std::move(fresh);
    Case& item = cases_[id];
    decision.new_case = true;
    attach(item);
    item.post_count = 1;
    index_case(item);
    set_status(item, CaseStatus::new_case, now, "router", "opened for post " + post.id);

    Choice choice;
    if (team) {
        const std::string skill = route && !route->skill.empty() ? route->skill : item.topic;
        choice =
            choose(*team, skill, route ? route->min_level : 1, verdict.lang, {}, customer, now);
        why.push_back("team " + team->id + " by " + route_why);
    } else {
        choice.kind = Choice::Kind::desk;
        choice.why = "the desk " + settings_.desk.address + " (no route matched, no desk team)";
        why.push_back("no route matched");
    }
    why.push_back(choice.kind == Choice::Kind::person ? "assignee " + choice.why : choice.why);
    item.team = choice.team;
    case_route_[item.id] = route ? route->index : 0;
    set_sla(item, now);
    assign(item, choice, now, "router", join(why, "; "));
    if (choice.team != (team ? team->id : std::string()))
        why.push_back("taken by team " + choice.team);
    auto alert =
        make_alert(item, AlertKind::new_case, std::to_string(++item.alert_seq), now, &post);
    alert.why = join(why, "; ");
    decision.alerts.push_back(std::move(alert));
    remember_fingerprint(post, fingerprint, item.id, now);
    return finish(item);
}

// ---------------------------------------------------------------- admin actions

ActionResult Router::acknowledge(const std::string& case_id, const std::string& actor,
                                 const std::string& why) {
    return change_status_by_hand(case_id, CaseStatus::acknowledged, actor, why);
}

ActionResult Router::resolve(const std::string& case_id, const std::string& actor,
                             const std::string& why) {
    return change_status_by_hand(case_id, CaseStatus::resolved, actor, why);
}

Case* Router::case_in_memory(const std::string& case_id, ActionResult& result) {
    const auto it = cases_.find(case_id);
    if (it == cases_.end()) {
        result.error = "unknown or archived case " + case_id;
        return nullptr;
    }
    return &it->second;
}

std::string Router::unknown_person(const std::string& person_id) const {
    std::vector<std::string> ids;
    for (const auto& p : directory_->people) ids.push_back(p.id);
    std::string error = "unknown person '" + person_id + "'";
    if (auto best = rules::closest_match(person_id, ids); !best.empty()) {
        error += " (did you mean '" + best + "'?)";
    }
    return error;
}

void Router::audit_aside(const Case& item, const std::string& actor, std::string why,
                         std::int64_t at) {
    AuditEntry entry;
    entry.case_id = item.id;
    entry.at_ms = at;
    entry.actor = actor;
    entry.from_status = std::string(to_string(item.status));
    entry.to_status = entry.from_status;
    entry.assignee = item.assignee;
    entry.why = std::move(why);
    if (!store_.append_audit(entry)) ++store_errors_;
}

ActionResult Router::change_status_by_hand(const std::string& case_id, CaseStatus to,
                                           const std::string& actor, const std::string& why) {
    ActionResult result;
    Case* found = case_in_memory(case_id, result);
    if (!found) return result;
    auto& item = *found;
    if (!item.open() || item.status == to) {
        result.error = "case " + case_id + " is already " + std::string(to_string(item.status));
        return result;
    }
    store_.begin();
    set_status(item, to, clock_.now_ms(), actor, why.empty() ? std::string(to_string(to)) : why);
    save(item);
    if (!store_.commit()) ++store_errors_;
    result.ok = true;
    return result;
}

ActionResult Router::set_priority(const std::string& case_id, Priority priority,
                                  const std::string& actor, const std::string& why) {
    ActionResult result;
    Case* found = case_in_memory(case_id, result);
    if (!found) return result;
    Case& item = *found;
    const std::string before = item.priority;
    if (!item.open()) {
        result.error = "case " + case_id + " is resolved";
        return result;
    }
    if (before == rules::to_string(priority)) {
        result.error = "case " + case_id + " is already " + before;
        return result;
    }
    const std::int64_t now = clock_.now_ms();
    item.priority = std::string(rules::to_string(priority));
    item.updated_at_ms = std::max(item.updated_at_ms, now);
    if (!item.answered() && !item.grouped && item.deadline_ms != 0) {
        const auto* team = directory_->team(item.team);
        const auto sla = settings_.sla_for(priority);
        item.deadline_ms = add_business_time(team, item.opened_at_ms, sla);
        item.warn_at_ms = add_business_time(
            team, item.opened_at_ms,
            static_cast<std::int64_t>(static_cast<double>(sla) * settings_.sla_warning_at));
        // A deadline still ahead starts its ladder afresh; one already passed keeps the
        // escalations sent (the ladder goes on from there).
        if (now < item.warn_at_ms) item.warned = false;
        if (now < item.deadline_ms) {
            item.escalations_sent = 0;
            item.escalation_level = 0;
        }
    }
    store_.begin();
    audit_aside(item, actor,
                "priority " + before + " -> " + item.priority + (why.empty() ? "" : ": " + why),
                now);
    save(item);
    if (!store_.commit()) ++store_errors_;
    result.ok = true;
    return result;
}

ActionResult Router::add_note(const std::string& case_id, const std::string& actor,
                              const std::string& note) {
    ActionResult result;
    std::optional<Case> item = find_case(case_id);
    if (!item) {
        result.error = "unknown case " + case_id;
        return result;
    }
    store_.begin();
    audit_aside(*item, actor, "note: " + note, clock_.now_ms());
    if (!store_.commit()) ++store_errors_;
    result.ok = true;
    return result;
}

ActionResult Router::reassign(const std::string& case_id, const std::string& person_id,
                              const std::string& actor, const std::string& why) {
    ActionResult result;
    Case* found = case_in_memory(case_id, result);
    if (!found) return result;
    if (!directory_->person(person_id)) {
        result.error = unknown_person(person_id);
        return result;
    }
    auto& item = *found;
    if (!item.open()) {
        result.error = "case " + case_id + " is resolved";
        return result;
    }
    const auto now = clock_.now_ms();
    store_.begin();
    Choice choice;
    choice.kind = Choice::Kind::person;
    choice.person = person_id;
    choice.team = item.team;
    const std::string text =
        "reassigned by " + actor + " to " + person_id + (why.empty() ? std::string() : ": " + why);
    assign(item, choice, now, actor, text);
    auto alert =
        make_alert(item, AlertKind::new_case, std::to_string(++item.alert_seq), now, nullptr);
    alert.why = text;
    result.alerts.push_back(std::move(alert));
    apply_route_templates(result.alerts);
    save(item);
    if (!store_.commit()) ++store_errors_;
    result.ok = true;
    return result;
}

}  // namespace spreekbuis::daemon::routing
