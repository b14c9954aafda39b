"""Turns a data set you can load in Python into the files `data.source = npy` reads.

    from to_signactors import save
    save("my-set", train_x, train_y, test_x, test_y, train_clients=writer_of_each_record)

writes my-set/train_x.npy, train_y.npy, test_x.npy, test_y.npy (and train_clients.npy), which a
config then names:

    signactors.data { source = npy, directory = my-set }                  # the tool partitions
    signactors { nodes = auto, data { source = npy, directory = my-set,  # one node per client
                                      partition.kind = natural } }

Images: any array-like of N images, N×H×W (one channel), N×C×H×W (PyTorch; layout = "nchw")
or N×H×W×C (TensorFlow, PIL; layout = "nhwc"); uint8 pixels are kept as bytes, anything else is
saved as float32 values. Labels: N integers 0..C−1. Clients: N integers, any ids (node i gets the
i-th smallest). A torchvision data set converts with `from_torchvision(dataset)`.

As a script it converts Fashion-MNIST (apt-get install dataset-fashion-mnist) and gives every
training record a writer-like client id, as LEAF's federated sets have them:

    python3 docs/your-data/to_signactors.py --fashion-mnist /usr/share/datasets/fashion-mnist \
        --clients 100 --seed 1 --out fmnist-writers

Each of the clients gets a size from a log-normal (σ = 1, so a few write much and most little)
and its own class preferences from Dirichlet(alpha) (default 0.5, so writers lean to some
classes); every record of class c goes to a client drawn with probability ∝ size × preference[c],
from numpy's seeded generator, so the same seed writes the same files.
"""
import argparse
import gzip
import os
import struct

import numpy as np


def save(directory, train_x, train_y, test_x, test_y, train_clients=None, layout="nchw"):
    """Writes the arrays as .npy files SignActors reads (C order, little-endian); returns the directory."""
    os.makedirs(directory, exist_ok=True)

    def images(x):
        x = np.asarray(x)
        if x.ndim not in (3, 4):
            raise ValueError(f"images have shape {x.shape}; N×H×W or N×C×H×W / N×H×W×C expected")
        return np.ascontiguousarray(x if x.dtype == np.uint8 else x.astype("<f4"))

    def integers(y, what, n):
        y = np.asarray(y).reshape(-1)
        if len(y) != n or not np.issubdtype(y.dtype, np.integer):
            raise ValueError(f"{what}: {len(y)} values of {y.dtype} for {n} images; integers expected")
        return np.ascontiguousarray(y.astype("<i8"))

    tx, vx = images(train_x), images(test_x)
    arrays = {"train_x": tx, "train_y": integers(train_y, "train_y", len(tx)),
              "test_x": vx, "test_y": integers(test_y, "test_y", len(vx))}
    if train_clients is not None:
        arrays["train_clients"] = integers(train_clients, "train_clients", len(tx))
    for name, array in arrays.items():
        np.save(os.path.join(directory, name + ".npy"), array)
    print(f"{directory}: {len(tx):,} train and {len(vx):,} test images of shape {tx.shape[1:]} ({layout}), "
          f"{int(arrays['train_y'].max()) + 1} classes"
          + (f", {len(np.unique(arrays['train_clients']))} clients" if train_clients is not None else ""))
    return directory


def from_torchvision(dataset):
    """(images N×C×H×W uint8, labels) of a torchvision data set such as datasets.CIFAR10(root, download=True)."""
    x = np.asarray(dataset.data)
    if x.ndim == 4 and x.shape[-1] in (1, 3):  # torchvision keeps CIFAR as N×H×W×C
        x = x.transpose(0, 3, 1, 2)
    return x, np.asarray(dataset.targets)


def writer_like_clients(labels, clients, seed, alpha=0.5):
    """A client id per record: log-normal client sizes, Dirichlet(alpha) class preferences per client."""
    rng = np.random.default_rng(seed)
    labels = np.asarray(labels)
    classes = int(labels.max()) + 1
    size = rng.lognormal(0.0, 1.0, clients)
    preference = rng.dirichlet(np.full(classes, alpha), clients)   # clients × classes
    ids = np.empty(len(labels), dtype="<i8")
    for c in range(classes):
        members = np.flatnonzero(labels == c)
        weight = size * preference[:, c]
        ids[members] = rng.choice(clients, size=len(members), p=weight / weight.sum())
    # A client that drew no record would be an empty node: give it one record of its favourite class.
    for k in np.setdiff1d(np.arange(clients), ids):
        ids[rng.choice(np.flatnonzero(labels == preference[k].argmax()))] = k
    return ids


def read_idx(path):
    with gzip.open(path) if path.endswith(".gz") else open(path, "rb") as f:
        data = f.read()
    dims = data[3]
    shape = struct.unpack(">" + "I" * dims, data[4:4 + 4 * dims])
    return np.frombuffer(data, dtype=np.uint8, offset=4 + 4 * dims).reshape(shape)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--fashion-mnist", required=True, help="folder of the IDX files")
    parser.add_argument("--clients", type=int, default=100)
    parser.add_argument("--alpha", type=float, default=0.5)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--out", required=True)
    a = parser.parse_args()
    f = lambda name: os.path.join(a.fashion_mnist, name + ".gz")
    train_x, train_y = read_idx(f("train-images-idx3-ubyte")), read_idx(f("train-labels-idx1-ubyte"))
    test_x, test_y = read_idx(f("t10k-images-idx3-ubyte")), read_idx(f("t10k-labels-idx1-ubyte"))
    clients = writer_like_clients(train_y, a.clients, a.seed, a.alpha)
    save(a.out, train_x, train_y, test_x, test_y, clients)
    counts = np.bincount(clients, minlength=a.clients)
    print(f"records per client: min {counts.min()}, median {int(np.median(counts))}, max {counts.max()}")


if __name__ == "__main__":
    main()
