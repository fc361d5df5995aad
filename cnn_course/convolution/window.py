"""The sliding window, one position at a time: what one frame of the chapter's explorer shows.

:func:`window_state` computes the zero-padded input, the kernel actually applied (flipped
for a convolution), the whole output map (computed once by
:func:`~cnn_course.convolution.ops.cross_correlate2d` or
:func:`~cnn_course.convolution.ops.convolve2d`), the output cell at a given step, its
receptive field and each product of its sum (a :class:`Term`). :meth:`WindowState.at` moves
the window without recomputing the map. Drawing a state is
:func:`cnn_course.convolution.explorers.render_state_html`'s job.

Examples
--------
>>> import numpy as np
>>> state = window_state(np.arange(16.0).reshape(4, 4), np.ones((3, 3)), step=1)
>>> state.cell, state.rows, state.cols
((0, 1), (0, 3), (1, 4))
>>> state.total == state.value == 54.0
True
"""

from __future__ import annotations

import dataclasses
from typing import Any, NamedTuple

import numpy as np
from numpy.typing import ArrayLike, NDArray

from cnn_course._validation import as_finite_array, as_int, as_pair, check_choice
from cnn_course.convolution import ops

__all__ = ["Term", "WindowState", "window_state"]

#: The two operations the window can apply; cross-correlation is what deep-learning
#: libraries compute (and call convolution).
OPERATIONS: tuple[str, ...] = ("cross-correlation", "convolution")

Pair = int | tuple[int, int]


class Term(NamedTuple):
    """One product of an output cell's sum: ``value * weight`` at ``(row, col)`` of the padded input."""

    row: int
    col: int
    value: float
    weight: float
    product: float


@dataclasses.dataclass(frozen=True, eq=False)
class WindowState:
    """Everything one frame of the sliding-window explorer shows.

    Build it with :func:`window_state`; move the window with :meth:`at`.

    Attributes
    ----------
    image : ndarray
        The input, before padding.
    padded : ndarray
        The zero-padded input the window slides over.
    kernel : ndarray
        The kernel as given.
    applied_kernel : ndarray
        The kernel the window actually multiplies by, cell by cell: ``kernel`` for a
        cross-correlation, ``kernel[::-1, ::-1]`` (flipped) for a convolution.
    operation : str
        ``"cross-correlation"`` or ``"convolution"``.
    stride, padding : (int, int)
        Along rows and columns.
    output : ndarray
        The whole output (feature) map.
    step : int
        Position of the window, counting output cells row by row from 0.
    cell : (int, int)
        The output cell (row, col) at this step.
    rows, cols : (int, int)
        The receptive field: rows ``rows[0]:rows[1]`` and columns ``cols[0]:cols[1]`` of
        ``padded``.
    terms : tuple of Term
        The products of the sum, kernel row by kernel row.
    total : float
        Their sum, equal (up to rounding) to ``output[cell]``.
    """

    image: NDArray[np.float64]
    padded: NDArray[np.float64]
    kernel: NDArray[np.float64]
    applied_kernel: NDArray[np.float64]
    operation: str
    stride: tuple[int, int]
    padding: tuple[int, int]
    output: NDArray[np.float64]
    step: int
    cell: tuple[int, int]
    rows: tuple[int, int]
    cols: tuple[int, int]
    terms: tuple[Term, ...]
    total: float

    @property
    def output_shape(self) -> tuple[int, int]:
        """Shape of the output map."""
        return self.output.shape  # type: ignore[return-value]

    @property
    def n_steps(self) -> int:
        """Number of window positions (output cells); steps run from 0 to ``n_steps - 1``."""
        return int(self.output.size)

    @property
    def value(self) -> float:
        """The output map's value at the current cell."""
        return float(self.output[self.cell])

    def is_padding(self, row: int, col: int) -> bool:
        """Whether cell (row, col) of ``padded`` is padding (not part of the image)."""
        (pr, pc), (h, w) = self.padding, self.image.shape
        return not (pr <= row < pr + h and pc <= col < pc + w)

    def at(self, step: int) -> WindowState:
        """The same image, kernel and output map, with the window at ``step``.

        Nothing is recomputed but the products of that one cell.
        """
        return _place_window(self, step)


def _place_window(state: WindowState, step: Any) -> WindowState:
    n = state.n_steps
    step = as_int(step, "step", 0)
    if step >= n:
        rows, cols = state.output_shape
        raise ValueError(f"step must be < {n} (the output has {rows} x {cols} cells), got {step}")
    i, j = divmod(step, state.output_shape[1])
    kh, kw = state.applied_kernel.shape
    r0, c0 = i * state.stride[0], j * state.stride[1]
    window = state.padded[r0 : r0 + kh, c0 : c0 + kw]
    products = window * state.applied_kernel
    terms = tuple(
        Term(r0 + m, c0 + n_, float(window[m, n_]), float(state.applied_kernel[m, n_]), float(products[m, n_]))
        for m in range(kh)
        for n_ in range(kw)
    )
    return dataclasses.replace(
        state,
        step=step,
        cell=(i, j),
        rows=(r0, r0 + kh),
        cols=(c0, c0 + kw),
        terms=terms,
        total=float(products.sum()),
    )


def window_state(
    image: ArrayLike,
    kernel: ArrayLike,
    *,
    step: int = 0,
    stride: Pair = 1,
    padding: Pair = 0,
    operation: str = "cross-correlation",
) -> WindowState:
    """Compute one frame of the sliding-window explorer.

    Parameters
    ----------
    image : array_like, 2-D
        Input, top row first.
    kernel : array_like, 2-D
        Weights, top row first.
    step : int
        Position of the window: the output cell ``divmod(step, output_cols)``.
    stride : int or (int, int)
        Step of the window along rows and columns (>= 1).
    padding : int or (int, int)
        Rows and columns of zeros added on each side (>= 0).
    operation : {"cross-correlation", "convolution"}
        Convolution multiplies by the flipped kernel (``applied_kernel``).

    Returns
    -------
    WindowState

    Examples
    --------
    >>> s = window_state([[1, 2, 3], [4, 5, 6]], [[1, 0], [0, -1]], step=1, operation="convolution")
    >>> s.applied_kernel
    array([[-1.,  0.],
           [ 0.,  1.]])
    >>> [t.product for t in s.terms], s.total, s.output
    ([-2.0, 0.0, 0.0, 6.0], 4.0, array([[4., 4.]]))
    """
    image = as_finite_array(image, "image", 2)
    kernel = as_finite_array(kernel, "kernel", 2)
    operation = check_choice(operation, "operation", OPERATIONS)
    stride_pair = as_pair(stride, "stride", 1)
    pad_pair = as_pair(padding, "padding", 0)
    compute = ops.convolve2d if operation == "convolution" else ops.cross_correlate2d
    output = compute(image, kernel, stride=stride_pair, padding=pad_pair)
    padded = np.pad(image, ((pad_pair[0],) * 2, (pad_pair[1],) * 2))
    applied = kernel[::-1, ::-1].copy() if operation == "convolution" else kernel.copy()
    for array in (image, padded, kernel, applied, output):
        array.setflags(write=False)
    empty = WindowState(
        image=image,
        padded=padded,
        kernel=kernel,
        applied_kernel=applied,
        operation=operation,
        stride=stride_pair,
        padding=pad_pair,
        output=output,
        step=0,
        cell=(0, 0),
        rows=(0, 0),
        cols=(0, 0),
        terms=(),
        total=0.0,
    )
    return _place_window(empty, step)
