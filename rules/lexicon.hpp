#pragma once
// Sentiment lexicons and word lists for English and Dutch, parsed once from the embedded
// files of rules/lexicons/ on first use. Immutable after construction; any thread.
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>

namespace spreekbuis::rules {

struct StringHash {
    using is_transparent = void;
    std::size_t operator()(std::string_view text) const noexcept {
        return std::hash<std::string_view>{}(text);
    }
};

using ValenceMap = std::unordered_map<std::string, double, StringHash, std::equal_to<>>;
using WordSet = std::unordered_set<std::string, StringHash, std::equal_to<>>;

enum class LexiconLanguage { english, dutch };

struct LanguageLexicon {
    ValenceMap valence;   // folded word -> valence on VADER's -4..4 scale
    ValenceMap boosters;  // folded word -> +0.293 (intensifier) or -0.293 (diminisher)
    WordSet negations;
    WordSet contrasts;  // "but", "maar": the clause after weighs more
    // "please", "alsjeblieft", "help": request markers. General lexicons score them positive,
    // but in a post to a brand they ask for something; the rules give them no sentiment.
    WordSet requests;
};

class Lexicons {
  public:
    static const Lexicons& get();

    const LanguageLexicon& language(LexiconLanguage lang) const {
        return lang == LexiconLanguage::dutch ? dutch_ : english_;
    }
    // Valence of an emoji (without variation selectors or skin tones), 0 when unknown.
    double emoji(std::string_view emoji) const;
    // Valence of an emoticon token (":)", "<3", "xd"), 0 when unknown.
    double emoticon(std::string_view emoticon) const;

  private:
    Lexicons();

    LanguageLexicon english_;
    LanguageLexicon dutch_;
    ValenceMap emoji_;
    ValenceMap emoticons_;
};

// Folded form of a lexicon entry, as normalize() folds post text.
std::string fold_entry(std::string_view entry);

}  // namespace spreekbuis::rules
