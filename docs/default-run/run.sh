#!/usr/bin/env bash
# The default run, as a new user runs it (no config), N times one after another under /usr/bin/time:
# wall time, final hash and last test accuracy per run into docs/default-run/times.tsv (issue 31 §3).
#   docs/default-run/run.sh N
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
bin=$here/../../src/Host/bin/Release/net10.0/signactors
timing=$(mktemp)
for ((i = 1; i <= $1; i++)); do
  log=$(mktemp)
  (cd /tmp && /usr/bin/time -o "$timing" -f "%e	%U	%S	%M" "$bin" run > "$log" 2>&1)
  hash=$(sed -n 's/^final parameter hash //p' "$log")
  accuracy=$(sed -n 's/.*test accuracy \([0-9.]*\) %.*/\1/p' "$log" | tail -1)
  echo "$(date -u +%FT%TZ)	$(cat "$timing")	$hash	$accuracy" | tee -a "$here/times.tsv"
  cp "$log" "$here/run-$(date -u +%H%M%S).log"
done
