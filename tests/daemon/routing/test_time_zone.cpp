#include <catch2/catch.hpp>
#include <fstream>
#include <sstream>

#include "daemon/routing/duration.hpp"
#include "routing_test_util.hpp"

using namespace routing_test;

namespace {
std::shared_ptr<const TimeZone> zone(const std::string& name) {
    static TimeZoneDb db(zoneinfo_dir());
    std::string error;
    auto z = db.get(name, &error);
    INFO(error);
    REQUIRE(z);
    return z;
}
}  // namespace

TEST_CASE("civil date arithmetic round-trips and knows weekdays", "[routing][tz]") {
    CHECK(days_from_civil(1970, 1, 1) == 0);
    CHECK(weekday_from_days(0) == 3);                             // Thursday
    CHECK(weekday_from_days(days_from_civil(2025, 3, 30)) == 6);  // Sunday
    for (std::int64_t d = -800000; d < 800000; d += 997) {
        int y = 0, m = 0, day = 0;
        civil_from_days(d, y, m, day);
        REQUIRE(days_from_civil(y, m, day) == d);
    }
}

TEST_CASE("Europe/Amsterdam switches to and from summer time at 01:00 UTC", "[routing][tz]") {
    auto ams = zone("Europe/Amsterdam");
    // 2025-03-30: 02:00 CET becomes 03:00 CEST.
    auto before = ams->local(utc(2025, 3, 30, 0, 59));
    CHECK(before.offset_seconds == 3600);
    CHECK(before.minute_of_day == 1 * 60 + 59);
    CHECK_FALSE(before.dst);
    auto after = ams->local(utc(2025, 3, 30, 1, 0));
    CHECK(after.offset_seconds == 7200);
    CHECK(after.minute_of_day == 3 * 60);
    CHECK(after.dst);
    CHECK(after.abbreviation == "CEST");
    // 2025-10-26: 03:00 CEST becomes 02:00 CET; 02:30 local happens twice.
    CHECK(ams->local(utc(2025, 10, 26, 0, 30)).minute_of_day == 2 * 60 + 30);
    CHECK(ams->local(utc(2025, 10, 26, 1, 30)).minute_of_day == 2 * 60 + 30);
    CHECK(ams->local(utc(2025, 10, 26, 1, 30)).offset_seconds == 3600);
    CHECK(ams->local(utc(2025, 10, 26, 1, 30)).to_string() == "Sun 2025-10-26 02:30 CET");
}

TEST_CASE("America/New_York follows US rules, also past the last transition", "[routing][tz]") {
    auto ny = zone("America/New_York");
    CHECK(ny->offset_seconds(utc(2025, 3, 9, 6, 59)) == -5 * 3600);
    CHECK(ny->offset_seconds(utc(2025, 3, 9, 7, 0)) == -4 * 3600);
    CHECK(ny->offset_seconds(utc(2025, 11, 2, 5, 59)) == -4 * 3600);
    CHECK(ny->offset_seconds(utc(2025, 11, 2, 6, 0)) == -5 * 3600);
    // The local date can differ from the UTC date.
    auto local = ny->local(utc(2025, 1, 1, 3, 0));
    CHECK(local.monthday == 31);
    CHECK(local.month == 12);
    CHECK(local.year == 2024);
    CHECK(local.weekday == 1);  // Tuesday
    // 2100 is beyond any table: the POSIX footer decides.
    CHECK(ny->offset_seconds(utc(2100, 7, 1)) == -4 * 3600);
    CHECK(ny->offset_seconds(utc(2100, 1, 15)) == -5 * 3600);
    auto ams = zone("Europe/Amsterdam");
    CHECK(ams->offset_seconds(utc(2100, 7, 1)) == 7200);
    CHECK(ams->offset_seconds(utc(2100, 12, 1)) == 3600);
    // Last Sunday of March 2100 is the 28th.
    CHECK(ams->offset_seconds(utc(2100, 3, 28, 0, 59)) == 3600);
    CHECK(ams->offset_seconds(utc(2100, 3, 28, 1, 0)) == 7200);
}

