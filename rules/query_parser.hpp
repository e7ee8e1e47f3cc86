#pragma once
// Parses one query into a syntax tree, checking fields and their values. Does not resolve
// $names (that needs the lists and macros of every file; see query_compiler.hpp). Pure; any
// thread.
#include <string_view>
#include <vector>

#include "rules/query_ast.hpp"

namespace spreekbuis::rules::query {

// Stops at the first syntax error of the query; field errors are all reported.
ParseResult parse_query(std::string_view text);

// The field names the language knows, for did-you-mean hints and documentation.
const std::vector<std::string>& field_names();

}  // namespace spreekbuis::rules::query
