#pragma once
// The desk's state on /metrics (Prometheus text): open cases per team and status, SLA
// warnings and breaches, the oldest unanswered case, each person's load and availability, and
// the router's totals. Pure: formats a snapshot the router took on its thread.
#include <string>

#include "daemon/routing/router.hpp"

namespace spreekbuis::daemon {

std::string case_metrics_text(const routing::CaseGauges& gauges);

}  // namespace spreekbuis::daemon
