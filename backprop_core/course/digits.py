"""The 8×8 handwritten digits of lesson 09, shipped with the package (made by tools/make_digits.py).

1,797 grey images of the digits 0 to 9, each pixel a count from 0 to 16, from the UCI "Optical
Recognition of Handwritten Digits" data (Alpaydin and Kaynak, 1998), as scikit-learn ships them.
"""
from __future__ import annotations

from pathlib import Path

import numpy as np

DATA_FILE = Path(__file__).with_name("digits.npz")
#: Samples kept out of training, to measure accuracy on digits the network never saw.
N_TEST = 450
#: The random-number generator seed of the one fixed shuffle that splits training from test samples.
SPLIT_SEED = 0


def load_images() -> tuple[np.ndarray, np.ndarray]:
    """All 1,797 digits as they are stored.

    Returns
    -------
    images : ndarray of uint8, shape (1797, 8, 8)
        Pixel counts 0..16 (0 is white paper, 16 full ink).
    labels : ndarray of int64, shape (1797,)
        The digit each image shows, 0..9.
    """
    with np.load(DATA_FILE) as data:
        return data["images"].copy(), data["labels"].astype(np.int64)


def one_hot(labels: np.ndarray, n_classes: int = 10) -> np.ndarray:
    """Targets as one-hot rows: shape (N, n_classes), 1.0 in column ``labels[n]`` of row n, else 0.0."""
    labels = np.asarray(labels)
    if labels.ndim != 1 or not np.issubdtype(labels.dtype, np.integer):
        raise ValueError(f"labels must be a 1-D array of integers, got shape {labels.shape} and dtype {labels.dtype}")
    return np.eye(n_classes)[labels]


def split() -> dict[str, np.ndarray]:
    """The course's fixed split into 1,347 training and 450 test digits.

    Returns
    -------
    dict
        ``X_train`` (1347, 64) and ``X_test`` (450, 64): pixels scaled to [0, 1], one image per row;
        ``T_train`` (1347, 10) and ``T_test`` (450, 10): one-hot targets;
        ``labels_train`` (1347,) and ``labels_test`` (450,): the digits;
        ``images_test`` (450, 8, 8): the test images, for pictures.
    """
    images, labels = load_images()
    order = np.random.default_rng(SPLIT_SEED).permutation(len(labels))
    test, train = order[:N_TEST], order[N_TEST:]
    X = images.reshape(len(images), 64).astype(np.float64) / 16.0
    return {
        "X_train": X[train], "T_train": one_hot(labels[train]), "labels_train": labels[train],
        "X_test": X[test], "T_test": one_hot(labels[test]), "labels_test": labels[test],
        "images_test": images[test],
    }
