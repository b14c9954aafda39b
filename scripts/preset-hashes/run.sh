#!/usr/bin/env bash
# The final parameter hash of a 40-round run per preset (the MLP on the default synthetic set, 8
# nodes; ssvr and the single-node forms of signsgd, ef-signsgd and lion at n = 1), and of Signum
# under each Byzantine attack and a crash: what a refactoring must not change.
#   scripts/preset-hashes/run.sh            writes the table to stdout
#   scripts/preset-hashes/run.sh --check    compares it with scripts/preset-hashes/expected.tsv (exit 1 on any difference)
# Run from the repository root after a Release build.
set -euo pipefail
dll=${SIGNACTORS_DLL:-src/Host/bin/Release/net10.0/signactors.dll}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cases=()
for p in signsgd signum sto-signsgd mvsm-v1 mvsm-v2 ssvr-mv ssdm scaled-signsgd ef-signsgd lion lion-mv sgd sgdm adamw median-sgd trimmed-mean-sgd krum-sgd; do cases+=("$p 8"); done
for p in ssvr signsgd ef-signsgd lion; do cases+=("$p 1"); done
table="$work/table.tsv"
for c in "${cases[@]}"; do
  read -r preset nodes <<< "$c"
  printf 'signactors { nodes = %s, rounds = 40, evaluation.every = 0, model.name = mlp, algorithm.preset = %s, output.directory = "%s/runs" }\n' "$nodes" "$preset" "$work" > "$work/c.conf"
  dotnet "$dll" run "$work/c.conf" > "$work/out.txt" 2>&1 || true   # a run that diverges stops: its hash and round count still pin it
  hash=$(sed -n 's/^final parameter hash //p' "$work/out.txt")
  end=$(grep -oE '^(done: [0-9]+ rounds|stopped after round [0-9]+)' "$work/out.txt" || echo "no outcome")
  printf '%s\t%s\t%s\t%s\n' "$preset" "$nodes" "$end" "$hash" | tee -a "$table"
done
# Faults with wait-all rounds (a deadline would make the hash depend on timing): each attack on two
# Byzantine nodes, and a crash with its rejoin by snapshot.
for extra in "byzantine = [ { first = 2, attack = sign-flip } ]" "byzantine = [ { first = 2, attack = random } ]" \
             "byzantine = [ { first = 2, attack = colluding } ]" "byzantine = [ { first = 2, attack = omniscient } ]" \
             "byzantine = [ { first = 2, attack = alie } ]" "byzantine = [ { first = 2, attack = ipm } ]" \
             "crashes = [ { nodes = [5], at-round = 10, for-rounds = 5 } ]"; do
  printf 'signactors { rounds = 40, evaluation.every = 0, model.name = mlp, algorithm.preset = signum, output.directory = "%s/runs", faults { %s } }\n' "$work" "$extra" > "$work/c.conf"
  dotnet "$dll" run "$work/c.conf" > "$work/out.txt" 2>&1 || true
  hash=$(sed -n 's/^final parameter hash //p' "$work/out.txt")
  end=$(grep -oE '^(done: [0-9]+ rounds|stopped after round [0-9]+)' "$work/out.txt" || echo "no outcome")
  printf 'signum, %s\t8\t%s\t%s\n' "$extra" "$end" "$hash" | tee -a "$table"
done
if [ "${1:-}" = "--check" ] || [ "${CHECK:-}" = 1 ]; then diff <(cat scripts/preset-hashes/expected.tsv) "$table" && echo "all hashes as expected"; fi
