#include <catch2/catch.hpp>

#include "rules/normalize.hpp"
#include "rules/scoring.hpp"
#include "rules/sentiment_detail.hpp"

using namespace spreekbuis::rules;

namespace {

double en(std::string_view text) { return score_sentiment(normalize(text), "en").score; }
double nl(std::string_view text) { return score_sentiment(normalize(text), "nl").score; }

}  // namespace

TEST_CASE("sentiment scores plain positive and negative English", "[sentiment]") {
    const auto good = score_sentiment(normalize("The crew was great and friendly"), "en");
    CHECK(good.polarity == Polarity::positive);
    CHECK(good.score > 0.5);
    CHECK(good.score <= 1.0);
    const auto bad = score_sentiment(normalize("Worst airline, terrible and rude staff"), "en");
    CHECK(bad.polarity == Polarity::negative);
    CHECK(bad.score < -0.5);
    CHECK(bad.score >= -1.0);
    CHECK(score_sentiment(normalize("The flight leaves at 10"), "en").polarity ==
          Polarity::neutral);
}

TEST_CASE("sentiment explanation names the strongest words", "[sentiment]") {
    const auto s = score_sentiment(normalize("good food but the worst service"), "en");
    CHECK(s.explanation.find("'worst'") != std::string::npos);
    CHECK(s.explanation.find("contrast 'but'") != std::string::npos);
}

TEST_CASE("negation flips polarity in English and Dutch", "[sentiment]") {
    CHECK(en("the service was good") > 0.05);
    CHECK(en("the service was not good") < -0.05);
    CHECK(en("the service wasn't good at all") < 0);
    CHECK(en("never happy with this app") < 0);
    CHECK(nl("de service was goed") > 0.05);
    CHECK(nl("de service was niet goed") < -0.05);
    CHECK(nl("ik ben nooit tevreden") < 0);
    CHECK(nl("geen enkele leuke medewerker") < 0);
}

TEST_CASE("intensifiers raise and diminishers lower the magnitude", "[sentiment]") {
    CHECK(en("the staff was very helpful") > en("the staff was helpful"));
    CHECK(en("the staff was extremely rude") < en("the staff was rude"));
    CHECK(en("the staff was slightly rude") > en("the staff was rude"));
    CHECK(nl("het personeel was heel vriendelijk") > nl("het personeel was vriendelijk"));
    CHECK(nl("het was ontzettend slecht") < nl("het was slecht"));
    CHECK(nl("het was een beetje slecht") > nl("het was slecht"));
    // "vreselijk" alone is negative, but as a booster it strengthens what follows.
    CHECK(nl("vreselijk") < 0);
    CHECK(nl("vreselijk leuk") > nl("leuk"));
}

TEST_CASE("contrast weighs the clause after but or maar more", "[sentiment]") {
    CHECK(en("the food was good but the service was horrible") < 0);
    CHECK(en("the service was horrible but the food was good") > 0);
    CHECK(nl("het eten was lekker maar de service was slecht") < 0);
    CHECK(nl("de service was slecht maar het eten was heerlijk") > 0);
}

TEST_CASE("capitals, exclamations and elongation add emphasis", "[sentiment]") {
    CHECK(en("this is GREAT news for us") > en("this is great news for us"));
    CHECK(en("this is great news!!!") > en("this is great news"));
    CHECK(en("this is sooooo bad") < en("this is so bad"));
    CHECK(en("this is baaaad") < en("this is bad"));
}

TEST_CASE("emoji and emoticons carry sentiment", "[sentiment]") {
    CHECK(en("flight landed \xF0\x9F\x98\x8D") > 0.05);   // smiling face with heart-eyes
    CHECK(en("flight landed \xF0\x9F\x98\xA2") < -0.05);  // crying face
    CHECK(en("flight landed :)") > 0.05);
    CHECK(en("flight landed :(") < -0.05);
    CHECK(nl("vlucht geland :-(") < -0.05);
    CHECK(en("flight landed \xF0\x9F\x91\x8D\xF0\x9F\x8F\xBD") > 0.05);  // thumbs up, skin tone
}

TEST_CASE("Dutch uses the Dutch lexicon", "[sentiment]") {
    CHECK(nl("Wat een geweldig boek, echt prachtig geschreven") > 0.3);
    CHECK(nl("Saai en slecht geschreven, een teleurstelling") < -0.3);
    CHECK(nl("Bedankt voor de snelle hulp!") > 0.05);
}

TEST_CASE("the baseline ignores the rules", "[sentiment]") {
    const auto text = normalize("the service was not good");
    CHECK(score_sentiment_baseline(text, "en").polarity == Polarity::positive);
    CHECK(score_sentiment(text, "en").polarity == Polarity::negative);
}

TEST_CASE("request markers carry no sentiment under the rules, only in the baseline",
          "[sentiment]") {
    // "please" and "help" score positive in general lexicons; in a post to a brand they ask.
    CHECK(en("can you please help me with my booking") == 0.0);
    CHECK(en("pls help, what is the gate for AF1234") == 0.0);
    CHECK(nl("kunnen jullie mij alsjeblieft helpen met mijn boeking") == 0.0);
    CHECK(
        score_sentiment_baseline(normalize("can you please help me with my booking"), "en").score >
        0.05);
    // Real sentiment beside the marker still counts.
    CHECK(en("please help, this is a terrible experience") < -0.05);
    CHECK(en("thanks so much, you were great, please keep it up") > 0.05);
}

TEST_CASE("sentiment of other languages is not scored", "[sentiment]") {
    const auto s = score_sentiment(normalize("service horrible, vraiment horrible"), "fr");
    CHECK(s.score == 0.0);
    CHECK(s.polarity == Polarity::neutral);
    CHECK(s.explanation == "not scored (lang fr)");
    const auto c = score_complaint(normalize("valise perdue, service horrible"), "fr", s);
    CHECK_FALSE(c.complaint);
    CHECK(c.score == 0.0);
    CHECK(is_scored_language("und"));
    CHECK_FALSE(is_scored_language("de"));
}
