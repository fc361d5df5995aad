"""Subsets of a labelled data set that keep its classes balanced.

Used by the AlexNet chapter (:mod:`cnn_course.alexnet.lab`) and by the AlexNet training
command (:mod:`cnn_course.train.alexnet`), so neither needs to import the other.
"""

from __future__ import annotations

from typing import Any

import numpy as np

__all__ = ["balanced_subset"]


def balanced_subset(labels: Any, n: int, seed: int = 0) -> np.ndarray:
    """Indices of ``n`` examples with the classes as balanced as possible, in a random order.

    The course's CIFAR-10 copies can be sorted by class (image folders are read class by
    class), so "the first N images" may all be aeroplanes: take subsets with this.

    Examples
    --------
    >>> y = np.repeat(np.arange(10), 50)          # sorted by class
    >>> idx = balanced_subset(y, 100)
    >>> np.bincount(y[idx]).tolist()
    [10, 10, 10, 10, 10, 10, 10, 10, 10, 10]
    """
    labels = np.asarray(labels).reshape(-1)
    if isinstance(n, bool) or not isinstance(n, (int, np.integer)) or not 1 <= n <= len(labels):
        raise ValueError(f"n must be an int between 1 and {len(labels)}, got {n!r}")
    rng = np.random.default_rng(seed)
    order = rng.permutation(len(labels))
    # rank of each example within its class (in the random order), then take the lowest ranks
    classes, inverse = np.unique(labels[order], return_inverse=True)
    rank = np.empty(len(order), dtype=np.int64)
    for c in range(len(classes)):
        members = np.flatnonzero(inverse == c)
        rank[members] = np.arange(len(members))
    chosen = order[np.lexsort((np.arange(len(order)), rank))[:n]]
    return rng.permutation(chosen)
