"""How well a classifier does, and how much a response changes: the numbers several chapters
print (LeNet-5, AlexNet, the Neocognitron, pooling).

- :func:`accuracy`: share of right answers.
- :func:`confusion_matrix`: counts ``C[true, predicted]``; :func:`per_class_accuracy` reads
  each class's accuracy off it.
- :func:`relative_change`: ``||now - before|| / ||before||``, how much a response moved.

Examples
--------
>>> accuracy([1, 2, 3, 4], [1, 2, 0, 4])
0.75
>>> per_class_accuracy(confusion_matrix([0, 0, 1], [0, 1, 1], n_classes=2)).tolist()
[0.5, 1.0]
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike, NDArray

from cnn_course._validation import as_finite_array, as_int

__all__ = ["accuracy", "confusion_matrix", "per_class_accuracy", "relative_change"]


def _class_indices(values: ArrayLike, name: str) -> NDArray[np.int64]:
    """``values`` flattened to int64 class indices (integers, or floats that are whole numbers)."""
    array = np.asarray(values)
    if array.dtype.kind in "iu":
        return array.astype(np.int64, copy=False).ravel()
    if array.dtype.kind == "f":
        if not np.isfinite(array).all() or not np.array_equal(array, np.rint(array)):
            raise ValueError(f"{name} must hold whole-number class indices, got non-integer values")
        return array.astype(np.int64).ravel()
    raise TypeError(f"{name} must hold integer class indices, got dtype {array.dtype}")


def accuracy(predicted: ArrayLike, labels: ArrayLike) -> float:
    """Share of ``predicted`` equal to ``labels``.

    Parameters
    ----------
    predicted, labels : array_like
        Predicted and true classes (any shape; compared element by element once flattened).

    Returns
    -------
    float
        In [0, 1].

    Raises
    ------
    ValueError
        If they are empty or not of the same length.

    Examples
    --------
    >>> accuracy([1, 2, 3, 4], [1, 2, 0, 4])
    0.75
    >>> accuracy([1], [1, 2])
    Traceback (most recent call last):
    ...
    ValueError: predicted and labels must be non-empty and the same length, got (1,) and (2,)
    """
    p, y = np.asarray(predicted).ravel(), np.asarray(labels).ravel()
    if p.shape != y.shape or p.size == 0:
        raise ValueError(f"predicted and labels must be non-empty and the same length, got {p.shape} and {y.shape}")
    return float(np.mean(p == y))


def confusion_matrix(labels: ArrayLike, predicted: ArrayLike, n_classes: int = 10) -> NDArray[np.int64]:
    """Counts ``C[i, j]`` of the examples of true class ``i`` predicted as class ``j``.

    Parameters
    ----------
    labels, predicted : array_like of int
        True and predicted classes, in ``0 .. n_classes - 1``, of the same length.
    n_classes : int
        Number of classes (the matrix is ``n_classes`` x ``n_classes``).

    Returns
    -------
    ndarray of int64, shape (n_classes, n_classes)
        Rows: true class; columns: predicted class. The diagonal holds the right answers.

    Raises
    ------
    TypeError
        If the classes are not integers.
    ValueError
        If the lengths differ or a class is outside ``0 .. n_classes - 1``.

    Examples
    --------
    >>> confusion_matrix([0, 1, 1], [0, 1, 0], n_classes=2).tolist()
    [[1, 0], [1, 1]]
    >>> confusion_matrix([0, 5], [0, 1], n_classes=3)
    Traceback (most recent call last):
    ...
    ValueError: labels must hold class indices in 0..2, got values 0..5
    """
    n = as_int(n_classes, "n_classes", 1)
    y, p = _class_indices(labels, "labels"), _class_indices(predicted, "predicted")
    if y.shape != p.shape:
        raise ValueError(f"labels and predicted must have the same length, got {y.size} and {p.size}")
    for name, values in (("labels", y), ("predicted", p)):
        if values.size and (values.min() < 0 or values.max() >= n):
            raise ValueError(f"{name} must hold class indices in 0..{n - 1}, got values {values.min()}..{values.max()}")
    out = np.zeros((n, n), dtype=np.int64)
    np.add.at(out, (y, p), 1)
    return out


def per_class_accuracy(matrix: ArrayLike) -> NDArray[np.float64]:
    """Accuracy of each true class (row) of a confusion matrix: diagonal / row total.

    A class with no examples (an all-zero row) gets 0.

    Parameters
    ----------
    matrix : array_like, shape (n, n)
        A confusion matrix, as from :func:`confusion_matrix`.

    Returns
    -------
    ndarray of float64, shape (n,)

    Examples
    --------
    >>> per_class_accuracy([[3, 1], [0, 2]]).tolist()
    [0.75, 1.0]
    >>> per_class_accuracy([[1, 2, 3]])
    Traceback (most recent call last):
    ...
    ValueError: matrix must be a square 2-D array, got shape (1, 3)
    """
    m = as_finite_array(matrix, "matrix", 2)
    if m.shape[0] != m.shape[1]:
        raise ValueError(f"matrix must be a square 2-D array, got shape {m.shape}")
    if (m < 0).any():
        raise ValueError("matrix must hold counts (no negative entries)")
    totals = m.sum(axis=1)
    return np.divide(np.diag(m), totals, out=np.zeros_like(totals), where=totals > 0)


def relative_change(now: ArrayLike, before: ArrayLike) -> float:
    """How much a response changed: ``||now - before|| / ||before||`` (Frobenius norms).

    Computed in float64. ``0`` means unchanged, ``1`` a change as large as the response
    itself (e.g. a pattern moved onto cells that were silent). A zero ``before`` is divided
    by ``1e-12`` instead of 0, so the result stays finite.

    Parameters
    ----------
    now, before : array_like
        The same response after and before a change (same shape).

    Returns
    -------
    float

    Examples
    --------
    >>> relative_change([3.0, 4.0], [3.0, 4.0])
    0.0
    >>> relative_change([0.0, 4.0], [3.0, 4.0])
    0.6
    >>> relative_change([1.0], [1.0, 2.0])
    Traceback (most recent call last):
    ...
    ValueError: now and before must have the same shape, got (1,) and (2,)
    """
    a = as_finite_array(now, "now")
    b = as_finite_array(before, "before")
    if a.shape != b.shape:
        raise ValueError(f"now and before must have the same shape, got {a.shape} and {b.shape}")
    return float(np.linalg.norm(a - b) / max(np.linalg.norm(b), 1e-12))
