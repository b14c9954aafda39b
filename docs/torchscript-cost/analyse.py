#!/usr/bin/env python3
"""Reads run-pairs.tsv (run-pairs.sh): the median TorchScript ÷ zoo round-time ratio over the pairs,
with the distribution-free 95 % interval of the median — the order statistics [x(k), x(n+1-k)],
k the largest with P(Binomial(n, 1/2) <= k - 1) <= 2.5 % (as PairedRatio in the bench)."""
import csv, math, os, statistics, sys

path = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(__file__), "run-pairs.tsv")
rows = list(csv.DictReader(open(path), delimiter="\t"))
ratios = sorted(float(r["ratio"]) for r in rows)
n = len(ratios)
tail = lambda k: sum(math.comb(n, i) for i in range(k)) / 2 ** n
k = max([k for k in range(1, n // 2 + 1) if tail(k) <= 0.025], default=0)
interval = f"[{ratios[k - 1]:.3f}, {ratios[n - k]:.3f}] ({1 - 2 * tail(k):.1%}, {n} pairs)" if k else f"(no interval: {n} pairs)"
zoo = statistics.median(float(r["zoo_ms"]) for r in rows)
ts = statistics.median(float(r["torchscript_ms"]) for r in rows)
print("| round (8 nodes, Fashion-MNIST, cnn-small) | zoo (ms, median) | TorchScript (ms, median) | TorchScript ÷ zoo, median [interval] | ≤ 1.15 |")
print("|---|---|---|---|---|")
met = "met" if k and ratios[n - k] < 1.15 else "**not met**"
print(f"| whole round, rounds 11–60 | {zoo:.1f} | {ts:.1f} | {statistics.median(ratios):.3f} {interval} | {met} |")
