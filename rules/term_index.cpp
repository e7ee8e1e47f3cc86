#include "rules/term_index.hpp"

#include <algorithm>
#include <map>

namespace spreekbuis::rules {

void TermIndex::build(const std::vector<compiled::TermPattern>& terms) {
    term_refs_.clear();
    tail_.clear();
    key_text_.clear();
    std::fill(prefix_lengths_.begin(), prefix_lengths_.end(), 0);
    prefix_buckets_.fill(0);
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
                const std::size_t bucket = pair_bucket(first.text);
                prefix_lengths_[bucket] |= static_cast<std::uint16_t>(
                    1u << std::min<std::size_t>(first.text.size(), kLongPrefix));
                prefix_buckets_[bucket >> 6] |= std::uint64_t{1} << (bucket & 63);
            }
        } else {
            exact[first.text].push_back(id);
        }
        hashtags_ = hashtags_ || term.hashtag_too;
    }
    // Entries are numbered across both tables (the pair key names the first word's entry).
    std::vector<PairSlot> runs;
    fill(exact_, {exact.begin(), exact.end()}, terms, 0, runs);
    fill(prefix_, {prefix.begin(), prefix.end()}, terms,
         static_cast<std::uint32_t>(exact_.entries.size()), runs);
    build_pairs(runs);
}

void TermIndex::add_ref(const compiled::TermPattern& term, std::uint32_t id) {
    TermRef ref;
    ref.id = id;
    ref.tail = static_cast<std::uint32_t>(tail_.size());
    ref.tail_size = static_cast<std::uint32_t>(term.words.size() - 1);
    ref.hashtag_too = term.hashtag_too;
    for (std::size_t j = 1; j < term.words.size(); ++j) {
        const auto& word = term.words[j];
        tail_.push_back(TailWord{static_cast<std::uint32_t>(key_text_.size()),
                                 static_cast<std::uint32_t>(word.text.size()), word.prefix,
                                 word_hash::hash_word(word.text)});
        key_text_ += word.text;
    }
    term_refs_.push_back(ref);
}

void TermIndex::build_pairs(const std::vector<PairSlot>& runs) {
    std::size_t size = 16;
    while (size < runs.size() * 2) size *= 2;
    pairs_.assign(size, PairSlot{});
    pair_mask_ = size - 1;
    for (const auto& run : runs) {
        std::uint64_t i = (run.key * kMix) >> 32 & pair_mask_;
        while (pairs_[i].count != 0) i = (i + 1) & pair_mask_;
        pairs_[i] = run;
    }
}

void TermIndex::fill(Table& table,
                     std::vector<std::pair<std::string, std::vector<std::uint32_t>>> keys,
                     const std::vector<compiled::TermPattern>& terms, std::uint32_t first_number,
                     std::vector<PairSlot>& runs) {
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
        entry.number = first_number + static_cast<std::uint32_t>(table.entries.size());
        key_text_ += key;
        // The terms checked at every occurrence first, then the phrases with a whole second
        // word, in runs by that word's hash (pairs_ points at each run).
        std::vector<std::pair<std::uint32_t, std::uint32_t>> paired;  // (second hash, id)
        for (const auto id : ids) {
            const auto& words = terms[id].words;
            if (words.size() >= 2 && !words[1].prefix) {
                paired.emplace_back(word_hash::hash_word(words[1].text), id);
            } else {
                add_ref(terms[id], id);
            }
        }
        entry.count = static_cast<std::uint32_t>(term_refs_.size()) - entry.first;
        std::stable_sort(paired.begin(), paired.end(),
                         [](const auto& a, const auto& b) { return a.first < b.first; });
        for (std::size_t i = 0; i < paired.size();) {
            const auto run_first = static_cast<std::uint32_t>(term_refs_.size());
            std::size_t j = i;
            for (; j < paired.size() && paired[j].first == paired[i].first; ++j) {
                add_ref(terms[paired[j].second], paired[j].second);
            }
            runs.push_back(PairSlot{std::uint64_t{entry.number} << 32 | paired[i].first, run_first,
                                    static_cast<std::uint32_t>(j - i)});
            entry.paired = true;
            i = j;
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
