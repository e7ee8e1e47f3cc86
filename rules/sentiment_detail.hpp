#pragma once
// Internals of sentiment scoring shared by complaint scoring, the evaluation tools and tests.
#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

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
// A post's own language tag as detect_language reports it ("en-GB" -> "en", junk -> "und").
std::string declared_language(std::string_view declared);

// The stop-word and spelling evidence of a post's words, one word at a time, for
// detect_language and the one-pass scorer.
class LanguageEvidence {
  public:
    static constexpr std::size_t kCandidates = 5;  // en, nl, de, fr, es

    void add_word(std::string_view word, const WordInfo* info);
    // The language the evidence points to, or "und" when it is too weak or too close.
    std::string decide() const;

  private:
    std::array<double, kCandidates> score_{};
    std::size_t words_ = 0;
};

// Pieces of the sentiment rules shared by analyse_sentiment and the one-pass scorer.
// The valence of an elongated word that is not in the lexicon as written ("baaad" -> "bad").
double elongated_valence(const LanguageLexicon& lexicon, std::string_view word);
// Whether an elongated word is a booster once squeezed ("sooo" -> "so"), and its value.
bool elongated_booster(const LanguageLexicon& lexicon, std::string_view word, double& boost);
// Sets detail.sum and compound from the rules' valence sum: '!' and '?' emphasis, then -1..1.
void finish_sum(const NormalizedText& text, bool rules, double sum, SentimentDetail& detail);
// The score of a detail once the post's failure cues are known.
SentimentScore sentiment_score(SentimentDetail& detail, const CueHits& cues, bool explain);

// Language, sentiment and complaint of one post, as RuleSet::evaluate needs them: no sentiment
// explanation, and a complaint explanation only for a complaint (all that Verdict::why shows).
struct PostScores {
    std::string lang;
    SentimentScore sentiment;
    ComplaintScore complaint;
    // Offsets in `folded` of every token but punctuation: the tokens rules see, collected on
    // the way for the term index.
    std::vector<std::uint32_t> kept_begin;
    std::vector<std::uint32_t> kept_end;
    std::vector<std::uint32_t> kept_hash;  // word_hash::hash_word of each
};
// One walk over the tokens, then work only where a sentiment word or a cue start was seen
// (post_scorer.cpp).
void score_post(const NormalizedText& text, std::string_view declared, PostScores& out);
// The same from the separate scorers (detect_language, match_cues, analyse_sentiment,
// score_complaint), each walking the tokens itself: what score_post must agree with.
void score_post_reference(const NormalizedText& text, std::string_view declared, PostScores& out);

// Plain VADER-style baseline: lexicon sum and compound only.
SentimentScore score_sentiment_baseline(const NormalizedText& text, std::string_view lang);

}  // namespace spreekbuis::rules
