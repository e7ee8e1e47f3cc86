#include "rules/query_lexer.hpp"

#include <algorithm>

namespace spreekbuis::rules::query {

namespace {

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }
bool ends_word(char c) { return is_space(c) || c == '(' || c == ')' || c == '"'; }

}  // namespace

std::optional<ParseError> lex_case_sensitive(std::string_view text, std::size_t i,
                                             QueryToken& token) {
    const std::string hint = "write {Word} or {\"Exact Phrase\"} for a case-sensitive match";
    const std::size_t n = text.size();
    std::size_t j = i + 1;
    token.type = TokenType::exact;
    if (j < n && text[j] == '"') {
        token.quoted = true;
        ++j;
        while (j < n && text[j] != '"') token.text.push_back(text[j++]);
        if (j >= n) return ParseError{i + 1, "unterminated phrase: no closing '\"'", hint};
        ++j;
    } else {
        while (j < n && text[j] != '}' && !is_space(text[j]) && text[j] != '(' && text[j] != ')' &&
               text[j] != '"' && text[j] != '{') {
            token.text.push_back(text[j++]);
        }
    }
    if (j >= n || text[j] != '}') {
        return ParseError{j < n ? j : i, j < n ? "expected '}' here" : "no closing '}'",
                          j < n && is_space(text[j]) && !token.quoted
                              ? "put words that belong together in quotes: {\"Bank of America\"}"
                              : hint};
    }
    if (token.text.empty()) return ParseError{i, "empty case-sensitive term", hint};
    if (!token.quoted && token.text.ends_with('*')) {
        return ParseError{i + token.text.size(), "a case-sensitive term cannot end in '*'",
                          "write {Word} for the exact word, or word* without braces"};
    }
    if (j + 1 < n && !ends_word(text[j + 1])) {
        return ParseError{j + 1, "unexpected text after '}'", "put a space after the '}'"};
    }
    token.length = j + 1 - i;
    return std::nullopt;
}

namespace {

bool is_name_char(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
           c == '-';
}

// The "~N" after a phrase at text[at] == '~': the distance into `token`, which it lengthens.
std::optional<ParseError> lex_proximity(std::string_view text, std::size_t at, QueryToken& token) {
    const std::string hint = "\"lost bag\"~5: the words within 5 tokens, in any order";
    std::size_t end = at + 1;
    long value = 0;
    while (end < text.size() && text[end] >= '0' && text[end] <= '9') {
        value = std::min<long>(value * 10 + (text[end] - '0'), kMaxNearDistance + 1L);
        ++end;
    }
    if (end == at + 1) return ParseError{at, "'~' after a phrase needs a distance", hint};
    if (end < text.size() && !ends_word(text[end])) {
        return ParseError{end, "unexpected text after the proximity", hint};
    }
    if (value == 0) return ParseError{at, "a proximity of ~0 can never match", hint};
    if (value > kMaxNearDistance) {
        return ParseError{at, "proximity distance is too large",
                          "the largest distance is " + std::to_string(kMaxNearDistance)};
    }
    token.distance = static_cast<int>(value);
    token.length = end - token.offset;
    return std::nullopt;
}

std::optional<ParseError> lex_near(std::string_view word, std::size_t offset, QueryToken& token) {
    const std::string hint =
        "write NEAR/n (within n words, any order) or NEAR/nf (first side "
        "first), e.g. NEAR/5";
    if (word.size() < 6 || word[4] != '/') {
        return ParseError{offset, "NEAR needs a distance", hint};
    }
    std::size_t i = 5;
    long value = 0;
    while (i < word.size() && word[i] >= '0' && word[i] <= '9') {
        value = value * 10 + (word[i] - '0');
        if (value > kMaxNearDistance) {
            return ParseError{offset + 5, "NEAR distance is too large",
                              "the largest distance is " + std::to_string(kMaxNearDistance)};
        }
        ++i;
    }
    if (i == 5) return ParseError{offset + 5, "NEAR needs a number after '/'", hint};
    if (i < word.size() && word[i] == 'f') {
        token.ordered = true;
        ++i;
    }
    if (i != word.size()) {
        return ParseError{
            offset + i,
            "unexpected '" + std::string(word.substr(i, 1)) + "' after the NEAR distance", hint};
    }
    if (value == 0) {
        return ParseError{offset + 5, "NEAR/0 can never match",
                          "use a \"quoted phrase\" for words that must be adjacent, or NEAR/1"};
    }
    token.type = TokenType::op_near;
    token.distance = static_cast<int>(value);
    return std::nullopt;
}

}  // namespace

