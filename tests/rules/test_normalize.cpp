#include <catch2/catch.hpp>
#include <string>
#include <vector>

#include "rules/normalize.hpp"

using spreekbuis::rules::folded_origins;
using spreekbuis::rules::normalize;
using spreekbuis::rules::NormalizedText;
using spreekbuis::rules::Token;
using spreekbuis::rules::TokenKind;

namespace {

std::vector<std::string> texts(const NormalizedText& n) {
    std::vector<std::string> out;
    for (const auto& t : n.tokens) out.emplace_back(n.token_text(t));
    return out;
}

const Token* find(const NormalizedText& n, std::string_view text) {
    for (const auto& t : n.tokens) {
        if (n.token_text(t) == text) return &t;
    }
    return nullptr;
}

bool valid_utf8(std::string_view s) {
    std::size_t i = 0;
    while (i < s.size()) {
        const auto c = static_cast<unsigned char>(s[i]);
        std::size_t n = c < 0x80         ? 1
                        : (c >> 5) == 6  ? 2
                        : (c >> 4) == 14 ? 3
                        : (c >> 3) == 30 ? 4
                                         : 0;
        if (n == 0 || i + n > s.size()) return false;
        if (n == 2 && c < 0xC2) return false;
        for (std::size_t k = 1; k < n; ++k) {
            if ((static_cast<unsigned char>(s[i + k]) & 0xC0) != 0x80) return false;
        }
        if (n == 3) {
            const auto c1 = static_cast<unsigned char>(s[i + 1]);
            if (c == 0xE0 && c1 < 0xA0) return false;
            if (c == 0xED && c1 > 0x9F) return false;
        }
        if (n == 4) {
            const auto c1 = static_cast<unsigned char>(s[i + 1]);
            if (c == 0xF0 && c1 < 0x90) return false;
            if (c > 0xF4 || (c == 0xF4 && c1 > 0x8F)) return false;
        }
        i += n;
    }
    return true;
}

const std::string kFffd = "\xEF\xBF\xBD";

}  // namespace

TEST_CASE("normalize decodes character references", "[normalize]") {
    const auto n =
        normalize("Fish &amp; chips &lt;3 &gt; &quot;ok&quot; it&#39;s &#x1F600; &eacute;&nbsp;x");
    CHECK(n.plain == "Fish & chips <3 > \"ok\" it's \xF0\x9F\x98\x80 \xC3\xA9\xC2\xA0x");
    CHECK(n.folded == "fish & chips <3 > \"ok\" it's \xF0\x9F\x98\x80 e x");
    REQUIRE(find(n, "<3") != nullptr);
    CHECK(find(n, "<3")->kind == TokenKind::emoticon);
    CHECK(find(n, "it's") != nullptr);
}

TEST_CASE("normalize replaces invalid character references", "[normalize]") {
    const auto n = normalize("a&#0;b&#xD800;c&#99999999999;d&bogus;e&#x41");
    CHECK(n.plain == "a" + kFffd + "b" + kFffd + "c" + kFffd + "d&bogus;eA");
    CHECK(valid_utf8(n.plain));
}

TEST_CASE("normalize strips Mastodon HTML and keeps link text", "[normalize]") {
    const auto n = normalize(
        "<p>Hoi <span class=\"h-card\"><a href=\"https://kpn.social/@kpn\" class=\"u-url mention\">"
        "@<span>kpn</span></a></span> storing!</p><p>Zie <a href=\"https://x.nl/a\"><span "
        "class=\"invisible\">https://</span><span>x.nl/a</span></a><br/>bedankt</p>");
    CHECK(n.plain == "Hoi @kpn storing!\nZie https://x.nl/a\nbedankt\n");
    CHECK(n.folded == "hoi @kpn storing! zie https://x.nl/a bedankt");
    CHECK(texts(n) == std::vector<std::string>{"hoi", "@kpn", "storing", "!", "zie",
                                               "https://x.nl/a", "bedankt"});
    CHECK(n.tokens[1].kind == TokenKind::mention);
    CHECK(n.tokens[5].kind == TokenKind::url);
}

