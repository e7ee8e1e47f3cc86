#include "daemon/explain.hpp"

#include <algorithm>
#include <chrono>

#include "connectors/sinks/text.hpp"
#include "daemon/exit_codes.hpp"
#include "daemon/router_setup.hpp"
#include "daemon/state_db.hpp"
#include "rules/format.hpp"

namespace spreekbuis::daemon {

namespace {

// "baggage (from baggage-lost; not customer-service-hold: customer-service)": the first matched
// rule that sets a topic decides it; the other matched rules' topics are named as passed over.
std::string topic_line(const rules::RuleSet& rules, const std::vector<std::string>& ids,
                       const rules::Verdict& verdict) {
    if (!verdict.topic) return "none";
    const auto topics = rules.rule_topics();
    std::string from;
    std::string passed_over;
    for (const auto& id : verdict.rules) {
        const auto at = std::find(ids.begin(), ids.end(), id);
        if (at == ids.end()) continue;
        const auto& topic = topics[static_cast<std::size_t>(at - ids.begin())];
        if (!topic) continue;
        if (from.empty()) {
            from = std::string(id);
        } else if (*topic != *verdict.topic) {
            passed_over += (passed_over.empty() ? "; not " : ", ");
            passed_over.append(id).append(": ").append(*topic);
        }
    }
    if (from.empty()) return *verdict.topic;
    return *verdict.topic + " (from " + from + passed_over + ")";
}

void print_verdict(const rules::RuleSet& rules, const std::vector<std::string>& ids,
                   const rules::Post& post, const rules::Verdict& verdict, std::FILE* out) {
    std::string matched;
    for (const auto id : verdict.rules) matched.append(matched.empty() ? "" : ", ").append(id);
    std::fprintf(out, "matched:   %s\n", matched.empty() ? "no rule" : matched.c_str());
    std::fprintf(out, "topic:     %s\n", topic_line(rules, ids, verdict).c_str());
    std::fprintf(
        out, "priority:  %s\n",
        verdict.priority ? std::string(rules::to_string(*verdict.priority)).c_str() : "none");
    std::string scores = verdict.lang + (post.lang.empty() ? " (detected)" : " (given)");
    scores += ", sentiment ";
    rules::append_fixed2(scores, verdict.sentiment, false);
    scores += " (" + std::string(rules::to_string(verdict.polarity)) + "), complaint ";
    scores += verdict.complaint ? "yes (" : "no (";
    rules::append_fixed2(scores, verdict.complaint_score, false);
    scores += ")";
    std::fprintf(out, "scores:    lang %s\n", scores.c_str());
    std::fprintf(out, "why:       %s\n", verdict.why.c_str());
}

void print_misses(const std::vector<rules::RuleMiss>& misses, const std::string& rule_id,
                  std::FILE* out) {
    if (!rule_id.empty()) {
        if (misses.empty()) {
            std::fprintf(out, "rule %s: matched\n", rule_id.c_str());
        } else {
            std::fprintf(out, "rule %s: no match: %s\n", rule_id.c_str(),
                         misses.front().reason.c_str());
        }
        return;
    }
    if (misses.empty()) {
        std::fputs("near misses: none (no other rule saw any of its terms)\n", out);
        return;
    }
    std::fputs("near misses (rules that saw some of their terms):\n", out);
    for (const auto& miss : misses) {
        std::fprintf(out, "  %s: %s\n", miss.rule_id.c_str(), miss.reason.c_str());
    }
}

std::int64_t now_ms() {
    return std::chrono::duration_cast<std::chrono::milliseconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
}

// Who the post would go to, on a private copy of the daemon's case state. Returns false when
// the state or the people directory cannot be read.
bool print_routing(const Setup& setup, const rules::Post& post, const rules::Verdict& verdict,
                   std::optional<std::int64_t> at_ms, std::FILE* out, std::FILE* err) {
    const std::int64_t at = at_ms.value_or(post.created_at_ms.value_or(now_ms()));
    bool found = false;
    std::string error;
    auto snapshot = StateDatabase::snapshot(setup.config.state_dir, found, error);
    if (!snapshot) {
        std::fprintf(err, "spreekbuis: %s\n", error.c_str());
        return false;
    }
    rules::Diagnostics diagnostics;
    auto routing = make_router(setup.config, RouterMode::dry_run, diagnostics,
                               found ? snapshot->handle() : nullptr, at);
    if (!routing.router) {
        std::fputs(diagnostics.format_all().c_str(), err);
        return false;
    }
    const auto decision = routing.router->route(post, verdict);

    std::string when = connectors::sinks::iso8601_utc(at);
    when += at_ms ? " (--at)" : post.created_at_ms ? " (the post's created_at)" : " (now)";
    const std::string state =
        found ? "open cases and customer history of " + state_db_path(setup.config.state_dir)
              : "no state yet: nobody has open cases or customers";
    std::fprintf(out, "routing:   at %s, %s\n", when.c_str(), state.c_str());
    if (decision.case_id.empty() && !decision.team) {
        std::fprintf(out, "route:     none (%s)\n",
                     decision.why.empty() ? "the post needs no answer" : decision.why.c_str());
        return true;
    }
    std::string route = "team " + decision.team.value_or("none");
    if (decision.assignee) {
        route += ", assignee " + *decision.assignee;
        if (const auto* person = routing.router->directory().person(*decision.assignee)) {
            if (!person->name.empty() && person->name != person->id) {
                route += " (" + person->name + ")";
            }
        }
    } else {
        route += ", nobody assigned";
    }
    if (decision.priority)
        route += ", priority " + std::string(rules::to_string(*decision.priority));
    if (decision.duplicate)
        route += ", a duplicate of case " + decision.case_id;
    else if (!decision.new_case)
        route += ", joins case " + decision.case_id;
    std::fprintf(out, "route:     %s\n", route.c_str());
    std::fprintf(out, "because:   %s\n", decision.why.c_str());
    // Timers of other cases that fall due at this time are not this post's doing.
    std::size_t shown = 0;
    for (const auto& alert : decision.alerts) {
        if (alert.case_id != decision.case_id) continue;
        std::string to = alert.recipient_name.empty() ? "the default" : alert.recipient_name;
        std::fprintf(out, "%s%s to %s via %s%s%s\n", shown == 0 ? "alerts:    " : "           ",
                     std::string(connectors::to_string(alert.kind)).c_str(), to.c_str(),
                     alert.sink.c_str(), alert.destination.empty() ? "" : " at ",
                     alert.destination.c_str());
        ++shown;
    }
    if (shown == 0) std::fputs("alerts:    none\n", out);
    return true;
}

}  // namespace

int explain_post(const Setup& setup, const ExplainRequest& request, std::FILE* out,
                 std::FILE* err) {
    const rules::RuleSet& rules = *setup.rules;
    const auto ids = rules.rule_ids();
    if (!request.rule_id.empty() &&
        std::find(ids.begin(), ids.end(), request.rule_id) == ids.end()) {
        std::fprintf(err, "spreekbuis: no rule '%s' in the configured rule files\n",
                     request.rule_id.c_str());
        return kExitBadInput;
    }
    const rules::Post& post = request.post;
    const auto verdict = rules.evaluate(post);
    print_verdict(rules, ids, post, verdict, out);
    print_misses(rules.misses(post, request.rule_id), request.rule_id, out);
    if (setup.config.people_file.empty()) return kExitOk;
    return print_routing(setup, post, verdict, request.at_ms, out, err) ? kExitOk : kExitBadInput;
}

}  // namespace spreekbuis::daemon
