"""A crude model of the eye's uneven resolution: sharp at the point of fixation, blurred around it.

A CNN sees every pixel of its input at full resolution, all at once. The human eye does
not: only the fovea, a region about a degree or two across around the point we look at,
resolves fine detail; acuity falls steadily with the distance from it (the
*eccentricity*), and we move the eyes (about three saccades a second) to bring what
matters onto the fovea. :func:`foveate` imitates the first half of that story on images:
each pixel is replaced by a Gaussian average of its neighbourhood whose width grows
linearly with its distance from the fixation point,

.. math:: \\sigma(r) = \\min(\\sigma_{max},\\; \\text{slope} \\cdot \\max(0, r - r_{fovea})),

so the fovea (``r <= fovea_radius``) is untouched and the periphery is progressively
blurred. The blur at any ``sigma`` is interpolated between a few precomputed blur levels.
This is a toy, not a calibrated model of human vision: real peripheral vision also loses
colour and suffers from *crowding* (features of neighbouring objects jumble together).

* :func:`eccentricity` - each pixel's distance from the fixation point;
* :func:`blur_sigma` - the blur width at each pixel;
* :func:`foveate` - the foveated images;
* :func:`centre_of_mass` - where the ink is (a simple stand-in for where attention would
  send the eyes);
* :func:`fixation_accuracy` - a classifier's accuracy on foveated images, for several
  fixation points.

Examples
--------
>>> image = np.zeros((1, 9, 9)); image[0, 4, 4] = 1.0
>>> seen = foveate(image, (4, 4), fovea_radius=1.0)
>>> float(seen[0, 4, 4])        # at the fixation point: untouched
1.0
>>> bool(foveate(image, (0, 0), fovea_radius=1.0)[0, 4, 4] < 0.5)   # far from it: blurred
True
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike, NDArray
from scipy import ndimage

from cnn_course._validation import as_finite_array, as_int

__all__ = [
    "blur_sigma",
    "centre_of_mass",
    "eccentricity",
    "fixation_accuracy",
    "foveate",
]


def _positive(value: Any, name: str, *, allow_zero: bool = True) -> float:
    number = float(as_finite_array(value, name, 0))
    if number < 0 or (number == 0 and not allow_zero):
        raise ValueError(f"{name} must be {'>= 0' if allow_zero else '> 0'}, got {number:g}")
    return number


def _fixations(fixation: Any, n: int, shape: tuple[int, int]) -> NDArray[np.float64]:
    """Fixation points as an (n, 2) array of (row, col); None means the image's centre."""
    if fixation is None:
        return np.tile([(shape[0] - 1) / 2, (shape[1] - 1) / 2], (n, 1))
    points = as_finite_array(fixation, "fixation", (1, 2))
    if points.ndim == 1:
        if points.shape != (2,):
            raise ValueError(f"fixation must be a (row, col) pair or an (N, 2) array, got shape {points.shape}")
        points = np.tile(points, (n, 1))
    elif points.shape != (n, 2):
        raise ValueError(f"fixation must be a (row, col) pair or one pair per image, shape ({n}, 2); "
                         f"got shape {points.shape}")
    return points


def eccentricity(shape: Sequence[int], fixation: Sequence[float] | None = None) -> NDArray[np.float64]:
    """Distance of every pixel from the fixation point, in pixels.

    Parameters
    ----------
    shape : (rows, cols)
    fixation : (row, col), optional
        Default: the centre of the image.

    Examples
    --------
    >>> eccentricity((3, 3))
    array([[1.41421356, 1.        , 1.41421356],
           [1.        , 0.        , 1.        ],
           [1.41421356, 1.        , 1.41421356]])
    """
    if len(shape) != 2:
        raise ValueError(f"shape must be (rows, cols), got {tuple(shape)!r}")
    rows, cols = as_int(shape[0], "shape", 1), as_int(shape[1], "shape", 1)
    (r0, c0), = _fixations(fixation, 1, (rows, cols))
    r, c = np.mgrid[0:rows, 0:cols]
    return np.hypot(r - r0, c - c0)


def blur_sigma(
    distance: ArrayLike,
    *,
    fovea_radius: float = 3.0,
    slope: float = 0.25,
    max_sigma: float = 4.0,
) -> NDArray[np.float64]:
    """Width of the blur (Gaussian standard deviation, pixels) at each eccentricity.

    Zero inside the fovea, then growing by ``slope`` per pixel, capped at ``max_sigma``.

    Examples
    --------
    >>> blur_sigma([0, 3, 5, 20], fovea_radius=3, slope=0.5, max_sigma=4).tolist()
    [0.0, 0.0, 1.0, 4.0]
    """
    r = as_finite_array(distance, "distance")
    radius = _positive(fovea_radius, "fovea_radius")
    rate = _positive(slope, "slope")
    top = _positive(max_sigma, "max_sigma")
    return np.minimum(top, rate * np.maximum(0.0, r - radius))


