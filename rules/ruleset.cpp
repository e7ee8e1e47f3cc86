#include "rules/ruleset.hpp"

#include <algorithm>
#include <tuple>

#include "rules/compiled_ruleset.hpp"
#include "rules/query_compiler.hpp"
#include "rules/rule_file.hpp"
#include "rules/ruleset_options.hpp"

namespace spreekbuis::rules {

namespace {

RuleLoadResult compile_files(std::vector<std::unique_ptr<RuleFile>> files, bool all_read,
                             const std::string& label, const RuleSetOptions& options,
                             Diagnostics diagnostics) {
    RuleLoadResult result;
    for (auto& file : files) read_rule_file(*file, diagnostics);
    auto program = compile_program(files, diagnostics);
    if (all_read && program && !diagnostics.has_errors()) {
        result.rules = CompiledRuleSet::build(std::move(*program), options, label, diagnostics);
    }
    if (diagnostics.has_errors()) result.rules = nullptr;
    // Reader and compiler report in passes; people read errors in file order.
    std::vector<std::string> order;
    for (const auto& file : files) order.push_back(file->document.path);
    auto items = diagnostics.items();
    const auto rank = [&](const Diagnostic& d) {
        const auto it = std::find(order.begin(), order.end(), d.pos.file);
        return std::make_tuple(it - order.begin(), d.pos.line, d.pos.column);
    };
    std::stable_sort(items.begin(), items.end(),
                     [&](const auto& a, const auto& b) { return rank(a) < rank(b); });
    for (auto& item : items) result.diagnostics.add(std::move(item));
    return result;
}

}  // namespace

RuleLoadResult load_rule_files(const std::vector<std::string>& paths,
                               const RuleSetOptions& options) {
    Diagnostics diagnostics;
    std::vector<std::unique_ptr<RuleFile>> files;
    bool all_read = true;
    for (const auto& path : paths) {
        auto document = load_yaml_file(path, diagnostics);
        if (!document) {
            all_read = false;
            continue;
        }
        auto file = std::make_unique<RuleFile>();
        file->document = std::move(*document);
        files.push_back(std::move(file));
    }
    return compile_files(std::move(files), all_read, paths.empty() ? "" : paths.front(), options,
                         std::move(diagnostics));
}

RuleLoadResult load_rule_text(const std::string& label, const std::string& text,
                              const RuleSetOptions& options) {
    Diagnostics diagnostics;
    std::vector<std::unique_ptr<RuleFile>> files;
    auto document = load_yaml_text(label, text, diagnostics);
    const bool read = document.has_value();
    if (document) {
        auto file = std::make_unique<RuleFile>();
        file->document = std::move(*document);
        files.push_back(std::move(file));
    }
    return compile_files(std::move(files), read, label, options, std::move(diagnostics));
}

RuleLoadResult load_rule_files(const std::vector<std::string>& paths) {
    return load_rule_files(paths, RuleSetOptions{});
}

RuleLoadResult load_rule_text(const std::string& label, const std::string& text) {
    return load_rule_text(label, text, RuleSetOptions{});
}

std::optional<RuleSetStats> stats_of(const RuleSet& rules) {
    if (const auto* compiled = dynamic_cast<const CompiledRuleSet*>(&rules)) {
        return compiled->stats();
    }
    return std::nullopt;
}

void RuleSet::evaluate_all(std::span<const Post* const> posts, std::vector<Verdict>& out) const {
    out.reserve(out.size() + posts.size());
    for (const Post* post : posts) out.push_back(evaluate(*post));
}

}  // namespace spreekbuis::rules
