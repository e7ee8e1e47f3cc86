#include "rules/verdict.hpp"

#include <algorithm>
#include <numeric>
#include <ostream>

namespace spreekbuis::rules {

RuleIds::RuleIds(std::initializer_list<std::string_view> ids)
    : names_(std::make_shared<const Names>(ids.begin(), ids.end())), indices_(ids.size()) {
    std::iota(indices_.begin(), indices_.end(), 0U);
}

RuleIds::RuleIds(const std::vector<std::string>& ids)
    : names_(std::make_shared<const Names>(ids)), indices_(ids.size()) {
    std::iota(indices_.begin(), indices_.end(), 0U);
}

bool operator==(const RuleIds& a, const RuleIds& b) {
    return std::equal(a.begin(), a.end(), b.begin(), b.end());
}

bool operator==(const RuleIds& a, const std::vector<std::string>& b) {
    return std::equal(a.begin(), a.end(), b.begin(), b.end());
}

std::ostream& operator<<(std::ostream& out, const RuleIds& ids) {
    out << '{';
    for (std::size_t i = 0; i < ids.size(); ++i) out << (i == 0 ? "\"" : ", \"") << ids[i] << '"';
    return out << '}';
}

std::string_view to_string(Priority priority) {
    switch (priority) {
        case Priority::low:
            return "low";
        case Priority::normal:
            return "normal";
        case Priority::high:
            return "high";
        case Priority::urgent:
            return "urgent";
    }
    return "normal";
}

std::string_view to_string(Polarity polarity) {
    switch (polarity) {
        case Polarity::negative:
            return "negative";
        case Polarity::neutral:
            return "neutral";
        case Polarity::positive:
            return "positive";
    }
    return "neutral";
}

std::optional<Priority> parse_priority(std::string_view text) {
    if (text == "low") return Priority::low;
    if (text == "normal") return Priority::normal;
    if (text == "high") return Priority::high;
    if (text == "urgent") return Priority::urgent;
    return std::nullopt;
}

}  // namespace spreekbuis::rules
