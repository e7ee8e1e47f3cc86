#include "connectors/sources/x_rule_syntax.hpp"

#include <algorithm>
#include <array>
#include <optional>

#include "rules/diagnostic.hpp"

namespace spreekbuis::connectors::sources {

namespace {

enum class Kind { open, close, either, term };

struct Token {
    Kind kind = Kind::term;
    std::size_t offset = 0;  // of the token, its '-' included
    bool negated = false;
    bool standalone = false;  // a term X counts as standalone (for kind term)
};

constexpr std::array<std::string_view, 5> kConjunctionOperators = {"is", "has", "lang", "sample",
                                                                   "embedding_threshold"};
// Standalone operators of the filtered stream (all access levels and Enterprise). An operator
// not listed here draws a warning and is taken as standalone: X may have added it.
constexpr std::array<std::string_view, 29> kStandaloneOperators = {"from",
                                                                   "to",
                                                                   "url",
                                                                   "retweets_of",
                                                                   "context",
                                                                   "entity",
                                                                   "conversation_id",
                                                                   "bio",
                                                                   "bio_name",
                                                                   "bio_location",
                                                                   "place",
                                                                   "place_country",
                                                                   "point_radius",
                                                                   "bounding_box",
                                                                   "url_title",
                                                                   "url_description",
                                                                   "url_contains",
                                                                   "source",
                                                                   "in_reply_to_tweet_id",
                                                                   "retweets_of_tweet_id",
                                                                   "quotes_of_tweet_id",
                                                                   "followers_count",
                                                                   "tweets_count",
                                                                   "following_count",
                                                                   "listed_count",
                                                                   "from_affiliate_of",
                                                                   "to_affiliate_of",
                                                                   "list",
                                                                   "embedding"};
constexpr std::array<std::string_view, 5> kIsValues = {"retweet", "reply", "quote", "verified",
                                                       "nullcast"};
constexpr std::array<std::string_view, 9> kHasValues = {
    "hashtags", "cashtags", "links", "mentions", "media", "images", "videos", "video_link", "geo"};

template <std::size_t N>
bool listed(const std::array<std::string_view, N>& names, std::string_view name) {
    return std::find(names.begin(), names.end(), name) != names.end();
}

template <std::size_t N>
std::string did_you_mean(const std::array<std::string_view, N>& names, std::string_view word,
                         std::string_view suffix) {
    const std::vector<std::string> candidates(names.begin(), names.end());
    const auto close = rules::closest_match(word, candidates);
    return close.empty() ? std::string{} : "did you mean " + close + std::string(suffix) + "?";
}

bool is_space(char c) { return c == ' ' || c == '\t'; }

std::string lower(std::string_view text) {
    std::string out(text);
    for (auto& c : out) {
        if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    }
    return out;
}

// An operator's name: lower-case letters and '_' before the ':'.
bool operator_name(std::string_view name) {
    return !name.empty() && std::all_of(name.begin(), name.end(),
                                        [](char c) { return (c >= 'a' && c <= 'z') || c == '_'; });
}

bool language_code(std::string_view code) {
    const auto letters = [](std::string_view part) {
        return std::all_of(part.begin(), part.end(),
                           [](char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); });
    };
    const auto dash = code.find('-');
    const auto head = code.substr(0, dash);
    if (head.size() < 2 || head.size() > 3 || !letters(head)) return false;
    return dash == std::string_view::npos || dash + 1 < code.size();
}

std::optional<int> small_number(std::string_view digits) {
    if (digits.empty() || digits.size() > 3) return std::nullopt;
    int value = 0;
    for (char c : digits) {
        if (c < '0' || c > '9') return std::nullopt;
        value = value * 10 + (c - '0');
    }
    return value;
}

class Checker {
  public:
    explicit Checker(std::string_view value) : value_(value) {}

    std::vector<XRuleProblem> run() {
        if (!lex()) return std::move(problems_);
        const bool structure_ok = check_structure();
        if (structure_ok && !has_errors()) check_standalone();
        return std::move(problems_);
    }

  private:
    void add(std::size_t offset, bool error, std::string message, std::string hint = {}) {
        problems_.push_back(XRuleProblem{offset, error, std::move(message), std::move(hint)});
    }
    bool has_errors() const {
        return std::any_of(problems_.begin(), problems_.end(),
                           [](const XRuleProblem& p) { return p.error; });
    }

