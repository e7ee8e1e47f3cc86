#include <catch2/catch.hpp>

#include "rules/query_lexer.hpp"
#include "rules/query_parser.hpp"

using namespace spreekbuis::rules::query;

namespace {

// Compact rendering of a tree: and(a,b), or(..), not(..), near5(..), near5f(..).
std::string show(const Node& node) {
    std::string out;
    const auto list = [&](const char* name) {
        out += name;
        out += '(';
        for (std::size_t i = 0; i < node.children.size(); ++i) {
            if (i) out += ',';
            out += show(*node.children[i]);
        }
        out += ')';
    };
    switch (node.kind) {
        case NodeKind::term:
            return node.text;
        case NodeKind::phrase:
            return "\"" + node.text + "\"";
        case NodeKind::regex:
            return "re/" + node.text + "/";
        case NodeKind::var:
            return "$" + node.text;
        case NodeKind::field:
            return "field:" + node.field.written;
        case NodeKind::all_of:
            list("and");
            return out;
        case NodeKind::any_of:
            list("or");
            return out;
        case NodeKind::negate:
            list("not");
            return out;
        case NodeKind::near:
            list(("near" + std::to_string(node.distance) + (node.ordered ? "f" : "")).c_str());
            return out;
    }
    return "?";
}

std::string parse_ok(const std::string& text) {
    auto result = parse_query(text);
    INFO(text);
    for (const auto& error : result.errors) INFO(error.message);
    REQUIRE(result.errors.empty());
    REQUIRE(result.root);
    return show(*result.root);
}

ParseError parse_error(const std::string& text) {
    auto result = parse_query(text);
    INFO(text);
    REQUIRE_FALSE(result.root);
    REQUIRE_FALSE(result.errors.empty());
    return result.errors.front();
}

}  // namespace

TEST_CASE("lexer: operators, phrases, regexes, variables and offsets", "[query]") {
    auto lexed = lex_query(R"(a AND "b \"c\"" OR re:/x\/y/ NEAR/12f $list_1 (NOT z))");
    REQUIRE_FALSE(lexed.error);
    const auto& t = lexed.tokens;
    REQUIRE(t.size() == 12);
    CHECK(t[0].type == TokenType::word);
    CHECK(t[1].type == TokenType::op_and);
    CHECK(t[2].type == TokenType::phrase);
    CHECK(t[2].text == "b \"c\"");
    CHECK(t[2].offset == 6);
    CHECK(t[3].type == TokenType::op_or);
    CHECK(t[4].type == TokenType::regex);
    CHECK(t[4].text == "x/y");
    CHECK(t[5].type == TokenType::op_near);
    CHECK(t[5].distance == 12);
    CHECK(t[5].ordered);
    CHECK(t[6].type == TokenType::var);
    CHECK(t[6].text == "list_1");
    CHECK(t[7].type == TokenType::lparen);
    CHECK(t[8].type == TokenType::op_not);
    CHECK(t[9].type == TokenType::word);
    CHECK(t[10].type == TokenType::rparen);
    CHECK(t[11].type == TokenType::end);
}

TEST_CASE("lexer: regex keeps escapes other than \\/", "[query]") {
    auto lexed = lex_query(R"(re:/\d+\s/)");
    REQUIRE_FALSE(lexed.error);
    CHECK(lexed.tokens[0].text == R"(\d+\s)");
}

TEST_CASE("parser: precedence of OR, AND, juxtaposition, NOT and NEAR", "[query]") {
    CHECK(parse_ok("a") == "a");
    CHECK(parse_ok("a b") == "and(a,b)");
    CHECK(parse_ok("a AND b OR c") == "or(and(a,b),c)");
    CHECK(parse_ok("a OR b c") == "or(a,and(b,c))");
    CHECK(parse_ok("a (b OR c)") == "and(a,or(b,c))");
    CHECK(parse_ok("NOT a b") == "and(not(a),b)");
    CHECK(parse_ok("a NOT b") == "and(a,not(b))");
    CHECK(parse_ok("NOT NOT a") == "not(not(a))");
    CHECK(parse_ok("a NEAR/3 b c") == "and(near3(a,b),c)");
    CHECK(parse_ok("a NEAR/3 b NEAR/2f c") == "near2f(near3(a,b),c)");
    CHECK(parse_ok("(a OR b) NEAR/5f \"c d\"") == "near5f(or(a,b),\"c d\")");
    CHECK(parse_ok("NOT a NEAR/3 b") == "not(near3(a,b))");
    CHECK(parse_ok("$lost OR re:/x+/") == "or($lost,re/x+/)");
    CHECK(parse_ok("and or not near") == "and(and,or,not,near)");
    CHECK(parse_ok("refund* #klm @klm") == "and(refund*,#klm,@klm)");
}

