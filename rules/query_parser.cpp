#include "rules/query_parser.hpp"

#include <charconv>
#include <optional>

#include "rules/diagnostic.hpp"
#include "rules/query_lexer.hpp"

namespace spreekbuis::rules::query {

namespace {

struct FieldInfo {
    std::string_view name;
    FieldKind kind;
};

constexpr FieldInfo kFields[] = {
    {"author", FieldKind::author},       {"lang", FieldKind::lang},
    {"source", FieldKind::source},       {"followers", FieldKind::followers},
    {"verified", FieldKind::verified},   {"is", FieldKind::is},
    {"sentiment", FieldKind::sentiment}, {"polarity", FieldKind::polarity},
    {"complaint", FieldKind::complaint},
};

std::string ascii_lower(std::string_view text) {
    std::string out(text);
    for (auto& c : out) {
        if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    }
    return out;
}

bool parse_number(std::string_view text, bool integer, double& value) {
    if (text.empty()) return false;
    const char* end = text.data() + text.size();
    if (integer) {
        std::int64_t number = 0;
        auto [ptr, ec] = std::from_chars(text.data(), end, number);
        if (ec != std::errc() || ptr != end) return false;
        value = static_cast<double>(number);
        return true;
    }
    auto [ptr, ec] = std::from_chars(text.data(), end, value);
    return ec == std::errc() && ptr == end;
}

// followers:>=1000, sentiment:<-0.3, followers:1000..50000, followers:5000
bool parse_range(std::string_view text, bool integer, FieldValue& out) {
    if (auto dots = text.find(".."); dots != std::string_view::npos) {
        double low = 0;
        double high = 0;
        if (!parse_number(text.substr(0, dots), integer, low) ||
            !parse_number(text.substr(dots + 2), integer, high) || low > high) {
            return false;
        }
        out.low = low;
        out.high = high;
        return true;
    }
    double value = 0;
    if (text.starts_with(">=") || text.starts_with("<=")) {
        if (!parse_number(text.substr(2), integer, value)) return false;
        (text[0] == '>' ? out.low : out.high) = value;
        return true;
    }
    if (text.starts_with(">") || text.starts_with("<")) {
        if (!parse_number(text.substr(1), integer, value)) return false;
        if (text[0] == '>') {
            out.low = value;
            out.low_inclusive = false;
        } else {
            out.high = value;
            out.high_inclusive = false;
        }
        return true;
    }
    if (text.starts_with("=")) text.remove_prefix(1);
    if (!parse_number(text, integer, value)) return false;
    out.low = out.high = value;
    return true;
}

std::optional<ParseError> parse_field_value(FieldKind kind, std::string_view name,
                                            std::string_view raw, std::size_t offset,
                                            FieldValue& out) {
    const auto bad = [&](std::string message, std::string hint) {
        return ParseError{offset, std::move(message), std::move(hint)};
    };
    if (raw.empty()) {
        return bad("field '" + std::string(name) + "' needs a value",
                   "write it without spaces after ':', e.g. lang:nl");
    }
    const auto value = ascii_lower(raw);
    switch (kind) {
        case FieldKind::author: {
            out.text = value.starts_with("@") ? value.substr(1) : value;
            if (out.text.empty()) return bad("author needs a handle", "e.g. author:klm");
            return std::nullopt;
        }
        case FieldKind::lang: {
            bool letters = value.size() >= 2 && value.size() <= 3;
            for (char c : value) letters = letters && c >= 'a' && c <= 'z';
            if (!letters) {
                return bad("bad language code '" + std::string(raw) + "'",
                           "use an ISO 639-1 code such as en or nl, or und for unknown");
            }
            out.text = value;
            return std::nullopt;
        }
        case FieldKind::source: {
            for (char c : value) {
                const bool ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' ||
                                c == '-' || c == '.';
                if (!ok) {
                    return bad("bad source name '" + std::string(raw) + "'",
                               "source names are like mastodon, bluesky, x or webhook");
                }
            }
            out.text = value;
            return std::nullopt;
        }
        case FieldKind::followers:
            if (!parse_range(value, true, out)) {
                return bad("bad follower count '" + std::string(raw) + "'",
                           "write followers:>=1000, followers:<50, followers:1000..50000 or "
                           "followers:5000");
            }
            return std::nullopt;
        case FieldKind::sentiment:
            if (!parse_range(value, false, out)) {
                return bad("bad sentiment value '" + std::string(raw) + "'",
                           "write sentiment:<-0.3, sentiment:>=0.5 or sentiment:-1..-0.3");
            }
            if ((out.low != -std::numeric_limits<double>::infinity() &&
                 (out.low < -1 || out.low > 1)) ||
                (out.high != std::numeric_limits<double>::infinity() &&
                 (out.high < -1 || out.high > 1))) {
                return bad("sentiment value '" + std::string(raw) + "' is outside -1..1",
                           "sentiment runs from -1 (very negative) to 1 (very positive)");
            }
            return std::nullopt;
        case FieldKind::verified:
        case FieldKind::complaint:
            if (value != "true" && value != "false") {
                return bad("field '" + std::string(name) + "' takes true or false, not '" +
                               std::string(raw) + "'",
                           std::string(name) + ":true or " + std::string(name) + ":false");
            }
            out.flag = value == "true";
            return std::nullopt;
        case FieldKind::is:
            if (value != "reply") {
                return bad("unknown value 'is:" + std::string(raw) + "'",
                           "the only value is is:reply; write NOT is:reply for original posts");
            }
            out.text = value;
            return std::nullopt;
        case FieldKind::polarity:
            if (value != "negative" && value != "neutral" && value != "positive") {
                std::string hint = "polarity is negative, neutral or positive";
                auto best = closest_match(value, {"negative", "neutral", "positive"});
                if (!best.empty()) hint = "did you mean '" + best + "'?";
                return bad("unknown polarity '" + std::string(raw) + "'", hint);
            }
            out.text = value;
            return std::nullopt;
    }
    return std::nullopt;
}

// A letter or digit of a word (ASCII), or any byte of a UTF-8 sequence.
bool is_word_byte(char c) {
    const auto u = static_cast<unsigned char>(c);
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || u >= 0x80;
}

class Parser {
  public:
    explicit Parser(std::vector<QueryToken> tokens) : tokens_(std::move(tokens)) {}

