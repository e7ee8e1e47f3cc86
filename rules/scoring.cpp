// Interim scoring so the tree links; replaced by lexicon-based sentiment and complaint cues.
#include "rules/scoring.hpp"

namespace spreekbuis::rules {

std::string detect_language(const NormalizedText&, std::string_view declared) {
    return declared.empty() ? std::string("und") : std::string(declared);
}

SentimentScore score_sentiment(const NormalizedText&, std::string_view) { return {}; }

ComplaintScore score_complaint(const NormalizedText&, std::string_view, const SentimentScore&) {
    return {};
}

}  // namespace spreekbuis::rules
