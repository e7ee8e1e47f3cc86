#include "daemon/routing/people.hpp"

#include <algorithm>
#include <set>

#include "connectors/sinks/message_template.hpp"
#include "rules/yaml_source.hpp"

namespace spreekbuis::daemon::routing {

using rules::Diagnostics;
using rules::YamlDocument;

bool WeeklyHours::open_at(const LocalTime& local) const {
    if (!configured) return true;
    const int minute = local.minute_of_day;
    for (const auto& interval : days[static_cast<std::size_t>(local.weekday)]) {
        if (minute >= interval.start && minute < interval.end) return true;
    }
    for (const auto& interval : days[static_cast<std::size_t>((local.weekday + 6) % 7)]) {
        if (interval.end > 1440 && minute < interval.end - 1440) return true;
    }
    return false;
}

bool Person::has_language(const std::string& lang) const {
    return std::find(languages.begin(), languages.end(), lang) != languages.end();
}

int Person::skill_level(const std::string& topic) const {
    const auto it = skills.find(topic);
    return it == skills.end() ? 0 : it->second;
}

bool Person::on_holiday(const LocalTime& local) const {
    for (const auto& [first, last] : holidays) {
        if (local.day >= first && local.day <= last) return true;
    }
    return false;
}

namespace {

bool contains(const std::vector<std::string>& list, const std::string& value) {
    return std::find(list.begin(), list.end(), value) != list.end();
}

std::string join(const std::vector<std::string>& list, const char* separator) {
    std::string out;
    for (const auto& item : list) {
        if (!out.empty()) out += separator;
        out += item;
    }
    return out;
}

}  // namespace

bool Route::matches(const rules::Post& post, const rules::Verdict& verdict,
                    std::optional<rules::Priority> priority) const {
    if (!topics.empty() && (!verdict.topic || !contains(topics, *verdict.topic))) return false;
    if (!priorities.empty() &&
        (!priority || !contains(priorities, std::string(rules::to_string(*priority))))) {
        return false;
    }
    if (!languages.empty() && !contains(languages, verdict.lang)) return false;
    if (!sources.empty() && !contains(sources, post.source)) return false;
    if (!tags.empty()) {
        bool any = false;
        for (const auto& tag : verdict.tags) any = any || contains(tags, tag);
        if (!any) return false;
    }
    return true;
}

std::string Route::describe() const {
    std::string out = "route #" + std::to_string(index);
    std::vector<std::string> parts;
    if (!topics.empty()) parts.push_back("topic=" + join(topics, "|"));
    if (!priorities.empty()) parts.push_back("priority=" + join(priorities, "|"));
    if (!languages.empty()) parts.push_back("language=" + join(languages, "|"));
    if (!sources.empty()) parts.push_back("source=" + join(sources, "|"));
    if (!tags.empty()) parts.push_back("tags=" + join(tags, "|"));
    out += parts.empty() ? " (catch-all)" : " (" + join(parts, ", ") + ")";
    return out;
}

const std::string& Route::template_for(const std::string& sink) const {
    const auto it = templates.find(sink);
    return it != templates.end() ? it->second : message_template;
}

const Person* Directory::person(const std::string& id) const {
    for (const auto& p : people) {
        if (p.id == id) return &p;
    }
    return nullptr;
}

const Team* Directory::team(const std::string& id) const {
    for (const auto& t : teams) {
        if (t.id == id) return &t;
    }
    return nullptr;
}

namespace {

constexpr std::string_view kDayKeys[] = {"mon", "tue", "wed", "thu", "fri", "sat", "sun"};

std::optional<int> parse_clock(std::string_view text) {
    // H:MM or HH:MM, 00:00 .. 24:00
    const auto colon = text.find(':');
    if (colon == std::string_view::npos || colon == 0 || colon > 2 || text.size() != colon + 3) {
        return std::nullopt;
    }
    int hours = 0;
    for (std::size_t i = 0; i < colon; ++i) {
        if (text[i] < '0' || text[i] > '9') return std::nullopt;
        hours = hours * 10 + (text[i] - '0');
    }
    if (text[colon + 1] < '0' || text[colon + 1] > '5' || text[colon + 2] < '0' ||
        text[colon + 2] > '9') {
        return std::nullopt;
    }
    const int minutes = (text[colon + 1] - '0') * 10 + (text[colon + 2] - '0');
    if (hours > 24 || (hours == 24 && minutes != 0)) return std::nullopt;
    return hours * 60 + minutes;
}

std::optional<std::int64_t> parse_date(std::string_view text) {
    if (text.size() != 10 || text[4] != '-' || text[7] != '-') return std::nullopt;
    int parts[3] = {0, 0, 0};
    const std::size_t starts[3] = {0, 5, 8};
    const std::size_t lengths[3] = {4, 2, 2};
    for (int p = 0; p < 3; ++p) {
        for (std::size_t i = 0; i < lengths[p]; ++i) {
            const char ch = text[starts[p] + i];
            if (ch < '0' || ch > '9') return std::nullopt;
            parts[p] = parts[p] * 10 + (ch - '0');
        }
    }
    if (parts[1] < 1 || parts[1] > 12 || parts[2] < 1 || parts[2] > 31) return std::nullopt;
    const auto days = days_from_civil(parts[0], parts[1], parts[2]);
    int y = 0, m = 0, d = 0;
    civil_from_days(days, y, m, d);
    if (d != parts[2]) return std::nullopt;  // 31 April and friends
    return days;
}

class Loader {
  public:
    Loader(const YamlDocument& document, TimeZoneDb& zones, Diagnostics& diagnostics)
        : doc_(document), zones_(zones), diag_(diagnostics) {}

