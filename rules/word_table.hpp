#pragma once
// Everything the scorers know about one folded word, found with one hash lookup per token:
// valence and booster value per lexicon language, negation and contrast flags, the languages
// that list it as a stop word, and the complaint cues it starts. Built once on first use from
// the lexicons, the stop-word lists and the cue list; immutable afterwards; any thread.
#include <array>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>
#include <vector>

#include "rules/key_filter.hpp"
#include "rules/normalize.hpp"

namespace spreekbuis::rules {

// The table's hash and key comparison, inline: find() runs for every word of every post.
namespace word_hash {

inline std::uint64_t load8(const char* p) {
    std::uint64_t value = 0;
    std::memcpy(&value, p, 8);
    return value;
}

inline std::uint64_t load4(const char* p) {
    std::uint32_t value = 0;
    std::memcpy(&value, p, 4);
    return value;
}

// The low `n` bytes (1..8) of `value`, the others zero.
inline std::uint64_t low_bytes(std::uint64_t value, std::size_t n) {
    return value & (~std::uint64_t{0} >> (64 - 8 * n));
}

// The hash of word[0 .. n), n >= 1, eight bytes at a time; the last, partial block is read by
// `last(at)` (the bytes at `at` as one integer, those past the word masked off here).
template <typename LoadLast>
inline std::uint32_t hash_blocks(const char* word, std::size_t n, LoadLast&& last) {
    constexpr std::uint64_t kMultiplier = 0x9E3779B97F4A7C15ULL;
    std::uint64_t hash = n * kMultiplier;
    std::size_t at = 0;
    for (; at + 8 < n; at += 8) {
        hash = (hash ^ load8(word + at)) * kMultiplier;
        hash ^= hash >> 32;
    }
    hash = (hash ^ low_bytes(last(at), n - at)) * kMultiplier;
    return static_cast<std::uint32_t>(hash >> 32);
}

// Anywhere: the last block is copied byte by byte.
inline std::uint32_t hash_word(std::string_view word) {
    if (word.empty()) return 0;
    return hash_blocks(word.data(), word.size(), [&](std::size_t at) {
        std::uint64_t value = 0;
        std::memcpy(&value, word.data() + at, word.size() - at);
        return value;
    });
}

// The same hash for a word inside a buffer readable up to `readable` (a string's data() plus
// capacity(); at least the word's end): the last block is one load of eight bytes when they are all
// in the buffer, as for all but a post's last few bytes. A branch on the word's length (three
// classes, as many words of each) was mispredicted for about one word in three.
inline std::uint32_t hash_word_in(std::string_view word, const char* readable) {
    if (word.empty()) return 0;
    const std::size_t last = (word.size() - 1) & ~std::size_t{7};
    // Compared as a size: a pointer past the buffer may not even be formed.
    if (static_cast<std::size_t>(readable - word.data()) < last + 8) return hash_word(word);
    return hash_blocks(word.data(), word.size(),
                       [&](std::size_t at) { return load8(word.data() + at); });
}

// Whether the stored key equals `word` (same length, 1..kInlineKey or longer): a word of up to
// sixteen bytes is compared with two loads instead of a call to memcmp.
inline bool same_bytes(const char* key, const char* word, std::size_t n) {
    if (n >= 4 && n <= 8) {
        return load4(key) == load4(word) && load4(key + n - 4) == load4(word + n - 4);
    }
    if (n < 4) {  // bytes 0, n / 2 and n - 1 are all of them
        return static_cast<bool>((key[0] == word[0]) & (key[n / 2] == word[n / 2]) &
                                 (key[n - 1] == word[n - 1]));
    }
    if (n <= 16) {
        return load8(key) == load8(word) && load8(key + n - 8) == load8(word + n - 8);
    }
    return std::memcmp(key, word, n) == 0;
}

}  // namespace word_hash

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

    // Null when no scorer knows the word. Inline: every word of every post comes here.
    const WordInfo* find(std::string_view word) const {
        return find(word, word_hash::hash_word(word));
    }
    // The same when the caller has word_hash::hash_word(word) already.
    const WordInfo* find(std::string_view word, std::uint32_t hash) const;
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

inline const WordInfo* WordTable::find(std::string_view word, std::uint32_t hash) const {
    if (word.empty() || word.size() > 0xFF) return nullptr;
    if (!filter_.may_contain(hash >> 13)) return nullptr;
    for (std::size_t at = hash & mask_;; at = (at + 1) & mask_) {
        const Slot& slot = slots_[at];
        if (slot.length == 0) return nullptr;
        if (slot.hash != hash || slot.length != word.size()) continue;
        const char* key = slot.key;
        if (word.size() > kInlineKey) {
            std::uint32_t offset = 0;
            std::memcpy(&offset, slot.key, sizeof offset);
            key = keys_.data() + offset;
        }
        if (word_hash::same_bytes(key, word.data(), word.size())) return &slot.info;
    }
}

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
std::vector<std::string_view> complaint_cue_words();  // every literal word of every cue
std::vector<std::string_view> complaint_number_words();
std::vector<std::string_view> complaint_number_units();
std::vector<std::string_view> complaint_cue_negations();

}  // namespace spreekbuis::rules
