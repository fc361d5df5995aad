"""Convolution and cross-correlation in two dimensions: fast versions and teaching versions.

Two groups of functions:

* single-channel 2-D operations, :func:`convolve2d` and :func:`cross_correlate2d` (fast,
  vectorised), with teaching twins :func:`convolve2d_loops` and
  :func:`cross_correlate2d_loops` whose loops read like the equations, plus
  :func:`output_size` / :func:`output_shape`;
* a batched multi-channel layer with Keras/TensorFlow semantics, :func:`conv2d_layer`
  (and :func:`conv2d_layer_loops`), with TensorFlow's "same" padding rule in
  :func:`same_padding`.

The worked example and its index tables are in :mod:`cnn_course.convolution.indices`.
Array orientation: arrays are written top row first, as NumPy prints them.
"""

from __future__ import annotations

import math
from typing import Literal

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view
from numpy.typing import ArrayLike, NDArray

from cnn_course._validation import (
    as_finite_array,
    as_int,
    as_pair,
    as_shape,
    check_choice,
    check_fits,
)

__all__ = [
    "conv2d_layer",
    "conv2d_layer_loops",
    "convolve2d",
    "convolve2d_loops",
    "cross_correlate2d",
    "cross_correlate2d_loops",
    "output_shape",
    "output_size",
    "same_padding",
]

Pair = int | tuple[int, int]

LAYER_PADDINGS: tuple[str, ...] = ("valid", "same")


# ---------------------------------------------------------------------------------------
# Sizes
# ---------------------------------------------------------------------------------------


def output_size(n: int, k: int, *, stride: int = 1, padding: int = 0) -> int:
    """Length of a "valid" convolution's output along one axis: floor((n + 2p - k) / s) + 1.

    Parameters
    ----------
    n : int
        Input length (>= 1).
    k : int
        Kernel length (>= 1, at most ``n + 2 * padding``).
    stride : int
        Step of the window (>= 1).
    padding : int
        Zeros added on each side (>= 0).

    Returns
    -------
    int

    Examples
    --------
    >>> output_size(32, 5)
    28
    >>> output_size(224, 11, stride=4, padding=2)
    55
    """
    n, k = as_int(n, "n", 1), as_int(k, "k", 1)
    stride, padding = as_int(stride, "stride", 1), as_int(padding, "padding", 0)
    if k > n + 2 * padding:
        raise ValueError(f"k ({k}) must not exceed the padded input length n + 2*padding ({n + 2 * padding})")
    return (n + 2 * padding - k) // stride + 1


def output_shape(
    image_shape: tuple[int, int],
    kernel_shape: tuple[int, int],
    *,
    stride: Pair = 1,
    padding: Pair = 0,
) -> tuple[int, int]:
    """Shape of :func:`convolve2d`'s output, applying :func:`output_size` to rows and columns.

    Examples
    --------
    >>> output_shape((3, 3), (2, 2))
    (2, 2)
    >>> output_shape((28, 28), (5, 5), stride=1, padding=2)
    (28, 28)
    """
    rows, cols = as_shape(image_shape, "image_shape")
    kh, kw = as_shape(kernel_shape, "kernel_shape")
    (sr, sc), (pr, pc) = as_pair(stride, "stride", 1), as_pair(padding, "padding", 0)
    check_fits((kh, kw), "kernel", (rows + 2 * pr, cols + 2 * pc), "padded image")
    return (rows + 2 * pr - kh) // sr + 1, (cols + 2 * pc - kw) // sc + 1


# ---------------------------------------------------------------------------------------
# Single-channel convolution and cross-correlation
# ---------------------------------------------------------------------------------------


def _prepare(
    image: ArrayLike, kernel: ArrayLike, stride: Pair, padding: Pair
) -> tuple[NDArray[np.float64], NDArray[np.float64], tuple[int, int]]:
    """Validate the arguments; return the zero-padded image, the kernel and the stride."""
    image = as_finite_array(image, "image", 2)
    kernel = as_finite_array(kernel, "kernel", 2)
    stride_pair = as_pair(stride, "stride", 1)
    pr, pc = as_pair(padding, "padding", 0)
    padded = np.pad(image, ((pr, pr), (pc, pc)))
    check_fits(kernel.shape, "kernel", padded.shape, "padded image")
    return padded, kernel, stride_pair


def cross_correlate2d(
    image: ArrayLike, kernel: ArrayLike, *, stride: Pair = 1, padding: Pair = 0
) -> NDArray[np.float64]:
    """Cross-correlate ``image`` with ``kernel``: what deep-learning libraries call convolution.

    ``F[i, j] = sum_{m, n} P[i*s_r + m, j*s_c + n] K[m, n]`` over the zero-padded image P,
    keeping only the positions where the kernel fits ("valid").

    Parameters
    ----------
    image : array_like, 2-D
        Input, top row first.
    kernel : array_like, 2-D
        Weights; not flipped.
    stride : int or (int, int)
        Step of the window along rows and columns (>= 1).
    padding : int or (int, int)
        Rows and columns of zeros added on each side (>= 0).

    Returns
    -------
    ndarray of float64, shape :func:`output_shape`

    Examples
    --------
    >>> cross_correlate2d([[1, 2, 3], [4, 5, 6]], [[1, 0], [0, -1]])
    array([[-4., -4.]])
    """
    padded, kernel, (sr, sc) = _prepare(image, kernel, stride, padding)
    windows = sliding_window_view(padded, kernel.shape)[::sr, ::sc]
    return np.einsum("ijmn,mn->ij", windows, kernel)


