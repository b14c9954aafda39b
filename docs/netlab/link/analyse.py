#!/usr/bin/env python3
"""Issue "Large messages never starve the cluster", measured with scripts/netlab (run.sh beside
this file): 4 worker hosts, 8 nodes, reference settings (stable-after 5 s, Akka's failure-detector
defaults). Reads runs/ and writes results.md beside this file.

- float32 resnet18 (SGD on the mean), 5 rounds at 100 Mbit/s and 1 Gbit/s through the host link:
  round time (median of rounds 2..5) against the patient-resolver figure before the link
  (docs/netlab/rounds/resnet18-sgd-*-patient, median of rounds 2..4), repeated votes, members
  downed or unreachable (the server's log), and the longest heartbeat gap the server saw. The
  first runs drew the model's initial parameters on the thread pool, which starved the workers'
  heartbeats in round 1; the initthreads runs are the same after that moved to threads of its own.
- Signum-MV resnet18, interleaved pairs: main before the link (base) and with it (link), round
  time = median of rounds 2..4; per pair link / base; the median ratio with a distribution-free
  95 % interval (order statistics [x(k), x(n+1-k)], k the largest with P(B(n, 1/2) <= k-1) <= 2.5 %).
- cnn-small, both methods and rates, one run each (docs/cluster.md's table)."""
import csv, math, os, re, statistics, sys

here = os.path.dirname(os.path.abspath(__file__))
runs = sys.argv[1] if len(sys.argv) > 1 else os.path.join(here, "runs")


