#!/usr/bin/python3
"""Write the fuzzing seed corpora tests/fuzz/corpus/{idx,pickle,npz}/ (a developer tool:
`make fuzz` only reads the files this writes, CI never runs it).

Run with Debian's NumPy:  /usr/bin/python3 tests/fuzz/make_seeds.py
(made with NumPy 1.24.2, Python 3.11). Seeds are small real files (IDX files cut from
data/mnist, pickles and .npz files written by NumPy, the .npz fixtures of
tests/fixtures/npz), the broken cases the unit tests build (the pickle byte arrays of
tests/test_pickle.c are copied as they are), and regression inputs kept in
tests/fuzz/regressions/ (a crash the fuzzer found once stays a seed). The files named by
a SHA-1 are not written here: they were merged from long runs with
    build/fuzz/fuzz_<name> -set_cover_merge=1 tests/fuzz/corpus/<name> build/fuzz/run/<name>/corpus
and give a 60-second CI run the coverage a long run reached.
"""
import gzip
import os
import pickle
import re
import shutil
import struct
import zipfile

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
CORPUS = os.path.join(HERE, "corpus")


def write(kind, name, data):
    d = os.path.join(CORPUS, kind)
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, name), "wb") as f:
        f.write(data)


# ---- IDX ---------------------------------------------------------------------------

def idx_images(count, rows, cols, pixels, magic=2051):
    return struct.pack(">IIII", magic, count, rows, cols) + bytes(pixels)


def idx_labels(count, labels, magic=2049):
    return struct.pack(">II", magic, count) + bytes(labels)


def real_mnist(n):
    """The first n test images (28x28) and labels of data/mnist."""
    d = os.path.join(ROOT, "data", "mnist")
    with gzip.open(os.path.join(d, "t10k-images-idx3-ubyte.gz")) as f:
        img = f.read(16 + n * 784)[16:]
    with gzip.open(os.path.join(d, "t10k-labels-idx1-ubyte.gz")) as f:
        lbl = f.read(8 + n)[8:]
    return img, lbl


PIXELS = bytes([0, 255, 1, 128, 254, 7, 9, 10, 11, 200, 3, 0, 0, 0, 255, 255, 17, 18])
img, lbl = real_mnist(2)
write("idx", "real_2_images_28x28", idx_images(2, 28, 28, img))
write("idx", "real_20_labels", idx_labels(20, real_mnist(20)[1]))
write("idx", "images_3_of_2x3", idx_images(3, 2, 3, PIXELS))
write("idx", "labels_3", idx_labels(3, [7, 0, 9]))
write("idx", "empty", b"")
write("idx", "short_header", idx_images(3, 2, 3, b"")[:10])
write("idx", "labels_magic_in_images", idx_images(3, 2, 3, PIXELS, magic=2049))
write("idx", "wrong_magic", idx_images(3, 2, 3, PIXELS, magic=0x1F8B0808))
write("idx", "truncated_images", idx_images(3, 2, 3, PIXELS[:-1]))
write("idx", "truncated_labels", idx_labels(3, [7, 0]))
write("idx", "trailing_byte", idx_labels(3, [7, 0, 9, 1]))
write("idx", "absurd_side", idx_images(1, 65536, 28, b""))
write("idx", "zero_side", idx_images(1, 0, 28, b""))
write("idx", "absurd_count", idx_images(0xFFFFFFFF, 28, 28, b""))
write("idx", "over_byte_cap", idx_images(1000000, 1024, 1024, b""))
write("idx", "label_not_a_digit", idx_labels(3, [7, 10, 9]))

# ---- pickle ------------------------------------------------------------------------

def small_net(dtype="<f4", fortran=True):
    """A 3-2-2 network in the layout of the book's sample_weight.pkl (W Fortran-ordered)."""
    k = np.arange(6, dtype=np.float64)
    W1 = (k.reshape(3, 2) / 7 - 0.25).astype(dtype)
    W2 = (k[:4].reshape(2, 2) / 3 - 0.5).astype(dtype)
    if fortran:
        W1, W2 = np.asfortranarray(W1), np.asfortranarray(W2)
    return {"b2": np.array([0.5, -0.5], dtype=dtype), "W1": W1,
            "b1": np.array([0.1, 0.2], dtype=dtype), "W2": W2}


class Evil:
    def __reduce__(self):
        return (os.system, ("echo pwned",))


for proto in (2, 3, 4, 5):
    write("pickle", "net_f4_fortran_p%d" % proto, pickle.dumps(small_net(), protocol=proto))
write("pickle", "net_f8_big_p5", pickle.dumps(small_net(">f8", False), protocol=5))
write("pickle", "scalar_and_3d_p4",
      pickle.dumps({"s": np.array(2.5), "x": np.arange(24.0).reshape(2, 3, 4)}, protocol=4))
write("pickle", "os_system_p2", pickle.dumps({"W1": Evil()}, protocol=2))
write("pickle", "os_system_p5", pickle.dumps(Evil(), protocol=5))
nan = small_net("<f8", False)
nan["b1"][1] = np.nan
write("pickle", "nan_p2", pickle.dumps(nan, protocol=2))
full = pickle.dumps(small_net(), protocol=2)
write("pickle", "truncated_p2", full[:len(full) // 2])
write("pickle", "empty", b"")
chain = small_net("<f8", False)
chain["W2"] = np.zeros((3, 2))
write("pickle", "shapes_dont_chain_p2", pickle.dumps(chain, protocol=2))

# The byte arrays tests/test_pickle.c builds its cases from, as they are.
src = open(os.path.join(ROOT, "tests", "test_pickle.c")).read()
for name, body in re.findall(r"static const unsigned char (\w+)\[\] = \{(.*?)\};", src, re.S):
    write("pickle", "test_" + name, bytes(int(h, 16) for h in re.findall(r"0x([0-9a-fA-F]{2})", body)))

# ---- npz ---------------------------------------------------------------------------

FIXTURES = os.path.join(ROOT, "tests", "fixtures", "npz")
for f in sorted(os.listdir(FIXTURES)):
    if f.endswith(".npz") and os.path.getsize(os.path.join(FIXTURES, f)) < 4096:
        with open(os.path.join(FIXTURES, f), "rb") as src_file:
            write("npz", f[:-4], src_file.read())


def savez(compress, **arrays):
    import io
    b = io.BytesIO()
    (np.savez_compressed if compress else np.savez)(b, **arrays)
    return b.getvalue()


net = {k: v.astype(np.float64) for k, v in small_net().items()}
good = savez(False, **net)
write("npz", "net_stored", good)
write("npz", "net_deflated", savez(True, **net))
write("npz", "net_dont_chain", savez(False, **chain))
write("npz", "truncated", good[:len(good) - 30])
write("npz", "empty_zip", savez(False))
bad_crc = bytearray(good)
bad_crc[good.index(b"\x93NUMPY") + 200 if len(good) > 300 else -40] ^= 1
write("npz", "data_changed_crc_fails", bytes(bad_crc))
with zipfile.ZipFile(os.path.join(CORPUS, "npz", "not_npy"), "w") as z:
    z.writestr("W1.npy", b"not a .npy file")

# ---- regressions: every crash the fuzzer found stays a seed --------------------------

REG = os.path.join(HERE, "regressions")
for kind in ("idx", "pickle", "npz"):
    d = os.path.join(REG, kind)
    if os.path.isdir(d):
        for f in sorted(os.listdir(d)):
            shutil.copy(os.path.join(d, f), os.path.join(CORPUS, kind, "regression_" + f))
