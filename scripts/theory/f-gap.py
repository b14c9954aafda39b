#!/usr/bin/env python3
"""f − f* of an experiment whose runs measured f on the whole training set (docs/claims/theory.md §3).

The runs' metrics.csv carry full_loss = f(x_t) at the rounds the stationarity measure drew
(`evaluation.stationarity-rounds`). Given f* (scripts/theory/logistic-f-star.py), per cell:
- the final gap: per run the mean of f(x_t) − f* over the drawn rounds in the last 10 % of the run;
- the slope of ln(f(x_t) − f*) on ln t over the drawn rounds in the last 90 % of the run, per run;
each as mean ± std [95 % Student-t interval] over the seeds that completed. With --compare
AXIS=VALUE, also the final gap's difference from that value's cell (the other axes equal), paired
by seed. With --plot-per AXIS, the plot `f-gap-<value>.png` per value of that axis draws per cell
the mean over seeds of f − f* in 40 equal bins of rounds, on a log scale. Needs SciPy and Matplotlib (apt-get install python3-scipy python3-matplotlib).
Usage: /usr/bin/python3 scripts/theory/f-gap.py DIR F_STAR [--plot-per AXIS] [--compare AXIS=VALUE]
"""
import argparse, csv, math, statistics
from collections import defaultdict
from pathlib import Path

import matplotlib
matplotlib.use("Agg")
import matplotlib.pyplot as plt
from scipy import stats

parser = argparse.ArgumentParser()
parser.add_argument("directory", type=Path)
parser.add_argument("f_star", type=float)
parser.add_argument("--plot-per")
parser.add_argument("--compare")
args = parser.parse_args()
root, f_star = args.directory, args.f_star


def interval(values):
    n = len(values)
    mean = statistics.fmean(values)
    if n < 2:
        return f"{mean:.4g} (1 seed)"
    std = statistics.stdev(values)
    half = stats.t.ppf(0.975, n - 1) * std / math.sqrt(n)
    return f"{mean:.4g} ± {std:.2g} [{mean - half:.4g}, {mean + half:.4g}]"


def final(rounds, points):
    return statistics.fmean(g for t, g in points if t > 0.9 * rounds)


cells = defaultdict(list)  # cell → [(rounds, [(t, gap)], seed)]
for row in csv.DictReader(open(root / "runs.csv")):
    run = root / "runs" / row["run"]
    if not (run / "outcome.txt").exists() or open(run / "outcome.txt").readline().strip() != "completed":
        continue
    rows = list(csv.DictReader(open(run / "metrics.csv")))
    points = [(int(r["round"]), float(r["full_loss"]) - f_star) for r in rows if r["full_loss"]]
    rounds = int(rows[-1]["round"])
    if points:
        cells[row["cell"]].append((rounds, points, row["run"].split("seed-")[1].split("_")[0]))

print("| cell | seeds | f − f* over the last 10 % of rounds | slope of ln(f − f*) on ln t, last 90 % | smallest f − f* drawn |")
print("|---|---|---|---|---|")
for cell, runs in cells.items():
    finals, slopes = [], []
    for rounds, points, _ in runs:
        finals.append(statistics.fmean(g for t, g in points if t > 0.9 * rounds))
        tail = [(math.log(t), math.log(g)) for t, g in points if t > 0.1 * rounds and g > 0]
        slopes.append(statistics.linear_regression([x for x, _ in tail], [y for _, y in tail]).slope)
    smallest = min(g for _, points, _ in runs for _, g in points)
    print(f"| {cell} | {len(runs)} | {interval(finals)} | {interval(slopes)} | {smallest:.3g} |")

if args.compare:
    axis, baseline = args.compare.split("=", 1)
    print(f"\nFinal f − f* minus that of {axis} = {baseline}, the other axes equal, paired by seed:\n")
    print("| cell | pairs | Δ (f − f*) over the last 10 % of rounds | differs? |")
    print("|---|---|---|---|")
    for cell, runs in cells.items():
        parts = dict(kv.split("=", 1) for kv in cell.split())
        if parts.get(axis) == baseline:
            continue
        parts[axis] = baseline
        base = {seed: final(r, p) for r, p, seed in cells.get(" ".join(f"{k}={v}" for k, v in parts.items()), [])}
        deltas = [final(r, p) - base[seed] for r, p, seed in runs if seed in base]
        if len(deltas) < 2:
            continue
        half = stats.t.ppf(0.975, len(deltas) - 1) * statistics.stdev(deltas) / math.sqrt(len(deltas))
        mean = statistics.fmean(deltas)
        verdict = "lower" if mean + half < 0 else "higher" if mean - half > 0 else "no (0 in the interval)"
        print(f"| {cell} | {len(deltas)} | {interval(deltas)} | {verdict} |")

if args.plot_per:
    groups = defaultdict(dict)
    for cell, runs in cells.items():
        parts = dict(kv.split("=", 1) for kv in cell.split())
        value = parts.pop(args.plot_per)
        groups[value][" ".join(parts.values())] = runs
    for value, lines in groups.items():
        fig, ax = plt.subplots(figsize=(8, 5))
        for label, runs in lines.items():
            rounds = runs[0][0]
            width = rounds / 40
            bins = defaultdict(list)
            for _, points, _ in runs:
                for t, g in points:
                    bins[min(int((t - 1) // width), 39)].append(g)
            xs = sorted(bins)
            ax.plot([(b + 0.5) * width for b in xs], [statistics.fmean(bins[b]) for b in xs], label=label)
        ax.set_yscale("log")
        ax.set_xlabel("round")
        ax.set_ylabel("f(x_t) − f*  (whole training set)")
        ax.set_title(f"{root.name}: {args.plot_per} = {value}")
        ax.legend()
        fig.tight_layout()
        fig.savefig(root / f"f-gap-{value}.png", dpi=110)
        print(f"wrote {root / f'f-gap-{value}.png'}")
