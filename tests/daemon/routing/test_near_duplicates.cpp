// The near-duplicate index must answer exactly what a walk over every remembered post answers
// (the router's check before the index): checked on random posts built to be near each other.
#include <catch2/catch.hpp>
#include <deque>
#include <random>

#include "daemon/routing/near_duplicates.hpp"

using namespace spreekbuis::daemon::routing;

namespace {

// The walk the index replaces: newest first, the window ends at the first older post; an
// identical text anywhere in it, a near-identical one among the first `scan`.
std::optional<DuplicateMatch> find_by_walk(const std::deque<Fingerprint>& remembered,
                                           const Fingerprint& query, std::int64_t now,
                                           std::int64_t window, std::size_t scan) {
    std::size_t scanned = 0;
    for (auto it = remembered.rbegin(); it != remembered.rend(); ++it) {
        if (now - it->at_ms > window) break;
        if (it->text == query.text) return DuplicateMatch{&*it, true, 0, 0};
        if (++scanned > scan || query.words.size() < 4) continue;
        const auto bigger = std::max(query.words.size(), it->words.size());
        const auto smaller = std::min(query.words.size(), it->words.size());
        if (smaller * 10 < bigger * 8) continue;
        const std::size_t common = common_count(query.words, it->words);
        const std::size_t total = query.words.size() + it->words.size() - common;
        if (total > 0 && common * 10 >= total * 9)
            return DuplicateMatch{&*it, false, common, total};
    }
    return std::nullopt;
}

}  // namespace

TEST_CASE("near duplicates: the index answers what the walk answers", "[routing][duplicates]") {
    // In time order (live streams: the window is a binary search), and with time going back
    // now and then (unordered replays: the window is walked).
    const bool unordered = GENERATE(false, true);
    constexpr std::size_t kCapacity = 80;
    constexpr std::size_t kScan = 25;
    constexpr std::int64_t kWindow = 600;
    std::mt19937 rng(20261124);
    std::vector<std::string> vocabulary;
    for (int i = 0; i < 60; ++i) vocabulary.push_back("w" + std::to_string(i));
    std::vector<std::vector<std::string>> made;  // earlier posts, to copy and change
    const auto next_post = [&] {
        std::uniform_int_distribution<int> kind(0, 9);
        const int k = kind(rng);
        if (!made.empty() && k < 6) {
            auto words = made[std::uniform_int_distribution<std::size_t>(0, made.size() - 1)(rng)];
            if (k >= 2) {  // change a word, drop one or add one
                const auto at =
                    std::uniform_int_distribution<std::size_t>(0, words.size() - 1)(rng);
                if (k == 2 && words.size() > 4) {
                    words.erase(words.begin() + static_cast<std::ptrdiff_t>(at));
                } else if (k == 3) {
                    words.push_back(vocabulary[rng() % vocabulary.size()]);
                } else {
                    words[at] = vocabulary[rng() % vocabulary.size()];
                }
            }
            return words;
        }
        std::vector<std::string> words;
        const auto length = std::uniform_int_distribution<std::size_t>(3, 24)(rng);
        for (std::size_t i = 0; i < length; ++i)
            words.push_back(vocabulary[rng() % 20 + (i % 3) * 20]);
        return words;
    };

    NearDuplicates index(kCapacity, kScan);
    std::deque<Fingerprint> remembered;
    std::int64_t now = 0;
    std::size_t identical = 0, near = 0, none = 0;
    for (int step = 0; step < 12000; ++step) {
        now += unordered ? std::uniform_int_distribution<int>(-500, 560)(rng)
                         : std::uniform_int_distribution<int>(0, 60)(rng);
        const auto words = next_post();
        Fingerprint query = make_fingerprint(words);
        const auto expected = find_by_walk(remembered, query, now, kWindow, kScan);
        const auto got = index.find(query, now, kWindow);
        REQUIRE(got.has_value() == expected.has_value());
        if (expected) {
            INFO("step " << step);
            CHECK(got->of->post_id == expected->of->post_id);
            CHECK(got->identical == expected->identical);
            CHECK(got->common == expected->common);
            CHECK(got->total == expected->total);
            (expected->identical ? identical : near) += 1;
        } else {
            ++none;
        }
        if (words.size() < 4) continue;
        query.post_id = "p" + std::to_string(step);
        query.at_ms = now;
        made.push_back(words);
        remembered.push_back(query);
        while (remembered.size() > kCapacity ||
               (!remembered.empty() && now - remembered.front().at_ms > kWindow)) {
            remembered.pop_front();
        }
        index.add(std::move(query), now, kWindow);
        REQUIRE(index.size() == remembered.size());
    }
    // The random posts exercised every answer.
    CHECK(identical > 20);
    CHECK(near > 20);
    CHECK(none > 100);
}

TEST_CASE("near duplicates: fingerprints ignore case, links, mentions and a leading RT",
          "[routing][duplicates]") {
    const auto words = fingerprint_words("RT @zeevlucht: Koffer KWIJT op https://t.co/x Schiphol!");
    CHECK(words == std::vector<std::string>{"koffer", "kwijt", "op", "schiphol"});
    CHECK(make_fingerprint(words).text == "koffer kwijt op schiphol");
    CHECK(word_hashes({"a", "b", "a"}).size() == 2);
    CHECK(common_count(word_hashes({"a", "b", "c"}), word_hashes({"b", "c", "d"})) == 2);
}
