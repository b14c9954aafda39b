#!/usr/bin/env bash
# The embedded default run against centralised signSGD on the same data and model (issue "Learning that
# works" §6), in one script:
#  1. centralised signSGD (`baseline`, batch 32, as many steps as the default run has rounds) for
#     η ∈ {0.0005, 0.001, 0.002}, with 10 % of the training records held out; η is chosen on validation accuracy;
#  2. centralised signSGD with the chosen η on the whole training set;
#  3. the default run (`run`, embedded reference.conf) on the whole training set.
# Finished steps are kept in docs/learning/baseline/ and skipped. Usage: default-vs-centralised.sh [signactors command]
set -euo pipefail
cd "$(dirname "$0")/../.."
signactors=${1:-"dotnet run --project src/Host -c Release --"}
out=docs/learning/baseline
steps=800   # the default run's rounds (reference.conf)
mkdir -p "$out"
printf 'signactors.data.validation = 0.1\n' > "$out/validation.conf"
best=""; best_acc=-1
for eta in 0.0005 0.001 0.002; do
  file="$out/signsgd-validation-$eta.md"
  [ -s "$file" ] || $signactors baseline "$out/validation.conf" --optimizer signsgd --steps $steps --lr $eta > "$file"
  acc=$(grep "^| $steps |" "$file" | awk -F'|' '{gsub(/[ %]/, "", $6); print $6}')
  echo "centralised signSGD, η = $eta: validation accuracy $acc % after $steps steps"
  if awk "BEGIN { exit !($acc > $best_acc) }"; then best=$eta; best_acc=$acc; fi
done
echo "chosen on validation: η = $best"
final="$out/signsgd-full-$best.md"
[ -s "$final" ] || $signactors baseline --optimizer signsgd --steps $steps --lr $best > "$final"
central=$(grep "^| $steps |" "$final" | awk -F'|' '{gsub(/[ %]/, "", $8); print $8}')
run="$out/default-run.txt"
[ -s "$run" ] || $signactors run > "$run"
federated=$(grep "^last evaluation" "$run" | sed -E 's/.*test accuracy ([0-9.]+) ?%.*/\1/')
echo "centralised signSGD (η = $best, $steps steps of batch 32): test accuracy $central %"
echo "default federated run ($steps rounds):                      test accuracy $federated %"
if awk "BEGIN { exit !($federated >= $central) }"; then echo "target met: federated ≥ centralised"; else echo "target NOT met: federated < centralised"; fi
