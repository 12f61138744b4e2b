#!/usr/bin/env python3
"""Run one of the book's own scripts, unchanged, after np.random.seed(SEED).

Usage: book_seeded.py BOOK_DIR chNN/script.py [SEED]   (SEED defaults to 0)

BOOK_DIR is a clone of the book's code (oreilly-japan/deep-learning-from-scratch); it is
not part of this project. The script runs in its own folder, as the book runs it (its
sys.path.append(os.pardir) finds common/ and dataset/), and prints what it prints. The
last line, on stderr, is "seconds S" for the whole script (MNIST loading included) and the
BLAS NumPy uses.
"""
import os
import runpy
import sys
import time

import numpy as np


def blas_name():
    """The BLAS library this process really loaded (Debian's libblas.so.3 is an alternative)."""
    try:
        with open("/proc/self/maps") as maps:
            libs = {os.path.basename(line.split()[-1]) for line in maps if "blas" in line}
        return ",".join(sorted(libs)) or "unknown"
    except OSError:
        return "unknown"


def main():
    if len(sys.argv) not in (3, 4):
        sys.exit(__doc__)
    book, script = sys.argv[1], sys.argv[2]
    seed = int(sys.argv[3]) if len(sys.argv) == 4 else 0
    folder, name = os.path.split(os.path.join(book, script))
    os.chdir(folder)
    sys.path.insert(0, folder)
    sys.argv = [name]
    np.random.seed(seed)
    t0 = time.perf_counter()
    runpy.run_path(name, run_name="__main__")
    print("seconds %.3f blas %s" % (time.perf_counter() - t0, blas_name()), file=sys.stderr)


if __name__ == "__main__":
    main()