TEST_CASE("normalize leaves text that only looks like markup", "[normalize]") {
    CHECK(normalize("I <3 you").plain == "I <3 you");
    CHECK(normalize("a < b > c").plain == "a < b > c");
    CHECK(normalize("unterminated <a href=\"x").plain == "unterminated <a href=\"x");
    CHECK(normalize("x <!-- note --> y").plain == "x  y");
}

TEST_CASE("normalize repairs every kind of broken UTF-8", "[normalize]") {
    struct Case {
        std::string input;
        std::string plain;
    };
    const std::vector<Case> cases = {
        {"a\x80z", "a" + kFffd + "z"},                                      // lone continuation
        {"a\xC3z", "a" + kFffd + "z"},                                      // truncated 2-byte
        {"a\xC0\xAFz", "a" + kFffd + kFffd + "z"},                          // overlong '/'
        {"a\xE0\x80\xAFz", "a" + kFffd + kFffd + kFffd + "z"},              // overlong 3-byte
        {"a\xED\xA0\x80z", "a" + kFffd + kFffd + kFffd + "z"},              // surrogate D800
        {"a\xF0\x9F\x98z", "a" + kFffd + "z"},                              // truncated 4-byte
        {"a\xF4\x90\x80\x80z", "a" + kFffd + kFffd + kFffd + kFffd + "z"},  // > U+10FFFF
        {"a\xFF\xFEz", "a" + kFffd + kFffd + "z"},                          // never-valid bytes
        {"end\xE2\x82", "end" + kFffd},                                     // truncated at the end
    };
    for (const auto& c : cases) {
        const auto n = normalize(c.input);
        CHECK(n.plain == c.plain);
        CHECK(valid_utf8(n.folded));
    }
}

TEST_CASE("normalize folds case and accents of Dutch, French and German", "[normalize]") {
    CHECK(normalize("Één café, ÏNDEX naïef, Ĳsselmeer ĳs").folded ==
          "een cafe, index naief, ijsselmeer ijs");
    CHECK(normalize("Élève à l'hôtel, œuvre, garçon").folded == "eleve a l'hotel, oeuvre, garcon");
    CHECK(normalize("Straße Übermäßig GRÖSSE").folded == "strasse ubermassig grosse");
    CHECK(normalize("Ørsted Łódź mañana").folded == "orsted lodz manana");
    CHECK(normalize("e\xCC\x81t\xC3\xA9").folded == "ete");  // combining acute removed
}

TEST_CASE("normalize folds Greek and Cyrillic case", "[normalize]") {
    CHECK(normalize("ΚΑΛΗΜΈΡΑ Σας").folded == "καλημερα σασ");
    CHECK(normalize("МОСКВА Ёлка").folded == "москва елка");
}

TEST_CASE("normalize makes typographic punctuation plain", "[normalize]") {
    const auto n =
        normalize("Don\xE2\x80\x99t \xE2\x80\x9Cquote\xE2\x80\x9D \xE2\x80\x94 wait\xE2\x80\xA6");
    CHECK(n.folded == "don't \"quote\" - wait..");
    CHECK(find(n, "don't") != nullptr);
}

TEST_CASE("normalize squeezes elongation and collapses white space", "[normalize]") {
    const auto n = normalize("  sooooo   GOOOOD\t\n!!!!  ???? 1000 ");
    CHECK(n.folded == "soo good !! ?? 1000");
    CHECK(n.exclamations == 4);
    CHECK(n.questions == 4);
    REQUIRE(n.tokens.size() == 5);
    CHECK(n.tokens[0].elongated);
    CHECK(n.tokens[1].elongated);
    CHECK(n.tokens[1].all_caps);
    CHECK(n.tokens[2].elongated);
    CHECK(n.tokens[4].kind == TokenKind::number);
    CHECK_FALSE(n.tokens[4].elongated);
}

TEST_CASE("normalize marks words written in capitals", "[normalize]") {
    const auto n = normalize("NEVER again I Said OK A KLM's");
    CHECK(find(n, "never")->all_caps);
    CHECK_FALSE(find(n, "again")->all_caps);
    CHECK_FALSE(find(n, "i")->all_caps);  // one letter
    CHECK_FALSE(find(n, "said")->all_caps);
    CHECK(find(n, "ok")->all_caps);
    CHECK(find(n, "klm's")->all_caps == false);
}

