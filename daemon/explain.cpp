#include "daemon/explain.hpp"

#include <algorithm>

#include "daemon/exit_codes.hpp"
#include "rules/format.hpp"

namespace spreekbuis::daemon {

int explain_text(const rules::RuleSet& rules, const ExplainRequest& request, std::FILE* out,
                 std::FILE* err) {
    const auto ids = rules.rule_ids();
    if (!request.rule_id.empty() &&
        std::find(ids.begin(), ids.end(), request.rule_id) == ids.end()) {
        std::fprintf(err, "spreekbuis: no rule '%s' in the configured rule files\n",
                     request.rule_id.c_str());
        return kExitBadInput;
    }
    rules::Post post;
    post.id = "explain";
    post.source = "explain";
    post.text = request.text;
    post.lang = request.lang;
    const auto verdict = rules.evaluate(post);

    std::string matched;
    for (const auto& id : verdict.rules) matched += (matched.empty() ? "" : ", ") + id;
    std::fprintf(out, "matched:   %s\n", matched.empty() ? "no rule" : matched.c_str());
    std::fprintf(out, "topic:     %s\n", verdict.topic ? verdict.topic->c_str() : "none");
    std::fprintf(
        out, "priority:  %s\n",
        verdict.priority ? std::string(rules::to_string(*verdict.priority)).c_str() : "none");
    std::string scores = verdict.lang + (request.lang.empty() ? " (detected)" : " (given)");
    scores += ", sentiment ";
    rules::append_fixed2(scores, verdict.sentiment, false);
    scores += " (" + std::string(rules::to_string(verdict.polarity)) + "), complaint ";
    scores += verdict.complaint ? "yes (" : "no (";
    rules::append_fixed2(scores, verdict.complaint_score, false);
    scores += ")";
    std::fprintf(out, "scores:    lang %s\n", scores.c_str());
    std::fprintf(out, "why:       %s\n", verdict.why.c_str());

    const auto misses = rules.misses(post, request.rule_id);
    if (!request.rule_id.empty()) {
        if (misses.empty()) {
            std::fprintf(out, "rule %s: matched\n", request.rule_id.c_str());
        } else {
            std::fprintf(out, "rule %s: no match: %s\n", request.rule_id.c_str(),
                         misses.front().reason.c_str());
        }
        return kExitOk;
    }
    if (misses.empty()) {
        std::fputs("near misses: none (no other rule saw any of its terms)\n", out);
        return kExitOk;
    }
    std::fputs("near misses (rules that saw some of their terms):\n", out);
    for (const auto& miss : misses) {
        std::fprintf(out, "  %s: %s\n", miss.rule_id.c_str(), miss.reason.c_str());
    }
    return kExitOk;
}

}  // namespace spreekbuis::daemon
