#include "rules/miss_reason.hpp"

#include "rules/format.hpp"
#include "rules/utf8.hpp"

namespace spreekbuis::rules {

namespace {

using compiled::Op;
using compiled::RuleProgram;
using query::FieldKind;
using query::FieldSpec;

constexpr std::size_t kMaxDepth = 64;
constexpr std::size_t kMaxRendered = 120;
constexpr std::uint32_t kMaxNamed = 8;  // alternatives named in "none of ..."

const std::uint32_t* children_of(const RuleProgram& program, const compiled::ProgNode& node) {
    return program.children.data() + node.first;
}

void render_into(const RuleProgram& program, std::uint32_t index, std::string& out,
                 std::size_t depth) {
    if (out.size() > kMaxRendered) return;
    const auto& node = program.nodes[index];
    const auto* children = children_of(program, node);
    if (depth > kMaxDepth) {
        out += "...";
        return;
    }
    if (auto name = program.node_names.find(index); name != program.node_names.end()) {
        out += name->second;
        return;
    }
    switch (node.op) {
        case Op::term:
            out += program.terms[node.first].display;
            return;
        case Op::regex:
            out += program.regexes[node.first].display;
            return;
        case Op::field:
            out += program.fields[node.first].written;
            return;
        case Op::exact_case:
            out += program.exact_case_patterns[static_cast<std::size_t>(node.distance)].display;
            return;
        case Op::negate:
            out += "NOT ";
            render_into(program, children[0], out, depth + 1);
            return;
        case Op::any_of:
        case Op::all_of:
        case Op::near: {
            const std::string glue =
                node.op == Op::any_of ? " OR "
                : node.op == Op::all_of
                    ? " AND "
                    : " NEAR/" + std::to_string(node.distance) + (node.ordered ? "f " : " ");
            out += '(';
            for (std::uint32_t k = 0; k < node.count; ++k) {
                if (k > 0) out += glue;
                render_into(program, children[k], out, depth + 1);
                if (out.size() > kMaxRendered) return;
            }
            out += ')';
            return;
        }
    }
}

std::string optional_number(const std::optional<std::int64_t>& value) {
    return value ? std::to_string(*value) : "unknown";
}

// The post's actual value for a field test, to show beside a failed one.
std::string actual_value(const FieldSpec& field, const Post& post, const Verdict& verdict) {
    switch (field.kind) {
        case FieldKind::author:
            return "author " + (post.author.handle.empty() ? "unknown" : post.author.handle);
        case FieldKind::lang:
            return "lang " + verdict.lang;
        case FieldKind::source:
            return "source " + (post.source.empty() ? "unknown" : post.source);
        case FieldKind::followers:
            return "followers " + optional_number(post.author.followers);
        case FieldKind::verified:
            return std::string("verified ") +
                   (post.author.verified ? (*post.author.verified ? "true" : "false") : "unknown");
        case FieldKind::is:
            return "not a reply";
        case FieldKind::sentiment: {
            std::string text = "sentiment ";
            append_fixed2(text, verdict.sentiment, false);
            return text;
        }
        case FieldKind::polarity:
            return "polarity " + std::string(to_string(verdict.polarity));
        case FieldKind::complaint:
            return std::string("complaint ") + (verdict.complaint ? "true" : "false");
    }
    return {};
}

class Reasons {
  public:
    Reasons(const RuleProgram& program, const NodeHolds& holds, const Post& post,
            const Verdict& verdict)
        : program_(program), holds_(holds), post_(post), verdict_(verdict) {}

    void add(std::uint32_t index, std::size_t depth) {
        const auto& node = program_.nodes[index];
        const auto* children = children_of(program_, node);
        if (depth > kMaxDepth) return note("(nested too deeply to say)");
        switch (node.op) {
            case Op::term:
            case Op::regex:
                return note("no " + render_node(program_, index));
            case Op::field: {
                const auto& field = program_.fields[node.first];
                return note(field.written + " does not hold (" +
                            actual_value(field, post_, verdict_) + ")");
            }
            case Op::exact_case:
                if (!holds_(children[0])) return add(children[0], depth + 1);
                return note(render_node(program_, index) + " not in this case");
            case Op::negate:
                return note("has " + render_node(program_, children[0]) + ", which NOT excludes");
            case Op::any_of: {
                if (auto name = program_.node_names.find(index);
                    name != program_.node_names.end()) {
                    return note("none of " + name->second);
                }
                std::string names;
                for (std::uint32_t k = 0; k < node.count && k < kMaxNamed; ++k) {
                    if (k > 0) names += ", ";
                    names += render_node(program_, children[k]);
                }
                if (node.count > kMaxNamed) {
                    names += " and " + std::to_string(node.count - kMaxNamed) + " more";
                }
                // An alternative that is more than a term and has some of its terms is the
                // one the author probably meant: say what it lacked.
                for (std::uint32_t k = 0; k < node.count; ++k) {
                    const auto op = program_.nodes[children[k]].op;
                    if (op == Op::term || op == Op::regex || op == Op::exact_case) continue;
                    if (!saw_some(program_, children[k], holds_)) continue;
                    Reasons closest(program_, holds_, post_, verdict_);
                    closest.add(children[k], depth + 1);
                    return note("none of " + names + " (closest: " + std::move(closest).text() +
                                ")");
                }
                return note("none of " + names);
            }
            case Op::all_of:
                for (std::uint32_t k = 0; k < node.count; ++k) {
                    if (!holds_(children[k])) add(children[k], depth + 1);
                }
                return;
            case Op::near: {
                const bool a = holds_(children[0]);
                const bool b = holds_(children[1]);
                if (!a) add(children[0], depth + 1);
                if (!b) add(children[1], depth + 1);
                if (a && b) {
                    note(render_node(program_, children[0]) + " and " +
                         render_node(program_, children[1]) + " are not within " +
                         std::to_string(node.distance) + " words" +
                         (node.ordered ? " in that order" : ""));
                }
                return;
            }
        }
    }

    std::string text() && { return std::move(text_); }

  private:
    void note(const std::string& reason) {
        if (!text_.empty()) text_ += "; ";
        text_ += reason;
    }

    const RuleProgram& program_;
    const NodeHolds& holds_;
    const Post& post_;
    const Verdict& verdict_;
    std::string text_;
};

bool saw_some_at(const RuleProgram& program, std::uint32_t index, const NodeHolds& holds,
                 std::size_t depth) {
    const auto& node = program.nodes[index];
    if (depth > kMaxDepth) return false;
    switch (node.op) {
        case Op::term:
        case Op::regex:
        case Op::exact_case:
            return holds(index);
        case Op::field:
        case Op::negate:
            return false;
        case Op::any_of:
        case Op::all_of:
        case Op::near:
            for (std::uint32_t k = 0; k < node.count; ++k) {
                if (saw_some_at(program, children_of(program, node)[k], holds, depth + 1)) {
                    return true;
                }
            }
            return false;
    }
    return false;
}

}  // namespace

std::string render_node(const RuleProgram& program, std::uint32_t node) {
    std::string out;
    render_into(program, node, out, 0);
    return utf8::clip(out, kMaxRendered);
}

std::string miss_reason(const RuleProgram& program, std::uint32_t node, const NodeHolds& holds,
                        const Post& post, const Verdict& verdict) {
    Reasons reasons(program, holds, post, verdict);
    reasons.add(node, 0);
    return std::move(reasons).text();
}

bool saw_some(const RuleProgram& program, std::uint32_t node, const NodeHolds& holds) {
    return saw_some_at(program, node, holds, 0);
}

}  // namespace spreekbuis::rules
