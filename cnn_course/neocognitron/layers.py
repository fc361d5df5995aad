"""The Neocognitron's two kinds of layers: S-layers that detect features, C-layers that pool them.

Fukushima's Neocognitron (1980) alternates two kinds of layers, each made of *planes*
(one plane = one feature detected at every position, with weights shared across the
plane, what a convolutional network calls a feature map):

* an **S-layer** (S for simple, like Hubel and Wiesel's simple cells) detects features:
  an S-cell compares the patch of its input under its receptive field with the weights
  of its plane;
* a **C-layer** (C for complex) pools each S-plane: a C-cell responds if the S-cells of
  its plane respond anywhere in a small neighbourhood, and the layer is subsampled.

This module implements a simplified version, on NumPy arrays (planes channels last,
``(N, H, W, planes)``).

The S-cell (simplified, in Fukushima's spirit)
----------------------------------------------
Fukushima's S-cell divides an excitatory sum by an inhibitory one that comes from a
V-cell measuring how much input there is in the receptive field. Here, with the input
patch ``x`` and the plane's weights ``w`` of unit length, the excitation is ``e = w . x``,
the inhibition is the patch's length ``v = ||x||`` (a root-sum-of-squares, what the V-cell
computes up to a constant), and the response is ::

    s = max(0, e - theta * v) / (1 - theta)  =  ||x|| * max(0, cos(w, x) - theta) / (1 - theta)

The cell fires only when the *angle* between the patch and its weights is small enough
(cosine above the selectivity ``theta``), however bright the patch is; its output then
grows with the patch's strength. ``theta`` near 1 makes a picky detector, near 0 a
tolerant one. (Fukushima's own formula is a ratio, ``(1 + e) / (1 + b v) - 1`` with
learned ``b`` and a Gaussian weighting of the inputs; the subtractive form above is the
usual simplification, and it keeps the key property: a threshold on similarity, not on
brightness.) See :func:`s_cell_response`, :func:`s_layer`, :func:`s_layer_loops`.

The C-cell
----------
Each C-plane is the course's pooling (:mod:`cnn_course.pooling`) of one S-plane: a
``pool`` x ``pool`` window moved by ``stride``, with ``(pool - 1) // 2`` cells of
padding that never count. ``pool_mode="max"`` reads "the C-cell fires if any S-cell in
its patch fires"; ``"average"`` is the blur of the simplified telling. Fukushima's
C-cells also saturate (``x / (1 + x)``); that is left out, the readout rescales the
features anyway. See :func:`c_layer`.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike, NDArray

from cnn_course._validation import as_finite_array, as_int, check_choice
from cnn_course.neocognitron._checks import CHUNK, _as_maps, _as_real
from cnn_course.pooling import pool_output_size

__all__ = ["POOL_MODES", "c_layer", "s_cell_response", "s_layer", "s_layer_loops"]

#: C-layer summaries: "max" (fires if any S-cell in the window fires) or "average" (blur).
POOL_MODES: tuple[str, ...] = ("max", "average")


# ---------------------------------------------------------------------------------------
# S-cells and S-layers
# ---------------------------------------------------------------------------------------


def s_cell_response(patch: ArrayLike, weights: ArrayLike, threshold: float) -> float:
    """One S-cell: excitation minus ``threshold`` times inhibition, rectified, rescaled.

    ``max(0, w . x - theta * ||x||) / (1 - theta)``, for weights ``w`` of unit length
    (what the learning produces); the teaching version of :func:`s_layer`.

    Parameters
    ----------
    patch : array_like
        The input under the cell's receptive field (any shape).
    weights : array_like
        The plane's weights, same shape, unit length.
    threshold : float
        Selectivity ``theta`` in [0, 1).

    Examples
    --------
    >>> w = np.array([1.0, 0.0])
    >>> s_cell_response([3.0, 0.0], w, 0.5), round(s_cell_response([3.0, 3.0], w, 0.5), 3)
    (3.0, 1.757)
    >>> s_cell_response([0.0, 3.0], w, 0.5)   # a patch at right angles: silent
    0.0
    """
    x = as_finite_array(patch, "patch")
    w = as_finite_array(weights, "weights")
    if x.shape != w.shape:
        raise ValueError(f"weights must have the patch's shape {x.shape}, got {w.shape}")
    theta = _as_real(threshold, "threshold", 0.0, 1.0, high_open=True)
    excitation = float(np.sum(w * x))
    inhibition = float(np.sqrt(np.sum(x * x)))
    return max(0.0, excitation - theta * inhibition) / (1.0 - theta)


def _check_weights(weights: ArrayLike, channels: int) -> NDArray[np.float32]:
    w = as_finite_array(weights, "weights", 4)
    kh, kw, c, _ = w.shape
    if kh != kw or kh % 2 == 0:
        raise ValueError(f"weights must have an odd square window (k, k, channels, planes), got shape {w.shape}")
    if c != channels:
        raise ValueError(f"weights must have x's {channels} channels on axis 2, got shape {w.shape}")
    return w.astype(np.float32)


def _unfold(x: NDArray[np.float32], k: int) -> NDArray[np.float32]:
    """Every k x k patch of x (zero-padded, "same"), as rows: (N, H, W, k*k*C), order (m, n, c)."""
    from numpy.lib.stride_tricks import sliding_window_view

    p = k // 2
    padded = np.pad(x, ((0, 0), (p, p), (p, p), (0, 0)))
    windows = sliding_window_view(padded, (k, k), axis=(1, 2))  # (N, H, W, C, k, k)
    n, h, w, c = x.shape
    return np.ascontiguousarray(windows.transpose(0, 1, 2, 4, 5, 3)).reshape(n, h, w, k * k * c)


def s_layer(x: ArrayLike, weights: ArrayLike, threshold: float) -> NDArray[np.float32]:
    """An S-layer: every S-cell of every plane, with "same" zero padding (vectorised).

    Parameters
    ----------
    x : array_like, shape (N, H, W, C)
        The input planes (images: C = 1), channels last.
    weights : array_like, shape (k, k, C, planes)
        One unit-length weight vector per plane, k odd.
    threshold : float
        Selectivity in [0, 1).

    Returns
    -------
    ndarray of float32, shape (N, H, W, planes)

    Notes
    -----
    The excitation is the cross-correlation that :func:`cnn_course.convolution.conv2d_layer`
    computes (the tests hold the two equal); here the patches are unfolded once and
    multiplied by all planes' weights in one matrix product, in float32, which is several
    times faster.

    Examples
    --------
    >>> x = np.zeros((1, 3, 3, 1)); x[0, 1, :, 0] = 1          # a horizontal line
    >>> w = np.zeros((3, 3, 1, 2)); w[1, :, 0, 0] = w[:, 1, 0, 1] = 1 / np.sqrt(3)
    >>> s_layer(x, w, 0.5)[0, 1, 1]       # the horizontal detector fires, the vertical one not
    array([1.7320508, 0.       ], dtype=float32)
    """
    x32 = _as_maps(x)
    w = _check_weights(weights, x32.shape[3])
    theta = _as_real(threshold, "threshold", 0.0, 1.0, high_open=True)
    k, planes = w.shape[0], w.shape[3]
    matrix = w.reshape(-1, planes)  # rows in (m, n, c) order, like _unfold
    out = np.empty(x32.shape[:3] + (planes,), dtype=np.float32)
    for start in range(0, len(x32), CHUNK):
        cols = _unfold(x32[start : start + CHUNK], k)
        excitation = cols @ matrix
        inhibition = np.sqrt(np.einsum("nhwd,nhwd->nhw", cols, cols))[..., None]
        out[start : start + CHUNK] = np.maximum(excitation - np.float32(theta) * inhibition, 0.0) / np.float32(1 - theta)
    return out


def s_layer_loops(
    x: ArrayLike, weights: ArrayLike, threshold: float
) -> NDArray[np.float64]:
    """Teaching version of :func:`s_layer`: one S-cell at a time.

    Examples
    --------
    >>> x = np.zeros((1, 3, 3, 1)); x[0, 1, :, 0] = 1
    >>> w = np.zeros((3, 3, 1, 1)); w[1, :, 0, 0] = 1 / np.sqrt(3)
    >>> s_layer_loops(x, w, 0.5)[0, :, :, 0].round(3)
    array([[0.   , 0.   , 0.   ],
           [0.895, 1.732, 0.895],
           [0.   , 0.   , 0.   ]])
    """
    x = as_finite_array(x, "x", 4)
    w = _check_weights(weights, x.shape[3]).astype(np.float64)
    k, planes = w.shape[0], w.shape[3]
    p = k // 2
    padded = np.pad(x, ((0, 0), (p, p), (p, p), (0, 0)))  # zeros around
    out = np.zeros(x.shape[:3] + (planes,))
    for b in range(x.shape[0]):  # image
        for i in range(x.shape[1]):  # row of the S-cell
            for j in range(x.shape[2]):  # its column
                patch = padded[b, i : i + k, j : j + k, :]  # what it sees
                for d in range(planes):  # same weights at every (i, j)
                    w_d = w[:, :, :, d]
                    out[b, i, j, d] = s_cell_response(patch, w_d, threshold)
    return out


# ---------------------------------------------------------------------------------------
# C-layers
# ---------------------------------------------------------------------------------------


def c_layer(x: ArrayLike, size: int, stride: int, mode: str = "max") -> NDArray[np.float32]:
    """A C-layer: every plane of ``x`` pooled, with ``(size - 1) // 2`` cells of padding.

    Equal, plane by plane, to :func:`cnn_course.pooling.max_pool2d` (or
    :func:`~cnn_course.pooling.avg_pool2d`) with ``stride`` and ``padding=(size - 1) // 2``:
    padding cells never count (the tests hold them equal).

    Parameters
    ----------
    x : array_like, shape (N, H, W, planes)
    size : int
        Window side (>= 1).
    stride : int
        Step between windows (>= 1).
    mode : {"max", "average"}

    Returns
    -------
    ndarray of float32, shape (N, H', W', planes), H' = :func:`~cnn_course.pooling.pool_output_size`

    Examples
    --------
    >>> x = np.zeros((1, 4, 4, 1)); x[0, 0, 0, 0] = 1
    >>> c_layer(x, 3, 2)[0, :, :, 0]
    array([[1., 0.],
           [0., 0.]], dtype=float32)
    """
    x32 = _as_maps(x)
    size, stride = as_int(size, "size", 1), as_int(stride, "stride", 1)
    mode = check_choice(mode, "mode", POOL_MODES)
    pad = (size - 1) // 2
    n, h, w, planes = x32.shape
    oh = pool_output_size(h, size, stride=stride, padding=pad)
    ow = pool_output_size(w, size, stride=stride, padding=pad)
    fill = -np.inf if mode == "max" else 0.0
    padded = np.pad(x32, ((0, 0), (pad, pad), (pad, pad), (0, 0)), constant_values=fill)
    acc: NDArray[np.float32] | None = None
    for m in range(size):
        rows = slice(m, m + stride * (oh - 1) + 1, stride)
        for n_ in range(size):
            cols = slice(n_, n_ + stride * (ow - 1) + 1, stride)
            window_cell = padded[:, rows, cols, :]
            if acc is None:
                acc = window_cell.copy()
            elif mode == "max":
                np.maximum(acc, window_cell, out=acc)
            else:
                acc += window_cell
    assert acc is not None
    if mode == "average":
        real = np.pad(np.ones((h, w), np.float32), pad)
        count = sum(real[m : m + stride * (oh - 1) + 1 : stride, n_ : n_ + stride * (ow - 1) + 1 : stride]
                    for m in range(size) for n_ in range(size))
        acc /= count[None, :, :, None]
    return acc
