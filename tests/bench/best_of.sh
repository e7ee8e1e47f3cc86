#!/bin/sh
# The best and the mean posts/s of each bench binary over N runs, taken in turn on one core:
# on a shared machine a neighbour's load only ever slows a run, so the best of several runs
# is the steadiest measure of what a build can do (paired_timing.sh runs two at once instead;
# when the load comes and goes within seconds, this one agrees with itself better).
#
#   tests/bench/best_of.sh RULES RUNS BENCH...   (e.g. 1000 8 build-a/... build-b/...)
#
# Needs taskset (util-linux) and ../shared/datasets (as spreekbuis-bench does). Run from the
# repository root; nothing else should be running.
set -eu
[ $# -ge 3 ] || { echo "usage: best_of.sh RULES RUNS BENCH..." >&2; exit 2; }
rules=$1
runs=$2
shift 2
out=$(mktemp)
trap 'rm -f "$out"' EXIT
run=1
while [ "$run" -le "$runs" ]; do
    for bench in "$@"; do
        rate=$(taskset -c 1 "$bench" --rules "$rules" --no-stages --min-posts 300000 2>/dev/null |
            awk -v n="$rules" '$1 == n { print $4 }')
        [ -n "$rate" ] || { echo "best_of: a run of $bench failed" >&2; exit 1; }
        echo "$bench $rate" >>"$out"
    done
    run=$((run + 1))
done
awk '{ if ($2 > best[$1]) best[$1] = $2; sum[$1] += $2; n[$1]++ }
     END { for (b in best) printf "%-60s best %8d  mean %8d posts/s\n", b, best[b], sum[b] / n[b] }' "$out"