TEST_CASE("normalize tokenises every kind", "[normalize]") {
    const auto n = normalize(
        "@KLM_nl why?? #Fail see https://t.co/AbC?x=1. and www.klm.nl! 10:30 €3.50 don't m'n "
        "@anna@mastodon.social :-( :'( ;) :D xD <3 \xF0\x9F\x98\xA1 "
        "\xF0\x9F\x91\x8D\xF0\x9F\x8F\xBD "
        "\xF0\x9F\x87\xB3\xF0\x9F\x87\xB1 "
        "\xF0\x9F\x91\xA8\xE2\x80\x8D\xF0\x9F\x91\xA9\xE2\x80\x8D\xF0\x9F\x91\xA7 "
        "\xE2\x9D\xA4\xEF\xB8\x8F");
    struct Want {
        std::string text;
        TokenKind kind;
    };
    const std::vector<Want> want = {
        {"@klm_nl", TokenKind::mention},
        {"why", TokenKind::word},
        {"??", TokenKind::punct},
        {"#fail", TokenKind::hashtag},
        {"see", TokenKind::word},
        {"https://t.co/abc?x=1", TokenKind::url},
        {".", TokenKind::punct},
        {"and", TokenKind::word},
        {"www.klm.nl", TokenKind::url},
        {"!", TokenKind::punct},
        {"10:30", TokenKind::number},
        {"\xE2\x82\xAC", TokenKind::punct},
        {"3.50", TokenKind::number},
        {"don't", TokenKind::word},
        {"m'n", TokenKind::word},
        {"@anna@mastodon.social", TokenKind::mention},
        {":-(", TokenKind::emoticon},
        {":'(", TokenKind::emoticon},
        {";)", TokenKind::emoticon},
        {":d", TokenKind::emoticon},
        {"xd", TokenKind::emoticon},
        {"<3", TokenKind::emoticon},
        {"\xF0\x9F\x98\xA1", TokenKind::emoji},
        {"\xF0\x9F\x91\x8D\xF0\x9F\x8F\xBD", TokenKind::emoji},
        {"\xF0\x9F\x87\xB3\xF0\x9F\x87\xB1", TokenKind::emoji},
        {"\xF0\x9F\x91\xA8\xE2\x80\x8D\xF0\x9F\x91\xA9\xE2\x80\x8D\xF0\x9F\x91\xA7",
         TokenKind::emoji},
        {"\xE2\x9D\xA4", TokenKind::emoji},  // the variation selector is dropped
    };
    REQUIRE(n.tokens.size() == want.size());
    for (std::size_t i = 0; i < want.size(); ++i) {
        INFO(i);
        CHECK(std::string(n.token_text(n.tokens[i])) == want[i].text);
        CHECK(n.tokens[i].kind == want[i].kind);
    }
    CHECK(n.questions == 2);  // the '?' inside the URL does not count
    CHECK(n.exclamations == 1);
}

TEST_CASE("normalize does not see emoticons inside words or times", "[normalize]") {
    const auto n = normalize("ratio 2:1 at 10:30 re:do http://a.b/c:d");
    for (const auto& t : n.tokens) CHECK(t.kind != TokenKind::emoticon);
}

TEST_CASE("normalize handles empty and space-only input", "[normalize]") {
    CHECK(normalize("").tokens.empty());
    const auto n = normalize(" \t\n\r ");
    CHECK(n.folded.empty());
    CHECK(n.tokens.empty());
}

TEST_CASE("token offsets stay inside folded on arbitrary bytes", "[normalize]") {
    std::string input;
    std::uint32_t state = 12345;
    for (int round = 0; round < 300; ++round) {
        input.clear();
        const int length = static_cast<int>(state % 64);
        for (int i = 0; i < length; ++i) {
            state = state * 1103515245u + 12345u;
            input.push_back(static_cast<char>((state >> 16) & 0xFF));
        }
        const auto n = normalize(input);
        CHECK(valid_utf8(n.plain));
        CHECK(valid_utf8(n.folded));
        std::uint32_t previous_end = 0;
        for (const auto& t : n.tokens) {
            CHECK(t.begin < t.end);
            CHECK(t.end <= n.folded.size());
            CHECK(t.begin >= previous_end);
            previous_end = t.end;
        }
    }
}

