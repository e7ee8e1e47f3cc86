#pragma once
// Language, sentiment and complaint scores of a normalised post. Pure; lexicons are compiled
// into the binary, so these need no files at run time.
#include <string>
#include <string_view>

#include "rules/normalize.hpp"
#include "rules/verdict.hpp"

namespace spreekbuis::rules {

// ISO 639-1 code ("en", "nl", ...) or "und". `declared` is the post's own lang, if any.
std::string detect_language(const NormalizedText& text, std::string_view declared);

struct SentimentScore {
    double score = 0.0;  // -1..1
    Polarity polarity = Polarity::neutral;
    std::string explanation;  // e.g. "neg: 'delayed' (x1.5 caps), contrast 'but'"
};
SentimentScore score_sentiment(const NormalizedText& text, std::string_view lang);

struct ComplaintScore {
    double score = 0.0;  // 0..1
    bool complaint = false;
    std::string explanation;  // the cues that fired
};
ComplaintScore score_complaint(const NormalizedText& text, std::string_view lang,
                               const SentimentScore& sentiment);

}  // namespace spreekbuis::rules