    // Splits the rule into tokens; false after an unclosed quote (nothing after it can be read).
    bool lex() {
        std::size_t i = 0;
        const std::size_t n = value_.size();
        while (i < n) {
            const char c = value_[i];
            if (is_space(c)) {
                ++i;
                continue;
            }
            if (c == '(' || c == ')') {
                tokens_.push_back(Token{c == '(' ? Kind::open : Kind::close, i});
                ++i;
                continue;
            }
            Token token{Kind::term, i};
            if (c == '-' && i + 1 < n && !is_space(value_[i + 1])) {
                token.negated = true;
                ++i;
                if (value_[i] == '(') {
                    // X's current pages say not to; older ones allowed it: a warning, so a
                    // rule X may still accept is not refused here.
                    add(token.offset, false, "X's documentation says not to negate a group",
                        "negate each term instead: skiing -snow -day, not skiing -(snow OR day)");
                    token.kind = Kind::open;
                    tokens_.push_back(token);
                    ++i;
                    continue;
                }
            }
            if (value_[i] == '"') {
                const auto close = value_.find('"', i + 1);
                if (close == std::string_view::npos) {
                    add(i, true, "a quote that is never closed",
                        "close the phrase with \", or leave the quote out");
                    return false;
                }
                i = close + 1;
                if (i < n && value_[i] == '~') proximity(i);
                while (i < n && !is_space(value_[i]) && value_[i] != '(' && value_[i] != ')') ++i;
                token.standalone = true;
                tokens_.push_back(token);
                continue;
            }
            const std::size_t start = i;
            while (i < n && !is_space(value_[i]) && value_[i] != '(' && value_[i] != ')') {
                if (value_[i] == ':' && i + 1 < n &&
                    (value_[i + 1] == '"' || value_[i + 1] == '[')) {
                    // An operator's quoted or bracketed value may hold spaces: url:"a b",
                    // point_radius:[4.9 52.4 10km].
                    const char closing = value_[i + 1] == '"' ? '"' : ']';
                    const auto end = value_.find(closing, i + 2);
                    if (end == std::string_view::npos) {
                        add(i + 1, true,
                            closing == '"' ? "a quote that is never closed"
                                           : "a '[' that is never closed",
                            closing == '"' ? "close the value with \"" : "close the value with ]");
                        return false;
                    }
                    i = end + 1;
                    continue;
                }
                ++i;
            }
            const std::string_view word = value_.substr(start, i - start);
            if (word == "OR" && !token.negated) {
                token.kind = Kind::either;
                tokens_.push_back(token);
                continue;
            }
            token.standalone = classify(word, token);
            tokens_.push_back(token);
        }
        return true;
    }

    // "a b"~N at `at` (the '~'): N from 1 to 6.
    void proximity(std::size_t at) {
        std::size_t end = at + 1;
        while (end < value_.size() && value_[end] >= '0' && value_[end] <= '9') ++end;
        const auto n = small_number(value_.substr(at + 1, end - at - 1));
        if (!n || *n < 1 || *n > 6) {
            add(at, true, "a proximity needs ~1 to ~6",
                "\"lost bag\"~3: the words within 3 tokens");
        }
    }

    // Whether the term counts as standalone; checks an operator's name and value.
    bool classify(std::string_view word, const Token& token) {
        const std::size_t word_at = token.offset + (token.negated ? 1 : 0);
        if (word.size() > 1 && (word[0] == '#' || word[0] == '@' || word[0] == '$')) return true;
        const auto colon = word.find(':');
        if (colon == std::string_view::npos || colon == 0 || colon + 1 >= word.size() ||
            !operator_name(word.substr(0, colon))) {
            keyword(word, token);
            return true;
        }
        const auto name = word.substr(0, colon);
        const auto argument = word.substr(colon + 1);
        if (name == "http" || name == "https") return true;  // a bare link, matched as words
        if (listed(kStandaloneOperators, name)) return true;
        if (!listed(kConjunctionOperators, name)) {
            std::string hint = did_you_mean(kStandaloneOperators, name, ":");
            if (hint.empty()) hint = did_you_mean(kConjunctionOperators, name, ":");
            add(word_at, false, "X has no operator '" + std::string(name) + ":'", std::move(hint));
            return true;
        }
        const std::size_t argument_at = word_at + colon + 1;
        if (name == "is") {
            if (!listed(kIsValues, argument)) {
                add(argument_at, false, "X has no is:" + std::string(argument),
                    did_you_mean(kIsValues, argument, ""));
            } else if (argument == "nullcast" && !token.negated) {
                add(word_at, true, "is:nullcast is only allowed negated",
                    "write -is:nullcast to leave out promoted-only posts");
            }
        } else if (name == "has") {
            if (!listed(kHasValues, argument)) {
                add(argument_at, false, "X has no has:" + std::string(argument),
                    did_you_mean(kHasValues, argument, ""));
            }
        } else if (name == "lang") {
            if (!language_code(argument)) {
                add(argument_at, false, "lang: takes a language code, such as nl or en",
                    "X codes languages as two letters (BCP 47)");
            }
        } else if (name == "sample") {
            if (token.negated) add(token.offset, true, "sample: cannot be negated");
            const auto percent = small_number(argument);
            if (!percent || *percent < 1 || *percent > 100) {
                add(argument_at, true, "sample: takes a percentage from 1 to 100");
            }
        }
        return false;
    }

