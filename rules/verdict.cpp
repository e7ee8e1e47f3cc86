#include "rules/verdict.hpp"

namespace spreekbuis::rules {

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
