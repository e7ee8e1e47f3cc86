#include <catch2/catch.hpp>

#include "rules/normalize.hpp"
#include "rules/scoring.hpp"

using namespace spreekbuis::rules;

namespace {

std::string detect(std::string_view text, std::string_view declared = "") {
    return detect_language(normalize(text), declared);
}

}  // namespace

TEST_CASE("declared language wins and is normalised", "[language]") {
    CHECK(detect("the train is late", "nl-NL") == "nl");
    CHECK(detect("de trein is te laat", "en-US") == "en");
    CHECK(detect("x", "EN") == "en");
    CHECK(detect("x", "de_DE") == "de");
    CHECK(detect("x", "1234") == "und");
    CHECK(detect("x", "verylongcode") == "und");
    // ISO 639-2 and -3 codes have three letters; four letters are no code.
    CHECK(detect("x", "nld") == "nld");
    CHECK(detect("x", "FRA-fr") == "fra");
    CHECK(detect("x", "engl") == "und");
    CHECK(detect("x", "e") == "und");
    CHECK(detect("x", "-en") == "und");
}

TEST_CASE("Dutch and English are told apart", "[language]") {
    CHECK(detect("Mijn trein is weer te laat en ik heb nog geen antwoord van de NS") == "nl");
    CHECK(detect("Het is niet de eerste keer dat mijn pakket kwijt is") == "nl");
    CHECK(detect("My flight was cancelled and I still have not heard from you") == "en");
    CHECK(detect("Why is the app not working for me this morning?") == "en");
}

TEST_CASE("other major languages are recognised", "[language]") {
    CHECK(detect("Warum ist mein Zug schon wieder nicht pünktlich und die Bahn sagt nichts") ==
          "de");
    CHECK(detect("Pourquoi mon colis n'est pas encore arrivé, c'est la troisième fois") == "fr");
    CHECK(detect("Por qué mi vuelo está cancelado y nadie me dice nada de la maleta") == "es");
}

TEST_CASE("too little evidence is und", "[language]") {
    CHECK(detect("") == "und");
    CHECK(detect("@klm \xF0\x9F\x98\xA1") == "und");
    CHECK(detect("KL1234 AMS-JFK") == "und");
}

TEST_CASE("one stray stop word does not make an English post unscored", "[language]") {
    // German, French and Spanish posts are not scored, so a single word that those lists hold
    // ("he", "ha", "im") is not enough to call one; Dutch and English keep the lower bar.
    CHECK(is_scored_language(detect("I am glad he is home.")));
    CHECK(is_scored_language(detect("Ha! Too true.")));
    CHECK(is_scored_language(detect("im perfect")));
    CHECK(detect("Ich bin nicht zufrieden mit dem Service") == "de");
    CHECK(detect("ik ben boos") == "nl");
}