    std::shared_ptr<Directory> load() {
        auto directory = std::make_shared<Directory>();
        directory->path = doc_.path;
        const auto& root = doc_.root;
        if (!root || root.IsNull()) {
            diag_.error(rules::SourcePos{doc_.path, 1, 1}, "the people directory is empty",
                        "it needs people:, teams: and routes:");
            return nullptr;
        }
        if (!rules::check_keys(doc_, root,
                               {"version", "timezone", "desk", "people", "teams", "routes"},
                               "the people directory", diag_)) {
            if (!root.IsMap()) return nullptr;
        }
        if (const auto version = root["version"]) {
            if (auto v = rules::read_int(doc_, version, diag_); v && *v != 1) {
                rules::error_at(doc_, version, "unsupported people directory version", diag_,
                                "this spreekbuis reads version 1");
            }
        }
        if (const auto zone = root["timezone"]) default_zone_ = read_zone(zone);
        if (!default_zone_) {
            std::string error;
            default_zone_ = zones_.get("UTC", &error);
            if (!default_zone_ && !root["timezone"]) {
                diag_.error(rules::SourcePos{doc_.path, 0, 0}, error);
            }
        }
        if (const auto people = root["people"]) {
            if (!people.IsSequence()) {
                rules::error_at(doc_, people, "people must be a list of people", diag_);
            } else {
                for (const auto& node : people) {
                    if (auto person = read_person(node)) {
                        directory->people.push_back(std::move(*person));
                    }
                }
            }
        } else {
            diag_.error(rules::SourcePos{doc_.path, 1, 1}, "missing key 'people'");
        }
        if (const auto teams = root["teams"]) {
            if (!teams.IsSequence()) {
                rules::error_at(doc_, teams, "teams must be a list of teams", diag_);
            } else {
                for (const auto& node : teams) {
                    if (auto team = read_team(node)) directory->teams.push_back(std::move(*team));
                }
            }
        } else {
            diag_.error(rules::SourcePos{doc_.path, 1, 1}, "missing key 'teams'");
        }
        if (const auto routes = root["routes"]) {
            if (!routes.IsSequence()) {
                rules::error_at(doc_, routes, "routes must be a list of routes", diag_);
            } else {
                for (const auto& node : routes) {
                    if (auto route = read_route(node)) {
                        route->index = static_cast<int>(directory->routes.size()) + 1;
                        directory->routes.push_back(std::move(*route));
                    }
                }
            }
        } else {
            diag_.error(rules::SourcePos{doc_.path, 1, 1}, "missing key 'routes'");
        }
        if (const auto desk = root["desk"]) {
            if (auto id = rules::read_string(doc_, desk, diag_)) {
                directory->desk_team = *id;
                desk_node_ = desk;
            }
        }
        cross_check(*directory);
        return directory;
    }

  private:
    std::shared_ptr<const TimeZone> read_zone(const YAML::Node& node) {
        auto name = rules::read_string(doc_, node, diag_);
        if (!name) return nullptr;
        std::string error;
        auto zone = zones_.get(*name, &error);
        if (!zone) rules::error_at(doc_, node, error, diag_);
        return zone;
    }

