#include "daemon/http_api/desk_queries.hpp"

namespace spreekbuis::daemon::http_api {

namespace {

void add_name(const routing::Router& router, const std::string& person_id,
              CaseQueryResult& result) {
    if (person_id.empty()) return;
    if (const auto* person = router.directory().person(person_id)) {
        result.names[person_id] = person->name;
    }
}

}  // namespace

CaseQueryResult query_cases(const routing::Router& router, const routing::CaseQuery& query) {
    CaseQueryResult result;
    result.now_ms = router.now_ms();
    if (query.customer.empty()) {
        result.selection = router.list_cases(query);
    } else {
        auto selection = router.list_customer_cases(query);
        if (!selection) {
            result.status = 500;
            result.message = "the customer's cases could not be read";
            return result;
        }
        result.selection = std::move(*selection);
        result.last_helper = router.last_helper(query.customer);
        if (result.last_helper) add_name(router, result.last_helper->first, result);
    }
    for (const auto& item : result.selection.cases) add_name(router, item.assignee, result);
    return result;
}

CaseQueryResult query_case(const routing::Router& router, const std::string& case_id) {
    CaseQueryResult result;
    result.now_ms = router.now_ms();
    result.item = router.find_case(case_id);
    if (!result.item) {
        result.status = 404;
        result.message = "no case " + case_id.substr(0, 128);
        return result;
    }
    result.audit = router.audit_trail(case_id);
    add_name(router, result.item->assignee, result);
    return result;
}

}  // namespace spreekbuis::daemon::http_api
