"""The course's worked example in Cartesian indices, and the table of index terms of one output.

* :func:`worked_example`: the 3x3 input P and 2x2 kernel K the chapter computes by hand;
* conversions between Cartesian (x, y) and array (row, col) indices: :func:`is_inside`,
  :func:`array_index`, :func:`cartesian_coordinates`, :func:`cartesian_value`,
  :func:`cartesian_value_or_none`;
* the table of index terms of one output F(i, j), :func:`index_terms`, and its sum,
  :func:`evaluate`.

Array orientation: arrays are written top row first, as NumPy prints them. In the
Cartesian convention x grows to the right and y upwards.
"""

from __future__ import annotations

from typing import Literal

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike, NDArray

from cnn_course._validation import as_finite_array, as_int, as_shape, check_choice

__all__ = [
    "array_index",
    "cartesian_coordinates",
    "cartesian_value",
    "cartesian_value_or_none",
    "evaluate",
    "index_terms",
    "is_inside",
    "worked_example",
]

Origin = Literal["centre", "bottom-left"]
Operation = Literal["convolution", "cross-correlation"]

ORIGINS: tuple[str, ...] = ("centre", "bottom-left")
OPERATIONS: tuple[str, ...] = ("convolution", "cross-correlation")


def worked_example() -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """The course's 3x3 input P and 2x2 kernel K, as arrays (top row first), fresh each call.

    Examples
    --------
    >>> P, K = worked_example()
    >>> P
    array([[  0., 200., 210.],
           [100.,   0., 220.],
           [110., 120.,   0.]])
    >>> K
    array([[0.25, 0.75],
           [0.6 , 0.3 ]])
    """
    P = np.array([[0, 200, 210], [100, 0, 220], [110, 120, 0]], dtype=np.float64)
    K = np.array([[0.25, 0.75], [0.60, 0.30]], dtype=np.float64)
    return P, K


