#pragma once
// Reads one rule file (YAML) into plain definitions that keep their YAML nodes, so the
// compiler can point errors at the exact character of a query. Loading thread only.
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "rules/diagnostic.hpp"
#include "rules/post.hpp"
#include "rules/verdict.hpp"
#include "rules/yaml_source.hpp"

namespace spreekbuis::rules {

// A scalar of the file: its text and where it is written.
struct TextRef {
    const YamlDocument* document = nullptr;
    YAML::Node node;
    std::string text;
};

// Position of byte `offset` of a scalar's text in its file, and that file's line, for the
// caret display. Exact for plain, quoted and literal block scalars as long as no escape or
// line folding comes before `offset`; otherwise the scalar's first character.
SourcePos position_in_scalar(const TextRef& ref, std::size_t offset, std::string& line_text);
void error_in_scalar(const TextRef& ref, std::size_t offset, std::string message,
                     Diagnostics& diagnostics, std::string hint = {});

struct ListDef {
    TextRef name;
    std::vector<TextRef> items;
};

struct MacroDef {
    TextRef name;
    TextRef body;
};

struct RuleTestDef {
    SourcePos pos;
    std::string label;  // the test's `name`, or its text
    Post post;
    bool expect_match = true;
    std::optional<std::string> topic;
    std::optional<Priority> priority;
};

struct RuleDef {
    TextRef id;
    SourcePos pos;
    std::string description;
    std::optional<TextRef> query;
    std::optional<TextRef> when;
    std::optional<std::string> topic;
    std::optional<Priority> priority;
    std::vector<std::string> tags;
    std::vector<RuleTestDef> tests;
    bool enabled = true;  // `enabled: false`: checked like any rule, then left out
};

struct RuleFile {
    YamlDocument document;
    std::vector<ListDef> lists;
    std::vector<ListDef> extend_lists;
    std::vector<MacroDef> macros;
    std::vector<RuleDef> rules;
    std::vector<TextRef> disable_rules;  // ids of rules of any file to leave out
};

// Fills `file` from `file.document` (which must already be parsed); reports every problem of
// structure (unknown keys, wrong types, missing fields) and keeps what is usable.
void read_rule_file(RuleFile& file, Diagnostics& diagnostics);

}  // namespace spreekbuis::rules
