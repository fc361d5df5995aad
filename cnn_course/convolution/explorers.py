"""The convolution chapter's ipywidgets explorer: slide a kernel over an image.

A thin ipywidgets layer over pure functions, which is what the tests exercise:

* :func:`~cnn_course.convolution.window.window_state` (science) computes one frame: the
  padded input, the kernel applied, the output map, the current cell and its products.
* :func:`render_state_html` draws a state as inline SVG and HTML (no matplotlib): the
  padded input with the receptive field outlined and the padding hatched, the kernel with
  its weights, the output map with the current cell outlined, and the arithmetic of that
  cell written out.
* :func:`convolution_explorer` builds the widget, a :class:`ConvolutionExplorer` (a
  :class:`cnn_course.viz.widgets.Explorer`): its one update path,
  :meth:`ConvolutionExplorer.update`, returns a :class:`ConvolutionView` and can also be
  called directly, e.g. to benchmark it.

Examples
--------
>>> import numpy as np
>>> from cnn_course.convolution.window import window_state
>>> html = render_state_html(window_state(np.arange(16.0).reshape(4, 4), np.ones((3, 3)), step=1))
>>> "output[0, 1] =" in html
True
"""

from __future__ import annotations

import html
from collections import OrderedDict
from dataclasses import dataclass
from typing import Any

import ipywidgets as widgets
import numpy as np
from numpy.typing import ArrayLike, NDArray

from cnn_course._validation import as_finite_array, as_int, check_choice
from cnn_course.convolution.window import OPERATIONS, WindowState, window_state
from cnn_course.viz.html import svg_open, svg_outline, svg_text
from cnn_course.viz.style import ACCENT, format_number
from cnn_course.viz.widgets import Explorer, View, quiet

__all__ = [
    "ConvolutionExplorer",
    "ConvolutionView",
    "convolution_explorer",
    "render_state_html",
]

#: Largest image side the sliding-window explorer accepts (the numbers must stay readable).
MAX_EXPLORER_SIDE = 64


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
    parts = [svg_open(w * px, h * px, "padded input"), _HATCH_DEF, cells]
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
        parts.append(svg_outline(pc * px, pr * px, iw * px, ih * px, "#6baed6", 1.5))
    if px >= 16:  # write the values under the window
        size = px * (0.36 if px < 24 else 0.32)
        for t in state.terms:
            k = t.row * w + t.col
            color = "#ffffff" if dark[k] else "#000000"
            parts.append(svg_text((t.col + 0.5) * px, (t.row + 0.5) * px, format_number(t.value), size, color))
    r0, c0 = state.rows[0], state.cols[0]
    kh, kw = state.applied_kernel.shape
    parts.append(svg_outline(c0 * px, r0 * px, kw * px, kh * px, ACCENT, min(3.0, max(1.5, px / 6))))
    parts.append("</svg>")
    return "".join(parts)


