"""Arrays as PNG pictures for HTML (bytes, ``data:`` URIs) and the SVG pieces the explorers draw.

The PNG helpers take a grey ``(H, W)`` (or ``(H, W, 1)``) or colour ``(H, W, 3)`` image.
A ``uint8`` image is used as it is; any other numeric image is mapped from ``low`` (black)
to ``high`` (white) onto 0..255, rounded half to even and clipped. Each pixel becomes a
``scale`` x ``scale`` block (nearest neighbour), so small images stay crisp.

Examples
--------
>>> png_data_uri([[0.0, 1.0]], scale=2).startswith("data:image/png;base64,")
True
"""

from __future__ import annotations

import base64
import html
import io
import numpy as np
from numpy.typing import ArrayLike, NDArray

from cnn_course._validation import as_finite_array, as_int
from cnn_course.viz.style import ACCENT

__all__ = [
    "SVG_FONT",
    "png_bytes",
    "png_data_uri",
    "png_pixels",
    "svg_open",
    "svg_outline",
    "svg_text",
]

#: The monospace font stack of the explorers' SVG pictures.
SVG_FONT = "DejaVu Sans Mono,Menlo,Consolas,monospace"


def png_pixels(image: ArrayLike, *, low: float = 0.0, high: float = 1.0) -> NDArray[np.uint8]:
    """The 0..255 pixels :func:`png_bytes` encodes: ``(H, W)`` grey or ``(H, W, 3)`` colour.

    Parameters
    ----------
    image : array_like, shape (H, W), (H, W, 1) or (H, W, 3)
        ``uint8`` (used as it is) or any real numbers (mapped from ``low`` .. ``high``).
    low, high : float
        The values drawn black and white (``high > low``); ignored for ``uint8``.

    Examples
    --------
    >>> png_pixels([[0.0, 0.5, 1.0]])
    array([[  0, 128, 255]], dtype=uint8)
    >>> png_pixels([[-1.0, 0.0, 1.0]], low=-1, high=1)
    array([[  0, 128, 255]], dtype=uint8)
    >>> png_pixels([[0.0, 300.0]], low=0, high=255)
    array([[  0, 255]], dtype=uint8)
    >>> png_pixels(np.zeros((2, 2, 4)))
    Traceback (most recent call last):
    ...
    ValueError: image must be grey (H, W) or (H, W, 1), or colour (H, W, 3), got shape (2, 2, 4)
    """
    if isinstance(image, np.ndarray) and image.dtype == np.uint8:
        if image.ndim not in (2, 3) or image.size == 0:
            raise ValueError(f"image must be a non-empty 2-D or 3-D array, got shape {image.shape}")
        pixels = image
    else:
        array = as_finite_array(image, "image", (2, 3))
        lo, hi = float(low), float(high)
        if not (np.isfinite(lo) and np.isfinite(hi) and hi > lo):
            raise ValueError(f"high must be larger than low (both finite), got low={low}, high={high}")
        span = hi - lo
        # A 255-wide range is already in grey levels: no division, so values stay exact.
        levels = array - lo if span == 255.0 else (array - lo) / span * 255
        pixels = np.clip(np.rint(levels), 0, 255).astype(np.uint8)
    if pixels.ndim == 3 and pixels.shape[2] == 1:
        pixels = pixels[:, :, 0]
    if pixels.ndim == 3 and pixels.shape[2] != 3:
        raise ValueError(f"image must be grey (H, W) or (H, W, 1), or colour (H, W, 3), got shape {pixels.shape}")
    return pixels


