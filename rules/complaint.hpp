#pragma once
// Complaint cues in English and Dutch and the features they give. Internal to the rule core
// (score_complaint in scoring.hpp is the public entry); exposed for evaluation and tests.
#include <array>
#include <string>
#include <string_view>

#include "rules/normalize.hpp"
#include "rules/scoring.hpp"

namespace spreekbuis::rules {

enum class ComplaintFeature : std::size_t {
    negative_sentiment,  // -compound when negative
    positive_sentiment,  // compound when positive
    problem,             // failure vocabulary: broken, not working, storing, kapot
    persistence,         // still, again, nog steeds, weer, since monday
    expectation,         // negated expectation: never received, niet geleverd
    duration,            // numbers of hours/days: 3 hours, al 2 dagen
    request,             // please help, can you, kunnen jullie
    blame,               // second person blame: you lost, jullie hebben
    brand_question,      // addressed to an account and asking why/when/how
    praise,              // thanks for, great service, bedankt
    count,
};

inline constexpr std::size_t kComplaintFeatureCount =
    static_cast<std::size_t>(ComplaintFeature::count);

struct ComplaintFeatures {
    std::array<double, kComplaintFeatureCount> values{};
    std::string cues;  // the cue phrases that fired, for the explanation
};

ComplaintFeatures complaint_features(const NormalizedText& text, std::string_view lang,
                                     const SentimentScore& sentiment);

std::string_view to_string(ComplaintFeature feature);

}  // namespace spreekbuis::rules
