#include "rules/word_table.hpp"

#include <cstdlib>
#include <cstring>
#include <map>

#include "rules/lexicon.hpp"

namespace spreekbuis::rules {

namespace {

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
    for (auto word : complaint_cue_words()) entry(word);  // match_cues compares WordInfos
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
        slot.hash = word_hash::hash_word(word);
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
