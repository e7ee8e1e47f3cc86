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

// Sentiment and complaint are scored for English and Dutch, and for posts whose language is
// unknown ("und", too little text to tell; scored as English). Other languages pass through
// unscored: sentiment 0, neutral, no complaint, and an explanation that says so.
bool is_scored_language(std::string_view lang);
// "not scored (lang fr)": the explanation of a sentiment or complaint score left unscored.
std::string unscored_explanation(std::string_view lang);

// The language ("en", "nl", ...) whose stop-word list (those of language detection) holds the
// folded word, or "" when none does. For the rule checks: such a word occurs in most posts.
std::string_view common_word_language(std::string_view word);

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

// A complaint is negative towards whoever it addresses even when its words are neutral or
// mildly positive ("thanks for the 3 hour delay", "my bag never arrived"): its polarity is
// negative unless the lexicon scores it at least kComplaintStaysPositive. The score stays the
// lexicon's; only the label follows the complaint. Called once both scores are known.
inline constexpr double kComplaintStaysPositive = 0.3;
void settle_polarity(SentimentScore& sentiment, const ComplaintScore& complaint);

}  // namespace spreekbuis::rules
