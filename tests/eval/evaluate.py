#!/usr/bin/env python3
"""Scores decision records against human labels.

usage: evaluate.py RECORDS.jsonl LABELS.csv [--name NAME]

RECORDS: one JSON object per line with post_id, complaint, polarity, sentiment, lang (what
`spreekbuis replay` and tests/eval/eval_scores print). LABELS: CSV with an `id` column and any
of `complaint` (1/0), `sentiment` (negative/neutral/positive). Prints precision/recall/F1 for
complaint and accuracy (+ per-class precision/recall/F1, macro F1) for polarity, on the posts
present in both files. Standard library only."""
import argparse
import csv
import json
import sys


def load_records(path):
    records = {}
    with open(path, encoding="utf-8") as f:
        for number, line in enumerate(f, 1):
            line = line.strip()
            if not line or not line.startswith("{"):
                continue
            try:
                record = json.loads(line)
            except json.JSONDecodeError:
                print("%s:%d: not JSON, skipped" % (path, number), file=sys.stderr)
                continue
            if "post_id" in record:
                records[str(record["post_id"])] = record
    return records


def prf(tp, fp, fn):
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return p, r, f


def evaluate(records, labels):
    result = {}
    pairs = [(records[row["id"]], row) for row in labels if row["id"] in records]
    result["matched"] = len(pairs)
    complaint = [(bool(r.get("complaint")), row["complaint"].strip() == "1")
                 for r, row in pairs if row.get("complaint", "").strip() in ("0", "1")]
    if complaint:
        tp = sum(1 for p, g in complaint if p and g)
        fp = sum(1 for p, g in complaint if p and not g)
        fn = sum(1 for p, g in complaint if not p and g)
        correct = sum(1 for p, g in complaint if p == g)
        p, r, f = prf(tp, fp, fn)
        result["complaint"] = {"n": len(complaint), "precision": p, "recall": r, "f1": f,
                               "accuracy": correct / len(complaint)}
    polarity = [(r.get("polarity"), row["sentiment"].strip()) for r, row in pairs
                if row.get("sentiment", "").strip() in ("negative", "neutral", "positive")]
    if polarity:
        classes = sorted({g for _, g in polarity})
        per_class = {}
        for c in classes:
            tp = sum(1 for p, g in polarity if p == c and g == c)
            fp = sum(1 for p, g in polarity if p == c and g != c)
            fn = sum(1 for p, g in polarity if p != c and g == c)
            per_class[c] = prf(tp, fp, fn)
        correct = sum(1 for p, g in polarity if p == g)
        result["polarity"] = {"n": len(polarity), "accuracy": correct / len(polarity),
                              "macro_f1": sum(v[2] for v in per_class.values()) / len(classes),
                              "per_class": per_class}
    langs = {}
    for r, _ in pairs:
        langs[r.get("lang", "?")] = langs.get(r.get("lang", "?"), 0) + 1
    result["lang"] = langs
    return result


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("records")
    parser.add_argument("labels")
    parser.add_argument("--name", default="")
    parser.add_argument("--json", action="store_true", help="print the result as JSON")
    args = parser.parse_args()
    records = load_records(args.records)
    with open(args.labels, encoding="utf-8", newline="") as f:
        labels = list(csv.DictReader(f))
    result = evaluate(records, labels)
    if args.json:
        print(json.dumps(result))
        return
    name = args.name or args.records
    print("%s: %d of %d labelled posts have a record" % (name, result["matched"], len(labels)))
    if "complaint" in result:
        c = result["complaint"]
        print("  complaint  n=%d  P=%.3f R=%.3f F1=%.3f acc=%.3f"
              % (c["n"], c["precision"], c["recall"], c["f1"], c["accuracy"]))
    if "polarity" in result:
        p = result["polarity"]
        print("  polarity   n=%d  acc=%.3f macroF1=%.3f" % (p["n"], p["accuracy"], p["macro_f1"]))
        for c, (pr, rc, f1) in p["per_class"].items():
            print("    %-8s P=%.3f R=%.3f F1=%.3f" % (c, pr, rc, f1))
    print("  lang       " + ", ".join("%s=%d" % kv for kv in sorted(result["lang"].items())))


if __name__ == "__main__":
    main()
