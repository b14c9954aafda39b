#!/usr/bin/env bash
# Centralised signSGD on the default run's data and model, batch 32, 800 steps (the default run's rounds),
# for η ∈ {0.0005, 0.001, 0.002}: first with 10 % held out for validation (to choose η), then the chosen η
# on the whole training set. Usage: docs/learning/baseline-sweep.sh [signactors command]
set -euo pipefail
cd "$(dirname "$0")/../.."
signactors=${1:-"dotnet run --project src/Host -c Release --"}
out=docs/learning/baseline
mkdir -p "$out"
printf 'signactors.data.validation = 0.1\n' > "$out/validation.conf"
for eta in 0.0005 0.001 0.002; do
  [ -s "$out/signsgd-validation-$eta.md" ] || $signactors baseline "$out/validation.conf" --optimizer signsgd --steps 800 --lr $eta > "$out/signsgd-validation-$eta.md"
done
