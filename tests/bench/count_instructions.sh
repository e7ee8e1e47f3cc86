#!/bin/sh
# Instructions per post of the rule core, counted by valgrind's callgrind: a measure that does
# not move with the load of a shared machine, to compare two builds of the core exactly.
# Time still decides (docs/performance.md); this says whether a change did less work.
#
#   tests/bench/count_instructions.sh [BENCH] [RULES] [POST FILES...]
#   (default build-rel/tests/bench/spreekbuis-bench, 1000, the bench's default input)
#
# Needs valgrind (Debian package `valgrind`) and ../shared/datasets (as spreekbuis-bench does).
# Prints instructions per post through evaluate_all() (the daemon's path) and evaluate(), and
# per call of the main parts, without the one-time build of the lexicon tables.
set -eu
bench=${1:-build-rel/tests/bench/spreekbuis-bench}
rules=${2:-1000}
[ $# -ge 2 ] && shift 2 || shift $#
command -v valgrind >/dev/null || { echo "count_instructions: needs valgrind (apt-get install valgrind)" >&2; exit 2; }
out=$(mktemp)
trap 'rm -f "$out" "$out.txt"' EXIT
valgrind --tool=callgrind --callgrind-out-file="$out" "$bench" --rules "$rules" --no-stages \
    --min-posts 1 "$@" >/dev/null 2>&1
callgrind_annotate --tree=calling --inclusive=yes "$out" >"$out.txt" 2>/dev/null
python3 - "$out.txt" "$rules" <<'EOF'
import re, sys
text = open(sys.argv[1], encoding="utf-8", errors="replace").read()

def number(s):
    return int(s.replace(",", ""))

# Inclusive cost of a function (its own block, marked '*'). When callgrind lists it twice (by
# the path it was compiled from and by the path of inlined code), the larger block holds all.
def inclusive(name):
    return max([number(m.group(1)) for m in
                re.finditer(r"^\s*([\d,]+) \([^)]*\)\s+\*\s+\S*?:" + re.escape(name), text,
                            re.M)] or [0])

# Cost and call count of a callee as seen from a caller's blocks. A function can have more
# than one block (callgrind names it once by the path it was compiled from and once by the
# path of inlined code), so every block of the caller is summed.
def callee(caller, name):
    cost, calls = 0, 0
    for block in re.finditer(r"^\s*[\d,]+ \([^)]*\)\s+\*\s+\S*?:" + re.escape(caller) +
                             r".*?\n\n", text, re.M | re.S):
        for m in re.finditer(r"^\s*([\d,]+) \([^)]*\)\s+>\s+\S*?:" + re.escape(name) +
                             r".*?\(([\d,]+)x\)", block.group(0), re.M):
            cost += number(m.group(1))
            calls += number(m.group(2))
    return cost, calls

init = inclusive("spreekbuis::rules::WordTable::WordTable()")
# The daemon's path: evaluate_all over batches (the bench's timed loop). It runs first, so the
# one-time build of the word table falls in it.
all_cost = inclusive("spreekbuis::rules::CompiledRuleSet::evaluate_all(")
_, all_posts = callee("spreekbuis::rules::CompiledRuleSet::evaluate_all(",
                      "spreekbuis::rules::CompiledRuleSet::decide(")
# One post at a time: from main (the 1-by-1 loop, inlined) and evaluate_warm (the latency loop).
evaluate = "spreekbuis::rules::CompiledRuleSet::evaluate("
cost, calls = callee("main ", evaluate)
warm_cost, warm_calls = callee("(anonymous namespace)::evaluate_warm(", evaluate)
cost, calls = cost + warm_cost, calls + warm_calls
if calls == 0 or all_posts == 0:
    sys.exit("count_instructions: no evaluate() or evaluate_all() calls found in the profile")
print(f"rules {sys.argv[2]}: {all_posts} posts through evaluate_all(), {calls} through evaluate()")
print(f"  evaluate_all (whole core)   {(all_cost - init) / all_posts:9.0f} instructions/post")
print(f"  evaluate (whole core)       {cost / calls:9.0f}")
# The parts, per post: every post of either path goes through each once.
for label, name in [("normalise", "spreekbuis::rules::normalize_into("),
                    ("scores", "spreekbuis::rules::score_post("),
                    ("term index", "void spreekbuis::rules::TermIndex::scan<")]:
    part = inclusive(name)
    if name.startswith("spreekbuis::rules::score_post"):
        part -= init
    print(f"  {label:27} {part / (all_posts + calls):9.0f}")
EOF
