#!/usr/bin/env bash
# Bytes actually sent over the transport per round: one server and two worker processes on
# loopback, once with a 1-bit preset and once with the float32 baseline, reading the loopback
# interface's byte counter (/proc/net/dev) around each run. Usage: scripts/wire-bytes.sh [rounds]
set -euo pipefail
cd "$(dirname "$0")/.."
rounds=${1:-40}
dotnet build src/Host -c Release -v q -nologo > /dev/null
host="dotnet src/Host/bin/Release/net10.0/signactors.dll"
work=$(mktemp -d)
lo_bytes() { awk '/^ *lo:/ { print $2 }' /proc/net/dev; }

measure() { # preset port
  local preset=$1 port=$2 conf="$work/$1.conf"
  cat > "$conf" <<CONF
signactors {
  nodes = 4
  rounds = $rounds
  evaluation.every = 0
  verify-replicas = off
  model { name = cnn-small, batch-size = 8 }
  algorithm.preset = $preset
  learning-rate.initial = 0.001
  data.synthetic { train-per-class = 5, test-per-class = 1 }
  data.cache-directory = "$work/cache"
  output.directory = "$work/runs"
  log-level = warning
  cluster { port = $port, seed-nodes = ["akka.tcp://signactors@127.0.0.1:$port"] }
}
CONF
  $host run "$conf" > /dev/null   # generate the data outside the measurement
  local before; before=$(lo_bytes)
  $host server --config "$conf" > "$work/$preset-server.txt" 2>&1 &
  local server=$!
  $host worker --config "$conf" --nodes 0-1 > /dev/null 2>&1 &
  $host worker --config "$conf" --nodes 2-3 > /dev/null 2>&1 &
  wait
  local after; after=$(lo_bytes)
  echo $(( (after - before) / rounds ))
}

sign=$(measure mvsm-v1 4861)
dense=$(measure sgd 4862)
d=254084
echo "| preset | bytes on loopback per round (4 nodes, d = $d) | vs float32 |"
echo "|---|---|---|"
echo "| mvsm-v1 (1-bit up and down) | $sign | $(awk "BEGIN { printf \"%.4f\", $sign / $dense }") |"
echo "| sgd (float32 up and down) | $dense | 1.0000 |"
echo "payload alone: 4 votes + 4 aggregates of ⌈d/8⌉ = $(( 8 * (d + 7) / 8 )) bytes vs 4·d·4 · 2 = $(( 8 * 4 * d )) bytes (1/32)"
rm -rf "$work"
