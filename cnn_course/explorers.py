"""Interactive explorers for notebooks: slide a kernel over an image, pixelate an image.

A thin ipywidgets layer over pure functions, which is what the tests exercise:

* :func:`window_state` computes everything one frame of the sliding-window explorer
  shows: the zero-padded input, the kernel actually applied (flipped for a convolution),
  the whole output map (computed once by :func:`~cnn_course.convolution.cross_correlate2d`
  or :func:`~cnn_course.convolution.convolve2d`), the output cell at a given step, its
  receptive field and each product of its sum. :meth:`WindowState.at` moves the window
  without recomputing the map.
* :func:`render_state_html` draws a state as inline SVG and HTML (no matplotlib): the
  padded input with the receptive field outlined and the padding hatched, the kernel with
  its weights, the output map with the current cell outlined, and the arithmetic of that
  cell written out.
* :func:`convolution_explorer` and :func:`pixelation_explorer` build the widgets. Their
  callbacks are the ``update`` methods of :class:`ConvolutionExplorer` and
  :class:`PixelationExplorer` (both are ipywidgets boxes), which can also be called
  directly, e.g. to benchmark them.

Examples
--------
>>> import numpy as np
>>> state = window_state(np.arange(16.0).reshape(4, 4), np.ones((3, 3)), step=1)
>>> state.cell, state.rows, state.cols
((0, 1), (0, 3), (1, 4))
>>> state.total == state.value == 54.0
True
"""

from __future__ import annotations

import dataclasses
import html
import io
from collections import OrderedDict
from typing import Any, NamedTuple

import ipywidgets as widgets
import numpy as np
from numpy.typing import ArrayLike, NDArray

from cnn_course._widgets import quiet as _quiet
from cnn_course._validation import as_finite_array, as_int, as_pair, check_choice

__all__ = [
    "ConvolutionExplorer",
    "OPERATIONS",
    "PixelationExplorer",
    "Term",
    "WindowState",
    "convolution_explorer",
    "format_number",
    "pixelate",
    "pixelation_explorer",
    "render_state_html",
    "window_state",
]

#: The two operations the explorer can apply; cross-correlation is what deep-learning
#: libraries compute (and call convolution).
OPERATIONS: tuple[str, ...] = ("cross-correlation", "convolution")
#: Pooling summaries offered by the pixelation explorer.
POOL_MODES: tuple[str, ...] = ("max", "average")

#: Accent colour shared by the receptive field, the kernel frame and the current output cell.
ACCENT = "#e6550d"
#: Largest image side the sliding-window explorer accepts (the numbers must stay readable).
MAX_EXPLORER_SIDE = 64

Pair = int | tuple[int, int]


# ---------------------------------------------------------------------------------------
# Numbers
# ---------------------------------------------------------------------------------------


def format_number(value: float) -> str:
    """Format a number the way the explorers and charts print it: at most 3 decimals.

    Trailing zeros are dropped, and ``-0`` is printed as ``0``.

    Examples
    --------
    >>> [format_number(v) for v in (255.0, -1.0, 1 / 9, 28.33333, -0.0001, 1e6)]
    ['255', '-1', '0.111', '28.333', '0', '1000000']
    """
    text = np.format_float_positional(float(value), precision=3, unique=True, trim="-")
    return "0" if text in ("-0", "0.", "-0.") else text


# ---------------------------------------------------------------------------------------
# The pure part: one frame of the sliding-window explorer
# ---------------------------------------------------------------------------------------


class Term(NamedTuple):
    """One product of an output cell's sum: ``value * weight`` at ``(row, col)`` of the padded input."""

    row: int
    col: int
    value: float
    weight: float
    product: float


@dataclasses.dataclass(frozen=True, eq=False)
class WindowState:
    """Everything one frame of the sliding-window explorer shows.

    Build it with :func:`window_state`; move the window with :meth:`at`.

    Attributes
    ----------
    image : ndarray
        The input, before padding.
    padded : ndarray
        The zero-padded input the window slides over.
    kernel : ndarray
        The kernel as given.
    applied_kernel : ndarray
        The kernel the window actually multiplies by, cell by cell: ``kernel`` for a
        cross-correlation, ``kernel[::-1, ::-1]`` (flipped) for a convolution.
    operation : str
        ``"cross-correlation"`` or ``"convolution"``.
    stride, padding : (int, int)
        Along rows and columns.
    output : ndarray
        The whole output (feature) map.
    step : int
        Position of the window, counting output cells row by row from 0.
    cell : (int, int)
        The output cell (row, col) at this step.
    rows, cols : (int, int)
        The receptive field: rows ``rows[0]:rows[1]`` and columns ``cols[0]:cols[1]`` of
        ``padded``.
    terms : tuple of Term
        The products of the sum, kernel row by kernel row.
    total : float
        Their sum, equal (up to rounding) to ``output[cell]``.
    """

    image: NDArray[np.float64]
    padded: NDArray[np.float64]
    kernel: NDArray[np.float64]
    applied_kernel: NDArray[np.float64]
    operation: str
    stride: tuple[int, int]
    padding: tuple[int, int]
    output: NDArray[np.float64]
    step: int
    cell: tuple[int, int]
    rows: tuple[int, int]
    cols: tuple[int, int]
    terms: tuple[Term, ...]
    total: float

    @property
    def output_shape(self) -> tuple[int, int]:
        """Shape of the output map."""
        return self.output.shape  # type: ignore[return-value]

    @property
    def n_steps(self) -> int:
        """Number of window positions (output cells); steps run from 0 to ``n_steps - 1``."""
        return int(self.output.size)

    @property
    def value(self) -> float:
        """The output map's value at the current cell."""
        return float(self.output[self.cell])

    def is_padding(self, row: int, col: int) -> bool:
        """Whether cell (row, col) of ``padded`` is padding (not part of the image)."""
        (pr, pc), (h, w) = self.padding, self.image.shape
        return not (pr <= row < pr + h and pc <= col < pc + w)

    def at(self, step: int) -> WindowState:
        """The same image, kernel and output map, with the window at ``step``.

        Nothing is recomputed but the products of that one cell.
        """
        return _place_window(self, step)


