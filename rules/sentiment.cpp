// VADER-style sentiment (Hutto & Gilbert 2014) over normalised tokens, for English and Dutch.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <vector>

#include "rules/complaint.hpp"
#include "rules/lexicon.hpp"
#include "rules/scoring.hpp"
#include "rules/sentiment_detail.hpp"

namespace spreekbuis::rules {

namespace {

constexpr double kCapsIncrement = 0.733;
constexpr double kNegationScalar = -0.74;
constexpr double kAlpha = 15.0;
constexpr double kBeforeContrast = 0.5;
constexpr double kAfterContrast = 1.5;
constexpr double kElongationIncrement = 0.293;
constexpr double kPositiveThreshold = 0.05;
constexpr double kNegativeThreshold = -0.05;
constexpr double kFailureValence = 1.0;  // per failure cue, capped at two per kind

struct Item {
    std::string_view text;
    TokenKind kind;
    bool all_caps;
    bool elongated;
};

struct Contribution {
    std::string_view text;
    double valence;
    bool negated;
    bool caps;
};

// "baad" (from "baaaad") is not in the lexicon; "bad" is. Tries undoing each double letter,
// then all of them.
double lookup_elongated(const LanguageLexicon& lexicon, std::string_view word) {
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

double lookup(const LanguageLexicon& lexicon, const Item& item) {
    switch (item.kind) {
        case TokenKind::word: {
            const auto it = lexicon.valence.find(item.text);
            if (it != lexicon.valence.end()) return it->second;
            return item.elongated ? lookup_elongated(lexicon, item.text) : 0.0;
        }
        case TokenKind::hashtag: {
            const auto it = lexicon.valence.find(item.text.substr(1));
            return it == lexicon.valence.end() ? 0.0 : it->second;
        }
        case TokenKind::emoticon:
            return Lexicons::get().emoticon(item.text);
        case TokenKind::emoji:
            return Lexicons::get().emoji(item.text);
        default:
            return 0.0;
    }
}

bool is_negation(const LanguageLexicon& lexicon, std::string_view word) {
    if (lexicon.negations.count(word) != 0) return true;
    return word.size() > 3 && word.substr(word.size() - 3) == "n't";
}

double sign(double value) { return value < 0 ? -1.0 : 1.0; }

}  // namespace

LexiconLanguage lexicon_language(std::string_view lang) {
    return lang == "nl" ? LexiconLanguage::dutch : LexiconLanguage::english;
}

SentimentDetail analyse_sentiment(const NormalizedText& text, std::string_view lang, bool rules) {
    const LanguageLexicon& lexicon = Lexicons::get().language(lexicon_language(lang));
    std::vector<Item> items;
    items.reserve(text.tokens.size());
    std::size_t caps_words = 0;
    std::size_t words = 0;
    for (const auto& token : text.tokens) {
        if (token.kind == TokenKind::punct) continue;
        items.push_back({text.token_text(token), token.kind, token.all_caps, token.elongated});
        if (token.kind == TokenKind::word) {
            ++words;
            if (token.all_caps) ++caps_words;
        }
    }
    const bool caps_differential = caps_words > 0 && caps_words < words;

    SentimentDetail detail;
    std::vector<double> valences(items.size(), 0.0);
    std::vector<Contribution> contributions;
    for (std::size_t i = 0; i < items.size(); ++i) {
        const Item& item = items[i];
        double valence = lookup(lexicon, item);
        if (valence == 0.0) continue;
        if (!rules) {
            valences[i] = valence;
            contributions.push_back({item.text, valence, false, false});
            continue;
        }
        const bool is_word = item.kind == TokenKind::word;
        if (is_word && lexicon.boosters.count(item.text) != 0 && i + 1 < items.size() &&
            lookup(lexicon, items[i + 1]) != 0.0) {
            continue;  // "super friendly": the booster scales its neighbour instead
        }
        if (is_word && item.text == "no" && i + 1 < items.size() &&
            lookup(lexicon, items[i + 1]) != 0.0) {
            continue;  // "no problems" is handled as a negation of "problems"
        }
        bool caps = false;
        if (item.all_caps && caps_differential) {
            valence += sign(valence) * kCapsIncrement;
            caps = true;
        }
        if (item.elongated) valence += sign(valence) * kElongationIncrement;
        bool negated = false;
        for (std::size_t distance = 1; distance <= 3 && distance <= i; ++distance) {
            const Item& before = items[i - distance];
            if (before.kind != TokenKind::word) continue;
            if (lookup(lexicon, before) != 0.0 && lexicon.boosters.count(before.text) == 0) {
                continue;
            }
            auto boost = lexicon.boosters.find(before.text);
            if (boost == lexicon.boosters.end() && before.elongated) {
                std::string squeezed;
                for (std::size_t k = 0; k < before.text.size(); ++k) {
                    if (k == 0 || before.text[k] != before.text[k - 1]) squeezed += before.text[k];
                }
                boost = lexicon.boosters.find(squeezed);
            }
            if (boost != lexicon.boosters.end()) {
                double scalar = boost->second * (valence < 0 ? -1.0 : 1.0);
                if (before.elongated) scalar += sign(scalar) * kElongationIncrement;
                if (before.all_caps && caps_differential) scalar += sign(scalar) * kCapsIncrement;
                if (distance == 2) scalar *= 0.95;
                if (distance == 3) scalar *= 0.9;
                valence += scalar;
            }
            if (is_negation(lexicon, before.text) && !negated) {
                valence *= kNegationScalar;
                negated = true;
            }
        }
        valences[i] = valence;
        contributions.push_back({item.text, valence, negated, caps});
        if (negated) ++detail.negations;
    }

    if (rules) {
        for (std::size_t i = 0; i < items.size(); ++i) {
            if (items[i].kind != TokenKind::word || lexicon.contrasts.count(items[i].text) == 0) {
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
    if (rules && sum != 0.0) {
        const double exclamation = std::min<std::uint32_t>(text.exclamations, 4) * 0.292;
        double question = 0.0;
        if (text.questions > 1) question = text.questions <= 3 ? text.questions * 0.18 : 0.96;
        sum += sign(sum) * (exclamation + question);
    }
    detail.sum = sum;
    detail.compound = sum / std::sqrt(sum * sum + kAlpha);

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
    return detail;
}

SentimentScore score_sentiment(const NormalizedText& text, std::string_view lang) {
    SentimentDetail detail = analyse_sentiment(text, lang, true);
    // Service failures ("my bag is still missing") are negative even without negative words.
    const ComplaintFeatures cues = complaint_features(text, lang, SentimentScore{});
    const double failures = cues.values[static_cast<std::size_t>(ComplaintFeature::problem)] +
                            cues.values[static_cast<std::size_t>(ComplaintFeature::expectation)];
    if (failures > 0) {
        detail.sum -= kFailureValence * failures;
        detail.compound = detail.sum / std::sqrt(detail.sum * detail.sum + kAlpha);
        detail.explanation += "; service failure cues";
    }
    SentimentScore score;
    score.score = std::clamp(detail.compound, -1.0, 1.0);
    if (score.score >= kPositiveThreshold) {
        score.polarity = Polarity::positive;
    } else if (score.score <= kNegativeThreshold) {
        score.polarity = Polarity::negative;
    }
    char buffer[32];
    std::snprintf(buffer, sizeof buffer, "%+.2f ", score.score);
    score.explanation = buffer + std::move(detail.explanation);
    return score;
}

SentimentScore score_sentiment_baseline(const NormalizedText& text, std::string_view lang) {
    SentimentDetail detail = analyse_sentiment(text, lang, false);
    SentimentScore score;
    score.score = std::clamp(detail.compound, -1.0, 1.0);
    if (score.score >= kPositiveThreshold) {
        score.polarity = Polarity::positive;
    } else if (score.score <= kNegativeThreshold) {
        score.polarity = Polarity::negative;
    }
    score.explanation = std::move(detail.explanation);
    return score;
}

}  // namespace spreekbuis::rules
