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
// A token other than punctuation, as the sentiment rules see it.
struct SentimentItem {
    std::string_view text;
    const WordInfo* info = nullptr;  // of the word, or of a hashtag's word
    double base = 0.0;               // lexicon valence before the rules
    TokenKind kind = TokenKind::word;
    bool all_caps = false;
    bool elongated = false;
};
// The valence of an elongated word that is not in the lexicon as written ("baaad" -> "bad").
double elongated_valence(const LanguageLexicon& lexicon, std::string_view word);
// Whether an elongated word is a booster once squeezed ("sooo" -> "so"), and its value.
bool elongated_booster(const LanguageLexicon& lexicon, std::string_view word, double& boost);
struct SentimentRules {
    const LanguageLexicon& lexicon;
    std::size_t lang;        // LexiconLanguage, as an index
    std::uint8_t bit;        // 1 << lang, for WordInfo's per-language bits
    bool caps_differential;  // some words of the post are in capitals, not all
};
inline constexpr double kCapsIncrement = 0.733;
inline constexpr double kNegationScalar = -0.74;
inline constexpr double kElongationIncrement = 0.293;
// The first contrast word ("but", "maar") weighs the clause before it down, the one after up.
inline constexpr double kBeforeContrast = 0.5;
inline constexpr double kAfterContrast = 1.5;
inline double sentiment_sign(double value) { return value < 0 ? -1.0 : 1.0; }

// A word that is also a handle the post mentions names that account, not a feeling: "@united
// united lost my bag" (United is +1.8 in VADER), "@JetBlue ... jetblue", "@Tesco ... tesco".
// `mentions` are the post's mention tokens as folded ("@united").
inline bool names_a_mention(std::string_view word, const std::vector<std::string_view>& mentions) {
    for (const auto mention : mentions) {
        if (mention.size() == word.size() + 1 && mention.substr(1) == word) return true;
    }
    return false;
}

// The lexicon valence of an item before the rules; `rules` gives request words ("please") none.
// Inline, as rule_valence: both run for every scored word of every post.
inline double item_valence(const SentimentItem& item, const LanguageLexicon& lexicon,
                           std::size_t lang, bool rules) {
    const WordInfo* info = item.info;
    const auto bit = static_cast<std::uint8_t>(1u << lang);
    if (rules && info != nullptr && (info->request & bit) != 0) return 0.0;  // "please"
    switch (item.kind) {
        case TokenKind::word:
            if (info != nullptr && (info->has_valence & bit) != 0)
                return WordTable::get().valence(*info, lang);
            return item.elongated ? elongated_valence(lexicon, item.text) : 0.0;
        case TokenKind::hashtag:
            return info != nullptr && (info->has_valence & bit) != 0
                       ? WordTable::get().valence(*info, lang)
                       : 0.0;
        case TokenKind::emoticon:
            return Lexicons::get().emoticon(item.text);
        case TokenKind::emoji:
            return Lexicons::get().emoji(item.text);
        default:
            return 0.0;
    }
}

// Item i's valence under VADER's rules: its own capitals and elongation, then boosters and the
// first negation among the three words before it. `caps` and `negated` say what applied.
inline double rule_valence(const SentimentItem* items, std::size_t i, const SentimentRules& rules,
                           bool& caps, bool& negated) {
    const SentimentItem& item = items[i];
    const auto is_booster = [&](const SentimentItem& candidate) {
        return candidate.info != nullptr && (candidate.info->is_booster & rules.bit) != 0;
    };
    double valence = item.base;
    caps = false;
    if (item.all_caps && rules.caps_differential) {
        valence += sentiment_sign(valence) * kCapsIncrement;
        caps = true;
    }
    if (item.elongated) valence += sentiment_sign(valence) * kElongationIncrement;
    negated = false;
    for (std::size_t distance = 1; distance <= 3 && distance <= i; ++distance) {
        const SentimentItem& before = items[i - distance];
        if (before.kind != TokenKind::word) continue;
        if (before.base != 0.0 && !is_booster(before)) continue;
        double boost = 0.0;
        bool boosted = is_booster(before);
        if (boosted) {
            boost = WordTable::get().booster(*before.info, rules.lang);
        } else if (before.elongated) {
            boosted = elongated_booster(rules.lexicon, before.text, boost);
        }
        if (boosted) {
            double scalar = boost * (valence < 0 ? -1.0 : 1.0);
            if (before.elongated) scalar += sentiment_sign(scalar) * kElongationIncrement;
            if (before.all_caps && rules.caps_differential)
                scalar += sentiment_sign(scalar) * kCapsIncrement;
            if (distance == 2) scalar *= 0.95;
            if (distance == 3) scalar *= 0.9;
            valence += scalar;
        }
        const bool negation =
            (before.info != nullptr && (before.info->negation & rules.bit) != 0) ||
            (before.text.size() > 3 && before.text.ends_with("n't"));
        if (negation && !negated) {
            valence *= kNegationScalar;
            negated = true;
        }
    }
    return valence;
}

Polarity polarity_of(double score);
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
