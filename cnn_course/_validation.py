"""Input checks shared by the course's modules, so that every error message reads the same.

Each check takes the value and the *name of the argument* it came from, and raises a
:class:`TypeError` (wrong kind of value: not numeric, not an integer, not a string) or a
:class:`ValueError` (right kind, wrong value: wrong number of dimensions, empty, NaN,
below a minimum, not one of the allowed choices) whose message starts with that name, e.g.
``"image must be a 2-D array, got shape (3,)"``.
"""

from __future__ import annotations

import numbers
from collections.abc import Collection, Iterable
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

__all__ = [
    "as_finite_array",
    "as_int",
    "as_pair",
    "as_shape",
    "check_choice",
    "check_fits",
]

#: Array kinds accepted as numbers: signed and unsigned integers, real floating point.
_NUMERIC_KINDS = frozenset("iuf")


def _describe_ndim(ndim: int | Collection[int]) -> str:
    """``2`` -> ``"a 2-D"``; ``(2, 3)`` -> ``"a 2-D or 3-D"``."""
    dims = [ndim] if isinstance(ndim, int) else sorted(ndim)
    return "a " + " or ".join("scalar" if d == 0 else f"{d}-D" for d in dims)


def _to_array(value: ArrayLike, name: str) -> np.ndarray:
    """``np.asarray`` with the argument's name in the error (ragged lists, odd objects)."""
    try:
        return np.asarray(value)
    except (ValueError, TypeError) as exc:
        raise ValueError(f"{name} must be a rectangular array of numbers ({exc})") from exc


def as_finite_array(
    value: ArrayLike,
    name: str,
    ndim: int | Collection[int] | None = None,
    *,
    min_ndim: int = 0,
) -> NDArray[np.float64]:
    """Return ``value`` as a non-empty, finite float64 array, or raise a clear error.

    Parameters
    ----------
    value : array_like
        Scalar, nested list or array of integers or real floats.
    name : str
        Name of the argument, used in the error messages.
    ndim : int or collection of int, optional
        Required number of dimensions (any if None).
    min_ndim : int
        Smallest number of dimensions accepted when ``ndim`` is None.

    Raises
    ------
    TypeError
        If the dtype is not an integer or real floating type (bool, complex, strings,
        objects).
    ValueError
        If the number of dimensions is wrong, the array is empty, or it holds NaN or
        infinity.

    Examples
    --------
    >>> as_finite_array([[1, 2]], "image", 2)
    array([[1., 2.]])
    >>> as_finite_array([1, 2], "image", 2)
    Traceback (most recent call last):
    ...
    ValueError: image must be a 2-D array, got shape (2,)
    """
    array = _to_array(value, name)
    if array.dtype.kind not in _NUMERIC_KINDS:
        raise TypeError(
            f"{name} must hold real numbers (integer or floating point), got dtype {array.dtype}"
        )
    if ndim is not None:
        allowed = {ndim} if isinstance(ndim, int) else set(ndim)
        if array.ndim not in allowed:
            kind = _describe_ndim(ndim)
            kind += "" if kind == "a scalar" else " array"
            raise ValueError(f"{name} must be {kind}, got shape {array.shape}")
    elif array.ndim < min_ndim:
        raise ValueError(f"{name} must be at least {min_ndim}-D, got shape {array.shape}")
    if array.size == 0:
        raise ValueError(f"{name} must not be empty, got shape {array.shape}")
    array = array.astype(np.float64, copy=False)
    if not np.isfinite(array).all():
        raise ValueError(f"{name} must be finite, but it contains NaN or infinity")
    return array


def as_int(value: Any, name: str, minimum: int | None = None) -> int:
    """Return ``value`` as a Python int, checking its type and an optional minimum.

    Booleans and floats (even ``2.0``) are rejected: a size or a stride is a count.

    Examples
    --------
    >>> as_int(3, "stride", 1)
    3
    >>> as_int(0, "stride", 1)
    Traceback (most recent call last):
    ...
    ValueError: stride must be >= 1, got 0
    """
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Integral):
        raise TypeError(f"{name} must be an integer, got {value!r} of type {type(value).__name__}")
    result = int(value)
    if minimum is not None and result < minimum:
        raise ValueError(f"{name} must be >= {minimum}, got {result}")
    return result


def as_pair(value: Any, name: str, minimum: int | None = None) -> tuple[int, int]:
    """Return an int or a (rows, cols) pair of ints as a pair, each checked against ``minimum``.

    Examples
    --------
    >>> as_pair(2, "stride", 1)
    (2, 2)
    >>> as_pair((1, 3), "stride", 1)
    (1, 3)
    >>> as_pair((1, 0), "stride", 1)
    Traceback (most recent call last):
    ...
    ValueError: stride must be >= 1 (as an int or a (rows, cols) pair), got (1, 0)
    """
    if isinstance(value, numbers.Integral) and not isinstance(value, (bool, np.bool_)):
        items: tuple[Any, ...] = (value, value)
    elif isinstance(value, (tuple, list, np.ndarray)) and len(value) == 2:
        items = tuple(value)
    else:
        raise TypeError(
            f"{name} must be an integer or a (rows, cols) pair of integers, got {value!r}"
        )
    for item in items:
        if isinstance(item, (bool, np.bool_)) or not isinstance(item, numbers.Integral):
            raise TypeError(
                f"{name} must be an integer or a (rows, cols) pair of integers, got {value!r}"
            )
    pair = (int(items[0]), int(items[1]))
    if minimum is not None and min(pair) < minimum:
        raise ValueError(
            f"{name} must be >= {minimum} (as an int or a (rows, cols) pair), got {value!r}"
        )
    return pair


def as_shape(value: Any, name: str, length: int = 2) -> tuple[int, ...]:
    """Return a shape (a sequence of ``length`` positive ints) as a tuple.

    Examples
    --------
    >>> as_shape((3, 3), "kernel_shape")
    (3, 3)
    """
    if not isinstance(value, Iterable) or isinstance(value, (str, bytes)):
        raise TypeError(f"{name} must be a sequence of {length} positive integers, got {value!r}")
    items = tuple(value)
    if len(items) != length:
        raise ValueError(f"{name} must have {length} entries, got {value!r}")
    return tuple(as_int(item, name, 1) for item in items)


def check_choice(value: Any, name: str, allowed: Collection[str]) -> str:
    """Return ``value`` if it is one of the ``allowed`` strings, else raise.

    Examples
    --------
    >>> check_choice("same", "padding", ("valid", "same"))
    'same'
    >>> check_choice("full", "padding", ("valid", "same"))
    Traceback (most recent call last):
    ...
    ValueError: padding must be one of 'valid', 'same'; got 'full'
    """
    choices = ", ".join(repr(a) for a in allowed)
    if not isinstance(value, str):
        raise TypeError(f"{name} must be one of {choices}; got {value!r}")
    if value not in allowed:
        raise ValueError(f"{name} must be one of {choices}; got {value!r}")
    return value


def check_fits(
    window: tuple[int, ...], window_name: str, space: tuple[int, ...], space_name: str
) -> None:
    """Raise if a window (kernel, pooling size) is larger than the (padded) input.

    Examples
    --------
    >>> check_fits((5, 5), "kernel", (3, 3), "padded image")
    Traceback (most recent call last):
    ...
    ValueError: kernel of shape (5, 5) is larger than the padded image of shape (3, 3)
    """
    if any(w > s for w, s in zip(window, space)):
        raise ValueError(
            f"{window_name} of shape {tuple(window)} is larger than the {space_name} "
            f"of shape {tuple(space)}"
        )
