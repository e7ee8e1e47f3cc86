#pragma once
// IANA time zones read from the system tzdata (TZif files, v1-v4, with the POSIX TZ footer for
// times past the last transition), because libstdc++ 12 has no std::chrono::locate_zone.
// A TimeZone is immutable after loading (any thread); TimeZoneDb caches zones and is used by
// one thread at a time (the loader and the router's thread).
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace spreekbuis::daemon::routing {

// Days since 1970-01-01 for a proleptic Gregorian date, and back.
std::int64_t days_from_civil(int year, int month, int day);
void civil_from_days(std::int64_t days, int& year, int& month, int& day);
// 0 = Monday .. 6 = Sunday.
int weekday_from_days(std::int64_t days);
std::string_view weekday_name(int weekday);  // "Mon".."Sun"

struct LocalTime {
    std::int64_t day = 0;  // local days since 1970-01-01
    int year = 1970, month = 1, monthday = 1;
    int weekday = 3;        // 0 = Monday .. 6 = Sunday
    int minute_of_day = 0;  // 0..1439
    int offset_seconds = 0;
    bool dst = false;
    std::string abbreviation;
    std::string to_string() const;  // "Sat 2025-03-29 14:05 CET"
};

// A POSIX TZ rule such as "CET-1CEST,M3.5.0,M10.5.0/3" (also the TZif footer).
struct PosixRule {
    std::string std_name, dst_name;
    int std_offset = 0;  // seconds east of UTC
    int dst_offset = 0;
    bool has_dst = false;
    struct When {
        char kind = 'M';  // 'M' (month.week.day), 'J' (Julian 1..365, no leap day), 'D' (0..365)
        int month = 0, week = 0, weekday = 0, day = 0;
        int time = 7200;  // seconds after local midnight, may be negative or beyond 24h
    } start, end;
};
std::optional<PosixRule> parse_posix_rule(std::string_view text);

class TimeZone {
  public:
    // Parses TZif bytes; nullopt (and `error`) when malformed. `name` is kept for display.
    static std::optional<TimeZone> from_tzif(std::string name, std::string_view bytes,
                                             std::string* error = nullptr);
    static std::optional<TimeZone> from_posix(std::string name, std::string_view rule);

    const std::string& name() const { return name_; }
    LocalTime local(std::int64_t utc_ms) const;
    int offset_seconds(std::int64_t utc_ms) const;

  private:
    struct Type {
        int offset = 0;
        bool dst = false;
        std::string abbreviation;
    };
    Type type_at(std::int64_t utc_seconds) const;

    std::string name_;
    std::vector<std::int64_t> transitions_;  // UTC seconds, ascending
    std::vector<std::uint8_t> transition_types_;
    std::vector<Type> types_;
    std::optional<PosixRule> footer_;
};

class TimeZoneDb {
  public:
    // `root` defaults to $TZDIR or /usr/share/zoneinfo.
    explicit TimeZoneDb(std::string root = {});
    // Loads (once) and returns the zone; nullptr with `error` when unknown or unreadable.
    std::shared_ptr<const TimeZone> get(const std::string& name, std::string* error = nullptr);
    const std::string& root() const { return root_; }

  private:
    std::string root_;
    std::map<std::string, std::shared_ptr<const TimeZone>> cache_;
};

}  // namespace spreekbuis::daemon::routing
