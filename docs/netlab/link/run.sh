#!/bin/bash
# The host link's netlab campaign (docs/cluster.md, "Large messages"); resumable: a run with a done
# marker is skipped. As root, from the repository root, with two builds:
#   docs/netlab/link/run.sh NEW_BUILD_DIR BASE_BUILD_DIR [OUT]
# NEW: this commit's `dotnet build src/Host -c Release -o DIR`; BASE: the same of main before the
# link (095a065). Then: collect.sh OUT, and python3 docs/netlab/link/analyse.py.
set -u
here="$(cd "$(dirname "$0")" && pwd)" repo="$(cd "$(dirname "$0")/../../.." && pwd)"
new="$1" base="$2" out="${3:-/tmp/netlab-link}"
mkdir -p "$out"
run() { # name config rate build
  local dir="$out/$1"
  [ -f "$dir/done" ] && return
  rm -rf "$dir"
  echo "$(date -u +%T) start $1" >> "$out/times"
  "$repo/scripts/netlab" --config "$here/configs/$2.conf" --rate "$3" --workers 4 --output "$dir" --dll "$4/signactors.dll" --timeout 1500 > "$dir.log" 2>&1 && touch "$dir/done"
  echo "$(date -u +%T) end $1 rc=$?" >> "$out/times"
}
for rate in 100mbit 1gbit; do run resnet18-sgd-$rate resnet18-sgd $rate "$new"; done
run resnet18-sgd-window8-100mbit resnet18-sgd-window8 100mbit "$new"
for rate in 100mbit 1gbit; do for m in signum sgd; do run cnn-small-$m-$rate cnn-small-$m $rate "$new"; done; done
# The float32 runs again once a model's initial parameters were drawn off the thread pool (the
# runs above drew them on it, at 52bb032 with window 4, and the workers' heartbeats starved in round 1).
for rate in 100mbit 1gbit; do run resnet18-sgd-initthreads-$rate resnet18-sgd $rate "$new"; done
for i in 1 2 3 4 5 6; do for rate in 100mbit 1gbit; do
  run resnet18-signum-$rate-base-$i resnet18-signum $rate "$base"
  run resnet18-signum-$rate-link-$i resnet18-signum $rate "$new"
done; done