TEST_CASE("POSIX TZ rules work on their own, including the southern hemisphere", "[routing][tz]") {
    auto cet = TimeZone::from_posix("cet", "CET-1CEST,M3.5.0,M10.5.0/3");
    REQUIRE(cet);
    CHECK(cet->offset_seconds(utc(2025, 3, 30, 0, 59)) == 3600);
    CHECK(cet->offset_seconds(utc(2025, 3, 30, 1, 0)) == 7200);
    CHECK(cet->offset_seconds(utc(2025, 10, 26, 0, 59)) == 7200);
    CHECK(cet->offset_seconds(utc(2025, 10, 26, 1, 0)) == 3600);
    auto sydney = TimeZone::from_posix("syd", "AEST-10AEDT,M10.1.0,M4.1.0/3");
    REQUIRE(sydney);
    CHECK(sydney->offset_seconds(utc(2025, 1, 10)) == 11 * 3600);
    CHECK(sydney->offset_seconds(utc(2025, 7, 10)) == 10 * 3600);
    auto fixed = TimeZone::from_posix("x", "<+0530>-5:30");
    REQUIRE(fixed);
    CHECK(fixed->offset_seconds(utc(2025, 7, 10)) == 5 * 3600 + 1800);
    CHECK_FALSE(parse_posix_rule(""));
    CHECK_FALSE(parse_posix_rule("CET-1CEST,M13.5.0,M10.5.0"));
    CHECK_FALSE(parse_posix_rule("CET-1CEST,M3.5.0"));
}

TEST_CASE("the zone database reports unknown zones and missing tzdata clearly", "[routing][tz]") {
    TimeZoneDb db(zoneinfo_dir());
    std::string error;
    CHECK_FALSE(db.get("Europe/Amsterdm", &error));
    CHECK(error.find("unknown time zone 'Europe/Amsterdm'") != std::string::npos);
    CHECK_FALSE(db.get("../../etc/passwd", &error));
    CHECK(error.find("not a time zone name") != std::string::npos);
    TimeZoneDb missing("/nonexistent/zoneinfo");
    CHECK_FALSE(missing.get("Europe/Amsterdam", &error));
    CHECK(error.find("install the tzdata package") != std::string::npos);
}

TEST_CASE("malformed TZif data is rejected without crashing", "[routing][tz]") {
    std::ifstream in(zoneinfo_dir() + "/Europe/Amsterdam", std::ios::binary);
    std::ostringstream buffer;
    buffer << in.rdbuf();
    const auto bytes = buffer.str();
    REQUIRE(TimeZone::from_tzif("ams", bytes));
    for (std::size_t cut = 0; cut < bytes.size(); cut += 37) {
        auto z = TimeZone::from_tzif("cut", std::string_view(bytes).substr(0, cut));
        if (z) (void)z->offset_seconds(utc(2025, 6, 1));
    }
    std::string error;
    CHECK_FALSE(TimeZone::from_tzif("x", "not a tzif file at all, no way", &error));
    CHECK(error == "not a TZif file");
}

TEST_CASE("weekly hours handle night shifts and DST", "[routing][tz]") {
    auto ams = zone("Europe/Amsterdam");
    WeeklyHours hours;
    hours.configured = true;
    hours.days[0].push_back({9 * 60, 17 * 60});         // Mon 09-17
    hours.days[4].push_back({22 * 60, 24 * 60 + 360});  // Fri 22:00 - Sat 06:00
    // Monday 2025-03-31 (CEST): 07:30 UTC is 09:30 local.
    CHECK(hours.open_at(ams->local(utc(2025, 3, 31, 7, 30))));
    CHECK_FALSE(hours.open_at(ams->local(utc(2025, 3, 31, 6, 30))));
    // Monday 2025-03-24 (CET): 07:30 UTC is 08:30 local, still closed.
    CHECK_FALSE(hours.open_at(ams->local(utc(2025, 3, 24, 7, 30))));
    CHECK(hours.open_at(ams->local(utc(2025, 3, 24, 8, 30))));
    // Night shift from Friday 2025-03-28 into Saturday.
    CHECK(hours.open_at(ams->local(utc(2025, 3, 28, 21, 30))));
    CHECK(hours.open_at(ams->local(utc(2025, 3, 29, 4, 59))));
    CHECK_FALSE(hours.open_at(ams->local(utc(2025, 3, 29, 5, 0))));
}

TEST_CASE("durations parse with units and say what is wrong", "[routing][duration]") {
    CHECK(parse_duration("15m") == 15 * kMinuteMs);
    CHECK(parse_duration("1h30m") == 90 * kMinuteMs);
    CHECK(parse_duration("2d") == 2 * kDayMs);
    CHECK(parse_duration("1w") == 7 * kDayMs);
    CHECK(parse_duration("250ms") == 250);
    std::string error;
    CHECK_FALSE(parse_duration("15", &error));
    CHECK(error.find("missing unit") != std::string::npos);
    CHECK_FALSE(parse_duration("15x", &error));
    CHECK(error.find("unknown unit 'x'") != std::string::npos);
    CHECK_FALSE(parse_duration("", &error));
    CHECK_FALSE(parse_duration("-5m", &error));
    CHECK_FALSE(parse_duration("99999999999999999d", &error));
    CHECK(format_duration(90 * kMinuteMs) == "1h30m");
    CHECK(format_duration(2 * kDayMs + kHourMs) == "2d1h");
    CHECK(format_duration(45 * kSecondMs) == "45s");
}
