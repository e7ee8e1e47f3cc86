#pragma once
// The people directory (people.yaml): teams, people, their skills, languages, shifts, and the
// routes from verdicts to teams. Loaded and validated once (errors with file:line:col), then
// immutable: any thread may read a loaded Directory.
#include <array>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "daemon/routing/time_zone.hpp"
#include "rules/diagnostic.hpp"
#include "rules/post.hpp"
#include "rules/verdict.hpp"
#include "rules/yaml_source.hpp"

namespace spreekbuis::daemon::routing {

// Weekly opening hours in local time. An interval's end may pass midnight (a night shift
// "22:00-06:00" on Monday covers Monday 22:00 to Tuesday 06:00).
struct WeeklyHours {
    struct Interval {
        int start = 0;  // minutes after local midnight
        int end = 0;    // exclusive; up to 2880 when the shift passes midnight
    };
    std::array<std::vector<Interval>, 7> days;  // 0 = Monday
    bool configured = false;                    // false: always open

    bool open_at(const LocalTime& local) const;
};

struct ChatAddress {
    std::string sink;  // configured sink name (slack, teams, matrix, console, ...)
    std::string address;
};

// `{sink: NAME, address: TEXT}` (address optional) from a YAML map; nullopt with errors at
// their positions when keys are unknown, `sink` is missing or a value is not a string. `what`
// names the map in messages ("routing.desk").
std::optional<ChatAddress> read_chat_address(const rules::YamlDocument& document,
                                             const YAML::Node& node, std::string_view what,
                                             rules::Diagnostics& diagnostics);

struct Person {
    std::string id;
    std::string name;
    std::vector<ChatAddress> chat;       // first = preferred
    std::map<std::string, int> skills;   // topic -> level 1..5
    std::vector<std::string> languages;  // ISO 639-1, lower case
    std::shared_ptr<const TimeZone> zone;
    WeeklyHours hours;
    std::vector<std::pair<std::int64_t, std::int64_t>> holidays;  // local day ranges, inclusive
    bool away = false;
    int capacity = 5;  // open cases at most
    std::string backup;
    rules::SourcePos pos;

    bool has_language(const std::string& lang) const;
    int skill_level(const std::string& topic) const;  // 0 = none
    bool on_holiday(const LocalTime& local) const;
};

struct Team {
    std::string id;
    std::string name;
    std::vector<std::string> members;
    std::string lead;
    std::optional<ChatAddress> channel;
    std::string fallback;  // another team tried before the desk; "" = none
    std::shared_ptr<const TimeZone> business_zone;
    WeeklyHours business_hours;  // SLA clock runs only in these hours when configured
    rules::SourcePos pos;
};

struct Route {
    std::vector<std::string> topics, priorities, languages, sources, tags;  // empty = any
    std::string team;
    std::string skill;  // skill the assignee needs; "" = the verdict's topic
    int min_level = 1;
    bool catch_all = false;
    int index = 0;  // 1-based, for `why`
    rules::SourcePos pos;
    // Layouts for the alerts of cases this route routed (validated at load): `templates` by
    // sink name first, then `message_template`; "" = the sink's own layout.
    std::string message_template;
    std::map<std::string, std::string> templates;

    bool matches(const rules::Post& post, const rules::Verdict& verdict,
                 std::optional<rules::Priority> priority) const;
    std::string describe() const;  // "route #2 (topic=baggage, priority=urgent|high)"
    // The template for an alert to `sink`: templates[sink], else message_template, else "".
    const std::string& template_for(const std::string& sink) const;
};

struct Directory {
    std::string path;
    std::vector<Person> people;
    std::vector<Team> teams;
    std::vector<Route> routes;
    std::string desk_team;  // "" = none

    const Person* person(const std::string& id) const;
    const Team* team(const std::string& id) const;
};

struct DirectoryLoadResult {
    std::shared_ptr<const Directory> directory;  // null when any error was found
    rules::Diagnostics diagnostics;
};

DirectoryLoadResult load_directory_file(const std::string& path, TimeZoneDb& zones);
DirectoryLoadResult load_directory_text(const std::string& label, const std::string& text,
                                        TimeZoneDb& zones);

}  // namespace spreekbuis::daemon::routing
