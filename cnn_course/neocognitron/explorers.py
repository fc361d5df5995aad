"""An ipywidgets explorer of the chapter "The Neocognitron", for live notebooks.

A thin layer over pure functions, which is what the tests exercise:

* :func:`neocognitron_view` computes everything one frame shows: a test digit moved by
  ``(dx, dy)`` pixels and with Gaussian noise added, every S- and C-layer of the model for
  it, both models' answers, and how much the input and each layer changed from the
  untouched digit; it returns a :class:`NeocognitronView` (a
  :class:`cnn_course.viz.widgets.View`) with its HTML.
* :func:`render_view_html` draws it as HTML: the input and each layer's planes as PNG
  tiles (responses dark to bright, the colours of :mod:`cnn_course.neocognitron.charts`),
  the answers and the changes in words.
* :func:`neocognitron_explorer` builds the widgets (sliders for the digit, the shift and
  the noise, a choice of layers): a :class:`NeocognitronExplorer`, an
  :class:`~cnn_course.viz.widgets.Explorer` whose :meth:`~cnn_course.viz.widgets.Explorer.update`
  is also called directly, and returns the new :class:`NeocognitronView`.

The kernel-free twin for the HTML book is
:func:`cnn_course.neocognitron.charts.responses_chart`.

Examples
--------
>>> rng = np.random.default_rng(0)
>>> from cnn_course.neocognitron import Neocognitron, Stage
>>> images, labels = rng.integers(0, 256, (20, 12, 12)), np.arange(20) % 2
>>> model = Neocognitron([Stage(3, 3, 0.5, 3, 2)], n_patches=300).fit(images).fit_readout(images, labels)
>>> view = neocognitron_view(model, images[0], dx=2)
>>> sorted(view.responses), view.changes["input"] > 0
(['C1', 'S1'], True)
"""

from __future__ import annotations

import dataclasses
import html
from typing import Any

import ipywidgets as widgets
import numpy as np
from numpy.typing import ArrayLike, NDArray

from cnn_course._validation import as_finite_array, as_int
from cnn_course.metrics import relative_change
from cnn_course.neocognitron.charts import MODEL_COLORS, RESPONSE_RANGE
from cnn_course.neocognitron.model import Neocognitron
from cnn_course.neocognitron.robustness import add_noise, shift_images
from cnn_course.viz.html import png_data_uri
from cnn_course.viz.widgets import Explorer, View

__all__ = ["NeocognitronExplorer", "NeocognitronView", "neocognitron_explorer", "neocognitron_view", "render_view_html"]

#: Largest shift offered by the sliders (pixels).
MAX_SHIFT = 6
#: Largest noise offered by the slider (standard deviation, grey levels).
MAX_NOISE = 160


@dataclasses.dataclass(frozen=True, eq=False)
class NeocognitronView(View):
    """Everything one frame of the explorer shows.

    Attributes
    ----------
    html : str
        The frame drawn by :func:`render_view_html`.
    dx, dy : int
        The shift (pixels right and down).
    noise : float
        Standard deviation of the added noise (grey levels).
    image : ndarray
        The input the model sees (moved, noisy), grey levels 0..255.
    responses : dict
        Layer name (``"S1"``, ``"C1"``, ...) -> planes (H, W, planes).
    prediction : int
        The Neocognitron's answer.
    matcher_prediction : int or None
        The pixel template matcher's answer (None without one).
    label : int or None
        The digit's true class, if known.
    changes : dict
        ``"input"`` and each layer -> relative change from the untouched digit,
        ``||now - before|| / ||before||``.
    """

    dx: int
    dy: int
    noise: float
    image: NDArray[np.float64]
    responses: dict[str, NDArray[np.float32]]
    prediction: int
    matcher_prediction: int | None
    label: int | None
    changes: dict[str, float]


