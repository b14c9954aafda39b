"""Makes the TorchScript fixtures the tests load (tests/SignActors.Tests/Models/TorchScript/*.pt).

Run with Debian's python (it has torch 1.13: apt-get install python3-torch):
    /usr/bin/python3 scripts/torchscript-fixtures/make.py tests/SignActors.Tests/Models/TorchScript
The files are committed, so CI needs no Python. Parameters are left as PyTorch initialised them
under a fixed seed: x_1 of a TorchScript run is the file's saved values.
"""
import os
import sys
from collections import OrderedDict

import torch
from torch import nn


def cnn_small(channels, classes):
    """The zoo's cnn-small, layer for layer and name for name (src/Training/Models/ModelZoo.cs)."""
    layers = OrderedDict()
    widths = [channels, 32, 64, 128, 128]
    for i in range(4):
        layers[f"conv{i + 1}"] = nn.Conv2d(widths[i], widths[i + 1], 3, stride=1 if i == 0 else 2, padding=1, bias=False)
        layers[f"norm{i + 1}"] = nn.GroupNorm(8, widths[i + 1])
        layers[f"relu{i + 1}"] = nn.ReLU()
    layers["pool"] = nn.AdaptiveAvgPool2d(1)
    layers["flatten"] = nn.Flatten()
    layers["fc"] = nn.Linear(128, classes)
    return nn.Sequential(layers)


class Tiny(nn.Module):
    """A small classifier for the refusal cases: flatten, linear, optionally a norm or dropout."""

    def __init__(self, inputs, classes, extra=None):
        super().__init__()
        self.fc = nn.Linear(inputs, classes)
        self.extra = extra if extra is not None else nn.Identity()

    def forward(self, x):
        return self.extra(self.fc(x.flatten(1)))


def save(module, directory, name, trace_input=None):
    module.train()
    scripted = torch.jit.trace(module, trace_input) if trace_input is not None else torch.jit.script(module)
    path = os.path.join(directory, name)
    scripted.save(path)
    print(f"{path}: {sum(p.numel() for p in module.parameters())} parameters")


def main(directory):
    os.makedirs(directory, exist_ok=True)
    torch.manual_seed(2026)
    # Fashion-MNIST's shape: 1 channel, 10 classes (d = 241,898), scripted and traced.
    save(cnn_small(1, 10), directory, "cnn-small-1x10.pt")
    # 16-pixel one-channel images (the tests' small sets), 3 classes.
    save(Tiny(16, 3), directory, "tiny-16x3.pt")
    save(Tiny(16, 3), directory, "tiny-16x3-traced.pt", torch.zeros(2, 1, 4, 4))  # torch.jit.trace instead of script
    save(Tiny(16, 5), directory, "tiny-16x5.pt")                               # a wrong output size for 3 classes
    save(Tiny(16, 3, nn.BatchNorm1d(3)), directory, "tiny-batchnorm.pt")      # running statistics change in training
    save(Tiny(16, 3, nn.Dropout(0.5)), directory, "tiny-dropout.pt")          # random in training mode
    frozen = Tiny(16, 3)
    frozen.fc.bias.requires_grad_(False)
    save(frozen, directory, "tiny-frozen-bias.pt")                            # a parameter that is not trained
    save(Tiny(16, 3).double(), directory, "tiny-float64.pt")                  # float64 parameters


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "tests/SignActors.Tests/Models/TorchScript")
