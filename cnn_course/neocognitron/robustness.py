"""How tolerant a recogniser is: transformations of the test images and the shift study.

Transformations of the test images: :func:`shift_images`, :func:`add_noise`,
:func:`deform_images`; the robustness measurement, over any models with a ``predict``
method (the Neocognitron, the pixel template matcher): :func:`shift_accuracy`.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike, NDArray

from cnn_course._validation import as_finite_array, as_int
from cnn_course.neocognitron._checks import _EPS, _as_images, _as_labels, _as_real

__all__ = ["DIRECTIONS", "add_noise", "deform_images", "shift_accuracy", "shift_images"]

#: The four directions of :func:`shift_accuracy`, as (dx, dy): right, down, left, up.
DIRECTIONS: tuple[tuple[int, int], ...] = ((1, 0), (0, 1), (-1, 0), (0, -1))


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
    >>> from cnn_course.neocognitron.baseline import PixelTemplateMatcher
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
