"""What LeCun et al. (1998) specify about LeNet-5's wiring and inputs, as NumPy data.

- :data:`C3_TABLE` and :func:`c3_connections`: Table I, which S2 maps each C3 map reads;
- :func:`digit_bitmaps`: the fixed 7x12 prototypes of the output's RBF units;
- :func:`prepare_images`: MNIST images as the course's LeNet-5 models take them.

The Keras networks built from these are in :mod:`cnn_course.models.lenet`; this module needs
no Keras, so the chapter's own code and the models share one copy.
"""

from __future__ import annotations

from typing import Any

import numpy as np

__all__ = ["C3_TABLE", "as_connection_table", "c3_connections", "digit_bitmaps", "prepare_images"]

#: Table I of LeCun et al. (1998): which of the 6 S2 maps (rows) each of the 16 C3 maps
#: (columns) reads. C3 maps 0-5 read 3 neighbouring S2 maps, 6-11 read 4 neighbours,
#: 12-14 read 4 non-neighbouring maps and 15 reads all six: 60 connections in all.
C3_TABLE: np.ndarray = np.zeros((6, 16), dtype=bool)
for _j in range(6):
    for _k in range(3):
        C3_TABLE[(_j + _k) % 6, _j] = True
    for _k in range(4):
        C3_TABLE[(_j + _k) % 6, 6 + _j] = True
for _j, _rows in enumerate(((0, 1, 3, 4), (1, 2, 4, 5), (0, 2, 3, 5))):
    C3_TABLE[list(_rows), 12 + _j] = True
C3_TABLE[:, 15] = True
C3_TABLE.setflags(write=False)
del _j, _k, _rows

# 7 columns x 12 rows per digit; '#' = ink (+1), '.' = background (-1).
_BITMAPS = {
    0: ["..###..", ".#...#.", "#.....#", "#.....#", "#.....#", "#.....#",
        "#.....#", "#.....#", "#.....#", ".#...#.", "..###..", "......."],
    1: ["...#...", "..##...", ".#.#...", "...#...", "...#...", "...#...",
        "...#...", "...#...", "...#...", "...#...", ".#####.", "......."],
    2: [".#####.", "#.....#", "......#", "......#", ".....#.", "....#..",
        "...#...", "..#....", ".#.....", "#......", "#######", "......."],
    3: [".#####.", "#.....#", "......#", "......#", "..####.", "......#",
        "......#", "......#", "......#", "#.....#", ".#####.", "......."],
    4: ["....##.", "...#.#.", "..#..#.", ".#...#.", "#....#.", "#....#.",
        "#######", ".....#.", ".....#.", ".....#.", ".....#.", "......."],
    5: ["#######", "#......", "#......", "#......", "######.", "......#",
        "......#", "......#", "......#", "#.....#", ".#####.", "......."],
    6: ["..####.", ".#.....", "#......", "#......", "######.", "#.....#",
        "#.....#", "#.....#", "#.....#", "#.....#", ".#####.", "......."],
    7: ["#######", "......#", ".....#.", ".....#.", "....#..", "....#..",
        "...#...", "...#...", "..#....", "..#....", "..#....", "......."],
    8: [".#####.", "#.....#", "#.....#", "#.....#", ".#####.", "#.....#",
        "#.....#", "#.....#", "#.....#", "#.....#", ".#####.", "......."],
    9: [".#####.", "#.....#", "#.....#", "#.....#", "#.....#", ".######",
        "......#", "......#", "......#", ".....#.", ".####..", "......."],
}

def digit_bitmaps(flat: bool = True) -> np.ndarray:
    """The fixed 7x12 bitmaps of the digits 0-9 that serve as LeNet-5's RBF prototypes.

    Ink is +1, background -1, as in the paper (F6's squashing reaches +-1 without
    saturating). These stylised bitmaps are drawn for this course, in the spirit of the
    paper's Figure 3.

    Parameters
    ----------
    flat : bool
        True (default): shape (10, 84), one prototype per row, in row-major pixel order;
        False: shape (10, 12, 7) for display.

    Returns
    -------
    numpy.ndarray
        float32 array of -1 and +1.

    Examples
    --------
    >>> digit_bitmaps().shape, digit_bitmaps(flat=False).shape
    ((10, 84), (10, 12, 7))
    >>> sorted(set(digit_bitmaps().ravel().tolist()))
    [-1.0, 1.0]
    """
    if not isinstance(flat, (bool, np.bool_)):
        raise TypeError(f"flat must be True or False, got {flat!r}")
    grid = np.array(
        [[[1.0 if ch == "#" else -1.0 for ch in row] for row in _BITMAPS[d]] for d in range(10)],
        dtype=np.float32,
    )
    return grid.reshape(10, 84) if flat else grid


def c3_connections(table: Any = None) -> list[tuple[int, int]]:
    """The (input map, output map) pairs of a connection table, in output-map order.

    Parameters
    ----------
    table : array_like of bool, shape (n_in, n_out), optional
        Default :data:`C3_TABLE`.

    Examples
    --------
    >>> pairs = c3_connections()
    >>> len(pairs), pairs[:3]
    (60, [(0, 0), (1, 0), (2, 0)])
    """
    t = as_connection_table(C3_TABLE if table is None else table)
    return [(i, j) for j in range(t.shape[1]) for i in range(t.shape[0]) if t[i, j]]


def as_connection_table(table: Any) -> np.ndarray:
    arr = np.asarray(table)
    if arr.ndim != 2 or arr.size == 0:
        raise ValueError(f"table must be a 2-D boolean array (input maps x output maps), got shape {arr.shape}")
    if arr.dtype != bool:
        if not np.isin(arr, (0, 1)).all():
            raise ValueError("table must hold only True/False (or 0/1)")
        arr = arr.astype(bool)
    if not arr.any(axis=0).all():
        raise ValueError("table: every output map needs at least one input map")
    return arr


def prepare_images(images: Any) -> np.ndarray:
    """MNIST images as the models expect them: float32, shape (N, 28, 28, 1), values in [0, 1].

    uint8 input is divided by 255; float input must already be in [0, 1].

    Examples
    --------
    >>> prepare_images(np.full((2, 28, 28), 255, np.uint8)).max(), prepare_images(np.zeros((2, 28, 28))).shape
    (np.float32(1.0), (2, 28, 28, 1))
    """
    arr = np.asarray(images)
    if arr.ndim == 3:
        arr = arr[..., None]
    if arr.ndim != 4 or arr.shape[1:] != (28, 28, 1):
        raise ValueError(f"images must have shape (N, 28, 28) or (N, 28, 28, 1), got {np.shape(images)}")
    if arr.dtype == np.uint8:
        return arr.astype(np.float32) / 255.0
    if arr.dtype.kind not in "iuf":
        raise TypeError(f"images must be numeric, got dtype {arr.dtype}")
    arr = arr.astype(np.float32)
    if arr.size and (not np.isfinite(arr).all() or arr.min() < 0 or arr.max() > 1):
        raise ValueError("images must be uint8 (0-255) or floats in [0, 1]")
    return arr
