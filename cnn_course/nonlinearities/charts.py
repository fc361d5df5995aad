"""Kernel-free Altair charts for the chapter "Non-linearities, outputs and losses".

The interactive charts compute their curves in the page, with Vega-Lite parameters bound
to sliders and ``calculate`` transforms (Vega expressions have ``exp``, so
tanh(x) = (e^{2x} - 1) / (e^{2x} + 1)); the data they carry is a short grid, so the
chart JSON stays small. The curves are the same functions as in
:mod:`cnn_course.nonlinearities.activations` and :mod:`cnn_course.nonlinearities.outputs`;
the tests evaluate the page's expressions in Python and hold them equal.

* :func:`activation_chart` - sigmoid, A tanh(S x) and ReLU and their derivatives, with
  sliders for A, S and the input range.
* :func:`softmax_temperature_chart` - softmax probabilities of fixed scores, with a
  temperature slider.
* :func:`rbf_softmax_chart` - an input point moved with two sliders in a plane with three
  class prototypes; beside it, the RBF outputs (squared distances) with the probabilities
  LeNet's MAP criterion implies (including its "none of these" share), and a softmax layer
  with the same decision boundaries.
* :func:`gradient_chart`, :func:`training_curves_chart`, :func:`steps_chart` - the
  activation study of :mod:`cnn_course.nonlinearities.study`.

Examples
--------
>>> spec = activation_chart().to_dict()
>>> sorted(p["name"] for p in spec["params"])
['A', 'S', 'xmax']
"""

from __future__ import annotations

from collections.abc import Sequence

import altair as alt
import numpy as np
import pandas as pd
from numpy.typing import ArrayLike

from cnn_course._validation import as_finite_array, as_int
from cnn_course.nonlinearities.activations import LECUN_A, LECUN_S
from cnn_course.viz import style

__all__ = [
    "ACTIVATION_COLORS",
    "CLASS_COLORS",
    "activation_chart",
    "gradient_chart",
    "rbf_softmax_chart",
    "softmax_temperature_chart",
    "steps_chart",
    "training_curves_chart",
]

#: One colour per non-linearity, shared with the explorers.
ACTIVATION_COLORS = {"sigmoid": "#3182bd", "tanh": "#31a354", "lecun_tanh": "#756bb1", "relu": "#e6550d"}
#: One colour per class in the RBF / softmax charts, shared with the explorers.
CLASS_COLORS = ["#e6550d", "#3182bd", "#31a354", "#756bb1", "#636363", "#8c6d31"]

#: Vega expressions of the curves, in terms of x, A and S (A tanh(S x) is "scaled tanh").
EXPRESSIONS = {
    "sigmoid": "1 / (1 + exp(-datum.x))",
    "scaled tanh": "A * (exp(2 * S * datum.x) - 1) / (exp(2 * S * datum.x) + 1)",
    "relu": "max(datum.x, 0)",
}
#: ... and of their derivatives.
DERIVATIVE_EXPRESSIONS = {
    "sigmoid": "exp(-datum.x) / pow(1 + exp(-datum.x), 2)",
    "scaled tanh": "A * S * (1 - pow((exp(2 * S * datum.x) - 1) / (exp(2 * S * datum.x) + 1), 2))",
    "relu": "datum.x > 0 ? 1 : 0",
}


def _clamp_exponent(expr: str) -> str:
    # exp(2 S x) overflows to Infinity (and Infinity/Infinity is NaN) past |2 S x| ~ 709;
    # clamp the argument: tanh is +-1 to double precision long before that.
    return expr.replace("exp(2 * S * datum.x)", "exp(clamp(2 * S * datum.x, -60, 60))").replace(
        "exp(-datum.x)", "exp(clamp(-datum.x, -60, 60))"
    )


