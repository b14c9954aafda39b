#!/usr/bin/env bash
# Centralised references for "What it learns": one replica on all of the federation's training records
# (10 % held out for validation, as in the federated runs), batch 32, 300 steps (the federated runs'
# rounds), signSGD η = 0.001 and SGD η = 0.05, seeds 1–3, on Fashion-MNIST and the synthetic set.
# Finished runs are kept in docs/learning/learns-centralised/ and skipped. Usage: learns-centralised.sh [signactors command]
set -euo pipefail
cd "$(dirname "$0")/../.."
signactors=${1:-"dotnet run --project src/Host -c Release --"}
out=docs/learning/learns-centralised
mkdir -p "$out"
for data in fashion-mnist synthetic; do
  for seed in 1 2 3; do
    conf="$out/$data-seed-$seed.conf"
    if [ $data = fashion-mnist ]; then
      printf 'signactors { seed = %s, data { source = idx, directory = /usr/share/datasets/fashion-mnist, validation = 0.1 } }\n' $seed > "$conf"
    else
      printf 'signactors { seed = %s, data { source = synthetic, validation = 0.1 } }\n' $seed > "$conf"
    fi
    for run in "signsgd 0.001" "sgd 0.05"; do
      set -- $run
      file="$out/$data-$1-seed-$seed.md"
      [ -s "$file" ] || $signactors baseline "$conf" --optimizer $1 --steps 300 --lr $2 > "$file"
    done
  done
done
