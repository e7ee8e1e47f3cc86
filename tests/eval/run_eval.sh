#!/bin/sh
# Runs the accuracy evaluation on the development sets in ../shared/datasets (relative to the
# repository root) and prints the tables of docs/accuracy.md. Skips cleanly without the data.
# usage: tests/eval/run_eval.sh [build-dir]     (default: build)
set -eu
root=$(cd "$(dirname "$0")/../.." && pwd)
build=${1:-$root/build}
data=${SPREEKBUIS_DATASETS:-$root/../shared/datasets}
if [ ! -d "$data" ]; then
    echo "run_eval: no datasets at $data, skipping"
    exit 0
fi
cmake --build "$build" --target eval_scores >/dev/null
tool=$build/tests/eval/eval_scores
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
for set in airline_dev complaints_dev vader_tweets dutch_book_reviews; do
    [ -f "$data/$set.posts.jsonl" ] || continue
    "$tool" --baseline "$data/$set.posts.jsonl" >"$out/$set.baseline.jsonl"
    "$tool" "$data/$set.posts.jsonl" >"$out/$set.rules.jsonl"
    "$tool" --ignore-lang "$data/$set.posts.jsonl" >"$out/$set.detected.jsonl"
    python3 "$root/tests/eval/evaluate.py" "$out/$set.baseline.jsonl" "$data/$set.labels.csv" \
        --name "$set (baseline: lexicon sum)"
    python3 "$root/tests/eval/evaluate.py" "$out/$set.rules.jsonl" "$data/$set.labels.csv" \
        --name "$set (spreekbuis rules)"
    python3 "$root/tests/eval/evaluate.py" "$out/$set.detected.jsonl" "$data/$set.labels.csv" \
        --name "$set (rules, declared lang stripped)"
done
