#include "rules/shadowing.hpp"

#include <algorithm>
#include <cstring>
#include <functional>
#include <optional>
#include <string>
#include <unordered_map>

#include "rules/contradiction.hpp"

namespace spreekbuis::rules {

namespace {

using compiled::Op;
using compiled::RuleProgram;
using compiled::TermWord;

constexpr std::size_t kMaxDepth = 64;
// One rule's look-up visits at most kMaxVisited index nodes and stops at kMaxCandidates earlier
// rules (links are kept in rule order, so the first found are the earliest).
constexpr std::size_t kMaxVisited = 256;
constexpr std::size_t kMaxCandidates = 8;

std::uint64_t mix(std::uint64_t h, std::uint64_t v) {
    return (h ^ (v + 0x9e3779b97f4a7c15ULL + (h << 6) + (h >> 2))) * 0xff51afd7ed558ccdULL;
}

std::uint64_t hash_text(std::string_view text) { return std::hash<std::string_view>{}(text); }

std::uint64_t hash_double(double x) {
    std::uint64_t bits = 0;
    static_assert(sizeof bits == sizeof x);
    std::memcpy(&bits, &x, sizeof x);
    return bits;
}

bool same_field(const query::FieldSpec& f, const query::FieldSpec& g) {
    if (f.kind != g.kind || f.values.size() != g.values.size()) return false;
    for (std::size_t i = 0; i < f.values.size(); ++i) {
        const auto& a = f.values[i];
        const auto& b = g.values[i];
        if (a.text != b.text || a.low != b.low || a.high != b.high ||
            a.low_inclusive != b.low_inclusive || a.high_inclusive != b.high_inclusive ||
            a.flag != b.flag) {
            return false;
        }
    }
    return true;
}

bool same_words(const std::vector<TermWord>& a, const std::vector<TermWord>& b) {
    return std::equal(a.begin(), a.end(), b.begin(), b.end(), [](const auto& x, const auto& y) {
        return x.prefix == y.prefix && x.text == y.text;
    });
}

class Finder {
  public:
    explicit Finder(const RuleProgram& program)
        : program_(program),
          hashes_(program.nodes.size(), 0),
          parents_(program.nodes.size()),
          rules_at_(program.nodes.size()),
          indexed_(program.nodes.size(), false),
          visited_(program.nodes.size(), 0) {}

    std::vector<Shadowing> run() {
        std::vector<Shadowing> out;
        std::unordered_map<std::uint64_t, std::vector<std::uint32_t>> by_hash;
        const auto& rules = program_.rules;
        for (std::uint32_t r = 0; r < rules.size(); ++r) {
            const auto& rule = rules[r];
            auto& same = by_hash[hash(rule.root, 0)];
            const auto twin = std::find_if(same.begin(), same.end(), [&](std::uint32_t earlier) {
                return equal(rules[earlier].root, rule.root, 0);
            });
            const bool repeated = twin != same.end();
            if (repeated) {
                out.push_back(Shadowing{ShadowKind::same_query, r, *twin});
            } else {
                same.push_back(r);
                if (rule.topic) {
                    if (auto earlier = shadowing_rule(r)) {
                        out.push_back(Shadowing{ShadowKind::shadowed_topic, r, *earlier});
                    }
                }
            }
            if (rule.topic && !repeated) add_rule(r);  // a repeat would add nothing
        }
        return out;
    }

  private:
    const std::uint32_t* children(const compiled::ProgNode& node) const {
        return program_.children.data() + node.first;
    }

    // The operands of `index` under `op`, with nested nodes of the same op flattened:
    // `a AND (b AND c)` and a query `a AND b` with `when: c` have the same operands.
    void flatten(std::uint32_t index, Op op, std::vector<std::uint32_t>& out,
                 std::size_t depth) const {
        const auto& node = program_.nodes[index];
        if (node.op != op || depth > kMaxDepth) {
            out.push_back(index);
            return;
        }
        for (std::uint32_t k = 0; k < node.count; ++k) {
            flatten(children(node)[k], op, out, depth + 1);
        }
    }

    std::vector<std::uint32_t> operands(std::uint32_t index) const {
        std::vector<std::uint32_t> out;
        const auto op = program_.nodes[index].op;
        if (op == Op::all_of || op == Op::any_of) {
            flatten(index, op, out, 0);
        } else {
            out.push_back(index);
        }
        return out;
    }

    static bool symmetric_near(const compiled::ProgNode& node) {
        return node.op == Op::near && !node.ordered && node.count == 2;
    }

