"""A small Neocognitron: S-layers that detect features, C-layers that pool them, no backprop.

Fukushima's Neocognitron (1980) alternates two kinds of layers, each made of *planes*
(one plane = one feature detected at every position, with weights shared across the
plane, what a convolutional network calls a feature map):

* an **S-layer** (S for simple, like Hubel and Wiesel's simple cells) detects features:
  an S-cell compares the patch of its input under its receptive field with the weights
  of its plane;
* a **C-layer** (C for complex) pools each S-plane: a C-cell responds if the S-cells of
  its plane respond anywhere in a small neighbourhood, and the layer is subsampled.

This module implements a simplified version, on NumPy arrays, for MNIST-sized grey
images (values 0..255).

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

Learning without backpropagation
--------------------------------
The weights of each S-layer are learned from unlabelled images, one stage after the
other, by **competitive (winner-take-all) learning**, a batch form of Fukushima's
"seed cell" reinforcement (:func:`competitive_learning`):

1. sample ``n_patches`` receptive-field patches of the stage's input from the training
   images, at positions where there is something to see (patch length at least
   ``min_fraction`` of the largest), with a seeded generator; scale each to unit length;
2. start each plane from a different random patch;
3. for each mini-batch of patches, the plane with the largest response to a patch is its
   *winner* (the seed cell); every plane that won patches moves its weights toward their
   mean, ``w <- normalise((1 - rate) w + rate * mean)`` (:func:`competitive_step`); planes
   that won nothing keep their weights (after an epoch without a win, a plane is
   restarted from the patch the other planes match worst: Fukushima's recruitment of a
   new cell for an input nothing detects).

Every random choice comes from ``numpy.random.default_rng(seed)``: the same seed and
images give the same planes.

The readout, also without backpropagation
-----------------------------------------
The last C-layer's responses, flattened, are the features. Two readouts, neither with a
gradient:

* ``"ridge"`` (default): a linear readout fitted in closed form. The features are
  standardised, and ``W = (Z^T Z + ridge I)^{-1} Z^T Y`` (one-hot ``Y``) is solved once;
  the predicted class is the largest output. Least squares is the oldest way to fit a
  linear layer (the Widrow-Hoff rule converges to it) and one linear solve is both
  deterministic and fast. The penalty ``ridge`` keeps the weights small, so that no single
  C-cell decides alone: that helps tolerance.
* ``"nearest-neighbour"``: the label of the closest training image in C-layer space: the
  same classifier as the pixel baseline, on different features.

Fukushima's network classified with its last C-layer directly (one cell per learned
category, labelled afterwards); a readout on top of the learned features is the usual
modern stand-in.

The baseline
------------
:class:`PixelTemplateMatcher` stores every training image as a template and gives a test
image the label of the nearest template in raw pixel space (1-nearest neighbour,
Euclidean distance): a recogniser with no tolerance built in.

Transformations of the test images: :func:`shift_images`, :func:`add_noise`,
:func:`deform_images`; the robustness measurement: :func:`shift_accuracy`.

Examples
--------
>>> rng = np.random.default_rng(0)
>>> images = rng.integers(0, 256, size=(20, 12, 12))
>>> model = Neocognitron([Stage(4, 3, 0.5, 3, 2), Stage(6, 3, 0.4, 3, 2)], n_patches=500, seed=0)
>>> model.fit(images).transform(images).shape
(20, 3, 3, 6)
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import math
import sys
import time
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike, NDArray

from cnn_course._validation import as_finite_array, as_int, check_choice
from cnn_course.pooling import pool_output_size

__all__ = [
    "DEFAULT_STAGES",
    "DIRECTIONS",
    "POOL_MODES",
    "READOUTS",
    "Neocognitron",
    "PixelTemplateMatcher",
    "Stage",
    "add_noise",
    "c_layer",
    "competitive_learning",
    "competitive_step",
    "deform_images",
    "sample_patches",
    "s_cell_response",
    "s_layer",
    "s_layer_loops",
    "shift_accuracy",
    "shift_images",
]

#: C-layer summaries: "max" (fires if any S-cell in the window fires) or "average" (blur).
POOL_MODES: tuple[str, ...] = ("max", "average")
#: The readouts of :class:`Neocognitron`.
READOUTS: tuple[str, ...] = ("ridge", "nearest-neighbour")
#: The four directions of :func:`shift_accuracy`, as (dx, dy): right, down, left, up.
DIRECTIONS: tuple[tuple[int, int], ...] = ((1, 0), (0, 1), (-1, 0), (0, -1))
#: Images processed at a time (bounds the memory of the unfolded patches).
CHUNK = 500
#: Smallest vector length treated as non-zero.
_EPS = 1e-12

_FORMAT_VERSION = 1


# ---------------------------------------------------------------------------------------
# Inputs
# ---------------------------------------------------------------------------------------


def _as_images(images: ArrayLike, name: str = "images", *, single: bool = False) -> NDArray[np.float64]:
    """Grey images with values 0..255 as float64 (N, H, W); a 2-D array is one image."""
    array = as_finite_array(images, name, (2, 3) if not single else 2)
    if array.ndim == 2:
        array = array[None]
    if array.shape[1] < 3 or array.shape[2] < 3:
        raise ValueError(f"{name} must be at least 3x3 pixels, got {array.shape[1]}x{array.shape[2]}")
    lo, hi = float(array.min()), float(array.max())
    if lo < 0 or hi > 255:
        raise ValueError(
            f"{name} must hold grey levels between 0 and 255 (like MNIST's uint8), "
            f"got values from {lo:g} to {hi:g}"
        )
    return array


def _as_labels(labels: ArrayLike, n: int) -> NDArray[np.int64]:
    array = np.asarray(labels)
    if array.dtype.kind not in "iu":
        raise TypeError(f"labels must be integers (class numbers), got dtype {array.dtype}")
    if array.shape != (n,):
        raise ValueError(f"labels must have shape ({n},) (one per image), got {array.shape}")
    if array.min() < 0:
        raise ValueError(f"labels must be >= 0, got {array.min()}")
    return array.astype(np.int64)


def _as_real(value: Any, name: str, low: float, high: float, *, high_open: bool = False) -> float:
    x = float(as_finite_array(value, name, 0))
    if x < low or x > high or (high_open and x >= high):
        bound = f"{high:g})" if high_open else f"{high:g}]"
        raise ValueError(f"{name} must be in [{low:g}, {bound}, got {x:g}")
    return x


def _as_maps(x: ArrayLike, name: str = "x") -> NDArray[np.float32]:
    """A batch of planes (N, H, W, C) as float32."""
    array = as_finite_array(x, name, 4)
    return array.astype(np.float32)


# ---------------------------------------------------------------------------------------
# The architecture
# ---------------------------------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class Stage:
    """One S-layer and the C-layer that pools it.

    Parameters
    ----------
    planes : int
        Number of S-planes (features detected), each with shared weights.
    kernel : int
        Side of an S-cell's receptive field (odd, so that it has a centre).
    threshold : float
        Selectivity ``theta`` of the S-cells, in [0, 1): the cosine between patch and
        weights above which a cell fires.
    pool : int
        Side of a C-cell's window over its S-plane.
    stride : int
        Step between C-cells (the subsampling factor).
    pool_mode : {"max", "average"}
        How a C-cell summarises its window.

    Examples
    --------
    >>> Stage(8, 5, 0.6, 3, 2)
    Stage(planes=8, kernel=5, threshold=0.6, pool=3, stride=2, pool_mode='max')
    >>> Stage(8, 4, 0.6, 3, 2)
    Traceback (most recent call last):
    ...
    ValueError: kernel must be odd (an S-cell's receptive field has a centre), got 4
    """

    planes: int
    kernel: int
    threshold: float
    pool: int
    stride: int
    pool_mode: str = "max"

    def __post_init__(self) -> None:
        as_int(self.planes, "planes", 1)
        as_int(self.kernel, "kernel", 1)
        if self.kernel % 2 == 0:
            raise ValueError(f"kernel must be odd (an S-cell's receptive field has a centre), got {self.kernel}")
        object.__setattr__(self, "threshold", _as_real(self.threshold, "threshold", 0.0, 1.0, high_open=True))
        as_int(self.pool, "pool", 1)
        as_int(self.stride, "stride", 1)
        check_choice(self.pool_mode, "pool_mode", POOL_MODES)

    @property
    def padding(self) -> int:
        """Cells of padding of the C-layer's pooling, ``(pool - 1) // 2`` (they never count)."""
        return (self.pool - 1) // 2

    def output_side(self, side: int) -> int:
        """Side of this stage's C-planes for S-planes of side ``side``.

        Examples
        --------
        >>> Stage(8, 5, 0.6, 3, 2).output_side(28)
        14
        """
        return pool_output_size(side, self.pool, stride=self.stride, padding=self.padding)


#: The chapter's network: 8 S1-planes (5x5), C1 3x3 max-pooling with stride 2 (28 -> 14);
#: 32 S2-planes (5x5 over the 8 C1-planes), C2 9x9 max-pooling with stride 2 (14 -> 7).
DEFAULT_STAGES: tuple[Stage, ...] = (
    Stage(planes=8, kernel=5, threshold=0.6, pool=3, stride=2),
    Stage(planes=32, kernel=5, threshold=0.5, pool=9, stride=2),
)


def _as_stages(stages: Any) -> tuple[Stage, ...]:
    if isinstance(stages, Stage):
        stages = [stages]
    if isinstance(stages, (str, bytes)) or not isinstance(stages, Iterable):
        raise TypeError(f"stages must be a sequence of Stage, got {stages!r}")
    result = tuple(stages)
    if not result:
        raise ValueError("stages must hold at least one Stage")
    for item in result:
        if not isinstance(item, Stage):
            raise TypeError(f"stages must be a sequence of Stage, got an item {item!r}")
    return result


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


# ---------------------------------------------------------------------------------------
# Competitive learning
# ---------------------------------------------------------------------------------------


def _unit_rows(a: NDArray[Any]) -> NDArray[Any]:
    norms = np.linalg.norm(a, axis=1, keepdims=True)
    return a / np.maximum(norms, _EPS)


def sample_patches(
    x: ArrayLike, kernel: int, n: int, *, min_fraction: float = 0.2, seed: int | np.random.Generator = 0
) -> NDArray[np.float32]:
    """Receptive-field patches of ``x`` where there is something to see, drawn at random.

    Parameters
    ----------
    x : array_like, shape (N, H, W, C)
        The input planes of a stage (zero-padded "same", as the S-layer sees them).
    kernel : int
        Side of the receptive field (odd).
    n : int
        How many patches (fewer if fewer positions qualify).
    min_fraction : float
        Keep positions whose patch length is at least this fraction of the largest.
    seed : int or numpy.random.Generator

    Returns
    -------
    ndarray of float32, shape (n, kernel * kernel * C)
        Rows in (row, column, channel) order, the order of an S-plane's weights.

    Examples
    --------
    >>> x = np.zeros((2, 6, 6, 1)); x[:, 2:4, 2:4] = 1
    >>> sample_patches(x, 3, 5, seed=0).shape
    (5, 9)
    """
    x32 = _as_maps(x)
    k = as_int(kernel, "kernel", 1)
    if k % 2 == 0:
        raise ValueError(f"kernel must be odd, got {k}")
    n = as_int(n, "n", 1)
    min_fraction = _as_real(min_fraction, "min_fraction", 0.0, 1.0)
    rng = seed if isinstance(seed, np.random.Generator) else np.random.default_rng(as_int(seed, "seed", 0))
    p = k // 2
    padded = np.pad(x32, ((0, 0), (p, p), (p, p), (0, 0)))
    # patch lengths at every position, from a box sum of squares (no unfolding needed)
    squares = np.pad((x32.astype(np.float64) ** 2).sum(axis=3), ((0, 0), (p, p), (p, p)))
    integral = np.pad(squares.cumsum(1).cumsum(2), ((0, 0), (1, 0), (1, 0)))
    h, w = x32.shape[1:3]
    energy = integral[:, k:, k:] - integral[:, :h, k:] - integral[:, k:, :w] + integral[:, :h, :w]
    lengths = np.sqrt(np.maximum(energy, 0.0)).ravel()
    if lengths.max() <= 0:
        raise ValueError("x has no non-zero patch to learn from (all values are 0)")
    candidates = np.flatnonzero(lengths >= min_fraction * lengths.max())
    chosen = np.sort(rng.choice(candidates, size=min(n, len(candidates)), replace=False))
    b, rest = np.divmod(chosen, h * w)
    i, j = np.divmod(rest, w)
    m, nn_ = np.meshgrid(np.arange(k), np.arange(k), indexing="ij")
    patches = padded[b[:, None, None], i[:, None, None] + m, j[:, None, None] + nn_, :]  # (n, k, k, C)
    return patches.reshape(len(chosen), -1)


def competitive_step(weights: ArrayLike, patches: ArrayLike, learning_rate: float) -> NDArray[np.float64]:
    """One step of winner-take-all learning on a mini-batch of patches.

    Each patch is scaled to unit length; its winner is the plane whose weights are most
    similar (largest dot product, i.e. largest cosine: the S-cell that responds most, the
    "seed cell"); each plane that won some patches moves toward their mean and is scaled
    back to unit length; the others do not change.

    Parameters
    ----------
    weights : array_like, shape (planes, d)
        Current weights, one unit-length row per plane.
    patches : array_like, shape (n, d)
    learning_rate : float
        In (0, 1]: 1 jumps to the mean of the won patches (spherical k-means).

    Returns
    -------
    ndarray, shape (planes, d)

    Examples
    --------
    >>> w = np.array([[1.0, 0.0], [0.0, 1.0]])
    >>> competitive_step(w, [[2.0, 1.0], [1.0, 1.0]], 0.5).round(3)   # both patches won by plane 0
    array([[0.952, 0.305],
           [0.   , 1.   ]])
    """
    w = as_finite_array(weights, "weights", 2)
    p = as_finite_array(patches, "patches", 2)
    if p.shape[1] != w.shape[1]:
        raise ValueError(f"patches must have {w.shape[1]} columns (the weights' length), got shape {p.shape}")
    rate = _as_real(learning_rate, "learning_rate", 0.0, 1.0)
    if rate == 0:
        raise ValueError("learning_rate must be > 0")
    return _competitive_step(w, _unit_rows(p), rate)[0]


def _competitive_step(
    w: NDArray[Any], unit_patches: NDArray[Any], rate: float
) -> tuple[NDArray[Any], NDArray[np.int64], NDArray[Any]]:
    """The step on already-unit patches; also return the winners and their similarities."""
    similarity = unit_patches @ w.T
    winners = np.argmax(similarity, axis=1)
    planes = w.shape[0]
    counts = np.bincount(winners, minlength=planes)
    sums = np.zeros_like(w)
    np.add.at(sums, winners, unit_patches)
    won = counts > 0
    new = w.copy()
    new[won] = (1 - rate) * w[won] + rate * sums[won] / counts[won, None]
    new[won] = _unit_rows(new[won])
    return new, winners, similarity[np.arange(len(winners)), winners]


def competitive_learning(
    patches: ArrayLike,
    planes: int,
    *,
    epochs: int = 5,
    learning_rate: float = 0.5,
    batch_size: int = 1000,
    seed: int | np.random.Generator = 0,
) -> NDArray[np.float32]:
    """Learn ``planes`` unit-length weight vectors from patches by winner-take-all.

    Planes start as distinct random patches; each epoch visits the patches in a random
    order, in mini-batches, applying :func:`competitive_step`. A plane that wins nothing
    in a whole epoch restarts from the patch that its winner matches worst.

    Parameters
    ----------
    patches : array_like, shape (n, d)
        At least ``planes`` patches (rows), e.g. from :func:`sample_patches`.
    planes : int
    epochs, batch_size : int
    learning_rate : float
        In (0, 1].
    seed : int or numpy.random.Generator

    Returns
    -------
    ndarray of float32, shape (planes, d)

    Examples
    --------
    >>> rng = np.random.default_rng(1)
    >>> a, b = np.array([1.0, 0.0, 0.0]), np.array([0.0, 0.0, 1.0])
    >>> data = np.vstack([a + 0.05 * rng.random((50, 3)), b + 0.05 * rng.random((50, 3))])
    >>> w = competitive_learning(data, 2, seed=0)
    >>> sorted(np.argmax(w, axis=1).tolist())   # one plane per cluster
    [0, 2]
    """
    p = as_finite_array(patches, "patches", 2)
    planes = as_int(planes, "planes", 1)
    if len(p) < planes:
        raise ValueError(f"patches must have at least as many rows as planes ({planes}), got {len(p)}")
    epochs, batch_size = as_int(epochs, "epochs", 1), as_int(batch_size, "batch_size", 1)
    rate = _as_real(learning_rate, "learning_rate", 0.0, 1.0)
    if rate == 0:
        raise ValueError("learning_rate must be > 0")
    rng = seed if isinstance(seed, np.random.Generator) else np.random.default_rng(as_int(seed, "seed", 0))
    unit = _unit_rows(p)
    unit = unit[np.linalg.norm(p, axis=1) > _EPS]
    if len(unit) < planes:
        raise ValueError(f"patches must have at least {planes} non-zero rows, got {len(unit)}")
    w = unit[rng.choice(len(unit), size=planes, replace=False)].copy()
    for _ in range(epochs):
        order = rng.permutation(len(unit))
        wins = np.zeros(planes, dtype=np.int64)
        worst_fit, worst_patch = np.inf, -1
        for start in range(0, len(unit), batch_size):
            batch = order[start : start + batch_size]
            w, winners, best = _competitive_step(w, unit[batch], rate)
            wins += np.bincount(winners, minlength=planes)
            lowest = int(np.argmin(best))
            if best[lowest] < worst_fit:
                worst_fit, worst_patch = float(best[lowest]), int(batch[lowest])
        for plane in np.flatnonzero(wins == 0):  # recruit: restart an idle plane
            w[plane] = unit[worst_patch]
    return w.astype(np.float32)


# ---------------------------------------------------------------------------------------
# Readouts
# ---------------------------------------------------------------------------------------


def _nearest(templates: NDArray[np.float32], norms: NDArray[np.float32], queries: NDArray[np.float32]) -> NDArray[np.int64]:
    """Index of the nearest template (Euclidean) for each query row."""
    out = np.empty(len(queries), dtype=np.int64)
    for start in range(0, len(queries), CHUNK):
        q = queries[start : start + CHUNK]
        distance = norms[None, :] - 2.0 * (q @ templates.T)  # ||q||^2 is the same for every template
        out[start : start + CHUNK] = np.argmin(distance, axis=1)
    return out


class PixelTemplateMatcher:
    """The baseline: the label of the nearest training image, pixel by pixel.

    Every training image is kept as a template; a test image gets the label of the
    template at the smallest Euclidean distance (1-nearest neighbour on raw pixels).
    It has no notion of a shifted or deformed stroke: a digit moved by two pixels can be
    closer to a template of another digit that happens to sit there.

    Examples
    --------
    >>> images = np.zeros((2, 5, 5)); images[0, :, 1] = 255; images[1, :, 3] = 255
    >>> matcher = PixelTemplateMatcher().fit(images, [1, 3])
    >>> matcher.predict(shift_images(images[0], 2, 0)).tolist()   # the bar at column 3 now
    [3]
    """

    def __init__(self) -> None:
        self.templates: NDArray[np.float32] | None = None
        self.labels: NDArray[np.int64] | None = None

    def fit(self, images: ArrayLike, labels: ArrayLike) -> PixelTemplateMatcher:
        """Store the images (grey levels 0..255, (N, H, W)) and their labels."""
        x = _as_images(images)
        self.shape = x.shape[1:]
        self.labels = _as_labels(labels, len(x))
        self.templates = (x / 255.0).reshape(len(x), -1).astype(np.float32)
        self._norms = np.einsum("nd,nd->n", self.templates, self.templates)
        return self

    def predict(self, images: ArrayLike) -> NDArray[np.int64]:
        """The label of the nearest template of each image (an (H, W) array is one image)."""
        if self.templates is None or self.labels is None:
            raise RuntimeError("this PixelTemplateMatcher is not fitted: call fit(images, labels) first")
        x = _as_images(images)
        if x.shape[1:] != self.shape:
            raise ValueError(f"images must be {self.shape[0]}x{self.shape[1]} like the templates, got {x.shape[1]}x{x.shape[2]}")
        queries = (x / 255.0).reshape(len(x), -1).astype(np.float32)
        return self.labels[_nearest(self.templates, self._norms, queries)]

    def score(self, images: ArrayLike, labels: ArrayLike) -> float:
        """Accuracy (fraction of right labels) on ``images``."""
        predicted = self.predict(images)
        return float(np.mean(predicted == _as_labels(labels, len(predicted))))


# ---------------------------------------------------------------------------------------
# The network
# ---------------------------------------------------------------------------------------


class Neocognitron:
    """A Neocognitron: stages of S- and C-layers learned without labels, then a readout.

    Parameters
    ----------
    stages : sequence of Stage
        The layers, from the input up (default :data:`DEFAULT_STAGES`).
    n_patches : int
        Patches sampled per stage for competitive learning.
    epochs : int
        Passes over the patches.
    learning_rate : float
        In (0, 1], see :func:`competitive_step`.
    min_fraction : float
        See :func:`sample_patches`.
    readout : {"ridge", "nearest-neighbour"}
        The classifier on top of the last C-layer (see the module's notes).
    ridge : float
        Penalty of the ridge readout (>= 0), on standardised features.
    seed : int
        Seeds every random choice of :meth:`fit`.

    Attributes
    ----------
    weights : list of ndarray
        After :meth:`fit`, one float32 array (k, k, C, planes) per stage, unit-length planes.

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> images = rng.integers(0, 256, size=(30, 10, 10)); labels = np.arange(30) % 3
    >>> model = Neocognitron([Stage(3, 3, 0.5, 3, 2)], n_patches=200).fit(images)
    >>> model.fit_readout(images, labels).predict(images).shape
    (30,)
    >>> list(model.layer_responses(images[0]))
    ['input', 'S1', 'C1']
    """

    def __init__(
        self,
        stages: Sequence[Stage] = DEFAULT_STAGES,
        *,
        n_patches: int = 20_000,
        epochs: int = 5,
        learning_rate: float = 0.5,
        min_fraction: float = 0.2,
        readout: str = "ridge",
        ridge: float = 1000.0,
        seed: int = 0,
    ) -> None:
        self.stages = _as_stages(stages)
        self.n_patches = as_int(n_patches, "n_patches", 1)
        self.epochs = as_int(epochs, "epochs", 1)
        self.learning_rate = _as_real(learning_rate, "learning_rate", 0.0, 1.0)
        if self.learning_rate == 0:
            raise ValueError("learning_rate must be > 0")
        self.min_fraction = _as_real(min_fraction, "min_fraction", 0.0, 1.0)
        self.readout = check_choice(readout, "readout", READOUTS)
        self.ridge = _as_real(ridge, "ridge", 0.0, math.inf)
        self.seed = as_int(seed, "seed", 0)
        self.weights: list[NDArray[np.float32]] = []
        self.image_shape: tuple[int, int] | None = None
        self._readout: dict[str, NDArray[Any]] = {}

    def __repr__(self) -> str:
        state = "fitted" if self.weights else "not fitted"
        return f"Neocognitron({len(self.stages)} stages, readout={self.readout!r}, seed={self.seed}; {state})"

    # -- shapes ---------------------------------------------------------------------

    def layer_shapes(self, image_shape: tuple[int, int] = (28, 28)) -> list[dict[str, Any]]:
        """One row per layer: its name, number of planes and plane size, for an input size.

        Examples
        --------
        >>> [(r["layer"], r["planes"], r["height"]) for r in Neocognitron().layer_shapes()]
        [('input', 1, 28), ('S1', 8, 28), ('C1', 8, 14), ('S2', 32, 14), ('C2', 32, 7)]
        """
        h, w = (as_int(v, "image_shape", 3) for v in image_shape)
        rows = [{"layer": "input", "planes": 1, "height": h, "width": w, "window": "", "what it does": "the retina"}]
        for number, stage in enumerate(self.stages, start=1):
            rows.append({"layer": f"S{number}", "planes": stage.planes, "height": h, "width": w,
                         "window": f"{stage.kernel}x{stage.kernel}",
                         "what it does": f"detects {stage.planes} learned features, selectivity {stage.threshold:g}"})
            h, w = stage.output_side(h), stage.output_side(w)
            rows.append({"layer": f"C{number}", "planes": stage.planes, "height": h, "width": w,
                         "window": f"{stage.pool}x{stage.pool}, stride {stage.stride}",
                         "what it does": f"{stage.pool_mode} over a neighbourhood, subsampled by {stage.stride}"})
        return rows

    def receptive_fields(self) -> list[dict[str, Any]]:
        """How much of the input one cell of each layer sees, and how far apart cells are.

        One row per layer: ``size`` (side of the square of input pixels that can reach
        one cell, ignoring the image's border), ``step`` (input pixels between
        neighbouring cells) and ``start`` (the input row/column of the top-left pixel of
        cell (0, 0)'s field; negative: it reaches into the padding).

        Examples
        --------
        >>> [(r["layer"], r["size"], r["step"]) for r in Neocognitron().receptive_fields()]
        [('S1', 5, 1), ('C1', 7, 2), ('S2', 15, 2), ('C2', 31, 4)]
        """
        rows, size, step, start = [], 1, 1, 0
        for number, stage in enumerate(self.stages, start=1):
            start -= (stage.kernel // 2) * step
            size += (stage.kernel - 1) * step
            rows.append({"layer": f"S{number}", "size": size, "step": step, "start": start})
            start -= stage.padding * step
            size += (stage.pool - 1) * step
            step *= stage.stride
            rows.append({"layer": f"C{number}", "size": size, "step": step, "start": start})
        return rows

    def preferred_patches(self, images: ArrayLike, stage: int = 2, *, top: int = 20) -> NDArray[np.float64]:
        """What excites each S-plane of a stage: the mean of the input crops it responds to most.

        For every plane of S-layer ``stage`` (1 = the first), the ``top`` strongest S-cell
        responses over all ``images`` and positions are found, the input pixels of each
        cell's receptive field are cut out (zeros beyond the border), and averaged. For
        stage 1 this looks like the weights; for deeper stages it shows the combination
        of features a plane has learned to detect.

        Returns
        -------
        ndarray of float64, shape (planes, size, size), grey levels 0..255
        """
        self._require_fitted()
        number = as_int(stage, "stage", 1)
        if number > len(self.stages):
            raise ValueError(f"stage must be between 1 and {len(self.stages)}, got {number}")
        top = as_int(top, "top", 1)
        x = self._inputs(images)
        field = self.receptive_fields()[2 * (number - 1)]
        size, step, start = field["size"], field["step"], field["start"]
        maps = x
        for stage_, w in zip(self.stages[: number - 1], self.weights):
            maps = c_layer(s_layer(maps, w, stage_.threshold), stage_.pool, stage_.stride, stage_.pool_mode)
        s = s_layer(maps, self.weights[number - 1], self.stages[number - 1].threshold)
        n, h, w_, planes = s.shape
        flat = s.reshape(-1, planes)
        top = min(top, len(flat))
        best = np.argpartition(-flat, top - 1, axis=0)[:top]  # (top, planes)
        pad = max(0, -start, start + step * (max(h, w_) - 1) + size - x.shape[1])
        padded = np.pad(x[..., 0], ((0, 0), (pad, pad), (pad, pad))) * 255.0
        out = np.zeros((planes, size, size))
        for plane in range(planes):
            b, rest = np.divmod(best[:, plane], h * w_)
            i, j = np.divmod(rest, w_)
            rows = start + step * i + pad
            cols = start + step * j + pad
            out[plane] = np.mean([padded[bb, r : r + size, c : c + size] for bb, r, c in zip(b, rows, cols)], axis=0)
        return out

    # -- learning -------------------------------------------------------------------

    def _require_fitted(self) -> None:
        if not self.weights or self.image_shape is None:
            raise RuntimeError("this Neocognitron is not fitted: call fit(images) first")

    def _inputs(self, images: ArrayLike, name: str = "images") -> NDArray[np.float32]:
        x = _as_images(images, name)
        if self.image_shape is not None and x.shape[1:] != self.image_shape:
            raise ValueError(
                f"{name} must be {self.image_shape[0]}x{self.image_shape[1]} like the training images, "
                f"got {x.shape[1]}x{x.shape[2]}"
            )
        return (x / 255.0).astype(np.float32)[..., None]

    def fit(self, images: ArrayLike) -> Neocognitron:
        """Learn every S-layer's planes from unlabelled images, stage by stage.

        Parameters
        ----------
        images : array_like, shape (N, H, W)
            Grey levels 0..255 (e.g. MNIST's uint8 digits). No labels: the learning is
            unsupervised. Forgets any fitted readout.

        Returns
        -------
        self
        """
        self.image_shape = None
        x = self._inputs(images)
        self.image_shape = x.shape[1:3]
        rng = np.random.default_rng(self.seed)
        self.weights, self._readout = [], {}
        for stage in self.stages:
            channels = x.shape[3]
            patches = sample_patches(x, stage.kernel, self.n_patches, min_fraction=self.min_fraction, seed=rng)
            if len(patches) < stage.planes:
                raise ValueError(
                    f"images give only {len(patches)} usable patches for {stage.planes} planes: "
                    "use more images or fewer planes"
                )
            learned = competitive_learning(patches, stage.planes, epochs=self.epochs,
                                           learning_rate=self.learning_rate, seed=rng)
            k = stage.kernel
            self.weights.append(np.ascontiguousarray(learned.reshape(stage.planes, k, k, channels).transpose(1, 2, 3, 0)))
            x = c_layer(s_layer(x, self.weights[-1], stage.threshold), stage.pool, stage.stride, stage.pool_mode)
        return self

    def _forward(self, x: NDArray[np.float32], keep: bool = False) -> list[NDArray[np.float32]]:
        maps = [x]
        for stage, w in zip(self.stages, self.weights):
            s = s_layer(maps[-1], w, stage.threshold)
            c = c_layer(s, stage.pool, stage.stride, stage.pool_mode)
            maps += [s, c] if keep else [c]
        return maps

    def transform(self, images: ArrayLike) -> NDArray[np.float32]:
        """The last C-layer's responses: shape (N, H', W', planes) (an (H, W) array is one image)."""
        self._require_fitted()
        x = self._inputs(images)
        out = []
        for start in range(0, len(x), CHUNK):
            out.append(self._forward(x[start : start + CHUNK])[-1])
        return np.concatenate(out)

    def features(self, images: ArrayLike) -> NDArray[np.float32]:
        """:meth:`transform`, flattened: one row of C-layer responses per image."""
        c = self.transform(images)
        return c.reshape(len(c), -1)

    def layer_responses(self, image: ArrayLike) -> dict[str, NDArray[np.float32]]:
        """Every layer's planes for one image, for pictures: ``{"input", "S1", "C1", ...}``.

        Each value has shape (H, W, planes) (the input: (H, W, 1), scaled to 0..1).
        """
        self._require_fitted()
        x = self._inputs(_as_images(image, "image", single=True), "image")
        maps = self._forward(x, keep=True)
        names = ["input"] + [f"{kind}{n}" for n in range(1, len(self.stages) + 1) for kind in ("S", "C")]
        return {name: m[0] for name, m in zip(names, maps)}

    def fit_readout(self, images: ArrayLike, labels: ArrayLike) -> Neocognitron:
        """Fit the classifier on the last C-layer (the S-planes do not change).

        Parameters
        ----------
        images : array_like, shape (N, H, W)
            Grey levels 0..255.
        labels : array_like of int, shape (N,)

        Returns
        -------
        self
        """
        self._require_fitted()
        f = self.features(images).astype(np.float64)
        y = _as_labels(labels, len(f))
        classes = np.unique(y)
        if self.readout == "nearest-neighbour":
            templates = f.astype(np.float32)
            self._readout = {"classes": classes, "templates": templates, "labels": y}
            return self
        mean, scale = f.mean(axis=0), f.std(axis=0) + 1e-3
        z = np.hstack([(f - mean) / scale, np.ones((len(f), 1))])
        targets = (y[:, None] == classes[None, :]).astype(np.float64)
        penalty = self.ridge * np.eye(z.shape[1])
        penalty[-1, -1] = 0.0  # the bias is not penalised
        coef = np.linalg.solve(z.T @ z + penalty, z.T @ targets)
        self._readout = {"classes": classes, "mean": mean, "scale": scale, "coef": coef}
        return self

    def decision_scores(self, images: ArrayLike) -> NDArray[np.float64]:
        """The ridge readout's output per class (N, classes): the prediction is the largest."""
        if self.readout != "ridge":
            raise ValueError(f"decision_scores needs readout='ridge', this model has readout={self.readout!r}")
        self._require_readout()
        f = self.features(images).astype(np.float64)
        r = self._readout
        return np.hstack([(f - r["mean"]) / r["scale"], np.ones((len(f), 1))]) @ r["coef"]

    def _require_readout(self) -> None:
        self._require_fitted()
        if not self._readout:
            raise RuntimeError("the readout is not fitted: call fit_readout(images, labels) first")

    def predict(self, images: ArrayLike) -> NDArray[np.int64]:
        """The predicted class of each image (an (H, W) array is one image)."""
        self._require_readout()
        r = self._readout
        if self.readout == "nearest-neighbour":
            templates = r["templates"]
            norms = np.einsum("nd,nd->n", templates, templates)
            return r["labels"][_nearest(templates, norms, self.features(images))]
        return r["classes"][np.argmax(self.decision_scores(images), axis=1)]

    def score(self, images: ArrayLike, labels: ArrayLike) -> float:
        """Accuracy (fraction of right labels) on ``images``."""
        predicted = self.predict(images)
        return float(np.mean(predicted == _as_labels(labels, len(predicted))))

    # -- saving ---------------------------------------------------------------------

    def config(self) -> dict[str, Any]:
        """The constructor's arguments, as plain Python values (JSON-ready)."""
        return {
            "stages": [dataclasses.asdict(s) for s in self.stages],
            "n_patches": self.n_patches,
            "epochs": self.epochs,
            "learning_rate": self.learning_rate,
            "min_fraction": self.min_fraction,
            "readout": self.readout,
            "ridge": self.ridge,
            "seed": self.seed,
        }

    def save(self, path: str | Path) -> Path:
        """Save the configuration, the planes and the readout to a compressed ``.npz``.

        No pickles: :meth:`load` reads it with ``allow_pickle=False``.
        """
        self._require_fitted()
        path = Path(path)
        meta = {"format": _FORMAT_VERSION, "config": self.config(), "image_shape": list(self.image_shape or ())}
        arrays: dict[str, NDArray[Any]] = {"meta": np.array(json.dumps(meta))}
        arrays.update({f"weights_{i}": w for i, w in enumerate(self.weights)})
        arrays.update({f"readout_{k}": v for k, v in self._readout.items()})
        path.parent.mkdir(parents=True, exist_ok=True)
        with open(path, "wb") as f:
            np.savez_compressed(f, **arrays)
        return path

    @classmethod
    def load(cls, path: str | Path) -> Neocognitron:
        """Read a model written by :meth:`save`."""
        path = Path(path)
        if not path.is_file():
            raise FileNotFoundError(f"path: no such file: {path}")
        try:
            with np.load(path, allow_pickle=False) as data:
                contents = {k: data[k] for k in data.files}
        except (OSError, ValueError) as err:
            raise ValueError(f"path: {path} is not a saved Neocognitron ({err})") from err
        if "meta" not in contents:
            raise ValueError(f"path: {path} is not a saved Neocognitron (no 'meta' entry)")
        meta = json.loads(str(contents["meta"]))
        if meta.get("format") != _FORMAT_VERSION:
            raise ValueError(f"path: {path} has format {meta.get('format')!r}, this version reads {_FORMAT_VERSION}")
        config = dict(meta["config"])
        config["stages"] = [Stage(**s) for s in config["stages"]]
        model = cls(**config)
        model.weights = [contents[f"weights_{i}"].astype(np.float32) for i in range(len(model.stages))]
        model.image_shape = tuple(meta["image_shape"])  # type: ignore[assignment]
        model._readout = {k[len("readout_"):]: v for k, v in contents.items() if k.startswith("readout_")}
        return model


# ---------------------------------------------------------------------------------------
# Transformations of the test images, and the robustness measurement
# ---------------------------------------------------------------------------------------


def shift_images(images: ArrayLike, dx: int, dy: int) -> NDArray[np.float64]:
    """Move images ``dx`` pixels to the right and ``dy`` pixels down, filling with black (0).

    Negative values move left and up. What moves out of the frame is lost.

    Parameters
    ----------
    images : array_like, shape (N, H, W) or (H, W)
    dx, dy : int
        Shift in pixels, at most the width (height) in size.

    Returns
    -------
    ndarray of float64, the shape of ``images``

    Examples
    --------
    >>> shift_images([[1, 2, 3], [4, 5, 6]], 1, 0)
    array([[0., 1., 2.],
           [0., 4., 5.]])
    >>> shift_images([[1, 2, 3], [4, 5, 6]], 0, -1)
    array([[4., 5., 6.],
           [0., 0., 0.]])
    """
    x = as_finite_array(images, "images", (2, 3))
    dx, dy = as_int(dx, "dx"), as_int(dy, "dy")
    h, w = x.shape[-2:]
    if abs(dx) > w or abs(dy) > h:
        raise ValueError(f"dx and dy must be at most the image's width ({w}) and height ({h}), got dx={dx}, dy={dy}")
    out = np.zeros_like(x)
    src = x[..., max(0, -dy) : h - max(0, dy), max(0, -dx) : w - max(0, dx)]
    out[..., max(0, dy) : max(0, dy) + src.shape[-2], max(0, dx) : max(0, dx) + src.shape[-1]] = src
    return out


def add_noise(images: ArrayLike, std: float, *, seed: int = 0) -> NDArray[np.float64]:
    """Add Gaussian noise of standard deviation ``std`` grey levels, clipped to 0..255.

    Examples
    --------
    >>> noisy = add_noise(np.zeros((2, 4, 4)), 50, seed=0)
    >>> noisy.shape, bool(noisy.min() >= 0), bool(noisy.max() > 0)
    ((2, 4, 4), True, True)
    >>> bool(np.all(add_noise(np.full((3, 3), 7.0), 0) == 7))
    True
    """
    x = as_finite_array(images, "images", (2, 3))
    std = _as_real(std, "std", 0.0, math.inf)
    rng = np.random.default_rng(as_int(seed, "seed", 0))
    return np.clip(x + rng.normal(0.0, std, size=x.shape) if std > 0 else x.copy(), 0.0, 255.0)


def deform_images(images: ArrayLike, strength: float, *, smoothness: float = 3.0, seed: int = 0) -> NDArray[np.float64]:
    """Bend images with a smooth random displacement field (an elastic deformation).

    Each pixel is moved by a random field, Gaussian-smoothed with ``smoothness`` pixels
    and scaled so that its root-mean-square length is ``strength`` pixels; the image is
    resampled with bilinear interpolation. Strokes bend and thicken locally, as in
    different handwriting; ``strength=0`` returns the images unchanged.

    Examples
    --------
    >>> image = np.zeros((12, 12)); image[:, 6] = 255
    >>> bent = deform_images(image, 1.5, seed=0)
    >>> bent.shape, bool(np.abs(bent - image).max() > 0)
    ((12, 12), True)
    """
    from scipy import ndimage

    x = as_finite_array(images, "images", (2, 3))
    strength = _as_real(strength, "strength", 0.0, math.inf)
    smoothness = _as_real(smoothness, "smoothness", 0.0, math.inf)
    if smoothness == 0:
        raise ValueError("smoothness must be > 0")
    rng = np.random.default_rng(as_int(seed, "seed", 0))
    single = x.ndim == 2
    batch = x[None] if single else x
    if strength == 0:
        return batch[0].copy() if single else batch.copy()
    h, w = batch.shape[1:]
    rows, cols = np.meshgrid(np.arange(h), np.arange(w), indexing="ij")
    out = np.empty_like(batch)
    for index, image in enumerate(batch):
        field = rng.uniform(-1, 1, size=(2, h, w))
        field = np.stack([ndimage.gaussian_filter(f, smoothness, mode="constant") for f in field])
        rms = np.sqrt(np.mean(np.sum(field**2, axis=0)))
        field *= strength / max(rms, _EPS)
        coords = np.stack([rows + field[0], cols + field[1]])
        out[index] = ndimage.map_coordinates(image, coords, order=1, mode="constant", cval=0.0)
    out = np.clip(out, 0.0, 255.0)
    return out[0] if single else out


def shift_accuracy(
    models: Mapping[str, Any],
    images: ArrayLike,
    labels: ArrayLike,
    shifts: Sequence[int] = (0, 1, 2, 3, 4),
    *,
    directions: Sequence[tuple[int, int]] = DIRECTIONS,
) -> pd.DataFrame:
    """Accuracy of each model on the test images shifted by each number of pixels.

    A shift of ``s`` pixels moves every image ``s`` pixels in each of ``directions``
    (default right, down, left and up); the accuracy is over all the moved copies.

    Parameters
    ----------
    models : mapping of name -> model
        Anything with ``predict(images) -> labels``.
    images : array_like, shape (N, H, W)
    labels : array_like, shape (N,)
    shifts : sequence of int
        Shift sizes in pixels (>= 0).
    directions : sequence of (dx, dy)
        Unit steps; a shift of ``s`` moves by ``(s * dx, s * dy)``.

    Returns
    -------
    pandas.DataFrame
        Columns ``model``, ``shift``, ``accuracy``, ``n`` (images scored), one row per
        model and shift.

    Examples
    --------
    >>> images = np.zeros((2, 7, 7)); images[0, :, 2] = 255; images[1, 2, :] = 255
    >>> table = shift_accuracy({"pixels": PixelTemplateMatcher().fit(images, [0, 1])}, images, [0, 1], [0])
    >>> table.to_dict("records")
    [{'model': 'pixels', 'shift': 0, 'accuracy': 1.0, 'n': 8}]
    """
    if not isinstance(models, Mapping) or not models:
        raise TypeError("models must be a non-empty mapping of name -> model with a predict method")
    for name, model in models.items():
        if not callable(getattr(model, "predict", None)):
            raise TypeError(f"models[{name!r}] has no predict method")
    x = _as_images(images)
    y = _as_labels(labels, len(x))
    steps = [tuple(as_int(v, "directions") for v in d) for d in directions]
    if not steps:
        raise ValueError("directions must not be empty")
    rows = []
    for s in shifts:
        s = as_int(s, "shifts", 0)
        moved = np.concatenate([shift_images(x, s * dx, s * dy) for dx, dy in steps])
        truth = np.tile(y, len(steps))
        for name, model in models.items():
            accuracy = float(np.mean(np.asarray(model.predict(moved)) == truth))
            rows.append({"model": name, "shift": s, "accuracy": accuracy, "n": len(truth)})
    return pd.DataFrame(rows)


# ---------------------------------------------------------------------------------------
# Command line: train and save a model
# ---------------------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    """``python -m cnn_course.neocognitron train --out PATH``: train on MNIST, report, save."""
    parser = argparse.ArgumentParser(prog="python -m cnn_course.neocognitron", description=main.__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    train = sub.add_parser("train", help="learn the S-planes and the readout on MNIST; save to --out")
    train.add_argument("--out", required=True, help="where to write the .npz")
    train.add_argument("--feature-images", type=int, default=2000, help="training digits for the S-planes (no labels)")
    train.add_argument("--readout-images", type=int, default=5000, help="training digits (with labels) for the readout")
    train.add_argument("--test-images", type=int, default=1000, help="test digits for the shift report")
    train.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)

    from cnn_course.data import load_mnist

    start = time.perf_counter()
    (x_train, y_train), (x_test, y_test) = load_mnist()
    model = Neocognitron(seed=args.seed).fit(x_train[: args.feature_images])
    model.fit_readout(x_train[: args.readout_images], y_train[: args.readout_images])
    matcher = PixelTemplateMatcher().fit(x_train[: args.readout_images], y_train[: args.readout_images])
    path = model.save(args.out)
    table = shift_accuracy({"Neocognitron": model, "pixel template matcher": matcher},
                           x_test[: args.test_images], y_test[: args.test_images])
    print(table.pivot(index="shift", columns="model", values="accuracy").round(3).to_string())
    print(f"saved {path} ({path.stat().st_size / 1024:.0f} KB) in {time.perf_counter() - start:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
