"""Activation functions of the networks in the course, and their derivatives.

* :func:`sigmoid`, the logistic function 1 / (1 + e^-z);
* :func:`lecun_tanh`, LeNet's "squashing function" A tanh(S a) with A = 1.7159 and
  S = 2/3, chosen so that f(1) = 1 and f(-1) = -1;
* :func:`relu`, max(z, 0), used by AlexNet;
* :func:`softmax`, which turns scores into probabilities that sum to 1;
* :func:`scaled_tanh`, A tanh(S a) for any A and S, with its first and second derivatives
  (:func:`scaled_tanh_grad`, :func:`scaled_tanh_second`), and :func:`amplitude_for_unit_output`,
  the A that makes f(1) = 1 for a given S (1.7159 for S = 2/3).

Each takes a scalar, a list or an array of any (non-empty) shape and returns float64
values of the same shape (a NumPy float for a scalar). The derivatives are
:func:`sigmoid_grad`, :func:`lecun_tanh_grad`, :func:`relu_grad` (elementwise) and
:func:`softmax_jacobian` (a matrix).
"""

from __future__ import annotations

from typing import Any, TypeAlias

import numpy as np
from numpy.typing import ArrayLike, NDArray

from cnn_course._validation import as_finite_array, as_int

__all__ = [
    "LECUN_A",
    "LECUN_S",
    "amplitude_for_unit_output",
    "lecun_tanh",
    "lecun_tanh_grad",
    "relu",
    "relu_grad",
    "scaled_tanh",
    "scaled_tanh_grad",
    "scaled_tanh_second",
    "sigmoid",
    "sigmoid_grad",
    "softmax",
    "softmax_jacobian",
]

#: Amplitude A of LeCun's scaled tanh.
LECUN_A: float = 1.7159
#: Slope S of LeCun's scaled tanh.
LECUN_S: float = 2.0 / 3.0

#: What the elementwise functions return: an array of z's shape, or a float for a scalar z.
Float64s: TypeAlias = "NDArray[np.float64] | np.float64"


def _values(z: ArrayLike) -> NDArray[np.float64]:
    return as_finite_array(z, "z")


def sigmoid(z: ArrayLike) -> Float64s:
    """The logistic sigmoid 1 / (1 + e^-z), computed without overflow for large |z|.

    Only e^-|z| is ever evaluated (at most 1): 1 / (1 + e^-|z|) for z >= 0, and
    e^-|z| / (1 + e^-|z|) for z < 0.

    Parameters
    ----------
    z : array_like
        Scalar or array of real numbers.

    Returns
    -------
    float64 array of z's shape (a NumPy float for a scalar), values in [0, 1].

    Examples
    --------
    >>> sigmoid([0.0, 2.0])
    array([0.5       , 0.88079708])
    >>> sigmoid([-1000.0, 1000.0])
    array([0., 1.])
    """
    z = _values(z)
    e = np.exp(-np.abs(z))
    return np.where(z >= 0, 1.0 / (1.0 + e), e / (1.0 + e))[()]


def sigmoid_grad(z: ArrayLike) -> Float64s:
    """Derivative of :func:`sigmoid`: sigma(z) (1 - sigma(z)).

    Examples
    --------
    >>> float(sigmoid_grad(0.0))
    0.25
    """
    s = sigmoid(z)
    return s * (1.0 - s)


def lecun_tanh(z: ArrayLike) -> Float64s:
    """LeCun's scaled tanh, A tanh(S z) with A = :data:`LECUN_A`, S = :data:`LECUN_S`.

    Examples
    --------
    >>> lecun_tanh([1.0, -1.0]).round(4)
    array([ 1., -1.])
    """
    return LECUN_A * np.tanh(LECUN_S * _values(z))


def lecun_tanh_grad(z: ArrayLike) -> Float64s:
    """Derivative of :func:`lecun_tanh`: A S (1 - tanh^2(S z)).

    Examples
    --------
    >>> round(float(lecun_tanh_grad(0.0)), 4)
    1.1439
    """
    t = np.tanh(LECUN_S * _values(z))
    return LECUN_A * LECUN_S * (1.0 - t * t)


def relu(z: ArrayLike) -> Float64s:
    """Rectified linear unit, max(z, 0).

    Examples
    --------
    >>> relu([-2.0, 0.0, 3.0])
    array([0., 0., 3.])
    """
    return np.maximum(_values(z), 0.0)