def _place_window(state: WindowState, step: Any) -> WindowState:
    n = state.n_steps
    step = as_int(step, "step", 0)
    if step >= n:
        rows, cols = state.output_shape
        raise ValueError(f"step must be < {n} (the output has {rows} x {cols} cells), got {step}")
    i, j = divmod(step, state.output_shape[1])
    kh, kw = state.applied_kernel.shape
    r0, c0 = i * state.stride[0], j * state.stride[1]
    window = state.padded[r0 : r0 + kh, c0 : c0 + kw]
    products = window * state.applied_kernel
    terms = tuple(
        Term(r0 + m, c0 + n_, float(window[m, n_]), float(state.applied_kernel[m, n_]), float(products[m, n_]))
        for m in range(kh)
        for n_ in range(kw)
    )
    return dataclasses.replace(
        state,
        step=step,
        cell=(i, j),
        rows=(r0, r0 + kh),
        cols=(c0, c0 + kw),
        terms=terms,
        total=float(products.sum()),
    )


def window_state(
    image: ArrayLike,
    kernel: ArrayLike,
    *,
    step: int = 0,
    stride: Pair = 1,
    padding: Pair = 0,
    operation: str = "cross-correlation",
) -> WindowState:
    """Compute one frame of the sliding-window explorer.

    Parameters
    ----------
    image : array_like, 2-D
        Input, top row first.
    kernel : array_like, 2-D
        Weights, top row first.
    step : int
        Position of the window: the output cell ``divmod(step, output_cols)``.
    stride : int or (int, int)
        Step of the window along rows and columns (>= 1).
    padding : int or (int, int)
        Rows and columns of zeros added on each side (>= 0).
    operation : {"cross-correlation", "convolution"}
        Convolution multiplies by the flipped kernel (``applied_kernel``).

    Returns
    -------
    WindowState

    Examples
    --------
    >>> s = window_state([[1, 2, 3], [4, 5, 6]], [[1, 0], [0, -1]], step=1, operation="convolution")
    >>> s.applied_kernel
    array([[-1.,  0.],
           [ 0.,  1.]])
    >>> [t.product for t in s.terms], s.total, s.output
    ([-2.0, 0.0, 0.0, 6.0], 4.0, array([[4., 4.]]))
    """
    from cnn_course.convolution import convolve2d, cross_correlate2d

    image = as_finite_array(image, "image", 2)
    kernel = as_finite_array(kernel, "kernel", 2)
    operation = check_choice(operation, "operation", OPERATIONS)
    stride_pair = as_pair(stride, "stride", 1)
    pad_pair = as_pair(padding, "padding", 0)
    compute = convolve2d if operation == "convolution" else cross_correlate2d
    output = compute(image, kernel, stride=stride_pair, padding=pad_pair)
    padded = np.pad(image, ((pad_pair[0],) * 2, (pad_pair[1],) * 2))
    applied = kernel[::-1, ::-1].copy() if operation == "convolution" else kernel.copy()
    for array in (image, padded, kernel, applied, output):
        array.setflags(write=False)
    empty = WindowState(
        image=image,
        padded=padded,
        kernel=kernel,
        applied_kernel=applied,
        operation=operation,
        stride=stride_pair,
        padding=pad_pair,
        output=output,
        step=0,
        cell=(0, 0),
        rows=(0, 0),
        cols=(0, 0),
        terms=(),
        total=0.0,
    )
    return _place_window(empty, step)


# ---------------------------------------------------------------------------------------
# Rendering: inline SVG + HTML
# ---------------------------------------------------------------------------------------

_NEGATIVE = np.array([33, 102, 172], dtype=np.float64)  # blue
_POSITIVE = np.array([214, 96, 77], dtype=np.float64)  # red
_WHITE = np.array([255, 255, 255], dtype=np.float64)


def _hex(rgb: NDArray[np.float64]) -> list[str]:
    """Rows of (r, g, b) in 0..255 -> '#rrggbb' strings."""
    ints = np.clip(np.rint(rgb), 0, 255).astype(np.int64).reshape(-1, 3)
    return [f"#{r:02x}{g:02x}{b:02x}" for r, g, b in ints]


