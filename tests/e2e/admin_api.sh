#!/usr/bin/env bash
# Admin API end to end, through `run`: a silence set over the API is stored in state.db, still
# active after a restart and applied to the alerts (no alert of the silenced topic reaches the
# webhook); a click on an alert's acknowledge link (GET shows a confirmation, POST acts) changes
# the case in state.db; the case queue lists the open cases and resolves one over the API;
# alerts the webhook refused are listed as dead letters and, requeued,
# delivered; the silence can be removed again. Auth mistakes are refused.
set -euo pipefail
binary=$1
source_dir=$(cd "$(dirname "$0")/../.." && pwd)
work=$(mktemp -d)
trap 'kill $(jobs -p) 2>/dev/null || true; rm -rf "$work"' EXIT
fail() { echo "FAIL: $*"; exit 1; }

source "$source_dir/tests/e2e/lib.sh"
hook_port=$(free_port)
api_port=$(free_port)
token=e2e-admin-token-0123456789abcdef
demo_config "$work" "$hook_port"
: >"$work/empty.jsonl"
python3 - "$work/spreekbuis.yaml" "$api_port" "$token" <<'PY'
import re, sys
path, api_port, token = sys.argv[1:]
text = open(path).read()
text = text.replace("path: feed.jsonl", "path: ${env:E2E_FEED}")
text = re.sub(r"(?m)^http:.*\n(  .*\n)*", "", text)
text += (f"\nhttp:\n  listen: 127.0.0.1:{api_port}\n"
         "  secret: e2e-action-link-secret-0123456789\n"
         f"  admin_token: {token}\n")
open(path, "w").write(text)
PY
python3 "$source_dir/tests/e2e/receiver.py" "$hook_port" "$work/ids.log" "$work/bodies.log" \
    "$work/refuse" &
api=http://127.0.0.1:$api_port
status() { curl -s -o "$work/reply" -w '%{http_code}' "$@"; }
wait_api() {
    for _ in $(seq 100); do
        [ "$(status "$api/healthz")" = 200 ] && return 0
        sleep 0.1
    done
    fail "the admin API did not come up"
}

# 1. An empty feed: set the silence.
E2E_FEED=empty.jsonl "$binary" run --config "$work/spreekbuis.yaml" >"$work/run1.out" 2>"$work/run1.err" &
pid=$!
wait_started "$work/run1.err"
wait_api
[ "$(status "$api/api/v1/silences")" = 401 ] || fail "no token must be refused"
[ "$(status -H "Authorization: Bearer wrong-token-0123456789abcdef" "$api/api/v1/silences")" = 401 ] \
    || fail "a wrong token must be refused"
[ "$(status -X POST -H "Authorization: Bearer $token" -H 'content-type: application/json' \
    -d '{"topic": "baggage", "duraton": "2h", "reason": "e2e"}' "$api/api/v1/silences")" = 400 ] \
    || fail "a misspelt field must be refused"
grep -q "duraton" "$work/reply" || fail "the error must name the field: $(cat "$work/reply")"
[ "$(status -X POST -H "Authorization: Bearer $token" -H 'content-type: application/json' \
    -d '{"id": "e2e-bag", "topic": "baggage", "duration": "2h", "reason": "known outage"}' \
    "$api/api/v1/silences")" = 201 ] || fail "silence not created: $(cat "$work/reply")"
stop_daemon "$pid"
echo "silence set"

# 2. The demo feed after a restart: the stored silence holds back every baggage alert, and the
# webhook refuses every disruption alert for now (they become dead letters).
printf '"topic":"disruption"' >"$work/refuse"
E2E_FEED=feed.jsonl "$binary" run --config "$work/spreekbuis.yaml" >"$work/run2.out" 2>"$work/run2.err" &
pid=$!
wait_started "$work/run2.err"
wait_api
[ "$(status -H "Authorization: Bearer $token" "$api/api/v1/silences")" = 200 ] || fail "list"
grep -q '"e2e-bag"' "$work/reply" || fail "the silence did not survive the restart: $(cat "$work/reply")"
for _ in $(seq 300); do
    silenced=$(curl -s "$api/metrics" | awk '/^spreekbuis_alerts_silenced_total/ {print $2}')
    sent=$(curl -s "$api/metrics" | awk '/^spreekbuis_alerts_sent_total/ {s += $2} END {print s + 0}')
    [ "${silenced:-0}" -gt 0 ] && [ "$sent" -gt 20 ] && break
    sleep 0.2