def convolve2d(
    image: ArrayLike, kernel: ArrayLike, *, stride: Pair = 1, padding: Pair = 0
) -> NDArray[np.float64]:
    """Convolve ``image`` with ``kernel`` (the kernel is flipped), "valid" over the padded image.

    Equal to ``scipy.signal.convolve2d(np.pad(image, padding), kernel, mode="valid")``
    taken with the given stride; equal to :func:`cross_correlate2d` with the kernel
    flipped along both axes.

    Parameters
    ----------
    image : array_like, 2-D
        Input, top row first.
    kernel : array_like, 2-D
        Weights, top row first (flipped by the convolution).
    stride : int or (int, int)
        Step of the window along rows and columns (>= 1).
    padding : int or (int, int)
        Rows and columns of zeros added on each side (>= 0).

    Returns
    -------
    ndarray of float64, shape :func:`output_shape`

    Examples
    --------
    >>> from cnn_course.convolution import worked_example
    >>> P, K = worked_example()
    >>> convolve2d(P, K)
    array([[195. , 241. ],
           [142.5, 222. ]])
    """
    kernel = as_finite_array(kernel, "kernel", 2)
    return cross_correlate2d(image, kernel[::-1, ::-1], stride=stride, padding=padding)


def cross_correlate2d_loops(
    image: ArrayLike, kernel: ArrayLike, *, stride: Pair = 1, padding: Pair = 0
) -> NDArray[np.float64]:
    """Teaching version of :func:`cross_correlate2d`: F(i, j) = sum_{m,n} P(i+m, j+n) K(m, n).

    Examples
    --------
    >>> cross_correlate2d_loops([[1, 2, 3], [4, 5, 6]], [[1, 0], [0, -1]])
    array([[-4., -4.]])
    """
    P, K, (sr, sc) = _prepare(image, kernel, stride, padding)  # P is already zero-padded
    kh, kw = K.shape
    F = np.zeros(((P.shape[0] - kh) // sr + 1, (P.shape[1] - kw) // sc + 1))
    for i in range(F.shape[0]):  # output row
        for j in range(F.shape[1]):  # output column
            r, c = i * sr, j * sc  # top-left corner of the window
            for m in range(kh):  # kernel row
                for n in range(kw):  # kernel column
                    F[i, j] += P[r + m, c + n] * K[m, n]  # P(i+m, j+n) K(m, n)
    return F


def convolve2d_loops(
    image: ArrayLike, kernel: ArrayLike, *, stride: Pair = 1, padding: Pair = 0
) -> NDArray[np.float64]:
    """Teaching version of :func:`convolve2d`: F(i, j) = sum_{m,n} P(i-m, j-n) K(m, n).

    K[0, 0] multiplies the *last* row and column of each window: the kernel is flipped.
    The indices here are array indices (m down the rows, n along the columns); flipping
    both axes gives the same numbers as the Cartesian sum tabulated by
    :func:`~cnn_course.convolution.indices.index_terms`.

    Examples
    --------
    >>> from cnn_course.convolution import worked_example
    >>> P, K = worked_example()
    >>> convolve2d_loops(P, K)
    array([[195. , 241. ],
           [142.5, 222. ]])
    """
    P, K, (sr, sc) = _prepare(image, kernel, stride, padding)  # P is already zero-padded
    kh, kw = K.shape
    F = np.zeros(((P.shape[0] - kh) // sr + 1, (P.shape[1] - kw) // sc + 1))
    for i in range(F.shape[0]):  # output row
        for j in range(F.shape[1]):  # output column
            r, c = i * sr + kh - 1, j * sc + kw - 1  # bottom-right corner of the window
            for m in range(kh):  # kernel row
                for n in range(kw):  # kernel column
                    F[i, j] += P[r - m, c - n] * K[m, n]  # P(i-m, j-n) K(m, n)
    return F


# ---------------------------------------------------------------------------------------
# Multi-channel, batched layer (Keras / TensorFlow semantics)
# ---------------------------------------------------------------------------------------


def same_padding(n: int, k: int, stride: int = 1) -> tuple[int, int]:
    """TensorFlow's "SAME" padding along one axis, as (before, after).

    The output has ceil(n / stride) positions; the total padding is
    ``max((ceil(n / stride) - 1) * stride + k - n, 0)``, and when it is odd the extra
    row or column goes after (bottom / right).

    Examples
    --------
    >>> same_padding(5, 3)
    (1, 1)
    >>> same_padding(6, 3, 2)
    (0, 1)
    """
    n, k, stride = as_int(n, "n", 1), as_int(k, "k", 1), as_int(stride, "stride", 1)
    total = max((math.ceil(n / stride) - 1) * stride + k - n, 0)
    return total // 2, total - total // 2


def _prepare_layer(
    x: ArrayLike, kernels: ArrayLike, bias: ArrayLike | None, stride: Pair, padding: str
) -> tuple[NDArray[np.float64], NDArray[np.float64], NDArray[np.float64], tuple[int, int]]:
    """Validate the layer's arguments; return padded x, kernels, bias (zeros if None), stride."""
    x = as_finite_array(x, "x", 4)
    kernels = as_finite_array(kernels, "kernels", 4)
    kh, kw, c_in, c_out = kernels.shape
    if x.shape[3] != c_in:
        raise ValueError(
            f"kernels must have x's {x.shape[3]} input channels on axis 2, got shape {kernels.shape}"
        )
    bias = np.zeros(c_out) if bias is None else as_finite_array(bias, "bias", 1)
    if bias.shape != (c_out,):
        raise ValueError(f"bias must have shape ({c_out},) (one per output channel), got {bias.shape}")
    sr, sc = as_pair(stride, "stride", 1)
    padding = check_choice(padding.lower() if isinstance(padding, str) else padding, "padding", LAYER_PADDINGS)
    pads = [(0, 0), (0, 0), (0, 0), (0, 0)]
    if padding == "same":
        pads[1], pads[2] = same_padding(x.shape[1], kh, sr), same_padding(x.shape[2], kw, sc)
    padded = np.pad(x, pads)
    check_fits((kh, kw), "kernels' window", padded.shape[1:3], "padded x")
    return padded, kernels, bias, (sr, sc)


def conv2d_layer(
    x: ArrayLike,
    kernels: ArrayLike,
    bias: ArrayLike | None = None,
    *,
    stride: Pair = 1,
    padding: Literal["valid", "same"] = "valid",
) -> NDArray[np.float64]:
    """A convolutional layer's forward pass (no activation), as Keras's ``Conv2D`` computes it.

    ``y[b, i, j, d] = bias[d] + sum_{m, n, c} x[b, i*s_r + m, j*s_c + n, c] kernels[m, n, c, d]``
    (a cross-correlation, summed over input channels), equal to
    ``tf.nn.conv2d(x, kernels, stride, padding.upper()) + bias``.

    Parameters
    ----------
    x : array_like, shape (batch, height, width, c_in)
        Input images, channels last (NHWC).
    kernels : array_like, shape (kh, kw, c_in, c_out)
        One kernel per (input, output) channel pair.
    bias : array_like, shape (c_out,), optional
        One bias per output channel (none if None).
    stride : int or (int, int)
        Step of the window (>= 1).
    padding : {"valid", "same"}
        Case-insensitive. "valid": no padding; "same": TensorFlow's SAME (see :func:`same_padding`), so the
        output has ceil(height / stride) x ceil(width / stride) positions.

    Returns
    -------
    ndarray of float64, shape (batch, out_height, out_width, c_out)

    Examples
    --------
    >>> x = np.arange(16.0).reshape(1, 4, 4, 1)
    >>> conv2d_layer(x, np.ones((2, 2, 1, 1)), [0.5], stride=2)[..., 0]
    array([[[10.5, 18.5],
            [42.5, 50.5]]])
    """
    padded, kernels, bias, (sr, sc) = _prepare_layer(x, kernels, bias, stride, padding)
    windows = sliding_window_view(padded, kernels.shape[:2], axis=(1, 2))[:, ::sr, ::sc]
    return np.einsum("bijcmn,mncd->bijd", windows, kernels, optimize=True) + bias


def conv2d_layer_loops(
    x: ArrayLike,
    kernels: ArrayLike,
    bias: ArrayLike | None = None,
    *,
    stride: Pair = 1,
    padding: Literal["valid", "same"] = "valid",
) -> NDArray[np.float64]:
    """Teaching version of :func:`conv2d_layer`: one loop per index of the sum.

    Examples
    --------
    >>> x = np.arange(16.0).reshape(1, 4, 4, 1)
    >>> conv2d_layer_loops(x, np.ones((2, 2, 1, 1)), [0.5], stride=2)[..., 0]
    array([[[10.5, 18.5],
            [42.5, 50.5]]])
    """
    X, W, bias, (sr, sc) = _prepare_layer(x, kernels, bias, stride, padding)  # X is padded
    kh, kw, c_in, c_out = W.shape
    Y = np.zeros((X.shape[0], (X.shape[1] - kh) // sr + 1, (X.shape[2] - kw) // sc + 1, c_out))
    for b in range(Y.shape[0]):  # image in the batch
        for i in range(Y.shape[1]):  # output row
            for j in range(Y.shape[2]):  # output column
                for d in range(c_out):  # output channel (feature map)
                    total = bias[d]
                    for m in range(kh):  # kernel row
                        for n in range(kw):  # kernel column
                            for c in range(c_in):  # input channel
                                total += X[b, i * sr + m, j * sc + n, c] * W[m, n, c, d]
                    Y[b, i, j, d] = total
    return Y
