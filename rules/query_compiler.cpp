#include "rules/query_compiler.hpp"

#include <re2/re2.h>

#include <algorithm>
#include <map>
#include <set>
#include <unordered_map>
#include <unordered_set>

#include "rules/contradiction.hpp"
#include "rules/exact_case.hpp"
#include "rules/normalize.hpp"
#include "rules/query_lexer.hpp"
#include "rules/query_parser.hpp"
#include "rules/scoring.hpp"
#include "rules/shadowing.hpp"

namespace spreekbuis::rules {

using compiled::kMaxWakeGroups;
using compiled::Op;
using compiled::ProgNode;
using compiled::RuleProgram;
using compiled::RuleWake;
using compiled::TermPattern;
using compiled::TermWord;

namespace {

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

std::string describe(const SourcePos& pos) {
    return pos.file + ":" + std::to_string(pos.line) + ":" + std::to_string(pos.column);
}

constexpr std::size_t kMaxExpansionDepth = 1000;

// position_in_scalar(ref, 0) without looking its line up from the top of the file: the
// shadowing check may point at thousands of queries. Block scalars and anything unusual take
// the general path.
SourcePos scalar_start(const TextRef& ref, std::string& line_text) {
    if (!ref.document || ref.text.empty()) return position_in_scalar(ref, 0, line_text);
    const auto mark = ref.node.Mark();
    const auto& source = ref.document->text;
    if (mark.is_null() || mark.pos < 0 || mark.column < 0 || mark.column > mark.pos ||
        static_cast<std::size_t>(mark.pos) >= source.size()) {
        return position_in_scalar(ref, 0, line_text);
    }
    const auto at = static_cast<std::size_t>(mark.pos);
    const bool quoted = source[at] == '"' || source[at] == '\'';
    const auto start = at + (quoted ? 1 : 0);
    if (start >= source.size() || source[start] != ref.text[0]) {
        return position_in_scalar(ref, 0, line_text);  // a block scalar, or an escape first
    }
    const auto begin = at - static_cast<std::size_t>(mark.column);
    auto end = source.find('\n', begin);
    if (end == std::string::npos) end = source.size();
    std::string_view line(source.data() + begin, end - begin);
    if (line.ends_with('\r')) line.remove_suffix(1);
    line_text = std::string(line);
    return SourcePos{ref.document->path, mark.line + 1, mark.column + 1 + (quoted ? 1 : 0)};
}

}  // namespace

std::optional<TermPattern> fold_term(const std::string& text, bool phrase, std::string& error,
                                     std::size_t& error_offset) {
    TermPattern out;
    std::size_t i = 0;
    const std::size_t n = text.size();
    while (i < n) {
        while (i < n && is_space(text[i])) ++i;
        const std::size_t start = i;
        while (i < n && !is_space(text[i])) ++i;
        if (i == start) break;
        std::string_view raw(text.data() + start, i - start);
        const bool prefix = raw.ends_with('*');
        if (prefix) raw.remove_suffix(1);
        if (const auto star = raw.find('*'); star != std::string_view::npos) {
            error = "'*' is only allowed at the end of a word";
            error_offset = start + star;
            return std::nullopt;
        }
        const auto folded = normalize(raw);
        const auto before = out.words.size();
        for (const auto& token : folded.tokens) {
            if (token.kind == TokenKind::punct) continue;
            TermWord word;
            compiled::append_token_text(word.text, folded.token_text(token));
            if (!word.text.empty()) out.words.push_back(std::move(word));
        }
        if (prefix) {
            if (out.words.size() == before) {
                error = "'*' must follow a word";
                error_offset = start + raw.size();
                return std::nullopt;
            }
            out.words.back().prefix = true;
            const auto& stem = out.words.back().text;
            const std::size_t letters =
                (stem[0] == '#' || stem[0] == '@') ? stem.size() - 1 : stem.size();
            if (letters < 2) {
                error = "a wildcard needs at least 2 letters before '*'";
                error_offset = start + raw.size();
                return std::nullopt;
            }
        }
    }
    if (out.words.empty()) {
        error = (phrase ? "phrase \"" : "term '") + text + (phrase ? "\"" : "'") +
                " has no words to match";
        error_offset = 0;
        return std::nullopt;
    }
    out.hashtag_too =
        out.words.size() == 1 && out.words[0].text[0] != '#' && out.words[0].text[0] != '@';
    out.display = phrase ? "\"" + text + "\"" : text;
    return out;
}

namespace {

struct TermRef {
    bool regex = false;
    std::uint32_t id = 0;
    bool operator<(const TermRef& other) const {
        return regex != other.regex ? regex < other.regex : id < other.id;
    }
    bool operator==(const TermRef& other) const = default;
};

// A character of a rule file: byte `offset` of the scalar `src`.
struct Place {
    const TextRef* src = nullptr;
    std::size_t offset = 0;
};

struct ListEntry {
    const ListDef* def = nullptr;
    std::vector<const TextRef*> items;
    std::optional<std::uint32_t> node;
    bool bad = false;
    bool used = false;  // some rule's query or condition reaches it
};

struct MacroEntry {
    const MacroDef* def = nullptr;
    std::unique_ptr<query::Node> ast;
    std::optional<std::uint32_t> node;
    bool bad = false;
    bool used = false;
    int state = 0;  // 0 unvisited, 1 on the DFS stack, 2 done
};

class Compiler {
  public:
    Compiler(const std::vector<std::unique_ptr<RuleFile>>& files, Diagnostics& diagnostics)
        : files_(files), diagnostics_(diagnostics) {}