LexResult lex_query(std::string_view text) {
    LexResult result;
    std::size_t i = 0;
    const std::size_t n = text.size();
    while (true) {
        while (i < n && is_space(text[i])) ++i;
        QueryToken token;
        token.offset = i;
        if (i >= n) {
            token.type = TokenType::end;
            result.tokens.push_back(std::move(token));
            return result;
        }
        if (text.substr(i).starts_with("<<<")) {
            // <<<a comment>>>, as Brandwatch queries carry them: skipped.
            const auto close = text.find(">>>", i + 3);
            if (close == std::string_view::npos) {
                result.error = ParseError{i, "unterminated comment: no closing '>>>'",
                                          "write <<<a note>>> inside a query"};
                return result;
            }
            i = close + 3;
            continue;
        }
        const char c = text[i];
        if (c == '(' || c == ')') {
            token.type = c == '(' ? TokenType::lparen : TokenType::rparen;
            token.length = 1;
            ++i;
        } else if (c == '"') {
            token.type = TokenType::phrase;
            std::size_t j = i + 1;
            bool closed = false;
            while (j < n) {
                if (text[j] == '\\' && j + 1 < n && (text[j + 1] == '"' || text[j + 1] == '\\')) {
                    token.text.push_back(text[j + 1]);
                    j += 2;
                    continue;
                }
                if (text[j] == '"') {
                    closed = true;
                    break;
                }
                token.text.push_back(text[j]);
                ++j;
            }
            if (!closed) {
                result.error = ParseError{i, "unterminated phrase: no closing '\"'",
                                          "add a '\"' after the last word of the phrase"};
                return result;
            }
            token.length = j + 1 - i;
            i = j + 1;
            // "a b"~5, the proximity of Brandwatch, Talkwalker and X: the words within 5
            // tokens of each other (the parser makes it NEAR/5).
            if (i < n && text[i] == '~') {
                if (auto error = lex_proximity(text, i, token)) {
                    result.error = std::move(error);
                    return result;
                }
                i = token.offset + token.length;
            }
        } else if (c == '{') {
            if (auto error = lex_case_sensitive(text, i, token)) {
                result.error = std::move(error);
                return result;
            }
            i += token.length;
        } else if (text.substr(i).starts_with("re:/")) {
            token.type = TokenType::regex;
            std::size_t j = i + 4;
            bool closed = false;
            while (j < n) {
                if (text[j] == '\\' && j + 1 < n) {
                    if (text[j + 1] != '/') token.text.push_back('\\');
                    token.text.push_back(text[j + 1]);
                    j += 2;
                    continue;
                }
                if (text[j] == '/') {
                    closed = true;
                    break;
                }
                token.text.push_back(text[j]);
                ++j;
            }
            if (!closed) {
                result.error = ParseError{i, "unterminated regular expression: no closing '/'",
                                          "write re:/pattern/ and escape a '/' inside as '\\/'"};
                return result;
            }
            if (j + 1 < n && !ends_word(text[j + 1])) {
                result.error = ParseError{j + 1, "unexpected text after the regular expression",
                                          "put a space after the closing '/'"};
                return result;
            }
            token.length = j + 1 - i;
            i = j + 1;
        } else if (c == '$') {
            token.type = TokenType::var;
            std::size_t j = i + 1;
            while (j < n && is_name_char(text[j])) ++j;
            token.text = std::string(text.substr(i + 1, j - i - 1));
            if (token.text.empty()) {
                result.error = ParseError{i, "'$' must be followed by a list or macro name",
                                          "write $name, e.g. $luggage"};
                return result;
            }
            if (j < n && !ends_word(text[j])) {
                result.error = ParseError{
                    j, "unexpected '" + std::string(1, text[j]) + "' in the name after '$'",
                    "names use letters, digits, '_' and '-'"};
                return result;
            }
            token.length = j - i;
            i = j;
        } else {
            std::size_t j = i;
            while (j < n && !ends_word(text[j]) && !text.substr(j).starts_with("<<<")) ++j;
            const auto word = text.substr(i, j - i);
            token.length = j - i;
            token.text = std::string(word);
            if (word == "AND") {
                token.type = TokenType::op_and;
            } else if (word == "OR") {
                token.type = TokenType::op_or;
            } else if (word == "NOT") {
                token.type = TokenType::op_not;
            } else if (word == "NEAR" || word.starts_with("NEAR/")) {
                if (auto error = lex_near(word, i, token)) {
                    result.error = std::move(error);
                    return result;
                }
            } else {
                token.type = TokenType::word;
            }
            i = j;
        }
        result.tokens.push_back(std::move(token));
    }
}

}  // namespace spreekbuis::rules::query
