#include "rules/word_table.hpp"

#include <cstring>

#include "rules/lexicon.hpp"

namespace spreekbuis::rules {

namespace {

std::uint32_t hash_word(std::string_view word) {
    constexpr std::uint64_t kMultiplier = 0x9E3779B97F4A7C15ULL;
    std::uint64_t hash = word.size() * kMultiplier;
    std::size_t at = 0;
    for (; at + 8 <= word.size(); at += 8) {
        std::uint64_t chunk = 0;
        std::memcpy(&chunk, word.data() + at, 8);
        hash = (hash ^ chunk) * kMultiplier;
        hash ^= hash >> 32;
    }
    std::uint64_t tail = 0;
    for (std::size_t shift = 0; at < word.size(); ++at, shift += 8) {
        tail |= static_cast<std::uint64_t>(static_cast<unsigned char>(word[at])) << shift;
    }
    hash = (hash ^ tail) * kMultiplier;
    return static_cast<std::uint32_t>(hash >> 32);
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
    rehash(1u << 12);
    const Lexicons& lexicons = Lexicons::get();
    for (const auto lang : {LexiconLanguage::english, LexiconLanguage::dutch}) {
        const auto index = static_cast<std::size_t>(lang);
        const LanguageLexicon& lexicon = lexicons.language(lang);
        for (const auto& [word, value] : lexicon.valence) {
            auto& info = entry(word);
            info.valence[index] = value;
            info.has_valence |= bit(lang);
        }
        for (const auto& [word, value] : lexicon.boosters) {
            auto& info = entry(word);
            info.booster[index] = value;
            info.is_booster |= bit(lang);
        }
        for (const auto& word : lexicon.negations) entry(word).negation |= bit(lang);
        for (const auto& word : lexicon.contrasts) entry(word).contrast |= bit(lang);
    }
    for (const auto& stop : language_stop_words())
        entry(stop.word).stop_languages |= stop.languages;
    for (auto word : complaint_number_words()) entry(word).number_word = true;
    for (auto word : complaint_cue_negations()) entry(word).cue_negation = true;
    // Cue lists stay in cue order per word: the matcher prefers the earlier of equal lengths.
    std::vector<std::vector<std::uint32_t>> by_word;
    for (const auto& start : complaint_cue_starts()) {
        entry(start.word);
        const WordInfo* info = find(start.word);
        const auto index = static_cast<std::size_t>(info - infos_.data());
        if (by_word.size() <= index) by_word.resize(index + 1);
        by_word[index].push_back(start.cue);
    }
    for (std::size_t i = 0; i < by_word.size(); ++i) {
        infos_[i].cue_first = static_cast<std::uint32_t>(cues_.size());
        infos_[i].cue_count = static_cast<std::uint32_t>(by_word[i].size());
        cues_.insert(cues_.end(), by_word[i].begin(), by_word[i].end());
    }
}

void WordTable::rehash(std::size_t capacity) {
    std::vector<Slot> old = std::move(slots_);
    slots_.assign(capacity, Slot{});
    const std::size_t mask = capacity - 1;
    for (const auto& slot : old) {
        if (slot.info == 0) continue;
        std::size_t at = slot.hash & mask;
        while (slots_[at].info != 0) at = (at + 1) & mask;
        slots_[at] = slot;
    }
}

WordInfo& WordTable::entry(std::string_view word) {
    if (const WordInfo* found = find(word)) {
        return infos_[static_cast<std::size_t>(found - infos_.data())];
    }
    if ((infos_.size() + 1) * 2 > slots_.size()) rehash(slots_.size() * 2);
    const std::uint32_t hash = hash_word(word);
    const std::size_t mask = slots_.size() - 1;
    std::size_t at = hash & mask;
    while (slots_[at].info != 0) at = (at + 1) & mask;
    slots_[at] = Slot{hash, static_cast<std::uint32_t>(keys_.size()),
                      static_cast<std::uint32_t>(word.size()),
                      static_cast<std::uint32_t>(infos_.size() + 1)};
    keys_.append(word);
    infos_.emplace_back();
    return infos_.back();
}

const WordInfo* WordTable::find(std::string_view word) const {
    const std::uint32_t hash = hash_word(word);
    const std::size_t mask = slots_.size() - 1;
    for (std::size_t at = hash & mask;; at = (at + 1) & mask) {
        const Slot& slot = slots_[at];
        if (slot.info == 0) return nullptr;
        if (slot.hash == hash && slot.length == word.size() &&
            std::memcmp(keys_.data() + slot.key, word.data(), word.size()) == 0) {
            return &infos_[slot.info - 1];
        }
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
