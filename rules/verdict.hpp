#pragma once
// What the rule core decides about one post. Produced by RuleSet::evaluate, pure data.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace spreekbuis::rules {

enum class Priority { low, normal, high, urgent };
enum class Polarity { negative, neutral, positive };

std::string_view to_string(Priority priority);
std::string_view to_string(Polarity polarity);
std::optional<Priority> parse_priority(std::string_view text);

struct Verdict {
    bool matched = false;            // at least one rule matched
    bool complaint = false;          // the complaint detector's call
    double complaint_score = 0.0;    // 0..1, the detector's confidence
    std::vector<std::string> rules;  // ids of matched rules, in rule-file order
    std::optional<std::string> topic;
    std::optional<Priority> priority;
    std::vector<std::string> tags;
    double sentiment = 0.0;  // -1..1
    Polarity polarity = Polarity::neutral;
    std::string lang;  // "en", "nl", another ISO 639-1 code, or "und"
    std::string why;   // one line: which terms matched, what raised the priority
};

}  // namespace spreekbuis::rules