def foveate(
    images: ArrayLike,
    fixation: ArrayLike | None = None,
    *,
    fovea_radius: float = 3.0,
    slope: float = 0.25,
    max_sigma: float = 4.0,
    levels: int = 9,
) -> NDArray[np.float64]:
    """What an eye fixating ``fixation`` resolves of each image: sharp fovea, blurred periphery.

    Parameters
    ----------
    images : array_like, shape (N, rows, cols) or (N, rows, cols, 1)
        Grey images (any value range; the blur is an average, so it stays in range).
    fixation : (row, col) or array of shape (N, 2), optional
        Where the eye looks (pixels, may be fractional or outside the image); default the
        image's centre.
    fovea_radius : float
        Radius of the sharp region, in pixels.
    slope : float
        Growth of the blur's standard deviation per pixel of eccentricity.
    max_sigma : float
        Largest blur (standard deviation in pixels).
    levels : int
        Number of blur levels precomputed from 0 to ``max_sigma`` (>= 2); each pixel
        interpolates linearly between the two nearest.

    Returns
    -------
    ndarray
        The foveated images, same shape as ``images`` (float64).

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> images = rng.random((2, 12, 12))
    >>> seen = foveate(images, (6, 6), fovea_radius=2)
    >>> seen.shape, bool(np.allclose(seen[:, 6, 6], images[:, 6, 6]))
    ((2, 12, 12), True)
    """
    array = as_finite_array(images, "images", (3, 4))
    channel = array.ndim == 4
    if channel:
        if array.shape[3] != 1:
            raise ValueError(f"images must be grey: shape (N, rows, cols) or (N, rows, cols, 1), got {array.shape}")
        array = array[..., 0]
    n, rows, cols = array.shape
    points = _fixations(fixation, n, (rows, cols))
    top = _positive(max_sigma, "max_sigma")
    count = as_int(levels, "levels", 2)
    sigmas = np.linspace(0.0, top, count)
    stack = np.stack([array if s == 0 else ndimage.gaussian_filter(array, (0, s, s), mode="constant")
                      for s in sigmas])                                      # (levels, N, rows, cols)
    r, c = np.mgrid[0:rows, 0:cols]
    distance = np.hypot(r[None] - points[:, 0, None, None], c[None] - points[:, 1, None, None])
    sigma = blur_sigma(distance, fovea_radius=fovea_radius, slope=slope, max_sigma=top)
    if top == 0:
        result = array.copy()
    else:
        position = sigma / top * (count - 1)                                   # fractional level
        below = np.clip(np.floor(position).astype(int), 0, count - 2)
        weight = position - below
        low = np.take_along_axis(stack, below[None], axis=0)[0]
        high = np.take_along_axis(stack, below[None] + 1, axis=0)[0]
        result = (1 - weight) * low + weight * high
    return result[..., None] if channel else result


def centre_of_mass(images: ArrayLike) -> NDArray[np.float64]:
    """The (row, col) centre of mass of each image's values (the ink of a digit).

    An all-zero image gets its geometric centre.

    Examples
    --------
    >>> image = np.zeros((1, 5, 5)); image[0, 1, 3] = 2.0
    >>> centre_of_mass(image).tolist()
    [[1.0, 3.0]]
    """
    array = as_finite_array(images, "images", (3, 4))
    if array.ndim == 4:
        if array.shape[3] != 1:
            raise ValueError(f"images must be grey: shape (N, rows, cols) or (N, rows, cols, 1), got {array.shape}")
        array = array[..., 0]
    if array.min() < 0:
        raise ValueError("images must be non-negative (ink as brightness) to have a centre of mass")
    _, rows, cols = array.shape
    mass = array.sum(axis=(1, 2))
    r, c = np.mgrid[0:rows, 0:cols]
    safe = np.where(mass > 0, mass, 1.0)
    centre = np.stack([(array * r).sum(axis=(1, 2)) / safe, (array * c).sum(axis=(1, 2)) / safe], axis=1)
    centre[mass == 0] = [(rows - 1) / 2, (cols - 1) / 2]
    return centre


def fixation_accuracy(
    classify: Callable[[NDArray[np.float64]], ArrayLike],
    images: ArrayLike,
    labels: ArrayLike,
    offsets: Sequence[float],
    **foveate_options: Any,
) -> pd.DataFrame:
    """Accuracy of ``classify`` on foveated images, the eye fixating at growing distances.

    The fixation point moves from the image's centre along the diagonal toward the top-left
    corner: offset ``d`` fixates ``(centre - d / sqrt 2, centre - d / sqrt 2)``, a point
    ``d`` pixels from the centre.

    Parameters
    ----------
    classify : callable
        Takes a batch shaped like ``images`` (float64, same value range) and returns one
        class per image.
    images : array_like, shape (N, rows, cols) or (N, rows, cols, 1)
    labels : array_like of int, shape (N,)
    offsets : sequence of float
        Distances of the fixation point from the centre, in pixels (>= 0).
    **foveate_options
        Passed to :func:`foveate` (``fovea_radius``, ``slope``, ``max_sigma``, ``levels``).

    Returns
    -------
    pandas.DataFrame
        Columns ``offset`` and ``accuracy``.

    Examples
    --------
    >>> images = np.zeros((4, 9, 9)); images[:2, 4, 4] = 1.0
    >>> bright = lambda x: (x.reshape(len(x), -1).max(axis=1) > 0.5).astype(int)
    >>> fixation_accuracy(bright, images, [1, 1, 0, 0], [0, 5], fovea_radius=1).accuracy.tolist()
    [1.0, 0.5]
    """
    if not callable(classify):
        raise TypeError(f"classify must be a function from images to classes, got {type(classify).__name__}")
    array = as_finite_array(images, "images", (3, 4))
    truth = np.asarray(labels)
    if truth.shape != (len(array),):
        raise ValueError(f"labels must have shape ({len(array)},), one per image, got {truth.shape}")
    distances = [_positive(d, "offsets") for d in offsets]
    if not distances:
        raise ValueError("offsets must hold at least one distance")
    rows, cols = array.shape[1:3]
    centre = np.array([(rows - 1) / 2, (cols - 1) / 2])
    table = []
    for d in distances:
        point = centre - d / np.sqrt(2)
        seen = foveate(array, point, **foveate_options)
        predicted = np.asarray(classify(seen)).reshape(-1)
        if predicted.shape != truth.shape:
            raise ValueError(f"classify must return one class per image ({len(truth)}), got shape {predicted.shape}")
        table.append({"offset": d, "accuracy": float(np.mean(predicted == truth))})
    return pd.DataFrame(table)