    std::optional<RuleProgram> run() {
        collect_names();
        apply_extends();
        compile_lists();
        parse_macros();
        for (auto& [name, macro] : macros_) check_macro(name, 0);
        for (const auto& file : files_) {
            for (const auto& rule : file->rules) compile_rule(rule);
        }
        leave_out_disabled_rules();
        if (diagnostics_.has_errors()) return std::nullopt;
        warn_unused_names();
        warn_shadowed_rules();
        program_.term_rules.resize(program_.terms.size());
        program_.regex_rules.resize(program_.regexes.size());
        for (std::uint32_t r = 0; r < program_.rules.size(); ++r) {
            auto& rule = program_.rules[r];
            std::vector<WakeGroup> groups;
            std::vector<TermRef> vetoes;
            bool provable = true;
            wake_groups(rule.root, groups, vetoes, provable, 0);
            if (groups.empty()) {
                rule.always = true;
                program_.always_rules.push_back(r);
                continue;
            }
            if (groups.size() > kMaxWakeGroups) {
                // Any of the groups is a necessary condition: keep the ones that wake least.
                std::stable_sort(groups.begin(), groups.end(), [](const auto& a, const auto& b) {
                    return a.terms.size() < b.terms.size();
                });
                groups.resize(kMaxWakeGroups);
                provable = false;
            }
            // Terms under a top-level NOT take the bit after the groups' (the rule stays proven
            // by its groups unless one of them is seen); with no bit to spare, the rule is
            // evaluated.
            if (!vetoes.empty() && groups.size() >= kMaxWakeGroups) provable = false;
            for (std::size_t g = 0; g < groups.size(); ++g) {
                auto& required = groups[g].terms;
                std::sort(required.begin(), required.end());
                required.erase(std::unique(required.begin(), required.end()), required.end());
                for (const auto& ref : required) {
                    const RuleWake wake{r, static_cast<std::uint8_t>(g),
                                        static_cast<std::uint8_t>(groups.size()),
                                        provable && proves(groups[g].node, ref)};
                    (ref.regex ? program_.regex_rules : program_.term_rules)[ref.id].push_back(
                        wake);
                }
            }
            if (provable && !vetoes.empty()) {
                std::sort(vetoes.begin(), vetoes.end());
                vetoes.erase(std::unique(vetoes.begin(), vetoes.end()), vetoes.end());
                // group == groups: a bit outside the rule's full set, never proven.
                const auto count = static_cast<std::uint8_t>(groups.size());
                for (const auto& ref : vetoes) {
                    (ref.regex ? program_.regex_rules : program_.term_rules)[ref.id].push_back(
                        RuleWake{r, count, count, false});
                }
            }
        }
        return std::move(program_);
    }

  private:
    std::vector<std::string> known_names() const {
        std::vector<std::string> names;
        for (const auto& [name, entry] : lists_) names.push_back(name);
        for (const auto& [name, entry] : macros_) names.push_back(name);
        return names;
    }

    std::string where(const TextRef& ref) const {
        std::string ignored;
        return describe(position_in_scalar(ref, 0, ignored));
    }

    void collect_names() {
        for (const auto& file : files_) {
            for (const auto& list : file->lists) {
                if (auto it = lists_.find(list.name.text); it != lists_.end()) {
                    error_in_scalar(list.name, 0, "list '" + list.name.text + "' is defined twice",
                                    diagnostics_,
                                    "first defined at " + where(it->second.def->name) +
                                        "; use extend_lists to add items to it");
                    continue;
                }
                auto& entry = lists_[list.name.text];
                entry.def = &list;
                for (const auto& item : list.items) entry.items.push_back(&item);
            }
        }
        for (const auto& file : files_) {
            for (const auto& macro : file->macros) {
                const auto& name = macro.name.text;
                if (auto it = macros_.find(name); it != macros_.end()) {
                    error_in_scalar(macro.name, 0, "macro '" + name + "' is defined twice",
                                    diagnostics_,
                                    "first defined at " + where(it->second.def->name));
                    continue;
                }
                if (auto it = lists_.find(name); it != lists_.end()) {
                    error_in_scalar(macro.name, 0, "macro '" + name + "' has the name of a list",
                                    diagnostics_,
                                    "the list is defined at " + where(it->second.def->name) +
                                        "; $" + name + " must name one thing");
                    continue;
                }
                macros_[name].def = &macro;
            }
        }
    }