    // Equal expressions hash equally (except beyond the depth limit, where nodes hash as
    // themselves).
    std::uint64_t hash(std::uint32_t index, std::size_t depth) {
        if (depth > kMaxDepth) return mix(0x5eed, index);
        if (hashes_[index] != 0) return hashes_[index];
        const auto& node = program_.nodes[index];
        std::uint64_t h = mix(0, static_cast<std::uint64_t>(node.op));
        switch (node.op) {
            case Op::term: {
                const auto& term = program_.terms[node.first];
                for (const auto& word : term.words) {
                    h = mix(mix(h, hash_text(word.text)), word.prefix);
                }
                h = mix(h, term.hashtag_too);
                break;
            }
            case Op::regex:
            case Op::exact_case:  // both interned: one node per pattern
                h = mix(h, index);
                break;
            case Op::field: {
                const auto& field = program_.fields[node.first];
                h = mix(h, static_cast<std::uint64_t>(field.kind));
                for (const auto& value : field.values) {
                    h = mix(mix(mix(h, hash_text(value.text)), hash_double(value.low)),
                            hash_double(value.high));
                    h = mix(h, value.flag);
                }
                break;
            }
            case Op::all_of:
            case Op::any_of: {
                // AND and OR do not depend on the order of their operands.
                std::vector<std::uint32_t> parts;
                flatten(index, node.op, parts, 0);
                std::vector<std::uint64_t> part_hashes;
                part_hashes.reserve(parts.size());
                for (auto part : parts) part_hashes.push_back(hash(part, depth + 1));
                std::sort(part_hashes.begin(), part_hashes.end());
                for (auto part_hash : part_hashes) h = mix(h, part_hash);
                break;
            }
            case Op::near:
            case Op::negate: {
                h = mix(mix(h, static_cast<std::uint64_t>(node.distance)), node.ordered);
                std::vector<std::uint64_t> part_hashes;
                for (std::uint32_t k = 0; k < node.count; ++k) {
                    part_hashes.push_back(hash(children(node)[k], depth + 1));
                }
                // `a NEAR/n b` is `b NEAR/n a`; NEAR/nf and longer chains keep their order.
                if (symmetric_near(node)) std::sort(part_hashes.begin(), part_hashes.end());
                for (auto part_hash : part_hashes) h = mix(h, part_hash);
                break;
            }
        }
        h |= 1;
        hashes_[index] = h;
        return h;
    }

    // The same expression: same operators and operands (in any order under AND and OR), same
    // terms (as folded, whatever their spelling), same field values, same regexes. Operands
    // are paired by their hashes; a collision can only make it answer "not equal".
    bool equal(std::uint32_t a, std::uint32_t b, std::size_t depth) {
        if (a == b) return true;
        if (depth > kMaxDepth) return false;
        const auto& x = program_.nodes[a];
        const auto& y = program_.nodes[b];
        if (x.op != y.op) return false;
        switch (x.op) {
            case Op::term: {
                const auto& s = program_.terms[x.first];
                const auto& t = program_.terms[y.first];
                return s.hashtag_too == t.hashtag_too && same_words(s.words, t.words);
            }
            case Op::regex:
            case Op::exact_case:
                return false;  // interned: a != b is another pattern
            case Op::field:
                return same_field(program_.fields[x.first], program_.fields[y.first]);
            case Op::all_of:
            case Op::any_of: {
                std::vector<std::uint32_t> s;
                std::vector<std::uint32_t> t;
                flatten(a, x.op, s, 0);
                flatten(b, y.op, t, 0);
                if (s.size() != t.size()) return false;
                const auto by_hash = [&](std::uint32_t p, std::uint32_t q) {
                    return hash(p, depth + 1) < hash(q, depth + 1);
                };
                std::stable_sort(s.begin(), s.end(), by_hash);
                std::stable_sort(t.begin(), t.end(), by_hash);
                for (std::size_t k = 0; k < s.size(); ++k) {
                    if (!equal(s[k], t[k], depth + 1)) return false;
                }
                return true;
            }
            case Op::near:
            case Op::negate: {
                if (x.count != y.count || x.distance != y.distance || x.ordered != y.ordered) {
                    return false;
                }
                bool same = true;
                for (std::uint32_t k = 0; k < x.count && same; ++k) {
                    same = equal(children(x)[k], children(y)[k], depth + 1);
                }
                if (!same && symmetric_near(x)) {
                    same = equal(children(x)[0], children(y)[1], depth + 1) &&
                           equal(children(x)[1], children(y)[0], depth + 1);
                }
                return same;
            }
        }
        return false;
    }

    // Index keys: a term by its first word (exact, or a prefix), a field test by its kind.
    static void word_key(std::string& key, bool prefix, const std::string& text,
                         std::size_t length) {
        key.assign(prefix ? "P" : "T");
        key.append(text, 0, length);
    }

    static void field_key(std::string& key, query::FieldKind kind) {
        key.assign("F");
        key.push_back(static_cast<char>('a' + static_cast<int>(kind)));
    }

    // Indexes an earlier rule with a topic: its root, and the parts of the OR it is (lists and
    // macros included), each linked to the ORs that hold it.
    void add_rule(std::uint32_t rule) {
        const auto root = program_.rules[rule].root;
        rules_at_[root].push_back(rule);
        add_node(root, 0);
    }

