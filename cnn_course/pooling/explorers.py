"""The pooling chapter's ipywidgets explorer: pool an image with a growing window, see it pixelate.

* :func:`pixelate`: the pooling the explorer applies (non-overlapping windows, stride =
  size), a thin check over :func:`~cnn_course.pooling.ops.max_pool2d` and
  :func:`~cnn_course.pooling.ops.avg_pool2d`.
* :func:`pixelation_explorer` builds the widget, a :class:`PixelationExplorer` (a
  :class:`cnn_course.viz.widgets.Explorer`): its one update path,
  :meth:`PixelationExplorer.update`, returns a :class:`PixelationView` and can also be
  called directly, e.g. to benchmark it.

Examples
--------
>>> pixelate([[1, 2, 5, 6], [3, 4, 7, 8]], 2)
array([[4., 8.]])
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import ipywidgets as widgets
import numpy as np
from numpy.typing import ArrayLike, NDArray

from cnn_course._validation import as_finite_array, as_int, check_choice
from cnn_course.pooling.ops import avg_pool2d, max_pool2d
from cnn_course.viz.html import png_bytes
from cnn_course.viz.widgets import Explorer, View, quiet

__all__ = [
    "POOL_MODES",
    "PixelationExplorer",
    "PixelationView",
    "pixelate",
    "pixelation_explorer",
]

#: Pooling summaries offered by the pixelation explorer.
POOL_MODES: tuple[str, ...] = ("max", "average")

_YOUR_IMAGE = "your image"
#: The colour mixed into the rows and columns that pooling drops.
_TINT = np.array([230, 140, 120], dtype=np.float64)


def pixelate(image: ArrayLike, size: int, mode: str = "max") -> NDArray[np.float64]:
    """Pool ``image`` with non-overlapping ``size`` x ``size`` windows (stride = size).

    Parameters
    ----------
    image : array_like, 2-D
    size : int
        Window side (>= 1, at most the image's smaller side).
    mode : {"max", "average"}

    Returns
    -------
    ndarray of float64, shape (rows // size, cols // size)
        Leftover rows and columns that do not fill a window are dropped.

    Examples
    --------
    >>> pixelate([[1, 2, 5, 6], [3, 4, 7, 8]], 2)
    array([[4., 8.]])
    >>> pixelate([[1, 2, 5, 6], [3, 4, 7, 8]], 2, "average")
    array([[2.5, 6.5]])
    """
    image = as_finite_array(image, "image", 2)
    size = as_int(size, "size", 1)
    mode = check_choice(mode, "mode", POOL_MODES)
    if size > min(image.shape):
        raise ValueError(f"size must be at most the image's smaller side ({min(image.shape)}), got {size}")
    pool = max_pool2d if mode == "max" else avg_pool2d
    return pool(image, size)


def _pixelation_png(array: NDArray[np.float64], scale: int, covered: tuple[int, int] | None = None) -> bytes:
    """PNG of grey levels ``array`` (0..255), each cell ``scale`` pixels; cells beyond
    ``covered`` (rows, cols) are tinted to show they were dropped."""
    if covered is None:
        return png_bytes(array, scale=scale, low=0.0, high=255.0)
    grey = np.clip(np.rint(array), 0, 255).astype(np.uint8)
    rgb = np.repeat(grey[:, :, None], 3, axis=2)
    rows, cols = covered
    for region in (rgb[rows:, :], rgb[:rows, cols:]):
        region[...] = np.rint(0.35 * region + 0.65 * _TINT).astype(np.uint8)
    return png_bytes(rgb, scale=scale)


@dataclass(frozen=True)
class PixelationView(View):
    """What the pixelation explorer shows.

    Attributes
    ----------
    html : str
        The caption: window size, mode, the resolution before and after.
    pooled : ndarray
        The pooled image, at its own (lower) resolution.
    size : int
        The window side (also the stride).
    mode : str
        ``"max"`` or ``"average"``.
    """

    pooled: NDArray[np.float64]
    size: int
    mode: str


class PixelationExplorer(Explorer):
    """Pool an image with a growing window and see the resolution drop; an ipywidgets ``VBox``.

    Build it with :func:`pixelation_explorer`; :meth:`update` (``image``, ``size``, ``mode``)
    is its one update path. The pictures are ``ipywidgets.Image`` widgets (``original``,
    ``pooled``); the caption is the explorer's HTML output (``caption``).
    """

    def __init__(self, image: str | ArrayLike | None = None, *, image_size: int = 96, display_px: int = 288) -> None:
        from cnn_course import images

        self._busy = True
        self._image_size = as_int(image_size, "image_size", images.MIN_SIDE)
        self._display_px = as_int(display_px, "display_px", 32)
        self._loaded: tuple | None = None
        options = list(images.list_images())
        value = "grace_hopper"
        self._custom_image: NDArray[np.float64] | None = None
        if isinstance(image, str):
            value = check_choice(image, "image", options)
        elif image is not None:
            self._custom_image = as_finite_array(image, "image", 2)
            options.insert(0, _YOUR_IMAGE)
            value = _YOUR_IMAGE
        desc = {"description_width": "80px"}
        self.image_dropdown = widgets.Dropdown(options=options, value=value, description="input", style=desc)
        self.size_slider = widgets.IntSlider(value=4, min=1, max=16, description="pool size", style=desc)
        self.mode_dropdown = widgets.Dropdown(options=list(POOL_MODES), value="max", description="pooling", style=desc)
        self.original = widgets.Image(format="png")
        self.pooled = widgets.Image(format="png")
        self.caption = widgets.HTML()
        label = widgets.Layout(margin="0 12px 0 0")
        pictures = widgets.HBox(
            [
                widgets.VBox([widgets.HTML("original"), self.original], layout=label),
                widgets.VBox([widgets.HTML("pooled"), self.pooled]),
            ]
        )
        self._layout(
            {"image": self.image_dropdown, "size": self.size_slider, "mode": self.mode_dropdown},
            rows=[widgets.HBox([self.image_dropdown, self.mode_dropdown]), self.size_slider],
            extra=[pictures],
            output=self.caption,
        )

    def _set(self, name: str, value: Any) -> None:
        """Check and set one control for :meth:`update` (observers are quiet meanwhile)."""
        if name == "image":
            if isinstance(value, str):
                self.image_dropdown.value = check_choice(value, "image", list(self.image_dropdown.options))
            else:
                self._custom_image = as_finite_array(value, "image", 2)
                if _YOUR_IMAGE not in self.image_dropdown.options:
                    self.image_dropdown.options = [_YOUR_IMAGE, *self.image_dropdown.options]
                self.image_dropdown.value = _YOUR_IMAGE
            self._loaded = None
            self._load()  # now: a size given with it is checked against this image
        elif name == "mode":
            self.mode_dropdown.value = check_choice(value, "mode", POOL_MODES)
        else:  # "size"
            size = as_int(value, "size", 1)
            if size > self.size_slider.max:
                raise ValueError(f"size must be <= {self.size_slider.max}, got {size}")
            self.size_slider.value = size

    def _load(self) -> None:
        """Load the chosen image (once per choice), draw it, and bound the pool size by its side."""
        from cnn_course import images

        name = self.image_dropdown.value
        key = (name, id(self._custom_image) if name == _YOUR_IMAGE else None)
        if key == self._loaded:
            return
        image = self._custom_image if name == _YOUR_IMAGE else images.load_image(name, self._image_size)
        self._image = image
        self._scale = max(1, self._display_px // max(image.shape))
        self.original.value = _pixelation_png(image, self._scale)
        with quiet(self):
            self.size_slider.max = max(1, min(16, min(image.shape)))
        self._loaded = key

    def _compute(self) -> PixelationView:
        if "image" in self.changed:
            self._load()
        size, mode = self.size_slider.value, self.mode_dropdown.value
        pooled = pixelate(self._image, size, mode)
        blocks = np.repeat(np.repeat(pooled, size, axis=0), size, axis=1)
        shown = self._image.copy()
        rows, cols = blocks.shape
        shown[:rows, :cols] = blocks
        dropped = (rows, cols) != self._image.shape
        self.pooled.value = _pixelation_png(shown, self._scale, (rows, cols) if dropped else None)
        h, w = self._image.shape
        note = (
            f" The last {h - rows} row(s) and {w - cols} column(s) do not fill a window: pooling drops them "
            "(tinted)."
            if dropped
            else ""
        )
        caption = (
            f"{mode} pooling, {size}×{size} windows, stride {size}: {h}×{w} pixels → "
            f"<b>{pooled.shape[0]}×{pooled.shape[1]}</b> ({pooled.size} values instead of {h * w}).{note}"
        )
        return PixelationView(html=caption, pooled=pooled, size=size, mode=mode)

    def update(self, **changes: Any) -> PixelationView:
        """Change controls, as a learner would, redraw, and return the new view.

        Parameters
        ----------
        **changes
            ``image`` (a name from :func:`cnn_course.images.list_images` or a 2-D array),
            ``mode`` ({"max", "average"}) and ``size`` (pool size, 1..16 and at most the
            image's side, checked after the image), applied in that order.

        Returns
        -------
        PixelationView
            Its ``pooled`` is the pooled array, at its own (lower) resolution.
        """
        if len(changes) > 1:
            order = {"image": 0, "mode": 1, "size": 2}
            changes = dict(sorted(changes.items(), key=lambda item: order.get(item[0], len(order))))
        return super().update(**changes)  # type: ignore[return-value]


def pixelation_explorer(image: str | ArrayLike | None = None, *, image_size: int = 96) -> PixelationExplorer:
    """Build the pixelation explorer: pool size slider (1..16), max or average pooling.

    Parameters
    ----------
    image : str or array_like, optional
        A name from :func:`cnn_course.images.list_images` (default ``"grace_hopper"``) or
        a 2-D array of grey levels 0..255.
    image_size : int
        Side of the named images (default 96, which 1, 2, 3, 4, 6, 8, 12 and 16 divide).

    Returns
    -------
    PixelationExplorer
        An ``ipywidgets.VBox``; ``update(size=..., mode=...)`` is its callback.

    Examples
    --------
    >>> explorer = pixelation_explorer("checkerboard", image_size=16)
    >>> explorer.update(size=4).pooled.shape
    (4, 4)
    """
    return PixelationExplorer(image, image_size=image_size)
