#!/usr/bin/env python3
"""Were any of the committed runs degraded? (issue 29, docs/experiments.md#degraded-runs)

Runs written before outcome.txt carried a participation line are checked on their metrics.csv,
whose columns come from the server's own counts, not from the participation ledger: a run lost
part of its federation unplanned if some round dropped a vote (votes_rejected > 0), had fewer
live nodes than `nodes` (live_nodes, where the column exists), or, under wait-all, applied fewer
votes than it invited (votes_accepted + votes_late < participants; before that column, fewer than
`nodes`, or than the most any round applied where the config is not committed). Under a deadline a
missed vote is the plan's. Runs with a participation line are read from it. A run that stopped
before its last round is counted apart: it is not a result a summary averages.

    python3 docs/participation-audit.py        # from the repository root
"""
import collections, csv, glob, os, re

def config_of(folder):
    path = os.path.join(folder, "config.conf")
    return open(path).read() if os.path.exists(path) else ""

def audit(metrics):
    folder = os.path.dirname(metrics)
    outcome = os.path.join(folder, "outcome.txt")
    lines = open(outcome).read().splitlines() if os.path.exists(outcome) else []
    if len(lines) >= 5 and lines[4].startswith("participation: "):
        return "line", lines[4].startswith("participation: degraded")
    conf = config_of(folder)
    nodes = re.search(r'\n\s*nodes = "?(\d+)', conf)
    deadline = re.search(r'round-policy = "?deadline', conf) is not None
    rows = list(csv.DictReader(open(metrics)))
    n = int(nodes.group(1)) if nodes else max([int(r["votes_accepted"]) for r in rows] or [0])
    degraded = False
    for r in rows:
        if int(r.get("votes_rejected") or 0) > 0:
            degraded = True
        if r.get("live_nodes") and int(r["live_nodes"]) < n:
            degraded = True
        invited = int(r["participants"]) if r.get("participants") else n
        if not deadline and int(r["votes_accepted"]) + int(r.get("votes_late") or 0) < invited:
            degraded = True
    return "metrics", degraded

def completed(metrics):
    outcome = os.path.join(os.path.dirname(metrics), "outcome.txt")
    if os.path.exists(outcome):
        return open(outcome).readline().strip() == "completed"
    return sum(1 for _ in open(metrics)) > 1  # benchmark runs without an outcome: some rounds closed

by_campaign = collections.defaultdict(lambda: [0, 0, 0, 0, 0])  # runs, stopped, read from the line, from metrics, degraded
for metrics in sorted(glob.glob("docs/**/metrics.csv", recursive=True)):
    campaign = "/".join(metrics.split("/")[1:3])
    c = by_campaign[campaign]
    c[0] += 1
    if not completed(metrics):
        c[1] += 1
        continue
    source, degraded = audit(metrics)
    c[2 if source == "line" else 3] += 1
    c[4] += degraded
print("| campaign | runs | stopped | completed, with a participation line | completed, checked on metrics.csv | degraded |")
print("|---|---|---|---|---|---|")
for campaign, c in sorted(by_campaign.items()):
    print("| " + " | ".join([campaign] + [str(x) for x in c]) + " |")
print("| all | " + " | ".join(str(sum(c[i] for c in by_campaign.values())) for i in range(5)) + " |")