    void apply_extends() {
        for (const auto& file : files_) {
            for (const auto& extend : file->extend_lists) {
                auto it = lists_.find(extend.name.text);
                if (it == lists_.end()) {
                    std::vector<std::string> names;
                    for (const auto& [name, entry] : lists_) names.push_back(name);
                    std::string hint = "define it under 'lists' first";
                    if (auto best = closest_match(extend.name.text, names); !best.empty()) {
                        hint = "did you mean '" + best + "'?";
                    }
                    error_in_scalar(extend.name, 0,
                                    "extend_lists names an unknown list '" + extend.name.text + "'",
                                    diagnostics_, hint);
                    continue;
                }
                for (const auto& item : extend.items) it->second.items.push_back(&item);
            }
        }
    }

    std::optional<std::uint32_t> term_node(const TermPattern& pattern) {
        std::string key;
        for (const auto& word : pattern.words) {
            key += word.text;
            key += word.prefix ? "\x02*" : "\x02";
        }
        if (pattern.hashtag_too) key += '#';
        // Spelled differently, the same words are another term: `why` names each rule's terms
        // as that rule writes them ("marks spencer", not another rule's "Marks & Spencer").
        // Quotes are no spelling: a list item `hand luggage` is the phrase "hand luggage".
        std::string_view spelling = pattern.display;
        if (spelling.size() >= 2 && spelling.front() == '"' && spelling.back() == '"') {
            spelling = spelling.substr(1, spelling.size() - 2);
        }
        key += '\x03';
        key += spelling;
        auto [it, inserted] = term_ids_.try_emplace(key, 0);
        if (inserted) {
            it->second = static_cast<std::uint32_t>(program_.terms.size());
            program_.terms.push_back(pattern);
            term_nodes_.push_back(add_node(ProgNode{Op::term, false, it->second, 0, 0}));
        }
        return term_nodes_[it->second];
    }

    std::uint32_t add_node(ProgNode node) {
        program_.nodes.push_back(node);
        return static_cast<std::uint32_t>(program_.nodes.size() - 1);
    }

    std::uint32_t add_group(Op op, const std::vector<std::uint32_t>& children, int distance = 0,
                            bool ordered = false) {
        ProgNode node{op, ordered, static_cast<std::uint32_t>(program_.children.size()),
                      static_cast<std::uint32_t>(children.size()), distance};
        program_.children.insert(program_.children.end(), children.begin(), children.end());
        return add_node(node);
    }

    std::optional<std::uint32_t> compile_term(const std::string& text, bool phrase,
                                              const TextRef& src, std::size_t offset) {
        std::string error;
        std::size_t error_offset = 0;
        auto pattern = fold_term(text, phrase, error, error_offset);
        if (!pattern) {
            error_in_scalar(src, offset + error_offset + (phrase ? 1 : 0), error, diagnostics_,
                            "terms match whole words; use re:/pattern/ for anything else");
            return std::nullopt;
        }
        return term_node(*pattern);
    }

    std::uint32_t exact_case_node(std::uint32_t term, const std::string& text, bool phrase) {
        const std::string display = phrase ? "{\"" + text + "\"}" : "{" + text + "}";
        if (auto it = exact_case_nodes_.find(display); it != exact_case_nodes_.end()) {
            return it->second;
        }
        compiled::ExactCasePattern pattern;
        pattern.display = display;
        pattern.words = word_runs(text);
        const auto id = static_cast<std::int32_t>(program_.exact_case_patterns.size());
        program_.exact_case_patterns.push_back(std::move(pattern));
        ProgNode node{Op::exact_case, false, static_cast<std::uint32_t>(program_.children.size()),
                      1, id};
        program_.children.push_back(term);
        const auto index = add_node(node);
        exact_case_nodes_.emplace(display, index);
        return index;
    }

    // A list item: a word or phrase, {Exact Case}, or re:/pattern/.
    std::optional<std::uint32_t> compile_list_item(const TextRef& item) {
        const auto& text = item.text;
        if (text.starts_with("re:/") && text.size() > 5 && text.back() == '/') {
            return compile_regex(text.substr(4, text.size() - 5), item, 0);
        }
        if (text.starts_with('{')) {  // read as in a query, so the errors are the same
            query::QueryToken token;
            if (auto error = query::lex_case_sensitive(text, 0, token)) {
                report(item, *error);
                return std::nullopt;
            }
            if (token.length != text.size()) {
                error_in_scalar(item, token.length, "unexpected text after '}'", diagnostics_,
                                "a list item holds one term; put each in its own item");
                return std::nullopt;
            }
            auto term = compile_term(token.text, token.quoted, item, 1);
            if (!term) return std::nullopt;
            return exact_case_node(*term, token.text, token.quoted);
        }
        if (text.starts_with('"')) {
            // "a b"~5 is a query's proximity; an item is one term, so it would be read as the
            // words a, b and 5.
            const auto close = text.find('"', 1);
            if (close != std::string::npos && close + 1 < text.size() && text[close + 1] == '~') {
                error_in_scalar(
                    item, close + 1, "a list item cannot hold a proximity", diagnostics_,
                    "write it in a macro: near_bag: '\"lost bag\"~5', used as $near_bag");
                return std::nullopt;
            }
        }
        return compile_term(text, false, item, 0);
    }