def neocognitron_view(
    model: Neocognitron,
    image: ArrayLike,
    *,
    dx: int = 0,
    dy: int = 0,
    noise: float = 0.0,
    seed: int = 0,
    matcher: Any = None,
    label: int | None = None,
    layers: tuple[str, ...] | None = None,
) -> NeocognitronView:
    """Compute one frame: move and blur the digit, run the model, compare with the original.

    Parameters
    ----------
    model : Neocognitron
        Fitted, readout included.
    image : array_like, 2-D
        One digit, grey levels 0..255.
    dx, dy : int
        Shift in pixels (right and down; negative: left and up).
    noise : float
        Standard deviation of Gaussian noise, grey levels (>= 0).
    seed : int
        Seed of the noise.
    matcher : object with ``predict``, optional
        E.g. a fitted :class:`~cnn_course.neocognitron.PixelTemplateMatcher`.
    label : int, optional
        The true class.
    layers : tuple of str, optional
        The layers its HTML draws (default: the C-layers), see :func:`render_view_html`.

    Returns
    -------
    NeocognitronView
        With its HTML; ``changes`` holds :func:`cnn_course.metrics.relative_change` of the
        input and of each layer.
    """
    if not isinstance(model, Neocognitron):
        raise TypeError(f"model must be a fitted Neocognitron, got {type(model).__name__}")
    model._require_readout()
    original = as_finite_array(image, "image", 2)
    moved = add_noise(shift_images(original, dx, dy), noise, seed=seed)
    if matcher is not None and not callable(getattr(matcher, "predict", None)):
        raise TypeError("matcher must have a predict method (e.g. a fitted PixelTemplateMatcher)")
    before = model.layer_responses(original)
    now = model.layer_responses(moved)
    responses = {name: planes for name, planes in now.items() if name != "input"}
    changes = {"input": relative_change(moved, original)}
    changes.update({name: relative_change(responses[name], before[name]) for name in responses})
    frame = NeocognitronView(
        html="", dx=int(dx), dy=int(dy), noise=float(noise), image=moved, responses=responses,
        prediction=int(model.predict(moved)[0]),
        matcher_prediction=None if matcher is None else int(np.asarray(matcher.predict(moved))[0]),
        label=None if label is None else as_int(label, "label", 0),
        changes=changes,
    )
    return dataclasses.replace(frame, html=render_view_html(frame, layers=layers))


# ---------------------------------------------------------------------------------------
# Drawing
# ---------------------------------------------------------------------------------------


def _ramp(values: NDArray[np.float64]) -> NDArray[np.uint8]:
    """Values 0..1 -> RGB of the response colour ramp."""
    stops = np.array([[int(c[i : i + 2], 16) for i in (1, 3, 5)] for c in RESPONSE_RANGE], dtype=np.float64)
    positions = np.linspace(0.0, 1.0, len(stops))
    rgb = np.stack([np.interp(values, positions, stops[:, k]) for k in range(3)], axis=-1)
    return np.rint(rgb).astype(np.uint8)