TEST_CASE("parser: fields and their values", "[query]") {
    auto result = parse_query("lang:(en OR NL) followers:1000..50000 sentiment:<-0.3");
    REQUIRE(result.errors.empty());
    const auto& root = *result.root;
    REQUIRE(root.children.size() == 3);
    const auto& lang = root.children[0]->field;
    CHECK(lang.kind == FieldKind::lang);
    REQUIRE(lang.values.size() == 2);
    CHECK(lang.values[0].text == "en");
    CHECK(lang.values[1].text == "nl");
    CHECK(lang.written == "lang:(en OR NL)");
    const auto& followers = root.children[1]->field.values[0];
    CHECK(followers.low == 1000);
    CHECK(followers.high == 50000);
    const auto& sentiment = root.children[2]->field.values[0];
    CHECK(sentiment.high == Approx(-0.3));
    CHECK_FALSE(sentiment.high_inclusive);

    auto more = parse_query(
        "followers:>=10 followers:>5 followers:<=3 followers:7 author:@KLM "
        "verified:true is:reply polarity:negative complaint:false source:x");
    REQUIRE(more.errors.empty());
    const auto& f = more.root->children;
    CHECK(f[0]->field.values[0].low == 10);
    CHECK(f[0]->field.values[0].low_inclusive);
    CHECK_FALSE(f[1]->field.values[0].low_inclusive);
    CHECK(f[2]->field.values[0].high == 3);
    CHECK(f[3]->field.values[0].low == 7);
    CHECK(f[3]->field.values[0].high == 7);
    CHECK(f[4]->field.values[0].text == "klm");
    CHECK(f[5]->field.values[0].flag);
    CHECK(f[8]->field.values[0].flag == false);
    CHECK(f[9]->field.values[0].text == "x");
}

TEST_CASE("parser: syntax errors point at the offending character", "[query]") {
    auto e = parse_error("(a OR b");
    CHECK(e.offset == 0);
    CHECK(e.message == "unbalanced '(': no matching ')'");
    e = parse_error("a OR b)");
    CHECK(e.offset == 6);
    CHECK(e.message == "unbalanced ')': there is no '(' to close");
    e = parse_error("a NEAR/ b");
    CHECK(e.offset == 2);
    CHECK(e.message == "NEAR needs a distance");
    e = parse_error("a NEAR/x b");
    CHECK(e.offset == 7);
    CHECK(e.message == "NEAR needs a number after '/'");
    e = parse_error("a NEAR b");
    CHECK(e.message == "NEAR needs a distance");
    e = parse_error("a NEAR/5");
    CHECK(e.offset == 2);
    CHECK(e.message == "NEAR/5 needs a term, phrase or (group) on both sides");
    e = parse_error("NEAR/5 a");
    CHECK(e.offset == 0);
    e = parse_error("a NEAR/5 NOT b");
    CHECK(e.offset == 2);
    e = parse_error("a NEAR/0 b");
    CHECK(e.message == "NEAR/0 can never match");
    e = parse_error("a NEAR/99999 b");
    CHECK(e.message == "NEAR distance is too large");
    e = parse_error("   ");
    CHECK(e.message == "empty query");
    e = parse_error("a AND");
    CHECK(e.offset == 2);
    CHECK(e.message == "AND needs something on its right");
    e = parse_error("OR a");
    CHECK(e.message == "OR needs something on its left");
    e = parse_error("a NOT");
    CHECK(e.offset == 2);
    e = parse_error("a ()");
    CHECK(e.offset == 2);
    CHECK(e.message == "empty parentheses");
    e = parse_error("a \"open phrase");
    CHECK(e.offset == 2);
    e = parse_error("x re:/abc");
    CHECK(e.offset == 2);
    e = parse_error("$ a");
    CHECK(e.offset == 0);
}

