"""The book's mini-batch training (train_neuralnet.py with TwoLayerNet, book 4.5) in NumPy,
for `make bench`: the reference the C program ch04_two_layer_net is timed against.

Written for this project in the book's style, not copied: load MNIST as the book's load_mnist
does (normalize=True gives float32 pixels / 255.0, one_hot_label=True), a TwoLayerNet whose
hidden layers are a list (the book's network is --hidden 50), 10000 iterations of SGD on
random mini-batches of 100 drawn with replacement, lr 0.1, the loss after every update, and
the train and test accuracy once per epoch, printed as the book prints them:
    train acc, test acc | 0.09863333333333334, 0.0958
At the end, one machine-readable line for tests/bench/run.sh:
    seconds 44.12 test_acc 0.9467 train_acc 0.9443
(seconds: the training loop with its evaluations, data loading excluded; the accuracies are
the last epoch's.)

Usage: python3 train_numpy.py [MNIST_DIR] [--iters N] [--hidden 50[,100]] [--seed N] [--float64]
--seed (default 0) seeds np.random as ch04_two_layer_net --seed does; --float64 keeps the
pixels in float64 (as the C program holds them) instead of the book's float32.
"""
import argparse
import gzip
import os
import time

import numpy as np


def load_split(mnist_dir, prefix, dtype):
    with gzip.open(os.path.join(mnist_dir, prefix + "-images-idx3-ubyte.gz"), "rb") as f:
        pixels = np.frombuffer(f.read(), np.uint8, offset=16).reshape(-1, 784)
    with gzip.open(os.path.join(mnist_dir, prefix + "-labels-idx1-ubyte.gz"), "rb") as f:
        labels = np.frombuffer(f.read(), np.uint8, offset=8)
    x = pixels.astype(dtype) / 255.0          # normalize=True
    t = np.zeros((labels.size, 10))           # one_hot_label=True
    t[np.arange(labels.size), labels] = 1
    return x, t


def sigmoid(x):
    return 1 / (1 + np.exp(-x))


def softmax(x):
    x = x - np.max(x, axis=-1, keepdims=True)    # overflow-safe (book 3.5.2)
    return np.exp(x) / np.sum(np.exp(x), axis=-1, keepdims=True)


def cross_entropy_error(y, t):
    t = t.argmax(axis=1)                          # one-hot labels -> class indices
    batch_size = y.shape[0]
    return -np.sum(np.log(y[np.arange(batch_size), t] + 1e-7)) / batch_size


class TwoLayerNet:
    """W1 b1 ... Wn bn; sigmoid on the hidden layers, softmax at the output."""

    def __init__(self, sizes, weight_init_std=0.01):
        self.n = len(sizes) - 1
        self.params = {}
        for i in range(1, self.n + 1):
            self.params["W%d" % i] = weight_init_std * np.random.randn(sizes[i - 1], sizes[i])
            self.params["b%d" % i] = np.zeros(sizes[i])

    def forward(self, x):
        """The inputs of every layer (z0 = x, z1, ...) and the output y."""
        zs = [x]
        for i in range(1, self.n + 1):
            a = np.dot(zs[-1], self.params["W%d" % i]) + self.params["b%d" % i]
            if i < self.n:
                zs.append(sigmoid(a))
        return zs, softmax(a)

    def predict(self, x):
        return self.forward(x)[1]

    def loss(self, x, t):
        return cross_entropy_error(self.predict(x), t)

    def accuracy(self, x, t):
        y = np.argmax(self.predict(x), axis=1)
        return np.sum(y == np.argmax(t, axis=1)) / float(x.shape[0])

    def gradient(self, x, t):
        zs, y = self.forward(x)
        grads = {}
        dy = (y - t) / x.shape[0]
        for i in range(self.n, 0, -1):
            grads["W%d" % i] = np.dot(zs[i - 1].T, dy)
            grads["b%d" % i] = np.sum(dy, axis=0)
            if i > 1:
                z = zs[i - 1]
                # sigmoid_grad(a) * da, with sigmoid(a) = z already at hand
                dy = (1.0 - z) * z * np.dot(dy, self.params["W%d" % i].T)
        return grads


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("mnist_dir", nargs="?", default=os.path.join(here, "../../data/mnist"))
    parser.add_argument("--iters", type=int, default=10000)
    parser.add_argument("--hidden", default="50")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--float64", action="store_true")
    args = parser.parse_args()

    dtype = np.float64 if args.float64 else np.float32
    x_train, t_train = load_split(args.mnist_dir, "train", dtype)
    x_test, t_test = load_split(args.mnist_dir, "t10k", dtype)

    np.random.seed(args.seed)
    hidden = [int(h) for h in args.hidden.split(",")]
    network = TwoLayerNet([784] + hidden + [10])

    iters_num = args.iters
    train_size = x_train.shape[0]
    batch_size = 100
    learning_rate = 0.1
    train_loss_list, train_acc_list, test_acc_list = [], [], []
    iter_per_epoch = max(train_size / batch_size, 1)

    start = time.perf_counter()
    for i in range(iters_num):
        batch_mask = np.random.choice(train_size, batch_size)
        x_batch = x_train[batch_mask]
        t_batch = t_train[batch_mask]

        grad = network.gradient(x_batch, t_batch)
        for key in network.params:
            network.params[key] -= learning_rate * grad[key]

        train_loss_list.append(network.loss(x_batch, t_batch))

        if i % iter_per_epoch == 0:
            train_acc = network.accuracy(x_train, t_train)
            test_acc = network.accuracy(x_test, t_test)
            train_acc_list.append(train_acc)
            test_acc_list.append(test_acc)
            print("train acc, test acc | " + str(train_acc) + ", " + str(test_acc), flush=True)
    seconds = time.perf_counter() - start

    print("seconds %.2f test_acc %s train_acc %s" % (seconds, test_acc_list[-1],
                                                      train_acc_list[-1]))


if __name__ == "__main__":
    main()
