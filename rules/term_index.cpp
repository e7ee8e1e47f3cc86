#include "rules/term_index.hpp"

#include <algorithm>
#include <map>

namespace spreekbuis::rules {

void TermIndex::build(const std::vector<compiled::TermPattern>& terms) {
    term_refs_.clear();
    tail_.clear();
    key_text_.clear();
    std::fill(prefix_lengths_.begin(), prefix_lengths_.end(), 0);
    longest_prefix_ = 0;
    hashtags_ = false;
    std::map<std::string, std::vector<std::uint32_t>> exact;
    std::map<std::string, std::vector<std::uint32_t>> prefix;
    for (std::uint32_t id = 0; id < terms.size(); ++id) {
        const auto& term = terms[id];
        if (term.words.empty()) continue;
        const auto& first = term.words[0];
        if (first.text.empty()) continue;
        if (first.prefix) {
            prefix[first.text].push_back(id);
            longest_prefix_ = std::max(longest_prefix_, first.text.size());
            if (first.text.size() >= 2) {  // the query compiler asks for two or more
                prefix_lengths_[pair_bucket(first.text)] |= static_cast<std::uint16_t>(
                    1u << std::min<std::size_t>(first.text.size(), kLongPrefix));
            }
        } else {
            exact[first.text].push_back(id);
        }
        hashtags_ = hashtags_ || term.hashtag_too;
    }
    fill(exact_, {exact.begin(), exact.end()}, terms);
    fill(prefix_, {prefix.begin(), prefix.end()}, terms);
}

void TermIndex::fill(Table& table,
                     std::vector<std::pair<std::string, std::vector<std::uint32_t>>> keys,
                     const std::vector<compiled::TermPattern>& terms) {
    std::size_t size = 16;
    int bits = 4;
    while (size < keys.size() * 2) {
        size *= 2;
        ++bits;
    }
    table.slots.assign(size, Slot{});
    table.entries.clear();
    table.mask = size - 1;
    table.shift = 64 - bits;
    table.filter.reset(keys.size());
    for (const auto& [key, ids] : keys) {
        Entry entry;
        entry.key_begin = static_cast<std::uint32_t>(key_text_.size());
        entry.key_size = static_cast<std::uint32_t>(key.size());
        entry.first = static_cast<std::uint32_t>(term_refs_.size());
        entry.count = static_cast<std::uint32_t>(ids.size());
        key_text_ += key;
        for (const auto id : ids) {
            const auto& words = terms[id].words;
            TermRef ref;
            ref.id = id;
            ref.tail = static_cast<std::uint32_t>(tail_.size());
            ref.tail_size = static_cast<std::uint32_t>(words.size() - 1);
            ref.hashtag_too = terms[id].hashtag_too;
            for (std::size_t j = 1; j < words.size(); ++j) {
                tail_.push_back(TailWord{static_cast<std::uint32_t>(key_text_.size()),
                                         static_cast<std::uint32_t>(words[j].text.size()),
                                         words[j].prefix, word_hash::hash_word(words[j].text)});
                key_text_ += words[j].text;
            }
            term_refs_.push_back(ref);
        }
        table.entries.push_back(entry);
        const std::uint64_t hash = word_hash::hash_word(key);
        table.filter.add(filter_mix(hash));
        std::uint64_t i = home(table, hash);
        while (table.slots[i].entry != 0) i = (i + 1) & table.mask;
        table.slots[i] = Slot{static_cast<std::uint32_t>(hash),
                              static_cast<std::uint32_t>(table.entries.size())};
    }
}

}  // namespace spreekbuis::rules
