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

struct Operands {
    std::vector<std::uint32_t> required;  // operands of the top AND (nested ANDs flattened)
    std::vector<std::uint32_t> excluded;  // what its NOT operands exclude
};

class Checker {
  public:
    explicit Checker(const RuleProgram& program) : program_(program) {}

    std::optional<std::string> run(std::uint32_t root) {
        Operands operands;
        collect(root, operands, 0);
        for (auto excluded : operands.excluded) {
            for (auto required : operands.required) {
                if (implies(required, excluded, 0)) {
                    return "it requires " + render_node(program_, required) + " and excludes " +
                           render_node(program_, excluded);
                }
            }
        }
        std::vector<const FieldSpec*> fields;
        for (auto required : operands.required) {
            const auto& node = program_.nodes[required];
            if (node.op == Op::field) fields.push_back(&program_.fields[node.first]);
        }
        for (std::size_t i = 0; i < fields.size(); ++i) {
            for (std::size_t j = i + 1; j < fields.size(); ++j) {
                if (fields[i]->kind == fields[j]->kind && disjoint(*fields[i], *fields[j])) {
                    return fields[i]->written + " and " + fields[j]->written + " cannot both hold";
                }
            }
        }
        for (const auto* lang : fields) {
            if (lang->kind != FieldKind::lang || any_scored(*lang)) continue;
            for (const auto* score : fields) {
                if (needs_scores(*score)) {
                    return score->written + " needs a scored language (en, nl), and " +
                           lang->written + " has none";
                }
            }
        }
        return std::nullopt;
    }

  private:
    void collect(std::uint32_t index, Operands& out, std::size_t depth) const {
        const auto& node = program_.nodes[index];
        const auto* children = program_.children.data() + node.first;
        if (node.op == Op::all_of && depth < kMaxDepth) {
            for (std::uint32_t k = 0; k < node.count; ++k) collect(children[k], out, depth + 1);
        } else if (node.op == Op::negate) {
            out.excluded.push_back(children[0]);
        } else {
            out.required.push_back(index);
        }
    }

    // Every post that matches node `a` also matches node `b` (proved from their shapes).
    bool implies(std::uint32_t a, std::uint32_t b, std::size_t depth) const {
        if (a == b) return true;
        if (depth > kMaxDepth) return false;
        const auto& x = program_.nodes[a];
        const auto& y = program_.nodes[b];
        const auto* x_children = program_.children.data() + x.first;
        const auto* y_children = program_.children.data() + y.first;
        if (x.op == Op::exact_case) return implies(x_children[0], b, depth + 1);
        if (x.op == Op::any_of) {
            for (std::uint32_t k = 0; k < x.count; ++k) {
                if (!implies(x_children[k], b, depth + 1)) return false;
            }
            return x.count > 0;
        }
        if (y.op == Op::any_of) {
            for (std::uint32_t k = 0; k < y.count; ++k) {
                if (implies(a, y_children[k], depth + 1)) return true;
            }
            return false;
        }
        if (x.op == Op::term && y.op == Op::term) {
            return term_implies(program_.terms[x.first], program_.terms[y.first]);
        }
        if (x.op == Op::field && y.op == Op::field) {
            const auto& f = program_.fields[x.first];
            const auto& g = program_.fields[y.first];
            return f.kind == g.kind && f.written == g.written;
        }
        return false;
    }

    // Words in the same order, each of `a`'s matched by `b`'s (equal, or under b's prefix);
    // a word that also matches its #hashtag implies only a word that does too.
    static bool term_implies(const TermPattern& a, const TermPattern& b) {
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

    static bool contains(const FieldValue& range, double x) {
        const bool above = x > range.low || (x == range.low && range.low_inclusive);
        const bool below = x < range.high || (x == range.high && range.high_inclusive);
        return above && below;
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

std::optional<std::string> never_matches(const RuleProgram& program, std::uint32_t root) {
    return Checker(program).run(root);
}

}  // namespace spreekbuis::rules