def activation_chart(*, points: int = 161, width: int = 255, height: int = 220) -> alt.HConcatChart:
    """Sigmoid, A tanh(S x) and ReLU (left) and their derivatives (right), with sliders.

    Parameters ``A`` and ``S`` (sliders) set the scaled tanh; ``xmax`` (slider) sets the
    input range [-xmax, xmax]. Dashed guides mark x = +-1 and y = +-1, where LeCun's
    constants put f(+-1) = +-1.

    Parameters
    ----------
    points : int
        Grid points across the input range (the curves are computed in the page).
    width, height : int
        Size of each panel.

    Examples
    --------
    >>> spec = activation_chart(points=11).to_dict()
    >>> [len(rows) for rows in spec["datasets"].values()]
    [2, 11]
    """
    points = as_int(points, "points", minimum=3)
    a = alt.param(name="A", value=LECUN_A, bind=alt.binding_range(min=0.25, max=3.0, step=0.01, name="amplitude A "))
    s = alt.param(name="S", value=round(LECUN_S, 4), bind=alt.binding_range(min=0.1, max=3.0, step=0.01, name="slope S "))
    xmax = alt.param(name="xmax", value=4, bind=alt.binding_range(min=1, max=20, step=0.5, name="input range ± "))
    grid = pd.DataFrame({"u": np.round(np.linspace(-1.0, 1.0, points), 5)})
    names = list(EXPRESSIONS)
    color = alt.Color(
        "function:N",
        scale=alt.Scale(domain=names, range=[ACTIVATION_COLORS["sigmoid"], ACTIVATION_COLORS["lecun_tanh"], ACTIVATION_COLORS["relu"]]),
        legend=alt.Legend(orient="bottom", title=None),
    )

    def panel(expressions: dict[str, str], title: str, y_title: str, domain: list[float]) -> alt.LayerChart:
        calc = {name: _clamp_exponent(expr) for name, expr in expressions.items()}
        base = alt.Chart(grid).transform_calculate(x="datum.u * xmax").transform_calculate(**calc).transform_fold(names, as_=["function", "value"])
        lines = base.mark_line(strokeWidth=2.5, clip=True).encode(
            x=alt.X("x:Q", title="input x"),
            y=alt.Y("value:Q", title=y_title, scale=alt.Scale(domain=domain)),
            color=color,
            tooltip=[alt.Tooltip("function:N"), alt.Tooltip("x:Q", format=".2f"), alt.Tooltip("value:Q", format=".4f")],
        )
        guides = alt.Chart(pd.DataFrame({"v": [-1.0, 1.0]}))
        vrule = guides.mark_rule(strokeDash=[4, 4], color="#999", clip=True).encode(x="v:Q")
        hrule = guides.mark_rule(strokeDash=[4, 4], color="#999", clip=True).encode(y="v:Q")
        return alt.layer(vrule, hrule, lines).properties(width=width, height=height, title=style.title(title))

    left = panel(EXPRESSIONS, "the functions", "f(x)", [-3.0, 3.0])
    right = panel(DERIVATIVE_EXPRESSIONS, "their derivatives (what backpropagation multiplies by)", "f′(x)", [0.0, 2.0])
    return alt.hconcat(left, right, spacing=24, params=[a.param, s.param, xmax.param])


def softmax_temperature_chart(
    scores: ArrayLike, labels: Sequence[str] | None = None, *, width: int = 420, height: int = 220
) -> alt.Chart:
    """Softmax probabilities of fixed ``scores``, with a slider for the temperature T.

    The slider moves log10 T from -1 to 1.5 (T from 0.1 to about 32); the page computes
    e^{(z_i - max z)/T} / sum_j e^{(z_j - max z)/T}.

    Examples
    --------
    >>> spec = softmax_temperature_chart([2.0, 1.0, 0.1]).to_dict()
    >>> spec["params"][0]["name"]
    'log10T'
    """
    z = as_finite_array(scores, "scores", 1)
    if len(z) < 2:
        raise ValueError(f"scores must hold at least 2 classes, got {len(z)}")
    labels = [str(i) for i in range(len(z))] if labels is None else [str(x) for x in labels]
    if len(labels) != len(z):
        raise ValueError(f"labels must name each of the {len(z)} scores, got {len(labels)}")
    log_t = alt.param(name="log10T", value=0, bind=alt.binding_range(min=-1, max=1.5, step=0.05, name="log₁₀ temperature "))
    data = pd.DataFrame({"class": labels, "score": z.round(4)})
    return (
        alt.Chart(data)
        .transform_joinaggregate(top="max(score)")
        .transform_calculate(T="pow(10, log10T)")
        .transform_calculate(e="exp((datum.score - datum.top) / datum.T)")
        .transform_joinaggregate(total="sum(e)")
        .transform_calculate(probability="datum.e / datum.total")
        .mark_bar(color="#756bb1")
        .encode(
            x=alt.X("class:N", sort=labels, title=None, axis=alt.Axis(labelAngle=0)),
            y=alt.Y("probability:Q", scale=alt.Scale(domain=[0, 1]), axis=alt.Axis(format="%")),
            tooltip=[alt.Tooltip("class:N"), alt.Tooltip("score:Q", format=".2f"), alt.Tooltip("T:Q", format=".2f", title="temperature"),
                     alt.Tooltip("probability:Q", format=".1%")],
        )
        .add_params(log_t)
        .properties(width=width, height=height,
                    title=style.title("softmax(z / T): drag the temperature (T = 1 is the plain softmax)"))
    )


