"""The book's batch inference (neuralnet_mnist_batch.py, book 3.6.3) in NumPy, for `make bench`.

Written for this project in the book's style: load the MNIST test set (normalize=True,
flatten=True, float32 as the book's load_mnist), load sample_weight.pkl with pickle,
predict in batches of 100 and print Accuracy. Also prints machine-readable timings:
  predict_seconds=<best of 5 runs of the batched predict loop>
Usage: python3 mnist_numpy.py MNIST_DIR WEIGHTS.pkl
"""
import gzip
import pickle
import sys
import time

import numpy as np


def load_test(mnist_dir):
    with gzip.open(mnist_dir + "/t10k-images-idx3-ubyte.gz", "rb") as f:
        x = np.frombuffer(f.read(), np.uint8, offset=16).reshape(-1, 784)
    with gzip.open(mnist_dir + "/t10k-labels-idx1-ubyte.gz", "rb") as f:
        t = np.frombuffer(f.read(), np.uint8, offset=8)
    return x.astype(np.float32) / 255.0, t


def sigmoid(x):
    return 1 / (1 + np.exp(-x))


def softmax(a):
    a = a - np.max(a, axis=-1, keepdims=True)
    return np.exp(a) / np.sum(np.exp(a), axis=-1, keepdims=True)


def predict(network, x):
    W1, W2, W3 = network["W1"], network["W2"], network["W3"]
    b1, b2, b3 = network["b1"], network["b2"], network["b3"]
    a1 = np.dot(x, W1) + b1
    z1 = sigmoid(a1)
    a2 = np.dot(z1, W2) + b2
    z2 = sigmoid(a2)
    a3 = np.dot(z2, W3) + b3
    return softmax(a3)


def batched_accuracy(network, x, t, batch_size=100):
    accuracy_cnt = 0
    for i in range(0, len(x), batch_size):
        y_batch = predict(network, x[i:i + batch_size])
        p = np.argmax(y_batch, axis=1)
        accuracy_cnt += np.sum(p == t[i:i + batch_size])
    return accuracy_cnt


def main():
    x, t = load_test(sys.argv[1])
    with open(sys.argv[2], "rb") as f:
        network = pickle.load(f)
    accuracy_cnt = batched_accuracy(network, x, t)
    print("Accuracy:" + str(float(accuracy_cnt) / len(x)))
    if "--time-predict" in sys.argv:
        best = min(timed(lambda: batched_accuracy(network, x, t)) for _ in range(5))
        print("predict_seconds=%.4f" % best, file=sys.stderr)


def timed(f):
    start = time.perf_counter()
    f()
    return time.perf_counter() - start


if __name__ == "__main__":
    main()
