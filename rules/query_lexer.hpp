#pragma once
// Splits one query into tokens with their byte offsets. Pure; any thread.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "rules/query_ast.hpp"

namespace spreekbuis::rules::query {

enum class TokenType : std::uint8_t {
    word,    // bare term, field (name:value), operator candidate
    phrase,  // "..."
    regex,   // re:/.../
    exact,   // {Word} or {"Exact Phrase"}: case- and accent-sensitive
    var,     // $name
    lparen,
    rparen,
    op_and,
    op_or,
    op_not,
    op_near,
    end,
};

struct QueryToken {
    TokenType type = TokenType::end;
    std::size_t offset = 0;
    std::size_t length = 0;
    std::string text;  // word text, unescaped phrase, regex pattern or variable name
    int distance = 0;  // NEAR/n, or a phrase's "~n" (0: a plain phrase)
    bool ordered = false;
    bool quoted = false;  // exact: {"a phrase"} rather than {Word}
};

struct LexResult {
    std::vector<QueryToken> tokens;  // always ends with an `end` token
    std::optional<ParseError> error;
};

LexResult lex_query(std::string_view text);

// {Word} or {"Exact Phrase"} starting at text[at] == '{', into `token` (type exact): what a
// query and a list item share. An error for an unclosed, empty or wildcard term, or for text
// glued after the '}'.
std::optional<ParseError> lex_case_sensitive(std::string_view text, std::size_t at,
                                             QueryToken& token);

}  // namespace spreekbuis::rules::query
