#!/usr/bin/env python3
"""Mean agreement per cell of an experiment folder (docs/claims/theory.md §2).

agreement (metrics.csv) is the fraction of the honest nodes' signs equal to the aggregate's, per
round. Per completed run: its mean over the rounds; per cell: mean ± std over the seeds, and n.
Usage: scripts/theory/agreement.py docs/claims/theory/heterogeneity
"""
import csv, statistics, sys
from collections import defaultdict
from pathlib import Path

root = Path(sys.argv[1])
cells = defaultdict(list)
for row in csv.DictReader(open(root / "runs.csv")):
    run = root / "runs" / row["run"]
    if not (run / "outcome.txt").exists() or open(run / "outcome.txt").readline().strip() != "completed":
        continue  # refused (no outcome) or stopped: as in summary.md, only completed runs count
    values = [float(r["agreement"]) for r in csv.DictReader(open(run / "metrics.csv")) if r["agreement"]]
    if values:
        cells[row["cell"]].append(statistics.fmean(values))
for cell, runs in cells.items():
    spread = statistics.stdev(runs) if len(runs) > 1 else float("nan")
    print(f"{cell}\t{statistics.fmean(runs):.4f}\t{spread:.4f}\t{len(runs)}")