def relu_grad(z: ArrayLike) -> Float64s:
    """Derivative of :func:`relu`: 1 where z > 0, else 0.

    At z = 0 ReLU has no derivative; like TensorFlow and PyTorch, we use 0 there (any value
    in [0, 1] is a valid subgradient).

    Examples
    --------
    >>> relu_grad([-2.0, 0.0, 3.0])
    array([0., 0., 1.])
    """
    return (_values(z) > 0).astype(np.float64)[()]


def _check_axis(axis: Any, ndim: int) -> int:
    axis = as_int(axis, "axis")
    if not -ndim <= axis < ndim:
        raise ValueError(f"axis must be in [{-ndim}, {ndim - 1}] for a {ndim}-D z, got {axis}")
    return axis


def softmax(z: ArrayLike, axis: int = -1) -> NDArray[np.float64]:
    """Softmax e^z_i / sum_j e^z_j along ``axis``: probabilities summing to 1.

    The maximum is subtracted first (the result does not change), so no exponential
    overflows.

    Parameters
    ----------
    z : array_like, at least 1-D
        Scores.
    axis : int
        Axis along which the probabilities sum to 1.

    Examples
    --------
    >>> softmax([1000.0, 1000.0])
    array([0.5, 0.5])
    >>> softmax([0.0, np.log(3.0)])
    array([0.25, 0.75])
    """
    z = as_finite_array(z, "z", min_ndim=1)
    axis = _check_axis(axis, z.ndim)
    e = np.exp(z - z.max(axis=axis, keepdims=True))
    return e / e.sum(axis=axis, keepdims=True)


def softmax_jacobian(z: ArrayLike) -> NDArray[np.float64]:
    """Jacobian of :func:`softmax` for a 1-D z: J[i, j] = s_i (delta_ij - s_j).

    Examples
    --------
    >>> softmax_jacobian([0.0, 0.0])
    array([[ 0.25, -0.25],
           [-0.25,  0.25]])
    """
    s = softmax(as_finite_array(z, "z", 1))
    return np.diag(s) - np.outer(s, s)


def _positive(value: Any, name: str) -> float:
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, (int, float, np.integer, np.floating)):
        raise TypeError(f"{name} must be a positive number, got {value!r}")
    v = float(value)
    if not np.isfinite(v) or v <= 0:
        raise ValueError(f"{name} must be a positive finite number, got {value!r}")
    return v


def scaled_tanh(z: ArrayLike, a: float = LECUN_A, s: float = LECUN_S) -> Float64s:
    """A tanh(S z) for any amplitude ``a`` = A > 0 and slope ``s`` = S > 0.

    With the defaults it is :func:`lecun_tanh`; with ``a = s = 1`` it is plain tanh.

    Examples
    --------
    >>> float(scaled_tanh(0.5, a=1.0, s=1.0)) == float(np.tanh(0.5))
    True
    """
    return _positive(a, "a") * np.tanh(_positive(s, "s") * _values(z))


def scaled_tanh_grad(z: ArrayLike, a: float = LECUN_A, s: float = LECUN_S) -> Float64s:
    """First derivative of :func:`scaled_tanh`: A S (1 - tanh^2(S z)).

    Examples
    --------
    >>> float(scaled_tanh_grad(0.0, a=2.0, s=3.0))
    6.0
    """
    a, s = _positive(a, "a"), _positive(s, "s")
    t = np.tanh(s * _values(z))
    return a * s * (1.0 - t * t)


def scaled_tanh_second(z: ArrayLike, a: float = LECUN_A, s: float = LECUN_S) -> Float64s:
    """Second derivative of :func:`scaled_tanh`: -2 A S^2 tanh(S z) (1 - tanh^2(S z)).

    Its magnitude is largest where tanh(S z) = 1/sqrt(3), i.e. at z = atanh(1/sqrt(3)) / S
    (0.99 for S = 2/3: close to the targets +-1).

    Examples
    --------
    >>> round(float(scaled_tanh_second(1.0, a=1.0, s=1.0)), 4)   # -2 tanh(1) (1 - tanh(1)^2)
    -0.6397
    """
    a, s = _positive(a, "a"), _positive(s, "s")
    t = np.tanh(s * _values(z))
    return -2.0 * a * s * s * t * (1.0 - t * t)


def amplitude_for_unit_output(s: float = LECUN_S) -> float:
    """The amplitude A for which A tanh(S * 1) = 1, i.e. A = 1 / tanh(S).

    Examples
    --------
    >>> round(amplitude_for_unit_output(2 / 3), 4)
    1.7159
    """
    return float(1.0 / np.tanh(_positive(s, "s")))
