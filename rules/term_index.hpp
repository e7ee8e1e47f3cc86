#pragma once
// Finds every plain term and phrase of a rule program in a post's token stream in one pass over
// the tokens, whatever the number of terms. A term is a sequence of whole folded tokens (a word
// with a trailing '*' matches any token it starts); terms are keyed by their first word in one
// hash table for whole words and one for prefixes, and the rest of a phrase is checked at the
// tokens that follow. Phrases whose second word is a whole word are keyed once more by that
// word's hash, so a common first word ("flight") does not walk every phrase it starts. Built
// once on the loading thread; find() is const and safe on any thread.
#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "rules/compiled_program.hpp"
#include "rules/key_filter.hpp"
#include "rules/word_table.hpp"

namespace spreekbuis::rules {

class TermIndex {
  public:
    // The tokens of one post: token i is stream[begin[i] .. end[i]) (the post's folded text),
    // and hash[i] is word_hash::hash_word of it (the scorer computed it for its own lookup).
    struct Tokens {
        std::string_view stream;
        const std::uint32_t* begin = nullptr;
        const std::uint32_t* end = nullptr;
        const std::uint32_t* hash = nullptr;
        std::size_t size = 0;
        // `stream`'s buffer is readable up to here (word_hash::hash_word_in): a string's
        // data() plus capacity(); null: to stream's end.
        const char* readable = nullptr;

        std::string_view operator[](std::size_t i) const {
            return std::string_view(stream.data() + begin[i], end[i] - begin[i]);
        }
    };

    void build(const std::vector<compiled::TermPattern>& terms);

    // Calls mark(term id) for every term that occurs (possibly more than once per term).
    template <typename Mark>
    void find(const Tokens& tokens, Mark&& mark) const;

    std::size_t keys() const { return exact_.entries.size() + prefix_.entries.size(); }

  private:
    // A key's terms in term_refs_: [first, first + count) are checked at every occurrence
    // (single words, phrases whose second word is a prefix); the phrases with a whole second
    // word are in pairs_ under (this entry, that word's hash) when `paired`.
    struct Entry {
        std::uint32_t key_begin = 0;  // into key_text_
        std::uint32_t key_size = 0;
        std::uint32_t first = 0;  // into term_refs_
        std::uint32_t count = 0;
        std::uint32_t number = 0;  // unique over both tables: the pair key's high half
        bool paired = false;
    };
    // A run of term_refs_: the phrases that start with one key and go on with one whole word.
    struct PairSlot {
        std::uint64_t key = 0;  // Entry::number << 32 | hash of the second word
        std::uint32_t first = 0;
        std::uint32_t count = 0;  // 0 marks an empty slot
    };
    struct Slot {
        std::uint32_t tag = 0;    // low half of the key's hash
        std::uint32_t entry = 0;  // index into entries plus one; 0 marks an empty slot
    };
    struct Table {
        std::vector<Slot> slots;  // open addressing, linear probing, power-of-two size
        std::vector<Entry> entries;
        std::uint64_t mask = 0;
        int shift = 64;
        KeyFilter filter;  // most tokens are no key: answered without touching the slots
    };
    // One term under a key: the words after the first are tail_[tail .. tail + tail_size).
    struct TermRef {
        std::uint32_t id = 0;
        std::uint32_t tail = 0;
        std::uint32_t tail_size = 0;
        bool hashtag_too = false;
    };
    struct TailWord {
        std::uint32_t begin = 0;  // into key_text_
        std::uint32_t size = 0;
        bool prefix = false;
        std::uint32_t hash = 0;  // hash_word(text) of a whole word: most phrases fail on it
    };

    static constexpr std::uint64_t kMix = 0x9E3779B97F4A7C15ULL;
    static constexpr std::size_t kPairBuckets = 4096;

