#include <catch2/catch.hpp>
#include <string>
#include <vector>

#include "rules/exact_case.hpp"
#include "rules/ruleset.hpp"

using namespace spreekbuis::rules;

namespace {

using Words = std::vector<std::string>;

bool occurs(const std::string& written, const std::string& text) {
    return exact_case_occurs(word_runs(written), text);
}

// One rule with `query`; the ids of the rules that match `text`, and the verdict's `why`.
std::vector<std::string> matched(const std::string& yaml, const std::string& text,
                                 std::string* why = nullptr) {
    auto result = load_rule_text("case.yaml", yaml);
    INFO(result.diagnostics.format_all());
    REQUIRE(result.rules);
    Post post;
    post.id = "p";
    post.text = text;
    post.lang = "en";
    const auto verdict = result.rules->evaluate(post);
    if (why) *why = verdict.why;
    return verdict.rules.strings();
}

}  // namespace

TEST_CASE("word runs keep case and drop what is not a letter, digit or mark", "[exact_case]") {
    CHECK(word_runs("Next") == Words{"Next"});
    CHECK(word_runs("Marks & Spencer") == Words{"Marks", "Spencer"});
    CHECK(word_runs("@KLM") == Words{"KLM"});
    CHECK(word_runs("Café  Noir!") == Words{"Café", "Noir"});
    CHECK(word_runs("T-Mobile") == Words{"T", "Mobile"});
    CHECK(word_runs("!!!").empty());
}

TEST_CASE("exact-case words are found whole, with their case and accents", "[exact_case]") {
    CHECK(occurs("Next", "My Next order"));
    CHECK(occurs("Next", "Next"));
    CHECK(occurs("Next", "(Next)"));
    CHECK(occurs("Next", "at Next\u2019s store"));  // a typographic apostrophe ends the word
    CHECK(occurs("Next", "#Next"));
    CHECK_FALSE(occurs("Next", "the next order"));
    CHECK_FALSE(occurs("Next", "NEXT order"));
    CHECK_FALSE(occurs("Next", "Nexting"));
    CHECK_FALSE(occurs("Next", "UnNext"));
    CHECK_FALSE(occurs("Next", "Nextè"));  // a non-ASCII letter continues the word
    CHECK_FALSE(occurs("Next", "\u00e9Next"));
    CHECK(occurs("Next", "Nexting, then Next"));  // a later occurrence counts
    CHECK(occurs("Café", "Café Noir"));
    CHECK_FALSE(occurs("Café", "Cafe Noir"));
    CHECK_FALSE(occurs("Cafe", "Café Noir"));
}

TEST_CASE("exact-case phrases allow any non-word gap between their words", "[exact_case]") {
    CHECK(occurs("Bank of America", "Bank of America fees"));
    CHECK(occurs("Bank of America", "Bank, of  America"));
    CHECK(occurs("Marks & Spencer", "Marks and Spencer") == false);  // "and" is a word
    CHECK(occurs("Marks & Spencer", "Marks  &  Spencer"));
    CHECK(occurs("Marks & Spencer", "Marks Spencer"));
    CHECK_FALSE(occurs("Bank of America", "bank of America"));
    CHECK_FALSE(occurs("Bank of America", "Bank of Americas"));
    CHECK_FALSE(occurs("Bank of America", "Bank ofAmerica"));
    CHECK_FALSE(occurs("Bank of America", "Bank of"));
    CHECK(occurs("Bank of America", "Bank of Bank of America"));
    // Broken UTF-8 around a match is read, never past the end.
    CHECK(occurs("Next", std::string("\xff"
                                     " Next \xe2\x82")));
    CHECK_FALSE(occurs("Next", std::string("\xe2\x82Next").substr(0, 4)));
}

TEST_CASE("rules: {Word} and {\"Phrase\"} match only in the written case", "[exact_case]") {
    const std::string yaml =
        "lists:\n"
        "  retailers: ['{Next}', '{\"Marks & Spencer\"}', zalando]\n"
        "rules:\n"
        "  - id: next-order\n"
        "    query: '{Next} AND (order OR delivery)'\n"
        "  - id: bank-fees\n"
        "    query: '{\"Bank of America\"} NEAR/3 fees'\n"
        "  - id: retailer\n"
        "    query: '$retailers'\n"
        "  - id: not-next\n"
        "    query: 'order AND NOT {Next}'\n";
    using Ids = std::vector<std::string>;
    std::string why;
    CHECK(matched(yaml, "My Next order never arrived", &why) == Ids{"next-order", "retailer"});
    CHECK(why.starts_with("next-order: {Next}, order; retailer: {Next};"));
    CHECK(matched(yaml, "the next order will be late") == Ids{"not-next"});
    CHECK(matched(yaml, "NEXT delivery was late") == Ids{});
    CHECK(matched(yaml, "Bank of America, their fees again") == Ids{"bank-fees"});
    CHECK(matched(yaml, "bank of america fees") == Ids{});
    // Inside NEAR the case is checked where the words are: the exact form here is far from
    // "fees", the form near it is lower case.
    CHECK(matched(yaml, "Bank of America is fine, but bank of america fees hurt") == Ids{});
    CHECK(matched(yaml, "bank of america is fine, but Bank of America fees hurt") ==
          Ids{"bank-fees"});
    CHECK(matched(yaml, "Shopping at Marks & Spencer") == Ids{"retailer"});
    CHECK(matched(yaml, "shopping at marks & spencer") == Ids{});
    CHECK(matched(yaml, "Zalando order") == Ids{"retailer", "not-next"});
    // A case-sensitive term is also a term: its folded form must be a whole word of the post.
    CHECK(matched(yaml, "Next-order") == Ids{"next-order", "retailer"});
}

TEST_CASE("inside NEAR a case-sensitive term is checked where it stands", "[exact_case]") {
    const std::string yaml =
        "lists:\n"
        "  brands: ['{Next}', '{@KLM}']\n"
        "rules:\n"
        "  - id: next-order\n"
        "    query: '{Next} NEAR/1f order'\n"
        "  - id: brand-delay\n"
        "    query: '$brands NEAR/2 delay*'\n"
        "  - id: cafe\n"
        "    query: '{Café} NEAR/2 closed'\n";
    using Ids = std::vector<std::string>;
    CHECK(matched(yaml, "the next order came, Next time better") == Ids{});
    CHECK(matched(yaml, "the Next order came, next time better") == Ids{"next-order"});
    // Offsets survive what folding changes before the words: multi-byte letters, entities
    // decoded, HTML, squeezed elongations, emoji and runs of spaces.
    CHECK(matched(yaml, "Één vraag 😡😡 over   mijn Next order") == Ids{"next-order"});
    CHECK(matched(yaml, "<p>Fish &amp; chips, then my Next   order</p>") == Ids{"next-order"});
    CHECK(matched(yaml, "Sooooo annoyed!!!! next order, Next time") == Ids{});
    CHECK(matched(yaml, "Sooooo annoyed!!!! Next order") == Ids{"next-order"});
    // A mention in a list, in and out of the written case.
    CHECK(matched(yaml, "@KLM the delay again, says @klm") == Ids{"brand-delay"});
    CHECK(matched(yaml, "@klm the delay again, says @KLM") == Ids{});
    // Accents are part of the written form, in the post's text.
    CHECK(matched(yaml, "cafe closed, said the Café owner") == Ids{});
    CHECK(matched(yaml, "Café closed, says cafe owner") == Ids{"cafe"});
    // A combining accent after the word makes it another word, as outside NEAR.
    CHECK(matched(yaml, "Next\xcc\x81 order") == Ids{});
}
