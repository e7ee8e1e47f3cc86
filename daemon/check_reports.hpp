#pragma once
// Machine-readable reports of `check` and `test` for a rule repository's CI and editors:
// diagnostics as one JSON document (file, line, column, severity, message, hint), and the
// embedded rule tests as JUnit XML, which CI systems show as test results. Pure.
#include <cstddef>
#include <string>
#include <vector>

#include "connectors/json_writer.hpp"
#include "rules/diagnostic.hpp"
#include "rules/ruleset.hpp"

namespace spreekbuis::daemon {

struct CheckSummary {
    bool ok = false;  // loaded, and no warnings under --strict
    std::size_t rules = 0;
    std::size_t tests_passed = 0;
    std::size_t tests_skipped = 0;
};

// [{"severity","file","line","column","message","hint","source_line"}, …] as the next value.
void write_diagnostics_json(connectors::JsonWriter& json, const rules::Diagnostics& diagnostics);

// {"ok":…,"errors":N,"warnings":N,"rules":N,"tests_passed":N,"tests_skipped":N,
//  "diagnostics":[{"severity","file","line","column","message","hint","source_line"}]}
std::string check_report_json(const rules::Diagnostics& diagnostics, const CheckSummary& summary);

// One <testsuite> per rule file, one <testcase> per embedded test (classname = rule id), with
// <failure> or <skipped>. Text that XML cannot carry (control characters, broken UTF-8) is
// replaced, so the document always parses.
std::string junit_report(const std::vector<rules::RuleTestOutcome>& outcomes);

}  // namespace spreekbuis::daemon
