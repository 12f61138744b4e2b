"""The book's own SimpleConvNet (ch07/simple_convnet.py) and Adam (common/optimizer.py) in
NumPy, for `make bench`: the reference ch07's C code is timed against (tests/bench/run.sh).

Imports the book's code from BOOK (a clone of oreilly-japan/deep-learning-from-scratch) and
times, on MNIST as the book's load_mnist(flatten=False) gives it (float32 pixels / 255.0):
  - one training iteration of train_convnet.py's Trainer step: a mini-batch of 100 drawn with
    np.random.choice, grads = network.gradient(x_batch, t_batch), Adam(lr=0.001).update
    (the median of --iters iterations, after one warm-up);
  - the test-set inference: network.accuracy(x_test, t_test) (batch_size 100).
Prints one machine-readable line:
    iter_seconds 0.1812 accuracy_seconds 6.02 test_acc 0.1135
Usage: python3 convnet_numpy.py BOOK [MNIST_DIR] [--iters N] [--seed N]
"""
import argparse
import gzip
import os
import sys
import time

import numpy as np


def load_split(mnist_dir, prefix):
    with gzip.open(os.path.join(mnist_dir, prefix + "-images-idx3-ubyte.gz"), "rb") as f:
        pixels = np.frombuffer(f.read(), np.uint8, offset=16).reshape(-1, 1, 28, 28)
    with gzip.open(os.path.join(mnist_dir, prefix + "-labels-idx1-ubyte.gz"), "rb") as f:
        labels = np.frombuffer(f.read(), np.uint8, offset=8)
    x = pixels.astype(np.float32)
    x /= 255.0                                  # normalize=True, as the book's float32
    return x, labels.astype(np.int64)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("book")
    ap.add_argument("mnist", nargs="?", default="data/mnist")
    ap.add_argument("--iters", type=int, default=20)
    ap.add_argument("--seed", type=int, default=0)
    a = ap.parse_args()
    sys.path.insert(0, a.book)
    sys.path.insert(0, os.path.join(a.book, "ch07"))
    from simple_convnet import SimpleConvNet
    from common.optimizer import Adam

    x_train, t_train = load_split(a.mnist, "train")
    x_test, t_test = load_split(a.mnist, "t10k")
    np.random.seed(a.seed)
    network = SimpleConvNet(input_dim=(1, 28, 28),
                            conv_param={'filter_num': 30, 'filter_size': 5, 'pad': 0, 'stride': 1},
                            hidden_size=100, output_size=10, weight_init_std=0.01)
    optimizer = Adam(lr=0.001)
    times = []
    for i in range(a.iters + 1):
        t0 = time.perf_counter()
        batch_mask = np.random.choice(x_train.shape[0], 100)
        grads = network.gradient(x_train[batch_mask], t_train[batch_mask])
        optimizer.update(network.params, grads)
        if i > 0:                               # the first one warms up
            times.append(time.perf_counter() - t0)
    t0 = time.perf_counter()
    acc = network.accuracy(x_test, t_test)
    acc_seconds = time.perf_counter() - t0
    print("iter_seconds %.4f accuracy_seconds %.2f test_acc %r" % (np.median(times), acc_seconds, acc))


if __name__ == "__main__":
    main()
