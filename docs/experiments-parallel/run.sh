#!/usr/bin/env bash
# Runs per hour of an experiment grid, one run at a time (in the experiment's process, compute
# threads = cores) against --parallel 2 (two child processes, one compute thread each), as
# interleaved pairs whose order alternates; the experiment folder is removed before each.
#   docs/experiments-parallel/run.sh GRID.conf PAIRS    → appends to docs/experiments-parallel/<grid>.tsv:
#   pair, mode, wall s, runs, runs per hour, MD5 of every run's final hash line (the same in both modes)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
bin=$here/../../src/Host/bin/Release/net10.0/signactors
conf=$1; pairs=$2; name=$(basename "$conf" .conf); out=$here/$name.tsv
touch "$out"
for ((p = 1; p <= pairs; p++)); do
  if ((p % 2)); then modes=(sequential parallel); else modes=(parallel sequential); fi
  for mode in "${modes[@]}"; do
    grep -q "^$p	$mode	" "$out" && continue
    rm -rf "/tmp/signactors-parallel/$name"
    args=(); [[ $mode == parallel ]] && args=(--parallel 2)
    start=$(date +%s.%N)
    "$bin" experiment "$conf" "${args[@]}" > "/tmp/signactors-parallel-$name-$mode.log" 2>&1
    wall=$(echo "$(date +%s.%N) - $start" | bc)
    runs=$(ls "/tmp/signactors-parallel/$name/runs" | wc -l)
    hashes=$(cat /tmp/signactors-parallel/$name/runs/*/outcome.txt | grep "final parameter hash" | md5sum | cut -c1-12)
    echo "$p	$mode	$wall	$runs	$(echo "$runs * 3600 / $wall" | bc -l | xargs printf '%.0f')	$hashes" | tee -a "$out"
  done
done
