#include "rules/contradiction.hpp"

#include <algorithm>
#include <vector>

#include "rules/miss_reason.hpp"
#include "rules/scoring.hpp"

namespace spreekbuis::rules {

namespace {

using compiled::Op;
using compiled::RuleProgram;
using compiled::TermPattern;
using query::FieldKind;
using query::FieldSpec;
using query::FieldValue;

constexpr std::size_t kMaxDepth = 64;

bool contains(const FieldValue& range, double x) {
    const bool above = x > range.low || (x == range.low && range.low_inclusive);
    const bool below = x < range.high || (x == range.high && range.high_inclusive);
    return above && below;
}

// Every number in range `a` is in range `b`.
bool within(const FieldValue& a, const FieldValue& b) {
    const bool low = b.low < a.low || (b.low == a.low && (b.low_inclusive || !a.low_inclusive));
    const bool high =
        a.high < b.high || (a.high == b.high && (b.high_inclusive || !a.high_inclusive));
    return low && high;
}

// Every value `a` accepts is accepted by `b` (a field test holds when one of its values does).
bool field_implies(const FieldSpec& f, const FieldSpec& g) {
    if (f.kind != g.kind || f.values.empty()) return false;
    for (const auto& a : f.values) {
        const bool covered = std::any_of(g.values.begin(), g.values.end(), [&](const auto& b) {
            switch (f.kind) {
                case FieldKind::author:
                case FieldKind::lang:
                case FieldKind::source:
                case FieldKind::polarity:
                    return a.text == b.text;  // the parser lower-cased both
                case FieldKind::verified:
                case FieldKind::complaint:
                    return a.flag == b.flag;
                case FieldKind::followers:
                case FieldKind::sentiment:
                    return within(a, b);
                case FieldKind::is:
                    return true;  // one value only (is:reply)
            }
            return false;
        });
        if (!covered) return false;
    }
    return true;
}

// Words in the same order, each of `a`'s matched by `b`'s (equal, or under b's prefix);
// a word that also matches its #hashtag implies only a word that does too.
bool term_implies(const TermPattern& a, const TermPattern& b) {
    if (a.words.size() != b.words.size() || (a.hashtag_too && !b.hashtag_too)) return false;
    for (std::size_t i = 0; i < a.words.size(); ++i) {
        const auto& x = a.words[i];
        const auto& y = b.words[i];
        if (y.prefix ? !x.text.starts_with(y.text) : (x.prefix || x.text != y.text)) {
            return false;
        }
    }
    return true;
}

bool implies_at(const RuleProgram& program, std::uint32_t a, std::uint32_t b, std::size_t depth) {
    if (a == b) return true;
    if (depth > kMaxDepth) return false;
    const auto& x = program.nodes[a];
    const auto& y = program.nodes[b];
    const auto* x_children = program.children.data() + x.first;
    const auto* y_children = program.children.data() + y.first;
    if (x.op == Op::exact_case) return implies_at(program, x_children[0], b, depth + 1);
    if (x.op == Op::any_of) {
        for (std::uint32_t k = 0; k < x.count; ++k) {
            if (!implies_at(program, x_children[k], b, depth + 1)) return false;
        }
        return x.count > 0;
    }
    if (y.op == Op::any_of) {
        for (std::uint32_t k = 0; k < y.count; ++k) {
            if (implies_at(program, a, y_children[k], depth + 1)) return true;
        }
        return false;
    }
    if (x.op == Op::term && y.op == Op::term) {
        return term_implies(program.terms[x.first], program.terms[y.first]);
    }
    if (x.op == Op::field && y.op == Op::field) {
        return field_implies(program.fields[x.first], program.fields[y.first]);
    }
    return false;
}

struct Operands {
    std::vector<std::uint32_t> required;   // operands of the top AND (nested ANDs flattened)
    std::vector<std::uint32_t> negations;  // its NOT operands
};

class Checker {
  public:
    explicit Checker(const RuleProgram& program) : program_(program) {}

