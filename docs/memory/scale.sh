#!/usr/bin/env bash
# Peak memory of the scale suite's points (bench --suite scale, one child process a point) with
# glibc's defaults (SIGNACTORS_MALLOC=off) and with the values signactors sets, interleaved.
#   docs/memory/scale.sh OUTDIR "1000 10000" [ROUNDS]
# Appends to OUTDIR/scale.tsv: nodes, variant, elapsed s, user s, system s, minor faults, peak RSS KiB,
# then the point's own line (records, peak_rss, round_ms, gradients_per_s, …). Resumable.
set -euo pipefail
out=$1; sizes=$2; rounds=${3:-2}
bin=$(cd "$(dirname "$0")/../.." && pwd)/src/Host/bin/Release/net10.0/signactors
mkdir -p "$out"; touch "$out/scale.tsv"
timing=$(mktemp)
for n in $sizes; do
  for v in "off=SIGNACTORS_MALLOC=off" "kept="; do
    name=${v%%=*}; env=${v#*=}
    grep -q "^$n	$name	" "$out/scale.tsv" && continue
    line=$(env $env /usr/bin/time -o "$timing" -f "%e	%U	%S	%R	%M" "$bin" bench --suite scale --scale-point "$n,per-host,$rounds" | grep '^scale-point')
    echo "$n	$name	$(cat "$timing")	$line" >> "$out/scale.tsv"
  done
done