    ParseResult run() {
        ParseResult result;
        if (peek().type == TokenType::end) {
            fail(peek().offset, "empty query",
                 "write at least one term, e.g. refund OR terugbetaling");
        } else {
            auto root = parse_or();
            if (!error_ && peek().type != TokenType::end) {
                if (peek().type == TokenType::rparen) {
                    fail(peek().offset, "unbalanced ')': there is no '(' to close",
                         "remove it or add the matching '('");
                } else {
                    fail(peek().offset, "unexpected '" + peek().text + "'");
                }
            }
            if (!error_ && field_errors_.empty()) result.root = std::move(root);
        }
        result.errors = std::move(field_errors_);
        if (error_) result.errors.push_back(std::move(*error_));
        return result;
    }

  private:
    const QueryToken& peek() const { return tokens_[pos_]; }
    const QueryToken& advance() { return tokens_[pos_ < tokens_.size() - 1 ? pos_++ : pos_]; }

    std::unique_ptr<Node> fail(std::size_t offset, std::string message, std::string hint = {}) {
        if (!error_) error_ = ParseError{offset, std::move(message), std::move(hint)};
        return nullptr;
    }

    static bool starts_operand(TokenType type) {
        return type == TokenType::word || type == TokenType::phrase || type == TokenType::regex ||
               type == TokenType::exact || type == TokenType::var || type == TokenType::lparen ||
               type == TokenType::op_not;
    }

    static std::unique_ptr<Node> make(NodeKind kind, std::size_t offset) {
        auto node = std::make_unique<Node>();
        node->kind = kind;
        node->offset = offset;
        return node;
    }

    std::unique_ptr<Node> parse_or() {
        auto left = parse_and();
        if (error_) return nullptr;
        if (peek().type != TokenType::op_or) return left;
        auto any = make(NodeKind::any_of, left->offset);
        any->children.push_back(std::move(left));
        while (peek().type == TokenType::op_or) {
            const auto op = advance();
            if (!starts_operand(peek().type)) {
                return fail(op.offset, "OR needs something on its right",
                            "remove the OR or add a term after it");
            }
            auto right = parse_and();
            if (error_) return nullptr;
            any->children.push_back(std::move(right));
        }
        return any;
    }

    std::unique_ptr<Node> parse_and() {
        auto first = parse_unary();
        if (error_) return nullptr;
        std::unique_ptr<Node> all;
        while (true) {
            if (peek().type == TokenType::op_and) {
                const auto op = advance();
                if (!starts_operand(peek().type)) {
                    return fail(op.offset, "AND needs something on its right",
                                "remove the AND or add a term after it");
                }
            } else if (!starts_operand(peek().type)) {
                break;
            }
            if (!all) {
                all = make(NodeKind::all_of, first->offset);
                all->children.push_back(std::move(first));
            }
            auto next = parse_unary();
            if (error_) return nullptr;
            all->children.push_back(std::move(next));
        }
        return all ? std::move(all) : std::move(first);
    }