    // Keys are hashed with word_hash::hash_word: whole words arrive with that hash, and a
    // token's prefix is hashed only at the lengths some prefix key of its first two bytes has.
    // Entries get numbers from `first_number` on; their phrase runs are appended to `runs`.
    void fill(Table& table, std::vector<std::pair<std::string, std::vector<std::uint32_t>>> keys,
              const std::vector<compiled::TermPattern>& terms, std::uint32_t first_number,
              std::vector<PairSlot>& runs);
    static std::uint64_t home(const Table& table, std::uint64_t hash) {
        return (hash * kMix) >> table.shift;
    }
    static std::uint64_t filter_mix(std::uint64_t hash) { return hash ^ (hash >> 29); }
    // The bucket of a word's first two bytes (two or more bytes), in prefix_lengths_.
    static std::size_t pair_bucket(std::string_view word) {
        const std::size_t pair = static_cast<std::size_t>(static_cast<unsigned char>(word[0]))
                                     << 8 |
                                 static_cast<unsigned char>(word[1]);
        return (pair * 0x9E37u >> 4) & (kPairBuckets - 1);
    }
    const Entry* lookup(const Table& table, std::uint64_t hash, std::string_view key) const;
    const PairSlot* find_pair(std::uint64_t key) const;
    void build_pairs(const std::vector<PairSlot>& runs);
    void add_ref(const compiled::TermPattern& term, std::uint32_t id);
    template <typename Mark>
    void check_entry(const Entry& entry, const Tokens& tokens, std::size_t at, bool hashtag,
                     Mark& mark) const;
    template <typename Mark>
    void scan(const Tokens& tokens, std::size_t at, std::string_view word, std::uint32_t hash,
              bool hashtag, Mark& mark) const;
    template <typename Mark>
    void check(std::uint32_t first, std::uint32_t count, const Tokens& tokens, std::size_t at,
               bool hashtag, Mark& mark) const;

