"""Losses by hand (NumPy): cross-entropy, and LeNet-5's MAP criterion.

* :func:`cross_entropy` - mean over examples of -sum_i t_i log p_i, from probabilities
  (``from_logits=False``) or from scores (``from_logits=True``, computed through a
  log-sum-exp, which never takes the log of a rounded-to-zero probability). Targets are
  one-hot rows or integer labels. :func:`cross_entropy_loops` is the teaching version.
* :func:`map_loss` - LeNet-5's maximum a posteriori criterion (LeCun et al. 1998, eq. 9)
  on the RBF outputs y (squared distances, smaller = better)::

      E = (1/P) sum_p [ y_{D_p}(Z_p) + log( e^{-j} + sum_i e^{-y_i(Z_p)} ) ]

  The first term pulls the correct class's distance down; the second pushes the other
  classes' distances up (it is a soft minimum of all of them); e^{-j}, with j > 0, keeps
  the loss from rewarding distances that are already large. :func:`map_loss_loops` is
  the teaching version.
* :func:`logsumexp` - log sum_i e^{x_i}, computed without overflow.

Examples
--------
>>> round(cross_entropy([[0.5, 0.5]], [0]), 4)
0.6931
>>> map_loss([[0.0, 10.0]], [0], j=100.0) < map_loss([[10.0, 0.0]], [0], j=100.0)
True
"""

from __future__ import annotations

from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

from cnn_course._validation import as_finite_array

__all__ = [
    "cross_entropy",
    "cross_entropy_loops",
    "logsumexp",
    "map_loss",
    "map_loss_loops",
]

#: Probabilities are clipped to [EPSILON, 1 - EPSILON] before the log, as Keras does.
EPSILON = 1e-7


def logsumexp(x: ArrayLike, axis: int = -1) -> NDArray[np.float64] | np.float64:
    """log(sum(exp(x))) along ``axis``, with the maximum factored out (no overflow).

    Examples
    --------
    >>> float(logsumexp([1000.0, 1000.0])) == 1000.0 + float(np.log(2.0))
    True
    """
    x = as_finite_array(x, "x", min_ndim=1)
    m = x.max(axis=axis, keepdims=True)
    return (np.squeeze(m, axis=axis) + np.log(np.exp(x - m).sum(axis=axis)))[()]


def _targets(targets: ArrayLike, n: int, classes: int, name: str = "targets") -> NDArray[np.float64]:
    """One-hot float targets (n, classes) from labels (n,) or one-hot/soft rows (n, classes)."""
    t = np.asarray(targets)
    if t.ndim == 1:
        if t.dtype.kind not in "iu":
            if t.dtype.kind == "f" and np.all(np.isfinite(t)) and np.all(t == np.round(t)):
                t = t.astype(np.int64)
            else:
                raise TypeError(f"{name} given as labels must be integers, got dtype {t.dtype}")
        if len(t) != n:
            raise ValueError(f"{name} must hold one label per example ({n}), got {len(t)}")
        if t.size and (t.min() < 0 or t.max() >= classes):
            raise ValueError(f"{name} labels must be in 0..{classes - 1}, got {t.min()}..{t.max()}")
        return np.eye(classes)[t]
    t = as_finite_array(t, name, 2)
    if t.shape != (n, classes):
        raise ValueError(f"{name} given as rows must have shape {(n, classes)}, got {t.shape}")
    if np.any(t < 0):
        raise ValueError(f"{name} rows must be non-negative (one-hot or probabilities)")
    return t


def _rows(values: ArrayLike, name: str) -> NDArray[np.float64]:
    v = as_finite_array(values, name, (1, 2))
    v = np.atleast_2d(v)
    if v.shape[1] < 2:
        raise ValueError(f"{name} must have at least 2 classes (columns), got shape {v.shape}")
    return v