def png_bytes(
    image: ArrayLike, *, scale: int = 1, low: float = 0.0, high: float = 1.0, optimize: bool = False
) -> bytes:
    """An image as PNG file bytes (e.g. an ``ipywidgets.Image``'s value).

    Parameters
    ----------
    image : array_like, shape (H, W), (H, W, 1) or (H, W, 3)
        See :func:`png_pixels`.
    scale : int
        Each pixel becomes a ``scale`` x ``scale`` block (>= 1).
    low, high : float
        The values drawn black and white (ignored for ``uint8`` images).
    optimize : bool
        False (default): fast encoding (``compress_level=1``), for explorers that redraw on
        every move. True: the smallest file, for pictures stored in the book.

    Returns
    -------
    bytes

    Examples
    --------
    >>> png_bytes(np.zeros((2, 3)), scale=4)[:8]
    b'\\x89PNG\\r\\n\\x1a\\n'
    >>> from PIL import Image
    >>> Image.open(io.BytesIO(png_bytes(np.zeros((2, 3), np.uint8), scale=4))).size
    (12, 8)
    """
    from PIL import Image

    k = as_int(scale, "scale", 1)
    if not isinstance(optimize, (bool, np.bool_)):
        raise TypeError(f"optimize must be True or False, got {optimize!r}")
    pixels = png_pixels(image, low=low, high=high)
    picture = Image.fromarray(np.ascontiguousarray(pixels), "L" if pixels.ndim == 2 else "RGB")
    if k > 1:
        picture = picture.resize((pixels.shape[1] * k, pixels.shape[0] * k), Image.Resampling.NEAREST)
    buffer = io.BytesIO()
    if optimize:
        picture.save(buffer, format="PNG", optimize=True)
    else:
        picture.save(buffer, format="PNG", compress_level=1)
    return buffer.getvalue()


def png_data_uri(
    image: ArrayLike, *, scale: int = 1, low: float = 0.0, high: float = 1.0, optimize: bool = False
) -> str:
    """An image as a ``data:image/png;base64,...`` URI, for an ``<img src=...>``.

    Same parameters as :func:`png_bytes`.

    Examples
    --------
    >>> uri = png_data_uri(np.eye(3), scale=2)
    >>> uri.startswith("data:image/png;base64,")
    True
    """
    data = png_bytes(image, scale=scale, low=low, high=high, optimize=optimize)
    return "data:image/png;base64," + base64.b64encode(data).decode("ascii")


# ---------------------------------------------------------------------------------------
# SVG pieces
# ---------------------------------------------------------------------------------------


def svg_open(width: float, height: float, label: str) -> str:
    """The opening ``<svg>`` tag of a ``width`` x ``height`` picture with an accessible label.

    Close it with ``"</svg>"``.

    Examples
    --------
    >>> svg_open(30, 20, "kernel")[:62]
    '<svg xmlns="http://www.w3.org/2000/svg" width="30" height="20"'
    """
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width:g}" height="{height:g}" '
        f'viewBox="0 0 {width:g} {height:g}" role="img" aria-label="{html.escape(label)}" '
        f'style="display:block;font-family:{SVG_FONT}">'
    )


def svg_text(x: float, y: float, text: str, size: float, color: str, weight: str = "normal") -> str:
    """A ``<text>`` centred on (x, y), escaped.

    Examples
    --------
    >>> svg_text(5, 5, "<1>", 10, "#000")
    '<text x="5" y="5" font-size="10" fill="#000" font-weight="normal" text-anchor="middle" dominant-baseline="central">&lt;1&gt;</text>'
    """
    return (
        f'<text x="{x:g}" y="{y:g}" font-size="{size:g}" fill="{color}" font-weight="{weight}" '
        f'text-anchor="middle" dominant-baseline="central">{html.escape(text)}</text>'
    )


def svg_outline(x: float, y: float, w: float, h: float, color: str = ACCENT, width: float = 3) -> str:
    """An unfilled rectangle whose stroke lies inside the box (x, y, w, h).

    Examples
    --------
    >>> svg_outline(0, 0, 10, 10, "#f00", 2)
    '<rect x="1" y="1" width="8" height="8" fill="none" stroke="#f00" stroke-width="2"/>'
    """
    return (
        f'<rect x="{x + width / 2:g}" y="{y + width / 2:g}" width="{w - width:g}" height="{h - width:g}" '
        f'fill="none" stroke="{color}" stroke-width="{width:g}"/>'
    )
