#include "rules/word_table.hpp"

#include <cstdlib>
#include <cstring>
#include <map>

#include "rules/lexicon.hpp"

namespace spreekbuis::rules {

namespace {

std::uint64_t load8(const char* p) {
    std::uint64_t value = 0;
    std::memcpy(&value, p, 8);
    return value;
}

std::uint64_t load4(const char* p) {
    std::uint32_t value = 0;
    std::memcpy(&value, p, 4);
    return value;
}

// The last 1..8 bytes of a word as one integer, without a loop: two overlapping loads for 4
// bytes or more, three single bytes below (every byte is read, so different words of one
// length differ here).
std::uint64_t tail_bits(const char* p, std::size_t n) {
    if (n >= 8) return load8(p + n - 8);
    if (n >= 4) return load4(p) | load4(p + n - 4) << 32;
    const auto byte = [p](std::size_t i) {
        return static_cast<std::uint64_t>(static_cast<unsigned char>(p[i]));
    };
    return byte(0) | byte(n / 2) << 8 | byte(n - 1) << 16;
}

std::uint32_t hash_word(std::string_view word) {
    constexpr std::uint64_t kMultiplier = 0x9E3779B97F4A7C15ULL;
    std::uint64_t hash = word.size() * kMultiplier;
    std::size_t at = 0;
    for (; at + 8 < word.size(); at += 8) {
        hash = (hash ^ load8(word.data() + at)) * kMultiplier;
        hash ^= hash >> 32;
    }
    hash = (hash ^ tail_bits(word.data(), word.size())) * kMultiplier;
    return static_cast<std::uint32_t>(hash >> 32);
}

// Whether the stored key equals `word` (same length, 1..kInlineKey or longer): the common short
// word is compared with two loads instead of a call to memcmp.
bool same_bytes(const char* key, const char* word, std::size_t n) {
    if (n >= 4 && n <= 8) {
        return load4(key) == load4(word) && load4(key + n - 4) == load4(word + n - 4);
    }
    if (n < 4) return tail_bits(key, n) == tail_bits(word, n);
    return std::memcmp(key, word, n) == 0;
}

std::uint8_t bit(LexiconLanguage lang) {
    return static_cast<std::uint8_t>(1u << static_cast<unsigned>(lang));
}

}  // namespace

const WordTable& WordTable::get() {
    static const WordTable instance;
    return instance;
}

WordTable::WordTable() {
    static_assert(sizeof(Slot) == 32);
    // Collected by word first (entries change as lists are read), then laid out in slots.
    std::map<std::string, WordInfo, std::less<>> words;
    std::map<std::uint64_t, std::uint16_t> value_ids;  // by bit pattern: exact, -0.0 kept
    const auto value_id = [&](double value) {
        std::uint64_t bits = 0;
        std::memcpy(&bits, &value, sizeof bits);
        const auto [it, added] = value_ids.try_emplace(bits, 0);
        if (added) {
            if (values_.size() > 0xFFFF) std::abort();  // compiled-in lexicons: impossible
            it->second = static_cast<std::uint16_t>(values_.size());
            values_.push_back(value);
        }
        return it->second;
    };
    const auto entry = [&](std::string_view word) -> WordInfo& {
        auto it = words.find(word);
        if (it == words.end()) it = words.emplace(std::string(word), WordInfo{}).first;
        return it->second;
    };
    const Lexicons& lexicons = Lexicons::get();
    for (const auto lang : {LexiconLanguage::english, LexiconLanguage::dutch}) {
        const auto index = static_cast<std::size_t>(lang);
        const LanguageLexicon& lexicon = lexicons.language(lang);
        for (const auto& [word, value] : lexicon.valence) {
            auto& info = entry(word);
            info.valence_value[index] = value_id(value);
            info.has_valence |= bit(lang);
        }
        for (const auto& [word, value] : lexicon.boosters) {
            auto& info = entry(word);
            info.booster_value[index] = value_id(value);
            info.is_booster |= bit(lang);
        }
        for (const auto& word : lexicon.negations) entry(word).negation |= bit(lang);
        for (const auto& word : lexicon.contrasts) entry(word).contrast |= bit(lang);
        for (const auto& word : lexicon.requests) entry(word).request |= bit(lang);
    }
    for (const auto& stop : language_stop_words())
        entry(stop.word).stop_languages |= stop.languages;
    for (auto word : complaint_number_words()) entry(word).cue_marks |= WordInfo::kNumberWord;
    for (auto word : complaint_cue_negations()) entry(word).cue_marks |= WordInfo::kCueNegation;
    for (auto word : complaint_number_units()) entry(word).cue_marks |= WordInfo::kNumberUnit;
    // Cue lists stay in cue order per word: the matcher prefers the earlier of equal lengths.
    std::map<std::string, std::vector<std::uint32_t>, std::less<>> cues_by_word;
    for (const auto& start : complaint_cue_starts()) {
        entry(start.word);
        auto it = cues_by_word.find(start.word);
        if (it == cues_by_word.end()) {
            it = cues_by_word.emplace(std::string(start.word), std::vector<std::uint32_t>{}).first;
        }
        it->second.push_back(start.cue);
    }
    for (const auto& [word, cues] : cues_by_word) {
        auto& info = words.find(word)->second;
        if (cues_.size() > 0xFFFF || cues.size() > 0xFF) std::abort();  // impossible: fixed list
        info.cue_first = static_cast<std::uint16_t>(cues_.size());
        info.cue_count = static_cast<std::uint8_t>(cues.size());
        cues_.insert(cues_.end(), cues.begin(), cues.end());
    }

    std::size_t capacity = 16;
    while (capacity < words.size() * 2) capacity *= 2;
    slots_.assign(capacity, Slot{});
    mask_ = capacity - 1;
    filter_.reset(words.size());
    for (const auto& [word, info] : words) {
        if (word.empty() || word.size() > 0xFF) std::abort();  // lexicon words: impossible
        Slot slot;
        slot.hash = hash_word(word);
        filter_.add(slot.hash >> 13);
        slot.length = static_cast<std::uint8_t>(word.size());
        if (word.size() <= kInlineKey) {
            std::memcpy(slot.key, word.data(), word.size());
        } else {
            const auto offset = static_cast<std::uint32_t>(keys_.size());
            std::memcpy(slot.key, &offset, sizeof offset);
            keys_ += word;
        }
        slot.info = info;
        std::size_t at = slot.hash & mask_;
        while (slots_[at].length != 0) at = (at + 1) & mask_;
        slots_[at] = slot;
    }
}

const WordInfo* WordTable::find(std::string_view word) const {
    if (word.empty() || word.size() > 0xFF) return nullptr;
    const std::uint32_t hash = hash_word(word);
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
        if (same_bytes(key, word.data(), word.size())) return &slot.info;
    }
}

void TokenWords::fill(const NormalizedText& text) {
    const WordTable& table = WordTable::get();
    info.assign(text.tokens.size(), nullptr);
    hashtag_info.assign(text.tokens.size(), nullptr);
    for (std::size_t i = 0; i < text.tokens.size(); ++i) {
        const Token& token = text.tokens[i];
        if (token.kind == TokenKind::word) {
            info[i] = table.find(text.token_text(token));
        } else if (token.kind == TokenKind::hashtag) {
            hashtag_info[i] = table.find(text.token_text(token).substr(1));
        }
    }
}

}  // namespace spreekbuis::rules