TEST_CASE("fediverse mentions with non-ASCII domains end on a character boundary", "[normalize]") {
    const auto n = normalize("@a@\xCE\xA1\xCE\xB1?? ok");
    REQUIRE(!n.tokens.empty());
    CHECK(n.token_text(n.tokens[0]) == "@a@\xCF\x81\xCE\xB1");
    CHECK(n.tokens[0].kind == TokenKind::mention);
}

TEST_CASE("normalize folds text that grows well beyond its input", "[normalize]") {
    // U+00BE (2 bytes) folds to 5 bytes: the folded text is far longer than the input (its
    // buffers were reserved at the input's size), with elongations squeezed throughout.
    const std::string single = normalize("\xC2\xBE").folded;
    REQUIRE(single.size() == 5);
    std::string raw;
    std::string expected;
    for (int i = 0; i < 500; ++i) {
        raw += "\xC2\xBE Soooo ";
        if (i > 0) expected += ' ';
        expected += single + " soo";
    }
    const NormalizedText text = normalize(raw);
    CHECK(text.folded == expected);
    std::size_t elongated = 0;
    for (const auto& token : text.tokens) elongated += token.elongated ? 1 : 0;
    CHECK(elongated == 500);
}

namespace {

// Everything a NormalizedText says, as one comparable string.
std::string describe(const NormalizedText& n) {
    std::string out = n.plain + "\n" + n.folded + "\n" + std::to_string(n.exclamations) + " " +
                      std::to_string(n.questions) + "\n";
    for (const auto& t : n.tokens) {
        out += std::to_string(t.begin) + "-" + std::to_string(t.end) + ":" +
               std::to_string(static_cast<int>(t.kind)) + (t.all_caps ? "C" : "") +
               (t.elongated ? "E" : "") + " ";
    }
    return out;
}

}  // namespace

namespace {

// Random texts from `pieces` (up to `most` of them, some followed by a space), each normalised
// by normalize_into and by normalize_reference: the two must agree field by field.
void check_paths_agree(const std::vector<std::string>& pieces, std::size_t most, int rounds,
                       std::uint64_t seed) {
    using spreekbuis::rules::normalize_reference;
    std::uint64_t state = seed;
    const auto next = [&state] {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        return state;
    };
    std::vector<std::uint8_t> flags;
    NormalizedText fast;
    for (int round = 0; round < rounds; ++round) {
        std::string text;
        const std::size_t count = next() % (most + 1);
        for (std::size_t i = 0; i < count; ++i) {
            text += pieces[next() % pieces.size()];
            if (next() % 3 == 0) text += ' ';
        }
        spreekbuis::rules::normalize_into(text, fast, flags);
        const auto expected = describe(normalize_reference(text));
        INFO("text: [" << text << "]");
        REQUIRE(describe(fast) == expected);
    }
}

}  // namespace