    std::optional<std::uint32_t> compile_regex(const std::string& pattern, const TextRef& src,
                                               std::size_t offset) {
        if (auto it = regex_nodes_.find(pattern); it != regex_nodes_.end()) return it->second;
        RE2::Options options;
        options.set_log_errors(false);
        options.set_max_mem(8 << 20);
        RE2 regex(pattern, options);
        if (!regex.ok()) {
            error_in_scalar(src, offset + 4, "bad regular expression: " + regex.error(),
                            diagnostics_,
                            "RE2 syntax (no lookaround or backreferences); it matches the "
                            "lower-cased, accent-free text");
            return std::nullopt;
        }
        const auto id = static_cast<std::uint32_t>(program_.regexes.size());
        program_.regexes.push_back(compiled::RegexPattern{pattern, "re:/" + pattern + "/"});
        const auto node = add_node(ProgNode{Op::regex, false, id, 0, 0});
        regex_nodes_.emplace(pattern, node);
        return node;
    }

    void compile_lists() {
        for (auto& [name, entry] : lists_) {
            std::vector<std::uint32_t> children;
            for (const auto* item : entry.items) {
                const auto node = compile_list_item(*item);
                if (node) {
                    children.push_back(*node);
                } else {
                    entry.bad = true;
                }
            }
            if (!entry.bad && !children.empty()) {
                entry.node = add_group(Op::any_of, children);
                name_node(*entry.node, name);
            }
        }
    }

    void report(const TextRef& src, const query::ParseError& error) {
        error_in_scalar(src, error.offset, error.message, diagnostics_, error.hint);
    }

    void parse_macros() {
        for (auto& [name, macro] : macros_) {
            auto parsed = query::parse_query(macro.def->body.text);
            for (const auto& error : parsed.errors) report(macro.def->body, error);
            if (!parsed.root) {
                macro.bad = true;
                continue;
            }
            macro.ast = std::move(parsed.root);
        }
    }

    // Reports unknown names and cycles once, at the macro that holds them.
    void check_macro(const std::string& name, std::size_t depth) {
        auto& macro = macros_[name];
        if (macro.state != 0) return;
        macro.state = 1;
        stack_.push_back(name);
        if (macro.ast) check_refs(*macro.ast, macro, depth);
        stack_.pop_back();
        macro.state = 2;
    }

    void check_refs(const query::Node& node, MacroEntry& macro, std::size_t depth) {
        if (node.kind == query::NodeKind::var) {
            const auto& ref = node.text;
            if (lists_.count(ref)) {
                if (lists_[ref].bad) macro.bad = true;
            } else if (auto it = macros_.find(ref); it != macros_.end()) {
                if (it->second.state == 1) {
                    std::string path;
                    auto start = std::find(stack_.begin(), stack_.end(), ref);
                    for (auto i = start; i != stack_.end(); ++i) path += *i + " -> ";
                    path += ref;
                    error_in_scalar(macro.def->body, node.offset, "macro cycle: " + path,
                                    diagnostics_,
                                    "a macro cannot use itself, directly or through others");
                    for (auto i = start; i != stack_.end(); ++i) macros_[*i].bad = true;
                } else if (depth > kMaxExpansionDepth) {
                    error_in_scalar(macro.def->body, node.offset, "macros nest too deeply",
                                    diagnostics_);
                    macro.bad = true;
                } else {
                    check_macro(ref, depth + 1);
                    if (it->second.bad) macro.bad = true;
                }
            } else {
                unknown_name(macro.def->body, node);
                macro.bad = true;
            }
        }
        for (const auto& child : node.children) check_refs(*child, macro, depth);
    }

    void unknown_name(const TextRef& src, const query::Node& node) {
        std::string hint = "define it under 'lists' or 'macros'";
        if (auto best = closest_match(node.text, known_names()); !best.empty()) {
            hint = "did you mean '$" + best + "'?";
        }
        error_in_scalar(src, node.offset, "unknown list or macro '$" + node.text + "'",
                        diagnostics_, hint);
    }

    bool positional(std::uint32_t index) const {
        const auto& node = program_.nodes[index];
        switch (node.op) {
            case Op::term:
            case Op::regex:
            case Op::exact_case:
                return true;
            case Op::field:
            case Op::negate:
                return false;
            case Op::all_of:
            case Op::any_of:
            case Op::near:
                for (std::uint32_t i = 0; i < node.count; ++i) {
                    if (!positional(program_.children[node.first + i])) return false;
                }
                return true;
        }
        return false;
    }

