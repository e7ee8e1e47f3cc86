#pragma once
// Everything the scorers know about one folded word, found with one hash lookup per token:
// valence and booster value per lexicon language, negation and contrast flags, the languages
// that list it as a stop word, and the complaint cues it starts. Built once on first use from
// the lexicons, the stop-word lists and the cue list; immutable afterwards; any thread.
#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "rules/key_filter.hpp"
#include "rules/normalize.hpp"

namespace spreekbuis::rules {

// 18 bytes, stored inside the hash slot: one cache line per lookup.
struct WordInfo {
    static constexpr std::uint8_t kNumberWord = 1;   // a number in complaint cues ("two", "drie")
    static constexpr std::uint8_t kCueNegation = 2;  // negates a praise cue ("not", "geen")
    static constexpr std::uint8_t kNumberUnit = 4;   // follows a number in a cue ("hours")

    std::uint8_t has_valence = 0;  // bit (1 << LexiconLanguage)
    std::uint8_t is_booster = 0;
    std::uint8_t negation = 0;
    std::uint8_t contrast = 0;
    std::uint8_t stop_languages = 0;  // bit per detect_language candidate
    std::uint8_t request = 0;         // a request marker ("please"): no valence under the rules
    std::uint8_t cue_marks = 0;       // kNumberWord | kCueNegation | kNumberUnit
    std::uint8_t cue_count = 0;       // complaint cues starting with this word:
    std::uint16_t cue_first = 0;      // WordTable::cues()[cue_first .. cue_first + cue_count)
    // By LexiconLanguage, into WordTable's value list (exact doubles, shared by equal values);
    // valid where has_valence / is_booster has the language's bit.
    std::array<std::uint16_t, 2> valence_value{};
    std::array<std::uint16_t, 2> booster_value{};
};

class WordTable {
  public:
    static const WordTable& get();

    // Null when no scorer knows the word.
    const WordInfo* find(std::string_view word) const;
    const std::vector<std::uint32_t>& cues() const { return cues_; }
    double valence(const WordInfo& info, std::size_t lang) const {
        return values_[info.valence_value[lang]];
    }
    double booster(const WordInfo& info, std::size_t lang) const {
        return values_[info.booster_value[lang]];
    }

  private:
    static constexpr std::size_t kInlineKey = 9;
    // A word of up to kInlineKey bytes is stored in `key`; a longer one in keys_ at the offset
    // stored in the first four bytes of `key`.
    struct Slot {
        std::uint32_t hash = 0;
        std::uint8_t length = 0;  // 0 marks an empty slot
        char key[kInlineKey] = {};
        WordInfo info;
    };

    WordTable();

    std::vector<Slot> slots_;  // open addressing, linear probing, power-of-two size
    std::size_t mask_ = 0;
    KeyFilter filter_;  // answers "unknown word" without probing the slots
    std::string keys_;
    std::vector<double> values_;
    std::vector<std::uint32_t> cues_;
};

// The WordInfo of each token of `text` by token index: words look up their text, hashtags
// their text without '#' (hashtag_info); null for anything else or an unknown word.
struct TokenWords {
    std::vector<const WordInfo*> info;
    std::vector<const WordInfo*> hashtag_info;

    void fill(const NormalizedText& text);
};

// Data the table is built from, defined beside the scorers that own it.
struct StopWord {
    std::string_view word;
    std::uint8_t languages;
};
std::vector<StopWord> language_stop_words();
struct CueStart {
    std::string_view word;
    std::uint32_t cue;  // index into the complaint cue list, in list order
};
std::vector<CueStart> complaint_cue_starts();
std::vector<std::string_view> complaint_number_words();
std::vector<std::string_view> complaint_number_units();
std::vector<std::string_view> complaint_cue_negations();

}  // namespace spreekbuis::rules
