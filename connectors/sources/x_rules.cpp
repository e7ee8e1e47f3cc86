#include "connectors/sources/x_rules.hpp"

#include <map>

#include "connectors/json_writer.hpp"
#include "connectors/sources/source_support.hpp"

namespace spreekbuis::connectors::sources {

namespace dom = simdjson::dom;

XRulesPlan plan_x_rules(const std::vector<XRule>& on_x, const std::vector<XRule>& configured,
                        XRulesMode mode) {
    std::map<std::string_view, const XRule*> wanted;  // value -> configured rule
    for (const auto& rule : configured) wanted.emplace(rule.value, &rule);
    std::map<std::string_view, bool> held;  // configured values X holds with the right tag
    XRulesPlan plan;
    for (const auto& rule : on_x) {
        const auto it = wanted.find(rule.value);
        if (it != wanted.end() && it->second->tag == rule.tag && !held[rule.value]) {
            held[rule.value] = true;
            ++plan.kept;
        } else if (it != wanted.end() || mode == XRulesMode::sync) {
            // Ours with another tag (or a second copy), or not ours in sync mode.
            plan.delete_ids.push_back(rule.id);
        } else {
            ++plan.left_alone;
        }
    }
    for (const auto& rule : configured) {
        if (!held[rule.value]) {
            plan.add.push_back(rule);
            held[rule.value] = true;  // a repeated value is added once
        }
    }
    return plan;
}

namespace {

bool read_rule(dom::object object, XRule& rule) {
    std::string_view id;
    std::string_view value;
    std::string_view tag;
    if (string_field(object, "id", id) != Field::ok || id.empty()) return false;
    if (string_field(object, "value", value) != Field::ok) return false;
    const Field tag_field = string_field(object, "tag", tag);
    if (tag_field == Field::wrong) return false;
    rule.id = std::string(id);
    rule.value = std::string(value);
    rule.tag = tag_field == Field::ok ? std::string(tag) : std::string();
    return true;
}

std::optional<dom::object> parse_object(std::string_view body, std::string& error) {
    dom::element root;
    bool repaired = false;
    if (const auto code = parse_json(body, root, repaired); code != simdjson::SUCCESS) {
        error = std::string("not JSON: ") + simdjson::error_message(code);
        return std::nullopt;
    }
    dom::object object;
    if (root.get_object().get(object) != simdjson::SUCCESS) {
        error = "not a JSON object";
        return std::nullopt;
    }
    return object;
}

std::string problem_text(dom::object problem) {
    std::string text;
    std::string_view title;
    if (string_field(problem, "title", title) == Field::ok) text = shown(title, 120);
    dom::array details;
    if (problem.at_key("details").get_array().get(details) == simdjson::SUCCESS) {
        for (dom::element item : details) {
            std::string_view detail;
            if (item.get_string().get(detail) == simdjson::SUCCESS) {
                text += (text.empty() ? "" : ": ") + shown(detail, 300);
            }
        }
    }
    std::string_view detail;
    if (string_field(problem, "detail", detail) == Field::ok) {
        text += (text.empty() ? "" : ": ") + shown(detail, 300);
    }
    return text.empty() ? "refused without a reason" : text;
}

}  // namespace

std::optional<std::vector<XRule>> decode_x_rules_list(std::string_view body, std::string& error) {
    const auto root = parse_object(body, error);
    if (!root) return std::nullopt;
    std::vector<XRule> out;
    dom::element data;
    if (root->at_key("data").get(data) != simdjson::SUCCESS) return out;  // no rules
    dom::array rules;
    if (data.get_array().get(rules) != simdjson::SUCCESS) {
        error = "'data' is not an array";
        return std::nullopt;
    }
    for (dom::element item : rules) {
        dom::object object;
        XRule rule;
        if (item.get_object().get(object) != simdjson::SUCCESS || !read_rule(object, rule)) {
            error = "a rule without a string id and value";
            return std::nullopt;
        }
        out.push_back(std::move(rule));
    }
    return out;
}

std::string encode_x_rules_add(const std::vector<XRule>& rules) {
    JsonWriter json;
    json.begin_object().key("add").begin_array();
    for (const auto& rule : rules) {
        json.begin_object().field("value", rule.value);
        if (!rule.tag.empty()) json.field("tag", rule.tag);
        json.end_object();
    }
    json.end_array().end_object();
    return json.take();
}

std::string encode_x_rules_delete(const std::vector<std::string>& ids) {
    JsonWriter json;
    json.begin_object().key("delete").begin_object().key("ids").string_array(ids);
    json.end_object().end_object();
    return json.take();
}

std::optional<XRulesChange> decode_x_rules_change(std::string_view body, std::string& error) {
    const auto root = parse_object(body, error);
    if (!root) return std::nullopt;
    XRulesChange change;
    dom::array data;
    if (root->at_key("data").get_array().get(data) == simdjson::SUCCESS) {
        for (dom::element item : data) {
            dom::object object;
            XRule rule;
            if (item.get_object().get(object) == simdjson::SUCCESS && read_rule(object, rule)) {
                change.created.push_back(std::move(rule));
            }
        }
    }
    dom::object summary;
    if (root->at_key("meta").at_key("summary").get_object().get(summary) == simdjson::SUCCESS) {
        std::int64_t deleted = 0;
        if (summary.at_key("deleted").get_int64().get(deleted) == simdjson::SUCCESS &&
            deleted > 0) {
            change.deleted = static_cast<std::size_t>(deleted);
        }
    }
    dom::array errors;
    if (root->at_key("errors").get_array().get(errors) == simdjson::SUCCESS) {
        for (dom::element item : errors) {
            dom::object problem;
            if (item.get_object().get(problem) != simdjson::SUCCESS) continue;
            XRulesChange::Refusal refusal;
            std::string_view value;
            if (string_field(problem, "value", value) == Field::ok)
                refusal.value = valid_utf8(value);
            refusal.why = problem_text(problem);
            change.refused.push_back(std::move(refusal));
        }
    }
    return change;
}

std::string x_rules_target(std::string_view stream_target) {
    const std::size_t query = stream_target.find('?');
    std::string path(stream_target.substr(0, query));
    while (path.size() > 1 && path.back() == '/') path.pop_back();
    return path + "/rules";
}

}  // namespace spreekbuis::connectors::sources