    std::optional<std::string> read_id(const YAML::Node& node) {
        auto id = rules::read_string(doc_, node, diag_);
        if (!id) return std::nullopt;
        const bool ok = !id->empty() && std::all_of(id->begin(), id->end(), [](char ch) {
            return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
                   (ch >= '0' && ch <= '9') || ch == '-' || ch == '_' || ch == '.';
        });
        if (!ok) {
            rules::error_at(doc_, node, "invalid id '" + *id + "'", diag_,
                            "use letters, digits, '-', '_' and '.'");
            return std::nullopt;
        }
        return id;
    }

    std::optional<ChatAddress> read_address(const YAML::Node& node, std::string_view what) {
        return read_chat_address(doc_, node, what, diag_);
    }

    bool read_hours(const YAML::Node& node, WeeklyHours& hours, std::string_view what) {
        if (!rules::check_keys(doc_, node,
                               {"mon", "tue", "wed", "thu", "fri", "sat", "sun", "weekdays",
                                "weekend", "daily", "timezone"},
                               what, diag_) &&
            !node.IsMap()) {
            return false;
        }
        hours.configured = true;
        bool ok = true;
        for (const auto& entry : node) {
            const auto key = entry.first.Scalar();
            if (key == "timezone") continue;
            std::vector<int> days;
            if (key == "weekdays")
                days = {0, 1, 2, 3, 4};
            else if (key == "weekend")
                days = {5, 6};
            else if (key == "daily")
                days = {0, 1, 2, 3, 4, 5, 6};
            else {
                for (int d = 0; d < 7; ++d) {
                    if (kDayKeys[d] == key) days = {d};
                }
            }
            if (days.empty()) continue;
            auto list = rules::read_string_list(doc_, entry.second, diag_);
            if (!list) {
                ok = false;
                continue;
            }
            for (const auto& text : *list) {
                if (text == "off") continue;
                const auto dash = text.find('-');
                std::optional<int> start, end;
                if (dash != std::string::npos) {
                    start = parse_clock(text.substr(0, dash));
                    end = parse_clock(text.substr(dash + 1));
                }
                if (!start || !end || *start == *end || *start == 1440) {
                    rules::error_at(doc_, entry.second, "invalid hours '" + text + "' for " + key,
                                    diag_,
                                    "write HH:MM-HH:MM (e.g. 08:00-16:30, or 22:00-06:00 for a "
                                    "night shift), a list of those, or off");
                    ok = false;
                    continue;
                }
                WeeklyHours::Interval interval{*start, *end <= *start ? *end + 1440 : *end};
                for (int d : days) hours.days[static_cast<std::size_t>(d)].push_back(interval);
            }
        }
        return ok;
    }