def cross_entropy(outputs: ArrayLike, targets: ArrayLike, *, from_logits: bool = False) -> float:
    """Mean cross-entropy -sum_i t_i log p_i over the examples.

    Parameters
    ----------
    outputs : array_like, (classes,) or (n, classes)
        Probabilities (rows summing to 1), or scores if ``from_logits``.
    targets : array_like
        Integer labels (n,) or one-hot (or soft) rows (n, classes).
    from_logits : bool
        Whether ``outputs`` are scores: then log p_i = z_i - logsumexp(z).

    Returns
    -------
    float

    Examples
    --------
    >>> round(cross_entropy([[0.7, 0.2, 0.1]], [[1, 0, 0]]), 4)   # -log 0.7
    0.3567
    >>> round(cross_entropy([[2.0, 0.0]], [0], from_logits=True), 4)
    0.1269
    """
    z = _rows(outputs, "outputs")
    t = _targets(targets, *z.shape)
    if from_logits:
        log_p = z - np.asarray(logsumexp(z, axis=1))[:, None]
    else:
        if np.any(z < 0) or np.any(z > 1):
            raise ValueError("outputs must be probabilities in [0, 1] (or pass from_logits=True for scores)")
        log_p = np.log(np.clip(z, EPSILON, 1.0 - EPSILON))
    return float(np.mean(-(t * log_p).sum(axis=1)))


def cross_entropy_loops(probabilities: ArrayLike, labels: ArrayLike) -> float:
    """Teaching version of :func:`cross_entropy` for probabilities and integer labels.

    Each example contributes -log of the probability it gave to its correct class.

    Examples
    --------
    >>> round(cross_entropy_loops([[0.7, 0.3], [0.4, 0.6]], [0, 1]), 4)
    0.4338
    """
    p = _rows(probabilities, "probabilities")
    t = _targets(labels, *p.shape, name="labels")
    total = 0.0
    for n in range(len(p)):
        for i in range(p.shape[1]):
            if t[n, i]:
                total += -t[n, i] * np.log(min(max(p[n, i], EPSILON), 1.0 - EPSILON))
    return float(total / len(p))


def _j(j: Any) -> float:
    if isinstance(j, (bool, np.bool_)) or not isinstance(j, (int, float, np.integer, np.floating)):
        raise TypeError(f"j must be a positive number, got {j!r}")
    value = float(j)
    if not np.isfinite(value) or value <= 0:
        raise ValueError(f"j must be a positive finite number, got {j!r}")
    return value


def map_loss(distances: ArrayLike, labels: ArrayLike, j: float = 1.0) -> float:
    """LeNet-5's MAP criterion on RBF outputs (squared distances; smaller = better).

    E = mean over examples of  y_correct + log(e^-j + sum_i e^-y_i).

    Parameters
    ----------
    distances : array_like, (classes,) or (n, classes)
        The RBF outputs y_i (non-negative).
    labels : array_like of int, (n,)
        The correct classes.
    j : float
        The positive constant of the "rubbish" term e^-j.

    Returns
    -------
    float

    Examples
    --------
    >>> round(map_loss([[0.0, 3.0]], [0], j=1.0), 4)   # 0 + log(e^-1 + 1 + e^-3)
    0.349
    """
    y = _rows(distances, "distances")
    if np.any(y < 0):
        raise ValueError("distances must be non-negative (RBF outputs are squared distances)")
    t = _targets(labels, *y.shape, name="labels")
    if t.ndim != 2 or not np.all((t == 0) | (t == 1)) or not np.all(t.sum(axis=1) == 1):
        raise ValueError("labels must give one correct class per example")
    j = _j(j)
    correct = (t * y).sum(axis=1)
    neg = np.concatenate([np.full((len(y), 1), -j), -y], axis=1)
    return float(np.mean(correct + np.asarray(logsumexp(neg, axis=1))))


def map_loss_loops(distances: ArrayLike, labels: ArrayLike, j: float = 1.0) -> float:
    """Teaching version of :func:`map_loss`, term by term as in the 1998 paper.

    Examples
    --------
    >>> round(map_loss_loops([[0.0, 3.0]], [0], j=1.0), 4)
    0.349
    """
    y = _rows(distances, "distances")
    labels = np.asarray(labels)
    _targets(labels, *y.shape, name="labels")  # validates
    labels = labels.astype(np.int64)
    j = _j(j)
    total = 0.0
    for p in range(len(y)):
        competition = np.exp(-j)
        for i in range(y.shape[1]):
            competition += np.exp(-y[p, i])
        total += y[p, labels[p]] + np.log(competition)
    return float(total / len(y))
