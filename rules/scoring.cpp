// Language detection: the declared language when there is one, otherwise stop-word evidence.
#include "rules/scoring.hpp"

#include <algorithm>
#include <array>
#include <string>

#include "rules/sentiment_detail.hpp"
#include "rules/word_table.hpp"

namespace spreekbuis::rules {

namespace {

struct LanguageWords {
    std::string_view code;
    std::string_view words;  // space-separated folded stop words
};

// Frequent function words that are distinctive for each language.
constexpr std::array<LanguageWords, 5> kLanguages = {{
    {"en",
     "the and is are was were not my to of you your for with this that it's i'm have has "
     "been still what when why how can't don't didn't will would should could just from they "
     "their there our we at on be by me or an all no so get got about after"},
    {"nl",
     "de het een niet geen ik je jij wij we mijn van op te dat is en nog maar al wel naar met "
     "voor bij ook er zijn was heb hebt heeft dit die wat hoe waarom wanneer jullie u uw "
     "ben kan kun moet zou nu dan toch echt weer zo om aan uit over door zich haar hem hij "
     "ze worden wordt werd gaat niks niets veel meer"},
    {"de",
     "der die das und ist nicht ein eine ich du wir mein meine von zu mit auf für bei noch "
     "aber auch sind war habe hat wie warum wann kein keine sehr schon mal doch nur den dem "
     "des sich es im ihr sie"},
    {"fr",
     "le la les et est pas un une je tu nous mon ma mes de du des pour avec sur dans que qui "
     "ce cette mais ne plus très aussi sont était ai vous votre pourquoi quand comment il elle "
     "au aux en"},
    {"es",
     "el la los las y es no un una yo tu nosotros mi mis de del para con por que en pero muy "
     "más también son era he ha usted su sus por qué cuando como está esta este lo le se al"},
}};

constexpr std::size_t kLanguageCount = kLanguages.size();
static_assert(kLanguageCount == LanguageEvidence::kCandidates);
constexpr double kUnscoredEvidence = 1.5;  // stop-word weight needed for a language we do not score

std::string normalize_declared(std::string_view declared) {
    // Letters up to '-' or '_', lower-cased; two or three of them, or "und". Built in a small
    // buffer: every post with a lang comes here.
    char code[3];
    std::size_t size = 0;
    for (char c : declared) {
        if (c == '-' || c == '_') break;
        if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
        if (c < 'a' || c > 'z' || size == 3) return "und";
        code[size++] = c;
    }
    if (size < 2) return "und";
    return std::string(code, size);
}

}  // namespace

std::vector<StopWord> language_stop_words() {
    std::vector<StopWord> out;
    for (std::size_t l = 0; l < kLanguageCount; ++l) {
        const std::string_view words = kLanguages[l].words;
        std::size_t pos = 0;
        while (pos < words.size()) {
            std::size_t end = words.find(' ', pos);
            if (end == std::string_view::npos) end = words.size();
            if (end > pos)
                out.push_back({words.substr(pos, end - pos), static_cast<std::uint8_t>(1u << l)});
            pos = end + 1;
        }
    }
    return out;
}

std::string_view common_word_language(std::string_view word) {
    for (const auto& language : kLanguages) {
        std::string_view words = language.words;
        while (!words.empty()) {
            const auto end = std::min(words.find(' '), words.size());
            if (words.substr(0, end) == word) return language.code;
            words.remove_prefix(std::min(end + 1, words.size()));
        }
    }
    return {};
}

bool is_scored_language(std::string_view lang) {
    return lang == "en" || lang == "nl" || lang == "und";
}

std::string unscored_explanation(std::string_view lang) {
    return "not scored (lang " + std::string(lang) + ")";
}

std::string detect_language(const NormalizedText& text, std::string_view declared) {
    if (!declared.empty()) return normalize_declared(declared);
    TokenWords words;
    words.fill(text);
    return detect_language(text, words, declared);
}

std::string detect_language(const NormalizedText& text, const TokenWords& words,
                            std::string_view declared) {
    if (!declared.empty()) return declared_language(declared);
    LanguageEvidence evidence;
    for (std::size_t t = 0; t < text.tokens.size(); ++t) {
        const Token& token = text.tokens[t];
        if (token.kind == TokenKind::word) evidence.add_word(text.token_text(token), words.info[t]);
    }
    return evidence.decide();
}

std::string declared_language(std::string_view declared) { return normalize_declared(declared); }

void LanguageEvidence::add_word(std::string_view word, const WordInfo* info) {
    ++words_;
    if (info != nullptr && info->stop_languages != 0) {
        const unsigned bits = info->stop_languages;
        const int shared = __builtin_popcount(bits);
        for (std::size_t l = 0; l < kLanguageCount; ++l) {
            if ((bits & (1u << l)) != 0) score_[l] += 1.0 / shared;
        }
    }
    // Cheap orthographic hints.
    if (word.find("ij") != std::string_view::npos) score_[1] += 0.3;
    if (word.size() > 3 && word.substr(word.size() - 3) == "ing") score_[0] += 0.2;
    if (word.find("sch") != std::string_view::npos) score_[1] += 0.15, score_[2] += 0.15;
    if (word.find("th") != std::string_view::npos) score_[0] += 0.2;
}

std::string LanguageEvidence::decide() const {
    const auto& score = score_;
    std::size_t best = 0;
    std::size_t second = 1;
    for (std::size_t l = 1; l < kLanguageCount; ++l) {
        if (score[l] > score[best]) {
            second = best;
            best = l;
        } else if (l != best && score[l] > score[second]) {
            second = l;
        }
    }
    if (best == second) second = best == 0 ? 1 : 0;
    const double top = score[best];
    const double margin = top - score[second];
    if (words_ == 0 || top < 1.0 || margin < 0.5 || margin < 0.2 * top) return "und";
    // A post called German, French or Spanish is not scored, so one stray stop word ("he",
    // "ha", "im" in an English tweet) must not decide it: those need more evidence than
    // English and Dutch, and "und" (scored as English) is the safer call.
    if (!is_scored_language(kLanguages[best].code) && top < kUnscoredEvidence) return "und";
    return std::string(kLanguages[best].code);
}

}  // namespace spreekbuis::rules
