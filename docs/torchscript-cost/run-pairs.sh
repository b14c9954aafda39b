#!/usr/bin/env bash
# Whole federation rounds, zoo cnn-small against its TorchScript export, as interleaved pairs:
# hocon/fashion-mnist.conf and hocon/torchscript-fashion-mnist.conf (8 nodes, real Fashion-MNIST),
# 60 rounds each without evaluation; a run's round time is the median wall_ms of rounds 11-60.
# Usage (repository root, after a Release build): docs/torchscript-cost/run-pairs.sh [pairs] [out.tsv]
set -euo pipefail
pairs=${1:-6}
out=${2:-docs/torchscript-cost/run-pairs.tsv}
dll=${SIGNACTORS_DLL:-src/Host/bin/Release/net10.0/signactors.dll}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
for side in zoo torchscript; do
  base=$PWD/hocon/fashion-mnist.conf
  [ "$side" = torchscript ] && base=$PWD/hocon/torchscript-fashion-mnist.conf
  printf 'include "%s"\nsignactors { rounds = 60, evaluation.every = 0, output.directory = "%s/%s" }\n' "$base" "$work" "$side" > "$work/$side.conf"
done
round_ms() { # the median wall_ms of rounds 11-60 of the newest run of $1
  local dir; dir=$(ls -d "$work/$1"/*/ | tail -1)
  awk -F, 'NR > 11 { print $2 }' "$dir/metrics.csv" | sort -n | awk '{ a[NR] = $1 } END { print (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2 }'
}
echo -e "pair\torder\tzoo_ms\ttorchscript_ms\tratio" > "$out"
for p in $(seq 1 "$pairs"); do
  if [ $((p % 2)) -eq 1 ]; then order="zoo,torchscript"; else order="torchscript,zoo"; fi
  for side in ${order/,/ }; do dotnet "$dll" run "$work/$side.conf" > "$work/$side.log"; done
  zoo=$(round_ms zoo); ts=$(round_ms torchscript)
  ratio=$(awk -v a="$ts" -v b="$zoo" 'BEGIN { printf "%.4f", a / b }')
  echo -e "$p\t$order\t$zoo\t$ts\t$ratio" | tee -a "$out"
done