    // Compiles `node`, and when it is written in the current rule's own query or when:, notes
    // where the compiled node first appears in that rule.
    std::optional<std::uint32_t> compile_ast(const query::Node& node, const TextRef& src,
                                             std::size_t depth) {
        const auto compiled = compile_node(node, src, depth);
        if (compiled && (&src == rule_query_ || &src == rule_when_)) {
            const Place place{&src, node.offset};
            rule_places_.try_emplace(*compiled, place);
            if (node.kind == query::NodeKind::var) rule_names_.emplace_back(*compiled, place);
        }
        return compiled;
    }

    std::optional<std::uint32_t> compile_node(const query::Node& node, const TextRef& src,
                                              std::size_t depth) {
        if (depth > kMaxExpansionDepth) {
            error_in_scalar(src, node.offset, "query nests too deeply (through macros)",
                            diagnostics_);
            return std::nullopt;
        }
        using query::NodeKind;
        switch (node.kind) {
            case NodeKind::term:
            case NodeKind::phrase: {
                const bool phrase = node.kind == NodeKind::phrase;
                if (!node.exact_case) return compile_term(node.text, phrase, src, node.offset);
                // The folded term sits after '{' (and the quote of a phrase).
                auto term = compile_term(node.text, phrase, src, node.offset + 1);
                if (!term) return std::nullopt;
                return exact_case_node(*term, node.text, phrase);
            }
            case NodeKind::regex:
                return compile_regex(node.text, src, node.offset);
            case NodeKind::field: {
                const auto id = static_cast<std::uint32_t>(program_.fields.size());
                program_.fields.push_back(node.field);
                return add_node(ProgNode{Op::field, false, id, 0, 0});
            }
            case NodeKind::var: {
                if (auto it = lists_.find(node.text); it != lists_.end()) {
                    it->second.used = true;
                    if (it->second.bad) return std::nullopt;
                    if (!it->second.node) {
                        error_in_scalar(src, node.offset, "list '$" + node.text + "' is empty",
                                        diagnostics_,
                                        "add items to it at " + where(it->second.def->name));
                        return std::nullopt;
                    }
                    return it->second.node;
                }
                if (auto it = macros_.find(node.text); it != macros_.end()) {
                    auto& macro = it->second;
                    macro.used = true;
                    if (macro.bad || !macro.ast) return std::nullopt;
                    if (!macro.node) {
                        macro.node = compile_ast(*macro.ast, macro.def->body, depth + 1);
                        if (!macro.node) macro.bad = true;
                        if (macro.node) name_node(*macro.node, node.text);
                    }
                    return macro.node;
                }
                unknown_name(src, node);
                return std::nullopt;
            }
            case NodeKind::all_of:
            case NodeKind::any_of:
            case NodeKind::near: {
                std::vector<std::uint32_t> children;
                bool ok = true;
                for (const auto& child : node.children) {
                    auto compiled_child = compile_ast(*child, src, depth + 1);
                    if (!compiled_child) {
                        ok = false;
                        continue;
                    }
                    if (node.kind == NodeKind::near && !positional(*compiled_child)) {
                        error_in_scalar(src, child->offset,
                                        "a side of " + node.text +
                                            " may only hold terms, phrases, regexes and groups "
                                            "of them",
                                        diagnostics_,
                                        "move fields and NOT outside: (a NEAR/5 b) AND lang:nl");
                        ok = false;
                    }
                    children.push_back(*compiled_child);
                }
                if (!ok) return std::nullopt;
                const Op op = node.kind == NodeKind::all_of   ? Op::all_of
                              : node.kind == NodeKind::any_of ? Op::any_of
                                                              : Op::near;
                return add_group(op, children, node.distance, node.ordered);
            }
            case NodeKind::negate: {
                auto child = compile_ast(*node.children[0], src, depth + 1);
                if (!child) return std::nullopt;
                return add_group(Op::negate, {*child});
            }
        }
        return std::nullopt;
    }

    // `rule_id`: the rule whose query this is, to warn about common words it matches alone
    // (empty for conditions, which only narrow a query).
    std::optional<std::uint32_t> compile_query(const TextRef& src, const std::string& rule_id) {
        auto parsed = query::parse_query(src.text);
        for (const auto& error : parsed.errors) report(src, error);
        if (!parsed.root) return std::nullopt;
        auto node = compile_ast(*parsed.root, src, 0);
        if (node && !rule_id.empty()) warn_common_words(*parsed.root, src, rule_id, 0);
        return node;
    }

