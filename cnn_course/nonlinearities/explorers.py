"""ipywidgets explorers for the chapter "Non-linearities, outputs and losses".

Thin layers over pure functions, which is what the tests exercise:

* :func:`activation_curves` - sigmoid, A tanh(S x) and ReLU and their derivatives on a
  grid, as a table; :func:`render_curves_svg` draws such a table as inline SVG (no
  matplotlib);
* :func:`output_view` - for one input in the plane and a set of class prototypes: the
  RBF outputs, the MAP shares (with "none of these"), and the softmax probabilities of the
  linear layer with the same boundaries at a temperature T, with their bars;
* :class:`ActivationExplorer` and :class:`OutputExplorer` (built by
  :func:`activation_explorer` and :func:`output_explorer`) are
  :class:`cnn_course.viz.widgets.Explorer` subclasses: moving a slider and calling
  ``update(name=value)`` both recompute once and return a view, an
  :class:`ActivationView` (with the curves' table) or an :class:`OutputView` (the
  numbers of :func:`output_view`), each with its ``html``.

The kernel-free twins for the HTML book are in :mod:`cnn_course.nonlinearities.charts`.

Examples
--------
>>> table = activation_curves(1.7159, 2 / 3, 4.0, points=5)
>>> sorted(table["function"].unique())
['relu', 'scaled tanh', 'sigmoid']
>>> render_curves_svg(table).startswith("<svg")
True
"""

from __future__ import annotations

import dataclasses
import html

import ipywidgets as widgets
import numpy as np
import pandas as pd
from numpy.typing import ArrayLike, NDArray

from cnn_course._validation import as_finite_array, as_int
from cnn_course.nonlinearities.activations import (
    LECUN_A,
    LECUN_S,
    relu,
    relu_grad,
    scaled_tanh,
    scaled_tanh_grad,
    sigmoid,
    sigmoid_grad,
)
from cnn_course.nonlinearities.charts import ACTIVATION_COLORS, CLASS_COLORS
from cnn_course.nonlinearities.outputs import rbf_outputs, softmax_with_temperature
from cnn_course.viz.widgets import Explorer, View

__all__ = [
    "ActivationExplorer",
    "ActivationView",
    "OutputExplorer",
    "OutputView",
    "activation_curves",
    "activation_explorer",
    "output_explorer",
    "output_view",
    "render_curves_svg",
]

_COLORS = {"sigmoid": ACTIVATION_COLORS["sigmoid"], "scaled tanh": ACTIVATION_COLORS["lecun_tanh"], "relu": ACTIVATION_COLORS["relu"]}


def activation_curves(a: float = LECUN_A, s: float = LECUN_S, x_max: float = 4.0, *, points: int = 161) -> pd.DataFrame:
    """The three non-linearities and their derivatives on [-x_max, x_max].

    Returns
    -------
    pandas.DataFrame
        Columns ``function`` ("sigmoid", "scaled tanh", "relu"), ``x``, ``value``,
        ``derivative``.

    Examples
    --------
    >>> t = activation_curves(1.0, 1.0, 2.0, points=3)
    >>> t[t["function"] == "scaled tanh"]["value"].round(4).tolist()
    [-0.964, 0.0, 0.964]
    """
    x_max = float(as_finite_array(x_max, "x_max", 0))
    if x_max <= 0:
        raise ValueError(f"x_max must be positive, got {x_max}")
    points = as_int(points, "points", minimum=2)
    x = np.linspace(-x_max, x_max, points)
    parts = [
        ("sigmoid", sigmoid(x), sigmoid_grad(x)),
        ("scaled tanh", scaled_tanh(x, a, s), scaled_tanh_grad(x, a, s)),
        ("relu", relu(x), relu_grad(x)),
    ]
    return pd.concat([pd.DataFrame({"function": n, "x": x, "value": v, "derivative": d}) for n, v, d in parts], ignore_index=True)


