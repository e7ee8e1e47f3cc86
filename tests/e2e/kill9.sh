#!/usr/bin/env bash
# kill -9 test: the daemon decides the demo feed and delivers alerts to a local webhook receiver;
# it is killed with SIGKILL twice mid-delivery and restarted. Every alert in the outbox must
# arrive, at least once (docs/alerts.md, "At-least-once"): a kill between the receiver's answer
# and the outbox update sends that one alert again, with the same webhook-id. The webhook sink
# has one request in flight, so each kill can repeat at most one alert. The restarted daemon
# must resume its feed instead of deciding the same posts again. Every case must have its
# alert (they commit together).
set -euo pipefail
binary=$1
source_dir=$(cd "$(dirname "$0")/../.." && pwd)
work=$(mktemp -d)
trap 'kill $(jobs -p) 2>/dev/null || true; rm -rf "$work"' EXIT

source "$source_dir/tests/e2e/lib.sh"
port=$(free_port)
demo_config "$work" "$port"
python3 "$source_dir/tests/e2e/receiver.py" "$port" "$work/received.log" &
touch "$work/received.log"

count() { sqlite3 "$work/state/state.db" "$1" 2>/dev/null || echo 0; }
kills=2
for round in $(seq "$kills"); do
    "$binary" run --config "$work/spreekbuis.yaml" >"$work/run$round.out" 2>"$work/run$round.err" &
    pid=$!
    sleep 4
    kill -9 "$pid"
    wait "$pid" 2>/dev/null || true
    echo "round $round: received $(wc -l <"$work/received.log") so far"
done
"$binary" run --config "$work/spreekbuis.yaml" >"$work/run3.out" 2>"$work/run3.err" &
pid=$!
wait_started "$work/run3.err"
total=$(count "SELECT count(*) FROM outbox")
for _ in $(seq 600); do
    pending=$(count "SELECT count(*) FROM outbox WHERE state <> 'sent'")
    [ "$pending" = 0 ] && break
    sleep 0.5
done
stop_daemon "$pid"

received=$(wc -l <"$work/received.log")
unique=$(sort -u "$work/received.log" | wc -l)
sent=$(count "SELECT count(*) FROM outbox WHERE state = 'sent'")
cases=$(count "SELECT count(*) FROM cases")
# Cases and their alerts commit in one transaction: a case without an alert means a kill
# landed between two separate commits.
orphans=$(count "SELECT count(*) FROM cases WHERE id NOT IN
                 (SELECT json_extract(payload, '$.case_id') FROM outbox
                  WHERE json_extract(payload, '$.case_id') IS NOT NULL)")
alerted=$(count "SELECT count(DISTINCT json_extract(payload, '$.case_id')) FROM outbox
                 WHERE json_extract(payload, '$.case_id') <> ''")
echo "outbox alerts: $total, sent: $sent, received: $received, distinct: $unique"
echo "cases: $cases, cases with an alert: $alerted, without: $orphans"
grep -q "resuming after line" "$work/run2.err" || { echo "FAIL: the feed did not resume"; exit 1; }
[ "$total" -gt 50 ] || { echo "FAIL: too few alerts decided ($total)"; exit 1; }
[ "$sent" = "$total" ] || { echo "FAIL: not every alert was delivered"; exit 1; }
[ "$unique" = "$total" ] || { echo "FAIL: $unique distinct alerts received for $total"; exit 1; }
[ $((received - unique)) -le "$kills" ] ||
    { echo "FAIL: $((received - unique)) repeats for $kills kills (at most one each)"; exit 1; }
[ "$cases" -gt 20 ] || { echo "FAIL: too few cases ($cases)"; exit 1; }
[ "$alerted" -gt 20 ] || { echo "FAIL: alerts name no cases ($alerted)"; exit 1; }
[ "$orphans" = 0 ] || { echo "FAIL: $orphans cases have no alert"; exit 1; }
echo "kill -9 test passed"
