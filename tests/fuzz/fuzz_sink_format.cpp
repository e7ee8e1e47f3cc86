// Fuzzes what the delivery path does with bytes it did not write: an outbox payload parsed back
// into an Alert and formatted for every service (every body must stay valid JSON), operator
// templates, and every service's response classifier.
#include <simdjson.h>

#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "connectors/sinks/alert_json.hpp"
#include "connectors/sinks/classify.hpp"
#include "connectors/sinks/message_template.hpp"
#include "connectors/sinks/sink.hpp"

using namespace spreekbuis::connectors;
using namespace spreekbuis::connectors::sinks;

namespace {

constexpr Service kServices[] = {Service::slack_webhook, Service::slack_api, Service::mattermost,
                                 Service::teams,         Service::discord,   Service::matrix,
                                 Service::telegram,      Service::webhook};

SinkSettings settings_for(Service service, std::string_view tmpl) {
    SinkSettings s;
    s.name = "fuzz";
    s.service = service;
    s.url = "https://example.com/hook";
    s.token = "t";
    s.secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
    s.default_destination = "C1";
    s.message_template = std::string(tmpl);
    s.actions.base_url = "https://spreekbuis.example.com";
    s.actions.secret = "k";
    return s;
}

void require_json(const std::string& body) {
    simdjson::dom::parser parser;
    simdjson::dom::element root;
    if (parser.parse(body).get(root) != simdjson::SUCCESS) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view input(reinterpret_cast<const char*>(data), size);
    if (auto alert = alert_from_json(input)) {
        for (const Service service : kServices) {
            require_json(format_request(*alert, settings_for(service, ""), 0).body);
            require_json(
                format_request(*alert, settings_for(service, "{{text}} {{author}}"), 0).body);
        }
        (void)format_console(*alert);
        if (alert_to_json(*alert) != alert_to_json(*alert_from_json(alert_to_json(*alert)))) {
            std::abort();
        }
    }
    Alert sample;
    sample.id = "x";
    sample.case_id = "c";
    sample.post.text = std::string(input.substr(0, 512));
    if (!validate_template(input)) {
        for (const Service service : kServices) {
            require_json(format_request(sample, settings_for(service, input), 0).body);
        }
    }
    const Headers headers = {{"Retry-After", std::string(input.substr(0, 40))},
                             {"X-RateLimit-Remaining", "0"},
                             {"X-RateLimit-Reset-After", std::string(input.substr(0, 8))}};
    for (const Service service : kServices) {
        for (const int status : {200, 400, 401, 404, 429, 500}) {
            (void)classify_response(service, status, headers, input, 0);
        }
    }
    return 0;
}
