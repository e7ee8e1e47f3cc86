#pragma once
// The filtered stream's rules kept on X's side from the configuration (`rules:` of an x
// source): what to add and delete so X holds the configured rules, and the JSON of
// GET/POST /2/tweets/search/stream/rules. Pure; the x source does the requests.
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "rules/diagnostic.hpp"

namespace spreekbuis::connectors::sources {

// A configured rule's value is at most this long (Enterprise access; pay-per-use allows 1,024).
inline constexpr std::size_t kMaxXRuleValue = 2048;
inline constexpr std::size_t kPayPerUseXRuleValue = 1024;
inline constexpr std::size_t kPayPerUseXRules = 1000;

struct XRule {
    std::string id;  // X's id; empty for a configured rule
    std::string value;
    std::string tag;       // "" = none
    rules::SourcePos pos;  // where a configured rule was written
};

enum class XRulesMode {
    add,   // add the configured rules that are missing, leave every other rule alone
    sync,  // also delete the rules X holds that are not configured
};

struct XRulesPlan {
    std::vector<std::string> delete_ids;  // first, so a value can be added again with its tag
    std::vector<XRule> add;               // configured rules X does not hold (as written)
    std::size_t kept = 0;                 // configured rules X holds already
    std::size_t left_alone = 0;           // other rules X holds (add mode)
};

// A rule X holds counts as the configured one when value and tag are equal. One with the same
// value and another tag is deleted and added again (a value is unique on X, tags cannot be
// changed in place).
XRulesPlan plan_x_rules(const std::vector<XRule>& on_x, const std::vector<XRule>& configured,
                        XRulesMode mode);

// The body of GET .../rules: {"data": [{"id", "value", "tag"?}], "meta": {...}} ("data" absent
// when X holds none). nullopt with `error` when it is not that.
std::optional<std::vector<XRule>> decode_x_rules_list(std::string_view body, std::string& error);

std::string encode_x_rules_add(const std::vector<XRule>& rules);
std::string encode_x_rules_delete(const std::vector<std::string>& ids);

// What X answered to an add or a delete: the rules it created (with ids), how many it
// deleted, and each refused rule's value with X's reasons.
struct XRulesChange {
    std::vector<XRule> created;
    std::size_t deleted = 0;
    struct Refusal {
        std::string value;  // "" when X did not say which
        std::string why;
    };
    std::vector<Refusal> refused;
};
std::optional<XRulesChange> decode_x_rules_change(std::string_view body, std::string& error);

// The rules endpoint beside a stream URL's path: "/2/tweets/search/stream?x=1" ->
// "/2/tweets/search/stream/rules".
std::string x_rules_target(std::string_view stream_target);

}  // namespace spreekbuis::connectors::sources
