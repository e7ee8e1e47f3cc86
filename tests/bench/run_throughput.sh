#!/usr/bin/env bash
# Posts per second through `spreekbuis run`: the four short-post datasets of ../shared/datasets
# eight times over (ids made unique) from a replay source at full speed, the generic rule pack,
# no people directory, the console sink to /dev/null; wall time from start until the feed is
# decided (SIGTERM once the source has read everything; the daemon drains its queue first).
#
#   tests/bench/run_throughput.sh [BINARY] [MODE...]   (default build-rel/daemon/spreekbuis;
#                                                        modes of audit.decisions: off matched all)
# The mode `routing` runs the first 10,000 of those posts through the demo's rules and people
# directory instead (cases, SLA timers, duplicates; audit.decisions matched).
set -euo pipefail
binary=$(realpath "${1:-build-rel/daemon/spreekbuis}")
shift || true
modes=${*:-off matched all}
root=$(cd "$(dirname "$0")/../.." && pwd)
datasets=$root/../shared/datasets
[ -d "$datasets" ] || { echo "run_throughput: needs ../shared/datasets" >&2; exit 2; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cp -r "$root/config/examples/generic/rules" "$work/"
for _ in 1 2 3 4 5 6 7 8; do
    cat "$datasets"/{airline_dev,complaints_dev,customer_support_inbound,vader_tweets}.posts.jsonl
done | python3 -c '
import json, sys
for n, line in enumerate(sys.stdin):
    post = json.loads(line)
    post["id"] = "%s-%d" % (post["id"], n)
    print(json.dumps(post))' >"$work/feed.jsonl"
posts=$(wc -l <"$work/feed.jsonl")
for mode in $modes; do
    rm -rf "$work/state"
    if [ "$mode" = routing ]; then
        rm -rf "$work/demo" && cp -r "$root/config/demo" "$work/demo"
        head -10000 "$work/feed.jsonl" >"$work/demo/feed.jsonl"
        python3 - "$work/demo/spreekbuis.yaml" <<'PY'
import re, sys
path = sys.argv[1]
text = open(path).read()
text = re.sub(r"state_dir: .*", "state_dir: state", text).replace("rate: 25", "rate: 0")
open(path, "w").write(text + "reload: {watch: false}\n")
PY
        config=$work/demo/spreekbuis.yaml
        count=10000
        label="routing (demo people)"
    else
        config=$work/spreekbuis.yaml
        count=$posts
        label="audit.decisions $mode"
    fi
    cat >"$work/spreekbuis.yaml" <<YAML
log_level: info
state_dir: state
rules: [rules/*.yaml]
audit: {decisions: $mode}
reload: {watch: false}
sources:
  - {name: feed, type: replay, path: feed.jsonl, rate: 0}
sinks:
  - {name: console, type: console}
YAML
    start=$(date +%s.%N)
    "$binary" run --config "$config" >/dev/null 2>"$work/err.log" &
    pid=$!
    until grep -q "finished its feed" "$work/err.log"; do sleep 0.05; done
    kill -TERM "$pid"
    wait "$pid"
    end=$(date +%s.%N)
    python3 -c "print('%-24s %8.0f posts/s  (%d posts)' % ('$label', $count / ($end - $start), $count))"
done