def _kernel_svg(state: WindowState, px: float) -> str:
    k = state.applied_kernel
    h, w = k.shape
    fills, dark = diverging_colors(k)
    parts = [svg_open(w * px, h * px, "kernel"), _cells(fills, (h, w), px)]
    for idx, weight in enumerate(k.ravel()):
        color = "#ffffff" if dark[idx] else "#000000"
        text = format_number(weight)
        size = min(px * 0.34, 1.6 * px / max(len(text), 1))
        parts.append(svg_text((idx % w + 0.5) * px, (idx // w + 0.5) * px, text, size, color))
    parts.append(svg_outline(0, 0, w * px, h * px))
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
    parts = [svg_open(w * px, h * px, "output feature map"), cells, svg_outline(0, 0, w * px, h * px, "#bbbbbb", 1)]
    if px >= 16:
        color = "#ffffff" if dark[i * w + j] else "#000000"
        text = format_number(state.value)
        size = min(px * 0.45, 1.7 * px / max(len(text), 1))
        parts.append(svg_text((j + 0.5) * px, (i + 0.5) * px, text, size, color, "bold"))
    parts.append(svg_outline(j * px, i * px, px, px, ACCENT, min(3.0, max(1.5, px / 6))))
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


@dataclass(frozen=True)
class ConvolutionView(View):
    """What the sliding-window explorer shows: its HTML and the frame drawn.

    Attributes
    ----------
    html : str
        The frame as HTML (:func:`render_state_html`).
    state : WindowState
        The frame: the output map, the current cell, its products and their sum.
    """

    state: WindowState


class ConvolutionExplorer(Explorer):
    """The sliding-window explorer: an ipywidgets ``VBox`` (a :class:`~cnn_course.viz.widgets.Explorer`).

    Controls: input image, kernel preset (or ``"custom"``, which enables a 3x3 grid of
    weights), operation, stride (1..3), padding (0..2), the window's step (with a play
    button). Build it with :func:`convolution_explorer`; :meth:`update` is its one update
    path.

    Attributes
    ----------
    view : ConvolutionView
        What is on show.
    state : WindowState
        The frame on show (``view.state``).
    html : ipywidgets.HTML
        Where the frame is drawn (the explorer's ``output``).
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
        self._requested_step: int | None = None

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
        for box in self.weight_boxes:  # the nine boxes are one control, "weights"
            box.observe(self._on_weight_change, names="value")

        controls = {
            "image": self.image_dropdown,
            "kernel": self.kernel_dropdown,
            "operation": self.operation_buttons,
            "stride": self.stride_slider,
            "padding": self.padding_slider,
            "step": self.step_slider,
        }
        rows = [
            widgets.HBox([self.image_dropdown, self.kernel_dropdown]),
            self.weights_grid,
            self.operation_buttons,
            widgets.HBox([self.stride_slider, self.padding_slider]),
            widgets.HBox([self.play, self.step_slider]),
        ]
        self._layout(controls, rows=rows, output=self.html)

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

    # -- the Explorer hooks -----------------------------------------------------------------

    def _controls(self) -> dict[str, Any]:
        """The names :meth:`update` accepts; ``"weights"`` stands for the grid of nine boxes."""
        controls = super()._controls()
        if not controls:  # before _layout
            return controls
        return {name: self.weights_grid if name == "weights" else controls[name] for name in self.CONTROLS}

    def _set(self, name: str, value: Any) -> None:
        """Check and set one control for :meth:`update` (observers are quiet meanwhile)."""
        from cnn_course import images

        if name == "image":
            if isinstance(value, str):
                check_choice(value, "image", list(self.image_dropdown.options))
                self.image_dropdown.value = value
            else:
                self._custom_image = self._check_image(value)
                if _YOUR_IMAGE not in self.image_dropdown.options:
                    self.image_dropdown.options = [_YOUR_IMAGE, *self.image_dropdown.options]
                self.image_dropdown.value = _YOUR_IMAGE
        elif name == "kernel":
            if isinstance(value, str):
                self.kernel_dropdown.value = check_choice(value, "kernel", [*images.KERNELS, _CUSTOM])
            else:
                self._show_weights(self._check_weights(value, "kernel"))
                self.kernel_dropdown.value = _CUSTOM
        elif name == "weights":
            self._show_weights(self._check_weights(value, "weights"))
            self.kernel_dropdown.value = _CUSTOM
        elif name == "operation":
            self.operation_buttons.value = check_choice(value, "operation", OPERATIONS)
        elif name in ("stride", "padding"):
            slider = self.stride_slider if name == "stride" else self.padding_slider
            value = as_int(value, name, slider.min)
            if value > slider.max:
                raise ValueError(f"{name} must be <= {slider.max}, got {value}")
            slider.value = value
        else:  # "step": checked by _compute, against the output size the other changes give
            self._requested_step = as_int(value, "step", 0)

    def _on_weight_change(self, change: Any) -> None:
        """Observer of the weight boxes: a learner typing a weight."""
        if not self._busy:
            self.changed = frozenset({"weights"})
            self._show()

    # -- callbacks -------------------------------------------------------------------------

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
        with quiet(self):
            for box, w in zip(self.weight_boxes, weights.ravel()):
                box.value = float(w)

    def _compute(self) -> ConvolutionView:
        """Recompute what the changed controls touch (a step move only redraws) and draw the frame."""
        from cnn_course import images

        changed = self.changed
        step, self._requested_step = self._requested_step, None
        if "image" in changed:
            self._load_image()
        if "kernel" in changed and self.kernel_dropdown.value != _CUSTOM:
            self._show_weights(images.KERNELS[self.kernel_dropdown.value])
        if "weights" in changed and "kernel" not in changed and self.kernel_dropdown.value != _CUSTOM:
            with quiet(self):  # typing a weight turns the kernel into a custom one
                self.kernel_dropdown.value = _CUSTOM
        if changed & {"kernel", "weights"}:
            custom = self.kernel_dropdown.value == _CUSTOM
            for box in self.weight_boxes:
                box.disabled = not custom
        if changed - {"step"}:
            self._base = self._frame_zero()
            last = self._base.n_steps - 1
            with quiet(self):
                if self.step_slider.value > last:
                    self.step_slider.value = last
                self.step_slider.max = last
                self.play.max = last
                if self.play.value > last:
                    self.play.value = last
        if step is not None:
            if step > self.step_slider.max:
                if changed - {"step"}:  # show the other changes, as they were made
                    self.view = self._draw()
                    self.html.value = self.view.html
                raise ValueError(
                    f"step must be <= {self.step_slider.max} (the output has {self._base.n_steps} cells), got {step}"
                )
            with quiet(self):
                self.step_slider.value = step
        return self._draw()

    def _draw(self) -> ConvolutionView:
        """The frame at the step slider's position (the output map is not recomputed)."""
        self.state = self._base.at(self.step_slider.value)
        return ConvolutionView(html=render_state_html(self.state, width=self._width), state=self.state)

    def _frame_zero(self) -> WindowState:
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

    def update(self, **changes: Any) -> ConvolutionView:
        """Change controls, as a learner would, and return the new view.

        Moving a widget ends here too (with that one change). Only what depends on the
        changes is recomputed, once: a step move reuses the cached output map and only
        redraws.

        Parameters
        ----------
        **changes
            Any of ``image`` (a name from :func:`cnn_course.images.list_images`, or a 2-D
            array), ``kernel`` (a preset name, ``"custom"``, or a 3x3 array), ``weights``
            (a 3x3 array: sets the custom kernel), ``operation``, ``stride`` (1..3),
            ``padding`` (0..2) and ``step`` (0 .. number of output cells - 1, checked after
            the other changes). They are applied in that order.

        Returns
        -------
        ConvolutionView
            Its ``html`` is on show (also in ``self.html.value``), its ``state`` is the frame.
        """
        if len(changes) > 1:
            order = {name: k for k, name in enumerate(self.CONTROLS)}
            changes = dict(sorted(changes.items(), key=lambda item: order.get(item[0], len(order))))
        return super().update(**changes)  # type: ignore[return-value]


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
    >>> view = explorer.update(stride=2)
    >>> explorer.step_slider.max, view.state.output_shape
    (8, (3, 3))
    """
    return ConvolutionExplorer(image, kernel, size=size, operation=operation, stride=stride, padding=padding)
