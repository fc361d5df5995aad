"""Checks of the scalar arguments of the vision models (private to :mod:`cnn_course.vision`).

Each returns the value as a plain Python number (or a NumPy generator), or raises a
``TypeError``/``ValueError`` that names the argument.
"""

from __future__ import annotations

import numbers
from typing import Any

import numpy as np

from cnn_course._validation import as_finite_array, as_int


def _real(
    value: Any,
    name: str,
    *,
    low: float | None = None,
    high: float | None = None,
    low_open: bool = False,
) -> float:
    """A finite real number, optionally in [low, high] (or (low, high] if ``low_open``)."""
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Real):
        raise TypeError(f"{name} must be a real number, got {value!r} of type {type(value).__name__}")
    x = float(as_finite_array(value, name, 0))
    if low is not None and (x <= low if low_open else x < low):
        raise ValueError(f"{name} must be {'>' if low_open else '>='} {low:g}, got {x:g}")
    if high is not None and x > high:
        raise ValueError(f"{name} must be <= {high:g}, got {x:g}")
    return x


def _size(size: Any) -> int:
    return as_int(size, "size", 2)


def _frequency(f: Any, name: str = "spatial_frequency") -> float:
    return _real(f, name, low=0.0, high=0.5, low_open=True)


def _contrast(c: Any) -> float:
    return _real(c, "contrast", low=-1.0, high=1.0)


def _orientation(o: Any, name: str = "orientation") -> float:
    return _real(o, name) % 180.0


def _center(center: Any) -> tuple[float, float]:
    array = as_finite_array(center, "center", 1)
    if array.shape != (2,):
        raise ValueError(f"center must be an (x, y) pair, got shape {array.shape}")
    return float(array[0]), float(array[1])


def _rng(rng: Any) -> np.random.Generator:
    if isinstance(rng, np.random.Generator):
        return rng
    if rng is None or (isinstance(rng, numbers.Integral) and not isinstance(rng, (bool, np.bool_))):
        return np.random.default_rng(rng)
    raise TypeError(f"rng must be a numpy Generator, an integer seed or None, got {rng!r}")
