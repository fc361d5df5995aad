"""A gallery of labelled images: the first look at a dataset."""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import numpy as np
from numpy.typing import ArrayLike

from cnn_course._validation import as_int

if TYPE_CHECKING:
    from matplotlib.figure import Figure

__all__ = ["show_samples"]

#: Most images in one row of the gallery.
MAX_COLUMNS = 8


def show_samples(
    x: ArrayLike,
    y: ArrayLike,
    n: int = 6,
    class_names: Sequence[str] | None = None,
) -> Figure:
    """Draw the first ``n`` images of ``x`` in a grid, each titled with its label.

    Parameters
    ----------
    x : array_like
        Images: (N, height, width) or (N, height, width, 1) drawn in grey levels,
        (N, height, width, 3) drawn in colour. ``uint8`` values 0..255, or floats in 0..1
        (colour) or any range (grey, scaled per image).
    y : array_like
        Integer labels, (N,) or (N, 1) as Keras gives them.
    n : int
        How many images (1 to N), shown in rows of at most 8.
    class_names : sequence of str, optional
        Title of each label (e.g. :data:`~cnn_course.data.CLASS_NAMES`); default: the
        label's number.

    Returns
    -------
    matplotlib.figure.Figure
        The figure (closed in pyplot, so a notebook shows it once, as the cell's value).

    Examples
    --------
    >>> images = np.zeros((3, 28, 28), dtype=np.uint8)
    >>> fig = show_samples(images, [7, 2, 1], n=3)
    >>> [ax.get_title() for ax in fig.axes]
    ['7', '2', '1']
    >>> show_samples(images, [7, 2, 1], n=4)
    Traceback (most recent call last):
    ...
    ValueError: n must be <= the number of images (3), got 4
    """
    images = np.asarray(x)
    if images.dtype.kind not in "uif" or images.dtype == np.bool_:
        raise TypeError(f"x must hold numbers (uint8 pixels or floats), got dtype {images.dtype}")
    if images.ndim == 4 and images.shape[-1] == 1:
        images = images[..., 0]
    if not (images.ndim == 3 or (images.ndim == 4 and images.shape[-1] == 3)):
        raise ValueError(
            f"x must be an array (N, height, width) of grey images or (N, height, width, 3) of colour "
            f"images, got shape {np.shape(x)}"
        )
    labels = np.asarray(y)
    if labels.ndim == 2 and labels.shape[1] == 1:
        labels = labels[:, 0]
    if labels.ndim != 1 or (labels.size and labels.dtype.kind not in "iu"):
        raise ValueError(
            f"y must be integer labels of shape (N,) or (N, 1), got {labels.dtype} of shape {np.shape(y)}"
        )
    if len(labels) != len(images):
        raise ValueError(
            f"y must have one label per image: x holds {len(images)} images, y {len(labels)} labels"
        )
    count = as_int(n, "n", 1)
    if count > len(images):
        raise ValueError(f"n must be <= the number of images ({len(images)}), got {count}")
    names: tuple[str, ...] | None = None
    if class_names is not None:
        if isinstance(class_names, str) or not isinstance(class_names, Sequence):
            raise TypeError(f"class_names must be a sequence of str or None, got {class_names!r}")
        names = tuple(str(name) for name in class_names)
    shown = labels[:count]
    if names is not None:
        bad = [int(v) for v in shown if not 0 <= v < len(names)]
        if bad:
            raise ValueError(f"y holds label {bad[0]}, outside class_names (which has {len(names)} names)")
    import matplotlib.pyplot as plt

    columns = min(count, MAX_COLUMNS)
    rows = math.ceil(count / columns)
    fig, axes = plt.subplots(rows, columns, figsize=(1.5 * columns, 1.7 * rows), squeeze=False)
    for index, ax in enumerate(axes.ravel()):
        ax.set_axis_off()
        if index >= count:
            continue
        args, kwargs = _displayable(images[index])
        ax.imshow(*args, **kwargs)
        label = int(shown[index])
        ax.set_title(names[label] if names is not None else str(label), fontsize=9)
    for ax in axes.ravel()[count:]:
        fig.delaxes(ax)
    fig.tight_layout()
    plt.close(fig)
    return fig


def _displayable(image: np.ndarray) -> tuple[tuple[np.ndarray], dict[str, Any]]:
    """Arguments for ``imshow``: grey images with a fixed 0..255 scale when they are bytes."""
    if image.ndim == 2:
        if image.dtype == np.uint8:
            return (image,), {"cmap": "gray", "vmin": 0, "vmax": 255}
        return (image,), {"cmap": "gray"}
    if image.dtype == np.uint8:
        return (image,), {}
    pixels = image.astype(np.float64)
    if pixels.max(initial=0.0) > 1.0:
        pixels = pixels / 255.0
    return (np.clip(pixels, 0.0, 1.0),), {}
