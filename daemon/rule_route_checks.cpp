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
    std::vector<std::string> skills = topics;
    for (const auto& route : directory.routes) {
        for (const auto& topic : route.topics) {
            if (contains(topics, topic)) continue;
            warn(route.pos,
                 "route #" + std::to_string(route.index) + " matches topic '" + topic +
                     "', which no rule sets: it never matches on that topic",
                 did_you_mean(topic, topics));
        }
        for (const auto& tag : route.tags) {
            if (contains(tags, tag)) continue;
            warn(route.pos,
                 "route #" + std::to_string(route.index) + " matches tag '" + tag +
                     "', which no rule sets: it never matches on that tag",
                 did_you_mean(tag, tags));
        }
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