def rbf_softmax_chart(
    prototypes: ArrayLike,
    labels: Sequence[str] | None = None,
    *,
    j: float = 4.0,
    start: Sequence[float] = (0.5, 0.5),
    limit: float = 6.0,
    width: int = 200,
) -> alt.HConcatChart:
    """RBF outputs and softmax side by side, for one input moved in a plane by two sliders.

    Left: the classes' prototypes w_i (2-D) and the input a. Middle: the RBF outputs
    y_i = |a - w_i|^2 (smaller = better) turned into the shares LeNet's MAP criterion
    implies, e^{-y_i} / (e^{-j} + sum_k e^{-y_k}), plus a "none of these" share
    e^{-j} / (...). Right: the softmax of a linear layer with the same decision
    boundaries, scores z_i = w_i . a - |w_i|^2 / 2.

    Parameters
    ----------
    prototypes : array_like, (classes, 2)
    labels : sequence of str, optional
    j : float
        The MAP criterion's constant (the "none of these" term e^{-j}).
    start : (float, float)
        Where the input starts.
    limit : float
        The sliders run over [-limit, limit].

    Examples
    --------
    >>> spec = rbf_softmax_chart([[1, 0], [-1, 0], [0, 1.5]]).to_dict()
    >>> sorted(p["name"] for p in spec["params"])
    ['a1', 'a2']
    """
    w = as_finite_array(prototypes, "prototypes", 2)
    if w.shape[1] != 2 or len(w) < 2:
        raise ValueError(f"prototypes must be (classes >= 2, 2) for a chart in the plane, got shape {w.shape}")
    labels = [f"class {i}" for i in range(len(w))] if labels is None else [str(x) for x in labels]
    if len(labels) != len(w):
        raise ValueError(f"labels must name each of the {len(w)} prototypes, got {len(labels)}")
    if not float(j) > 0:
        raise ValueError(f"j must be positive, got {j!r}")
    limit = float(limit)
    a1 = alt.param(name="a1", value=float(start[0]), bind=alt.binding_range(min=-limit, max=limit, step=0.1, name="input a₁ "))
    a2 = alt.param(name="a2", value=float(start[1]), bind=alt.binding_range(min=-limit, max=limit, step=0.1, name="input a₂ "))
    none = "none of these"
    colors = alt.Scale(domain=labels + [none], range=CLASS_COLORS[: len(labels)] + ["#bbbbbb"])
    protos = pd.DataFrame({"class": labels, "w1": w[:, 0].round(4), "w2": w[:, 1].round(4)})
    axis_scale = alt.Scale(domain=[-limit, limit])
    plane_base = alt.Chart(protos)
    proto_marks = plane_base.mark_point(size=160, filled=True, shape="diamond").encode(
        x=alt.X("w1:Q", title="a₁", scale=axis_scale), y=alt.Y("w2:Q", title="a₂", scale=axis_scale),
        color=alt.Color("class:N", scale=colors, legend=alt.Legend(orient="bottom", title=None)),
        tooltip=["class:N", "w1:Q", "w2:Q"])
    links = plane_base.transform_calculate(x="a1", y="a2").mark_rule(strokeDash=[3, 3], opacity=0.6).encode(
        x="w1:Q", y="w2:Q", x2="x:Q", y2="y:Q", color=alt.Color("class:N", scale=colors))
    point = alt.Chart(pd.DataFrame({"k": [0]})).transform_calculate(x="a1", y="a2").mark_point(
        size=120, shape="cross", filled=True, color="black").encode(x="x:Q", y="y:Q")
    plane = alt.layer(links, proto_marks, point).properties(width=width, height=width, title=style.title("input and prototypes"))

    rows = pd.concat([protos, pd.DataFrame({"class": [none], "w1": [np.nan], "w2": [np.nan]})], ignore_index=True)
    rbf = (
        alt.Chart(rows)
        .transform_calculate(y=f"datum.class == '{none}' ? {float(j)} : pow(a1 - datum.w1, 2) + pow(a2 - datum.w2, 2)")
        .transform_calculate(e="exp(-datum.y)")
        .transform_joinaggregate(total="sum(e)")
        .transform_calculate(share="datum.e / datum.total")
        .mark_bar()
        .encode(
            x=alt.X("class:N", sort=labels + [none], title=None, axis=alt.Axis(labelAngle=-30)),
            y=alt.Y("share:Q", title="share", scale=alt.Scale(domain=[0, 1]), axis=alt.Axis(format="%")),
            color=alt.Color("class:N", scale=colors, legend=None),
            tooltip=[alt.Tooltip("class:N"), alt.Tooltip("y:Q", format=".2f", title="RBF output y (distance²; j for none)"),
                     alt.Tooltip("share:Q", format=".1%")],
        )
        .properties(width=width, height=width, title=style.title(f"RBF units + MAP (j = {float(j):g})"))
    )
    soft = (
        alt.Chart(protos)
        .transform_calculate(z="datum.w1 * a1 + datum.w2 * a2 - (datum.w1 * datum.w1 + datum.w2 * datum.w2) / 2")
        .transform_joinaggregate(top="max(z)")
        .transform_calculate(e="exp(datum.z - datum.top)")
        .transform_joinaggregate(total="sum(e)")
        .transform_calculate(probability="datum.e / datum.total")
        .mark_bar()
        .encode(
            x=alt.X("class:N", sort=labels, title=None, axis=alt.Axis(labelAngle=-30)),
            y=alt.Y("probability:Q", scale=alt.Scale(domain=[0, 1]), axis=alt.Axis(format="%")),
            color=alt.Color("class:N", scale=colors, legend=None),
            tooltip=[alt.Tooltip("class:N"), alt.Tooltip("z:Q", format=".2f", title="score z"), alt.Tooltip("probability:Q", format=".1%")],
        )
        .properties(width=width, height=width, title=style.title("linear scores + softmax"))
    )
    return alt.hconcat(plane, rbf, soft, spacing=18, params=[a1.param, a2.param])


