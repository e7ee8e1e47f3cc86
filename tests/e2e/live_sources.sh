#!/usr/bin/env bash
# Live sources end to end, through `run`: Mastodon streaming, Jetstream and X filtered stream
# sources against a local stand-in (tests/e2e/fake_social.py), and two webhook sources (Standard
# Webhooks and Meta) on the daemon's HTTP server. Their posts are decided and alerted;
# each source's resume point is stored in state.db with the posts' decisions; after a restart
# the Mastodon source fills the gap through the REST timeline from its stored status id and
# the Jetstream source reconnects with its stored time rewound by rewind_seconds. A wrong
# token is refused by the server and counted, not fatal. A webhook delivered twice is decided
# once; a forged one, or a handshake with a wrong verify token, is refused and counted.
set -euo pipefail
binary=$1
source_dir=$(cd "$(dirname "$0")/../.." && pwd)
work=$(mktemp -d)
trap 'kill $(jobs -p) 2>/dev/null || true; rm -rf "$work"' EXIT
fail() { echo "FAIL: $*"; exit 1; }
source "$source_dir/tests/e2e/lib.sh"

port=$(free_port)
api_port=$(free_port)
mkdir -p "$work/rules"
cat >"$work/rules/bags.yaml" <<'YAML'
rules:
  - id: lost-bag
    query: 'suitcase'
    topic: baggage
    tests:
      - text: 'where is my suitcase'
        expect: {match: true, topic: baggage}
