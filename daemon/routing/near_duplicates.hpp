#pragma once
// "Is this post a copy of one we routed lately?": the same words, or near-identical ones
// (at least 90% of the distinct words shared, Jaccard) among the newest `scan` posts of the
// window. The near-identical check looks only at posts that share one of the new post's rarest
// words, found through an inverted index over word hashes (prefix filtering: a post that shares
// 90% of the words must hold one of any |S| - ceil(0.9 |S|) + 1 of them), so a post costs a few
// comparisons instead of hundreds. Pure; used by the Router on its thread.
#include <cstdint>
#include <deque>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace spreekbuis::daemon::routing {

// Lower-case ASCII words (bytes >= 0x80 kept), without URLs, mentions and a leading "RT".
std::vector<std::string> fingerprint_words(std::string_view text);
// The distinct words as sorted 64-bit hashes (two words of one post colliding is about 1 in
// 10^17), so fingerprints compare integers, not strings.
std::vector<std::uint64_t> word_hashes(const std::vector<std::string>& words);
// How many values two sorted, distinct lists share.
std::size_t common_count(const std::vector<std::uint64_t>& a, const std::vector<std::uint64_t>& b);

struct Fingerprint {
    std::string text;                  // the words, joined by single spaces
    std::vector<std::uint64_t> words;  // word_hashes of the words
    std::string case_id;
    std::string post_id;
    std::int64_t at_ms = 0;
};
Fingerprint make_fingerprint(const std::vector<std::string>& words);

struct DuplicateMatch {
    const Fingerprint* of = nullptr;
    bool identical = false;  // the same text; else near-identical
    std::size_t common = 0;  // near-identical: words shared, and in the union
    std::size_t total = 0;
};

class NearDuplicates {
  public:
    explicit NearDuplicates(std::size_t capacity = 2000, std::size_t scan = 500)
        : capacity_(capacity), scan_(scan) {}

    // The newest remembered post, within `window_ms` of now, with the same text as `query`, or
    // near-identical to it among the newest `scan` (only when the query has 4 or more distinct
    // words). When the newest candidate is both, it counts as identical. Walking from the
    // newest, the window ends at the first post older than it.
    std::optional<DuplicateMatch> find(const Fingerprint& query, std::int64_t now_ms,
                                       std::int64_t window_ms) const;
    // Remembers a post; forgets the oldest beyond `capacity` or older than the window.
    void add(Fingerprint fingerprint, std::int64_t now_ms, std::int64_t window_ms);
    std::size_t size() const { return entries_.size(); }

  private:
    struct Entry {
        Fingerprint fingerprint;
        std::uint64_t text_hash = 0;
        std::uint64_t seq = 0;  // consecutive: entries_[i].seq == entries_.front().seq + i
    };
    void drop_oldest();
    // How many entries, from the newest, are within the window, and the distance from the
    // newest of the newest identical text among them.
    std::size_t reach(std::int64_t now_ms, std::int64_t window_ms,
                      std::optional<std::size_t>& identical, const Fingerprint& query,
                      std::uint64_t text_hash) const;

    std::size_t capacity_;
    std::size_t scan_;
    std::deque<Entry> entries_;  // oldest first
    std::uint64_t next_seq_ = 0;
    // word hash -> seqs of the entries holding it, ascending
    std::unordered_map<std::uint64_t, std::deque<std::uint64_t>> postings_;
    // text hash -> seqs of the entries with that text, ascending
    std::unordered_map<std::uint64_t, std::deque<std::uint64_t>> texts_;
    // Neighbours whose times go backwards (an unordered replay); while there are none, the
    // window's reach is a binary search instead of a walk.
    std::size_t inversions_ = 0;
};

}  // namespace spreekbuis::daemon::routing
