#include "daemon/routing/near_duplicates.hpp"

#include <algorithm>
#include <cctype>
#include <functional>

namespace spreekbuis::daemon::routing {

std::vector<std::string> fingerprint_words(std::string_view text) {
    std::vector<std::string> words;
    std::string word;
    std::size_t i = 0;
    auto flush = [&] {
        if (!word.empty()) words.push_back(word);
        word.clear();
    };
    while (i < text.size()) {
        const char ch = text[i];
        if ((ch == 'h' || ch == 'H') && word.empty() &&
            (text.compare(i, 7, "http://") == 0 || text.compare(i, 8, "https://") == 0)) {
            while (i < text.size() && !std::isspace(static_cast<unsigned char>(text[i]))) ++i;
            continue;
        }
        if (ch == '@' && word.empty()) {
            while (i < text.size() && !std::isspace(static_cast<unsigned char>(text[i]))) ++i;
            continue;
        }
        const auto uc = static_cast<unsigned char>(ch);
        if (std::isalnum(uc) || uc >= 0x80) {
            word += static_cast<char>(uc < 0x80 ? std::tolower(uc) : uc);
        } else {
            flush();
        }
        ++i;
    }
    flush();
    if (!words.empty() && words.front() == "rt") words.erase(words.begin());
    return words;
}

std::vector<std::uint64_t> word_hashes(const std::vector<std::string>& words) {
    std::vector<std::uint64_t> hashes;
    hashes.reserve(words.size());
    for (const auto& word : words) {
        std::uint64_t hash = 14695981039346656037ULL;  // FNV-1a
        for (const char c : word) {
            hash ^= static_cast<unsigned char>(c);
            hash *= 1099511628211ULL;
        }
        hashes.push_back(hash);
    }
    std::sort(hashes.begin(), hashes.end());
    hashes.erase(std::unique(hashes.begin(), hashes.end()), hashes.end());
    return hashes;
}

std::size_t common_count(const std::vector<std::uint64_t>& a, const std::vector<std::uint64_t>& b) {
    std::size_t common = 0;
    for (std::size_t i = 0, j = 0; i < a.size() && j < b.size();) {
        if (a[i] == b[j]) {
            ++common;
            ++i;
            ++j;
        } else if (a[i] < b[j]) {
            ++i;
        } else {
            ++j;
        }
    }
    return common;
}

Fingerprint make_fingerprint(const std::vector<std::string>& words) {
    Fingerprint fingerprint;
    for (const auto& word : words) {
        if (!fingerprint.text.empty()) fingerprint.text += ' ';
        fingerprint.text += word;
    }
    fingerprint.words = word_hashes(words);
    return fingerprint;
}

std::size_t NearDuplicates::reach(std::int64_t now_ms, std::int64_t window_ms,
                                  std::optional<std::size_t>& identical, const Fingerprint& query,
                                  std::uint64_t text_hash) const {
    const std::size_t n = entries_.size();
    if (inversions_ > 0) {
        // Times out of order: walk from the newest, as far as the window goes.
        std::size_t within = 0;
        for (std::size_t d = 0; d < n; ++d) {
            const Entry& entry = entries_[n - 1 - d];
            if (now_ms - entry.fingerprint.at_ms > window_ms) break;
            if (entry.text_hash == text_hash && entry.fingerprint.text == query.text) {
                identical = d;
                break;
            }
            ++within;
        }
        return within;
    }
    // In time order: the window starts at the first entry at or after now - window.
    const auto first = std::partition_point(
        entries_.begin(), entries_.end(),
        [&](const Entry& entry) { return now_ms - entry.fingerprint.at_ms > window_ms; });
    const auto within = static_cast<std::size_t>(entries_.end() - first);
    if (const auto it = texts_.find(text_hash); it != texts_.end()) {
        const std::uint64_t newest = next_seq_ - 1;
        for (auto seq = it->second.rbegin(); seq != it->second.rend(); ++seq) {
            const auto d = static_cast<std::size_t>(newest - *seq);
            if (d >= within) break;
            if (entries_[n - 1 - d].fingerprint.text == query.text) {
                identical = d;
                return d;  // the walk stops here
            }
        }
    }
    return within;
}

std::optional<DuplicateMatch> NearDuplicates::find(const Fingerprint& query, std::int64_t now_ms,
                                                   std::int64_t window_ms) const {
    const std::size_t n = entries_.size();
    const std::uint64_t text_hash = std::hash<std::string>{}(query.text);
    std::optional<std::size_t> identical;  // its distance from the newest
    const std::size_t within = reach(now_ms, window_ms, identical, query, text_hash);
    // Near-identical ones count only when newer than the identical one, and among the newest
    // `scan_`.
    const std::size_t limit = std::min(identical ? *identical : within, scan_);
    const std::size_t size = query.words.size();
    if (size >= 4 && limit > 0) {
        // Any post sharing 90% of the words holds one of these `probes` rarest ones.
        const std::size_t probes = size - (9 * size + 9) / 10 + 1;
        std::vector<std::pair<std::size_t, const std::deque<std::uint64_t>*>> lists;
        lists.reserve(size);
        for (const auto word : query.words) {
            const auto it = postings_.find(word);
            lists.emplace_back(it == postings_.end() ? 0 : it->second.size(),
                               it == postings_.end() ? nullptr : &it->second);
        }
        std::partial_sort(lists.begin(), lists.begin() + static_cast<std::ptrdiff_t>(probes),
                          lists.end(),
                          [](const auto& a, const auto& b) { return a.first < b.first; });
        const std::uint64_t newest = next_seq_ - 1;
        std::vector<std::size_t> candidates;  // distances from the newest
        for (std::size_t k = 0; k < probes; ++k) {
            const auto* list = lists[k].second;
            if (!list) continue;
            for (auto it = list->rbegin(); it != list->rend(); ++it) {
                const std::size_t d = static_cast<std::size_t>(newest - *it);
                if (d >= limit) break;
                candidates.push_back(d);
            }
        }
        std::sort(candidates.begin(), candidates.end());
        candidates.erase(std::unique(candidates.begin(), candidates.end()), candidates.end());
        for (const std::size_t d : candidates) {
            const Fingerprint& other = entries_[n - 1 - d].fingerprint;
            const auto bigger = std::max(size, other.words.size());
            const auto smaller = std::min(size, other.words.size());
            if (smaller * 10 < bigger * 8) continue;
            const std::size_t common = common_count(query.words, other.words);
            const std::size_t total = size + other.words.size() - common;
            if (total > 0 && common * 10 >= total * 9) {
                return DuplicateMatch{&other, false, common, total};
            }
        }
    }
    if (identical) return DuplicateMatch{&entries_[n - 1 - *identical].fingerprint, true, 0, 0};
    return std::nullopt;
}

void NearDuplicates::add(Fingerprint fingerprint, std::int64_t now_ms, std::int64_t window_ms) {
    Entry entry;
    entry.text_hash = std::hash<std::string>{}(fingerprint.text);
    entry.seq = next_seq_++;
    for (const auto word : fingerprint.words) postings_[word].push_back(entry.seq);
    texts_[entry.text_hash].push_back(entry.seq);
    if (!entries_.empty() && fingerprint.at_ms < entries_.back().fingerprint.at_ms) ++inversions_;
    entry.fingerprint = std::move(fingerprint);
    entries_.push_back(std::move(entry));
    while (entries_.size() > capacity_ ||
           (!entries_.empty() && now_ms - entries_.front().fingerprint.at_ms > window_ms)) {
        drop_oldest();
    }
}

void NearDuplicates::drop_oldest() {
    const Entry& oldest = entries_.front();
    if (entries_.size() > 1 && entries_[1].fingerprint.at_ms < oldest.fingerprint.at_ms) {
        --inversions_;
    }
    if (const auto it = texts_.find(oldest.text_hash); it != texts_.end()) {
        if (!it->second.empty() && it->second.front() == oldest.seq) it->second.pop_front();
        if (it->second.empty()) texts_.erase(it);
    }
    for (const auto word : oldest.fingerprint.words) {
        const auto it = postings_.find(word);
        if (it == postings_.end()) continue;
        // Lists are in seq order and the oldest entry goes first: it is at the front.
        if (!it->second.empty() && it->second.front() == oldest.seq) it->second.pop_front();
        if (it->second.empty()) postings_.erase(it);
    }
    entries_.pop_front();
}

}  // namespace spreekbuis::daemon::routing
