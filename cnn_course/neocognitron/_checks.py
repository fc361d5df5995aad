"""Input checks and constants shared by the modules of :mod:`cnn_course.neocognitron` (private)."""

from __future__ import annotations

from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

from cnn_course._validation import as_finite_array

#: Images processed at a time (bounds the memory of the unfolded patches).
CHUNK = 500
#: Smallest vector length treated as non-zero.
_EPS = 1e-12


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
