#!/usr/bin/env python3
"""Per-rule quality against labelled posts: what each rule matches, and what those posts are.

    spreekbuis replay --config config/examples/airline/spreekbuis.yaml \
        --input ../shared/datasets/airline_dev.posts.jsonl > /tmp/airline.jsonl
    python3 tests/eval/rule_eval.py /tmp/airline.jsonl ../shared/datasets/airline_dev.labels.csv

For every rule (from the records' `rules`), in order of matches: how many posts it matched,
the share of them labelled complaints (`complaint` = 1), `first`: the posts where it was the
first matched rule and the post got a topic (the topic it decided, unless the rule sets none,
like the airline pack's escalate-* rules), and the gold topics of the posts it matched, most
common first. A rule whose matches are mostly labelled another topic, or mostly not
complaints, is where a pack loses precision. Python 3 standard library only.
"""
import argparse
import sys
from collections import Counter, defaultdict

from topic_eval import read_decisions, read_labels


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("decisions", help="decision records (JSON Lines)")
    parser.add_argument("labels", help="labels CSV with id, topic and complaint columns")
    parser.add_argument("--min", type=int, default=1, help="leave out rules with fewer matches")
    args = parser.parse_args()

    labels = read_labels(args.labels)
    matched = Counter()
    complaints = Counter()
    gold = defaultdict(Counter)
    first = defaultdict(Counter)  # rule -> the record topics of posts where it came first
    joined = 0
    for post_id, record in read_decisions(args.decisions).items():
        label = labels.get(post_id)
        if label is None:
            continue
        joined += 1
        rules = record.get("rules") or []
        for rule in rules:
            matched[rule] += 1
            complaints[rule] += label.get("complaint") == "1"
            gold[rule][label.get("topic") or "-"] += 1
        if rules and record.get("topic"):
            first[rules[0]][record["topic"]] += 1
    if joined == 0:
        print("no decision record matches a label id", file=sys.stderr)
        return 1
    print(f"{joined} labelled posts; '-' = no gold topic (not a complaint, or reason unknown)")
    print(f"{'rule':34} {'posts':>6} {'compl':>6} {'first':>6}  gold topics of its posts")
    for rule, count in matched.most_common():
        if count < args.min:
            continue
        share = complaints[rule] / count
        decided = sum(first[rule].values())
        spread = ", ".join(f"{topic} {n / count:.0%}" for topic, n in gold[rule].most_common(4))
        print(f"{rule[:34]:34} {count:6d} {share:6.0%} {decided:6d}  {spread}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
