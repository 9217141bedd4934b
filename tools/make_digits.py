"""Make backprop_core/course/digits.npz, the 1,797 8×8 digits of lesson 09, from scikit-learn's copy.

Run once, by a maintainer, with scikit-learn installed (``.venv/bin/python tools/make_digits.py``);
the course reads the file it writes and never needs scikit-learn itself. scikit-learn's digits are a
copy of the UCI "Optical Recognition of Handwritten Digits" test set (Alpaydin and Kaynak, 1998):
each image is the count, 0 to 16, of dark pixels in a 4×4 block of a 32×32 bitmap.
"""
from __future__ import annotations

from pathlib import Path

import numpy as np
from sklearn.datasets import load_digits

TARGET = Path(__file__).resolve().parents[1] / "backprop_core" / "course" / "digits.npz"


def main() -> None:
    digits = load_digits()
    images = digits.images.astype(np.uint8)  # (1797, 8, 8), values 0..16: uint8 keeps the file small
    labels = digits.target.astype(np.uint8)  # (1797,), 0..9
    assert images.shape == (1797, 8, 8) and images.max() == 16 and set(labels) == set(range(10))
    np.savez_compressed(TARGET, images=images, labels=labels)
    print(f"wrote {TARGET} ({TARGET.stat().st_size:,} bytes)")


if __name__ == "__main__":
    main()
