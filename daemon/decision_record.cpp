#include "daemon/decision_record.hpp"

#include <algorithm>

#include "connectors/json_writer.hpp"

namespace spreekbuis::daemon {

std::string decision_record_json(const rules::Post& post, const rules::Verdict& verdict,
                                 const Assignment& assignment) {
    connectors::JsonWriter json;
    json.begin_object();
    json.key("post_id").value(post.id);
    json.key("matched").value(verdict.matched);
    json.key("complaint").value(verdict.complaint);
    json.key("rules").begin_array();  // the ids as they are, without a vector of copies
    for (const auto id : verdict.rules) json.value(id);
    json.end_array();
    json.key("topic").value(verdict.topic);
    json.key("priority");
    if (const auto priority = assignment.priority ? assignment.priority : verdict.priority) {
        json.value(rules::to_string(*priority));
    } else {
        json.null();
    }
    json.key("sentiment").value(std::clamp(verdict.sentiment, -1.0, 1.0), 4);
    json.key("polarity").value(rules::to_string(verdict.polarity));
    json.key("lang").value(verdict.lang.empty() ? std::string("und") : verdict.lang);
    json.key("team").value(assignment.team);
    json.key("assignee").value(assignment.assignee);
    std::string why = verdict.why;
    if (!assignment.why.empty()) why += why.empty() ? assignment.why : "; " + assignment.why;
    json.key("why").value(why);
    json.end_object();
    return json.take();
}

}  // namespace spreekbuis::daemon