    std::unique_ptr<Node> parse_unary() {
        if (++depth_ > kMaxQueryDepth) {
            return fail(peek().offset, "query nests too deeply",
                        "split it into macros or simplify it");
        }
        std::unique_ptr<Node> result;
        if (peek().type == TokenType::op_not) {
            const auto op = advance();
            if (!starts_operand(peek().type)) {
                --depth_;
                return fail(op.offset, "NOT needs something to exclude after it",
                            "write NOT term, NOT \"a phrase\" or NOT (a OR b)");
            }
            auto child = parse_unary();
            if (error_) return nullptr;
            result = make(NodeKind::negate, op.offset);
            result->children.push_back(std::move(child));
        } else {
            result = parse_near();
        }
        --depth_;
        return result;
    }

    std::unique_ptr<Node> parse_near() {
        auto left = parse_primary();
        if (error_) return nullptr;
        while (peek().type == TokenType::op_near) {
            const auto op = advance();
            const auto next = peek().type;
            if (next != TokenType::word && next != TokenType::phrase && next != TokenType::regex &&
                next != TokenType::exact && next != TokenType::var && next != TokenType::lparen) {
                return fail(op.offset, op.text + " needs a term, phrase or (group) on both sides",
                            "e.g. luggage " + op.text + " lost");
            }
            auto right = parse_primary();
            if (error_) return nullptr;
            auto near = make(NodeKind::near, left->offset);
            near->distance = op.distance;
            near->ordered = op.ordered;
            near->text = op.text;
            near->children.push_back(std::move(left));
            near->children.push_back(std::move(right));
            left = std::move(near);
        }
        return left;
    }

    // "w1 w2 ... wk"~N: (w1 NEAR/N w2) NEAR/N w3 ..., each next word within N tokens of the
    // words before it, in any order.
    std::unique_ptr<Node> proximity(const QueryToken& phrase) {
        std::vector<std::pair<std::string, std::size_t>> words;  // word, offset in the query
        std::size_t at = 0;
        while (at < phrase.text.size()) {
            while (at < phrase.text.size() && phrase.text[at] == ' ') ++at;
            const std::size_t begin = at;
            while (at < phrase.text.size() && phrase.text[at] != ' ') ++at;
            if (at > begin) {
                words.emplace_back(phrase.text.substr(begin, at - begin),
                                   phrase.offset + 1 + begin);
            }
        }
        const std::string near_text = "NEAR/" + std::to_string(phrase.distance);
        if (words.size() < 2) {
            return fail(phrase.offset,
                        "a proximity \"...\"~" + std::to_string(phrase.distance) +
                            " needs two or more words",
                        "for one word leave out the ~ and the quotes");
        }
        auto left = make(NodeKind::term, words[0].second);
        left->text = words[0].first;
        for (std::size_t k = 1; k < words.size(); ++k) {
            auto right = make(NodeKind::term, words[k].second);
            right->text = words[k].first;
            auto near = make(NodeKind::near, phrase.offset);
            near->distance = phrase.distance;
            near->text = near_text;
            near->children.push_back(std::move(left));
            near->children.push_back(std::move(right));
            left = std::move(near);
        }
        return left;
    }

    std::unique_ptr<Node> parse_primary() {
        const auto& token = peek();
        switch (token.type) {
            case TokenType::word:
                return parse_word(advance());
            case TokenType::phrase: {
                const auto& phrase = advance();
                if (phrase.distance > 0) return proximity(phrase);
                auto node = make(NodeKind::phrase, phrase.offset);
                node->text = phrase.text;
                return node;
            }
            case TokenType::exact: {
                const auto& exact = advance();
                auto node = make(exact.quoted ? NodeKind::phrase : NodeKind::term, exact.offset);
                node->text = exact.text;
                node->exact_case = true;
                return node;
            }
            case TokenType::regex: {
                const auto& regex = advance();
                if (regex.text.empty()) {
                    return fail(regex.offset, "empty regular expression", "write re:/pattern/");
                }
                auto node = make(NodeKind::regex, regex.offset);
                node->text = regex.text;
                return node;
            }
            case TokenType::var: {
                const auto& var = advance();
                auto node = make(NodeKind::var, var.offset);
                node->text = var.text;
                return node;
            }
            case TokenType::lparen: {
                const auto open = advance();
                if (peek().type == TokenType::rparen) {
                    return fail(open.offset, "empty parentheses",
                                "put a term inside or remove them");
                }
                if (++depth_ > kMaxQueryDepth) {
                    return fail(open.offset, "query nests too deeply",
                                "split it into macros or simplify it");
                }
                auto inner = parse_or();
                --depth_;
                if (error_) return nullptr;
                if (peek().type != TokenType::rparen) {
                    return fail(open.offset, "unbalanced '(': no matching ')'",
                                "add a ')' where the group ends");
                }
                advance();
                return inner;
            }
            case TokenType::rparen:
                return fail(token.offset, "unbalanced ')': there is no '(' to close",
                            "remove it or add the matching '('");
            case TokenType::op_and:
            case TokenType::op_or:
                return fail(token.offset, token.text + " needs something on its left",
                            "remove the " + token.text + " or add a term before it");
            case TokenType::op_near:
                return fail(token.offset,
                            token.text + " needs a term, phrase or (group) on both sides",
                            "e.g. luggage " + token.text + " lost");
            case TokenType::op_not:
                return fail(token.offset, "NOT cannot be a side of NEAR",
                            "write (a NEAR/5 b) AND NOT c");
            case TokenType::end:
                return fail(token.offset, "the query ends where a term was expected");
        }
        return fail(token.offset, "unexpected token");
    }