def grey_colors(values: NDArray[np.float64], lo: float, hi: float) -> tuple[list[str], NDArray[np.bool_]]:
    """Grey levels (lo = black, hi = white) as '#rrggbb', and which cells are dark."""
    span = hi - lo if hi > lo else 1.0
    t = np.clip((np.asarray(values, dtype=np.float64).ravel() - lo) / span, 0.0, 1.0)
    return _hex(np.repeat(t[:, None] * 255.0, 3, axis=1)), t < 0.5


def diverging_colors(values: NDArray[np.float64], limit: float | None = None) -> tuple[list[str], NDArray[np.bool_]]:
    """Blue (negative), white (zero), red (positive) as '#rrggbb', and which cells are dark."""
    v = np.asarray(values, dtype=np.float64).ravel()
    limit = float(np.abs(v).max()) if limit is None else float(limit)
    t = np.clip(v / limit, -1.0, 1.0) if limit > 0 else np.zeros_like(v)
    a = np.abs(t)[:, None]
    end = np.where(t[:, None] < 0, _NEGATIVE, _POSITIVE)
    return _hex(_WHITE + a * (end - _WHITE)), np.abs(t) > 0.6


_HATCH_ID = "cnnc-padding-hatch"
_HATCH_DEF = (
    f'<defs><pattern id="{_HATCH_ID}" width="6" height="6" patternUnits="userSpaceOnUse" '
    'patternTransform="rotate(45)"><rect width="6" height="6" fill="none"/>'
    '<line x1="0" y1="0" x2="0" y2="6" stroke="#6baed6" stroke-width="3"/></pattern></defs>'
)


def _svg_open(width: float, height: float, label: str) -> str:
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width:g}" height="{height:g}" '
        f'viewBox="0 0 {width:g} {height:g}" role="img" aria-label="{html.escape(label)}" '
        'style="display:block;font-family:DejaVu Sans Mono,Menlo,Consolas,monospace">'
    )


def _cells(fills: list[str], shape: tuple[int, int], px: float) -> str:
    cols = shape[1]
    return "".join(
        f'<rect x="{(k % cols) * px:g}" y="{(k // cols) * px:g}" width="{px:g}" height="{px:g}" fill="{f}"/>'
        for k, f in enumerate(fills)
    )


#: Drawn grids, keyed by (kind, id of the array, cell size): a step move redraws only the
#: window, not the hundreds of cells around it. Each entry keeps its array alive, so an id
#: cannot be reused while its entry exists.
_GRID_CACHE: OrderedDict[tuple, tuple[Any, tuple[str, NDArray[np.bool_]]]] = OrderedDict()


def _cached_grid(kind: str, array: NDArray[np.float64], px: float, make) -> tuple[str, NDArray[np.bool_]]:
    key = (kind, id(array), px)
    hit = _GRID_CACHE.get(key)
    if hit is not None and hit[0] is array:
        _GRID_CACHE.move_to_end(key)
        return hit[1]
    value = make()
    _GRID_CACHE[key] = (array, value)
    if len(_GRID_CACHE) > 64:
        _GRID_CACHE.popitem(last=False)
    return value


def _text(x: float, y: float, text: str, size: float, color: str, weight: str = "normal") -> str:
    return (
        f'<text x="{x:g}" y="{y:g}" font-size="{size:g}" fill="{color}" font-weight="{weight}" '
        f'text-anchor="middle" dominant-baseline="central">{html.escape(text)}</text>'
    )


def _outline(x: float, y: float, w: float, h: float, color: str = ACCENT, width: float = 3) -> str:
    return (
        f'<rect x="{x + width / 2:g}" y="{y + width / 2:g}" width="{w - width:g}" height="{h - width:g}" '
        f'fill="none" stroke="{color}" stroke-width="{width:g}"/>'
    )


def _cell_px(n_cols: int, budget: float, smallest: float, largest: float) -> float:
    return float(np.clip(np.floor(budget / max(n_cols, 1)), smallest, largest))


def _input_svg(state: WindowState, px: float) -> str:
    padded = state.padded
    h, w = padded.shape

    def draw() -> tuple[str, NDArray[np.bool_]]:
        lo = min(0.0, float(state.image.min()))
        hi = max(float(state.image.max()), lo + 1e-12)
        fills, dark = grey_colors(padded, lo, hi)
        return _cells(fills, (h, w), px), dark

    cells, dark = _cached_grid("input", padded, px, draw)
    parts = [_svg_open(w * px, h * px, "padded input"), _HATCH_DEF, cells]
    pr, pc = state.padding
    if pr or pc:  # hatch the padding: everything outside the image's rectangle
        ih, iw = state.image.shape
        rects = [(0, 0, w, pr), (0, pr + ih, w, pr), (0, pr, pc, ih), (pc + iw, pr, pc, ih)]
        parts += [
            f'<rect x="{x * px:g}" y="{y * px:g}" width="{rw * px:g}" height="{rh * px:g}" '
            f'fill="url(#{_HATCH_ID})"/>'
            for x, y, rw, rh in rects
            if rw and rh
        ]
        parts.append(_outline(pc * px, pr * px, iw * px, ih * px, "#6baed6", 1.5))
    if px >= 16:  # write the values under the window
        size = px * (0.36 if px < 24 else 0.32)
        for t in state.terms:
            k = t.row * w + t.col
            color = "#ffffff" if dark[k] else "#000000"
            parts.append(_text((t.col + 0.5) * px, (t.row + 0.5) * px, format_number(t.value), size, color))
    r0, c0 = state.rows[0], state.cols[0]
    kh, kw = state.applied_kernel.shape
    parts.append(_outline(c0 * px, r0 * px, kw * px, kh * px, ACCENT, min(3.0, max(1.5, px / 6))))
    parts.append("</svg>")
    return "".join(parts)


