#!/usr/bin/env bash
# Memory kept across steps (issue 31 §1): the same run with glibc's defaults (SIGNACTORS_MALLOC=off)
# and with the values the signactors process sets itself, as interleaved pairs, under /usr/bin/time.
# Variants beyond those two are given as glibc environment variables on top of SIGNACTORS_MALLOC=off.
#   docs/memory/run.sh CONFIG PAIRS OUTDIR [VARIANT=ENV ...]
# Appends one line per run to OUTDIR/times.tsv (resumable: a finished (pair, variant) is skipped):
# pair, variant, elapsed s, user s, system s, minor faults, peak RSS KiB, hash, median round ms after round 1.
set -euo pipefail
config=$1; pairs=$2; out=$3; shift 3
bin=$(cd "$(dirname "$0")/../.." && pwd)/src/Host/bin/Release/net10.0/signactors
mkdir -p "$out"
variants=("off=SIGNACTORS_MALLOC=off" "kept=" "$@")
touch "$out/times.tsv"
timing=$(mktemp)
for ((p = 1; p <= pairs; p++)); do
  for v in "${variants[@]}"; do
    name=${v%%=*}; env=${v#*=}
    grep -q "^$p	$name	" "$out/times.tsv" && continue
    log="$out/$name-$p.log"
    # elapsed s, user s, system s, minor faults, peak RSS KiB
    env $env /usr/bin/time -o "$timing" -f "%e	%U	%S	%R	%M" "$bin" run "$config" > "$log" 2>&1
    hash=$(grep -o 'final parameter hash [0-9a-f]*' "$log" | awk '{print $4}')
    # the median round's wall time after round 1 (metrics.csv's wall_ms), ms
    run=$(sed -n 's/^results: \([^ ]*\) .*/\1/p' "$log")
    round=$(awk -F, 'NR > 2 { print $2 }' "$run/metrics.csv" | sort -g | awk '{ a[NR] = $1 } END { print (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2 }')
    echo "$p	$name	$(cat "$timing")	${hash:0:16}	$round" >> "$out/times.tsv"
  done
done