def _top_left(shape: tuple[int, int], origin: str) -> tuple[int, int]:
    """Cartesian (x, y) of the top-left element of an array of ``shape`` with ``origin``."""
    rows, cols = shape
    if origin == "bottom-left":
        return 0, rows - 1
    if rows % 2 == 0 or cols % 2 == 0:
        raise ValueError(f"origin 'centre' needs odd numbers of rows and columns, got shape {shape}")
    return -(cols // 2), rows // 2


def _check_xy(x: int, y: int, names: tuple[str, str] = ("x", "y")) -> tuple[int, int]:
    return as_int(x, names[0]), as_int(y, names[1])


def is_inside(shape: tuple[int, int], x: int, y: int, *, origin: Origin = "centre") -> bool:
    """Whether Cartesian (x, y) lies inside an array of ``shape`` indexed from ``origin``.

    ``origin="centre"``: the centre element is (0, 0) (odd sizes only);
    ``origin="bottom-left"``: the bottom-left element is (0, 0). x grows to the right,
    y upwards.

    Examples
    --------
    >>> is_inside((3, 3), 1, -1)
    True
    >>> is_inside((3, 3), 0, 2)
    False
    """
    rows, cols = as_shape(shape, "shape")
    x, y = _check_xy(x, y)
    left, top = _top_left((rows, cols), check_choice(origin, "origin", ORIGINS))
    return left <= x < left + cols and top - rows < y <= top


def array_index(shape: tuple[int, int], x: int, y: int, *, origin: Origin = "centre") -> tuple[int, int]:
    """Array (row, col) of Cartesian (x, y): row = top y - y, col = x - left x.

    Raises
    ------
    IndexError
        If (x, y) lies outside the array.

    Examples
    --------
    >>> array_index((3, 3), 0, 0)
    (1, 1)
    >>> array_index((3, 3), -1, -1)
    (2, 0)
    >>> array_index((2, 2), 0, 0, origin="bottom-left")
    (1, 0)
    """
    if not is_inside(shape, x, y, origin=origin):
        raise IndexError(f"(x, y) = ({x}, {y}) lies outside an array of shape {tuple(shape)} with origin {origin!r}")
    left, top = _top_left(tuple(shape), origin)  # type: ignore[arg-type]
    return int(top - y), int(x - left)


def cartesian_coordinates(
    shape: tuple[int, int], row: int, col: int, *, origin: Origin = "centre"
) -> tuple[int, int]:
    """Cartesian (x, y) of array element [row, col]: the inverse of :func:`array_index`.

    Examples
    --------
    >>> cartesian_coordinates((3, 3), 0, 0)
    (-1, 1)
    >>> cartesian_coordinates((2, 2), 1, 0, origin="bottom-left")
    (0, 0)
    """
    rows, cols = as_shape(shape, "shape")
    row, col = _check_xy(row, col, ("row", "col"))
    if not (0 <= row < rows and 0 <= col < cols):
        raise IndexError(f"[row, col] = [{row}, {col}] lies outside an array of shape {(rows, cols)}")
    left, top = _top_left((rows, cols), check_choice(origin, "origin", ORIGINS))
    return col + left, top - row


def cartesian_value(array: ArrayLike, x: int, y: int, *, origin: Origin = "centre") -> float:
    """The element of a 2-D ``array`` at Cartesian (x, y); IndexError if outside.

    Examples
    --------
    >>> P, K = worked_example()
    >>> cartesian_value(P, 0, -1)
    120.0
    >>> cartesian_value(K, 0, 1, origin="bottom-left")
    0.25
    """
    values = as_finite_array(array, "array", 2)
    row, col = array_index(values.shape, x, y, origin=origin)
    return float(values[row, col])


def cartesian_value_or_none(
    array: ArrayLike, x: int, y: int, *, origin: Origin = "centre"
) -> float | None:
    """Like :func:`cartesian_value`, but None where (x, y) lies outside the array.

    Examples
    --------
    >>> P, _ = worked_example()
    >>> cartesian_value_or_none(P, 0, 2) is None
    True
    """
    values = as_finite_array(array, "array", 2)
    if not is_inside(values.shape, x, y, origin=origin):
        return None
    return cartesian_value(values, x, y, origin=origin)


def _term_rows(
    i: int, j: int, kernel_shape: tuple[int, int], operation: str, image_shape: tuple[int, int], origin: str
) -> list[dict[str, object]]:
    """One dict per kernel term (m, n) of output (i, j); m to the right, n upwards."""
    sign = -1 if operation == "convolution" else 1
    pi, pj = ("i-m", "j-n") if sign < 0 else ("i+m", "j+n")
    rows = []
    for m in range(kernel_shape[1]):  # m runs along x: over the kernel's columns
        for n in range(kernel_shape[0]):  # n runs along y: over the kernel's rows
            a, b = i + sign * m, j + sign * n
            row = {"i": i, "j": j, "m": m, "n": n, pi: a, pj: b}
            row["P term"], row["K term"] = f"P({a},{b})", f"K({m},{n})"
            row["inside"] = is_inside(image_shape, a, b, origin=origin)
            rows.append(row)
    return rows


def index_terms(
    i: int,
    j: int,
    kernel_shape: tuple[int, int] | None = None,
    *,
    operation: Operation = "convolution",
    image_origin: Origin = "centre",
    image: ArrayLike | None = None,
    kernel: ArrayLike | None = None,
) -> pd.DataFrame:
    """The table of index terms of output F(i, j), one row per kernel term (m, n).

    Convolution: F(i, j) = sum_{m,n} P(i-m, j-n) K(m, n); cross-correlation:
    F(i, j) = sum_{m,n} P(i+m, j+n) K(m, n). Indices are Cartesian: x (first index) to
    the right, y (second) upwards; K(0, 0) is the kernel's bottom-left element and P's
    origin is ``image_origin``. Rows are in kernel order: m, then n.

    Parameters
    ----------
    i, j : int
        The output's Cartesian index.
    kernel_shape : (rows, cols), optional
        Kernel shape as ``array.shape`` (m runs over the columns, n over the rows).
        Default: ``kernel.shape`` if ``kernel`` is given, else (2, 2).
    operation : {"convolution", "cross-correlation"}
        Which sum to tabulate.
    image_origin : {"centre", "bottom-left"}
        Where P(0, 0) is: the centre element (odd sizes) or the bottom-left one.
    image, kernel : array_like, 2-D, optional
        P and K in array orientation (top row first). ``image`` sets the shape used for
        the "inside" column (default 3x3); with both, the table gets numeric columns
        "p" (0.0 outside the image: zero padding), "k" and "product".

    Returns
    -------
    pandas.DataFrame
        Columns "i", "j", "m", "n", the P index ("i-m", "j-n" or "i+m", "j+n"),
        "P term", "K term", "inside" [, "p", "k", "product"].

    Examples
    --------
    >>> P, K = worked_example()
    >>> table = index_terms(0, 0, image=P, kernel=K)
    >>> table[["P term", "K term", "product"]]
         P term  K term  product
    0    P(0,0)  K(0,0)      0.0
    1   P(0,-1)  K(0,1)     30.0
    2   P(-1,0)  K(1,0)     30.0
    3  P(-1,-1)  K(1,1)     82.5
    >>> float(table["product"].sum())
    142.5
    """
    i, j = _check_xy(i, j, ("i", "j"))
    operation = check_choice(operation, "operation", OPERATIONS)
    origin = check_choice(image_origin, "image_origin", ORIGINS)
    image_arr = None if image is None else as_finite_array(image, "image", 2)
    kernel_arr = None if kernel is None else as_finite_array(kernel, "kernel", 2)
    shape = _kernel_shape(kernel_shape, kernel_arr)
    image_shape = (3, 3) if image_arr is None else image_arr.shape
    _top_left(image_shape, origin)  # fails early for an even-sized image with a centre origin
    table = pd.DataFrame(_term_rows(i, j, shape, operation, image_shape, origin))
    if image_arr is not None and kernel_arr is not None:
        table = _add_numbers(table, image_arr, kernel_arr, origin)
    return table


def _kernel_shape(kernel_shape: tuple[int, int] | None, kernel: NDArray[np.float64] | None) -> tuple[int, int]:
    """The kernel shape to tabulate: the explicit one, the kernel's, or (2, 2)."""
    if kernel_shape is None:
        return (2, 2) if kernel is None else kernel.shape  # type: ignore[return-value]
    shape = as_shape(kernel_shape, "kernel_shape")
    if kernel is not None and shape != kernel.shape:
        raise ValueError(f"kernel_shape {shape} does not match kernel's shape {kernel.shape}")
    return shape  # type: ignore[return-value]


def _add_numbers(
    table: pd.DataFrame, image: NDArray[np.float64], kernel: NDArray[np.float64], origin: str
) -> pd.DataFrame:
    """Add the columns "p" (0 outside: zero padding), "k" and "product" to a terms table."""
    xs, ys = table.iloc[:, 4], table.iloc[:, 5]  # the P index columns
    p = [cartesian_value_or_none(image, x, y, origin=origin) or 0.0 for x, y in zip(xs, ys)]
    k = [cartesian_value(kernel, m, n, origin="bottom-left") for m, n in zip(table["m"], table["n"])]
    table = table.assign(p=np.array(p, dtype=np.float64), k=np.array(k, dtype=np.float64))
    return table.assign(product=table["p"] * table["k"])


def evaluate(
    i: int,
    j: int,
    image: ArrayLike,
    kernel: ArrayLike,
    *,
    operation: Operation = "convolution",
    image_origin: Origin = "centre",
) -> float:
    """F(i, j) in Cartesian indices: the sum of the products of :func:`index_terms`.

    Examples
    --------
    >>> P, K = worked_example()
    >>> [evaluate(i, j, P, K) for i, j in [(0, 0), (0, 1), (1, 1), (1, 0)]]
    [142.5, 195.0, 241.0, 222.0]
    >>> evaluate(0, 0, P, K, operation="cross-correlation", image_origin="bottom-left")
    127.0
    """
    if image is None or kernel is None:
        raise TypeError("image and kernel must be arrays, got None")
    table = index_terms(i, j, operation=operation, image_origin=image_origin, image=image, kernel=kernel)
    return float(table["product"].sum())
