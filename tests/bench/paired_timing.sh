#!/bin/sh
# Times two builds of spreekbuis-bench at the same time, one per core, swapping cores each
# round, and prints each round's ratio B/A and the median: on a shared machine, load from other
# guests then hits both alike, where timings taken one after the other move by ±10%.
#
#   tests/bench/paired_timing.sh BENCH_A BENCH_B [RULES] [ROUNDS]   (defaults 1000, 6)
#
# Needs two cores (taskset, util-linux) and ../shared/datasets (as spreekbuis-bench does).
# Run from the repository root; nothing else should be running.
set -eu
a=$1
b=$2
rules=${3:-1000}
rounds=${4:-6}
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
rate() { awk -v n="$rules" '$1 == n { print $4 }' "$1"; }
round=1
while [ "$round" -le "$rounds" ]; do
    core_a=$((round % 2))
    core_b=$((1 - core_a))
    # Fresh copies each round: two copies of one binary differ by up to 4% in speed, by where
    # their pages land in memory, so each round draws that anew instead of keeping one draw.
    rm -f "$out/a.bin" "$out/b.bin"
    cp "$a" "$out/a.bin"
    cp "$b" "$out/b.bin"
    taskset -c "$core_a" "$out/a.bin" --rules "$rules" --no-stages --min-posts 300000 >"$out/a" 2>&1 &
    taskset -c "$core_b" "$out/b.bin" --rules "$rules" --no-stages --min-posts 300000 >"$out/b" 2>&1 &
    wait
    ra=$(rate "$out/a")
    rb=$(rate "$out/b")
    [ -n "$ra" ] && [ -n "$rb" ] || { echo "paired_timing: a bench run failed" >&2; exit 1; }
    ratio=$(awk -v x="$rb" -v y="$ra" 'BEGIN { printf "%.4f", x / y }')
    echo "round $round: A $ra B $rb posts/s, B/A $ratio"
    echo "$ratio" >>"$out/ratios"
    round=$((round + 1))
done
sort -n "$out/ratios" | awk '{ r[NR] = $1 } END { print "median B/A: " r[int((NR + 1) / 2)] }'
