// VADER-style sentiment (Hutto & Gilbert 2014) over normalised tokens, for English and Dutch.
#include <algorithm>
#include <cmath>
#include <vector>

#include "rules/complaint.hpp"
#include "rules/format.hpp"
#include "rules/lexicon.hpp"
#include "rules/scoring.hpp"
#include "rules/sentiment_detail.hpp"

namespace spreekbuis::rules {

namespace {

constexpr double kAlpha = 15.0;
constexpr double kPositiveThreshold = 0.05;
constexpr double kNegativeThreshold = -0.05;
constexpr double kFailureValence = 1.0;  // per failure cue, capped at two per kind

struct Contribution {
    std::string_view text;
    double valence;
    bool negated;
    bool caps;
};

// Per-thread buffers of analyse_sentiment, reused across posts.
struct SentimentScratch {
    std::vector<SentimentItem> items;
    std::vector<double> valences;
    std::vector<Contribution> contributions;
    std::vector<std::string_view> mentions;  // the post's mention tokens, for names_a_mention
};

SentimentScratch& sentiment_scratch() {
    thread_local SentimentScratch instance;
    return instance;
}

void explain_sentiment(std::vector<Contribution>& contributions, SentimentDetail& detail) {
    std::sort(contributions.begin(), contributions.end(),
              [](const Contribution& a, const Contribution& b) {
                  return std::fabs(a.valence) > std::fabs(b.valence);
              });
    std::string neg;
    std::string pos;
    std::size_t named = 0;
    for (const auto& c : contributions) {
        if (named == 4) break;
        std::string& list = c.valence < 0 ? neg : pos;
        if (!list.empty()) list += ", ";
        list += "'";
        list += c.text;
        list += "'";
        if (c.negated) list += " (negated)";
        if (c.caps) list += " (caps)";
        ++named;
    }
    std::string& explanation = detail.explanation;
    if (!neg.empty()) explanation += "neg: " + neg;
    if (!pos.empty()) explanation += (explanation.empty() ? "" : "; ") + std::string("pos: ") + pos;
    if (!detail.contrast.empty()) {
        explanation += (explanation.empty() ? "" : "; ") + std::string("contrast '") +
                       std::string(detail.contrast) + "'";
    }
    if (explanation.empty()) explanation = "no sentiment words";
}

}  // namespace

// "baad" (from "baaaad") is not in the lexicon; "bad" is. Tries undoing each double letter,
// then all of them.
double elongated_valence(const LanguageLexicon& lexicon, std::string_view word) {
    std::string candidate;
    for (std::size_t i = 1; i < word.size(); ++i) {
        if (word[i] != word[i - 1] || static_cast<unsigned char>(word[i]) >= 0x80) continue;
        candidate.assign(word.substr(0, i));
        candidate.append(word.substr(i + 1));
        const auto it = lexicon.valence.find(candidate);
        if (it != lexicon.valence.end()) return it->second;
    }
    candidate.clear();
    for (std::size_t i = 0; i < word.size(); ++i) {
        if (i > 0 && word[i] == word[i - 1] && static_cast<unsigned char>(word[i]) < 0x80) continue;
        candidate.push_back(word[i]);
    }
    const auto it = lexicon.valence.find(candidate);
    return it == lexicon.valence.end() ? 0.0 : it->second;
}

bool elongated_booster(const LanguageLexicon& lexicon, std::string_view word, double& boost) {
    std::string squeezed;
    for (std::size_t k = 0; k < word.size(); ++k) {
        if (k == 0 || word[k] != word[k - 1]) squeezed += word[k];
    }
    const auto found = lexicon.boosters.find(squeezed);
    if (found == lexicon.boosters.end()) return false;
    boost = found->second;
    return true;
}

Polarity polarity_of(double score) {
    if (score >= kPositiveThreshold) return Polarity::positive;
    if (score <= kNegativeThreshold) return Polarity::negative;
    return Polarity::neutral;
}

void settle_polarity(SentimentScore& sentiment, const ComplaintScore& complaint) {
    if (!complaint.complaint || sentiment.polarity == Polarity::negative ||
        sentiment.score >= kComplaintStaysPositive) {
        return;
    }
    sentiment.polarity = Polarity::negative;
    if (!sentiment.explanation.empty()) sentiment.explanation += "; negative as a complaint";
}

void finish_sum(const NormalizedText& text, bool rules, double sum, SentimentDetail& detail) {
    if (rules && sum != 0.0) {
        const double exclamation = std::min<std::uint32_t>(text.exclamations, 4) * 0.292;
        double question = 0.0;
        if (text.questions > 1) question = text.questions <= 3 ? text.questions * 0.18 : 0.96;
        sum += sentiment_sign(sum) * (exclamation + question);
    }
    detail.sum = sum;
    detail.compound = sum / std::sqrt(sum * sum + kAlpha);
}

SentimentScore sentiment_score(SentimentDetail& detail, const CueHits& cues, bool explain) {
    // Service failures ("my bag is still missing") are negative even without negative words.
    const double failures =
        cue_value(cues, ComplaintFeature::problem) + cue_value(cues, ComplaintFeature::expectation);
    if (failures > 0) {
        detail.sum -= kFailureValence * failures;
        detail.compound = detail.sum / std::sqrt(detail.sum * detail.sum + kAlpha);
        if (explain) detail.explanation += "; service failure cues";
    }
    SentimentScore score;
    score.score = std::clamp(detail.compound, -1.0, 1.0);
    score.polarity = polarity_of(score.score);
    if (explain) {
        append_fixed2(score.explanation, score.score, true);
        score.explanation += ' ';
        score.explanation += detail.explanation;
    }
    return score;
}

LexiconLanguage lexicon_language(std::string_view lang) {
    return lang == "nl" ? LexiconLanguage::dutch : LexiconLanguage::english;
}

SentimentDetail analyse_sentiment(const NormalizedText& text, std::string_view lang, bool rules) {
    TokenWords words;
    words.fill(text);
    return analyse_sentiment(text, words, lang, rules, true);
}

SentimentDetail analyse_sentiment(const NormalizedText& text, const TokenWords& words,
                                  std::string_view lang, bool rules, bool explain) {
    const LexiconLanguage language = lexicon_language(lang);
    const LanguageLexicon& lexicon = Lexicons::get().language(language);
    const auto bit = static_cast<std::uint8_t>(1u << static_cast<unsigned>(language));
    auto& scratch = sentiment_scratch();
    auto& items = scratch.items;
    auto& valences = scratch.valences;
    auto& contributions = scratch.contributions;
    items.clear();
    contributions.clear();
    auto& mentions = scratch.mentions;
    mentions.clear();
    if (rules) {
        for (const Token& token : text.tokens) {
            if (token.kind == TokenKind::mention) mentions.push_back(text.token_text(token));
        }
    }
    std::size_t caps_words = 0;
    std::size_t word_count = 0;
    for (std::size_t t = 0; t < text.tokens.size(); ++t) {
        const Token& token = text.tokens[t];
        if (token.kind == TokenKind::punct) continue;
        SentimentItem& item = items.emplace_back();
        item.text = text.token_text(token);
        item.kind = token.kind;
        item.all_caps = token.all_caps;
        item.elongated = token.elongated;
        item.info = token.kind == TokenKind::hashtag ? words.hashtag_info[t] : words.info[t];
        item.base = item_valence(item, lexicon, static_cast<std::size_t>(language), rules);
        if (item.base != 0.0 && token.kind == TokenKind::word &&
            names_a_mention(item.text, mentions)) {
            item.base = 0.0;
        }
        if (token.kind == TokenKind::word) {
            ++word_count;
            if (token.all_caps) ++caps_words;
        }
    }
    const bool caps_differential = caps_words > 0 && caps_words < word_count;
    const SentimentRules sentiment_rules{lexicon, static_cast<std::size_t>(language), bit,
                                         caps_differential};
    const auto is_booster = [&](const SentimentItem& item) {
        return item.info != nullptr && (item.info->is_booster & bit) != 0;
    };

    SentimentDetail detail;
    valences.assign(items.size(), 0.0);
    for (std::size_t i = 0; i < items.size(); ++i) {
        const SentimentItem& item = items[i];
        double valence = item.base;
        if (valence == 0.0) continue;
        if (!rules) {
            valences[i] = valence;
            contributions.push_back({item.text, valence, false, false});
            continue;
        }
        const bool is_word = item.kind == TokenKind::word;
        if (is_word && is_booster(item) && i + 1 < items.size() && items[i + 1].base != 0.0) {
            continue;  // "super friendly": the booster scales its neighbour instead
        }
        if (is_word && item.text == "no" && i + 1 < items.size() && items[i + 1].base != 0.0) {
            continue;  // "no problems" is handled as a negation of "problems"
        }
        bool caps = false;
        bool negated = false;
        valence = rule_valence(items.data(), i, sentiment_rules, caps, negated);
        valences[i] = valence;
        if (explain) contributions.push_back({item.text, valence, negated, caps});
        if (negated) ++detail.negations;
    }

    if (rules) {
        for (std::size_t i = 0; i < items.size(); ++i) {
            if (items[i].kind != TokenKind::word || items[i].info == nullptr ||
                (items[i].info->contrast & bit) == 0) {
                continue;
            }
            // "though" at the end of a post ("good though") is not a contrast marker.
            if (i + 1 == items.size()) break;
            detail.contrast = items[i].text;
            for (std::size_t k = 0; k < items.size(); ++k) {
                if (k < i) valences[k] *= kBeforeContrast;
                if (k > i) valences[k] *= kAfterContrast;
            }
            break;
        }
    }

    double sum = 0.0;
    for (double v : valences) {
        sum += v;
        if (v > 0) detail.positive += v;
        if (v < 0) detail.negative -= v;
    }
    finish_sum(text, rules, sum, detail);
    if (explain) explain_sentiment(contributions, detail);
    return detail;
}

SentimentScore score_sentiment(const NormalizedText& text, const TokenWords& words,
                               std::string_view lang, const CueHits& cues, bool explain) {
    SentimentDetail detail = analyse_sentiment(text, words, lang, true, explain);
    return sentiment_score(detail, cues, explain);
}

SentimentScore score_sentiment(const NormalizedText& text, std::string_view lang) {
    if (!is_scored_language(lang)) {
        SentimentScore unscored;
        unscored.explanation = unscored_explanation(lang);
        return unscored;
    }
    TokenWords words;
    words.fill(text);
    CueHits cues;
    match_cues(text, words, false, cues);
    return score_sentiment(text, words, lang, cues, true);
}

void score_post_reference(const NormalizedText& text, std::string_view declared, PostScores& out) {
    TokenWords words;
    CueHits cues;
    words.fill(text);
    out.kept_begin.clear();
    out.kept_end.clear();
    out.kept_hash.clear();
    for (const Token& token : text.tokens) {
        if (token.kind == TokenKind::punct) continue;
        out.kept_begin.push_back(token.begin);
        out.kept_end.push_back(token.end);
        out.kept_hash.push_back(word_hash::hash_word(text.token_text(token)));
    }
    out.lang = detect_language(text, words, declared);
    if (!is_scored_language(out.lang)) {
        out.sentiment = SentimentScore{};
        out.complaint = ComplaintScore{};
        return;
    }
    match_cues(text, words, true, cues);
    out.sentiment = score_sentiment(text, words, out.lang, cues, false);
    out.complaint = score_complaint(cues, out.sentiment, false);
    settle_polarity(out.sentiment, out.complaint);
}

SentimentScore score_sentiment_baseline(const NormalizedText& text, std::string_view lang) {
    SentimentDetail detail = analyse_sentiment(text, lang, false);
    SentimentScore score;
    score.score = std::clamp(detail.compound, -1.0, 1.0);
    score.polarity = polarity_of(score.score);
    score.explanation = std::move(detail.explanation);
    return score;
}

}  // namespace spreekbuis::rules
