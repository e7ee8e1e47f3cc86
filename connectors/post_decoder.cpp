#include "connectors/post_decoder.hpp"

#include <charconv>

#include "rules/utf8.hpp"

namespace spreekbuis::connectors {

namespace {

using simdjson::ondemand::json_type;

bool read_digits(std::string_view text, std::size_t pos, std::size_t count, int& value) {
    if (pos + count > text.size()) return false;
    value = 0;
    for (std::size_t i = pos; i < pos + count; ++i) {
        if (text[i] < '0' || text[i] > '9') return false;
        value = value * 10 + (text[i] - '0');
    }
    return true;
}

// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm).
std::int64_t days_from_civil(int year, int month, int day) {
    year -= month <= 2;
    const int era = (year >= 0 ? year : year - 399) / 400;
    const int year_of_era = year - era * 400;
    const int day_of_year = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1;
    const int day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
    return static_cast<std::int64_t>(era) * 146097 + day_of_era - 719468;
}

// Reads a JSON value as a string; numbers are accepted for ids (some APIs send them bare).
simdjson::error_code read_text(simdjson::ondemand::value value, std::string& out,
                               bool allow_number) {
    json_type type;
    if (auto error = value.type().get(type)) return error;
    if (type == json_type::string) {
        std::string_view text;
        if (auto error = value.get_string().get(text)) return error;
        out.assign(text);
        return simdjson::SUCCESS;
    }
    if (allow_number && type == json_type::number) {
        std::string_view raw = value.raw_json_token();
        while (!raw.empty() && (raw.back() == ' ' || raw.back() == '\n')) raw.remove_suffix(1);
        out.assign(raw);
        return simdjson::SUCCESS;
    }
    if (type == json_type::null) {
        out.clear();
        return simdjson::SUCCESS;
    }
    return simdjson::INCORRECT_TYPE;
}

simdjson::error_code read_optional_int(simdjson::ondemand::value value,
                                       std::optional<std::int64_t>& out) {
    json_type type;
    if (auto error = value.type().get(type)) return error;
    if (type == json_type::null) return simdjson::SUCCESS;
    std::int64_t number = 0;
    if (auto error = value.get_int64().get(number)) return error;
    out = number;
    return simdjson::SUCCESS;
}

PostDecodeResult rejected(std::string message) {
    PostDecodeResult result;
    result.error = std::move(message);
    return result;
}

std::string describe(simdjson::error_code error, std::string_view field) {
    std::string message = field.empty() ? "invalid JSON" : "field '" + std::string(field) + "'";
    if (!field.empty()) {
        message += error == simdjson::INCORRECT_TYPE ? " has the wrong type" : " is malformed";
    }
    message += std::string(" (") + simdjson::error_message(error) + ")";
    return message;
}

}  // namespace

std::optional<std::int64_t> parse_rfc3339_ms(std::string_view text) {
    int year, month, day, hour, minute, second;
    if (text.size() < 20 || !read_digits(text, 0, 4, year) || text[4] != '-' ||
        !read_digits(text, 5, 2, month) || text[7] != '-' || !read_digits(text, 8, 2, day) ||
        (text[10] != 'T' && text[10] != 't' && text[10] != ' ') ||
        !read_digits(text, 11, 2, hour) || text[13] != ':' || !read_digits(text, 14, 2, minute) ||
        text[16] != ':' || !read_digits(text, 17, 2, second)) {
        return std::nullopt;
    }
    if (month < 1 || month > 12 || day < 1 || day > 31 || hour > 23 || minute > 59 || second > 60) {
        return std::nullopt;
    }
    std::size_t pos = 19;
    std::int64_t millis = 0;
    if (pos < text.size() && text[pos] == '.') {
        ++pos;
        int digits = 0;
        while (pos < text.size() && text[pos] >= '0' && text[pos] <= '9') {
            if (digits < 3) millis = millis * 10 + (text[pos] - '0');
            ++digits;
            ++pos;
        }
        if (digits == 0) return std::nullopt;
        for (int i = digits; i < 3; ++i) millis *= 10;
    }
    std::int64_t offset_minutes = 0;
    if (pos < text.size() && (text[pos] == 'Z' || text[pos] == 'z')) {
        ++pos;
    } else if (pos < text.size() && (text[pos] == '+' || text[pos] == '-')) {
        int offset_hours, offset_mins;
        if (!read_digits(text, pos + 1, 2, offset_hours) || pos + 3 >= text.size() ||
            text[pos + 3] != ':' || !read_digits(text, pos + 4, 2, offset_mins)) {
            return std::nullopt;
        }
        offset_minutes = (offset_hours * 60 + offset_mins) * (text[pos] == '-' ? -1 : 1);
        pos += 6;
    } else {
        return std::nullopt;
    }
    if (pos != text.size()) return std::nullopt;
    const auto days = days_from_civil(year, month, day);
    const std::int64_t seconds =
        days * 86400 + hour * 3600 + minute * 60 + second - offset_minutes * 60;
    return seconds * 1000 + millis;
}

PostDecodeResult PostDecoder::decode(std::string_view line) {
    if (line.size() > kMaxLineBytes) {
        return rejected("line longer than " + std::to_string(kMaxLineBytes) + " bytes");
    }
    if (simdjson::validate_utf8(line.data(), line.size())) return decode_valid_utf8(line);
    const auto repaired = rules::utf8::repair(line);
    auto result = decode_valid_utf8(repaired);
    result.repaired_utf8 = true;
    return result;
}

PostDecodeResult PostDecoder::decode_valid_utf8(std::string_view line) {
    buffer_.assign(line);
    buffer_.resize(line.size() + simdjson::SIMDJSON_PADDING, '\0');
    simdjson::padded_string_view input(buffer_.data(), line.size(), buffer_.size());

    simdjson::ondemand::document document;
    if (auto error = parser_.iterate(input).get(document)) return rejected(describe(error, ""));
    simdjson::ondemand::object object;
    if (document.get_object().get(object) != simdjson::SUCCESS) {
        return rejected("a post must be a JSON object");
    }

    rules::Post post;
    bool has_id = false;
    bool has_text = false;
    for (auto field_result : object) {
        simdjson::ondemand::field field;
        if (auto error = std::move(field_result).get(field)) return rejected(describe(error, ""));
        std::string_view key;
        if (auto error = field.unescaped_key().get(key)) return rejected(describe(error, ""));
        simdjson::ondemand::value value = field.value();
        simdjson::error_code error = simdjson::SUCCESS;
        if (key == "id") {
            error = read_text(value, post.id, true);
            has_id = error == simdjson::SUCCESS && !post.id.empty();
        } else if (key == "text") {
            error = read_text(value, post.text, false);
            has_text = error == simdjson::SUCCESS;
        } else if (key == "source") {
            error = read_text(value, post.source, false);
        } else if (key == "lang") {
            error = read_text(value, post.lang, false);
        } else if (key == "created_at") {
            error = read_text(value, post.created_at, false);
        } else if (key == "url") {
            error = read_text(value, post.url, false);
        } else if (key == "in_reply_to") {
            error = read_text(value, post.in_reply_to, true);
        } else if (key == "conversation") {
            error = read_text(value, post.conversation, true);
        } else if (key == "reposts") {
            error = read_optional_int(value, post.reposts);
        } else if (key == "replies") {
            error = read_optional_int(value, post.replies);
        } else if (key == "author") {
            json_type type;
            if ((error = value.type().get(type))) return rejected(describe(error, key));
            if (type == json_type::null) continue;
            simdjson::ondemand::object author;
            if ((error = value.get_object().get(author))) return rejected(describe(error, key));
            for (auto author_field_result : author) {
                simdjson::ondemand::field author_field;
                if ((error = std::move(author_field_result).get(author_field))) break;
                std::string_view author_key;
                if ((error = author_field.unescaped_key().get(author_key))) break;
                auto author_value = author_field.value();
                if (author_key == "handle") {
                    error = read_text(author_value, post.author.handle, false);
                } else if (author_key == "name") {
                    error = read_text(author_value, post.author.name, false);
                } else if (author_key == "followers") {
                    error = read_optional_int(author_value, post.author.followers);
                } else if (author_key == "verified") {
                    json_type author_type;
                    if ((error = author_value.type().get(author_type))) break;
                    if (author_type == json_type::null) continue;
                    bool verified = false;
                    error = author_value.get_bool().get(verified);
                    if (!error) post.author.verified = verified;
                }
                if (error) {
                    return rejected(describe(error, "author." + std::string(author_key)));
                }
            }
            if (error) return rejected(describe(error, key));
        }
        if (error) return rejected(describe(error, key));
    }
    if (!has_id) return rejected("missing required field 'id' (a non-empty string)");
    if (!has_text) return rejected("missing required field 'text' (a string)");
    PostDecodeResult result;
    if (!post.created_at.empty()) {
        post.created_at_ms = parse_rfc3339_ms(post.created_at);
        if (!post.created_at_ms) {
            result.warning = "field 'created_at' is not an RFC 3339 timestamp; ignored";
        }
    }
    result.post = std::move(post);
    return result;
}

}  // namespace spreekbuis::connectors
