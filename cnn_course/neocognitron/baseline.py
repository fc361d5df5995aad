"""The baseline the Neocognitron is compared with: a pixel template matcher.

:class:`PixelTemplateMatcher` stores every training image as a template and gives a test
image the label of the nearest template in raw pixel space (1-nearest neighbour,
Euclidean distance): a recogniser with no tolerance built in. Its nearest-template
search, :func:`_nearest`, is also the Neocognitron's ``"nearest-neighbour"`` readout.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike, NDArray

from cnn_course.neocognitron._checks import CHUNK, _as_images, _as_labels

__all__ = ["PixelTemplateMatcher"]


def _nearest(templates: NDArray[np.float32], norms: NDArray[np.float32], queries: NDArray[np.float32]) -> NDArray[np.int64]:
    """Index of the nearest template (Euclidean) for each query row."""
    out = np.empty(len(queries), dtype=np.int64)
    for start in range(0, len(queries), CHUNK):
        q = queries[start : start + CHUNK]
        distance = norms[None, :] - 2.0 * (q @ templates.T)  # ||q||^2 is the same for every template
        out[start : start + CHUNK] = np.argmin(distance, axis=1)
    return out


class PixelTemplateMatcher:
    """The baseline: the label of the nearest training image, pixel by pixel.

    Every training image is kept as a template; a test image gets the label of the
    template at the smallest Euclidean distance (1-nearest neighbour on raw pixels).
    It has no notion of a shifted or deformed stroke: a digit moved by two pixels can be
    closer to a template of another digit that happens to sit there.

    Examples
    --------
    >>> images = np.zeros((2, 5, 5)); images[0, :, 1] = 255; images[1, :, 3] = 255
    >>> matcher = PixelTemplateMatcher().fit(images, [1, 3])
    >>> from cnn_course.neocognitron.robustness import shift_images
    >>> matcher.predict(shift_images(images[0], 2, 0)).tolist()   # the bar at column 3 now
    [3]
    """

    def __init__(self) -> None:
        self.templates: NDArray[np.float32] | None = None
        self.labels: NDArray[np.int64] | None = None

    def fit(self, images: ArrayLike, labels: ArrayLike) -> PixelTemplateMatcher:
        """Store the images (grey levels 0..255, (N, H, W)) and their labels."""
        x = _as_images(images)
        self.shape = x.shape[1:]
        self.labels = _as_labels(labels, len(x))
        self.templates = (x / 255.0).reshape(len(x), -1).astype(np.float32)
        self._norms = np.einsum("nd,nd->n", self.templates, self.templates)
        return self

    def predict(self, images: ArrayLike) -> NDArray[np.int64]:
        """The label of the nearest template of each image (an (H, W) array is one image)."""
        if self.templates is None or self.labels is None:
            raise RuntimeError("this PixelTemplateMatcher is not fitted: call fit(images, labels) first")
        x = _as_images(images)
        if x.shape[1:] != self.shape:
            raise ValueError(f"images must be {self.shape[0]}x{self.shape[1]} like the templates, got {x.shape[1]}x{x.shape[2]}")
        queries = (x / 255.0).reshape(len(x), -1).astype(np.float32)
        return self.labels[_nearest(self.templates, self._norms, queries)]

    def score(self, images: ArrayLike, labels: ArrayLike) -> float:
        """Accuracy (fraction of right labels) on ``images``."""
        predicted = self.predict(images)
        return float(np.mean(predicted == _as_labels(labels, len(predicted))))