YAML
cat >"$work/spreekbuis.yaml" <<YAML
log_level: info
state_dir: state
workers: 1
rules: [rules/*.yaml]
sources:
  - name: masto
    type: mastodon
    url: http://127.0.0.1:$port
    token: \${env:E2E_TOKEN}
  - name: sky
    type: jetstream
    url: ws://127.0.0.1:$port/subscribe
    rewind_seconds: 5
  - name: tweets
    type: x
    url: http://127.0.0.1:$port/2/tweets/search/stream
    bearer_token: e2e-x-token
  - name: forms
    type: webhook
    format: standard
    secret: whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw
  - name: facebook
    type: webhook
    format: meta
    secret: meta-app-secret-0123456789
    verify_token: e2e-verify
sinks:
  - {name: console, type: console}
http:
  listen: 127.0.0.1:$api_port
  secret: e2e-action-link-secret-0123456789
YAML
E2E_TOKEN=e2e-token "$binary" check --config "$work/spreekbuis.yaml" >/dev/null || fail "check refused the sources"

echo 1 >"$work/phase"
python3 "$source_dir/tests/e2e/fake_social.py" "$port" "$work" &
for _ in $(seq 100); do
    (echo >/dev/tcp/127.0.0.1/$port) 2>/dev/null && break
    sleep 0.1
done

# wait_for FILE WORD...: until every word is in FILE (at most 30 s).
wait_for() {
    local file=$1
    shift
    for _ in $(seq 300); do
        local missing=0
        for word in "$@"; do grep -q -- "$word" "$file" 2>/dev/null || missing=1; done
        [ $missing = 0 ] && return 0
        sleep 0.1
    done
    fail "waited in vain for $* in $file: $(cat "$file")"
}

# 1. First run: both sources stream; every post is alerted.
E2E_TOKEN=e2e-token "$binary" run --config "$work/spreekbuis.yaml" >"$work/run1.out" 2>"$work/run1.err" &
pid=$!
wait_started "$work/run1.err"
wait_for "$work/run1.out" mastodon-one mastodon-two bluesky-one bluesky-two x-one
[ "$(grep -c x-one "$work/run1.out")" = 1 ] || fail "a post X delivered twice was decided twice"

# Webhooks, signed as their senders sign them.
hooks=http://127.0.0.1:$api_port/hooks
code() { curl -s -o "$work/reply" -w '%{http_code}' "$@"; }
[ "$(code "$hooks/facebook?hub.mode=subscribe&hub.challenge=4242&hub.verify_token=e2e-verify")" = 200 ] &&
    [ "$(cat "$work/reply")" = 4242 ] || fail "Meta's handshake was not answered"
[ "$(code "$hooks/facebook?hub.mode=subscribe&hub.challenge=4242&hub.verify_token=guess")" = 403 ] ||
    fail "a wrong verify token was answered"
python3 - "$work" <<'PY'
import base64, hashlib, hmac, json, sys, time
work = sys.argv[1]
body = json.dumps({"id": "form-1", "text": "my suitcase never arrived webhook-one"})
stamp = str(int(time.time()))
key = base64.b64decode("MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw")
sig = base64.b64encode(hmac.new(key, f"msg_e2e_1.{stamp}.{body}".encode(), hashlib.sha256).digest()).decode()
open(f"{work}/standard.body", "w").write(body)
open(f"{work}/standard.headers", "w").write(
    f"webhook-id: msg_e2e_1\nwebhook-timestamp: {stamp}\nwebhook-signature: v1,{sig}\n")
meta = ('{"object":"page","entry":[{"id":"1","time":1,"changes":[{"field":"feed","value":'
        '{"item":"comment","verb":"add","comment_id":"5_7","post_id":"1_5","parent_id":"1_5",'
        '"message":"suitcase broken facebook-one"}}]}]}')
open(f"{work}/meta.body", "w").write(meta)
open(f"{work}/meta.sig", "w").write(
    "sha256=" + hmac.new(b"meta-app-secret-0123456789", meta.encode(), hashlib.sha256).hexdigest())
PY
post_standard() { code -X POST -H @"$work/standard.headers" --data-binary @"$work/standard.body" "$hooks/forms"; }
[ "$(post_standard)" = 200 ] || fail "a signed standard webhook was refused: $(cat "$work/reply")"
[ "$(post_standard)" = 200 ] && grep -q "duplicate delivery" "$work/reply" ||
    fail "a repeated delivery was not recognised"
[ "$(code -X POST -H "X-Hub-Signature-256: $(cat "$work/meta.sig")" --data-binary @"$work/meta.body" "$hooks/facebook")" = 200 ] ||
    fail "a signed Meta webhook was refused: $(cat "$work/reply")"
[ "$(code -X POST -H "X-Hub-Signature-256: sha256=00" --data-binary @"$work/meta.body" "$hooks/facebook")" = 401 ] ||
    fail "a forged Meta webhook was not refused"
wait_for "$work/run1.out" webhook-one facebook-one
[ "$(grep -c webhook-one "$work/run1.out")" = 1 ] || fail "a repeated webhook was decided twice"
curl -s "http://127.0.0.1:$api_port/metrics" >"$work/metrics"
grep -q 'spreekbuis_source_posts_total{source="forms"} 1' "$work/metrics" &&
    grep -q 'spreekbuis_source_posts_total{source="masto"} 2' "$work/metrics" &&
    grep -q 'spreekbuis_source_bad_events_total{source="facebook"} 2' "$work/metrics" ||
    fail "the source metrics are not right: $(grep source_ "$work/metrics")"
stop_daemon "$pid"
python3 - "$work/state/state.db" <<'PY' || fail "the sources' resume points are not in state.db"
import sqlite3, sys
tokens = dict(sqlite3.connect(sys.argv[1]).execute("SELECT source, token FROM source_tokens"))
assert tokens.get("masto") == "102", tokens
assert tokens.get("sky") == "1795000000500002", tokens
PY
grep -q "/api/v1/timelines" "$work/requests.log" && fail "a first start has no gap to fill"

# 2. Restart: the gap is filled from status 102 on, Jetstream rewinds 5 s from its cursor.
echo 2 >"$work/phase"
E2E_TOKEN=e2e-token "$binary" run --config "$work/spreekbuis.yaml" >"$work/run2.out" 2>"$work/run2.err" &
pid=$!
wait_started "$work/run2.err"
wait_for "$work/run2.out" mastodon-three mastodon-four bluesky-three
stop_daemon "$pid"
grep -q "/api/v1/timelines/public?.*min_id=102" "$work/requests.log" ||
    fail "no gap fill from the stored status id: $(cat "$work/requests.log")"
grep -q "/subscribe?.*cursor=1794999995500002" "$work/requests.log" ||
    fail "Jetstream did not resume 5 s before its stored cursor: $(cat "$work/requests.log")"
grep -q mastodon-one "$work/run2.out" && fail "a post of the first run was decided again"
# The gap's post comes before the stream's.
[ "$(grep -n mastodon-three "$work/run2.out" | cut -d: -f1)" -lt \
  "$(grep -n mastodon-four "$work/run2.out" | cut -d: -f1)" ] || fail "the gap fill came too late"

# 3. A wrong token: the server refuses, the source backs off and says why; the daemon runs on.
E2E_TOKEN=wrong "$binary" run --config "$work/spreekbuis.yaml" >"$work/run3.out" 2>"$work/run3.err" &
pid=$!
wait_started "$work/run3.err"
wait_for "$work/run3.err" "401"
kill -0 "$pid" || fail "a refused token stopped the daemon"
stop_daemon "$pid"
echo "live sources: ok"