    // A term is a common word (a stop word of language detection) that is enough on its own
    // for the query to match: the query is that term, or reaches it through ORs, lists and
    // macros only. Such a rule matches most posts. Reported once per place it is written.
    void warn_common_words(const query::Node& node, const TextRef& src, const std::string& rule_id,
                           std::size_t depth) {
        if (depth > kMaxExpansionDepth) return;
        switch (node.kind) {
            case query::NodeKind::term:
                warn_if_common(node.text, src, node.offset, rule_id);
                return;
            case query::NodeKind::any_of:
                for (const auto& child : node.children) {
                    warn_common_words(*child, src, rule_id, depth + 1);
                }
                return;
            case query::NodeKind::var:
                if (auto it = lists_.find(node.text); it != lists_.end()) {
                    for (const auto* item : it->second.items) {
                        if (!item->text.starts_with("re:/")) {
                            warn_if_common(item->text, *item, 0, rule_id);
                        }
                    }
                } else if (auto macro = macros_.find(node.text);
                           macro != macros_.end() && macro->second.ast) {
                    warn_common_words(*macro->second.ast, macro->second.def->body, rule_id,
                                      depth + 1);
                }
                return;
            default:
                return;  // AND, NEAR, NOT, phrases, regexes and fields are not one common word
        }
    }

    void warn_if_common(const std::string& text, const TextRef& src, std::size_t offset,
                        const std::string& rule_id) {
        std::string error;
        std::size_t error_offset = 0;
        const auto pattern = fold_term(text, false, error, error_offset);
        if (!pattern || pattern->words.size() != 1 || pattern->words[0].prefix) return;
        const auto language = common_word_language(pattern->words[0].text);
        if (language.empty()) return;
        if (!common_words_warned_.insert({&src, offset}).second) return;
        std::string line_text;
        const auto pos = position_in_scalar(src, offset, line_text);
        diagnostics_.warning(
            pos,
            "'" + text + "' is one of the most common words (" + std::string(language) +
                "): on its own it makes rule '" + rule_id + "' match most posts",
            "combine it with AND or NEAR, or use it inside a \"phrase\"", line_text);
    }

    // Lists and macros that no rule reaches (checked only when everything compiled).
    void warn_unused_names() {
        const auto warn = [&](const char* kind, const std::string& name, const TextRef& at) {
            std::string line_text;
            const auto pos = position_in_scalar(at, 0, line_text);
            diagnostics_.warning(pos,
                                 std::string(kind) + " '$" + name + "' is not used by any rule",
                                 "use it in a query as $" + name + ", or remove it", line_text);
        };
        for (const auto& [name, entry] : lists_) {
            if (!entry.used) warn("list", name, entry.def->name);
        }
        for (const auto& [name, entry] : macros_) {
            if (!entry.used) warn("macro", name, entry.def->name);
        }
    }

    // Rules that repeat an earlier rule's expression, and rules whose topic never applies
    // because an earlier rule with another topic matches every post they match (checked only
    // when everything compiled). Pointed at the later rule's query; the earlier one is named
    // by the start of its query.
    void warn_shadowed_rules() {
        std::unordered_map<std::string, const RuleDef*> defs;
        for (const auto& file : files_) {
            for (const auto& rule : file->rules) {
                if (rule.query) defs.try_emplace(rule.id.text, &rule);
            }
        }
        for (const auto& found : find_shadowed_rules(program_)) {
            const auto& later = program_.rules[found.rule];
            const auto& earlier = program_.rules[found.earlier];
            const auto later_def = defs.find(later.id);
            const auto earlier_def = defs.find(earlier.id);
            if (later_def == defs.end() || earlier_def == defs.end()) continue;
            std::string line_text;
            const auto at = describe(scalar_start(*earlier_def->second->query, line_text));
            const auto pos = scalar_start(*later_def->second->query, line_text);
            const auto& b = later.id;
            const auto& a = earlier.id;
            if (found.kind == ShadowKind::same_query) {
                diagnostics_.warning(
                    pos, "rule '" + b + "' has the same query as rule '" + a + "' (" + at + ")",
                    "remove one or change its query", line_text);
            } else {
                diagnostics_.warning(
                    pos,
                    "rule '" + b + "' sets topic '" + later.topic.value_or("") +
                        "', but the earlier rule '" + a + "' (" + at + "), with topic '" +
                        earlier.topic.value_or("") + "', matches every post '" + b +
                        "' matches: '" + b + "' never decides the topic",
                    "put '" + b + "' before '" + a + "', or narrow '" + a + "'", line_text);
            }
        }
    }

