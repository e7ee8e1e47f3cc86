#include "daemon/rule_route_checks.hpp"

#include <algorithm>
#include <fstream>
#include <sstream>

namespace spreekbuis::daemon {

namespace {

bool contains(const std::vector<std::string>& values, const std::string& value) {
    return std::find(values.begin(), values.end(), value) != values.end();
}

std::string did_you_mean(const std::string& value, const std::vector<std::string>& known) {
    const auto best = rules::closest_match(value, known);
    return best.empty() ? std::string{} : "did you mean '" + best + "'?";
}

}  // namespace

void check_routes_against_rules(const routing::Directory& directory, const rules::RuleSet& rules,
                                rules::Diagnostics& diagnostics) {
    const auto topics = rules.topics();
    const auto tags = rules.tags();
    std::string text;
    if (std::ifstream in(directory.path); in) {
        std::ostringstream all;
        all << in.rdbuf();
        text = all.str();
    }
    const auto warn = [&](const rules::SourcePos& pos, const std::string& message,
                          const std::string& hint) {
        diagnostics.warning(pos, message, hint, std::string(rules::line_of(text, pos.line)));
    };
    // A route's values of one kind (topic, tag) that no rule sets.
    const auto check_route = [&](const routing::Route& route, const char* kind,
                                 const std::vector<std::string>& values,
                                 const std::vector<std::string>& known) {
        for (const auto& value : values) {
            if (contains(known, value)) continue;
            warn(route.pos,
                 "route #" + std::to_string(route.index) + " matches " + kind + " '" + value +
                     "', which no rule sets: it never matches on that " + kind,
                 did_you_mean(value, known));
        }
    };
    std::vector<std::string> skills = topics;
    for (const auto& route : directory.routes) {
        check_route(route, "topic", route.topics, topics);
        check_route(route, "tag", route.tags, tags);
        if (!route.skill.empty()) skills.push_back(route.skill);
    }
    for (const auto& person : directory.people) {
        for (const auto& [skill, level] : person.skills) {
            if (contains(skills, skill)) continue;
            warn(person.pos,
                 "skill '" + skill + "' of '" + person.id +
                     "' is no topic a rule sets and no route's skill: it never counts",
                 did_you_mean(skill, skills));
        }
    }
}

}  // namespace spreekbuis::daemon
