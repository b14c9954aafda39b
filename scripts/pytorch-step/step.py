#!/usr/bin/python3
"""The minimal training loop of `signactors bench --suite training`, in PyTorch (issue 31 §2).

The same modules as src/Training/Models/ModelZoo.cs (cnn-small, and the CIFAR ResNet-18 with
GroupNorm and the sampled 1x1 projection), forward + cross-entropy + backward on one batch made
once, at a given thread count. Run with Debian's python3-torch (1.13):

    /usr/bin/python3 scripts/pytorch-step/step.py --models cnn-small resnet18 --threads 1 --repeats 6

Prints the median ms per step of each repeat (each repeat: at least --min-ms of steps after a
warm-up), then one line per model: the median over repeats. Context only: PyTorch 1.13 and
libtorch 2.10 differ by version.
"""
import argparse
import statistics
import time

import torch
from torch import nn
import torch.nn.functional as F


def norm(c):
    return nn.GroupNorm(min(32, c), c)


def cnn_small(channels, classes):
    def block(i, o, s):
        return [nn.Conv2d(i, o, 3, stride=s, padding=1, bias=False), nn.GroupNorm(8, o), nn.ReLU()]
    return nn.Sequential(*block(channels, 32, 1), *block(32, 64, 2), *block(64, 128, 2), *block(128, 128, 2),
                         nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(128, classes))


class Projection(nn.Module):
    def __init__(self, i, o, stride):
        super().__init__()
        self.conv, self.norm, self.stride = nn.Conv2d(i, o, 1, bias=False), norm(o), stride

    def forward(self, x):
        if self.stride != 1:
            x = x[:, :, ::self.stride, ::self.stride]
        return self.norm(self.conv(x))


class BasicBlock(nn.Module):
    def __init__(self, i, w, stride):
        super().__init__()
        self.conv1, self.norm1 = nn.Conv2d(i, w, 3, stride=stride, padding=1, bias=False), norm(w)
        self.conv2, self.norm2 = nn.Conv2d(w, w, 3, padding=1, bias=False), norm(w)
        self.shortcut = None if stride == 1 and i == w else Projection(i, w, stride)

    def forward(self, x):
        h = F.relu(self.norm1(self.conv1(x)))
        h = self.norm2(self.conv2(h))
        return F.relu(h + (x if self.shortcut is None else self.shortcut(x)))


class ResNet18(nn.Module):
    def __init__(self, channels, classes):
        super().__init__()
        self.stem, self.stem_norm = nn.Conv2d(channels, 64, 3, padding=1, bias=False), norm(64)
        layers, c = [], 64
        for stage in range(4):
            w = 64 << stage
            for b in range(2):
                layers.append(BasicBlock(c, w, 2 if stage > 0 and b == 0 else 1))
                c = w
        self.stages, self.fc = nn.Sequential(*layers), nn.Linear(c, classes)

    def forward(self, x):
        h = F.relu(self.stem_norm(self.stem(x)))
        h = F.adaptive_avg_pool2d(self.stages(h), 1).flatten(1)
        return self.fc(h)


MODELS = {"cnn-small": cnn_small, "resnet18": ResNet18}


def median_ms(step, min_ms):
    step()  # warm-up
    times, total = [], 0.0
    while len(times) < 3 or total < min_ms:
        t0 = time.perf_counter()
        step()
        ms = (time.perf_counter() - t0) * 1000
        times.append(ms)
        total += ms
    return statistics.median(times)


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--models", nargs="+", default=["cnn-small", "resnet18"])
    p.add_argument("--batch", type=int, default=32)
    p.add_argument("--threads", type=int, default=1)
    p.add_argument("--repeats", type=int, default=6)
    p.add_argument("--min-ms", type=float, default=300)
    a = p.parse_args()
    torch.set_num_threads(a.threads)
    torch.manual_seed(1)
    print(f"# PyTorch {torch.__version__}, {a.threads} thread(s), batch {a.batch}: forward + cross-entropy + backward")
    for name in a.models:
        model = MODELS[name](3, 100)  # the synthetic CIFAR-100 set: 3×32×32, 100 classes
        model.train()
        x, y = torch.randn(a.batch, 3, 32, 32), torch.randint(100, (a.batch,))
        d = sum(p.numel() for p in model.parameters())

        def step():
            model.zero_grad()
            loss = F.cross_entropy(model(x), y)
            loss.backward()
            loss.item()

        runs = [median_ms(step, a.min_ms) for _ in range(a.repeats)]
        for i, ms in enumerate(runs):
            print(f"  {name:<10} repeat {i + 1}: {ms:9.1f} ms")
        print(f"{name}\td={d}\tmedian {statistics.median(runs):.1f} ms\trepeats {' '.join(f'{m:.1f}' for m in runs)}")


if __name__ == "__main__":
    main()