    std::optional<NeverMatch> run(std::uint32_t root) {
        Operands operands;
        collect(root, operands, 0);
        for (auto negation : operands.negations) {
            const auto excluded = program_.children[program_.nodes[negation].first];
            for (auto required : operands.required) {
                if (implies(program_, required, excluded)) {
                    return NeverMatch{"it requires " + render_node(program_, required) +
                                          " and excludes " + render_node(program_, excluded),
                                      negation};
                }
            }
        }
        std::vector<std::uint32_t> fields;
        for (auto required : operands.required) {
            if (program_.nodes[required].op == Op::field) fields.push_back(required);
        }
        for (std::size_t i = 0; i < fields.size(); ++i) {
            for (std::size_t j = i + 1; j < fields.size(); ++j) {
                const auto& f = field(fields[i]);
                const auto& g = field(fields[j]);
                if (f.kind == g.kind && disjoint(f, g)) {
                    return NeverMatch{f.written + " and " + g.written + " cannot both hold",
                                      fields[j]};
                }
            }
        }
        for (auto lang : fields) {
            if (field(lang).kind != FieldKind::lang || any_scored(field(lang))) continue;
            for (auto score : fields) {
                if (needs_scores(field(score))) {
                    return NeverMatch{field(score).written +
                                          " needs a scored language (en, nl), and " +
                                          field(lang).written + " has none",
                                      score};
                }
            }
        }
        return std::nullopt;
    }

  private:
    const FieldSpec& field(std::uint32_t node) const {
        return program_.fields[program_.nodes[node].first];
    }

    void collect(std::uint32_t index, Operands& out, std::size_t depth) const {
        const auto& node = program_.nodes[index];
        const auto* children = program_.children.data() + node.first;
        if (node.op == Op::all_of && depth < kMaxDepth) {
            for (std::uint32_t k = 0; k < node.count; ++k) collect(children[k], out, depth + 1);
        } else if (node.op == Op::negate) {
            out.negations.push_back(index);
        } else {
            out.required.push_back(index);
        }
    }

    static bool overlap(const FieldValue& a, const FieldValue& b) {
        const double low = std::max(a.low, b.low);
        const double high = std::min(a.high, b.high);
        if (low < high) return true;  // the open interval between lies in both
        return low == high && contains(a, low) && contains(b, low);
    }

    // No post can satisfy both tests of one field kind: every pair of values conflicts.
    static bool disjoint(const FieldSpec& f, const FieldSpec& g) {
        for (const auto& a : f.values) {
            for (const auto& b : g.values) {
                switch (f.kind) {
                    case FieldKind::author:
                    case FieldKind::lang:
                    case FieldKind::source:
                    case FieldKind::polarity:
                        if (a.text == b.text) return false;  // the parser lower-cased both
                        break;
                    case FieldKind::verified:
                    case FieldKind::complaint:
                        if (a.flag == b.flag) return false;
                        break;
                    case FieldKind::followers:
                    case FieldKind::sentiment:
                        if (overlap(a, b)) return false;
                        break;
                    case FieldKind::is:
                        return false;  // one value only (is:reply)
                }
            }
        }
        return !f.values.empty() && !g.values.empty();
    }

    static bool any_scored(const FieldSpec& lang) {
        for (const auto& value : lang.values) {
            if (is_scored_language(value.text)) return true;
        }
        return false;
    }

    // A test that an unscored post (sentiment 0, neutral, no complaint) never passes.
    static bool needs_scores(const FieldSpec& field) {
        for (const auto& value : field.values) {
            switch (field.kind) {
                case FieldKind::complaint:
                    if (!value.flag) return false;
                    break;
                case FieldKind::polarity:
                    if (value.text == "neutral") return false;
                    break;
                case FieldKind::sentiment:
                    if (contains(value, 0.0)) return false;
                    break;
                default:
                    return false;
            }
        }
        return !field.values.empty();
    }

    const RuleProgram& program_;
};

}  // namespace

bool implies(const RuleProgram& program, std::uint32_t a, std::uint32_t b) {
    return implies_at(program, a, b, 0);
}

std::optional<NeverMatch> never_matches(const RuleProgram& program, std::uint32_t root) {
    return Checker(program).run(root);
}

}  // namespace spreekbuis::rules