    std::unique_ptr<Node> parse_word(const QueryToken& token) {
        const std::string_view word = token.text;
        const auto colon = word.find(':');
        bool field_like = colon != std::string_view::npos && colon > 0;
        for (std::size_t i = 0; field_like && i < colon; ++i) {
            const char c = word[i];
            field_like = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
        }
        if (!field_like) {
            // Brandwatch's one-letter wildcard (wom?n) would be split into two words here.
            for (std::size_t i = 1; i + 1 < word.size(); ++i) {
                if (word[i] == '?' && is_word_byte(word[i - 1]) && is_word_byte(word[i + 1])) {
                    return fail(token.offset + i, "'?' inside a word is no wildcard here",
                                "wildcards end a word (refund*); for one unknown letter use "
                                "a regex: re:/wom.n/");
                }
            }
            auto node = make(NodeKind::term, token.offset);
            node->text = token.text;
            return node;
        }
        const auto name = word.substr(0, colon);
        const FieldInfo* info = nullptr;
        for (const auto& field : kFields) {
            if (field.name == name) info = &field;
        }
        if (!info) {
            std::string hint;
            if (name == "re") {
                hint = "a regular expression is written re:/pattern/";
            } else if (auto best = closest_match(ascii_lower(name), field_names()); !best.empty()) {
                hint = "did you mean '" + best + ":'?";
            } else {
                hint =
                    "known fields: author, lang, source, followers, verified, is, sentiment, "
                    "polarity, complaint; to search for text with ':', put it in quotes";
            }
            return fail(token.offset, "unknown field '" + std::string(name) + "'", hint);
        }
        auto node = make(NodeKind::field, token.offset);
        node->field.kind = info->kind;
        node->field.written = token.text;
        const auto value = word.substr(colon + 1);
        if (value.empty() && peek().type == TokenType::lparen &&
            peek().offset == token.offset + token.length) {
            const auto open = advance();
            node->field.written += '(';
            while (true) {
                const auto& item = peek();
                if (item.type != TokenType::word && item.type != TokenType::phrase) {
                    return fail(item.offset, "expected a value of '" + std::string(name) + "' here",
                                "write " + std::string(name) + ":(a OR b)");
                }
                FieldValue parsed;
                if (auto error =
                        parse_field_value(info->kind, name, item.text, item.offset, parsed)) {
                    field_errors_.push_back(std::move(*error));
                }
                node->field.written += advance().text;
                node->field.values.push_back(std::move(parsed));
                if (peek().type == TokenType::op_or) {
                    advance();
                    node->field.written += " OR ";
                    continue;
                }
                if (peek().type == TokenType::rparen) {
                    advance();
                    node->field.written += ')';
                    break;
                }
                if (peek().type == TokenType::end) {
                    return fail(open.offset, "unbalanced '(': no matching ')'",
                                "add a ')' after the last value");
                }
                return fail(peek().offset, "field values in a group are joined with OR",
                            "write " + std::string(name) + ":(a OR b)");
            }
            return node;
        }
        FieldValue parsed;
        if (auto error =
                parse_field_value(info->kind, name, value, token.offset + colon + 1, parsed)) {
            field_errors_.push_back(std::move(*error));
        }
        node->field.values.push_back(std::move(parsed));
        return node;
    }

    std::vector<QueryToken> tokens_;
    std::size_t pos_ = 0;
    std::size_t depth_ = 0;
    std::optional<ParseError> error_;
    std::vector<ParseError> field_errors_;
};

}  // namespace

const std::vector<std::string>& field_names() {
    static const std::vector<std::string> names = [] {
        std::vector<std::string> out;
        for (const auto& field : kFields) out.emplace_back(field.name);
        return out;
    }();
    return names;
}

ParseResult parse_query(std::string_view text) {
    auto lexed = lex_query(text);
    if (lexed.error) {
        ParseResult result;
        result.errors.push_back(std::move(*lexed.error));
        return result;
    }
    return Parser(std::move(lexed.tokens)).run();
}

}  // namespace spreekbuis::rules::query
