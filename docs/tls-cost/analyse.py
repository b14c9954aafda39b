#!/usr/bin/env python3
"""Reads scripts/tls-cost's runs: per run the median round time (rounds 2..T; round 1 also loads
data and JIT-compiles), per pair TLS on / off, per cell the median ratio with a distribution-free
95 % interval for the median: the order statistics [x(k), x(n+1-k)] of the n pair ratios, k the
largest with P(Binomial(n, 1/2) <= k - 1) <= 2.5 % (n = 6: [min, max], 96.9 %; n = 10: the 2nd
and 9th, 97.9 %). Writes results.md beside this file."""
import csv, math, os, re, statistics, sys


def median_interval(values):
    xs, n = sorted(values), len(values)
    tail = lambda k: sum(math.comb(n, i) for i in range(k)) / 2 ** n  # P(B <= k - 1)
    k = max([k for k in range(1, n // 2 + 1) if tail(k) <= 0.025], default=1)
    return xs[k - 1], xs[n - k], 1 - 2 * tail(k)

runs = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(__file__), "runs")
cells = {}
for name in sorted(os.listdir(runs)):
    m = re.fullmatch(r"(.+)-(signum|sgd|mvsm-v1)-tls-(on|off)-pair-(\d+)", name)
    path = os.path.join(runs, name, "metrics.csv")
    if not m or not os.path.exists(path):
        continue
    with open(path) as f:
        rows = list(csv.DictReader(f))
    wall = statistics.median(float(r["wall_ms"]) for r in rows[1:])
    # CPU seconds of the three processes over the whole run (user + system), where GNU time recorded them.
    cpu_files = [os.path.join(runs, name, f"{p}.cpu") for p in ("server", "worker1", "worker2")]
    cpu = sum(sum(float(x) for x in open(f).read().split()[-2:]) for f in cpu_files) if all(os.path.exists(f) for f in cpu_files) else None
    cells.setdefault((m[1], m[2]), {}).setdefault(int(m[4]), {})[m[3]] = (wall, cpu)

lines = ["| model | votes | pairs | round, TLS off (ms, median) | round, TLS on (ms, median) | TLS on ÷ off, median [95 % interval] |", "|---|---|---|---|---|---|"]
for (model, preset), pairs in sorted(cells.items()):
    done = [p for p in pairs.values() if "on" in p and "off" in p]
    if not done:
        continue
    ratios = [p["on"][0] / p["off"][0] for p in done]
    low, high, coverage = median_interval(ratios)
    kind = "1-bit sign (Signum-MV)" if preset == "signum" else "float32 (SGD, mean)"
    lines.append(f"| {model} | {kind} | {len(done)} | {statistics.median(p['off'][0] for p in done):,.0f} | {statistics.median(p['on'][0] for p in done):,.0f} "
                 f"| {statistics.median(ratios):.3f} [{low:.3f}, {high:.3f}] ({coverage:.1%}) |")
cpu_lines = ["| model | votes | pairs | CPU s, TLS off (median) | CPU s, TLS on (median) | TLS on ÷ off, median [95 % interval] |", "|---|---|---|---|---|---|"]
for (model, preset), pairs in sorted(cells.items()):
    done = [p for p in pairs.values() if "on" in p and "off" in p and p["on"][1] and p["off"][1]]
    if not done:
        continue
    low, high, coverage = median_interval([p["on"][1] / p["off"][1] for p in done])
    cpu_lines.append(f"| {model} | {preset} | {len(done)} | {statistics.median(p['off'][1] for p in done):.1f} | {statistics.median(p['on'][1] for p in done):.1f} "
                     f"| {statistics.median(p['on'][1] / p['off'][1] for p in done):.3f} [{low:.3f}, {high:.3f}] ({coverage:.1%}) |")
table = "\n".join(lines) + "\n\nCPU time of the server and both workers over the whole run, where recorded:\n\n" + "\n".join(cpu_lines)
print(table)
with open(os.path.join(os.path.dirname(os.path.abspath(__file__)), "results.md"), "w") as f:
    f.write("# Mutual TLS: round time with TLS on ÷ off (scripts/tls-cost)\n\n" + table + "\n")
