"""Run one of the book's own scripts as `cd <its dir> && python3 <script>` would, for `make bench`.

Usage: python3 run_book.py SCRIPT [--seed N]
--seed N calls np.random.seed(N) first (the book's scripts do not seed; `make bench` compares
its training with ch04_two_layer_net --seed 0). Figures are not shown: matplotlib draws with
its Agg backend, or, when matplotlib is not installed, plt.* calls do nothing. Nothing of the
book's code is copied: the script runs from the reader's own clone (BOOK=...).
"""
import os
import runpy
import sys
import types


def no_figures():
    try:
        import matplotlib
        matplotlib.use("Agg")
    except ImportError:
        plt = types.ModuleType("matplotlib.pyplot")
        plt.__getattr__ = lambda name: (lambda *args, **kwargs: None)
        mpl = types.ModuleType("matplotlib")
        mpl.pyplot = plt
        sys.modules["matplotlib"], sys.modules["matplotlib.pyplot"] = mpl, plt


def main():
    script = os.path.abspath(sys.argv[1])
    seed = int(sys.argv[sys.argv.index("--seed") + 1]) if "--seed" in sys.argv else None
    os.chdir(os.path.dirname(script))
    sys.path.insert(0, os.path.dirname(script))
    sys.argv = [script]
    no_figures()
    if seed is not None:
        import numpy as np
        np.random.seed(seed)
    runpy.run_path(script, run_name="__main__")


if __name__ == "__main__":
    main()
