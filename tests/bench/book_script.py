# book_script.py BOOK SCRIPT [SEED]: runs the book's ch06/SCRIPT (from the book's own clone at
# BOOK, unchanged) after np.random.seed(SEED), as a reader would, but headless: matplotlib with
# the Agg backend, or a stub when matplotlib is not installed (the figures are not timed).
import os
import sys
import types

book, script = sys.argv[1], sys.argv[2]
seed = int(sys.argv[3]) if len(sys.argv) > 3 else 0
os.environ.setdefault("MPLBACKEND", "Agg")
try:
    import matplotlib.pyplot  # noqa: F401
except ImportError:
    stub = types.ModuleType("matplotlib.pyplot")
    stub.__getattr__ = lambda name: (lambda *a, **k: None)
    sys.modules["matplotlib"] = types.ModuleType("matplotlib")
    sys.modules["matplotlib.pyplot"] = stub
import numpy as np

ch06 = os.path.join(book, "ch06")
os.chdir(ch06)
sys.path[:0] = [ch06, book]
np.random.seed(seed)
path = os.path.join(ch06, script)
exec(compile(open(path).read(), path, "exec"), {"__name__": "__main__"})
