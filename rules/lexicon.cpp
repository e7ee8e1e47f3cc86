#include "rules/lexicon.hpp"

#include <algorithm>
#include <array>
#include <cstdlib>

#include "rules/lexicon_data.hpp"
#include "rules/normalize.hpp"

namespace spreekbuis::rules {

namespace {

constexpr double kBoostIncrement = 0.293;
constexpr double kBoostDecrement = -0.293;
constexpr double kDutchLupjeScale = 0.8;    // LUPJE -5..5 -> VADER -4..4
constexpr double kDutchPatternScale = 4.0;  // Pattern -1..1 -> VADER -4..4

constexpr std::array<std::string_view, 60> kEnglishIncrements = {
    "absolutely", "amazingly",    "awfully",       "completely",   "considerable", "considerably",
    "decidedly",  "deeply",       "effing",        "enormous",     "enormously",   "entirely",
    "especially", "exceptional",  "exceptionally", "extreme",      "extremely",    "fabulously",
    "flipping",   "flippin",      "fricking",      "frickin",      "frigging",     "friggin",
    "fully",      "fucking",      "fuckin",        "greatly",      "hella",        "highly",
    "hugely",     "incredible",   "incredibly",    "intensely",    "major",        "majorly",
    "more",       "most",         "particularly",  "purely",       "quite",        "really",
    "remarkably", "so",           "substantially", "thoroughly",   "total",        "totally",
    "tremendous", "tremendously", "uber",          "unbelievably", "unusually",    "utter",
    "utterly",    "very",         "super",         "soo",          "sooo",         "way"};
constexpr std::array<std::string_view, 22> kEnglishDecrements = {
    "almost",   "barely",   "hardly",     "kinda",      "kindof",       "less",
    "little",   "marginal", "marginally", "occasional", "occasionally", "partly",
    "scarcely", "slightly", "somewhat",   "sorta",      "sortof",       "bit",
    "rather",   "fairly",   "mildly",     "pretty"};
constexpr std::array<std::string_view, 36> kEnglishNegations = {
    "not",    "no",      "never",  "none",   "nobody",  "nothing",  "nowhere", "neither",
    "nor",    "without", "hardly", "cannot", "cant",    "can't",    "dont",    "don't",
    "doesnt", "doesn't", "didnt",  "didn't", "isnt",    "isn't",    "wasnt",   "wasn't",
    "arent",  "aren't",  "wont",   "won't",  "wouldnt", "wouldn't", "havent",  "haven't",
    "hasnt",  "hasn't",  "aint",   "ain't"};
constexpr std::array<std::string_view, 4> kEnglishRequests = {"please", "pls", "plz", "help"};
constexpr std::array<std::string_view, 5> kEnglishContrasts = {"but", "however", "though",
                                                               "although", "yet"};

constexpr std::array<std::string_view, 28> kDutchIncrements = {
    "heel",       "erg",        "echt",         "zeer",       "super",
    "enorm",      "ontzettend", "behoorlijk",   "vreselijk",  "verschrikkelijk",
    "hartstikke", "bijzonder",  "uiterst",      "extreem",    "zo",
    "zoo",        "te",         "hoogst",       "waanzinnig", "mega",
    "intens",     "uitermate",  "buitengewoon", "werkelijk",  "totaal",
    "volledig",   "helemaal",   "best"};
constexpr std::array<std::string_view, 9> kDutchDecrements = {"nogal",      "beetje",   "amper",
                                                              "nauwelijks", "redelijk", "vrij",
                                                              "enigszins",  "tamelijk", "ietwat"};
constexpr std::array<std::string_view, 9> kDutchNegations = {
    "niet", "geen", "nooit", "niets", "niks", "zonder", "nergens", "niemand", "noch"};
constexpr std::array<std::string_view, 5> kDutchRequests = {"alsjeblieft", "alstublieft", "pls",
                                                            "help", "helpen"};
constexpr std::array<std::string_view, 4> kDutchContrasts = {"maar", "echter", "toch", "alhoewel"};

// Lines "entry<TAB>number[<TAB>...]"; CRLF tolerated; bad lines skipped.
template <typename Fn>
void for_each_entry(std::string_view file, Fn&& fn) {
    std::size_t pos = 0;
    while (pos < file.size()) {
        std::size_t end = file.find('\n', pos);
        if (end == std::string_view::npos) end = file.size();
        std::string_view line = file.substr(pos, end - pos);
        pos = end + 1;
        if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
        const std::size_t tab = line.find('\t');
        if (tab == std::string_view::npos || tab == 0) continue;
        std::string_view rest = line.substr(tab + 1);
        const std::size_t tab2 = rest.find('\t');
        if (tab2 != std::string_view::npos) rest = rest.substr(0, tab2);
        fn(line.substr(0, tab), rest);
    }
}

bool parse_number(std::string_view text, double& value) {
    if (text.empty() || text.size() > 31) return false;
    char buffer[32];
    std::copy(text.begin(), text.end(), buffer);
    buffer[text.size()] = '\0';
    char* end = nullptr;
    value = std::strtod(buffer, &end);
    return end == buffer + text.size();
}

template <std::size_t N>
void add_words(WordSet& set, const std::array<std::string_view, N>& words) {
    for (auto w : words) set.emplace(w);
}

template <std::size_t N>
void add_boosters(ValenceMap& map, const std::array<std::string_view, N>& words, double value) {
    for (auto w : words) map.emplace(std::string(w), value);
}

std::string strip_emoji_modifiers(std::string_view text) {
    std::string out;
    out.reserve(text.size());
    for (std::size_t i = 0; i < text.size(); ++i) {
        // U+1F3FB..U+1F3FF (skin tones) are F0 9F 8F BB..BF; U+FE0F is EF B8 8F.
        if (i + 3 < text.size() && text.compare(i, 3, "\xF0\x9F\x8F") == 0 &&
            static_cast<unsigned char>(text[i + 3]) >= 0xBB) {
            i += 3;
            continue;
        }
        if (i + 2 < text.size() && text.compare(i, 3, "\xEF\xB8\x8F") == 0) {
            i += 2;
            continue;
        }
        out.push_back(text[i]);
    }
    return out;
}

}  // namespace

std::string fold_entry(std::string_view entry) { return normalize(entry).folded; }

const Lexicons& Lexicons::get() {
    static const Lexicons instance;
    return instance;
}

Lexicons::Lexicons() {
    double value = 0.0;
    for_each_entry(
        embedded_lexicon("vader_en.txt"), [&](std::string_view word, std::string_view v) {
            if (!parse_number(v, value)) return;
            std::string key = fold_entry(word);
            const auto normalized = normalize(word);
            const bool is_word =
                !normalized.tokens.empty() && normalized.tokens.front().kind == TokenKind::word;
            if (!is_word) emoticons_.emplace(key, value);
            english_.valence.emplace(std::move(key), value);
        });
    for_each_entry(embedded_lexicon("lupje_nl.txt"),
                   [&](std::string_view word, std::string_view v) {
                       if (parse_number(v, value))
                           dutch_.valence[fold_entry(word)] = value * kDutchLupjeScale;
                   });
    for_each_entry(embedded_lexicon("pattern_nl.txt"), [&](std::string_view word,
                                                           std::string_view v) {
        if (parse_number(v, value)) {
            dutch_.valence[fold_entry(word)] = std::clamp(value * kDutchPatternScale, -4.0, 4.0);
        }
    });
    for (const char* e : {"xd", "xdd", "xp"}) emoticons_.emplace(e, 1.5);
    for_each_entry(embedded_lexicon("vader_emoji.txt"),
                   [&](std::string_view emoji, std::string_view description) {
                       const auto words = normalize(description);
                       double sum = 0.0;
                       for (const auto& token : words.tokens) {
                           const auto it = english_.valence.find(words.token_text(token));
                           if (it != english_.valence.end()) sum += it->second;
                       }
                       if (sum != 0.0)
                           emoji_.emplace(strip_emoji_modifiers(emoji), std::clamp(sum, -3.5, 3.5));
                   });

    // Hand-set valences for frequent emoji whose description scores wrongly or not at all.
    for_each_entry(embedded_lexicon("emoji_overrides.txt"),
                   [&](std::string_view emoji, std::string_view v) {
                       if (parse_number(v, value)) emoji_[strip_emoji_modifiers(emoji)] = value;
                   });
    // Domain nouns that a general lexicon scores but that are neutral in customer service.
    for (const char* word : {"service"}) dutch_.valence.erase(word);

    add_boosters(english_.boosters, kEnglishIncrements, kBoostIncrement);
    add_boosters(english_.boosters, kEnglishDecrements, kBoostDecrement);
    add_words(english_.negations, kEnglishNegations);
    add_words(english_.contrasts, kEnglishContrasts);
    add_words(english_.requests, kEnglishRequests);
    add_boosters(dutch_.boosters, kDutchIncrements, kBoostIncrement);
    add_boosters(dutch_.boosters, kDutchDecrements, kBoostDecrement);
    add_words(dutch_.negations, kDutchNegations);
    add_words(dutch_.contrasts, kDutchContrasts);
    add_words(dutch_.requests, kDutchRequests);
    for (auto* lexicon : {&english_, &dutch_}) {
        for (const auto& negation : lexicon->negations) lexicon->valence.erase(negation);
        for (const auto& contrast : lexicon->contrasts) lexicon->valence.erase(contrast);
    }
}

double Lexicons::emoji(std::string_view emoji) const {
    const std::string key = strip_emoji_modifiers(emoji);
    auto it = emoji_.find(key);
    if (it != emoji_.end()) return it->second;
    // A ZWJ sequence without its own entry counts as its first emoji.
    const std::size_t zwj = key.find("\xE2\x80\x8D");
    if (zwj != std::string::npos) {
        it = emoji_.find(std::string_view(key).substr(0, zwj));
        if (it != emoji_.end()) return it->second;
    }
    return 0.0;
}

double Lexicons::emoticon(std::string_view emoticon) const {
    const auto it = emoticons_.find(emoticon);
    return it == emoticons_.end() ? 0.0 : it->second;
}

}  // namespace spreekbuis::rules