def median_interval(values):
    xs, n = sorted(values), len(values)
    tail = lambda k: sum(math.comb(n, i) for i in range(k)) / 2 ** n
    k = max([k for k in range(1, n // 2 + 1) if tail(k) <= 0.025], default=1)
    return xs[k - 1], xs[n - k], 1 - 2 * tail(k)


def rows(d):
    with open(os.path.join(d, "metrics.csv")) as f:
        return list(csv.DictReader(f))


def round_s(d):
    return statistics.median(float(r["wall_ms"]) for r in rows(d)[1:]) / 1000


def log(d):
    return open(os.path.join(d, "server.log")).read()


def run_log(d):  # the server's NLog file; absent when it logged nothing
    path = os.path.join(d, "run.log")
    return open(path).read() if os.path.exists(path) else ""


out = []
patient = {rate: round_s(os.path.join(here, "..", "rounds", f"resnet18-sgd-{rate}-patient")) for rate in ("100mbit", "1gbit")}
out += ["## float32 resnet18 through the host link (reference settings)", "",
        "| link | rounds | round (s, median of 2..) | before, stable-after 300 s (s) | ÷ before (target ≤ 1.1) | compute (s) | repeated votes | late votes | downed or unreachable | longest heartbeat gap (s): whole run / after round 1 | gaps ≥ 2 s (Akka's warnings) | participation |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|"]
labels = {"resnet18-sgd-100mbit": "", "resnet18-sgd-1gbit": "", "resnet18-sgd-window8-100mbit": " (window 8)",
          "resnet18-sgd-initthreads-100mbit": " (model init off the thread pool)", "resnet18-sgd-initthreads-1gbit": " (model init off the thread pool)"}
for name, label in labels.items():
    rate = name.split("-")[-1]
    d = os.path.join(runs, name)
    if not os.path.exists(os.path.join(d, "metrics.csv")):
        continue
    r, text = rows(d), log(d)
    gaps = re.search(r"heartbeats: longest gap ([\d.]+) s \(from [^;)]+(?:; ([\d.]+) s after round 1)?\)", text)
    over2 = len(re.findall(r"heartbeat interval is growing too large", run_log(d)))
    lost = len(re.findall(r"is gone", text)) + len(re.findall(r"UNREACHABLE|[Dd]owning", run_log(d)))
    part = open(os.path.join(d, "outcome.txt")).read().strip().splitlines()[-1]
    wall = round_s(d)
    out.append(f"| {rate}{label} | {len(r)} | {wall:.2f} | {patient[rate]:.2f} | **{wall / patient[rate]:.2f}** | {statistics.median(float(x['slowest_compute_ms']) for x in r[1:]) / 1000:.2f} "
               f"| {sum(int(x['votes_repeated']) for x in r)} | {sum(int(x['votes_late']) for x in r)} | {lost} | {gaps[1] if gaps else '?'} / {gaps[2] or '?' if gaps else '?'} | {over2} | {part} |")

out += ["", "## Signum-MV resnet18: main before the link (base) and with it, interleaved pairs", "",
        "| link | pairs | base (s, median) | link (s, median) | link ÷ base, median [interval] (coverage) |", "|---|---|---|---|---|"]
for rate in ("100mbit", "1gbit"):
    pairs = []
    for i in range(1, 100):
        b, l = (os.path.join(runs, f"resnet18-signum-{rate}-{w}-{i}") for w in ("base", "link"))
        if all(os.path.exists(os.path.join(x, "metrics.csv")) for x in (b, l)):
            pairs.append((round_s(b), round_s(l)))
    if not pairs:
        out.append(f"| {rate} | 0 | | | |"); continue
    ratios = [l / b for b, l in pairs]
    low, high, coverage = median_interval(ratios)
    out.append(f"| {rate} | {len(pairs)} | {statistics.median(b for b, _ in pairs):.2f} | {statistics.median(l for _, l in pairs):.2f} "
               f"| **{statistics.median(ratios):.3f}** [{low:.3f}, {high:.3f}] ({coverage:.1%}) |")

out += ["", "## cnn-small through the host link, one run each", "",
        "| link | method | round (s, median of 2..) | compute (s) | bytes up + down per round | longest heartbeat gap (s) |", "|---|---|---|---|---|---|"]
for rate in ("1gbit", "100mbit"):
    for m in ("signum", "sgd"):
        d = os.path.join(runs, f"cnn-small-{m}-{rate}")
        if not os.path.exists(os.path.join(d, "metrics.csv")):
            continue
        r = rows(d)
        gaps = re.search(r"heartbeats: longest gap ([\d.]+) s", log(d))
        moved = statistics.median(float(x["bits_up"]) + float(x["bits_down"]) for x in r[1:]) / 8e6
        out.append(f"| {rate} | {m} | {round_s(d):.2f} | {statistics.median(float(x['slowest_compute_ms']) for x in r[1:]) / 1000:.2f} | {moved:.2f} MB | {gaps[1] if gaps else '?'} |")

# docs/cluster.md's table: prediction = slowest node's compute + (bits up + bits down) / rate (all cross the server's link).
rates = {"1gbit": 1e9, "100mbit": 1e8}
out += ["", "## Every cell: measured against compute + bits at link rate", "",
        "| model | link | method | runs | round (s) | up + down per round | compute (s) | bits at link rate (s) | predicted (s) | measured / predicted |",
        "|---|---|---|---|---|---|---|---|---|---|"]
for model in ("cnn-small", "resnet18"):
    for rate in ("1gbit", "100mbit"):
        for m in ("signum", "sgd"):
            names = [f"{model}-{m}-{rate}"] if not (model == "resnet18" and m == "signum") else [f"resnet18-signum-{rate}-link-{i}" for i in range(1, 100)]
            dirs = [os.path.join(runs, n) for n in names if os.path.exists(os.path.join(runs, n, "metrics.csv"))]
            if not dirs:
                continue
            steady = [x for d in dirs for x in rows(d)[1:]]
            wall = statistics.median(float(x["wall_ms"]) for x in steady) / 1000
            comp = statistics.median(float(x["slowest_compute_ms"]) for x in steady) / 1000
            bits = statistics.median(float(x["bits_up"]) + float(x["bits_down"]) for x in steady)
            pred = comp + bits / rates[rate]
            out.append(f"| {model} | {rate} | {'Signum-MV (1 bit)' if m == 'signum' else 'SGD, float32 mean'} | {len(dirs)} | {wall:.2f} | {bits / 8e6:.2f} MB | {comp:.2f} | {bits / rates[rate]:.3f} | {pred:.2f} | {wall / pred:.2f} |")

text = "\n".join(out)
print(text)
with open(os.path.join(here, "results.md"), "w") as f:
    f.write("# The host link on shaped links (docs/netlab/link/analyse.py)\n\n" + text + "\n")
