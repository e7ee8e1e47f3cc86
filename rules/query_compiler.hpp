#pragma once
// Turns the definitions of all rule files into one RuleProgram: shares lists and macros across
// files, applies extend_lists, expands $names (detecting macro cycles), folds terms with
// normalize(), checks regexes with RE2 and reports every error with its position. Loading
// thread only.
#include <memory>
#include <optional>
#include <vector>

#include "rules/compiled_program.hpp"
#include "rules/diagnostic.hpp"
#include "rules/rule_file.hpp"

namespace spreekbuis::rules {

// nullopt when any error was reported.
std::optional<compiled::RuleProgram> compile_program(
    const std::vector<std::unique_ptr<RuleFile>>& files, Diagnostics& diagnostics);

// Folds one term or phrase the way posts are folded. Exposed for tests.
std::optional<compiled::TermPattern> fold_term(const std::string& text, bool phrase,
                                               std::string& error, std::size_t& error_offset);

}  // namespace spreekbuis::rules
