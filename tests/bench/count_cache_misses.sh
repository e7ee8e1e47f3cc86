#!/bin/sh
# Per post of the rule core: instructions, L1 instruction and data misses, misses of a 1 MB
# second level, and mispredicted branches, simulated by valgrind's cachegrind with this
# machine's caches (32 KB L1s, 1 MB L2 per core). Like count_instructions.sh a measure that
# does not move with the load of a shared machine; it says where the time goes that
# instructions alone do not show (a lookup in a 1 MB table costs its miss, not its
# instructions). Time still decides.
#
#   tests/bench/count_cache_misses.sh [BENCH] [RULES]   (default build-rel/..., 1000)
#
# Two runs, of three and of five passes over the input, and their difference: the one-time
# work (loading, compiling, the first pass) cancels out. The bench's own loop and its RE2::Set
# baseline pass are in the numbers too (about 2,000 instructions and 50 data misses a post);
# compare builds, not absolute values. Prints the totals, then the ten functions with the
# most data misses and the ten with the most mispredicted branches. Needs valgrind and
# ../shared/datasets.
set -eu
bench=${1:-build-rel/tests/bench/spreekbuis-bench}
rules=${2:-1000}
command -v valgrind >/dev/null || { echo "count_cache_misses: needs valgrind" >&2; exit 2; }
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
for posts in 1 30000; do
    valgrind --tool=cachegrind --cache-sim=yes --branch-sim=yes --I1=32768,8,64 \
        --D1=32768,8,64 --LL=1048576,16,64 --cachegrind-out-file="$dir/$posts.out" \
        "$bench" --rules "$rules" --no-stages --batched-only --min-posts "$posts" >"$dir/$posts.txt" 2>&1
done
# min-posts 1: the warm pass, one timed pass and the latency pass; 30000: three timed passes.
passes=2
python3 - "$dir/1.out" "$dir/30000.out" "$dir/1.txt" "$rules" "$passes" <<'PY'
import collections, re, sys
def load(path):
    events, fn, per_fn = None, None, collections.defaultdict(lambda: None)
    for line in open(path):
        if line.startswith("events:"):
            events = line.split()[1:]
        elif line.startswith("fn="):
            fn = line[3:].strip()
        elif line[:1].isdigit():
            values = list(map(int, line.split()[1:]))
            row = per_fn[fn] or [0] * len(events)
            per_fn[fn] = [a + b for a, b in zip(row, values + [0] * (len(events) - len(values)))]
    return events, per_fn
events, few = load(sys.argv[1])
_, many = load(sys.argv[2])
# Posts per pass: the input size the bench printed.
m = re.search(r"input: (\d+) posts", open(sys.argv[3], encoding="utf-8", errors="replace").read())
if not m:
    sys.exit("count_cache_misses: cannot read the input size from the bench")
posts = int(m.group(1)) * int(sys.argv[5])
index = {e: i for i, e in enumerate(events)}
rows, total = [], [0.0] * len(events)
for fn, values in many.items():
    base = few.get(fn) or [0] * len(events)
    diff = [(b - a) / posts for a, b in zip(base, values)]
    total = [t + d for t, d in zip(total, diff)]
    rows.append((diff, fn))
def line(values):
    return ("%9.0f %8.1f %8.1f %8.1f %8.1f" %
            (values[index["Ir"]], values[index["I1mr"]], values[index["D1mr"]] + values[index["D1mw"]],
             values[index["DLmr"]] + values[index["DLmw"]], values[index["Bcm"]] + values[index["Bim"]]))
print(f"rules {sys.argv[4]}, per post:")
print("%9s %8s %8s %8s %8s" % ("instr", "I1 miss", "D1 miss", "L2 miss", "mispred"))
print(line(total) + "  (all; ??? is RE2::Set, the bench's baseline pass)")
rows.sort(key=lambda r: -(r[0][index["D1mr"]] + r[0][index["D1mw"]]))
for values, fn in rows[:10]:
    print(line(values) + "  " + fn[:70])
# Mispredicted branches cost ~15 cycles each and do not show in instruction counts: a branch
# on data (is this word a key, is this name seen) is often worth making branch-free.
print("the ten with the most mispredicted branches:")
rows.sort(key=lambda r: -(r[0][index["Bcm"]] + r[0][index["Bim"]]))
for values, fn in rows[:10]:
    print(line(values) + "  " + fn[:70])
PY