    std::optional<Person> read_person(const YAML::Node& node) {
        if (!rules::check_keys(doc_, node,
                               {"id", "name", "chat", "skills", "languages", "timezone", "hours",
                                "holidays", "away", "capacity", "backup"},
                               "a person", diag_)) {
            if (!node.IsMap()) return std::nullopt;
        }
        Person person;
        person.pos = rules::position_of(doc_, node);
        const auto id = node["id"];
        if (!id) {
            rules::error_at(doc_, node, "a person needs an 'id'", diag_);
            return std::nullopt;
        }
        auto id_value = read_id(id);
        if (!id_value) return std::nullopt;
        person.id = *id_value;
        if (person_ids_.count(person.id)) {
            rules::error_at(doc_, id, "duplicate person id '" + person.id + "'", diag_);
        }
        person_ids_.insert(person.id);
        person.name = person.id;
        if (const auto name = node["name"]) {
            if (auto value = rules::read_string(doc_, name, diag_)) person.name = *value;
        }
        if (const auto chat = node["chat"]) {
            if (!chat.IsMap()) {
                rules::error_at(doc_, chat, "chat must map sink names to addresses", diag_,
                                "e.g. chat: {slack: U012AB3CD, matrix: \"@anna:example.org\"}");
            } else {
                for (const auto& entry : chat) {
                    if (auto address = rules::read_string(doc_, entry.second, diag_)) {
                        person.chat.push_back(ChatAddress{entry.first.Scalar(), *address});
                    }
                }
            }
        }
        if (person.chat.empty()) {
            rules::error_at(doc_, node, "person '" + person.id + "' has no chat address", diag_,
                            "add chat: {<sink name>: <address>}");
        }
        if (const auto skills = node["skills"]) {
            if (skills.IsMap()) {
                for (const auto& entry : skills) {
                    auto level = rules::read_int(doc_, entry.second, diag_);
                    if (!level) continue;
                    if (*level < 1 || *level > 5) {
                        rules::error_at(doc_, entry.second, "skill level must be 1..5", diag_);
                        continue;
                    }
                    person.skills[entry.first.Scalar()] = static_cast<int>(*level);
                }
            } else if (auto list = rules::read_string_list(doc_, skills, diag_)) {
                for (const auto& skill : *list) person.skills[skill] = 1;
            }
            for (const auto& [skill, level] : person.skills) skill_nodes_.emplace(skill, skills);
        }
        if (const auto languages = node["languages"]) {
            if (auto list = rules::read_string_list(doc_, languages, diag_)) {
                for (auto lang : *list) {
                    std::transform(lang.begin(), lang.end(), lang.begin(), [](unsigned char ch) {
                        return static_cast<char>(std::tolower(ch));
                    });
                    person.languages.push_back(lang);
                }
            }
        }
        if (person.languages.empty()) {
            rules::error_at(doc_, node, "person '" + person.id + "' speaks no languages", diag_,
                            "add languages: [nl, en]");
        }
        person.zone = default_zone_;
        if (const auto zone = node["timezone"]) person.zone = read_zone(zone);
        if (const auto hours = node["hours"]) {
            read_hours(hours, person.hours, "hours");
            if (hours.IsMap() && hours["timezone"]) {
                person.zone = read_zone(hours["timezone"]);
            }
        }
        if (const auto holidays = node["holidays"]) {
            if (auto list = rules::read_string_list(doc_, holidays, diag_)) {
                for (const auto& text : *list) {
                    const auto dots = text.find("..");
                    auto first = parse_date(text.substr(0, dots));
                    auto last =
                        dots == std::string::npos ? first : parse_date(text.substr(dots + 2));
                    if (!first || !last || *last < *first) {
                        rules::error_at(doc_, holidays, "invalid holiday '" + text + "'", diag_,
                                        "write YYYY-MM-DD or YYYY-MM-DD..YYYY-MM-DD");
                        continue;
                    }
                    person.holidays.emplace_back(*first, *last);
                }
            }
        }
        if (const auto away = node["away"]) {
            if (auto value = rules::read_bool(doc_, away, diag_)) person.away = *value;
        }
        if (const auto capacity = node["capacity"]) {
            if (auto value = rules::read_int(doc_, capacity, diag_)) {
                if (*value < 0 || *value > 10000) {
                    rules::error_at(doc_, capacity, "capacity must be 0..10000", diag_);
                } else {
                    person.capacity = static_cast<int>(*value);
                }
            }
        }
        if (const auto backup = node["backup"]) {
            if (auto value = read_id(backup)) {
                person.backup = *value;
                references_.push_back({*value, backup, "person"});
            }
        }
        return person;
    }

    std::optional<Team> read_team(const YAML::Node& node) {
        if (!rules::check_keys(
                doc_, node,
                {"id", "name", "members", "lead", "channel", "fallback", "business_hours"},
                "a team", diag_)) {
            if (!node.IsMap()) return std::nullopt;
        }
        Team team;
        team.pos = rules::position_of(doc_, node);
        const auto id = node["id"];
        if (!id) {
            rules::error_at(doc_, node, "a team needs an 'id'", diag_);
            return std::nullopt;
        }
        auto id_value = read_id(id);
        if (!id_value) return std::nullopt;
        team.id = *id_value;
        if (team_ids_.count(team.id)) {
            rules::error_at(doc_, id, "duplicate team id '" + team.id + "'", diag_);
        }
        team_ids_.insert(team.id);
        team.name = team.id;
        if (const auto name = node["name"]) {
            if (auto value = rules::read_string(doc_, name, diag_)) team.name = *value;
        }
        if (const auto members = node["members"]) {
            if (members.IsSequence()) {
                for (const auto& member : members) {
                    if (auto value = read_id(member)) {
                        team.members.push_back(*value);
                        references_.push_back({*value, member, "person"});
                    }
                }
            } else {
                rules::error_at(doc_, members, "members must be a list of person ids", diag_);
            }
        }
        if (const auto lead = node["lead"]) {
            if (auto value = read_id(lead)) {
                team.lead = *value;
                references_.push_back({*value, lead, "person"});
            }
        }
        if (const auto channel = node["channel"]) {
            team.channel = read_address(channel, "a team channel");
        }
        if (const auto fallback = node["fallback"]) {
            if (auto value = read_id(fallback)) {
                team.fallback = *value;
                references_.push_back({*value, fallback, "team"});
                if (*value == team.id) {
                    rules::error_at(doc_, fallback, "a team cannot fall back to itself", diag_);
                }
            }
        }
        if (const auto hours = node["business_hours"]) {
            team.business_zone = default_zone_;
            read_hours(hours, team.business_hours, "business_hours");
            if (hours.IsMap() && hours["timezone"])
                team.business_zone = read_zone(hours["timezone"]);
        }
        if (team.members.empty() && !team.channel) {
            rules::error_at(doc_, node, "team '" + team.id + "' has neither members nor a channel",
                            diag_);
        }
        return team;
    }

