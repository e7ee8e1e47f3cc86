#include "rules/rule_file.hpp"

#include <algorithm>

namespace spreekbuis::rules {

namespace {

SourcePos fallback_position(const TextRef& ref, std::string& line_text) {
    auto pos = position_of(*ref.document, ref.node);
    line_text = std::string(line_of(ref.document->text, pos.line));
    return pos;
}

SourcePos block_scalar_position(const TextRef& ref, std::size_t offset, std::string& line_text) {
    const auto& source = ref.document->text;
    const auto mark = ref.node.Mark();
    const auto& value = ref.text;
    int lines_before = 0;
    std::size_t line_start = 0;
    for (std::size_t i = 0; i < offset && i < value.size(); ++i) {
        if (value[i] == '\n') {
            ++lines_before;
            line_start = i + 1;
        }
    }
    const int header_line = mark.line + 1;
    std::size_t indent = 0;
    bool found = false;
    for (int content_line = header_line + 1; content_line <= header_line + 200; ++content_line) {
        const auto text = line_of(source, content_line);
        const auto first = text.find_first_not_of(' ');
        if (first != std::string_view::npos) {
            indent = first;
            found = true;
            break;
        }
    }
    if (!found) return fallback_position(ref, line_text);
    // Leading blank lines of a literal block are part of the value as "\n".
    const int line = header_line + 1 + lines_before;
    const std::size_t column = indent + (offset - line_start);
    const auto text = line_of(source, line);
    if (offset < value.size() && value[offset] != '\n' &&
        (column >= text.size() || text[column] != value[offset])) {
        return fallback_position(ref, line_text);
    }
    line_text = std::string(text);
    return SourcePos{ref.document->path, line, static_cast<int>(column) + 1};
}

}  // namespace

SourcePos position_in_scalar(const TextRef& ref, std::size_t offset, std::string& line_text) {
    if (!ref.document) return SourcePos{};
    const auto mark = ref.node.Mark();
    const auto& source = ref.document->text;
    if (mark.is_null() || mark.pos < 0 || static_cast<std::size_t>(mark.pos) >= source.size()) {
        return fallback_position(ref, line_text);
    }
    auto start = static_cast<std::size_t>(mark.pos);
    const char first = source[start];
    if (first == '|' || first == '>') return block_scalar_position(ref, offset, line_text);
    if (first == '"' || first == '\'') ++start;
    const auto& value = ref.text;
    const std::size_t check = std::min(offset + 1, value.size());
    if (offset > value.size() || start + check > source.size() ||
        source.compare(start, check, value, 0, check) != 0) {
        return fallback_position(ref, line_text);
    }
    const std::size_t target = start + offset;
    int line = mark.line + 1;
    std::size_t line_begin =
        static_cast<std::size_t>(mark.pos) - static_cast<std::size_t>(mark.column);
    for (std::size_t i = static_cast<std::size_t>(mark.pos); i < target; ++i) {
        if (source[i] == '\n') {
            ++line;
            line_begin = i + 1;
        }
    }
    line_text = std::string(line_of(source, line));
    return SourcePos{ref.document->path, line, static_cast<int>(target - line_begin) + 1};
}

void error_in_scalar(const TextRef& ref, std::size_t offset, std::string message,
                     Diagnostics& diagnostics, std::string hint) {
    std::string line_text;
    auto pos = position_in_scalar(ref, offset, line_text);
    diagnostics.error(std::move(pos), std::move(message), std::move(hint), std::move(line_text));
}

namespace {

bool valid_name(const std::string& name) {
    if (name.empty()) return false;
    return std::all_of(name.begin(), name.end(), [](char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
               c == '_' || c == '-' || c == '.';
    });
}

std::optional<TextRef> read_text(const YamlDocument& document, const YAML::Node& node,
                                 Diagnostics& diagnostics) {
    auto text = read_string(document, node, diagnostics);
    if (!text) return std::nullopt;
    return TextRef{&document, node, std::move(*text)};
}

void read_lists(const YamlDocument& document, const YAML::Node& map, const char* what,
                std::vector<ListDef>& out, Diagnostics& diagnostics) {
    if (!map.IsMap()) {
        error_at(document, map, std::string("'") + what + "' must be a map of name: [items]",
                 diagnostics);
        return;
    }
    for (const auto& entry : map) {
        ListDef list;
        list.name = TextRef{&document, entry.first, entry.first.Scalar()};
        if (!valid_name(list.name.text)) {
            error_at(document, entry.first, "bad list name '" + list.name.text + "'", diagnostics,
                     "names use letters, digits, '_', '-' and '.'");
            continue;
        }
        const auto& items = entry.second;
        if (items.IsScalar()) {
            if (auto item = read_text(document, items, diagnostics)) {
                list.items.push_back(std::move(*item));
            }
        } else if (items.IsSequence()) {
            for (const auto& item_node : items) {
                if (auto item = read_text(document, item_node, diagnostics)) {
                    list.items.push_back(std::move(*item));
                }
            }
        } else {
            error_at(document, items, "list '" + list.name.text + "' must be a list of terms",
                     diagnostics, "e.g. luggage: [luggage, baggage, \"hand luggage\"]");
            continue;
        }
        out.push_back(std::move(list));
    }
}

void read_macros(const YamlDocument& document, const YAML::Node& map, RuleFile& file,
                 Diagnostics& diagnostics) {
    if (!map.IsMap()) {
        error_at(document, map, "'macros' must be a map of name: 'query fragment'", diagnostics);
        return;
    }
    for (const auto& entry : map) {
        TextRef name{&document, entry.first, entry.first.Scalar()};
        if (!valid_name(name.text)) {
            error_at(document, entry.first, "bad macro name '" + name.text + "'", diagnostics,
                     "names use letters, digits, '_', '-' and '.'");
            continue;
        }
        auto body = read_text(document, entry.second, diagnostics);
        if (!body) continue;
        file.macros.push_back(MacroDef{std::move(name), std::move(*body)});
    }
}

std::optional<Priority> read_priority(const YamlDocument& document, const YAML::Node& node,
                                      Diagnostics& diagnostics) {
    auto text = read_string(document, node, diagnostics);
    if (!text) return std::nullopt;
    if (auto priority = parse_priority(*text)) return priority;
    std::string hint = "use low, normal, high or urgent";
    if (auto best = closest_match(*text, {"low", "normal", "high", "urgent"}); !best.empty()) {
        hint = "did you mean '" + best + "'? (low, normal, high or urgent)";
    }
    error_at(document, node, "unknown priority '" + *text + "'", diagnostics, hint);
    return std::nullopt;
}

void read_test(const YamlDocument& document, const YAML::Node& node, RuleDef& rule,
               Diagnostics& diagnostics) {
    if (!check_keys(document, node,
                    {"name", "text", "lang", "source", "author", "followers", "verified", "reply",
                     "expect"},
                    "a rule test", diagnostics)) {
        if (!node.IsMap()) return;
    }
    RuleTestDef test;
    test.pos = position_of(document, node);
    test.post.id = "test";
    bool ok = true;
    if (const auto text = node["text"]) {
        if (auto value = read_string(document, text, diagnostics)) {
            test.post.text = *value;
        } else {
            ok = false;
        }
    } else {
        error_at(document, node, "rule test has no 'text'", diagnostics,
                 "add text: \"the post to try\"");
        ok = false;
    }
    test.label = test.post.text;
    if (const auto name = node["name"]) {
        if (auto value = read_string(document, name, diagnostics)) test.label = *value;
    }
    if (const auto lang = node["lang"]) {
        if (auto value = read_string(document, lang, diagnostics)) test.post.lang = *value;
    }
    if (const auto source = node["source"]) {
        if (auto value = read_string(document, source, diagnostics)) test.post.source = *value;
    }
    if (const auto author = node["author"]) {
        if (auto value = read_string(document, author, diagnostics)) {
            test.post.author.handle = *value;
        }
    }
    if (const auto followers = node["followers"]) {
        if (auto value = read_int(document, followers, diagnostics)) {
            test.post.author.followers = *value;
        }
    }
    if (const auto verified = node["verified"]) {
        if (auto value = read_bool(document, verified, diagnostics)) {
            test.post.author.verified = *value;
        }
    }
    if (const auto reply = node["reply"]) {
        if (auto value = read_bool(document, reply, diagnostics); value && *value) {
            test.post.in_reply_to = "test-parent";
        }
    }
    const auto expect = node["expect"];
    if (!expect) {
        error_at(document, node, "rule test has no 'expect'", diagnostics,
                 "add expect: {match: true} or expect: {match: false}");
        ok = false;
    } else if (check_keys(document, expect, {"match", "topic", "priority"}, "'expect'",
                          diagnostics)) {
        if (const auto match = expect["match"]) {
            if (auto value = read_bool(document, match, diagnostics)) {
                test.expect_match = *value;
            } else {
                ok = false;
            }
        } else {
            error_at(document, expect, "'expect' has no 'match'", diagnostics,
                     "add match: true or match: false");
            ok = false;
        }
        if (const auto topic = expect["topic"]) {
            if (auto value = read_string(document, topic, diagnostics)) test.topic = *value;
        }
        if (const auto priority = expect["priority"]) {
            test.priority = read_priority(document, priority, diagnostics);
        }
    } else {
        ok = false;
    }
    if (ok) rule.tests.push_back(std::move(test));
}

void read_rule(const YamlDocument& document, const YAML::Node& node, RuleFile& file,
               Diagnostics& diagnostics) {
    if (!check_keys(
            document, node,
            {"id", "description", "query", "when", "topic", "priority", "tags", "tests", "enabled"},
            "a rule", diagnostics)) {
        if (!node.IsMap()) return;
    }
    RuleDef rule;
    rule.pos = position_of(document, node);
    const auto id = node["id"];
    if (!id) {
        error_at(document, node, "rule has no 'id'", diagnostics,
                 "add id: a-unique-name (letters, digits, '_', '-', '.')");
        return;
    }
    auto id_text = read_text(document, id, diagnostics);
    if (!id_text) return;
    if (!valid_name(id_text->text)) {
        error_at(document, id, "bad rule id '" + id_text->text + "'", diagnostics,
                 "ids use letters, digits, '_', '-' and '.'");
        return;
    }
    rule.id = std::move(*id_text);
    if (const auto description = node["description"]) {
        if (auto value = read_string(document, description, diagnostics)) {
            rule.description = *value;
        }
    }
    if (const auto query = node["query"]) {
        rule.query = read_text(document, query, diagnostics);
    } else {
        error_at(document, node, "rule '" + rule.id.text + "' has no 'query'", diagnostics,
                 "add query: 'terms to look for'");
    }
    if (const auto when = node["when"]) rule.when = read_text(document, when, diagnostics);
    if (const auto topic = node["topic"]) rule.topic = read_string(document, topic, diagnostics);
    if (const auto priority = node["priority"]) {
        rule.priority = read_priority(document, priority, diagnostics);
    }
    if (const auto tags = node["tags"]) {
        if (auto values = read_string_list(document, tags, diagnostics)) rule.tags = *values;
    }
    if (const auto enabled = node["enabled"]) {
        if (auto value = read_bool(document, enabled, diagnostics)) rule.enabled = *value;
    }
    if (const auto tests = node["tests"]) {
        if (!tests.IsSequence()) {
            error_at(document, tests, "'tests' must be a list", diagnostics,
                     "tests:\n      - text: \"...\"\n        expect: {match: true}");
        } else {
            for (const auto& test : tests) read_test(document, test, rule, diagnostics);
        }
    }
    file.rules.push_back(std::move(rule));
}

}  // namespace

void read_rule_file(RuleFile& file, Diagnostics& diagnostics) {
    const auto& document = file.document;
    const auto& root = document.root;
    if (!root || root.IsNull()) return;
    if (!check_keys(document, root, {"lists", "extend_lists", "macros", "rules", "disable_rules"},
                    "a rule file", diagnostics)) {
        if (!root.IsMap()) return;
    }
    if (const auto lists = root["lists"]) {
        read_lists(document, lists, "lists", file.lists, diagnostics);
    }
    if (const auto extend = root["extend_lists"]) {
        read_lists(document, extend, "extend_lists", file.extend_lists, diagnostics);
    }
    if (const auto macros = root["macros"]) read_macros(document, macros, file, diagnostics);
    if (const auto disable = root["disable_rules"]) {
        if (!disable.IsSequence()) {
            error_at(document, disable, "'disable_rules' must be a list of rule ids", diagnostics,
                     "disable_rules: [rule-id, other-rule-id]");
        } else {
            for (const auto& id : disable) {
                if (auto text = read_text(document, id, diagnostics)) {
                    file.disable_rules.push_back(std::move(*text));
                }
            }
        }
    }
    if (const auto rules = root["rules"]) {
        if (!rules.IsSequence()) {
            error_at(document, rules, "'rules' must be a list of rules", diagnostics,
                     "rules:\n      - id: my-rule\n        query: 'refund'");
        } else {
            for (const auto& rule : rules) read_rule(document, rule, file, diagnostics);
        }
    }
}

}  // namespace spreekbuis::rules