    void keyword(std::string_view word, const Token& token) {
        if (token.negated) return;
        if (lower(word) == "or" && word != "OR") {
            add(token.offset, false, "'" + std::string(word) + "' is matched as a word",
                "write OR in capitals to mean either side");
        } else if (word == "AND") {
            add(token.offset, false, "'AND' is matched as a word",
                "X joins terms with a space: a b means a AND b");
        } else if (word == "NOT") {
            add(token.offset, false, "'NOT' is matched as a word",
                "X negates with '-': a -b means a AND NOT b");
        }
    }

    // Parentheses balance, no empty group, OR between two operands.
    bool check_structure() {
        std::vector<std::size_t> open;
        bool ok = true;
        for (std::size_t k = 0; k < tokens_.size(); ++k) {
            const Token& token = tokens_[k];
            const Token* next = k + 1 < tokens_.size() ? &tokens_[k + 1] : nullptr;
            const Token* previous = k > 0 ? &tokens_[k - 1] : nullptr;
            switch (token.kind) {
                case Kind::open:
                    open.push_back(token.offset);
                    if (next && next->kind == Kind::close) {
                        add(token.offset, true, "an empty group",
                            "put terms inside ( ), or remove it");
                        ok = false;
                    }
                    break;
                case Kind::close:
                    if (open.empty()) {
                        add(token.offset, true, "a ')' without its '('");
                        ok = false;
                    } else {
                        open.pop_back();
                    }
                    break;
                case Kind::either: {
                    if (previous && previous->kind == Kind::either) break;  // told once
                    const bool before =
                        previous && (previous->kind == Kind::term || previous->kind == Kind::close);
                    const bool after =
                        next && (next->kind == Kind::term || next->kind == Kind::open);
                    if (!before || !after) {
                        add(token.offset, true, "OR needs a term on each side", "a OR b");
                        ok = false;
                    }
                    break;
                }
                case Kind::term:
                    break;
            }
        }
        for (const auto at : open) {
            add(at, true, "a '(' that is never closed", "close the group with )");
            ok = false;
        }
        return ok;
    }

    // X refuses a rule with no standalone operator that is not negated (and not inside a
    // negated group).
    void check_standalone() {
        int negated_depth = 0;
        std::vector<bool> opened_negated;
        for (const Token& token : tokens_) {
            if (token.kind == Kind::open) {
                opened_negated.push_back(token.negated);
                negated_depth += token.negated ? 1 : 0;
            } else if (token.kind == Kind::close && !opened_negated.empty()) {
                negated_depth -= opened_negated.back() ? 1 : 0;
                opened_negated.pop_back();
            } else if (token.kind == Kind::term && token.standalone && !token.negated &&
                       negated_depth == 0) {
                return;
            }
        }
        add(0, true,
            "X refuses a rule without a standalone term: is:, has:, lang: and sample: only "
            "narrow a rule, and a negated term cannot stand alone",
            "add a keyword, \"phrase\", #hashtag, @mention or from: to it");
    }

    std::string_view value_;
    std::vector<Token> tokens_;
    std::vector<XRuleProblem> problems_;
};

}  // namespace

std::vector<XRuleProblem> check_x_rule_syntax(std::string_view value) {
    return Checker(value).run();
}

}  // namespace spreekbuis::connectors::sources
