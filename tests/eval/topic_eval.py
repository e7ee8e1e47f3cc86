#!/usr/bin/env python3
"""Scores the topics of spreekbuis decision records against human topic labels.

    spreekbuis replay --config config/examples/airline/spreekbuis.yaml \
        --input ../shared/datasets/airline_dev.posts.jsonl > /tmp/airline.jsonl
    python3 tests/eval/topic_eval.py /tmp/airline.jsonl ../shared/datasets/airline_dev.labels.csv

The labels file is a CSV with at least `id` and `topic` (empty: no topic; the post is not a
complaint or its reason could not be told) and optionally `complaint` (1/0). Decision records
are JSON Lines with `post_id`, `topic` and `complaint`.

Per topic, precision counts every post the pack gave that topic (including posts whose label
has no topic), recall counts every post labelled with that topic. Topic accuracy and coverage
are over the labelled complaints that have a topic. Python 3 standard library only.
"""
import argparse
import csv
import json
import sys
from collections import Counter


def read_decisions(path):
    decisions = {}
    bad = 0
    with open(path, encoding="utf-8") as handle:
        for line in handle:
            line = line.strip()
            if not line:
                continue
            try:
                record = json.loads(line)
                decisions[str(record["post_id"])] = record
            except (ValueError, KeyError, TypeError):
                bad += 1
    if bad:
        print(f"warning: skipped {bad} unreadable decision lines", file=sys.stderr)
    return decisions


def read_labels(path):
    with open(path, encoding="utf-8", newline="") as handle:
        return {row["id"]: row for row in csv.DictReader(handle)}


def f1(precision, recall):
    return 2 * precision * recall / (precision + recall) if precision + recall else 0.0


def ratio(num, den):
    return num / den if den else 0.0


def evaluate(decisions, labels):
    joined = [(labels[i], decisions[i]) for i in labels if i in decisions]
    gold_topics = sorted({row["topic"] for row, _ in joined if row.get("topic")})
    predicted_any = Counter(rec.get("topic") for _, rec in joined if rec.get("topic"))
    unknown = sorted(t for t in predicted_any if t not in gold_topics)

    per_topic = {}
    for topic in gold_topics:
        tp = sum(1 for row, rec in joined if row.get("topic") == topic and rec.get("topic") == topic)
        predicted = sum(1 for _, rec in joined if rec.get("topic") == topic)
        gold = sum(1 for row, _ in joined if row.get("topic") == topic)
        # Precision among posts that have some gold topic: how well topics are told apart.
        predicted_in_labelled = sum(
            1 for row, rec in joined if row.get("topic") and rec.get("topic") == topic)
        precision = ratio(tp, predicted)
        recall = ratio(tp, gold)
        per_topic[topic] = {
            "gold": gold, "predicted": predicted, "tp": tp,
            "precision": precision, "recall": recall, "f1": f1(precision, recall),
            "precision_labelled": ratio(tp, predicted_in_labelled),
        }

    labelled = [(row, rec) for row, rec in joined if row.get("topic")]
    correct = sum(1 for row, rec in labelled if rec.get("topic") == row["topic"])
    covered = sum(1 for _, rec in labelled if rec.get("topic"))
    untopiced = [(row, rec) for row, rec in joined if not row.get("topic")]
    false_topics = sum(1 for _, rec in untopiced if rec.get("topic"))

    summary = {
        "posts": len(joined),
        "missing_decisions": sum(1 for i in labels if i not in decisions),
        "labelled_complaints": len(labelled),
        "macro_f1": ratio(sum(m["f1"] for m in per_topic.values()), len(per_topic)),
        "topic_accuracy": ratio(correct, len(labelled)),
        "coverage": ratio(covered, len(labelled)),
        "accuracy_when_covered": ratio(correct, covered),
        "topic_on_unlabelled": ratio(false_topics, len(untopiced)),
        "unknown_topics": unknown,
    }

    if any("complaint" in row for row, _ in joined):
        gold_c = [(row.get("complaint") == "1", bool(rec.get("complaint"))) for row, rec in joined]
        tp = sum(1 for g, p in gold_c if g and p)
        precision = ratio(tp, sum(1 for _, p in gold_c if p))
        recall = ratio(tp, sum(1 for g, _ in gold_c if g))
        summary["complaint"] = {"precision": precision, "recall": recall,
                                "f1": f1(precision, recall)}

    confusion = Counter((row["topic"], rec.get("topic") or "-") for row, rec in labelled)
    return per_topic, summary, confusion


def print_report(per_topic, summary, confusion, show_confusion):
    print(f"{'topic':<18}{'gold':>6}{'pred':>6}{'tp':>6}{'prec':>8}{'recall':>8}{'f1':>8}"
          f"{'prec*':>8}")
    for topic, m in per_topic.items():
        print(f"{topic:<18}{m['gold']:>6}{m['predicted']:>6}{m['tp']:>6}{m['precision']:>8.3f}"
              f"{m['recall']:>8.3f}{m['f1']:>8.3f}{m['precision_labelled']:>8.3f}")
    print("(prec* = precision among posts that have a gold topic)")
    print()
    print(f"posts joined            {summary['posts']}"
          f" (missing decisions: {summary['missing_decisions']})")
    print(f"labelled complaints     {summary['labelled_complaints']}")
    print(f"macro-F1                {summary['macro_f1']:.3f}")
    print(f"topic accuracy          {summary['topic_accuracy']:.3f}")
    print(f"coverage                {summary['coverage']:.3f}")
    print(f"accuracy when covered   {summary['accuracy_when_covered']:.3f}")
    print(f"topic on untopiced post {summary['topic_on_unlabelled']:.3f}")
    if "complaint" in summary:
        c = summary["complaint"]
        print(f"complaint P/R/F1        {c['precision']:.3f} / {c['recall']:.3f} / {c['f1']:.3f}")
    if summary["unknown_topics"]:
        print(f"topics not in labels    {', '.join(summary['unknown_topics'])}")
    if show_confusion:
        gold = sorted({g for g, _ in confusion})
        predicted = gold + ["-"]
        print()
        print("confusion (rows gold, columns predicted; '-' no topic)")
        print(f"{'':<18}" + "".join(f"{p[:8]:>9}" for p in predicted))
        for g in gold:
            print(f"{g:<18}" + "".join(f"{confusion.get((g, p), 0):>9}" for p in predicted))


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("decisions", help="decision records (JSON Lines) from spreekbuis replay")
    parser.add_argument("labels", help="labels CSV with id and topic columns")
    parser.add_argument("--confusion", action="store_true", help="print the confusion matrix")
    parser.add_argument("--json", action="store_true", help="print the numbers as JSON")
    args = parser.parse_args()

    decisions = read_decisions(args.decisions)
    labels = read_labels(args.labels)
    if not labels or "topic" not in next(iter(labels.values())):
        print(f"error: {args.labels} has no 'topic' column", file=sys.stderr)
        return 1
    per_topic, summary, confusion = evaluate(decisions, labels)
    if args.json:
        print(json.dumps({"topics": per_topic, "summary": summary}, indent=2))
    else:
        print_report(per_topic, summary, confusion, args.confusion)
    return 0


if __name__ == "__main__":
    sys.exit(main())