done
echo "silenced: ${silenced:-0}, sent: $sent"
[ "${silenced:-0}" -gt 0 ] || fail "nothing was silenced"
# Every loaded rule has a match counter, and the feed's posts moved some of them.
curl -s "$api/metrics" >"$work/metrics"
rule_counters=$(grep -c '^spreekbuis_rule_matches_total{rule="' "$work/metrics" || true)
rule_matches=$(awk '/^spreekbuis_rule_matches_total\{/ {s += $2} END {print s + 0}' "$work/metrics")
echo "rule counters: $rule_counters, matches: $rule_matches"
[ "$rule_counters" -gt 10 ] || fail "no per-rule counters in /metrics"
[ "$rule_matches" -gt 20 ] || fail "the per-rule counters did not count the feed's matches"
python3 - "$work/bodies.log" <<'PY' || fail "an alert about baggage was delivered"
import json, sys
topics = [json.loads(line)["data"].get("topic") for line in open(sys.argv[1])]
sys.exit(1 if "baggage" in topics else 0)
PY

# 3. Acknowledge a case from its alert's link.
link=$(python3 - "$work/bodies.log" <<'PY'
import json, sys
for line in open(sys.argv[1]):
    body = json.loads(line)
    if body["data"].get("kind") == "new_case" and body.get("links", {}).get("acknowledge"):
        print(body["links"]["acknowledge"])
        break
PY
)
[ -n "$link" ] || fail "no new-case alert with an acknowledge link"
case_id=$(echo "$link" | sed -E 's#.*/cases/([^/]+)/ack.*#\1#')
[ "$(status "$link")" = 200 ] || fail "GET of the link: $(cat "$work/reply")"
grep -q "<form" "$work/reply" || fail "GET must only show a confirmation"
before=$(sqlite3 "$work/state/state.db" "SELECT status FROM cases WHERE id = '$case_id'")
[ "$(status -X POST "$link")" = 200 ] || fail "POST of the link: $(cat "$work/reply")"
after=$(sqlite3 "$work/state/state.db" "SELECT status FROM cases WHERE id = '$case_id'")
echo "case $case_id: $before -> $after"
[ "$after" = acknowledged ] || fail "the case was not acknowledged"
[ "$(status -X POST "${link/token=/token=x}")" = 403 ] || fail "a forged token must be refused"

# 3b. The case queue: the open cases most urgent first, the acknowledged case with its audit
# trail, and a resolve over the API that reaches state.db.
[ "$(status "$api/api/v1/cases")" = 401 ] || fail "the case queue needs the token"
# (the feed may still be running: compared until the queue and state.db agree)
for attempt in $(seq 50); do
    [ "$(status -H "Authorization: Bearer $token" "$api/api/v1/cases?limit=1000")" = 200 ] \
        || fail "case queue: $(cat "$work/reply")"
    python3 - "$work/reply" "$work/state/state.db" <<'PY' && break
import json, sqlite3, sys
reply = json.load(open(sys.argv[1]))
db = sqlite3.connect(sys.argv[2])
open_ids = {row[0] for row in db.execute("SELECT id FROM cases WHERE status <> 'resolved'")}
listed = [c["id"] for c in reply["cases"]]
print(f"queue: {len(listed)} open cases listed, {len(open_ids)} open in state.db")
assert all(c["status"] != "resolved" for c in reply["cases"])
sys.exit(0 if set(listed) == open_ids and reply["total"] == len(open_ids) else 1)
PY
    [ "$attempt" = 50 ] && fail "the case queue never matched the open cases in state.db"
    sleep 0.2
done
[ "$(status -H "Authorization: Bearer $token" "$api/api/v1/cases/$case_id")" = 200 ] \
    || fail "case: $(cat "$work/reply")"
python3 -c 'import json,sys
c = json.load(open(sys.argv[1]))
assert c["case"]["status"] == "acknowledged", c
assert c["audit"][-1]["actor"] == "chat", c["audit"]' "$work/reply" \
    || fail "the case does not show the chat acknowledgement: $(cat "$work/reply")"
[ "$(status -X POST -H "Authorization: Bearer $token" -d '{"by": "e2e", "note": "done by e2e"}' \
    "$api/api/v1/cases/$case_id/resolve")" = 200 ] || fail "resolve: $(cat "$work/reply")"
after=$(sqlite3 "$work/state/state.db" "SELECT status FROM cases WHERE id = '$case_id'")
actor=$(sqlite3 "$work/state/state.db" \
    "SELECT actor FROM audit WHERE case_id = '$case_id' ORDER BY seq DESC LIMIT 1")
echo "case $case_id over the API: $after by $actor"
[ "$after" = resolved ] && [ "$actor" = api:e2e ] || fail "the API resolve did not reach state.db"
[ "$(status -H "Authorization: Bearer $token" "$api/api/v1/cases?stauts=open")" = 400 ] \
    || fail "a misspelt filter must be refused"