def render_curves_svg(
    table: pd.DataFrame, column: str = "value", *, title: str = "", y_range: tuple[float, float] = (-3.0, 3.0), width: int = 320, height: int = 220
) -> str:
    """Draw one column of :func:`activation_curves` as an SVG line chart (clipped to ``y_range``)."""
    if column not in ("value", "derivative"):
        raise ValueError(f"column must be 'value' or 'derivative', got {column!r}")
    lo, hi = (float(v) for v in y_range)
    if not hi > lo:
        raise ValueError(f"y_range must be (low, high) with low < high, got {y_range}")
    pad = 34
    x_lo, x_hi = float(table["x"].min()), float(table["x"].max())

    def px(x: NDArray[np.float64]) -> NDArray[np.float64]:
        return pad + (x - x_lo) / (x_hi - x_lo) * (width - pad - 8)

    def py(y: NDArray[np.float64]) -> NDArray[np.float64]:
        return 8 + (hi - np.clip(y, lo, hi)) / (hi - lo) * (height - pad - 8)

    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" role="img" aria-label="{html.escape(title)}">']
    parts.append(f'<rect x="{pad}" y="8" width="{width - pad - 8}" height="{height - pad - 8}" fill="none" stroke="#ccc"/>')
    for v in (-1.0, 0.0, 1.0):
        if lo <= v <= hi:
            y = float(py(np.array(v)))
            parts.append(f'<line x1="{pad}" x2="{width - 8}" y1="{y:.1f}" y2="{y:.1f}" stroke="#bbb" stroke-dasharray="{"" if v == 0 else "4 4"}"/>')
            parts.append(f'<text x="{pad - 4}" y="{y + 4:.1f}" font-size="10" text-anchor="end">{v:g}</text>')
        if x_lo <= v <= x_hi:
            x = float(px(np.array(v)))
            parts.append(f'<line y1="8" y2="{height - pad}" x1="{x:.1f}" x2="{x:.1f}" stroke="#bbb" stroke-dasharray="{"" if v == 0 else "4 4"}"/>')
    parts.append(f'<text x="{pad}" y="{height - 12}" font-size="10">{x_lo:g}</text>')
    parts.append(f'<text x="{width - 8}" y="{height - 12}" font-size="10" text-anchor="end">{x_hi:g}</text>')
    parts.append(f'<text x="{(width + pad) / 2}" y="{height - 4}" font-size="11" text-anchor="middle">{html.escape(title)}</text>')
    for name, group in table.groupby("function", sort=False):
        xs, ys = px(group["x"].to_numpy()), py(group[column].to_numpy())
        path = " ".join(f"{x:.1f},{y:.1f}" for x, y in zip(xs, ys))
        parts.append(f'<polyline points="{path}" fill="none" stroke="{_COLORS.get(str(name), "#333")}" stroke-width="2.5"/>')
    parts.append("</svg>")
    return "".join(parts)


def _legend() -> str:
    return " ".join(f'<span style="color:{c};font-weight:bold">&#9644; {n}</span>' for n, c in _COLORS.items())


@dataclasses.dataclass(frozen=True)
class ActivationView(View):
    """What :class:`ActivationExplorer` shows for one A, S and input range.

    Attributes
    ----------
    html : str
        The two SVG panels (functions, derivatives), the legend and two numbers below.
    table : pandas.DataFrame
        The curves, from :func:`activation_curves`.
    f_at_one : float
        A tanh(S * 1).
    slope_at_zero : float
        A * S, the scaled tanh's slope at 0.
    """

    table: pd.DataFrame
    f_at_one: float
    slope_at_zero: float