    void add_node(std::uint32_t index, std::size_t depth) {
        if (depth > kMaxDepth || indexed_[index]) return;
        indexed_[index] = true;
        const auto& node = program_.nodes[index];
        std::string key;
        if (node.op == Op::any_of) {
            for (std::uint32_t k = 0; k < node.count; ++k) {
                parents_[children(node)[k]].push_back(index);
                add_node(children(node)[k], depth + 1);
            }
        } else if (node.op == Op::term) {
            const auto& word = program_.terms[node.first].words.front();
            word_key(key, word.prefix, word.text, word.text.size());
            if (word.prefix) longest_prefix_ = std::max(longest_prefix_, word.text.size());
            leaves_[key].push_back(index);
        } else if (node.op == Op::field) {
            field_key(key, program_.fields[node.first].kind);
            leaves_[key].push_back(index);
        }
    }

    // Where a proof that operand `index` implies an indexed rule's root can end: the nodes on
    // the way down that `implies` takes (a case-sensitive term's folded term, the first part
    // of an OR, all of whose parts must imply the root), and the index keys of the term or
    // field at the bottom, which may imply a wider one.
    void starts_of(std::uint32_t index, std::vector<std::uint32_t>& starts,
                   std::size_t depth) const {
        if (depth > kMaxDepth) return;
        starts.push_back(index);
        const auto& node = program_.nodes[index];
        std::string key;
        const auto add_leaves = [&] {
            if (auto it = leaves_.find(key); it != leaves_.end()) {
                starts.insert(starts.end(), it->second.begin(), it->second.end());
            }
        };
        switch (node.op) {
            case Op::exact_case:
                starts_of(children(node)[0], starts, depth + 1);
                return;
            case Op::any_of:
                if (node.count > 0) starts_of(children(node)[0], starts, depth + 1);
                return;
            case Op::term: {
                const auto& word = program_.terms[node.first].words.front();
                if (!word.prefix) {
                    word_key(key, false, word.text, word.text.size());
                    add_leaves();
                }
                const auto longest = std::min(longest_prefix_, word.text.size());
                for (std::size_t length = 1; length <= longest; ++length) {
                    word_key(key, true, word.text, length);
                    add_leaves();
                }
                return;
            }
            case Op::field:
                field_key(key, program_.fields[node.first].kind);
                add_leaves();
                return;
            default:
                return;
        }
    }

    // An earlier rule with another topic that matches every post `rule` matches (some operand
    // of the rule's top AND, query and when: together, implies its root), when it is the first
    // of the candidates that does: if that one has the same topic, the topic still applies.
    std::optional<std::uint32_t> shadowing_rule(std::uint32_t rule) {
        const auto& later = program_.rules[rule];
        const auto conjuncts = program_.nodes[later.root].op == Op::all_of
                                   ? operands(later.root)
                                   : std::vector<std::uint32_t>{later.root};
        std::vector<std::uint32_t> queue;
        for (auto conjunct : conjuncts) starts_of(conjunct, queue, 0);
        const std::uint32_t stamp = rule + 1;
        std::vector<std::uint32_t> candidates;
        std::size_t visits = 0;
        for (std::size_t i = 0;
             i < queue.size() && visits < kMaxVisited && candidates.size() < kMaxCandidates; ++i) {
            const auto index = queue[i];
            if (visited_[index] == stamp) continue;
            visited_[index] = stamp;
            ++visits;
            candidates.insert(candidates.end(), rules_at_[index].begin(), rules_at_[index].end());
            queue.insert(queue.end(), parents_[index].begin(), parents_[index].end());
        }
        std::sort(candidates.begin(), candidates.end());
        for (auto earlier : candidates) {
            const auto root = program_.rules[earlier].root;
            for (auto conjunct : conjuncts) {
                if (!implies(program_, conjunct, root)) continue;
                // The first rule found to match whatever this one matches gives the topic.
                if (program_.rules[earlier].topic == later.topic) return std::nullopt;
                return earlier;
            }
        }
        return std::nullopt;
    }

    const RuleProgram& program_;
    std::vector<std::uint64_t> hashes_;
    std::unordered_map<std::string, std::vector<std::uint32_t>> leaves_;
    // By node: the ORs of indexed rules that hold it, the indexed rules it is the root of,
    // whether it is indexed, and the last look-up that visited it.
    std::vector<std::vector<std::uint32_t>> parents_;
    std::vector<std::vector<std::uint32_t>> rules_at_;
    std::vector<bool> indexed_;
    std::vector<std::uint32_t> visited_;
    std::size_t longest_prefix_ = 0;
};

}  // namespace

std::vector<Shadowing> find_shadowed_rules(const RuleProgram& program) {
    return Finder(program).run();
}

}  // namespace spreekbuis::rules
