#include <catch2/catch.hpp>

#include "rules/complaint.hpp"
#include "rules/normalize.hpp"
#include "rules/scoring.hpp"

using namespace spreekbuis::rules;

namespace {

ComplaintScore complaint(std::string_view text, std::string_view lang) {
    const auto n = normalize(text);
    return score_complaint(n, lang, score_sentiment(n, lang));
}

}  // namespace

TEST_CASE("complaints without negative words are found", "[complaint]") {
    const auto c = complaint("@shop my order never arrived", "en");
    CHECK(c.complaint);
    CHECK(c.explanation.find("never arrived") != std::string::npos);
    CHECK(complaint("@united still waiting for my bag after 3 hours", "en").complaint);
    CHECK(complaint("@KPN internet is down again since monday", "en").complaint);
    CHECK(complaint("@airline you lost my luggage, when will I get it back?", "en").complaint);
    CHECK(complaint("I was charged twice for one ticket and want a refund", "en").complaint);
}

TEST_CASE("Dutch complaints are found", "[complaint]") {
    CHECK(complaint("@NS trein weer vertraagd, al 3 dagen op rij", "nl").complaint);
    CHECK(complaint("@bol pakket nog steeds niet geleverd", "nl").complaint);
    CHECK(complaint("@KPN storing, internet werkt niet", "nl").complaint);
    CHECK(complaint("Mijn koffer is kwijt, wanneer krijg ik mijn geld terug?", "nl").complaint);
    CHECK(complaint("Belachelijk, jullie klantenservice reageert niet", "nl").complaint);
}

TEST_CASE("praise and neutral posts are not complaints", "[complaint]") {
    CHECK_FALSE(complaint("@KLM thanks for the quick help, great service!", "en").complaint);
    CHECK_FALSE(complaint("Lovely flight today, the crew was amazing", "en").complaint);
    CHECK_FALSE(complaint("Heading to Amsterdam tomorrow", "en").complaint);
    CHECK_FALSE(complaint("@KLM bedankt voor de snelle hulp, top!", "nl").complaint);
    CHECK_FALSE(complaint("Fijne vlucht gehad, prima personeel", "nl").complaint);
}

TEST_CASE("complaint score is a probability and cues raise it", "[complaint]") {
    const auto plain = complaint("@shop my order", "en");
    const auto cued = complaint("@shop my order never arrived and I am still waiting", "en");
    CHECK(plain.score >= 0.0);
    CHECK(plain.score <= 1.0);
    CHECK(cued.score > plain.score);
    CHECK(cued.score <= 1.0);
}

TEST_CASE("complaint features name the cues", "[complaint]") {
    const auto n = normalize("@bank charged twice, waiting 2 days, you guys never replied?");
    const auto f = complaint_features(n, "en", SentimentScore{});
    CHECK(f.values[static_cast<std::size_t>(ComplaintFeature::problem)] >= 1.0);
    CHECK(f.values[static_cast<std::size_t>(ComplaintFeature::duration)] >= 1.0);
    CHECK(f.values[static_cast<std::size_t>(ComplaintFeature::blame)] >= 1.0);
    CHECK(f.cues.find("charged twice") != std::string::npos);
}

TEST_CASE("negated praise is not praise", "[complaint]") {
    const auto n = normalize("not great at all");
    const auto f = complaint_features(n, "en", SentimentScore{});
    CHECK(f.values[static_cast<std::size_t>(ComplaintFeature::praise)] == 0.0);
}

TEST_CASE("negations are a complaint feature of their own", "[complaint]") {
    const auto value = [](std::string_view text, ComplaintFeature feature) {
        return complaint_features(normalize(text), "en", SentimentScore{})
            .values[static_cast<std::size_t>(feature)];
    };
    // "n't" forms (straight or curly apostrophe), "not", "no", and the Dutch peers count...
    CHECK(value("@shop the parcel didn't come", ComplaintFeature::negation) == 1.0);
    CHECK(value("@shop the parcel didn’t come", ComplaintFeature::negation) == 1.0);
    CHECK(value("@shop the app won't open and the site is not loading",
                ComplaintFeature::negation) == 2.0);
    CHECK(value("@bol het pakket is er niet", ComplaintFeature::negation) == 1.0);
    // ...capped like every cue count...
    CHECK(value("no no no not not", ComplaintFeature::negation) == 2.0);
    // ...and a longer cue that starts with the negation takes the words instead.
    CHECK(value("@shop still not here", ComplaintFeature::negation) == 0.0);
    CHECK(value("@shop still not here", ComplaintFeature::expectation) == 1.0);
    CHECK(value("@shop the app is not working", ComplaintFeature::negation) == 0.0);
    CHECK(value("@shop the app is not working", ComplaintFeature::problem) == 1.0);
    CHECK(value("@shop my order arrived", ComplaintFeature::negation) == 0.0);

    // A flat statement of what did not happen is a complaint, the same words without it not.
    CHECK(
        complaint("@SamsungMobileUS just got the note 8 but can't send messages", "en").complaint);
    CHECK_FALSE(
        complaint("@SamsungMobileUS just got the note 8 and sent messages", "en").complaint);
}

TEST_CASE("fraud, incompetence and missing service are problem cues", "[complaint]") {
    const auto problem = [](std::string_view text, std::string_view lang) {
        const auto f = complaint_features(normalize(text), lang, SentimentScore{});
        return std::pair{f.values[static_cast<std::size_t>(ComplaintFeature::problem)], f.cues};
    };
    const auto [scam, scam_cues] = problem("@shop this is a scam, I got scammed", "en");
    CHECK(scam == 2.0);
    CHECK(scam_cues.find("scammed") != std::string::npos);
    CHECK(problem("@isp one week with no internet", "en").first == 1.0);
    CHECK(problem("@isp get your act together", "en").first == 1.0);
    CHECK(problem("@bol ik ben opgelicht, wat een aanfluiting", "nl").first == 2.0);
    CHECK(problem("@KPN geen wifi en ik ben het zat", "nl").first == 2.0);
    // The words alone, not their look-alikes.
    CHECK(problem("@isp the internet is fast", "en").first == 0.0);
    CHECK(problem("@bol wat een mooi cadeau", "nl").first == 0.0);
    // A flat report of a failing service reads as a complaint now.
    CHECK(complaint("@virginmedia happy one week anniversary, one week no internet and TV", "en")
              .complaint);
}
