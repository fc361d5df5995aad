"""Output layers: softmax with a temperature, and LeNet-5's Euclidean RBF units (NumPy).

* :func:`softmax_with_temperature` - e^(z_i / T) / sum_j e^(z_j / T): probabilities that
  sum to 1; a high temperature T flattens them toward uniform, a low one sharpens them
  toward the arg-max.
* :func:`rbf_outputs` - LeNet-5's output units: y_i = sum_j (a_j - w_ij)^2, the squared
  Euclidean distance from the input a to the prototype w_i of class i. **Smaller is
  better**: the predicted class is the arg-*min*. :func:`rbf_outputs_loops` is the
  teaching version, one unit and one term at a time.
* :func:`rbf_predict` - the class of the nearest prototype.
* :func:`rbf_probabilities` - how a soft answer can be read from the distances,
  softmax(-y), used to put RBF units and softmax side by side.

All take a single input (1-D) or a batch (rows).

Examples
--------
>>> softmax_with_temperature([1.0, 2.0], temperature=1e6).round(3)
array([0.5, 0.5])
>>> rbf_outputs([1.0, 1.0], [[1.0, 1.0], [-1.0, 1.0]])
array([0., 4.])
"""

from __future__ import annotations

from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

from cnn_course._validation import as_finite_array
from cnn_course.nonlinearities.activations import softmax

__all__ = [
    "rbf_outputs",
    "rbf_outputs_loops",
    "rbf_predict",
    "rbf_probabilities",
    "softmax_with_temperature",
]


def _temperature(temperature: Any) -> float:
    if isinstance(temperature, (bool, np.bool_)) or not isinstance(temperature, (int, float, np.integer, np.floating)):
        raise TypeError(f"temperature must be a positive number, got {temperature!r}")
    t = float(temperature)
    if not np.isfinite(t) or t <= 0:
        raise ValueError(f"temperature must be a positive finite number, got {temperature!r}")
    return t


def softmax_with_temperature(z: ArrayLike, temperature: float = 1.0, axis: int = -1) -> NDArray[np.float64]:
    """Softmax of ``z / temperature`` along ``axis``.

    Parameters
    ----------
    z : array_like, at least 1-D
        Scores (logits).
    temperature : float
        T > 0. T = 1 is the ordinary softmax; T -> infinity gives the uniform
        distribution, T -> 0 puts all the probability on the largest score(s).
    axis : int

    Returns
    -------
    ndarray of z's shape, non-negative, summing to 1 along ``axis``.

    Examples
    --------
    >>> softmax_with_temperature([0.0, np.log(3.0)])
    array([0.25, 0.75])
    >>> softmax_with_temperature([0.0, 1.0], temperature=0.01).round(6)
    array([0., 1.])
    """
    z = as_finite_array(z, "z", min_ndim=1)
    return softmax(z / _temperature(temperature), axis=axis)


def _inputs_and_prototypes(a: ArrayLike, prototypes: ArrayLike) -> tuple[NDArray[np.float64], NDArray[np.float64], bool]:
    a = as_finite_array(a, "a", (1, 2))
    w = as_finite_array(prototypes, "prototypes", 2)
    if a.shape[-1] != w.shape[1]:
        raise ValueError(
            f"a has {a.shape[-1]} features per input but prototypes has {w.shape[1]} columns: "
            "prototypes must be (classes, features)"
        )
    single = a.ndim == 1
    return np.atleast_2d(a), w, single


def rbf_outputs(a: ArrayLike, prototypes: ArrayLike) -> NDArray[np.float64]:
    """Euclidean RBF outputs: the squared distance from each input to each class prototype.

    Parameters
    ----------
    a : array_like, (features,) or (n, features)
        The inputs of the output layer (LeNet-5: the 84 F6 activations).
    prototypes : array_like, (classes, features)
        One prototype w_i per class (LeNet-5: a 7x12 bitmap of the character, in {-1, +1}).

    Returns
    -------
    ndarray, (classes,) or (n, classes)
        y_i = sum_j (a_j - w_ij)^2, never negative; the best class has the smallest y.

    Examples
    --------
    >>> rbf_outputs([[0.0, 0.0], [1.0, 2.0]], [[0.0, 0.0], [1.0, 0.0]])
    array([[0., 1.],
           [5., 4.]])
    """
    a2, w, single = _inputs_and_prototypes(a, prototypes)
    # |a - w|^2 = |a|^2 - 2 a.w + |w|^2, clipped at 0 against rounding
    y = (a2**2).sum(axis=1, keepdims=True) - 2.0 * a2 @ w.T + (w**2).sum(axis=1)
    y = np.maximum(y, 0.0)
    return y[0] if single else y


def rbf_outputs_loops(a: ArrayLike, prototypes: ArrayLike) -> NDArray[np.float64]:
    """Teaching version of :func:`rbf_outputs`: one output unit and one input at a time.

    Examples
    --------
    >>> rbf_outputs_loops([1.0, 2.0], [[0.0, 0.0], [1.0, 0.0]])
    array([5., 4.])
    """
    a2, w, single = _inputs_and_prototypes(a, prototypes)
    n, (classes, features) = len(a2), w.shape
    y = np.zeros((n, classes))
    for p in range(n):  # each input
        for i in range(classes):  # each output unit (class)
            total = 0.0
            for j in range(features):  # each of its inputs
                total += (a2[p, j] - w[i, j]) ** 2
            y[p, i] = total
    return y[0] if single else y


def rbf_predict(a: ArrayLike, prototypes: ArrayLike) -> NDArray[np.int64] | int:
    """The class whose prototype is nearest (the arg-min of :func:`rbf_outputs`).

    Examples
    --------
    >>> rbf_predict([0.9, 1.2], [[0.0, 0.0], [1.0, 1.0]])
    1
    """
    y = rbf_outputs(a, prototypes)
    best = np.argmin(y, axis=-1)
    return int(best) if y.ndim == 1 else best


def rbf_probabilities(a: ArrayLike, prototypes: ArrayLike, temperature: float = 1.0) -> NDArray[np.float64]:
    """A soft answer from the RBF outputs: softmax(-y / T), the nearest prototype most likely.

    LeNet-5 itself does not output probabilities; this is the reading its MAP loss
    implies (see :func:`cnn_course.nonlinearities.losses.map_loss`), useful to compare with softmax.

    Examples
    --------
    >>> rbf_probabilities([0.0], [[0.0], [1.0]]).round(4)
    array([0.7311, 0.2689])
    """
    return softmax_with_temperature(-rbf_outputs(a, prototypes), temperature)
