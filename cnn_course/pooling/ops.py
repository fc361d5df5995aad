"""Pooling (subsampling): max, average and L2 pooling, and LeNet-5's trainable subsampling.

Each pooling function summarises every ``size`` window of a 2-D array, moving the window
by ``stride`` (default: ``size``, non-overlapping windows as in LeNet; AlexNet uses
overlapping 3x3 windows with stride 2). Windows that would run past the (padded) input
are dropped, as TensorFlow's "VALID" does. Padding cells never count: max pooling ignores
them, average pooling divides by the number of real cells in the window, L2 pooling adds
nothing for them; so with the padding TensorFlow's "SAME" would use, the results equal
``tf.nn.max_pool2d`` / ``tf.nn.avg_pool2d`` with ``padding="SAME"``.

The teaching versions :func:`max_pool2d_loops`, :func:`avg_pool2d_loops` and
:func:`l2_pool2d_loops` loop over output cells and window cells; tests hold them equal to
the vectorised ones.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view
from numpy.typing import ArrayLike, NDArray

from cnn_course._validation import as_finite_array, as_int, as_pair, check_fits

__all__ = [
    "pool2d_loops",
    "avg_pool2d",
    "avg_pool2d_loops",
    "l2_pool2d",
    "l2_pool2d_loops",
    "lenet_subsample",
    "max_pool2d",
    "max_pool2d_loops",
    "pool_output_size",
]

Pair = int | tuple[int, int]


def pool_output_size(n: int, size: int, *, stride: int | None = None, padding: int = 0) -> int:
    """Length of a pooled axis: floor((n + 2p - size) / stride) + 1, stride defaulting to size.

    Examples
    --------
    >>> pool_output_size(28, 2)
    14
    >>> pool_output_size(55, 3, stride=2)
    27
    """
    n, size = as_int(n, "n", 1), as_int(size, "size", 1)
    stride = size if stride is None else as_int(stride, "stride", 1)
    padding = as_int(padding, "padding", 0)
    if padding >= size:
        raise ValueError(f"padding ({padding}) must be smaller than size ({size})")
    if size > n + 2 * padding:
        raise ValueError(f"size ({size}) must not exceed the padded length n + 2*padding ({n + 2 * padding})")
    return (n + 2 * padding - size) // stride + 1


def _prepare(
    x: ArrayLike, size: Pair, stride: Pair | None, padding: Pair
) -> tuple[NDArray[np.float64], tuple[int, int], tuple[int, int], tuple[int, int]]:
    """Validate the pooling arguments; return x, size, stride and padding as pairs."""
    x = as_finite_array(x, "x", 2)
    size_pair = as_pair(size, "size", 1)
    stride_pair = size_pair if stride is None else as_pair(stride, "stride", 1)
    pad_pair = as_pair(padding, "padding", 0)
    if any(p >= s for p, s in zip(pad_pair, size_pair)):
        raise ValueError(f"padding {pad_pair} must be smaller than size {size_pair} on both axes")
    padded_shape = tuple(n + 2 * p for n, p in zip(x.shape, pad_pair))
    check_fits(size_pair, "pooling window (size)", padded_shape, "padded x")
    return x, size_pair, stride_pair, pad_pair


def _windows(
    x: NDArray[np.float64], size: tuple[int, int], stride: tuple[int, int], padding: tuple[int, int], fill: float
) -> NDArray[np.float64]:
    """All pooling windows, shape (out_rows, out_cols, size_r, size_c), padding set to ``fill``."""
    (pr, pc), (sr, sc) = padding, stride
    padded = np.pad(x, ((pr, pr), (pc, pc)), constant_values=fill)
    return sliding_window_view(padded, size)[::sr, ::sc]


def max_pool2d(x: ArrayLike, size: Pair = 2, *, stride: Pair | None = None, padding: Pair = 0) -> NDArray[np.float64]:
    """Max pooling: the largest value of each window (padding cells never win).

    Parameters
    ----------
    x : array_like, 2-D
        Input feature map.
    size : int or (int, int)
        Window size (>= 1).
    stride : int or (int, int), optional
        Step of the window (>= 1); default ``size`` (non-overlapping windows).
    padding : int or (int, int)
        Cells added on each side, ignored by the pooling (0 <= padding < size).

    Returns
    -------
    ndarray of float64

    Examples
    --------
    >>> max_pool2d([[195, 241], [142.5, 222]])
    array([[241.]])
    """
    x, size, stride, padding = _prepare(x, size, stride, padding)
    return _windows(x, size, stride, padding, -np.inf).max(axis=(2, 3))


def _real_cells(
    x: NDArray[np.float64], size: tuple[int, int], stride: tuple[int, int], padding: tuple[int, int]
) -> NDArray[np.float64]:
    """How many cells of each window belong to x (not to the padding)."""
    return _windows(np.ones_like(x), size, stride, padding, 0.0).sum(axis=(2, 3))


def avg_pool2d(x: ArrayLike, size: Pair = 2, *, stride: Pair | None = None, padding: Pair = 0) -> NDArray[np.float64]:
    """Average pooling: the mean of the real (non-padding) cells of each window.

    Parameters are those of :func:`max_pool2d`.

    Examples
    --------
    >>> avg_pool2d([[195, 241], [142.5, 222]])
    array([[200.125]])
    >>> avg_pool2d([[1, 2], [3, 4]], 2, stride=1, padding=1)
    array([[1. , 1.5, 2. ],
           [2. , 2.5, 3. ],
           [3. , 3.5, 4. ]])
    """
    x, size, stride, padding = _prepare(x, size, stride, padding)
    sums = _windows(x, size, stride, padding, 0.0).sum(axis=(2, 3))
    return sums / _real_cells(x, size, stride, padding)


def l2_pool2d(x: ArrayLike, size: Pair = 2, *, stride: Pair | None = None, padding: Pair = 0) -> NDArray[np.float64]:
    """L2 pooling: the square root of the sum of squares of each window (padding adds 0).

    Parameters are those of :func:`max_pool2d`.

    Examples
    --------
    >>> l2_pool2d([[3, 0], [0, -4]])
    array([[5.]])
    """
    x, size, stride, padding = _prepare(x, size, stride, padding)
    return np.sqrt((_windows(x, size, stride, padding, 0.0) ** 2).sum(axis=(2, 3)))


def pool2d_loops(
    x: ArrayLike,
    size: Pair,
    stride: Pair | None,
    padding: Pair,
    summary: Callable[[list[float]], float],
) -> NDArray[np.float64]:
    """Teaching version of every pooling: slide the window, collect its cells, summarise.

    ``summary`` turns the list of real (non-padding) values under the window into one
    number: ``max`` for max pooling, the mean for average pooling, the Euclidean norm for
    L2 pooling.

    Examples
    --------
    >>> pool2d_loops([[1, 2], [3, 4]], 2, None, 0, max)
    array([[4.]])
    >>> pool2d_loops([[1, 2], [3, 4]], 2, None, 0, lambda cells: sum(cells) / len(cells))
    array([[2.5]])
    """
    if not callable(summary):
        raise TypeError(f"summary must be a function of a list of numbers, got {type(summary).__name__}")
    x, (kh, kw), (sr, sc), (pr, pc) = _prepare(x, size, stride, padding)
    rows, cols = x.shape
    out = np.zeros(((rows + 2 * pr - kh) // sr + 1, (cols + 2 * pc - kw) // sc + 1))
    for i in range(out.shape[0]):  # output row
        for j in range(out.shape[1]):  # output column
            cells = []
            for m in range(kh):  # window row
                for n in range(kw):  # window column
                    r, c = i * sr + m - pr, j * sc + n - pc  # position in x (unpadded)
                    if 0 <= r < rows and 0 <= c < cols:  # padding cells are skipped
                        cells.append(x[r, c])
            out[i, j] = summary(cells)
    return out


def max_pool2d_loops(
    x: ArrayLike, size: Pair = 2, *, stride: Pair | None = None, padding: Pair = 0
) -> NDArray[np.float64]:
    """Teaching version of :func:`max_pool2d`.

    Examples
    --------
    >>> max_pool2d_loops([[195, 241], [142.5, 222]])
    array([[241.]])
    """
    return pool2d_loops(x, size, stride, padding, max)


def avg_pool2d_loops(
    x: ArrayLike, size: Pair = 2, *, stride: Pair | None = None, padding: Pair = 0
) -> NDArray[np.float64]:
    """Teaching version of :func:`avg_pool2d`.

    Examples
    --------
    >>> avg_pool2d_loops([[195, 241], [142.5, 222]])
    array([[200.125]])
    """
    return pool2d_loops(x, size, stride, padding, lambda cells: sum(cells) / len(cells))


def l2_pool2d_loops(
    x: ArrayLike, size: Pair = 2, *, stride: Pair | None = None, padding: Pair = 0
) -> NDArray[np.float64]:
    """Teaching version of :func:`l2_pool2d`.

    Examples
    --------
    >>> l2_pool2d_loops([[3, 0], [0, -4]])
    array([[5.]])
    """
    return pool2d_loops(x, size, stride, padding, lambda cells: sum(v * v for v in cells) ** 0.5)


def _per_map(value: ArrayLike, name: str, channels: int | None) -> NDArray[np.float64]:
    """A scalar (any x) or one value per feature map (x of shape (H, W, C))."""
    allowed = (0,) if channels is None else (0, 1)
    array = as_finite_array(value, name, allowed)
    if array.ndim == 1 and array.shape != (channels,):
        raise ValueError(f"{name} must be a scalar or have shape ({channels},) (one per map), got {array.shape}")
    return array


def lenet_subsample(
    x: ArrayLike, coefficient: ArrayLike, bias: ArrayLike, *, size: Pair = 2
) -> NDArray[np.float64]:
    """LeNet-5's trainable subsampling (S2, S4), before its squashing function.

    Each non-overlapping ``size`` window is summed, multiplied by a trainable
    ``coefficient`` and shifted by a trainable ``bias``; rows or columns that do not fill a
    whole window are dropped. LeNet-5 then passes the result through its scaled tanh
    (:func:`cnn_course.nonlinearities.activations.lecun_tanh`), which this function does not apply.

    Parameters
    ----------
    x : array_like, shape (H, W) or (H, W, C)
        One feature map, or C maps with channels last.
    coefficient, bias : float or array_like of shape (C,)
        One (coefficient, bias) pair per map: scalars for a 2-D x; scalars or length-C
        arrays for a 3-D x.
    size : int or (int, int)
        Window size (>= 1), also the stride.

    Returns
    -------
    ndarray of float64, shape (H // size, W // size[, C])

    Examples
    --------
    >>> lenet_subsample([[195, 241], [142.5, 222]], 0.5, 1.0)
    array([[401.25]])
    >>> x = np.ones((4, 4, 2))
    >>> lenet_subsample(x, [1.0, 0.25], [0.0, -1.0])[..., 1]
    array([[0., 0.],
           [0., 0.]])
    """
    x = as_finite_array(x, "x", (2, 3))
    channels = x.shape[2] if x.ndim == 3 else None
    coefficient, bias = _per_map(coefficient, "coefficient", channels), _per_map(bias, "bias", channels)
    kh, kw = as_pair(size, "size", 1)
    check_fits((kh, kw), "window (size)", x.shape[:2], "x")
    rows, cols = x.shape[0] // kh, x.shape[1] // kw
    blocks = x[: rows * kh, : cols * kw].reshape(rows, kh, cols, kw, *x.shape[2:])
    return coefficient * blocks.sum(axis=(1, 3)) + bias