def tile_planes(planes: ArrayLike, columns: int, *, gap: int = 1) -> NDArray[np.float64]:
    """Planes (H, W, P) side by side, ``columns`` per row, each scaled to 0..1 by its own
    maximum, separated by ``gap`` cells of NaN (drawn white).

    Examples
    --------
    >>> tile_planes(np.ones((2, 2, 3)), 2).shape
    (5, 5)
    """
    array = as_finite_array(planes, "planes", 3)
    columns = as_int(columns, "columns", 1)
    h, w, count = array.shape
    rows = -(-count // columns)
    out = np.full((rows * (h + gap) - gap, columns * (w + gap) - gap), np.nan)
    for p in range(count):
        top = array[:, :, p].max()
        r, c = divmod(p, columns)
        out[r * (h + gap) : r * (h + gap) + h, c * (w + gap) : c * (w + gap) + w] = array[:, :, p] / top if top > 0 else 0.0
    return out


def _planes_img(planes: NDArray[np.float32], columns: int, width_px: int) -> str:
    tiles = tile_planes(planes, columns)
    rgb = _ramp(np.nan_to_num(tiles, nan=0.0))
    rgb[np.isnan(tiles)] = 255
    scale = max(2, width_px // tiles.shape[1])
    return f'<img src="{png_data_uri(rgb, scale=scale)}" style="image-rendering:pixelated" alt="planes">'


def _answer(name: str, value: int | None, label: int | None) -> str:
    if value is None:
        return ""
    mark = "" if label is None else (" ✓" if value == label else " ✗")
    colour = MODEL_COLORS[name]
    return f'<div style="color:{colour};font-weight:bold">{html.escape(name)}: {value}{mark}</div>'


def render_view_html(view: NeocognitronView, *, layers: tuple[str, ...] | None = None, width: int = 900) -> str:
    """Draw a :class:`NeocognitronView` as HTML (PNG tiles and text, no JavaScript).

    Parameters
    ----------
    view : NeocognitronView
    layers : tuple of str, optional
        Which layers to draw (default: the C-layers).
    width : int
        Rough width of the whole figure in pixels.
    """
    if not isinstance(view, NeocognitronView):
        raise TypeError(f"view must be a NeocognitronView, got {type(view).__name__}")
    names = tuple(n for n in view.responses if n.startswith("C")) if layers is None else tuple(layers)
    for name in names:
        if name not in view.responses:
            raise ValueError(f"layers: unknown layer {name!r}; the model has {', '.join(view.responses)}")
    grey = np.clip(np.rint(view.image), 0, 255).astype(np.uint8)
    image_px = 140
    parts = [
        '<div style="display:flex;gap:18px;align-items:flex-start;flex-wrap:wrap">',
        f'<div><div>input (shift {view.dx:+d}, {view.dy:+d}; noise {view.noise:g})</div>'
        f'<img src="{png_data_uri(np.repeat(grey[:, :, None], 3, axis=2), scale=max(1, image_px // grey.shape[1]))}" '
        'style="image-rendering:pixelated" alt="input"></div>',
    ]
    budget = max(160, (width - image_px) // max(1, len(names)))
    for name in names:
        planes = view.responses[name]
        columns = int(min(8, max(1, round(np.sqrt(planes.shape[2] * 2)))))
        parts.append(f"<div><div>{name}: {planes.shape[2]} planes of {planes.shape[0]}×{planes.shape[1]}</div>"
                     f"{_planes_img(planes, columns, budget)}</div>")
    parts.append("</div>")
    parts.append(_answer("Neocognitron", view.prediction, view.label))
    parts.append(_answer("pixel template matcher", view.matcher_prediction, view.label))
    changes = ", ".join(f"{html.escape(k)} {v:.0%}" for k, v in view.changes.items())
    parts.append(f"<div>change from the untouched digit: {changes}</div>")
    return "\n".join(parts)


# ---------------------------------------------------------------------------------------
# Widgets
# ---------------------------------------------------------------------------------------


class NeocognitronExplorer(Explorer):
    """Shift a digit and add noise; watch the S- and C-layers; an :class:`~cnn_course.viz.widgets.Explorer`.

    Build it with :func:`neocognitron_explorer`. Its controls, for :meth:`update`:
    ``index`` (which digit), ``dx`` and ``dy`` (the shift, -MAX_SHIFT .. MAX_SHIFT pixels),
    ``noise`` (0 .. MAX_NOISE grey levels) and ``layers`` (the layers drawn, e.g.
    ``("S1", "C1")``); every update returns a :class:`NeocognitronView`.
    """

    view: NeocognitronView

    def __init__(
        self,
        model: Neocognitron,
        images: ArrayLike,
        labels: ArrayLike | None = None,
        *,
        matcher: Any = None,
        index: int = 0,
        seed: int = 0,
    ) -> None:
        if not isinstance(model, Neocognitron):
            raise TypeError(f"model must be a fitted Neocognitron, got {type(model).__name__}")
        model._require_readout()
        self.model, self.matcher, self.seed = model, matcher, as_int(seed, "seed", 0)
        stack = as_finite_array(images, "images", (2, 3))
        self.images = stack[None] if stack.ndim == 2 else stack
        if labels is None:
            self.labels = None
        else:
            self.labels = np.asarray(labels).astype(int).reshape(-1)
            if len(self.labels) != len(self.images):
                raise ValueError(f"labels must have one entry per image ({len(self.images)}), got {len(self.labels)}")
        index = as_int(index, "index", 0)
        if index >= len(self.images):
            raise ValueError(f"index must be < the number of images ({len(self.images)}), got {index}")
        desc = {"description_width": "110px"}
        self.index_slider = widgets.IntSlider(value=index, min=0, max=len(self.images) - 1, description="test digit", style=desc)
        self.dx_slider = widgets.IntSlider(value=0, min=-MAX_SHIFT, max=MAX_SHIFT, description="shift right (px)", style=desc)
        self.dy_slider = widgets.IntSlider(value=0, min=-MAX_SHIFT, max=MAX_SHIFT, description="shift down (px)", style=desc)
        self.noise_slider = widgets.IntSlider(value=0, min=0, max=MAX_NOISE, step=8, description="noise (grey levels)", style=desc)
        names = ["input", *[f"{k}{n}" for n in range(1, len(model.stages) + 1) for k in ("S", "C")]][1:]
        self.layers_select = widgets.SelectMultiple(options=names, value=tuple(n for n in names if n.startswith("C")),
                                                    description="layers", rows=min(4, len(names)), style=desc)
        controls = {"index": self.index_slider, "dx": self.dx_slider, "dy": self.dy_slider,
                    "noise": self.noise_slider, "layers": self.layers_select}
        rows = [widgets.HBox([widgets.VBox([self.index_slider, self.dx_slider, self.dy_slider, self.noise_slider]),
                              self.layers_select])]
        self._layout(controls, rows=rows)

    def _set(self, name: str, value: Any) -> None:
        """Check a value given to :meth:`update` and set its control."""
        if name == "index":
            index = as_int(value, "index", 0)
            if index > self.index_slider.max:
                raise ValueError(f"index must be <= {self.index_slider.max}, got {index}")
            self.index_slider.value = index
        elif name in ("dx", "dy"):
            shift = as_int(value, name)
            if abs(shift) > MAX_SHIFT:
                raise ValueError(f"{name} must be between -{MAX_SHIFT} and {MAX_SHIFT}, got {shift}")
            (self.dx_slider if name == "dx" else self.dy_slider).value = shift
        elif name == "noise":
            level = float(as_finite_array(value, "noise", 0))
            if not 0 <= level <= MAX_NOISE:
                raise ValueError(f"noise must be between 0 and {MAX_NOISE}, got {level:g}")
            self.noise_slider.value = int(round(level))
        else:  # layers
            chosen = tuple(value) if not isinstance(value, str) else (value,)
            unknown = [n for n in chosen if n not in self.layers_select.options]
            if unknown:
                raise ValueError(f"layers: unknown layer {unknown[0]!r}; choose from {', '.join(self.layers_select.options)}")
            self.layers_select.value = chosen

    def _compute(self) -> NeocognitronView:
        i = self.index_slider.value
        return neocognitron_view(
            self.model, self.images[i], dx=self.dx_slider.value, dy=self.dy_slider.value,
            noise=self.noise_slider.value, seed=self.seed, matcher=self.matcher,
            label=None if self.labels is None else int(self.labels[i]),
            layers=tuple(self.layers_select.value),
        )


def neocognitron_explorer(
    model: Neocognitron,
    images: ArrayLike,
    labels: ArrayLike | None = None,
    *,
    matcher: Any = None,
    index: int = 0,
    seed: int = 0,
) -> NeocognitronExplorer:
    """Build the explorer: digit, shift (right/down) and noise sliders, a choice of layers.

    Parameters
    ----------
    model : Neocognitron
        Fitted, readout included.
    images : array_like, shape (N, H, W)
        Digits to choose from (grey levels 0..255), e.g. a few test digits.
    labels : array_like, optional
        Their classes, to mark the answers right or wrong.
    matcher : PixelTemplateMatcher, optional
        Its answer is shown too.
    index : int
        The digit shown first.
    seed : int
        Seed of the noise.

    Returns
    -------
    NeocognitronExplorer
        An :class:`~cnn_course.viz.widgets.Explorer` (an ``ipywidgets.VBox``);
        ``update(dx=..., noise=...)`` returns the new :class:`NeocognitronView`.
    """
    return NeocognitronExplorer(model, images, labels, matcher=matcher, index=index, seed=seed)