    std::vector<TermRef> term_refs_;
    std::vector<TailWord> tail_;
    std::string key_text_;
    Table exact_;
    Table prefix_;
    std::vector<PairSlot> pairs_;  // open addressing, linear probing, power-of-two size
    std::uint64_t pair_mask_ = 0;
    // By pair_bucket of a prefix key's first two bytes: bit L, some such key has L bytes
    // (bit kLongPrefix: that many bytes or more). Most buckets are empty, and turn a token down
    // at once: prefix_buckets_, one bit per bucket (512 bytes, which stay in the L1 cache), says
    // which are not, so the 8 KB of lengths are read only for those.
    static constexpr std::size_t kLongPrefix = 15;
    std::vector<std::uint16_t> prefix_lengths_ = std::vector<std::uint16_t>(kPairBuckets);
    std::array<std::uint64_t, kPairBuckets / 64> prefix_buckets_{};  // bit: lengths != 0
    std::size_t longest_prefix_ = 0;
    bool hashtags_ = false;  // some term also matches as #word
};

inline const TermIndex::Entry* TermIndex::lookup(const Table& table, std::uint64_t hash,
                                                 std::string_view key) const {
    if (table.entries.empty()) return nullptr;
    if (!table.filter.may_contain(filter_mix(hash))) return nullptr;
    const auto tag = static_cast<std::uint32_t>(hash);
    for (std::uint64_t i = home(table, hash);; i = (i + 1) & table.mask) {
        const Slot slot = table.slots[i];
        if (slot.entry == 0) return nullptr;
        if (slot.tag != tag) continue;
        const Entry& entry = table.entries[slot.entry - 1];
        if (entry.key_size == key.size() &&
            word_hash::same_bytes(key_text_.data() + entry.key_begin, key.data(), key.size())) {
            return &entry;
        }
    }
}

inline const TermIndex::PairSlot* TermIndex::find_pair(std::uint64_t key) const {
    for (std::uint64_t i = (key * kMix) >> 32 & pair_mask_;; i = (i + 1) & pair_mask_) {
        const PairSlot& slot = pairs_[i];
        if (slot.count == 0) return nullptr;
        if (slot.key == key) return &slot;
    }
}

template <typename Mark>
void TermIndex::check_entry(const Entry& entry, const Tokens& tokens, std::size_t at, bool hashtag,
                            Mark& mark) const {
    check(entry.first, entry.count, tokens, at, hashtag, mark);
    if (entry.paired && at + 1 < tokens.size) {
        const std::uint64_t key = std::uint64_t{entry.number} << 32 | tokens.hash[at + 1];
        if (const PairSlot* pair = find_pair(key)) {
            check(pair->first, pair->count, tokens, at, hashtag, mark);
        }
    }
}

template <typename Mark>
void TermIndex::check(std::uint32_t first, std::uint32_t count, const Tokens& tokens,
                      std::size_t at, bool hashtag, Mark& mark) const {
    // The next token's hash, once per run: a phrase whose second word is a whole word is
    // turned down by comparing hashes before any text.
    const std::uint32_t next_hash = at + 1 < tokens.size ? tokens.hash[at + 1] : 0;
    for (std::uint32_t k = first; k < first + count; ++k) {
        const TermRef& ref = term_refs_[k];
        if (hashtag && !ref.hashtag_too) continue;
        if (ref.tail_size > 0) {
            if (at + ref.tail_size >= tokens.size) continue;
            const TailWord& second = tail_[ref.tail];
            if (!second.prefix && second.hash != next_hash) continue;
            bool ok = true;
            for (std::size_t j = 0; j < ref.tail_size && ok; ++j) {
                const TailWord& word = tail_[ref.tail + j];
                const auto token = tokens[at + 1 + j];
                // A prefix word compares with the token's start, a whole word with all of it.
                const bool fits =
                    word.prefix ? token.size() >= word.size : token.size() == word.size;
                ok = fits &&
                     word_hash::same_bytes(key_text_.data() + word.begin, token.data(), word.size);
            }
            if (!ok) continue;
        }
        mark(ref.id);
    }
}

template <typename Mark>
void TermIndex::scan(const Tokens& tokens, std::size_t at, std::string_view word,
                     std::uint32_t hash, bool hashtag, Mark& mark) const {
    if (word.size() >= 2) {
        const std::size_t bucket = pair_bucket(word);
        // The bitmap first: 512 bytes that stay cached, where the lengths (8 KB) would not.
        std::uint32_t lengths =
            (prefix_buckets_[bucket >> 6] >> (bucket & 63) & 1) != 0 ? prefix_lengths_[bucket] : 0;
        if (lengths != 0) {
            // Lengths past the word's own are no prefix of it; the last bit stands for
            // kLongPrefix bytes and more, each of which is tried.
            const std::size_t most = word.size() < longest_prefix_ ? word.size() : longest_prefix_;
            if (most < kLongPrefix) lengths &= (2u << most) - 1;
            for (; lengths != 0; lengths &= lengths - 1) {
                const auto length = static_cast<std::size_t>(__builtin_ctz(lengths));
                const std::size_t last = length < kLongPrefix ? length : most;
                for (std::size_t n = length; n <= last; ++n) {
                    const std::string_view prefix(word.data(), n);  // n <= word.size()
                    if (const Entry* entry = lookup(
                            prefix_, word_hash::hash_word_in(prefix, tokens.readable), prefix)) {
                        check_entry(*entry, tokens, at, hashtag, mark);
                    }
                }
            }
        }
    }
    if (const Entry* entry = lookup(exact_, hash, word)) {
        check_entry(*entry, tokens, at, hashtag, mark);
    }
}

template <typename Mark>
void TermIndex::find(const Tokens& tokens, Mark&& mark) const {
    if (tokens.readable == nullptr) {
        Tokens bounded = tokens;
        bounded.readable = tokens.stream.data() + tokens.stream.size();
        find(bounded, mark);
        return;
    }
    for (std::size_t i = 0; i < tokens.size; ++i) {
        const auto token = tokens[i];
        scan(tokens, i, token, tokens.hash[i], false, mark);
        if (hashtags_ && token.size() > 1 && token[0] == '#') {
            const auto tag = token.substr(1);
            scan(tokens, i, tag, word_hash::hash_word_in(tag, tokens.readable), true, mark);
        }
    }
}

}  // namespace spreekbuis::rules
