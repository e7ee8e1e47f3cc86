#pragma once
// Syntax tree of one operator query (the `query:` / `when:` language of rule files), as the
// parser produces it: offsets point into the query text so errors can name the exact character.
// Plain data; owned by whoever parsed it, used on the loading thread only.
#include <cstddef>
#include <cstdint>
#include <limits>
#include <memory>
#include <string>
#include <vector>

namespace spreekbuis::rules::query {

enum class FieldKind : std::uint8_t {
    author,
    lang,
    source,
    followers,
    verified,
    is,
    sentiment,
    polarity,
    complaint,
};

// One accepted value of a field; a field test holds one or more (`lang:(en OR nl)`).
// Text fields use `text`; numeric fields a range; boolean fields `flag`.
struct FieldValue {
    std::string text;
    double low = -std::numeric_limits<double>::infinity();
    double high = std::numeric_limits<double>::infinity();
    bool low_inclusive = true;
    bool high_inclusive = true;
    bool flag = false;
};

struct FieldSpec {
    FieldKind kind = FieldKind::lang;
    std::string written;  // as in the query, for explanations: "lang:(en OR nl)"
    std::vector<FieldValue> values;
};

enum class NodeKind : std::uint8_t {
    term,    // bare word, may end in '*'
    phrase,  // "quoted words"
    regex,   // re:/pattern/
    var,     // $name: a list or a macro
    field,   // name:value
    all_of,  // AND (explicit or juxtaposition)
    any_of,  // OR
    negate,  // NOT
    near,    // A NEAR/n B, A NEAR/nf B
};

struct Node {
    NodeKind kind = NodeKind::term;
    std::size_t offset = 0;  // byte offset of the node's first character in the query text
    std::string text;        // term or phrase (unescaped), regex pattern, variable name
    FieldSpec field;
    int distance = 0;
    bool ordered = false;
    bool exact_case = false;  // term or phrase written in braces: {Next}, {"Bank of America"}
    std::vector<std::unique_ptr<Node>> children;
};

struct ParseError {
    std::size_t offset = 0;
    std::string message;
    std::string hint;
};

struct ParseResult {
    std::unique_ptr<Node> root;  // null when errors is not empty
    std::vector<ParseError> errors;
};

inline constexpr int kMaxNearDistance = 10000;
inline constexpr std::size_t kMaxQueryDepth = 200;

}  // namespace spreekbuis::rules::query