class ActivationExplorer(Explorer):
    """Sliders for A, S and the input range; the curves and their derivatives.

    The controls (the names :meth:`update` takes) are ``a``, ``s`` and ``x_max``.
    """

    def __init__(self, a: float = LECUN_A, s: float = LECUN_S, x_max: float = 4.0) -> None:
        style = {"description_width": "110px"}
        self.a_slider = widgets.FloatSlider(value=a, min=0.25, max=3.0, step=0.01, description="amplitude A", style=style)
        self.s_slider = widgets.FloatSlider(value=s, min=0.1, max=3.0, step=0.01, description="slope S", style=style)
        self.range_slider = widgets.FloatSlider(value=x_max, min=1.0, max=20.0, step=0.5, description="input range ±", style=style)
        controls = {"a": self.a_slider, "s": self.s_slider, "x_max": self.range_slider}
        self._layout(controls, rows=[widgets.HBox(list(controls.values()))])

    def _compute(self) -> ActivationView:
        a, s = self.a_slider.value, self.s_slider.value
        table = activation_curves(a, s, self.range_slider.value)
        f1 = float(scaled_tanh(1.0, a, s))
        page = (
            render_curves_svg(table, "value", title="f(x)")
            + render_curves_svg(table, "derivative", title="f′(x)", y_range=(0.0, 2.0))
            + f"<div>{_legend()}</div><div>A tanh(S·1) = {f1:.4f}; slope at 0: A·S = {a * s:.4f}</div>"
        )
        return ActivationView(html=page, table=table, f_at_one=f1, slope_at_zero=a * s)


def activation_explorer(a: float = LECUN_A, s: float = LECUN_S, x_max: float = 4.0) -> ActivationExplorer:
    """The activation explorer, starting at LeCun's constants.

    Examples
    --------
    >>> explorer = activation_explorer()
    >>> explorer.update(a=1.0, s=1.0).table["function"].nunique()
    3
    """
    return ActivationExplorer(a, s, x_max)


def _bars(values: NDArray[np.float64], labels: list[str], colors: list[str], title: str, width: int = 220, height: int = 160) -> str:
    n = len(values)
    bw = (width - 20) / n
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height + 40}">',
             f'<text x="4" y="12" font-size="11">{html.escape(title)}</text>']
    for k, (v, lab, c) in enumerate(zip(values, labels, colors)):
        h = float(np.clip(v, 0, 1)) * height
        x = 10 + k * bw
        parts.append(f'<rect x="{x + 3:.1f}" y="{16 + height - h:.1f}" width="{bw - 6:.1f}" height="{h:.1f}" fill="{c}"/>')
        parts.append(f'<text x="{x + bw / 2:.1f}" y="{height + 30}" font-size="10" text-anchor="middle">{html.escape(lab)}</text>')
        parts.append(f'<text x="{x + bw / 2:.1f}" y="{12 + height - h:.1f}" font-size="10" text-anchor="middle">{v:.0%}</text>')
    parts.append("</svg>")
    return "".join(parts)


@dataclasses.dataclass(frozen=True)
class OutputView(View):
    """What :class:`OutputExplorer` shows for one input (also what :func:`output_view` returns).

    Attributes
    ----------
    html : str
        Bars of the MAP shares and of the softmax probabilities, and the RBF outputs.
    a : ndarray
        The input.
    distances : ndarray
        RBF outputs y_i = |a - w_i|^2.
    map_shares : ndarray
        e^{-y_i} / (e^{-j} + sum e^{-y}) for each class, then the "none of these" share.
    softmax : ndarray
        softmax(z / T) of the linear layer z_i = w_i . a - |w_i|^2 / 2.
    """

    a: NDArray[np.float64]
    distances: NDArray[np.float64]
    map_shares: NDArray[np.float64]
    softmax: NDArray[np.float64]