TEST_CASE("normalize's fast path agrees with the general path", "[normalize]") {
    // Pieces that reach every branch: URLs, tags, mentions, emoticons, elongations, numbers
    // with separators, apostrophes, capitals, controls and runs of punctuation.
    const std::vector<std::string> pieces = {
        "http://x.nl/a?b=1).", "https://", "www.ex.com,", "WWW.A.B", "hTTp://q", "h", "w", "@", "#",
        "_", "@kl@m.social.", "@a_b", "#tag_1", "##", "#_", ":)", ":-(", "(:", "):", ":/", "//",
        ":d", "xd", "XDD", "xp", "x", "<3", "<33", "^_^", "-_-", ":3", ";p", "!!!!", "???", "?!",
        "!", "sooooo", "NOOO", "AAaa", "bb", "111", "1.5", "3,00", "12:30", "don't", "it''s",
        "'quoted'", "a", "I", "OK", "Ok", "e-mail", "\t", "\n", "\x01", "\x7f", " ", "  ", ".", ",",
        "..", "-", "(", ")", "=", ";", ">:(", "</3", "hh", "ww",
        // Other characters: accents, expansions, emoji with modifiers and joiners, flags,
        // typographic quotes, combining marks, ignorables, broken UTF-8 and markup.
        "\xC3\xA9\xC3\xA9\xC3\xA9", "\xC3\x89T\xC3\x89", "\xC3\x9F", "\xC4\xB0", "\xEF\xAC\x81",
        "\xF0\x9F\x98\x80", "\xF0\x9F\x91\x8D\xF0\x9F\x8F\xBD",
        "\xF0\x9F\x91\xA9\xE2\x80\x8D\xF0\x9F\x92\xBB", "\xE2\x80\x8D",
        "\xF0\x9F\x87\xB3\xF0\x9F\x87\xB1", "\xE2\x80\x99", "\xE2\x80\x9C", "e\xCC\x81",
        "\xE2\x80\x8B", "\xEF\xB8\x8F", "\xE2\x80\xA6", "\xC2\xA0", "\xE3\x80\x80", "\xEF\xBC\x81",
        "\xD0\x9F\xD1\x80", "\xE2\x9D\xA4", "\xFF", "\xC3", "\xE2\x82", "\xED\xA0\x80",
        "\xEF\xBF\xBD", "&amp;", "&lt;3", "<p>", "</b>", "&#x1F600;", "&bogus;"};
    check_paths_agree(pieces, 11, 30000, 0x2545F4914F6CDD1DULL);
}

TEST_CASE("normalize's sixteen-byte step agrees with the general path", "[normalize]") {
    // Mostly plain words, long enough texts: the SIMD step takes most chunks, and the rest
    // (elongations, URLs, double spaces, digits, '!' and '?') fall at or across its edges.
    const std::vector<std::string> pieces = {
        "the",     "Hello", "WORLD", "a",    "aa",  "AA",       "b",       "1",    "00",
        "why",     "how",   "wait",  "What", "hhh", "ww",       "w",       "H",    "http://a.b/c",
        "WWW.x.y", "www",   "http",  ".",    ",",   "!",        "?",       " ",    "  ",
        "\t",      "@x",    "#y",    "a/",   "/w",  "#h",       "@h",      "2024", "e.g.",
        "don't",   ":)",    "xd",    "ooo",  "Oo",  "\xC3\xA9", "loooong", "...",  "?!?"};
    check_paths_agree(pieces, 40, 30000, 0x9E3779B97F4A7C15ULL);
}

TEST_CASE("folded_origins maps each folded byte to the character it came from", "[normalize]") {
    const std::string plain = "Één  HEEL   Sooooo @KLM 😡 https://x.nl/A ok";
    const NormalizedText text = normalize(plain);
    const auto origins = folded_origins(text.plain);
    REQUIRE(origins.size() == text.folded.size() + 1);
    CHECK(origins.back() == plain.size());
    for (std::size_t i = 1; i < origins.size(); ++i) CHECK(origins[i - 1] <= origins[i]);
    // Each token's bytes start at the plain character that folds to them.
    const std::vector<std::pair<std::string, std::string>> expected = {
        {"een", "Één"},
        {"heel", "HEEL"},
        {"soo", "Sooooo"},
        {"@klm", "@KLM"},
        {"https://x.nl/a", "https://x.nl/A"},
        {"ok", "ok"}};
    std::size_t found = 0;
    for (const auto& token : text.tokens) {
        const auto word = std::string(text.token_text(token));
        for (const auto& [folded, written] : expected) {
            if (word != folded) continue;
            INFO(word);
            CHECK(plain.substr(origins[token.begin], written.size()) == written);
            ++found;
        }
    }
    CHECK(found == expected.size());
    // Broken UTF-8 is replaced in `plain` before folding; the map still covers every byte.
    const NormalizedText broken = normalize("a\xff\xfe b");
    CHECK(folded_origins(broken.plain).size() == broken.folded.size() + 1);
}