    // Rules with `enabled: false` and rules named by any file's disable_rules were compiled and
    // checked like the others (a typo in a disabled rule is still an error); they are left out
    // of the program, their tests with them.
    void leave_out_disabled_rules() {
        std::unordered_set<std::string> disabled;
        for (const auto& file : files_) {
            for (const auto& rule : file->rules) {
                if (!rule.enabled) disabled.insert(rule.id.text);
            }
        }
        for (const auto& file : files_) {
            for (const auto& id : file->disable_rules) {
                if (rule_ids_.count(id.text) == 0) {
                    std::vector<std::string> ids;
                    for (const auto& [known, ref] : rule_ids_) ids.push_back(known);
                    std::sort(ids.begin(), ids.end());
                    std::string hint = "no loaded file defines a rule with this id";
                    if (auto best = closest_match(id.text, ids); !best.empty()) {
                        hint = "did you mean '" + best + "'?";
                    }
                    error_in_scalar(id, 0, "disable_rules names an unknown rule '" + id.text + "'",
                                    diagnostics_, hint);
                    continue;
                }
                disabled.insert(id.text);
            }
        }
        if (disabled.empty()) return;
        auto& rules = program_.rules;
        const auto kept = std::stable_partition(rules.begin(), rules.end(), [&](const auto& rule) {
            return disabled.count(rule.id) == 0;
        });
        program_.disabled_rules.assign(std::make_move_iterator(kept),
                                       std::make_move_iterator(rules.end()));
        rules.erase(kept, rules.end());
    }

    void compile_rule(const RuleDef& rule) {
        if (auto [it, inserted] = rule_ids_.try_emplace(rule.id.text, &rule.id); !inserted) {
            error_in_scalar(rule.id, 0, "duplicate rule id '" + rule.id.text + "'", diagnostics_,
                            "the first rule with this id is at " + where(*it->second) +
                                "; rule ids must be unique across all files");
        }
        if (!rule.query) return;
        rule_places_.clear();
        rule_names_.clear();
        rule_query_ = &*rule.query;
        rule_when_ = rule.when ? &*rule.when : nullptr;
        auto query = compile_query(*rule.query, rule.id.text);
        std::optional<std::uint32_t> when;
        if (rule.when) when = compile_query(*rule.when, {});
        rule_query_ = nullptr;
        rule_when_ = nullptr;
        if (rule.when && !when) return;
        if (!query) return;
        compiled::CompiledRule out;
        out.id = rule.id.text;
        out.description = rule.description;
        out.topic = rule.topic;
        out.priority = rule.priority;
        out.tags = rule.tags;
        out.tests = rule.tests;
        out.root = when ? add_group(Op::all_of, {*query, *when}) : *query;
        warn_if_never_matches(rule, out.root);
        program_.rules.push_back(std::move(out));
    }

    // Messages call a list's or macro's group by its name ($bags). A single term stays a term:
    // its node is shared with every other use of that term.
    void name_node(std::uint32_t node, const std::string& name) {
        const Op op = program_.nodes[node].op;
        if (op == Op::any_of || op == Op::all_of || op == Op::near || op == Op::negate) {
            program_.node_names.try_emplace(node, "$" + name);
        }
    }

    // Points at the second of the clashing parts where the rule writes it: in its query or
    // when:, or at the $name of the list or macro that holds it; else at the query's start.
    void warn_if_never_matches(const RuleDef& rule, std::uint32_t root) {
        const auto found = never_matches(program_, root);
        if (!found) return;
        const auto place = place_of(found->part).value_or(Place{&*rule.query, 0});
        std::string line_text;
        const auto pos = position_in_scalar(*place.src, place.offset, line_text);
        diagnostics_.warning(pos, "rule '" + rule.id.text + "' can never match: " + found->reason,
                             "remove one of the two, or join them with OR", line_text);
    }

    std::optional<Place> place_of(std::uint32_t node) const {
        if (auto it = rule_places_.find(node); it != rule_places_.end()) return it->second;
        for (const auto& [named, place] : rule_names_) {
            std::unordered_set<std::uint32_t> visited;
            if (reaches(named, node, visited, 0)) return place;
        }
        return std::nullopt;
    }

    bool reaches(std::uint32_t from, std::uint32_t target,
                 std::unordered_set<std::uint32_t>& visited, std::size_t depth) const {
        if (from == target) return true;
        if (depth > 4 * kMaxExpansionDepth || !visited.insert(from).second) return false;
        const auto& node = program_.nodes[from];
        if (node.op == Op::term || node.op == Op::regex || node.op == Op::field) return false;
        for (std::uint32_t i = 0; i < node.count; ++i) {
            if (reaches(program_.children[node.first + i], target, visited, depth + 1)) return true;
        }
        return false;
    }

    struct WakeGroup {
        std::uint32_t node = 0;
        std::vector<TermRef> terms;
    };

    // The groups of terms that must all be seen for `index` to match: one per operand of an
    // AND (or NEAR) at the top, nested ANDs flattened; operands that can match without any
    // term (fields, NOT) give none. `provable` stays true only when seeing a proving term of
    // every group proves the whole node (ANDs all the way down to terms and ORs of terms, and
    // NOTs of terms and ORs of terms, whose terms go to `vetoes`: seeing none of them leaves
    // the proof standing).
    void wake_groups(std::uint32_t index, std::vector<WakeGroup>& out, std::vector<TermRef>& vetoes,
                     bool& provable, std::size_t depth) const {
        const auto& node = program_.nodes[index];
        if (depth > 4 * kMaxExpansionDepth) {
            out.clear();
            provable = false;
            return;
        }
        if (node.op == Op::all_of || node.op == Op::near) {
            if (node.op == Op::near) provable = false;
            for (std::uint32_t i = 0; i < node.count; ++i) {
                const std::uint32_t child = program_.children[node.first + i];
                const auto& operand = program_.nodes[child];
                if (node.op == Op::all_of && operand.op == Op::negate &&
                    plain_terms(program_.children[operand.first], vetoes, depth + 1)) {
                    continue;
                }
                wake_groups(child, out, vetoes, provable, depth + 1);
            }
            return;
        }
        WakeGroup group{index, {}};
        if (required_terms(index, group.terms, depth)) {
            out.push_back(std::move(group));
        } else {
            provable = false;
        }
    }

