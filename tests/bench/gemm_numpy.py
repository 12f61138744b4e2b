"""gemm_numpy.py - GFLOP/s of NumPy's matrix product (np.dot, i.e. its BLAS) on the shapes
tests/bench/bench_gemm.c times, printed in the same form:
    blas_kind=<openblas|mkl|blis|reference|unknown> blas=<the library np.dot calls>
    shape=<name> threads=<n> dtype=<float64|float32> gflops=<best of the runs>

Usage: gemm_numpy.py THREADS [SECONDS]
The BLAS thread count is set before NumPy is imported (OPENBLAS_NUM_THREADS and friends),
so run it once per thread count. Part of `make bench` (tests/bench/gemm_bench.sh); not a test.
"""
import os
import sys
import time

threads = sys.argv[1] if len(sys.argv) > 1 else "1"
seconds = float(sys.argv[2]) if len(sys.argv) > 2 else 0.3
for var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS", "BLIS_NUM_THREADS"):
    os.environ[var] = threads

import numpy as np  # noqa: E402  (after the thread count is set)


def loaded_blas():
    """The BLAS libraries NumPy has mapped, and which kind does np.dot: when a libblas.so is
    mapped, NumPy calls the BLAS through it (Debian's alternatives: the reference BLAS in
    .../blas/, OpenBLAS in .../openblas-pthread/), even if OpenBLAS is also mapped for LAPACK;
    otherwise NumPy links a BLAS directly (pip's wheels: libopenblas64_p...)."""
    libs = []
    with open("/proc/self/maps") as maps:
        for line in maps:
            parts = line.split()
            path = parts[-1] if len(parts) >= 6 else ""
            name = os.path.basename(path).lower()
            if any(k in name for k in ("blas", "mkl", "blis")) and path not in libs:
                libs.append(path)
    front = [p for p in libs if os.path.basename(p).startswith("libblas.so")]
    where = (front[0] if front else " ".join(libs)).lower()
    kind = ("openblas" if "openblas" in where else "mkl" if "mkl" in where else
            "blis" if "blis" in where else "reference" if front else "unknown")
    return kind, (front[0] if front else ",".join(libs) or "none found in /proc/self/maps")


# name, transpose A, transpose B, M, N, K: the same list as bench_gemm.c.
SHAPES = [
    ("x.W(100x784.784x50)", False, False, 100, 50, 784),
    ("x.T.dy(784x100.100x50)", True, False, 784, 50, 100),
    ("dy.W.T(100x50.50x784)", False, True, 100, 784, 50),
    ("im2col(57600x25.25x30)", False, False, 57600, 30, 25),
    ("im2col(100x4320.4320x100)", False, False, 100, 100, 4320),
    ("x.T.dy(4320x100.100x100)", True, False, 4320, 100, 100),
    ("dy.W.T(100x100.100x4320)", False, True, 100, 4320, 100),
    ("square(1024)", False, False, 1024, 1024, 1024),
]


def gflops(ta, tb, m, n, k, dtype):
    rng = np.random.default_rng(0)
    a = rng.random((k, m) if ta else (m, k)).astype(dtype)
    b = rng.random((n, k) if tb else (k, n)).astype(dtype)
    a_op = a.T if ta else a
    b_op = b.T if tb else b
    out = np.empty((m, n), dtype=dtype)
    np.dot(a_op, b_op, out=out)
    best, start, calls = 1e30, time.perf_counter(), 0
    while time.perf_counter() - start < seconds or calls < 3:
        t0 = time.perf_counter()
        np.dot(a_op, b_op, out=out)
        best = min(best, time.perf_counter() - t0)
        calls += 1
    return 2.0 * m * n * k / best * 1e-9


kind, path = loaded_blas()
print("blas_kind=%s blas=%s" % (kind, path))
sys.stdout.flush()
for name, ta, tb, m, n, k in SHAPES:
    for dtype in ("float64", "float32"):
        g = gflops(ta, tb, m, n, k, dtype)
        print("shape=%s threads=%s dtype=%s gflops=%.2f" % (name, threads, dtype, g))
        sys.stdout.flush()