    std::optional<std::vector<std::string>> read_match_list(const YAML::Node& node) {
        auto list = rules::read_string_list(doc_, node, diag_);
        if (list && list->empty()) {
            rules::error_at(doc_, node, "an empty list never matches", diag_,
                            "leave the key out to match anything");
            return std::nullopt;
        }
        return list;
    }

    // A message template; an error points at the offending "{{" when the scalar's source text
    // is verbatim there, else at the value.
    std::optional<std::string> read_template(const YAML::Node& node) {
        auto value = rules::read_string(doc_, node, diag_);
        if (!value) return std::nullopt;
        const auto error = connectors::sinks::check_template(*value);
        if (!error) return value;
        std::size_t column_offset = 0;
        const auto mark = node.Mark();
        if (!mark.is_null() && mark.pos >= 0) {
            const auto start = static_cast<std::size_t>(mark.pos);
            const std::size_t quote = rules::is_quoted_scalar(node) ? 1 : 0;
            const std::size_t at = start + quote + error->offset;
            const auto& text = doc_.text;
            if (at < text.size() && text.find('\n', start) >= at &&
                text.compare(at, 2, "{{") == 0) {
                column_offset = quote + error->offset;
            }
        }
        rules::error_at_offset(doc_, node, column_offset, "template: " + error->message, diag_,
                               error->hint);
        return std::nullopt;
    }

    std::optional<Route> read_route(const YAML::Node& node) {
        if (!rules::check_keys(doc_, node,
                               {"match", "team", "skill", "min_level", "template", "templates"},
                               "a route", diag_)) {
            if (!node.IsMap()) return std::nullopt;
        }
        Route route;
        route.pos = rules::position_of(doc_, node);
        const auto team = node["team"];
        if (!team) {
            rules::error_at(doc_, node, "a route needs a 'team'", diag_);
            return std::nullopt;
        }
        auto team_id = read_id(team);
        if (!team_id) return std::nullopt;
        route.team = *team_id;
        references_.push_back({*team_id, team, "team"});
        if (const auto skill = node["skill"]) {
            if (auto value = rules::read_string(doc_, skill, diag_)) route.skill = *value;
        }
        if (const auto level = node["min_level"]) {
            if (auto value = rules::read_int(doc_, level, diag_)) {
                if (*value < 1 || *value > 5) {
                    rules::error_at(doc_, level, "min_level must be 1..5", diag_);
                } else {
                    route.min_level = static_cast<int>(*value);
                }
            }
        }
        if (const auto tmpl = node["template"]) {
            if (auto value = read_template(tmpl)) route.message_template = std::move(*value);
        }
        if (const auto templates = node["templates"]) {
            if (!templates.IsMap()) {
                rules::error_at(doc_, templates, "templates must be a map of sink name -> template",
                                diag_, "templates: {slack: \"{{title}}: {{text}}\"}");
            } else {
                for (const auto& entry : templates) {
                    auto sink = rules::read_string(doc_, entry.first, diag_);
                    auto value = read_template(entry.second);
                    if (sink && value) route.templates[*sink] = std::move(*value);
                }
            }
        }
        const auto match = node["match"];
        if (!match || match.IsNull() || (match.IsMap() && match.size() == 0)) {
            route.catch_all = true;
            return route;
        }
        if (!rules::check_keys(doc_, match, {"topic", "priority", "language", "source", "tags"},
                               "a route's match", diag_)) {
            return std::nullopt;
        }
        if (const auto n = match["topic"]) {
            if (auto v = read_match_list(n)) route.topics = *v;
        }
        if (const auto n = match["priority"]) {
            if (auto v = read_match_list(n)) {
                for (const auto& p : *v) {
                    if (!rules::parse_priority(p)) {
                        rules::error_at(doc_, n, "unknown priority '" + p + "'", diag_,
                                        "priorities are low, normal, high and urgent");
                    }
                }
                route.priorities = *v;
            }
        }
        if (const auto n = match["language"]) {
            if (auto v = read_match_list(n)) route.languages = *v;
        }
        if (const auto n = match["source"]) {
            if (auto v = read_match_list(n)) route.sources = *v;
        }
        if (const auto n = match["tags"]) {
            if (auto v = read_match_list(n)) route.tags = *v;
        }
        return route;
    }

