#!/bin/bash
cd /tmp/netlab-exp
for rate in 1gbit 100mbit; do
  out=/tmp/netlab-exp/out2/resnet18-sgd-$rate; rm -rf $out; mkdir -p /tmp/netlab-exp/out2
  echo "$(date -u +%T) start resnet18 sgd patient $rate" >> /tmp/netlab-exp/times
  /work/main/scripts/netlab --config /tmp/netlab-exp/resnet18-sgd-patient.conf --rate $rate --workers 4 --output $out --dll /tmp/nl-bin/signactors.dll > $out.log 2>&1 && touch $out/done
  echo "$(date -u +%T) end resnet18 sgd patient $rate rc=$?" >> /tmp/netlab-exp/times
done
