import csv, glob, os, statistics, sys
# Reads the committed runs: python3 docs/netlab/analyse.py [docs/netlab]
base = sys.argv[1] if len(sys.argv) > 1 else os.path.dirname(os.path.abspath(__file__))
rates = {'1gbit': 1e9, '100mbit': 1e8}
rows = []
for model in ['cnn-small', 'resnet18']:
    for rate in ['1gbit', '100mbit']:
        for m in ['signum', 'sgd']:
            d = f'{base}/rounds/{model}-{m}-{rate}'
            if os.path.exists(d + '-patient/outcome.txt') and open(d + '-patient/outcome.txt').readline().strip() == 'completed': d += '-patient'  # SBR stable-after 300 s
            f = glob.glob(d + '/metrics.csv')
            if not f or open(d + '/outcome.txt').readline().strip() != 'completed':
                rows.append((model, rate, m, None)); continue
            r = list(csv.DictReader(open(f[0])))
            steady = r[1:]  # rounds 2..: each waits for the previous aggregate to come down
            wall = statistics.median(float(x['wall_ms']) for x in steady) / 1000
            up = statistics.median(float(x['bits_up']) for x in steady)
            down = statistics.median(float(x['bits_down']) for x in steady)
            comp = statistics.median(float(x['slowest_compute_ms']) for x in steady) / 1000  # all 8 compute at once (4 hosts x 2 threads on 2 cores): the slowest ends the phase
            comm = (up + down) / rates[rate]
            rows.append((model, rate, m, dict(wall=wall, up=up, down=down, comp=comp, comm=comm, pred=comp + comm, measured_comm=wall - comp)))
print('| model | link | method | round (s) | bytes up + down per round | compute (s) | communication at link rate (s) | predicted (s) | measured / predicted |')
print('|---|---|---|---|---|---|---|---|---|')
for model, rate, m, x in rows:
    if x is None: print(f'| {model} | {rate} | {m} | not measured | | | | | |'); continue
    print(f"| {model} | {rate} | {m} | {x['wall']:.2f} | {(x['up']+x['down'])/8/1e6:.2f} MB | {x['comp']:.2f} | {x['comm']:.3f} | {x['pred']:.2f} | {x['wall']/x['pred']:.2f} |")
# ratios
def get(model, rate, m):
    for r in rows:
        if r[:3] == (model, rate, m): return r[3]
for model in ['cnn-small', 'resnet18']:
    for rate in ['1gbit', '100mbit']:
        s, f = get(model, rate, 'signum'), get(model, rate, 'sgd')
        if s and f:
            print(f"{model} {rate}: communication float32/1-bit at link rate {f['comm']/s['comm']:.1f}x; measured (wall - compute) {f['measured_comm']:.2f}/{s['measured_comm']:.2f} s = {f['measured_comm']/max(s['measured_comm'],1e-3):.1f}x; whole round {f['wall']/s['wall']:.2f}x")
# fashion-mnist time to 60 %
for m in ['signum', 'sgd']:
    f = glob.glob(f'{base}/fashion-mnist-100mbit/fmnist-{m}/metrics.csv')
    if not f: print(f'fmnist {m}: not measured'); continue
    r = list(csv.DictReader(open(f[0])))
    hit = next((x for x in r if x['test_accuracy'] and float(x['test_accuracy']) >= 0.6), None)
    last = [x for x in r if x['test_accuracy']][-1]
    print(f"fmnist {m}: 60% at round {hit['round'] if hit else None}, {float(hit['elapsed_s']) if hit else float('nan'):.1f} s; last eval round {last['round']} acc {float(last['test_accuracy'])*100:.1f}% at {float(last['elapsed_s']):.1f} s; median round {statistics.median(float(x['wall_ms']) for x in r[1:])/1000:.2f} s")