# ---------------------------------------------------------------------------------------
# The activation study
# ---------------------------------------------------------------------------------------


def _need(table: pd.DataFrame, name: str, columns: set[str]) -> pd.DataFrame:
    if not isinstance(table, pd.DataFrame):
        raise TypeError(f"{name} must be a pandas DataFrame, got {type(table).__name__}")
    missing = columns - set(table.columns)
    if missing:
        raise ValueError(f"{name} must have the columns {sorted(columns)}; missing {sorted(missing)}")
    return table


def _activation_color(names: Sequence[str]) -> alt.Color:
    return alt.Color("activation:N", scale=alt.Scale(domain=list(names), range=[ACTIVATION_COLORS.get(n, "#636363") for n in names]),
                     legend=alt.Legend(orient="bottom", title=None))


def gradient_chart(gradients: pd.DataFrame, *, title: str = "gradient size at initialisation, per layer", width: int = 360, height: int = 240) -> alt.LayerChart:
    """RMS gradient of each layer's weights at initialisation (log scale), one line per activation.

    With several seeds, the line is the median and the band the range.

    Examples
    --------
    >>> t = pd.DataFrame({"activation": ["relu"] * 2, "seed": [0, 0], "layer": ["hidden1", "output"],
    ...                   "depth": [1, 2], "grad_rms": [0.1, 0.2]})
    >>> gradient_chart(t).to_dict()["layer"][1]["mark"]["type"]
    'line'
    """
    t = _need(gradients, "gradients", {"activation", "layer", "depth", "grad_rms"})
    names = list(dict.fromkeys(t["activation"]))
    g = t.groupby(["activation", "layer", "depth"], sort=False)["grad_rms"].agg(["median", "min", "max"]).reset_index()
    layers = list(dict.fromkeys(t.sort_values("depth")["layer"]))
    x = alt.X("layer:N", sort=layers, title="layer (input → output)", axis=alt.Axis(labelAngle=0))
    y_scale = alt.Scale(type="log")
    color = _activation_color(names)
    band = alt.Chart(g).mark_area(opacity=0.2).encode(x=x, y=alt.Y("min:Q", scale=y_scale), y2="max:Q", color=color)
    line = alt.Chart(g).mark_line(point=True, strokeWidth=2.5).encode(
        x=x, y=alt.Y("median:Q", scale=y_scale, title="RMS gradient of the weights"), color=color,
        tooltip=[alt.Tooltip("activation:N"), alt.Tooltip("layer:N"), alt.Tooltip("median:Q", format=".2e", title="RMS gradient")])
    return alt.layer(band, line).properties(width=width, height=height, title=style.title(title))