TEST_CASE("parser: field errors with did-you-mean", "[query]") {
    auto e = parse_error("refund lnag:nl");
    CHECK(e.offset == 7);
    CHECK(e.message == "unknown field 'lnag'");
    CHECK(e.hint == "did you mean 'lang:'?");
    e = parse_error("followers:lots");
    CHECK(e.offset == 10);
    CHECK(e.message == "bad follower count 'lots'");
    e = parse_error("lang:english");
    CHECK(e.offset == 5);
    e = parse_error("polarity:negtive");
    CHECK(e.hint == "did you mean 'negative'?");
    e = parse_error("sentiment:<-3");
    CHECK(e.message == "sentiment value '<-3' is outside -1..1");
    e = parse_error("verified:yes");
    CHECK(e.offset == 9);
    e = parse_error("is:original");
    CHECK(e.offset == 3);
    e = parse_error("lang:(en nl)");
    CHECK(e.offset == 9);
    e = parse_error("followers:10..5");
    CHECK(e.offset == 10);
    e = parse_error("lang:");
    CHECK(e.message == "field 'lang' needs a value");
    e = parse_error("re:abc");
    CHECK(e.hint == "a regular expression is written re:/pattern/");
    // Several field errors in one query are all reported.
    auto result = parse_query("lang:xxxx OR followers:many");
    CHECK(result.errors.size() == 2);
}

TEST_CASE("parser: deep nesting is an error, not a crash", "[query]") {
    std::string deep(5000, '(');
    deep += "a";
    deep += std::string(5000, ')');
    auto result = parse_query(deep);
    REQUIRE_FALSE(result.root);
    CHECK(result.errors.front().message == "query nests too deeply");
    std::string nots;
    for (int i = 0; i < 5000; ++i) nots += "NOT ";
    nots += "a";
    CHECK_FALSE(parse_query(nots).root);
}

TEST_CASE("parser: \"a b\"~N proximity, as Brandwatch, Talkwalker and X write it", "[query]") {
    CHECK(parse_ok("\"lost bag\"~5") == "near5(lost,bag)");
    CHECK(parse_ok("\"my bag never arrived\"~6") == "near6(near6(near6(my,bag),never),arrived)");
    CHECK(parse_ok("\"lost bag*\"~3 OR refund") == "or(near3(lost,bag*),refund)");
    CHECK(parse_ok("klm \"lost  bag\"~2") == "and(klm,near2(lost,bag))");
    CHECK(parse_ok("(\"lost bag\"~2)") == "near2(lost,bag)");
    CHECK(parse_ok("\"lost bag\"") == "\"lost bag\"");  // no ~: still a phrase

    auto e = parse_error("\"lost bag\"~");
    CHECK(e.offset == 10);
    CHECK(e.message == "'~' after a phrase needs a distance");
    e = parse_error("\"lost bag\"~x");
    CHECK(e.offset == 10);
    CHECK(e.message == "'~' after a phrase needs a distance");
    e = parse_error("\"lost bag\"~3x");
    CHECK(e.offset == 12);
    CHECK(e.message == "unexpected text after the proximity");
    e = parse_error("\"lost bag\"~0");
    CHECK(e.message == "a proximity of ~0 can never match");
    e = parse_error("\"lost bag\"~99999999999999999999");
    CHECK(e.message == "proximity distance is too large");
    e = parse_error("\"lost\"~3");
    CHECK(e.offset == 0);
    CHECK(e.message == "a proximity \"...\"~3 needs two or more words");
}

TEST_CASE("parser: <<<comments>>> are skipped; '?' inside a word is an error", "[query]") {
    CHECK(parse_ok("<<<brand>>> klm OR <<<the old name>>> \"royal dutch\"") ==
          "or(klm,\"royal dutch\")");
    CHECK(parse_ok("(bag<<<s too>>> OR suitcase)") == "or(bag,suitcase)");
    CHECK(parse_ok("\"<<<not a comment>>>\"") == "\"<<<not a comment>>>\"");
    auto e = parse_error("klm <<<unfinished");
    CHECK(e.offset == 4);
    CHECK(e.message == "unterminated comment: no closing '>>>'");
    e = parse_error("<<<only a comment>>>");
    CHECK_FALSE(e.message.empty());

    e = parse_error("wom?n");
    CHECK(e.offset == 3);
    CHECK(e.message == "'?' inside a word is no wildcard here");
    CHECK(parse_ok("why?") == "why?");  // a question mark ending a word is punctuation
    CHECK(parse_ok("?") == "?");
}
