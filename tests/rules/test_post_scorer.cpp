// score_post (one walk over the tokens, work only where a word was found) must give exactly
// what the separate scorers give (score_post_reference), bit for bit: the verdict's sentiment,
// complaint and explanation come from it.
#include <catch2/catch.hpp>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "rules/normalize.hpp"
#include "rules/sentiment_detail.hpp"
#include "rules/word_table.hpp"

using namespace spreekbuis::rules;

namespace {

void require_same(const PostScores& fast, const PostScores& reference) {
    REQUIRE(fast.lang == reference.lang);
    REQUIRE(fast.sentiment.score == reference.sentiment.score);
    REQUIRE(fast.sentiment.polarity == reference.sentiment.polarity);
    REQUIRE(fast.sentiment.explanation == reference.sentiment.explanation);
    REQUIRE(fast.complaint.score == reference.complaint.score);
    REQUIRE(fast.complaint.complaint == reference.complaint.complaint);
    REQUIRE(fast.complaint.explanation == reference.complaint.explanation);
    REQUIRE(fast.kept_begin == reference.kept_begin);
    REQUIRE(fast.kept_end == reference.kept_end);
    REQUIRE(fast.kept_hash == reference.kept_hash);
}

}  // namespace

TEST_CASE("the one-pass scorer agrees with the separate scorers", "[scoring]") {
    // Pieces that reach every rule: boosters and diminishers (also elongated and in capitals),
    // negations up to three words back, "n't", "no" before a sentiment word, contrast words
    // (also last), request words, hashtags, emoji and emoticons, URLs and punctuation between
    // cue words, numbers and number words before units, negated praise, Dutch and stop words.
    const std::vector<std::string> pieces = {"good",      "GOOD",     "goooood",
                                             "baaad",     "bad",      "terrible",
                                             "love",      "great",    "not",
                                             "never",     "don't",    "isn't",
                                             "no",        "problems", "very",
                                             "VERY",      "sooo",     "barely",
                                             "super",     "heel",     "erg",
                                             "echt",      "but",      "maar",
                                             "though",    "please",   "alsjeblieft",
                                             "help",      "thanks",   "#fail",
                                             "#love",     "#",        "@airline",
                                             "😀",         "😡",        ":)",
                                             ":(",        "<3",       "http://x.nl/a",
                                             "www.y.com", ".",        ",",
                                             "!",         "?",        "!!!",
                                             "3",         "two",      "a",
                                             "an",        "hours",    "hour",
                                             "days",      "uur",      "dagen",
                                             "still",     "waiting",  "nog",
                                             "steeds",    "niet",     "geen",
                                             "ontvangen", "werkt",    "kapot",
                                             "my",        "bag",      "is",
                                             "lost",      "again",    "the",
                                             "de",        "het",      "een",
                                             "ik",        "je",       "jullie",
                                             "you",       "your",     "app",
                                             "why",       "when",     "will",
                                             "can",       "refund",   "thank",
                                             "geweldig",  "slecht",   "nooit",
                                             "weer",      "where",    "'s",
                                             "der",       "und",      "le",
                                             "est",       "es",       "muy",
                                             "ijs",       "schip",    "thing",
                                             "broken",    "NOT",      "working",
                                             "werkt"};
    const std::vector<std::string> declared = {"", "", "", "en", "nl", "fr", "EN-gb", "x1"};
    std::uint64_t state = 0x853C49E6748FEA9BULL;
    const auto next = [&state] {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        return state;
    };
    PostScores fast;
    PostScores reference;
    std::vector<std::uint8_t> flags;
    NormalizedText text;
    std::size_t complaints = 0;
    std::size_t scored = 0;
    for (int round = 0; round < 20000; ++round) {
        std::string raw;
        const std::size_t count = next() % 16;
        for (std::size_t i = 0; i < count; ++i) {
            raw += pieces[next() % pieces.size()];
            if (next() % 4 != 0) raw += ' ';
        }
        const std::string& lang = declared[next() % declared.size()];
        normalize_into(raw, text, flags);
        score_post(text, lang, fast);
        score_post_reference(text, lang, reference);
        INFO("text: [" << raw << "] declared: [" << lang << "]");
        require_same(fast, reference);
        complaints += fast.complaint.complaint ? 1 : 0;
        scored += fast.sentiment.score != 0.0 ? 1 : 0;
    }
    // The texts reach both outcomes, so agreement is not agreement on zeros.
    CHECK(complaints > 1000);
    CHECK(scored > 5000);
}

