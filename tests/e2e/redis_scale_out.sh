#!/usr/bin/env bash
# Scale-out through Redis Streams, end to end: a real redis-server on a free loopback port, two
# daemons in one consumer group (each with its own state database), 20,000 posts added to the
# stream. One daemon is killed with SIGKILL while it decides and started again. Afterwards every
# post was decided exactly once over both daemons (their decision logs together), and nothing
# is left pending in the group.
set -euo pipefail
binary=$1
source_dir=$(cd "$(dirname "$0")/../.." && pwd)
work=$(mktemp -d)
trap 'kill $(jobs -p) 2>/dev/null || true; wait 2>/dev/null || true; rm -rf "$work"' EXIT
fail() { echo "FAIL: $*"; exit 1; }
source "$source_dir/tests/e2e/lib.sh"
command -v redis-server >/dev/null || fail "redis-server is not installed (apt-get install redis-server)"

posts=20000
redis_port=$(free_port)
redis-server --port "$redis_port" --bind 127.0.0.1 --save '' --appendonly no \
    --dir "$work" --logfile "$work/redis.log" &
for _ in $(seq 100); do
    redis-cli -p "$redis_port" ping 2>/dev/null | grep -q PONG && break
    sleep 0.1
done
redis-cli -p "$redis_port" ping | grep -q PONG || fail "redis-server did not start"

mkdir -p "$work/rules"
cat >"$work/rules/bags.yaml" <<'YAML'
rules:
  - id: lost-bag
    query: 'suitcase'
    topic: baggage
YAML
for worker in a b; do
    mkdir -p "$work/$worker"
    cat >"$work/$worker/spreekbuis.yaml" <<YAML
log_level: info
state_dir: state
workers: 1
rules: [../rules/*.yaml]
audit: {decisions: all}
sources:
  - name: shared
    type: redis
    port: $redis_port
    stream: spreekbuis:posts
    consumer: worker-$worker
    start: all
sinks:
  - {name: console, type: console}
YAML
done

# The posts, added with one pipelined RESP write (redis-cli --pipe).
python3 - "$posts" >"$work/commands" <<'PY'
import json, sys
out = sys.stdout.buffer
for i in range(int(sys.argv[1])):
    text = "my suitcase never arrived" if i % 3 == 0 else f"just a post {i}"
    post = json.dumps({"id": f"p{i}", "source": "mastodon", "text": text}).encode()
    args = [b"XADD", b"spreekbuis:posts", b"*", b"post", post]
    out.write(b"*%d\r\n" % len(args))
    for arg in args:
        out.write(b"$%d\r\n%s\r\n" % (len(arg), arg))
PY
redis-cli -p "$redis_port" --pipe <"$work/commands" >/dev/null
[ "$(redis-cli -p "$redis_port" xlen spreekbuis:posts)" = "$posts" ] || fail "posts not added"

decided() {  # decided WORKER: rows in its decision log
    sqlite3 "$work/$1/state/state.db" 'SELECT count(*) FROM decisions' 2>/dev/null || echo 0
}

(cd "$work/a" && exec "$binary" run --config spreekbuis.yaml >console.out 2>daemon.err) &
pid_a=$!
(cd "$work/b" && exec "$binary" run --config spreekbuis.yaml >console.out 2>daemon.err) &
pid_b=$!

# Kill worker a while it decides, then start it again under the same consumer name.
for _ in $(seq 400); do
    [ "$(decided a)" -ge 500 ] && break
    sleep 0.05
done
[ "$(decided a)" -ge 500 ] || fail "worker a decided nothing: $(tail -5 "$work/a/daemon.err")"
kill -9 "$pid_a"
wait "$pid_a" 2>/dev/null || true
before=$(decided a)
(cd "$work/a" && exec "$binary" run --config spreekbuis.yaml >>console.out 2>daemon2.err) &
pid_a=$!

# Until every post was decided and acknowledged.
for _ in $(seq 600); do
    total=$(( $(decided a) + $(decided b) ))
    pending=$(redis-cli -p "$redis_port" xpending spreekbuis:posts spreekbuis | head -1)
    [ "$total" -ge "$posts" ] && [ "$pending" = "0" ] && break
    sleep 0.1
done
sleep 1  # anything decided twice would show by now
kill -TERM "$pid_a" "$pid_b"
wait "$pid_a" "$pid_b" || fail "a daemon did not stop cleanly"

rows=$(( $(decided a) + $(decided b) ))
sqlite3 "$work/a/state/state.db" 'SELECT post_id FROM decisions' >"$work/ids"
sqlite3 "$work/b/state/state.db" 'SELECT post_id FROM decisions' >>"$work/ids"
distinct=$(sort -u "$work/ids" | wc -l)
pending=$(redis-cli -p "$redis_port" xpending spreekbuis:posts spreekbuis | head -1)
echo "worker a: $(decided a) decisions ($before before SIGKILL), worker b: $(decided b);" \
     "$distinct distinct posts of $posts, $pending pending"
[ "$distinct" = "$posts" ] || fail "$((posts - distinct)) posts were never decided"
[ "$rows" = "$posts" ] || fail "$((rows - posts)) posts were decided twice"
[ "$pending" = "0" ] || fail "$pending entries left pending"
[ "$(decided b)" -gt 0 ] || fail "worker b decided nothing: the group did not share the work"
grep -q "redis 'shared': connected" "$work/a/daemon2.err" || fail "the restarted worker did not connect"
echo "PASS"
