#!/bin/bash
cd /tmp/netlab-exp
for rate in 1gbit 100mbit; do for model in cnn-small resnet18; do for m in signum sgd; do
  out=/tmp/netlab-exp/out/$model-$m-$rate
  [ -f $out/done ] && continue
  rm -rf $out
  echo "$(date -u +%T) start $model $m $rate" >> /tmp/netlab-exp/times
  /work/main/scripts/netlab --config /tmp/netlab-exp/$model-$m.conf --rate $rate --workers 4 --output $out --dll /tmp/nl-bin/signactors.dll > $out.log 2>&1 && touch $out/done
  echo "$(date -u +%T) end $model $m $rate rc=$?" >> /tmp/netlab-exp/times
done; done; done
for m in signum sgd; do
  out=/tmp/netlab-exp/out/fmnist-$m-100mbit
  [ -f $out/done ] && continue
  rm -rf $out
  echo "$(date -u +%T) start fmnist $m" >> /tmp/netlab-exp/times
  /work/main/scripts/netlab --config /tmp/netlab-exp/fmnist-$m.conf --rate 100mbit --workers 4 --output $out --dll /tmp/nl-bin/signactors.dll > $out.log 2>&1 && touch $out/done
  echo "$(date -u +%T) end fmnist $m rc=$?" >> /tmp/netlab-exp/times
done