def training_curves_chart(curves: pd.DataFrame, target: float, *, width: int = 420, height: int = 240) -> alt.LayerChart:
    """Validation accuracy against training steps, one line per activation (first seed).

    Examples
    --------
    >>> c = pd.DataFrame({"activation": ["relu"] * 2, "seed": [0, 0], "step": [0, 25], "val_accuracy": [0.1, 0.9]})
    >>> training_curves_chart(c, 0.9).to_dict()["layer"][0]["mark"]["type"]
    'line'
    """
    c = _need(curves, "curves", {"activation", "step", "val_accuracy"})
    if "seed" in c:
        c = c[c["seed"] == c["seed"].min()]
    names = list(dict.fromkeys(c["activation"]))
    data = c[["activation", "step", "val_accuracy"]].copy()
    data["val_accuracy"] = data["val_accuracy"].astype(float).round(4)
    lines = alt.Chart(data).mark_line(strokeWidth=2.5).encode(
        x=alt.X("step:Q", title="training steps (minibatches of 32)"),
        y=alt.Y("val_accuracy:Q", title="validation accuracy", scale=alt.Scale(domain=[0, 1]), axis=alt.Axis(format="%")),
        color=_activation_color(names),
        tooltip=[alt.Tooltip("activation:N"), alt.Tooltip("step:Q"), alt.Tooltip("val_accuracy:Q", format=".1%")])
    rule = alt.Chart(pd.DataFrame({"target": [float(target)]})).mark_rule(strokeDash=[5, 4], color="#555").encode(y="target:Q")
    return alt.layer(lines, rule).properties(width=width, height=height, title=style.title(f"learning curves (dashed: the {target:.0%} target)"))


def steps_chart(steps: pd.DataFrame, *, title: str = "steps to the target (dots: seeds; tick: median)", width: int = 360, height: int = 160) -> alt.LayerChart:
    """Steps to the target accuracy, one dot per seed and a tick at the median, per activation.

    Examples
    --------
    >>> s = pd.DataFrame({"activation": ["relu", "tanh"], "seed": [0, 0], "steps_to_target": [100, 150]})
    >>> steps_chart(s).to_dict()["layer"][0]["mark"]["type"]
    'circle'
    """
    s = _need(steps, "steps", {"activation", "steps_to_target"})
    names = list(dict.fromkeys(s["activation"]))
    data = s[[c for c in ("activation", "seed", "steps_to_target") if c in s]].dropna()
    y = alt.Y("activation:N", sort=names, title=None)
    dots = alt.Chart(data).mark_circle(size=70, opacity=0.7).encode(
        x=alt.X("steps_to_target:Q", title="steps to the target accuracy", scale=alt.Scale(zero=True)), y=y, color=_activation_color(names),
        tooltip=[c for c in ("activation", "seed", "steps_to_target") if c in data])
    med = alt.Chart(data).mark_tick(thickness=3, size=22, color="black").encode(x="median(steps_to_target):Q", y=y)
    return alt.layer(dots, med).properties(width=width, height=height, title=style.title(title))