    // Whether `index` is a term, a regex or an OR of them (nested ORs too), added to `out`: then
    // it is true exactly when one of them is seen.
    bool plain_terms(std::uint32_t index, std::vector<TermRef>& out, std::size_t depth) const {
        const auto& node = program_.nodes[index];
        if (depth > 4 * kMaxExpansionDepth) return false;
        if (node.op == Op::term || node.op == Op::regex) {
            out.push_back(TermRef{node.op == Op::regex, node.first});
            return true;
        }
        if (node.op != Op::any_of) return false;
        const std::size_t before = out.size();
        for (std::uint32_t i = 0; i < node.count; ++i) {
            if (!plain_terms(program_.children[node.first + i], out, depth + 1)) {
                out.resize(before);
                return false;
            }
        }
        return true;
    }

    // Seeing `ref` proves `index`: it is that term, or an OR with that term among its operands.
    bool proves(std::uint32_t index, const TermRef& ref) const {
        const auto is_ref = [&](std::uint32_t node) {
            const auto& n = program_.nodes[node];
            return n.op == (ref.regex ? Op::regex : Op::term) && n.first == ref.id;
        };
        if (is_ref(index)) return true;
        const auto& node = program_.nodes[index];
        if (node.op != Op::any_of) return false;
        for (std::uint32_t i = 0; i < node.count; ++i) {
            if (is_ref(program_.children[node.first + i])) return true;
        }
        return false;
    }

    // A set of terms of which at least one must be seen for `index` to match; false when the
    // node can match without any term (fields, NOT).
    bool required_terms(std::uint32_t index, std::vector<TermRef>& out, std::size_t depth) const {
        const auto& node = program_.nodes[index];
        if (depth > 4 * kMaxExpansionDepth) return false;
        switch (node.op) {
            case Op::term:
                out.push_back(TermRef{false, node.first});
                return true;
            case Op::regex:
                out.push_back(TermRef{true, node.first});
                return true;
            case Op::exact_case:  // its folded term must be seen; seeing it proves nothing
                return required_terms(program_.children[node.first], out, depth + 1);
            case Op::field:
            case Op::negate:
                return false;
            case Op::any_of:
                for (std::uint32_t i = 0; i < node.count; ++i) {
                    if (!required_terms(program_.children[node.first + i], out, depth + 1)) {
                        return false;
                    }
                }
                return true;
            case Op::all_of:
            case Op::near: {
                std::optional<std::vector<TermRef>> best;
                for (std::uint32_t i = 0; i < node.count; ++i) {
                    std::vector<TermRef> candidate;
                    if (required_terms(program_.children[node.first + i], candidate, depth + 1) &&
                        (!best || candidate.size() < best->size())) {
                        best = std::move(candidate);
                    }
                }
                if (!best) return false;
                out.insert(out.end(), best->begin(), best->end());
                return true;
            }
        }
        return false;
    }

    const std::vector<std::unique_ptr<RuleFile>>& files_;
    Diagnostics& diagnostics_;
    RuleProgram program_;
    std::map<std::string, ListEntry> lists_;
    std::map<std::string, MacroEntry> macros_;
    std::vector<std::string> stack_;
    std::unordered_map<std::string, std::uint32_t> term_ids_;
    std::vector<std::uint32_t> term_nodes_;
    std::unordered_map<std::string, std::uint32_t> regex_nodes_;
    std::unordered_map<std::string, std::uint32_t> exact_case_nodes_;
    std::unordered_map<std::string, const TextRef*> rule_ids_;
    std::set<std::pair<const TextRef*, std::size_t>> common_words_warned_;
    // The rule being compiled: its query and when:, where each of its compiled nodes first
    // appears in them, and the $lists and $macros they name, in order.
    const TextRef* rule_query_ = nullptr;
    const TextRef* rule_when_ = nullptr;
    std::unordered_map<std::uint32_t, Place> rule_places_;
    std::vector<std::pair<std::uint32_t, Place>> rule_names_;
};

}  // namespace

std::optional<compiled::RuleProgram> compile_program(
    const std::vector<std::unique_ptr<RuleFile>>& files, Diagnostics& diagnostics) {
    return Compiler(files, diagnostics).run();
}

}  // namespace spreekbuis::rules