# A reassignment over the API tells the new holder (a new-case alert through the webhook).
status -H "Authorization: Bearer $token" "$api/api/v1/cases?limit=1000" >/dev/null
read -r moved_case new_holder < <(python3 - "$work/reply" "$work/people.yaml" <<'PY'
import json, re, sys
cases = json.load(open(sys.argv[1]))["cases"]
text = open(sys.argv[2]).read()
people = re.findall(r"(?m)^  - id: (\S+)", text[text.index("\npeople:"):text.index("\nteams:")])
# Not baggage (silenced) nor disruption (refused by the webhook in this run).
for c in cases:
    if c["topic"] not in ("baggage", "disruption") and c["assignee"]:
        print(c["id"], next(p for p in people if p != c["assignee"]))
        break
PY
)
[ -n "$moved_case" ] || fail "no open case to reassign"
[ "$(status -X POST -H "Authorization: Bearer $token" -d "{\"to\": \"$new_holder\", \"by\": \"e2e\"}" \
    "$api/api/v1/cases/$moved_case/reassign")" = 200 ] || fail "reassign: $(cat "$work/reply")"
for _ in $(seq 100); do
    python3 - "$work/bodies.log" "$moved_case" <<'PY' && break
import json, sys
for line in open(sys.argv[1]):
    data = json.loads(line)["data"]
    if data.get("case_id") == sys.argv[2] and "reassigned by api:e2e" in data.get("why", ""):
        sys.exit(0)
sys.exit(1)
PY
    sleep 0.1
done
python3 - "$work/bodies.log" "$moved_case" <<'PY' || fail "no alert told the new holder of $moved_case"
import json, sys
hits = [json.loads(l)["data"] for l in open(sys.argv[1])]
hits = [d for d in hits if d.get("case_id") == sys.argv[2] and "reassigned by api:e2e" in d.get("why", "")]
print(f"reassigned {sys.argv[2]}: alert to {hits[0]['recipient']} ({hits[0]['kind']})")
sys.exit(0 if hits and hits[0]["kind"] == "new_case" else 1)
PY
[ "$(status -H "Authorization: Bearer $token" "$api/api/v1/people")" = 200 ] \
    || fail "people: $(cat "$work/reply")"
python3 - "$work/reply" "$work/people.yaml" <<'PY' || fail "the people list does not match people.yaml"
import json, re, sys
reply = json.load(open(sys.argv[1]))
text = open(sys.argv[2]).read()
ids = re.findall(r"(?m)^  - id: (\S+)", text[text.index("\npeople:"):text.index("\nteams:")])
listed = [p["id"] for p in reply["people"]]
loaded = sum(p["open_cases"] for p in reply["people"])
print(f"people: {len(listed)} listed, {sum(p['available'] for p in reply['people'])} available, "
      f"{loaded} open cases held")
assert sorted(listed) == sorted(ids), (listed, ids)
assert all(p["available"] == (p["unavailable"] is None) for p in reply["people"])
assert reply["teams"], reply
PY
# The decision log over the API: the newest decisions, then one post's by its id.
[ "$(status -H "Authorization: Bearer $token" "$api/api/v1/decisions?last=5")" = 200 ] \
    || fail "decisions: $(cat "$work/reply")"
post_id=$(python3 -c 'import json,sys
d = json.load(open(sys.argv[1]))["decisions"]
assert len(d) == 5 and all("why" in x["record"] for x in d), d
print(d[-1]["post_id"])' "$work/reply") || fail "the newest decisions: $(cat "$work/reply")"
[ "$(status -G -H "Authorization: Bearer $token" --data-urlencode "post_id=$post_id" \
    "$api/api/v1/decisions")" = 200 ] || fail "decision of $post_id: $(cat "$work/reply")"
logged=$(sqlite3 "$work/state/state.db" "SELECT count(*) FROM decisions WHERE post_id = '$post_id'")
python3 -c 'import json,sys
d = json.load(open(sys.argv[1]))["decisions"]
assert len(d) == int(sys.argv[3]) and all(x["post_id"] == sys.argv[2] for x in d), d' \
    "$work/reply" "$post_id" "$logged" || fail "the decisions of $post_id do not match state.db"
echo "decision of $post_id read over the API ($logged logged)"
# Away by hand: stored in state.db and shown in the people list.
[ "$(status -X POST -H "Authorization: Bearer $token" \
    -d '{"away": true, "duration": "4h", "by": "e2e", "note": "sick"}' \
    "$api/api/v1/people/$new_holder/presence")" = 200 ] || fail "presence: $(cat "$work/reply")"
grep -q '"unavailable":"away (set by e2e until ' "$work/reply" || fail "presence answer: $(cat "$work/reply")"
[ "$(sqlite3 "$work/state/state.db" "SELECT away || ' ' || set_by FROM presence WHERE person = '$new_holder'")" = "1 e2e" ] \
    || fail "the presence was not stored"
[ "$(status -X DELETE -H "Authorization: Bearer $token" "$api/api/v1/people/$new_holder/presence")" = 200 ] \
    || fail "presence delete: $(cat "$work/reply")"
[ "$(sqlite3 "$work/state/state.db" "SELECT count(*) FROM presence")" = 0 ] || fail "the presence was not cleared"
echo "presence of $new_holder set and cleared"

# 4. Dead letters: listed with the service's answer, requeued once the cause is gone, delivered.
auth=(-H "Authorization: Bearer $token")
for _ in $(seq 300); do  # until every alert of the feed was sent or refused
    pending=$(sqlite3 "$work/state/state.db" \
        "SELECT count(*) FROM outbox WHERE sink = 'hook' AND state = 'pending'")
    [ "$pending" = 0 ] && break
    sleep 0.2
done
status "${auth[@]}" "$api/api/v1/dead-letters?sink=hook&limit=1000" >/dev/null
dead=$(python3 -c 'import json,sys; print(len(json.load(open(sys.argv[1]))["dead_letters"]))' \
    "$work/reply")
echo "dead letters: $dead"
[ "$dead" -gt 0 ] || fail "no dead letters although the webhook refused disruption alerts"
# Every dead letter carries the webhook's answer (the reply also holds times with "400" in them).
python3 -c 'import json,sys
letters = json.load(open(sys.argv[1]))["dead_letters"]
sys.exit(not all(d["last_error"].startswith("HTTP 400") for d in letters))' "$work/reply" \
    || fail "the dead letters do not say why: $(cat "$work/reply")"
[ "$(status -X POST "${auth[@]}" "$api/api/v1/dead-letters/requeue")" = 400 ] \
    || fail "a requeue without a sink must be refused"
[ "$(status -X POST "${auth[@]}" "$api/api/v1/dead-letters/requeue?sink=nope")" = 404 ] \
    || fail "an unknown sink must be 404"
rm "$work/refuse"
[ "$(status -X POST "${auth[@]}" "$api/api/v1/dead-letters/requeue?sink=hook")" = 200 ] \
    || fail "requeue: $(cat "$work/reply")"
grep -q "\"requeued\":$dead[,}]" "$work/reply" || fail "requeue answer: $(cat "$work/reply")"
for _ in $(seq 150); do
    pending=$(sqlite3 "$work/state/state.db" \
        "SELECT count(*) FROM outbox WHERE sink = 'hook' AND state <> 'sent'")
    [ "$pending" = 0 ] && break
    sleep 0.2
done
[ "$pending" = 0 ] || fail "$pending requeued alerts were not delivered"
delivered=$(grep -c '"topic":"disruption"' "$work/bodies.log" || true)
echo "disruption alerts delivered after the requeue: $delivered"
[ "$delivered" -ge "$dead" ] || fail "only $delivered of $dead requeued alerts arrived"

# 4b. The desk's gauges on /metrics (taken every 5 s) agree with state.db.
for attempt in $(seq 60); do
    curl -s "$api/metrics" >"$work/metrics"
    gauge=$(awk '/^spreekbuis_cases_open\{/ {s += $2} END {print s + 0}' "$work/metrics")
    open_cases=$(sqlite3 "$work/state/state.db" "SELECT count(*) FROM cases WHERE status <> 'resolved'")
    [ "$gauge" = "$open_cases" ] && grep -q '^spreekbuis_person_available{' "$work/metrics" && break
    [ "$attempt" = 60 ] && fail "spreekbuis_cases_open sums to $gauge, state.db has $open_cases open"
    sleep 0.25
done
echo "case gauges: $gauge open cases, $(awk '/^spreekbuis_cases_overdue\{/ {s += $2} END {print s + 0}' "$work/metrics") overdue"

# 5. Remove the silence.
[ "$(status -X DELETE -H "Authorization: Bearer $token" "$api/api/v1/silences/e2e-bag")" = 204 ] \
    || fail "delete: $(cat "$work/reply")"
[ "$(status -X DELETE -H "Authorization: Bearer $token" "$api/api/v1/silences/e2e-bag")" = 404 ] \
    || fail "a second delete must be 404"
status -H "Authorization: Bearer $token" "$api/api/v1/silences" >/dev/null
grep -q '"e2e-bag"' "$work/reply" && fail "the silence is still listed"
stop_daemon "$pid"
echo "admin API test passed"