TEST_CASE("the one-pass scorer gives the documented scores of known posts", "[scoring]") {
    PostScores scores;
    score_post(normalize("@airline my bag is STILL missing after 3 days, why???"), "", scores);
    CHECK(scores.lang == "en");
    CHECK(scores.complaint.complaint);
    CHECK(scores.sentiment.polarity == Polarity::negative);
    CHECK(scores.complaint.explanation.find("duration '3 days'") != std::string::npos);
    score_post(normalize("Thanks, the crew was great!"), "en", scores);
    CHECK_FALSE(scores.complaint.complaint);
    CHECK(scores.sentiment.polarity == Polarity::positive);
    score_post(normalize("Le vol est en retard"), "fr", scores);
    CHECK(scores.lang == "fr");
    CHECK(scores.sentiment.score == 0.0);
    CHECK_FALSE(scores.complaint.complaint);
    CHECK(scores.kept_begin.size() == 5);
}

TEST_CASE("a complaint is negative unless its words are clearly positive", "[scoring]") {
    PostScores scores;
    // Mildly positive words ("yeah"), but an outage that keeps coming back and a plea for help.
    score_post(normalize("@SkyAir yeah the app is down again, can you help"), "en", scores);
    REQUIRE(scores.complaint.complaint);
    CHECK(scores.sentiment.score > -0.05);
    CHECK(scores.sentiment.score < kComplaintStaysPositive);
    CHECK(scores.sentiment.polarity == Polarity::negative);

    // The same words without the complaint keep the lexicon's label.
    score_post(normalize("@SkyAir yeah the app is fine again"), "en", scores);
    REQUIRE_FALSE(scores.complaint.complaint);
    CHECK(scores.sentiment.polarity != Polarity::negative);

    // The rule itself, on made-up scores at the edges.
    SentimentScore sentiment;
    ComplaintScore complaint;
    complaint.complaint = true;
    sentiment.score = kComplaintStaysPositive;  // clearly positive: stays positive
    sentiment.polarity = Polarity::positive;
    settle_polarity(sentiment, complaint);
    CHECK(sentiment.polarity == Polarity::positive);
    sentiment.score = 0.29;
    sentiment.explanation = "+0.29 pos: 'thanks'";
    settle_polarity(sentiment, complaint);
    CHECK(sentiment.polarity == Polarity::negative);
    CHECK(sentiment.explanation == "+0.29 pos: 'thanks'; negative as a complaint");
    complaint.complaint = false;
    sentiment.score = 0.0;
    sentiment.polarity = Polarity::neutral;
    settle_polarity(sentiment, complaint);
    CHECK(sentiment.polarity == Polarity::neutral);
}

TEST_CASE("a word that is a handle the post mentions carries no sentiment", "[scoring]") {
    PostScores alone;
    score_post(normalize("flying united"), "en", alone);
    REQUIRE(alone.sentiment.score > 0.0);  // "united" is positive in the general lexicon
    PostScores named;
    score_post(normalize("@united flying united"), "en", named);
    CHECK(named.sentiment.score == 0.0);
    // Only the mentioned name: another lexicon word keeps its valence.
    score_post(normalize("@united flying united, great crew"), "en", named);
    PostScores without;
    score_post(normalize("@united flying, great crew"), "en", without);
    CHECK(named.sentiment.score == without.sentiment.score);
    // The one-pass scorer and the separate ones agree on it.
    for (const char* text : {"@united united lost my bag", "@Tesco tesco tesco!!", "@a a",
                             "@united @jetblue united OR jetblue, both great"}) {
        PostScores fast;
        PostScores reference;
        score_post(normalize(text), "en", fast);
        score_post_reference(normalize(text), "en", reference);
        INFO(text);
        require_same(fast, reference);
    }
}

TEST_CASE("a word's hash does not depend on the bytes after it or on where it lies", "[scoring]") {
    // hash_word_in reads the word's last block as eight bytes when the buffer allows, and
    // masks what lies past the word; hash_word copies it. Both must agree for every length
    // (1..20, so the last block is whole, partial or one byte) and every place in a buffer,
    // up to its very end, whatever follows the word.
    const std::string letters = "abcdefghijklmnopqrstuvwxyz0123456789";
    for (std::size_t length = 1; length <= 20; ++length) {
        const std::string word = letters.substr(length % 7, length);
        const std::uint32_t expected = word_hash::hash_word(word);
        for (std::size_t after = 0; after <= 9; ++after) {
            std::string buffer = word + std::string(after, static_cast<char>(0xA5 + after));
            buffer.shrink_to_fit();
            const char* readable = buffer.data() + buffer.capacity();
            REQUIRE(word_hash::hash_word_in(std::string_view(buffer.data(), length), readable) ==
                    expected);
            buffer[0] = word[0] == 'z' ? 'y' : 'z';  // a changed first byte changes the hash
            REQUIRE(word_hash::hash_word_in(std::string_view(buffer.data(), length), readable) !=
                    expected);
        }
    }
}
