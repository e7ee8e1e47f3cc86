#pragma once
// The router's answers behind the case endpoints, as the admin API shows them: the queue (or
// one customer's history) and one case with its audit trail, with display names. Reads the
// Router only: call on the router's thread (the daemon does, inside a pipeline batch).
#include <string>

#include "daemon/http_api/admin_server.hpp"
#include "daemon/routing/router.hpp"

namespace spreekbuis::daemon::http_api {

CaseQueryResult query_cases(const routing::Router& router, const routing::CaseQuery& query);
CaseQueryResult query_case(const routing::Router& router, const std::string& case_id);

}  // namespace spreekbuis::daemon::http_api
