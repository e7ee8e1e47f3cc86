#!/usr/bin/env python3
"""Fits the complaint model's weights (rules/complaint.cpp kBias, kWeights) by logistic
regression on the features `eval_scores --features` prints, and checks how they generalise.

usage: fit_complaint.py FEATURES.jsonl:LABELS.csv [more pairs...]

Prints the pooled fit (L2-regularised, Newton's method: no numpy needed), then for every set
the F1 of the pooled fit and of a fit on the other sets only (the generalisation check of
docs/accuracy.md). Pure standard library; the data stay in ../shared/datasets.
"""
import csv
import json
import math
import sys

L2 = 1.0  # ridge penalty on the weights (not the bias): keeps rare cues from running away


def load(pair):
    features_path, labels_path = pair.split(":")
    labels = {}
    with open(labels_path, newline="", encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            if row.get("complaint") in ("0", "1"):
                labels[row["id"]] = int(row["complaint"])
    rows = []
    with open(features_path, encoding="utf-8") as handle:
        for line in handle:
            record = json.loads(line)
            if record["post_id"] in labels:
                rows.append((record["features"], labels[record["post_id"]]))
    return features_path.split("/")[-1].split(".")[0], rows


def solve(matrix, vector):
    """Gaussian elimination with partial pivoting (small, dense, symmetric positive)."""
    n = len(vector)
    a = [row[:] + [vector[i]] for i, row in enumerate(matrix)]
    for col in range(n):
        pivot = max(range(col, n), key=lambda r: abs(a[r][col]))
        a[col], a[pivot] = a[pivot], a[col]
        for r in range(col + 1, n):
            factor = a[r][col] / a[col][col]
            for c in range(col, n + 1):
                a[r][c] -= factor * a[col][c]
    x = [0.0] * n
    for r in range(n - 1, -1, -1):
        x[r] = (a[r][n] - sum(a[r][c] * x[c] for c in range(r + 1, n))) / a[r][r]
    return x


def fit(rows):
    d = len(rows[0][0]) + 1  # bias first
    w = [0.0] * d
    for _ in range(30):
        grad = [0.0] * d
        hess = [[0.0] * d for _ in range(d)]
        for features, label in rows:
            x = [1.0] + features
            z = sum(wi * xi for wi, xi in zip(w, x))
            p = 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, z))))
            for i in range(d):
                grad[i] += (p - label) * x[i]
                for j in range(i, d):
                    hess[i][j] += p * (1 - p) * x[i] * x[j]
        for i in range(d):
            for j in range(i):
                hess[i][j] = hess[j][i]
            if i > 0:
                grad[i] += L2 * w[i]
                hess[i][i] += L2
        step = solve(hess, grad)
        w = [wi - si for wi, si in zip(w, step)]
        if max(abs(s) for s in step) < 1e-6:
            break
    return w


def f1(weights, rows, threshold=0.5):
    tp = fp = fn = 0
    for features, label in rows:
        z = weights[0] + sum(wi * xi for wi, xi in zip(weights[1:], features))
        predicted = 1.0 / (1.0 + math.exp(-z)) >= threshold
        tp += predicted and label
        fp += predicted and not label
        fn += (not predicted) and label
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    return 2 * precision * recall / (precision + recall) if precision + recall else 0.0


def main():
    if len(sys.argv) < 2:
        print(__doc__)
        return 2
    sets = [load(pair) for pair in sys.argv[1:]]
    pooled = [row for _, rows in sets for row in rows]
    weights = fit(pooled)
    print("pooled fit on %d posts:" % len(pooled))
    print("  bias %+.3f" % weights[0])
    for i, weight in enumerate(weights[1:]):
        print("  feature %d: %+.3f" % (i, weight))
    for name, rows in sets:
        others = [row for other, other_rows in sets if other != name for row in other_rows]
        held_out = f1(fit(others), rows) if others else float("nan")
        print("%-16s F1 pooled fit %.3f, fit on the other sets only %.3f" %
              (name, f1(weights, rows), held_out))
    return 0


if __name__ == "__main__":
    sys.exit(main())