    void cross_check(Directory& directory) {
        std::vector<std::string> people, teams;
        for (const auto& p : directory.people) people.push_back(p.id);
        for (const auto& t : directory.teams) teams.push_back(t.id);
        for (const auto& ref : references_) {
            const auto& known = ref.kind == std::string("person") ? people : teams;
            if (contains(known, ref.id)) continue;
            std::string hint;
            if (auto best = rules::closest_match(ref.id, known); !best.empty()) {
                hint = "did you mean '" + best + "'?";
            }
            rules::error_at(doc_, ref.node,
                            "unknown " + std::string(ref.kind) + " '" + ref.id + "'", diag_, hint);
        }
        if (!directory.desk_team.empty() && !contains(teams, directory.desk_team)) {
            std::string hint;
            if (auto best = rules::closest_match(directory.desk_team, teams); !best.empty()) {
                hint = "did you mean '" + best + "'?";
            }
            rules::error_at(doc_, desk_node_, "unknown team '" + directory.desk_team + "'", diag_,
                            hint);
        }
        for (const auto& person : directory.people) {
            if (person.backup == person.id) {
                diag_.error(person.pos, "person '" + person.id + "' is their own backup", {},
                            std::string(rules::line_of(doc_.text, person.pos.line)));
            }
        }
        bool seen_catch_all = false;
        for (const auto& route : directory.routes) {
            if (seen_catch_all) {
                diag_.warning(route.pos,
                              "route #" + std::to_string(route.index) +
                                  " is never reached: an earlier route matches everything",
                              {}, std::string(rules::line_of(doc_.text, route.pos.line)));
                break;
            }
            seen_catch_all = route.catch_all;
        }
        if (!seen_catch_all && directory.desk_team.empty()) {
            diag_.warning(rules::SourcePos{doc_.path, 0, 0},
                          "no catch-all route and no desk: posts that match no route get no team",
                          "end routes with '- team: <desk team>' or set desk: <team>");
        }
    }

    struct Reference {
        std::string id;
        YAML::Node node;
        const char* kind;
    };

    const YamlDocument& doc_;
    TimeZoneDb& zones_;
    Diagnostics& diag_;
    std::shared_ptr<const TimeZone> default_zone_;
    std::set<std::string> person_ids_, team_ids_;
    std::vector<Reference> references_;
    std::multimap<std::string, YAML::Node> skill_nodes_;
    YAML::Node desk_node_;
};

DirectoryLoadResult finish(std::optional<YamlDocument> document, TimeZoneDb& zones,
                           Diagnostics diagnostics) {
    DirectoryLoadResult result;
    if (document) {
        Loader loader(*document, zones, diagnostics);
        auto directory = loader.load();
        if (directory && !diagnostics.has_errors()) result.directory = std::move(directory);
    }
    result.diagnostics = std::move(diagnostics);
    return result;
}

}  // namespace

std::optional<ChatAddress> read_chat_address(const rules::YamlDocument& document,
                                             const YAML::Node& node, std::string_view what,
                                             rules::Diagnostics& diagnostics) {
    if (!rules::check_keys(document, node, {"sink", "address"}, what, diagnostics)) {
        return std::nullopt;
    }
    ChatAddress address;
    if (const auto sink = node["sink"]) {
        if (auto value = rules::read_string(document, sink, diagnostics)) address.sink = *value;
    } else {
        rules::error_at(document, node, std::string(what) + " needs a 'sink'", diagnostics);
        return std::nullopt;
    }
    if (const auto addr = node["address"]) {
        if (auto value = rules::read_string(document, addr, diagnostics)) {
            address.address = *value;
        }
    }
    return address;
}

DirectoryLoadResult load_directory_file(const std::string& path, TimeZoneDb& zones) {
    Diagnostics diagnostics;
    auto document = rules::load_yaml_file(path, diagnostics);
    return finish(std::move(document), zones, std::move(diagnostics));
}

DirectoryLoadResult load_directory_text(const std::string& label, const std::string& text,
                                        TimeZoneDb& zones) {
    Diagnostics diagnostics;
    auto document = rules::load_yaml_text(label, text, diagnostics);
    return finish(std::move(document), zones, std::move(diagnostics));
}

}  // namespace spreekbuis::daemon::routing
