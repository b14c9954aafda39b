#!/bin/bash
# Copies what analyse.py reads from run.sh's output folder into runs/ (no parameter files).
here="$(cd "$(dirname "$0")" && pwd)" out="${1:-/tmp/netlab-link}"
for dir in "$out"/*/; do
  name=$(basename "$dir"); [ -f "$dir/done" ] || continue
  mkdir -p "$here/runs/$name"
  cp "$dir/server.log" "$here/runs/$name/"
  for f in metrics.csv outcome.txt participation.csv run.log; do cp "$dir"/*/"$f" "$here/runs/$name/" 2>/dev/null; done
  for w in 1 2 3 4; do # each worker's NLog file, named in its stdout
    log=$(grep -ho "log /tmp/signactors-worker-[^ ;]*" "$dir/worker$w.log" 2>/dev/null | cut -d' ' -f2)
    [ -n "$log" ] && [ -f "$log" ] && cp "$log" "$here/runs/$name/worker$w-run.log"
  done
done
