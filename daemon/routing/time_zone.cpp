#include "daemon/routing/time_zone.hpp"

#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <sstream>

namespace spreekbuis::daemon::routing {

std::int64_t days_from_civil(int year, int month, int day) {
    const std::int64_t y = static_cast<std::int64_t>(year) - (month <= 2 ? 1 : 0);
    const std::int64_t era = (y >= 0 ? y : y - 399) / 400;
    const std::int64_t yoe = y - era * 400;
    const std::int64_t m = month;
    const std::int64_t doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + day - 1;
    const std::int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

void civil_from_days(std::int64_t days, int& year, int& month, int& day) {
    days += 719468;
    const std::int64_t era = (days >= 0 ? days : days - 146096) / 146097;
    const std::int64_t doe = days - era * 146097;
    const std::int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    const std::int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    const std::int64_t mp = (5 * doy + 2) / 153;
    day = static_cast<int>(doy - (153 * mp + 2) / 5 + 1);
    month = static_cast<int>(mp < 10 ? mp + 3 : mp - 9);
    year = static_cast<int>(yoe + era * 400 + (month <= 2 ? 1 : 0));
}

int weekday_from_days(std::int64_t days) {
    // 1970-01-01 was a Thursday (3 when Monday is 0).
    return static_cast<int>(((days % 7) + 7 + 3) % 7);
}

std::string_view weekday_name(int weekday) {
    static constexpr std::string_view kNames[] = {"Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"};
    return weekday >= 0 && weekday < 7 ? kNames[weekday] : "?";
}

std::string LocalTime::to_string() const {
    char buffer[64];
    std::snprintf(buffer, sizeof buffer, "%s %04d-%02d-%02d %02d:%02d",
                  std::string(weekday_name(weekday)).c_str(), year, month, monthday,
                  minute_of_day / 60, minute_of_day % 60);
    std::string out = buffer;
    if (!abbreviation.empty()) out += " " + abbreviation;
    return out;
}

namespace {

std::int64_t floor_div(std::int64_t a, std::int64_t b) {
    return a / b - ((a % b != 0) && ((a < 0) != (b < 0)) ? 1 : 0);
}

class Reader {
  public:
    explicit Reader(std::string_view text) : text_(text) {}
    bool at_end() const { return pos_ >= text_.size(); }
    char peek() const { return at_end() ? '\0' : text_[pos_]; }
    bool eat(char c) {
        if (peek() != c) return false;
        ++pos_;
        return true;
    }
    std::optional<std::string> name() {
        std::string out;
        if (eat('<')) {
            while (!at_end() && peek() != '>') out += text_[pos_++];
            if (!eat('>')) return std::nullopt;
            return out;
        }
        while (!at_end() &&
               ((peek() >= 'A' && peek() <= 'Z') || (peek() >= 'a' && peek() <= 'z'))) {
            out += text_[pos_++];
        }
        if (out.size() < 3) return std::nullopt;
        return out;
    }
    std::optional<int> number() {
        if (peek() < '0' || peek() > '9') return std::nullopt;
        int value = 0;
        while (peek() >= '0' && peek() <= '9') {
            value = value * 10 + (text_[pos_++] - '0');
            if (value > 100000) return std::nullopt;
        }
        return value;
    }
    // [+-]hh[:mm[:ss]] in seconds.
    std::optional<int> hms() {
        int sign = 1;
        if (eat('-'))
            sign = -1;
        else
            eat('+');
        auto hours = number();
        if (!hours || *hours > 167) return std::nullopt;
        int seconds = *hours * 3600;
        if (eat(':')) {
            auto minutes = number();
            if (!minutes || *minutes > 59) return std::nullopt;
            seconds += *minutes * 60;
            if (eat(':')) {
                auto secs = number();
                if (!secs || *secs > 59) return std::nullopt;
                seconds += *secs;
            }
        }
        return sign * seconds;
    }

  private:
    std::string_view text_;
    std::size_t pos_ = 0;
};

bool parse_when(Reader& reader, PosixRule::When& when) {
    if (reader.eat('M')) {
        auto month = reader.number();
        if (!month || *month < 1 || *month > 12 || !reader.eat('.')) return false;
        auto week = reader.number();
        if (!week || *week < 1 || *week > 5 || !reader.eat('.')) return false;
        auto day = reader.number();
        if (!day || *day > 6) return false;
        when.kind = 'M';
        when.month = *month;
        when.week = *week;
        when.weekday = *day;
    } else if (reader.eat('J')) {
        auto day = reader.number();
        if (!day || *day < 1 || *day > 365) return false;
        when.kind = 'J';
        when.day = *day;
    } else {
        auto day = reader.number();
        if (!day || *day > 365) return false;
        when.kind = 'D';
        when.day = *day;
    }
    when.time = 7200;
    if (reader.eat('/')) {
        auto time = reader.hms();
        if (!time) return false;
        when.time = *time;
    }
    return true;
}

// Local day (days since epoch) on which `when` falls in `year`.
std::int64_t day_of(const PosixRule::When& when, int year) {
    const bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
    const std::int64_t jan1 = days_from_civil(year, 1, 1);
    if (when.kind == 'J') {
        std::int64_t day = when.day - 1;
        if (leap && when.day >= 60) ++day;
        return jan1 + day;
    }
    if (when.kind == 'D') return jan1 + when.day;
    const std::int64_t first = days_from_civil(year, when.month, 1);
    // POSIX weekday: 0 = Sunday; ours: 0 = Monday.
    const int first_weekday_sun0 = (weekday_from_days(first) + 1) % 7;
    std::int64_t day = first + (when.weekday - first_weekday_sun0 + 7) % 7 + 7 * (when.week - 1);
    const int next_month = when.month == 12 ? 1 : when.month + 1;
    const std::int64_t month_end =
        days_from_civil(when.month == 12 ? year + 1 : year, next_month, 1);
    while (day >= month_end) day -= 7;
    return day;
}

std::uint32_t be32(std::string_view bytes, std::size_t at) {
    return (static_cast<std::uint32_t>(static_cast<unsigned char>(bytes[at])) << 24) |
           (static_cast<std::uint32_t>(static_cast<unsigned char>(bytes[at + 1])) << 16) |
           (static_cast<std::uint32_t>(static_cast<unsigned char>(bytes[at + 2])) << 8) |
           static_cast<std::uint32_t>(static_cast<unsigned char>(bytes[at + 3]));
}

std::uint64_t be64(std::string_view bytes, std::size_t at) {
    return (static_cast<std::uint64_t>(be32(bytes, at)) << 32) | be32(bytes, at + 4);
}

}  // namespace

std::optional<PosixRule> parse_posix_rule(std::string_view text) {
    Reader reader(text);
    PosixRule rule;
    auto std_name = reader.name();
    if (!std_name) return std::nullopt;
    rule.std_name = *std_name;
    auto std_offset = reader.hms();
    if (!std_offset) return std::nullopt;
    rule.std_offset = -*std_offset;
    if (reader.at_end()) return rule;
    auto dst_name = reader.name();
    if (!dst_name) return std::nullopt;
    rule.dst_name = *dst_name;
    rule.has_dst = true;
    rule.dst_offset = rule.std_offset + 3600;
    if (reader.peek() != ',' && !reader.at_end()) {
        auto dst_offset = reader.hms();
        if (!dst_offset) return std::nullopt;
        rule.dst_offset = -*dst_offset;
    }
    if (reader.at_end()) {
        // No rule given: the historical US default.
        rule.start = {'M', 3, 2, 0, 0, 7200};
        rule.end = {'M', 11, 1, 0, 0, 7200};
        return rule;
    }
    if (!reader.eat(',') || !parse_when(reader, rule.start)) return std::nullopt;
    if (!reader.eat(',') || !parse_when(reader, rule.end)) return std::nullopt;
    if (!reader.at_end()) return std::nullopt;
    return rule;
}

std::optional<TimeZone> TimeZone::from_posix(std::string name, std::string_view rule) {
    auto parsed = parse_posix_rule(rule);
    if (!parsed) return std::nullopt;
    TimeZone zone;
    zone.name_ = std::move(name);
    zone.footer_ = std::move(parsed);
    zone.types_.push_back(Type{zone.footer_->std_offset, false, zone.footer_->std_name});
    return zone;
}

std::optional<TimeZone> TimeZone::from_tzif(std::string name, std::string_view bytes,
                                            std::string* error) {
    auto fail = [&](const char* message) -> std::optional<TimeZone> {
        if (error) *error = message;
        return std::nullopt;
    };
    constexpr std::size_t kHeader = 44;
    if (bytes.size() < kHeader || bytes.substr(0, 4) != "TZif") {
        return fail("not a TZif file");
    }
    const char version = bytes[4];
    auto counts = [&](std::size_t at, std::uint32_t out[6]) {
        for (int i = 0; i < 6; ++i) out[i] = be32(bytes, at + 20 + 4 * static_cast<std::size_t>(i));
    };
    std::uint32_t c[6];
    counts(0, c);
    // isutcnt, isstdcnt, leapcnt, timecnt, typecnt, charcnt
    auto block_size = [](const std::uint32_t n[6], std::size_t time_size) -> std::uint64_t {
        return std::uint64_t{n[3]} * time_size + n[3] + std::uint64_t{n[4]} * 6 + n[5] +
               std::uint64_t{n[2]} * (time_size + 4) + n[1] + n[0];
    };
    std::size_t at = kHeader;
    std::size_t time_size = 4;
    std::uint64_t v1_size = block_size(c, 4);
    if (v1_size > bytes.size() - at) return fail("truncated TZif data");
    if (version >= '2') {
        at += static_cast<std::size_t>(v1_size);
        if (bytes.size() - at < kHeader || bytes.substr(at, 4) != "TZif") {
            return fail("truncated TZif v2 header");
        }
        counts(at, c);
        at += kHeader;
        time_size = 8;
        if (block_size(c, 8) > bytes.size() - at) return fail("truncated TZif v2 data");
    }
    const std::uint32_t timecnt = c[3], typecnt = c[4], charcnt = c[5];
    if (typecnt == 0 || typecnt > 256) return fail("TZif file has no valid local time types");
    TimeZone zone;
    zone.name_ = std::move(name);
    zone.transitions_.reserve(timecnt);
    for (std::uint32_t i = 0; i < timecnt; ++i) {
        const std::size_t p = at + i * time_size;
        const std::int64_t t = time_size == 8 ? static_cast<std::int64_t>(be64(bytes, p))
                                              : static_cast<std::int32_t>(be32(bytes, p));
        zone.transitions_.push_back(t);
    }
    at += std::size_t{timecnt} * time_size;
    for (std::uint32_t i = 0; i < timecnt; ++i) {
        const auto index = static_cast<std::uint8_t>(bytes[at + i]);
        if (index >= typecnt) return fail("TZif transition refers to a missing type");
        zone.transition_types_.push_back(index);
    }
    at += timecnt;
    const std::size_t types_at = at;
    const std::size_t chars_at = types_at + std::size_t{typecnt} * 6;
    for (std::uint32_t i = 0; i < typecnt; ++i) {
        const std::size_t p = types_at + i * 6;
        Type type;
        type.offset = static_cast<std::int32_t>(be32(bytes, p));
        type.dst = bytes[p + 4] != 0;
        const auto index = static_cast<std::uint8_t>(bytes[p + 5]);
        if (index < charcnt) {
            const auto chars = bytes.substr(chars_at + index, charcnt - index);
            type.abbreviation = std::string(chars.substr(0, chars.find('\0')));
        }
        zone.types_.push_back(std::move(type));
    }
    if (!std::is_sorted(zone.transitions_.begin(), zone.transitions_.end())) {
        return fail("TZif transitions are not in order");
    }
    if (version >= '2') {
        at = chars_at + charcnt + std::size_t{c[2]} * 12 + c[1] + c[0];
        if (at < bytes.size() && bytes[at] == '\n') {
            const auto end = bytes.find('\n', at + 1);
            if (end != std::string_view::npos && end > at + 1) {
                zone.footer_ = parse_posix_rule(bytes.substr(at + 1, end - at - 1));
            }
        }
    }
    return zone;
}

TimeZone::Type TimeZone::type_at(std::int64_t t) const {
    if (!transitions_.empty() && t >= transitions_.front() &&
        (t < transitions_.back() || !footer_)) {
        const auto it = std::upper_bound(transitions_.begin(), transitions_.end(), t);
        return types_[transition_types_[static_cast<std::size_t>(it - transitions_.begin() - 1)]];
    }
    if (footer_ && (transitions_.empty() || t >= transitions_.back())) {
        const auto& rule = *footer_;
        if (!rule.has_dst) return Type{rule.std_offset, false, rule.std_name};
        int year = 0, month = 0, day = 0;
        civil_from_days(floor_div(t + rule.std_offset, 86400), year, month, day);
        const std::int64_t start =
            day_of(rule.start, year) * 86400 + rule.start.time - rule.std_offset;
        const std::int64_t end = day_of(rule.end, year) * 86400 + rule.end.time - rule.dst_offset;
        const bool in_dst = start < end ? (t >= start && t < end) : (t >= start || t < end);
        return in_dst ? Type{rule.dst_offset, true, rule.dst_name}
                      : Type{rule.std_offset, false, rule.std_name};
    }
    for (const auto& type : types_) {
        if (!type.dst) return type;
    }
    return types_.front();
}

int TimeZone::offset_seconds(std::int64_t utc_ms) const {
    return type_at(floor_div(utc_ms, 1000)).offset;
}

LocalTime TimeZone::local(std::int64_t utc_ms) const {
    const auto type = type_at(floor_div(utc_ms, 1000));
    const std::int64_t local_seconds = floor_div(utc_ms, 1000) + type.offset;
    LocalTime out;
    out.day = floor_div(local_seconds, 86400);
    civil_from_days(out.day, out.year, out.month, out.monthday);
    out.weekday = weekday_from_days(out.day);
    out.minute_of_day = static_cast<int>((local_seconds - out.day * 86400) / 60);
    out.offset_seconds = type.offset;
    out.dst = type.dst;
    out.abbreviation = type.abbreviation;
    return out;
}

TimeZoneDb::TimeZoneDb(std::string root) : root_(std::move(root)) {
    if (root_.empty()) {
        const char* env = std::getenv("TZDIR");
        root_ = env && *env ? env : "/usr/share/zoneinfo";
    }
}

std::shared_ptr<const TimeZone> TimeZoneDb::get(const std::string& name, std::string* error) {
    if (auto it = cache_.find(name); it != cache_.end()) return it->second;
    auto fail = [&](std::string message) -> std::shared_ptr<const TimeZone> {
        if (error) *error = std::move(message);
        return nullptr;
    };
    const bool valid_name =
        !name.empty() && name.front() != '/' && name.find("..") == std::string::npos &&
        std::all_of(name.begin(), name.end(), [](char ch) {
            return (ch >= 'A' && ch <= 'Z') || (ch >= 'a' && ch <= 'z') ||
                   (ch >= '0' && ch <= '9') || ch == '/' || ch == '_' || ch == '-' || ch == '+';
        });
    if (!valid_name) return fail("'" + name + "' is not a time zone name (e.g. Europe/Amsterdam)");
    std::ifstream in(root_ + "/" + name, std::ios::binary);
    if (!in) {
        std::ifstream probe(root_ + "/UTC", std::ios::binary);
        if (!probe) {
            return fail("no time zone data in " + root_ +
                        " (install the tzdata package or set TZDIR)");
        }
        return fail("unknown time zone '" + name + "' (not found in " + root_ + ")");
    }
    std::ostringstream buffer;
    buffer << in.rdbuf();
    std::string parse_error;
    auto zone = TimeZone::from_tzif(name, buffer.str(), &parse_error);
    if (!zone) return fail("time zone '" + name + "': " + parse_error);
    auto shared = std::make_shared<const TimeZone>(std::move(*zone));
    cache_.emplace(name, shared);
    return shared;
}

}  // namespace spreekbuis::daemon::routing
