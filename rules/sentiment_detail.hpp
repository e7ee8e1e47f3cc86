#pragma once
// Internals of sentiment scoring shared by complaint scoring, the evaluation tools and tests.
#include <string>
#include <string_view>

#include "rules/lexicon.hpp"
#include "rules/normalize.hpp"
#include "rules/scoring.hpp"
#include "rules/word_table.hpp"

namespace spreekbuis::rules {

struct SentimentDetail {
    double sum = 0.0;           // raw valence sum after the rules
    double compound = 0.0;      // sum normalised to -1..1
    double positive = 0.0;      // sum of the positive valences
    double negative = 0.0;      // sum of the negative valences, as a positive number
    std::size_t negations = 0;  // sentiment words flipped by a negation
    std::string_view contrast;  // the contrast word that reweighted the clauses, if any
    std::string explanation;
};

LexiconLanguage lexicon_language(std::string_view lang);

// `rules` false gives the plain lexicon sum (the baseline the evaluation compares against).
SentimentDetail analyse_sentiment(const NormalizedText& text, std::string_view lang, bool rules);

// The same, from the post's word lookups; `explain` false leaves the explanation empty.
SentimentDetail analyse_sentiment(const NormalizedText& text, const TokenWords& words,
                                  std::string_view lang, bool rules, bool explain);

struct CueHits;
SentimentScore score_sentiment(const NormalizedText& text, const TokenWords& words,
                               std::string_view lang, const CueHits& cues, bool explain);
std::string detect_language(const NormalizedText& text, const TokenWords& words,
                            std::string_view declared);

// Language, sentiment and complaint of one post from one pass of word lookups, as
// RuleSet::evaluate needs them. `explain` false leaves the sentiment explanation empty and
// explains the complaint score only for a complaint (all that Verdict::why shows).
struct PostScores {
    std::string lang;
    SentimentScore sentiment;
    ComplaintScore complaint;
};
void score_post(const NormalizedText& text, std::string_view declared, bool explain,
                PostScores& out);

// Plain VADER-style baseline: lexicon sum and compound only.
SentimentScore score_sentiment_baseline(const NormalizedText& text, std::string_view lang);

}  // namespace spreekbuis::rules