def output_view(
    a: ArrayLike, prototypes: ArrayLike, *, labels: list[str] | None = None, j: float = 4.0, temperature: float = 1.0
) -> OutputView:
    """RBF outputs, MAP shares and softmax probabilities for one input, with their bars.

    ``labels`` name the classes in the HTML (default: "class 0", "class 1", ...).

    Examples
    --------
    >>> v = output_view([10.0, 0.0], [[1.0, 0.0], [-1.0, 0.0]])
    >>> bool(v.map_shares[-1] > 0.99), bool(v.softmax[0] > 0.99)   # far away: RBF says "none"
    (True, True)
    """
    a = as_finite_array(a, "a", 1)
    w = as_finite_array(prototypes, "prototypes", 2)
    if not float(j) > 0:
        raise ValueError(f"j must be positive, got {j!r}")
    labels = [f"class {i}" for i in range(len(w))] if labels is None else [str(x) for x in labels]
    if len(labels) != len(w):
        raise ValueError(f"labels must name each of the {len(w)} prototypes, got {len(labels)}")
    y = rbf_outputs(a, w)
    shares = softmax_with_temperature(-np.append(y, float(j)))
    z = w @ a - (w**2).sum(axis=1) / 2
    probabilities = softmax_with_temperature(z, temperature)
    colors = CLASS_COLORS[: len(labels)]
    dist = ", ".join(f"{lab}: {d:.2f}" for lab, d in zip(labels, y))
    page = (
        _bars(shares, labels + ["none"], colors + ["#bbbbbb"], f"RBF + MAP shares (j = {float(j):g})")
        + _bars(probabilities, labels, colors, f"softmax, T = {float(temperature):.2f}")
        + f"<div>RBF outputs (squared distances, smaller = better): {dist}</div>"
    )
    return OutputView(html=page, a=a, distances=y, map_shares=shares, softmax=probabilities)


class OutputExplorer(Explorer):
    """Move an input in the plane; compare RBF + MAP with softmax at a temperature.

    The controls (the names :meth:`update` takes) are ``a1`` and ``a2`` (the input) and
    ``log_t`` (log10 of the softmax temperature).
    """

    def __init__(self, prototypes: ArrayLike, labels: list[str] | None = None, *, j: float = 4.0, limit: float = 6.0) -> None:
        self.prototypes = as_finite_array(prototypes, "prototypes", 2)
        if self.prototypes.shape[1] != 2:
            raise ValueError(f"prototypes must have 2 columns (points in the plane), got shape {self.prototypes.shape}")
        self.labels = [f"class {i}" for i in range(len(self.prototypes))] if labels is None else [str(x) for x in labels]
        if len(self.labels) != len(self.prototypes):
            raise ValueError(f"labels must name each of the {len(self.prototypes)} prototypes")
        self.j = float(j)
        style = {"description_width": "110px"}
        self.a1 = widgets.FloatSlider(value=0.5, min=-limit, max=limit, step=0.1, description="input a₁", style=style)
        self.a2 = widgets.FloatSlider(value=0.5, min=-limit, max=limit, step=0.1, description="input a₂", style=style)
        self.log_t = widgets.FloatSlider(value=0.0, min=-1.0, max=1.5, step=0.05, description="log₁₀ T (softmax)", style=style)
        controls = {"a1": self.a1, "a2": self.a2, "log_t": self.log_t}
        self._layout(controls, rows=[widgets.HBox(list(controls.values()))])

    def _compute(self) -> OutputView:
        return output_view([self.a1.value, self.a2.value], self.prototypes, labels=self.labels, j=self.j,
                           temperature=10**self.log_t.value)


def output_explorer(prototypes: ArrayLike, labels: list[str] | None = None, *, j: float = 4.0) -> OutputExplorer:
    """The output explorer for 2-D ``prototypes``.

    Examples
    --------
    >>> explorer = output_explorer([[1.5, 0], [-1.5, 0], [0, 2]], ["A", "B", "C"])
    >>> view = explorer.update(a1=1.5, a2=0.0)
    >>> int(np.argmin(view.distances)), int(np.argmax(view.softmax))
    (0, 0)
    """
    return OutputExplorer(prototypes, labels, j=j)
