#!/usr/bin/env python3
"""Table of docs/experiments-parallel/<grid>.tsv files (written by run.sh): per grid, runs per hour
(median) one at a time and with --parallel 2, and the paired ratio of runs per hour
(parallel ÷ sequential, pair by pair) as a median with its 95 % interval (order statistics
[x(k), x(n+1-k)], k the largest with P(B(n, 1/2) <= k-1) <= 2.5 %).
    python3 docs/experiments-parallel/analyse.py docs/experiments-parallel/*.tsv
"""
import math
import os
import statistics
import sys


def interval(values):
    x, n = sorted(values), len(values)
    cdf = lambda m: sum(math.comb(n, i) for i in range(m + 1)) / 2 ** n
    k = 0
    while k + 1 <= n // 2 and cdf(k) <= 0.025:
        k += 1
    return (x[k - 1], x[n - k], 1 - 2 * cdf(k - 1)) if k else (float("nan"), float("nan"), 0.0)


print("| grid | runs | pairs | runs/h one at a time (median) | runs/h, --parallel 2 (median) | parallel ÷ one at a time, median [interval] (coverage) | same hashes |")
print("|---|---|---|---|---|---|---|")
for path in sys.argv[1:]:
    rows = [l.rstrip("\n").split("\t") for l in open(path) if l.strip()]
    by = {}
    for p, mode, wall, runs, per_hour, hashes in rows:
        by.setdefault(int(p), {})[mode] = (float(wall), int(runs), hashes)
    pairs = [v for v in by.values() if len(v) == 2]
    seq = [3600 * v["sequential"][1] / v["sequential"][0] for v in pairs]
    par = [3600 * v["parallel"][1] / v["parallel"][0] for v in pairs]
    ratios = [b / a for a, b in zip(seq, par)]
    lo, hi, cov = interval(ratios)
    same = len({h for v in pairs for (_, _, h) in v.values()}) == 1
    print(f"| {os.path.basename(path)[:-4]} | {pairs[0]['sequential'][1]} | {len(pairs)} | {statistics.median(seq):,.0f} | {statistics.median(par):,.0f} | "
          f"{statistics.median(ratios):.3f} [{lo:.3f}, {hi:.3f}] ({cov:.1%}) | {'yes' if same else 'NO'} |")
