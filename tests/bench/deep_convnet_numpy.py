"""The book's DeepConvNet (ch08/deep_convnet.py) timed on NumPy, for `make bench`.

Imports the book's own classes from BOOK (a clone of deep-learning-from-scratch): DeepConvNet
and common.optimizer.Adam. Loads the MNIST test and training images from MNIST_DIR (gzip IDX,
float32 / 255 as the book's load_mnist(flatten=False)), then prints
  inference_seconds=<predict(train_flg=False) over the 10,000 test images, batches of 100>
  accuracy=<the fraction right>  (weights: WEIGHTS if given, else the He initial ones)
  train_iter_seconds=<median of ITERS iterations of the book's Trainer.train_step: choice,
                      gradient, Adam update, loss>
Usage: python3 deep_convnet_numpy.py BOOK MNIST_DIR [WEIGHTS.pkl] [ITERS]
"""
import gzip
import os
import sys
import time

import numpy as np

book, mnist_dir = sys.argv[1], sys.argv[2]
weights = sys.argv[3] if len(sys.argv) > 3 and sys.argv[3] else None
iters = int(sys.argv[4]) if len(sys.argv) > 4 else 3
sys.path.insert(0, book)
sys.path.insert(0, os.path.join(book, "ch08"))
from deep_convnet import DeepConvNet  # noqa: E402  (the book's code)
from common.optimizer import Adam  # noqa: E402


def load(split):
    with gzip.open(f"{mnist_dir}/{split}-images-idx3-ubyte.gz", "rb") as f:
        x = np.frombuffer(f.read(), np.uint8, offset=16).reshape(-1, 1, 28, 28)
    with gzip.open(f"{mnist_dir}/{split}-labels-idx1-ubyte.gz", "rb") as f:
        t = np.frombuffer(f.read(), np.uint8, offset=8)
    return x.astype(np.float32) / 255.0, t


x_test, t_test = load("t10k")
x_train, t_train = load("train")
np.random.seed(0)
network = DeepConvNet()
if weights:
    network.load_params(weights)

start = time.perf_counter()
right = 0
for i in range(0, 10000, 100):
    y = network.predict(x_test[i:i + 100], train_flg=False)
    right += int(np.sum(np.argmax(y, axis=1) == t_test[i:i + 100]))
print(f"inference_seconds={time.perf_counter() - start:.3f} accuracy={right / 10000}")

optimizer = Adam(lr=0.001)
times = []
for _ in range(iters):
    start = time.perf_counter()
    batch_mask = np.random.choice(60000, 100)
    x_batch, t_batch = x_train[batch_mask], t_train[batch_mask]
    grads = network.gradient(x_batch, t_batch)
    optimizer.update(network.params, grads)
    loss = network.loss(x_batch, t_batch)
    times.append(time.perf_counter() - start)
print(f"train_iter_seconds={sorted(times)[len(times) // 2]:.3f} loss={loss}")
