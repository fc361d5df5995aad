"""Images and kernels that work offline: drawings made by our own code, a photo from matplotlib.

Three things live here:

* :func:`sample_image`: small drawings rasterised with Pillow (a hand-drawn-looking digit
  seven, bars, a checkerboard, a circle, a cross, a house), white strokes on black like
  MNIST, values 0..255;
* :func:`photo`: the portrait of Grace Hopper that ships inside matplotlib, in grey levels
  0..255, optionally cropped and resized;
* :data:`KERNELS`: the 3x3 kernels every image-processing course starts with (identity,
  edges, blurs, sharpen), and :func:`kernel`, which returns a copy of one.

Every image is a 2-D ``float64`` array, top row first, with integer values in 0..255
(black = 0), so the arithmetic of a convolution is easy to read. Nothing is downloaded.

Examples
--------
>>> img = sample_image("cross", size=8)
>>> img.shape, img.dtype, img.min(), img.max()
((8, 8), dtype('float64'), np.float64(0.0), np.float64(255.0))
>>> kernel("blur (box)").sum()
np.float64(1.0)
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

import numpy as np
from numpy.typing import NDArray

from cnn_course._validation import as_pair, check_choice

__all__ = [
    "KERNELS",
    "PHOTOS",
    "SAMPLE_IMAGES",
    "kernel",
    "list_images",
    "load_image",
    "photo",
    "sample_image",
]

#: Largest side accepted for a generated or resized image (keeps memory use sane).
MAX_SIDE = 4096
#: Smallest side of a drawing: below this the shapes are unrecognisable.
MIN_SIDE = 4

Size = int | tuple[int, int]
_Draw = Callable[["_Pen"], None]

# ---------------------------------------------------------------------------------------
# Kernels
# ---------------------------------------------------------------------------------------


def _frozen(rows: list[list[float]], scale: float = 1.0) -> NDArray[np.float64]:
    array = np.array(rows, dtype=np.float64) * scale
    array.setflags(write=False)
    return array


#: Preset 3x3 kernels, by name. The arrays are read-only: use :func:`kernel` for a copy.
#: They are written for cross-correlation, what deep-learning libraries compute: the
#: Sobel x kernel responds positively where the image gets brighter to the right, the
#: Sobel y kernel where it gets brighter downwards (convolution flips both).
KERNELS: dict[str, NDArray[np.float64]] = {
    "identity": _frozen([[0, 0, 0], [0, 1, 0], [0, 0, 0]]),
    "edge (Laplacian)": _frozen([[0, -1, 0], [-1, 4, -1], [0, -1, 0]]),
    "vertical edge (Sobel x)": _frozen([[-1, 0, 1], [-2, 0, 2], [-1, 0, 1]]),
    "horizontal edge (Sobel y)": _frozen([[-1, -2, -1], [0, 0, 0], [1, 2, 1]]),
    "blur (box)": _frozen([[1, 1, 1], [1, 1, 1], [1, 1, 1]], 1 / 9),
    "blur (Gaussian)": _frozen([[1, 2, 1], [2, 4, 2], [1, 2, 1]], 1 / 16),
    "sharpen": _frozen([[0, -1, 0], [-1, 5, -1], [0, -1, 0]]),
}


def kernel(name: str) -> NDArray[np.float64]:
    """Return a (writable) copy of the preset kernel ``name`` from :data:`KERNELS`.

    Parameters
    ----------
    name : str
        One of ``KERNELS``'s keys, e.g. ``"sharpen"``.

    Returns
    -------
    ndarray of float64, shape (3, 3)

    Examples
    --------
    >>> kernel("vertical edge (Sobel x)")
    array([[-1.,  0.,  1.],
           [-2.,  0.,  2.],
           [-1.,  0.,  1.]])
    """
    check_choice(name, "name", tuple(KERNELS))
    return KERNELS[name].copy()


# ---------------------------------------------------------------------------------------
# Drawings
# ---------------------------------------------------------------------------------------


def _bezier(p0: tuple[float, float], p1: tuple[float, float], p2: tuple[float, float], n: int = 24):
    """Points along a quadratic Bezier curve (a gently bent pen stroke)."""
    t = np.linspace(0.0, 1.0, n)[:, None]
    pts = (1 - t) ** 2 * np.array(p0) + 2 * (1 - t) * t * np.array(p1) + t**2 * np.array(p2)
    return [tuple(p) for p in pts]


class _Pen:
    """Draws in unit coordinates (0..1 across, 0..1 down) on a supersampled canvas.

    ``x``/``y`` give smooth positions; ``sx``/``sy`` snap to the borders of the final
    pixels, so that rectangles come out with sharp edges (pure 0 and 255 values).
    """

    def __init__(self, draw: Any, rows: int, cols: int, scale: int) -> None:
        self.draw, self.rows, self.cols, self.scale = draw, rows, cols, scale

    def x(self, f: float) -> float:
        return f * self.cols * self.scale

    def y(self, f: float) -> float:
        return f * self.rows * self.scale

    def sx(self, f: float) -> int:
        return round(f * self.cols) * self.scale

    def sy(self, f: float) -> int:
        return round(f * self.rows) * self.scale

    def width(self, f: float) -> int:
        return max(1, round(f * min(self.rows, self.cols) * self.scale))

    def box(self, left: float, top: float, right: float, bottom: float, fill: int = 255) -> None:
        """A pixel-aligned filled rectangle."""
        x0, y0, x1, y1 = self.sx(left), self.sy(top), self.sx(right), self.sy(bottom)
        if x1 <= x0:  # never let a bar vanish on a tiny image
            x1 = x0 + self.scale
        if y1 <= y0:
            y1 = y0 + self.scale
        self.draw.rectangle((x0, y0, x1 - 1, y1 - 1), fill=fill)

    def stroke(self, points: list[tuple[float, float]], width: float) -> None:
        """A pen stroke through ``points`` with round ends and joints."""
        xy = [(self.x(a), self.y(b)) for a, b in points]
        px = self.width(width)
        self.draw.line(xy, fill=255, width=px, joint="curve")
        r = px / 2
        for a, b in (xy[0], xy[-1]):
            self.draw.ellipse((a - r, b - r, a + r, b + r), fill=255)


def _digit_seven(pen: _Pen) -> None:
    width = 0.10
    top = _bezier((0.24, 0.25), (0.50, 0.17), (0.77, 0.21))
    down = _bezier((0.77, 0.21), (0.58, 0.47), (0.45, 0.84))
    pen.stroke(top + down[1:], width)
    pen.stroke(_bezier((0.22, 0.33), (0.22, 0.28), (0.24, 0.25), 6), width * 0.8)


def _vertical_bar(pen: _Pen) -> None:
    pen.box(0.4, 0.15, 0.6, 0.85)


def _diagonal_bar(pen: _Pen) -> None:
    pen.stroke([(0.2, 0.2), (0.8, 0.8)], 0.15)


def _circle(pen: _Pen) -> None:
    pen.draw.ellipse((pen.x(0.18), pen.y(0.18), pen.x(0.82), pen.y(0.82)), outline=255, width=pen.width(0.11))


def _cross(pen: _Pen) -> None:
    pen.box(0.4, 0.15, 0.6, 0.85)
    pen.box(0.15, 0.4, 0.85, 0.6)


def _house(pen: _Pen) -> None:
    pen.draw.polygon([(pen.x(0.08), pen.sy(0.5)), (pen.x(0.5), pen.y(0.12)), (pen.x(0.92), pen.sy(0.5))], fill=255)
    pen.box(0.2, 0.5, 0.8, 0.88, fill=170)
    pen.box(0.42, 0.64, 0.58, 0.88, fill=40)


_DRAWINGS: dict[str, _Draw] = {
    "digit-seven": _digit_seven,
    "vertical-bar": _vertical_bar,
    "diagonal-bar": _diagonal_bar,
    "circle": _circle,
    "cross": _cross,
    "house": _house,
}

#: Names accepted by :func:`sample_image`.
SAMPLE_IMAGES: tuple[str, ...] = (
    "digit-seven",
    "vertical-bar",
    "diagonal-bar",
    "checkerboard",
    "circle",
    "cross",
    "house",
)

#: Photos accepted by :func:`photo`: name -> file in matplotlib's sample data.
PHOTOS: dict[str, str] = {"grace_hopper": "grace_hopper.jpg"}


def _check_size(size: Any, minimum: int) -> tuple[int, int]:
    rows, cols = as_pair(size, "size", minimum)
    if max(rows, cols) > MAX_SIDE:
        raise ValueError(f"size must be at most {MAX_SIDE} on each side, got {size!r}")
    return rows, cols


@functools.lru_cache(maxsize=64)
def _sample_image_cached(name: str, rows: int, cols: int) -> NDArray[np.float64]:
    if name == "checkerboard":
        r = np.arange(rows)[:, None] * 4 // rows
        c = np.arange(cols)[None, :] * 4 // cols
        image = ((r + c) % 2 == 0).astype(np.float64) * 255.0
    else:
        from PIL import Image, ImageDraw

        scale = max(1, min(8, 2048 // max(rows, cols)))  # supersampling, then box-filter down
        canvas = Image.new("L", (cols * scale, rows * scale), 0)
        _DRAWINGS[name](_Pen(ImageDraw.Draw(canvas), rows, cols, scale))
        small = canvas.resize((cols, rows), Image.Resampling.BOX)
        image = np.asarray(small, dtype=np.float64)
    image = np.round(image)
    image.setflags(write=False)
    return image


def sample_image(name: str = "digit-seven", size: Size = 28) -> NDArray[np.float64]:
    """Draw one of the course's small test images: white shapes on black, values 0..255.

    Parameters
    ----------
    name : str
        One of :data:`SAMPLE_IMAGES`: ``"digit-seven"`` (a hand-drawn-looking 7, like an
        MNIST digit), ``"vertical-bar"``, ``"diagonal-bar"``, ``"checkerboard"`` (4x4
        squares), ``"circle"`` (a ring), ``"cross"``, ``"house"`` (roof, wall and door in
        three grey levels).
    size : int or (int, int)
        Side of the square image, or its (rows, cols); at least 4, at most 4096.

    Returns
    -------
    ndarray of float64, shape (rows, cols)
        Integer values in 0..255 (anti-aliased edges give grey levels in between).

    Examples
    --------
    >>> sample_image("vertical-bar", size=6)
    array([[  0.,   0.,   0.,   0.,   0.,   0.],
           [  0.,   0., 255., 255.,   0.,   0.],
           [  0.,   0., 255., 255.,   0.,   0.],
           [  0.,   0., 255., 255.,   0.,   0.],
           [  0.,   0., 255., 255.,   0.,   0.],
           [  0.,   0.,   0.,   0.,   0.,   0.]])
    """
    check_choice(name, "name", SAMPLE_IMAGES)
    rows, cols = _check_size(size, MIN_SIDE)
    return _sample_image_cached(name, rows, cols).copy()


@functools.lru_cache(maxsize=16)
def _photo_cached(name: str, size: tuple[int, int] | None, square: bool) -> NDArray[np.float64]:
    from PIL import Image

    filename = PHOTOS[name]
    try:
        from matplotlib import cbook

        with cbook.get_sample_data(filename, asfileobj=True) as handle:
            picture = Image.open(handle)
            picture.load()
    except (ImportError, OSError, ValueError) as exc:
        raise FileNotFoundError(
            f"photo {name!r} needs the file {filename!r} from matplotlib's sample data, which "
            f"could not be read ({exc}). Install matplotlib (it ships the file), or use "
            f"sample_image(), which needs no file."
        ) from exc
    picture = picture.convert("L")  # ITU-R 601-2 luma: L = 0.299 R + 0.587 G + 0.114 B
    if size is not None:
        rows, cols = size
        if square:  # crop the centre square first, so the face is not squashed
            w, h = picture.size
            side = min(w, h)
            left, top = (w - side) // 2, (h - side) // 2
            picture = picture.crop((left, top, left + side, top + side))
        picture = picture.resize((cols, rows), Image.Resampling.LANCZOS)
    image = np.asarray(picture, dtype=np.float64)
    image.setflags(write=False)
    return image


def photo(name: str = "grace_hopper", size: Size | None = None) -> NDArray[np.float64]:
    """Load a photo that ships inside matplotlib, in grey levels 0..255.

    Parameters
    ----------
    name : str
        One of :data:`PHOTOS` (``"grace_hopper"``: Grace Hopper's portrait, 600 rows x 512
        columns).
    size : int or (int, int), optional
        ``None`` keeps the original size; an int ``n`` crops the centre square and resizes
        it to ``n x n``; a pair ``(rows, cols)`` resizes the whole photo to exactly that.

    Returns
    -------
    ndarray of float64, shape (rows, cols)
        Integer grey levels in 0..255 (black = 0).

    Raises
    ------
    FileNotFoundError
        If matplotlib or its sample data is missing.

    Examples
    --------
    >>> photo(size=32).shape
    (32, 32)
    >>> photo(size=(60, 40)).shape
    (60, 40)
    """
    check_choice(name, "name", tuple(PHOTOS))
    if size is None:
        return _photo_cached(name, None, False).copy()
    square = not isinstance(size, (tuple, list, np.ndarray))
    return _photo_cached(name, _check_size(size, 1), square).copy()


def list_images() -> list[str]:
    """Names of every image :func:`load_image` knows: the drawings, then the photos.

    Examples
    --------
    >>> list_images()[:3]
    ['digit-seven', 'vertical-bar', 'diagonal-bar']
    >>> "grace_hopper" in list_images()
    True
    """
    return [*SAMPLE_IMAGES, *PHOTOS]


def load_image(name: str, size: Size | None = 28) -> NDArray[np.float64]:
    """Any image of :func:`list_images` by name: a drawing or a photo.

    Parameters
    ----------
    name : str
        A name from :func:`list_images`.
    size : int or (int, int), optional
        As in :func:`sample_image` / :func:`photo` (``None`` is only allowed for photos:
        their original size).

    Examples
    --------
    >>> load_image("grace_hopper", 16).shape
    (16, 16)
    >>> load_image("house", (10, 12)).shape
    (10, 12)
    """
    check_choice(name, "name", list_images())
    if name in PHOTOS:
        return photo(name, size)
    if size is None:
        raise ValueError(f"size must be given for the drawing {name!r} (None is only for photos)")
    return sample_image(name, size)