def _kernel_svg(state: WindowState, px: float) -> str:
    k = state.applied_kernel
    h, w = k.shape
    fills, dark = diverging_colors(k)
    parts = [_svg_open(w * px, h * px, "kernel"), _cells(fills, (h, w), px)]
    for idx, weight in enumerate(k.ravel()):
        color = "#ffffff" if dark[idx] else "#000000"
        text = format_number(weight)
        size = min(px * 0.34, 1.6 * px / max(len(text), 1))
        parts.append(_text((idx % w + 0.5) * px, (idx // w + 0.5) * px, text, size, color))
    parts.append(_outline(0, 0, w * px, h * px))
    parts.append("</svg>")
    return "".join(parts)


def _output_svg(state: WindowState, px: float) -> str:
    out = state.output
    h, w = out.shape

    def draw() -> tuple[str, NDArray[np.bool_]]:
        fills, dark = diverging_colors(out)
        return _cells(fills, (h, w), px), dark

    cells, dark = _cached_grid("output", out, px, draw)
    i, j = state.cell
    parts = [_svg_open(w * px, h * px, "output feature map"), cells, _outline(0, 0, w * px, h * px, "#bbbbbb", 1)]
    if px >= 16:
        color = "#ffffff" if dark[i * w + j] else "#000000"
        text = format_number(state.value)
        size = min(px * 0.45, 1.7 * px / max(len(text), 1))
        parts.append(_text((j + 0.5) * px, (i + 0.5) * px, text, size, color, "bold"))
    parts.append(_outline(j * px, i * px, px, px, ACCENT, min(3.0, max(1.5, px / 6))))
    parts.append("</svg>")
    return "".join(parts)


def _arithmetic(state: WindowState) -> str:
    kh, kw = state.applied_kernel.shape
    values = [format_number(t.value) for t in state.terms]
    weights = [format_number(t.weight) for t in state.terms]
    vw, ww = max(map(len, values)), max(map(len, weights))
    lines = []
    for m in range(kh):
        row = [f"{values[m * kw + n]:>{vw}} × {weights[m * kw + n]:<{ww}}" for n in range(kw)]
        lines.append(("  " if m == 0 else "+ ") + "  +  ".join(row))
    i, j = state.cell
    total = format_number(state.total)
    head = f"output[{i}, {j}] ="
    return (
        f'<pre style="margin:4px 0;font-size:13px;line-height:1.45;color:inherit;background:none">'
        f"{html.escape(head)}\n{html.escape(chr(10).join(lines))}\n"
        f'= <b style="color:{ACCENT}">{html.escape(total)}</b></pre>'
    )


def _size_formula(n: int, k: int, p: int, s: int) -> str:
    out = (n + 2 * p - k) // s + 1
    return f"({n} + 2×{p} − {k}) // {s} + 1 = {out}"


def render_state_html(state: WindowState, *, width: int = 360) -> str:
    """Draw one frame of the sliding-window explorer as HTML with inline SVG.

    Shows the padded input (padding hatched in blue, the receptive field outlined in
    orange, its values written in its cells), the kernel actually applied with its
    weights, the output map with the current cell outlined, and the arithmetic of that
    cell: each ``value × weight`` and their sum.

    Parameters
    ----------
    state : WindowState
        From :func:`window_state`.
    width : int
        Approximate width in pixels of the input grid (cells are 10 to 28 pixels wide).

    Returns
    -------
    str
        An HTML fragment (no scripts), for an ``ipywidgets.HTML`` or ``IPython.display.HTML``.

    Examples
    --------
    >>> html = render_state_html(window_state([[1, 2], [3, 4]], [[1, 0], [0, 2]]))
    >>> "1 × 1" in html and "4 × 2" in html and "<b" in html
    True
    """
    if not isinstance(state, WindowState):
        raise TypeError(f"state must be a WindowState (from window_state()), got {type(state).__name__}")
    ph, pw = state.padded.shape
    ih, iw = state.image.shape
    kh, kw = state.applied_kernel.shape
    oh, ow = state.output_shape
    (sr, sc), (pr, pc) = state.stride, state.padding
    in_px = _cell_px(pw, width, 8, 28)
    out_px = _cell_px(ow, width * 0.8, 8, 28)
    k_px = 42.0 if max(kh, kw) <= 5 else _cell_px(kw, 210, 14, 42)
    flipped = state.operation == "convolution"
    kernel_caption = (
        "kernel, <b>flipped</b> (convolution: K[::-1, ::-1])" if flipped else "kernel (cross-correlation: as is)"
    )
    padding_note = f", padding {pr}" + ("" if pr == pc else f"×{pc}") + " (hatched: zeros)" if (pr or pc) else ""
    stride_text = f"{sr}" if sr == sc else f"{sr}×{sc}"
    fig = 'style="margin:0 16px 8px 0"'
    cap = 'style="font-size:12px;margin-bottom:4px"'
    i, j = state.cell
    parts = [
        '<div class="cnn-course-explorer" style="font-family:system-ui,-apple-system,Segoe UI,sans-serif;'
        'font-size:13px;line-height:1.35">',
        f'<div style="margin-bottom:6px">step {state.step + 1} of {state.n_steps}: output cell '
        f'<b style="color:{ACCENT}">({i}, {j})</b> sees rows {state.rows[0]}–{state.rows[1] - 1} and columns '
        f"{state.cols[0]}–{state.cols[1] - 1} of the padded input; stride {stride_text}.</div>",
        '<div style="display:flex;flex-wrap:wrap;align-items:flex-start">',
        f'<figure {fig}><figcaption {cap}>input {ih}×{iw}{padding_note}</figcaption>{_input_svg(state, in_px)}</figure>',
        f'<figure {fig}><figcaption {cap}>{kernel_caption}</figcaption>{_kernel_svg(state, k_px)}'
        f"{_arithmetic(state)}</figure>",
        f'<figure {fig}><figcaption {cap}>output {oh}×{ow}</figcaption>{_output_svg(state, out_px)}'
        f'<div style="font-size:11px;margin-top:4px;color:#555">rows: {_size_formula(ih, kh, pr, sr)}<br>'
        f"cols: {_size_formula(iw, kw, pc, sc)}</div></figure>",
        "</div></div>",
    ]
    return "".join(parts)


# ---------------------------------------------------------------------------------------
# Widgets: the sliding-window explorer
# ---------------------------------------------------------------------------------------

_CUSTOM = "custom"
_YOUR_IMAGE = "your image"




class ConvolutionExplorer(widgets.VBox):
    """The sliding-window explorer: an ipywidgets ``VBox`` with an :meth:`update` method.

    Controls: input image, kernel preset (or ``"custom"``, which enables a 3x3 grid of
    weights), operation, stride (1..3), padding (0..2), the window's step (with a play
    button). Build it with :func:`convolution_explorer`.

    Attributes
    ----------
    state : WindowState
        The frame on show.
    html : ipywidgets.HTML
        Where the frame is drawn.
    """

    CONTROLS = ("image", "kernel", "weights", "operation", "stride", "padding", "step")

    def __init__(
        self,
        image: str | ArrayLike | None = None,
        kernel: str | ArrayLike | None = None,
        *,
        size: int = 14,
        operation: str = "cross-correlation",
        stride: int = 1,
        padding: int = 0,
        width: int = 360,
    ) -> None:
        from cnn_course import images

        self._busy = True
        self._size = as_int(size, "size", images.MIN_SIDE)
        if self._size > MAX_EXPLORER_SIDE:
            raise ValueError(f"size must be at most {MAX_EXPLORER_SIDE} (the numbers must stay readable), got {size}")
        self._width = as_int(width, "width", 100)
        self._custom_image: NDArray[np.float64] | None = None
        self._cache: OrderedDict[tuple, WindowState] = OrderedDict()

        image_options = list(images.list_images())
        image_value = "digit-seven"
        if isinstance(image, str):
            image_value = check_choice(image, "image", image_options)
        elif image is not None:
            self._custom_image = self._check_image(image)
            image_options.insert(0, _YOUR_IMAGE)
            image_value = _YOUR_IMAGE

        kernel_options = [*images.KERNELS, _CUSTOM]
        kernel_value = "vertical edge (Sobel x)"
        weights = images.kernel(kernel_value)
        if isinstance(kernel, str):
            kernel_value = check_choice(kernel, "kernel", kernel_options)
            if kernel_value != _CUSTOM:
                weights = images.kernel(kernel_value)
        elif kernel is not None:
            weights = self._check_weights(kernel, "kernel")
            kernel_value = _CUSTOM

        desc = {"description_width": "70px"}
        self.image_dropdown = widgets.Dropdown(options=image_options, value=image_value, description="input", style=desc)
        self.kernel_dropdown = widgets.Dropdown(options=kernel_options, value=kernel_value, description="kernel", style=desc)
        self.operation_buttons = widgets.ToggleButtons(
            options=list(OPERATIONS), value=check_choice(operation, "operation", OPERATIONS), description="operation",
            style={**desc, "button_width": "130px"},
        )
        self.stride_slider = widgets.IntSlider(value=1, min=1, max=3, description="stride", style=desc)
        self.padding_slider = widgets.IntSlider(value=0, min=0, max=2, description="padding", style=desc)
        self.stride_slider.value = as_int(stride, "stride", 1)
        self.padding_slider.value = as_int(padding, "padding", 0)
        if self.stride_slider.value != stride or self.padding_slider.value != padding:
            raise ValueError(f"stride must be in 1..3 and padding in 0..2, got stride={stride}, padding={padding}")
        self.step_slider = widgets.IntSlider(value=0, min=0, max=0, description="step", style=desc,
                                             continuous_update=True)
        self.play = widgets.Play(value=0, min=0, max=0, step=1, interval=700, description="play")
        self._link = widgets.jslink((self.play, "value"), (self.step_slider, "value"))
        self.weight_boxes = [
            widgets.FloatText(value=float(w), step=0.1, layout=widgets.Layout(width="72px")) for w in weights.ravel()
        ]
        self.weights_grid = widgets.GridBox(
            self.weight_boxes,
            layout=widgets.Layout(grid_template_columns="repeat(3, 76px)", grid_gap="2px", margin="0 0 0 76px"),
        )
        self.html = widgets.HTML()

        for name, control in (
            ("image", self.image_dropdown),
            ("kernel", self.kernel_dropdown),
            ("operation", self.operation_buttons),
            ("stride", self.stride_slider),
            ("padding", self.padding_slider),
            ("step", self.step_slider),
        ):
            control.observe(self._observer(name), names="value")
        for box in self.weight_boxes:
            box.observe(self._observer("weights"), names="value")

        super().__init__(
            children=[
                widgets.HBox([self.image_dropdown, self.kernel_dropdown]),
                self.weights_grid,
                self.operation_buttons,
                widgets.HBox([self.stride_slider, self.padding_slider]),
                widgets.HBox([self.play, self.step_slider]),
                self.html,
            ]
        )
        self._busy = False
        self._load_image()
        self._refresh(set(self.CONTROLS))

    # -- checks ---------------------------------------------------------------------------

    @staticmethod
    def _check_image(image: ArrayLike) -> NDArray[np.float64]:
        array = as_finite_array(image, "image", 2)
        if max(array.shape) > MAX_EXPLORER_SIDE:
            raise ValueError(
                f"image must be at most {MAX_EXPLORER_SIDE}x{MAX_EXPLORER_SIDE} for the explorer "
                f"(the numbers must stay readable), got shape {array.shape}: crop or downsample it"
            )
        if min(array.shape) < 3:
            raise ValueError(f"image must be at least 3x3 for a 3x3 kernel, got shape {array.shape}")
        return array

    @staticmethod
    def _check_weights(weights: ArrayLike, name: str) -> NDArray[np.float64]:
        array = as_finite_array(weights, name, 2)
        if array.shape != (3, 3):
            raise ValueError(f"{name} must be a 3x3 array for the explorer, got shape {array.shape}")
        return array

    # -- callbacks -------------------------------------------------------------------------

    def _observer(self, name: str):
        def callback(change: dict) -> None:
            if not self._busy:
                self._refresh({name})

        return callback

    def _load_image(self) -> None:
        from cnn_course import images

        name = self.image_dropdown.value
        if name == _YOUR_IMAGE:
            self._image = self._custom_image
        else:
            self._image = images.load_image(name, self._size)

    def _kernel(self) -> NDArray[np.float64]:
        return np.array([box.value for box in self.weight_boxes], dtype=np.float64).reshape(3, 3)

    @property
    def kernel(self) -> NDArray[np.float64]:
        """The 3x3 kernel in use (a copy), as given (before any flip)."""
        return self._kernel()

    def _show_weights(self, weights: NDArray[np.float64]) -> None:
        with _quiet(self):
            for box, w in zip(self.weight_boxes, weights.ravel()):
                box.value = float(w)

    def _refresh(self, changed: set[str]) -> str:
        from cnn_course import images

        if "image" in changed:
            self._load_image()
        if "kernel" in changed:
            preset = self.kernel_dropdown.value
            if preset != _CUSTOM:
                self._show_weights(images.KERNELS[preset])
            custom = preset == _CUSTOM
            for box in self.weight_boxes:
                box.disabled = not custom
        if "weights" in changed and "kernel" not in changed and self.kernel_dropdown.value != _CUSTOM:
            with _quiet(self):  # typing a weight turns the kernel into a custom one
                self.kernel_dropdown.value = _CUSTOM
            for box in self.weight_boxes:
                box.disabled = False
        if changed - {"step"}:
            self._base = self._compute()
            last = self._base.n_steps - 1
            with _quiet(self):
                if self.step_slider.value > last:
                    self.step_slider.value = last
                self.step_slider.max = last
                self.play.max = last
                if self.play.value > last:
                    self.play.value = last
        self.state = self._base.at(self.step_slider.value)
        self.html.value = render_state_html(self.state, width=self._width)
        return self.html.value

    def _compute(self) -> WindowState:
        """The state at step 0, with its output map: cached, so toggling back is instant."""
        kernel = self._kernel()
        key = (
            self.image_dropdown.value,
            kernel.tobytes(),
            self.operation_buttons.value,
            self.stride_slider.value,
            self.padding_slider.value,
        )
        if self.image_dropdown.value == _YOUR_IMAGE:
            key += (id(self._custom_image),)
        state = self._cache.get(key)
        if state is None:
            state = window_state(
                self._image,
                kernel,
                step=0,
                stride=self.stride_slider.value,
                padding=self.padding_slider.value,
                operation=self.operation_buttons.value,
            )
            self._cache[key] = state
            if len(self._cache) > 32:
                self._cache.popitem(last=False)
        else:
            self._cache.move_to_end(key)
        return state

    def update(self, **changes: Any) -> str:
        """Change controls, as a learner would, and return the newly rendered HTML.

        This is the explorer's callback: moving a widget calls it with that one change.
        Only what depends on the change is recomputed: a step move reuses the cached
        output map and only redraws.

        Parameters
        ----------
        **changes
            Any of ``image`` (a name from :func:`cnn_course.images.list_images`, or a 2-D
            array), ``kernel`` (a preset name, ``"custom"``, or a 3x3 array), ``weights``
            (a 3x3 array: sets the custom kernel), ``operation``, ``stride`` (1..3),
            ``padding`` (0..2) and ``step`` (0 .. number of output cells - 1, checked after
            the other changes).

        Returns
        -------
        str
            The HTML now on show (also in ``self.html.value``).
        """
        from cnn_course import images

        unknown = set(changes) - set(self.CONTROLS)
        if unknown:
            raise TypeError(
                f"update() got unexpected keyword(s) {sorted(unknown)}; expected some of {list(self.CONTROLS)}"
            )
        changed = set(changes)
        with _quiet(self):
            if "image" in changes:
                value = changes["image"]
                if isinstance(value, str):
                    check_choice(value, "image", list(self.image_dropdown.options))
                    self.image_dropdown.value = value
                else:
                    self._custom_image = self._check_image(value)
                    if _YOUR_IMAGE not in self.image_dropdown.options:
                        self.image_dropdown.options = [_YOUR_IMAGE, *self.image_dropdown.options]
                    self.image_dropdown.value = _YOUR_IMAGE
            if "kernel" in changes:
                value = changes["kernel"]
                if isinstance(value, str):
                    self.kernel_dropdown.value = check_choice(value, "kernel", [*images.KERNELS, _CUSTOM])
                else:
                    self._show_weights(self._check_weights(value, "kernel"))
                    self.kernel_dropdown.value = _CUSTOM
            if "weights" in changes:
                self._show_weights(self._check_weights(changes["weights"], "weights"))
                self.kernel_dropdown.value = _CUSTOM
                changed.add("kernel")
            if "operation" in changes:
                self.operation_buttons.value = check_choice(changes["operation"], "operation", OPERATIONS)
            for name, slider in (("stride", self.stride_slider), ("padding", self.padding_slider)):
                if name in changes:
                    value = as_int(changes[name], name, slider.min)
                    if value > slider.max:
                        raise ValueError(f"{name} must be <= {slider.max}, got {value}")
                    slider.value = value
        if changed - {"step"}:
            self._refresh(changed - {"step"})
        if "step" in changes:
            step = as_int(changes["step"], "step", 0)
            if step > self.step_slider.max:
                raise ValueError(
                    f"step must be <= {self.step_slider.max} (the output has {self._base.n_steps} cells), got {step}"
                )
            with _quiet(self):
                self.step_slider.value = step
            return self._refresh({"step"})
        return self.html.value


def convolution_explorer(
    image: str | ArrayLike | None = None,
    kernel: str | ArrayLike | None = None,
    *,
    size: int = 14,
    operation: str = "cross-correlation",
    stride: int = 1,
    padding: int = 0,
) -> ConvolutionExplorer:
    """Build the sliding-window explorer (an ipywidgets box; display it as a cell's last line).

    Parameters
    ----------
    image : str or array_like, optional
        A name from :func:`cnn_course.images.list_images` (default ``"digit-seven"``) or
        your own 2-D array (at most 64x64).
    kernel : str or array_like, optional
        A preset from :data:`cnn_course.images.KERNELS` (default
        ``"vertical edge (Sobel x)"``) or your own 3x3 array (shown as ``"custom"``).
    size : int
        Side of the named images (default 14: small enough to read every number).
    operation, stride, padding
        Initial settings of the controls.

    Returns
    -------
    ConvolutionExplorer
        An ``ipywidgets.VBox``; its ``update(**changes)`` method is the callback.

    Examples
    --------
    >>> explorer = convolution_explorer("cross", size=8)
    >>> explorer.step_slider.max      # a 3x3 kernel fits 6 x 6 times in 8 x 8
    35
    >>> html = explorer.update(stride=2)
    >>> explorer.step_slider.max
    8
    """
    return ConvolutionExplorer(image, kernel, size=size, operation=operation, stride=stride, padding=padding)


# ---------------------------------------------------------------------------------------
# The pixelation explorer
# ---------------------------------------------------------------------------------------


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
    from cnn_course.pooling import avg_pool2d, max_pool2d

    image = as_finite_array(image, "image", 2)
    size = as_int(size, "size", 1)
    mode = check_choice(mode, "mode", POOL_MODES)
    if size > min(image.shape):
        raise ValueError(f"size must be at most the image's smaller side ({min(image.shape)}), got {size}")
    pool = max_pool2d if mode == "max" else avg_pool2d
    return pool(image, size)


def _png(array: NDArray[np.float64], scale: int, covered: tuple[int, int] | None = None) -> bytes:
    """Grey-level PNG of ``array`` (0..255), each cell ``scale`` pixels; cells beyond
    ``covered`` (rows, cols) are tinted to show they were dropped."""
    from PIL import Image

    grey = np.clip(np.rint(array), 0, 255).astype(np.uint8)
    rgb = np.repeat(grey[:, :, None], 3, axis=2)
    if covered is not None:
        rows, cols = covered
        tint = np.array([230, 140, 120], dtype=np.float64)
        for region in (rgb[rows:, :], rgb[:rows, cols:]):
            region[...] = np.rint(0.35 * region + 0.65 * tint).astype(np.uint8)
    picture = Image.fromarray(rgb, "RGB")
    if scale > 1:
        picture = picture.resize((array.shape[1] * scale, array.shape[0] * scale), Image.Resampling.NEAREST)
    buffer = io.BytesIO()
    picture.save(buffer, format="PNG", compress_level=1)
    return buffer.getvalue()


class PixelationExplorer(widgets.VBox):
    """Pool an image with a growing window and see the resolution drop; an ipywidgets ``VBox``.

    Build it with :func:`pixelation_explorer`; :meth:`update` is its callback.
    """

    def __init__(self, image: str | ArrayLike | None = None, *, image_size: int = 96, display_px: int = 288) -> None:
        from cnn_course import images

        self._busy = True
        self._image_size = as_int(image_size, "image_size", images.MIN_SIDE)
        self._display_px = as_int(display_px, "display_px", 32)
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
        for name, control in (("image", self.image_dropdown), ("size", self.size_slider), ("mode", self.mode_dropdown)):
            control.observe(self._observer(name), names="value")
        label = widgets.Layout(margin="0 12px 0 0")
        super().__init__(
            children=[
                widgets.HBox([self.image_dropdown, self.mode_dropdown]),
                self.size_slider,
                widgets.HBox(
                    [
                        widgets.VBox([widgets.HTML("original"), self.original], layout=label),
                        widgets.VBox([widgets.HTML("pooled"), self.pooled]),
                    ]
                ),
                self.caption,
            ]
        )
        self._busy = False
        self._load()
        self.update()

    def _observer(self, name: str):
        def callback(change: dict) -> None:
            if self._busy:
                return
            if name == "image":
                self._load()
            self._render()

        return callback

    def _load(self) -> None:
        from cnn_course import images

        name = self.image_dropdown.value
        image = self._custom_image if name == _YOUR_IMAGE else images.load_image(name, self._image_size)
        self._image = image
        scale = max(1, self._display_px // max(image.shape))
        self._scale = scale
        self.original.value = _png(image, scale)
        self.size_slider.max = max(1, min(16, min(image.shape)))

    def _render(self) -> NDArray[np.float64]:
        size, mode = self.size_slider.value, self.mode_dropdown.value
        pooled = pixelate(self._image, size, mode)
        blocks = np.repeat(np.repeat(pooled, size, axis=0), size, axis=1)
        shown = self._image.copy()
        rows, cols = blocks.shape
        shown[:rows, :cols] = blocks
        dropped = (rows, cols) != self._image.shape
        self.pooled.value = _png(shown, self._scale, (rows, cols) if dropped else None)
        h, w = self._image.shape
        note = (
            f" The last {h - rows} row(s) and {w - cols} column(s) do not fill a window: pooling drops them "
            "(tinted)."
            if dropped
            else ""
        )
        self.caption.value = (
            f"{mode} pooling, {size}×{size} windows, stride {size}: {h}×{w} pixels → "
            f"<b>{pooled.shape[0]}×{pooled.shape[1]}</b> ({pooled.size} values instead of {h * w}).{note}"
        )
        self.pooled_array = pooled
        return pooled

    def update(self, *, size: int | None = None, mode: str | None = None, image: str | ArrayLike | None = None):
        """Change controls and redraw; return the pooled array (at its own, lower, resolution).

        Parameters
        ----------
        size : int, optional
            Pool size (1..16, at most the image's side).
        mode : {"max", "average"}, optional
        image : str or array_like, optional
            A name from :func:`cnn_course.images.list_images` or a 2-D array.
        """
        with _quiet(self):
            if image is not None:
                if isinstance(image, str):
                    self.image_dropdown.value = check_choice(image, "image", list(self.image_dropdown.options))
                else:
                    self._custom_image = as_finite_array(image, "image", 2)
                    if _YOUR_IMAGE not in self.image_dropdown.options:
                        self.image_dropdown.options = [_YOUR_IMAGE, *self.image_dropdown.options]
                    self.image_dropdown.value = _YOUR_IMAGE
                self._load()
            if mode is not None:
                self.mode_dropdown.value = check_choice(mode, "mode", POOL_MODES)
            if size is not None:
                size = as_int(size, "size", 1)
                if size > self.size_slider.max:
                    raise ValueError(f"size must be <= {self.size_slider.max}, got {size}")
                self.size_slider.value = size
        return self._render()


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
    >>> explorer.update(size=4).shape
    (4, 4)
    """
    return PixelationExplorer(image, image_size=image_size)
