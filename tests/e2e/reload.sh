#!/usr/bin/env bash
# Reloads end to end, through `run`: the file watch rejects a broken rule file (logged, counted
# on /metrics, told to the operators' chat), takes the fix and a new rule file without a signal;
# POST /api/v1/reload answers with the report (422 and the error's position when rejected);
# SIGHUP reloads too, and a changed key that needs a restart is named.
set -euo pipefail
binary=$1
source_dir=$(cd "$(dirname "$0")/../.." && pwd)
work=$(mktemp -d)
trap 'kill $(jobs -p) 2>/dev/null || true; rm -rf "$work"' EXIT
fail() { echo "FAIL: $*"; exit 1; }

source "$source_dir/tests/e2e/lib.sh"
api_port=$(free_port)
token=e2e-reload-token-0123456789abcdef
mkdir -p "$work/rules"
: >"$work/feed.jsonl"
good_rules='rules:
  - id: lost-bag
    query: suitcase OR koffer
    topic: baggage
    tests:
      - text: where is my suitcase
        expect: {match: true, topic: baggage}
'
# Saved as editors do: a new file renamed over the old one.
save() { printf '%s' "$2" >"$work/$1.tmp" && mv "$work/$1.tmp" "$work/$1"; }
save rules/bags.yaml "$good_rules"
cat >"$work/spreekbuis.yaml" <<YAML
log_level: info
state_dir: state
workers: 2
rules: [rules/*.yaml]
reload: {interval: 200ms, alert: {sink: console, address: "#ops"}}
http:
  listen: 127.0.0.1:$api_port
  secret: e2e-action-link-secret-0123456789
  admin_token: $token
sources:
  - {name: feed, type: replay, path: feed.jsonl}
sinks:
  - {name: console, type: console}
YAML
api=http://127.0.0.1:$api_port
status() { curl -s -o "$work/reply" -w '%{http_code}' "$@"; }
metric() { curl -s "$api/metrics" | awk -v name="$1" '$1 == name {print $2}'; }
wait_for() {  # wait_for FILE PATTERN WHAT
    for _ in $(seq 150); do
        grep -q -- "$2" "$1" 2>/dev/null && return 0
        sleep 0.1
    done
    fail "$3 (no '$2' in $1): $(tail -5 "$1")"
}

"$binary" run --config "$work/spreekbuis.yaml" >"$work/out" 2>"$work/err" &
pid=$!
wait_started "$work/err"
for _ in $(seq 100); do [ "$(status "$api/healthz")" = 200 ] && break; sleep 0.1; done
[ "$(metric spreekbuis_config_last_reload_successful)" = 1 ] || fail "start-up counts as loaded"

# 1. A broken rule file: rejected by the watch, the old rules serve, the operators hear of it.
save rules/bags.yaml "${good_rules/suitcase OR koffer/(suitcase OR koffer}"
wait_for "$work/err" "reload (file change) rejected" "the watch did not reject the broken file"
wait_for "$work/out" "\[reload_failed\] Reload rejected (rules): 1 error" "no operator alert"
grep -q "bags.yaml:3:12: unbalanced" "$work/out" || fail "the alert must quote the error: $(cat "$work/out")"
grep -q "#ops\|operators" "$work/out" || fail "the alert must go to the operators"
[ "$(metric spreekbuis_config_last_reload_successful)" = 0 ] || fail "the gauge must say rejected"
[ "$(metric spreekbuis_rule_reload_failures_total)" = 1 ] || fail "one rejected rule reload"
[ "$(metric spreekbuis_reload_notices_total)" = 1 ] || fail "one notice"
sleep 1  # still broken: not tried again at every poll
[ "$(metric spreekbuis_rule_reload_failures_total)" = 1 ] || fail "a broken set must not be retried"
echo "broken file rejected and announced"

# 2. The fix and a new rule file are taken without a signal.
save rules/bags.yaml "$good_rules"
wait_for "$work/err" "reload (file change) accepted: 1 rules" "the fix was not taken"
wait_for "$work/out" "\[reload_recovered\] Reload accepted again: 1 rules" "no all-clear"
[ "$(metric spreekbuis_reload_notices_total)" = 2 ] || fail "the all-clear is a notice too"
save rules/refunds.yaml 'rules:
  - {id: refund, query: refund*, topic: booking}
'
wait_for "$work/err" "reload (file change) accepted: 2 rules (+refund)" "the new rule file was not taken"
[ "$(metric spreekbuis_config_last_reload_successful)" = 1 ] || fail "the gauge must say accepted"
grep -q 'spreekbuis_rule_matches_total{rule="refund"}' <(curl -s "$api/metrics") \
    || fail "the new rule has no match counter"
echo "fix and new file taken"

# 3. The admin API: token required; the report says what happened.
[ "$(status -X POST "$api/api/v1/reload")" = 401 ] || fail "no token must be refused"
[ "$(status -X POST -H "Authorization: Bearer $token" "$api/api/v1/reload")" = 200 ] \
    || fail "reload over the API: $(cat "$work/reply")"
python3 - "$work/reply" <<'PY' || fail "API report: $(cat "$work/reply")"
import json, sys
report = json.load(open(sys.argv[1]))
assert report["ok"] is True and report["trigger"] == "admin API", report
assert report["rules"] == {"reloaded": True, "count": 2, "added": [], "removed": []}, report
PY
save rules/refunds.yaml 'rules:
  - {id: refund, query: refund* AND $money, topic: booking}
'
[ "$(status -X POST -H "Authorization: Bearer $token" "$api/api/v1/reload")" = 422 ] \
    || fail "a broken reload over the API must be 422: $(cat "$work/reply")"
python3 - "$work/reply" <<'PY' || fail "API error report: $(cat "$work/reply")"
import json, sys
report = json.load(open(sys.argv[1]))
assert report["ok"] is False and report["rules"]["reloaded"] is False, report
errors = [d for d in report["diagnostics"] if d["severity"] == "error"]
assert errors and errors[0]["file"].endswith("rules/refunds.yaml"), report
assert errors[0]["line"] == 2 and "money" in errors[0]["message"], report
PY
echo "admin API reload answered"

# 4. SIGHUP; a key that needs a restart is named.
save rules/refunds.yaml 'rules:
  - {id: refund, query: refund*, topic: booking}
'
sed -i 's/^workers: 2/workers: 3/' "$work/spreekbuis.yaml"
kill -HUP "$pid"
wait_for "$work/err" "reload (SIGHUP) accepted: 2 rules; changes to workers take effect after a restart" \
    "SIGHUP did not reload"
echo "SIGHUP reload with a restart notice"

stop_daemon "$pid"
echo "PASS"
