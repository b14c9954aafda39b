#!/usr/bin/env python3
"""Summarises docs/memory/<study>/times.tsv (written by run.sh) as a markdown table.

Columns of times.tsv: pair, variant, elapsed s, user s, system s, minor faults, peak RSS KiB, hash.
Per variant: medians of wall time, rounds/s (from the median round after round 1 where
times.tsv has it, else rounds ÷ the whole run's wall time), system share of CPU time (system ÷ (user + system)), minor faults
and peak RSS; then each variant's wall time ÷ the first variant's ("off": glibc's defaults) as
interleaved pairs: median ratio and its 95 % interval (order statistics [x(k), x(n+1-k)], k the
largest with P(B(n, 1/2) <= k-1) <= 2.5 %).
    python3 docs/memory/analyse.py docs/memory/default [rounds]
"""
import math
import statistics
import sys
from collections import defaultdict


def binom_half_cdf(n, m):
    return sum(math.comb(n, i) for i in range(m + 1)) / 2 ** n


def median_interval(values):
    x, n = sorted(values), len(values)
    k = 0
    while k + 1 <= n // 2 and binom_half_cdf(n, k) <= 0.025:
        k += 1
    if k == 0:
        return float("nan"), float("nan"), 0.0
    return x[k - 1], x[n - k], 1 - 2 * binom_half_cdf(n, k - 1)


def main():
    study = sys.argv[1]
    rounds = int(sys.argv[2]) if len(sys.argv) > 2 else None
    runs = defaultdict(dict)
    order = []
    for line in open(f"{study}/times.tsv"):
        p, v, e, u, s, faults, rss, h, *rest = line.rstrip("\n").split("\t")
        runs[v][int(p)] = dict(wall=float(e), user=float(u), sys=float(s), faults=int(faults), rss=int(rss) / 1024 / 1024, hash=h,
                               round_ms=float(rest[0]) if rest and rest[0] else None)
        if v not in order:
            order.append(v)
    base = order[0]
    head = "| variant | runs | wall s | system ÷ CPU | minor faults | peak RSS GiB |" + (" rounds/s |" if rounds else "") + " wall ÷ off, median [interval] (coverage) | hashes |"
    print(head)
    print("|" + "---|" * (head.count("|") - 1))
    for v in order:
        r = list(runs[v].values())
        wall = statistics.median(x["wall"] for x in r)
        share = statistics.median(x["sys"] / (x["user"] + x["sys"]) for x in r)
        faults = statistics.median(x["faults"] for x in r)
        rss = statistics.median(x["rss"] for x in r)
        pairs = [runs[v][p]["wall"] / runs[base][p]["wall"] for p in runs[v] if p in runs[base]]
        lo, hi, cov = median_interval(pairs)
        ratio = "—" if v == base else f"{statistics.median(pairs):.3f} [{lo:.3f}, {hi:.3f}] ({cov:.1%})"
        hashes = ", ".join(sorted({x["hash"] for x in r}))
        rate = f" {rounds / wall:.2f} |" if rounds else ""
        if all(x["round_ms"] for x in r):
            rate = f" {1000 / statistics.median(x['round_ms'] for x in r):.3f} |"
        print(f"| {v} | {len(r)} | {wall:.1f} | {share:.1%} | {faults:,.0f} | {rss:.2f} |{rate} {ratio} | {hashes} |")


if __name__ == "__main__":
    main()
