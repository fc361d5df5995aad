"""Kernel-free Altair charts of the chapter "The Neocognitron" (:mod:`cnn_course.neocognitron`).

As in the other chapters' charts, every number the page shows is computed here, in Python;
the page only filters it as the sliders move. Grids of planes are stored compactly: one
data row per picture holding its values as a string of digits (quantised to :data:`LEVELS`
levels, one character per value), which the page splits and unfolds with Vega-Lite's
``calculate``, ``flatten`` and ``window`` transforms.

* :func:`shift_curve_chart`: accuracy against shift size, one line per model (the table of
  :func:`cnn_course.neocognitron.shift_accuracy`).
* :func:`planes_chart`: small pictures side by side: the S-planes' weights, or the input
  patches that excite each plane most.
* :func:`responses_chart`: the interactive figure. Sliders (Vega-Lite parameters
  ``shift`` and ``noise``) move one test digit to the right and add noise; beside it, the
  C1 and C2 planes of the Neocognitron for that input, both models' answers, and how much
  the input and each C-layer changed from the untouched digit. The data comes from
  :func:`responses_data`.

Examples
--------
>>> import pandas as pd
>>> table = pd.DataFrame({"model": ["a", "a"], "shift": [0, 1], "accuracy": [0.9, 0.8]})
>>> shift_curve_chart(table).to_dict()["mark"]["type"]
'line'
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import altair as alt
import numpy as np
import pandas as pd
from numpy.typing import ArrayLike, NDArray

from cnn_course._validation import as_finite_array, as_int
from cnn_course.metrics import relative_change
from cnn_course.neocognitron.model import Neocognitron
from cnn_course.neocognitron.robustness import add_noise, shift_images
from cnn_course.viz import style

__all__ = [
    "LEVELS",
    "MODEL_COLORS",
    "planes_chart",
    "responses_chart",
    "responses_data",
    "shift_curve_chart",
    "unpack",
]

#: Grey levels of the pictures stored in the charts (values 0 .. LEVELS - 1).
LEVELS = 10
#: Colours of the two models, shared with the ipywidgets explorer.
MODEL_COLORS = {"Neocognitron": "#e6550d", "pixel template matcher": "#3182bd"}
#: Colour ramp of the responses (dark = silent, bright = strong), shared with the explorer.
RESPONSE_RANGE = ["#000004", "#3b0f70", "#8c2981", "#de4968", "#fe9f6d", "#fcfdbf"]
_GREYS = ["#000000", "#ffffff"]


# ---------------------------------------------------------------------------------------
# The shift curve
# ---------------------------------------------------------------------------------------


def shift_curve_chart(table: pd.DataFrame, *, width: int = 360, height: int = 220) -> alt.Chart:
    """Accuracy against shift size, one line per model, with the values as tooltips.

    Parameters
    ----------
    table : pandas.DataFrame
        Columns ``model``, ``shift`` (pixels) and ``accuracy`` (0..1), as returned by
        :func:`cnn_course.neocognitron.shift_accuracy`.
    width, height : int
        Size of the plot in pixels.

    Returns
    -------
    altair.Chart
    """
    if not isinstance(table, pd.DataFrame):
        raise TypeError(f"table must be a pandas DataFrame, got {type(table).__name__}")
    missing = {"model", "shift", "accuracy"} - set(table.columns)
    if missing:
        raise ValueError(f"table must have the columns model, shift and accuracy; missing {sorted(missing)}")
    data = table[["model", "shift", "accuracy"]].copy()
    data["shift"] = data["shift"].astype(int)
    data["accuracy"] = data["accuracy"].astype(float).round(4)
    models = list(dict.fromkeys(data["model"]))
    palette = [MODEL_COLORS.get(m, c) for m, c in zip(models, ["#e6550d", "#3182bd", "#31a354", "#756bb1", "#636363"] * 4)]
    color = alt.Color("model:N", scale=alt.Scale(domain=models, range=palette), legend=alt.Legend(orient="bottom", title=None))
    shifts = sorted(data["shift"].unique().tolist())
    return (
        alt.Chart(data)
        .mark_line(point=alt.OverlayMarkDef(size=60, filled=True), strokeWidth=2.5)
        .encode(
            x=alt.X("shift:Q", title="shift of the test digits (pixels)", scale=alt.Scale(domain=[shifts[0], shifts[-1]]),
                    axis=alt.Axis(values=shifts, format="d")),
            y=alt.Y("accuracy:Q", title="test accuracy", scale=alt.Scale(domain=[0, 1]), axis=alt.Axis(format="%")),
            color=color,
            tooltip=[alt.Tooltip("model:N"), alt.Tooltip("shift:Q", title="shift (px)"),
                     alt.Tooltip("accuracy:Q", format=".1%")],
        )
        .properties(width=width, height=height)
    )


# ---------------------------------------------------------------------------------------
# Grids of small pictures
# ---------------------------------------------------------------------------------------


def _quantise(values: NDArray[np.float64], top: NDArray[np.float64] | float) -> str:
    """Values scaled by ``top`` (broadcast) to digits 0 .. LEVELS - 1, as one string.

    One character per value keeps the charts small; the page splits the string.

    Examples
    --------
    >>> _quantise(np.array([0.0, 0.5, 1.0, 2.0]), 1.0)
    '0599'
    """
    top = np.maximum(np.asarray(top, dtype=np.float64), 1e-12)
    q = np.floor(np.clip(values / top, 0.0, 1.0) * (LEVELS - 1) + 0.5).astype(int)
    return "".join(map(str, q.ravel().tolist()))


def unpack(text: str) -> list[int]:
    """The values of a picture stored by the charts (the inverse of their quantisation).

    Examples
    --------
    >>> unpack("0599")
    [0, 5, 9, 9]
    """
    return [int(c) for c in text]


def _grid(
    data: alt.Data | pd.DataFrame | dict[str, Any],
    filter_expr: str | None,
    shape: tuple[int, int, int],
    columns: int,
    px: float,
    scale: alt.Scale,
    title: str | alt.Title,
) -> alt.Chart:
    """Rect marks for ``planes`` pictures of h x w cells stored flattened (plane, row, col)
    as a string of digits in the field ``t`` of the (one, after filtering) data row; tiled in
    ``columns``."""
    planes, h, w = shape
    rows_of_tiles = -(-planes // columns)
    width_cells, height_cells = columns * (w + 1) - 1, rows_of_tiles * (h + 1) - 1
    chart = alt.Chart(data)
    if filter_expr:
        chart = chart.transform_filter(filter_expr)
    axis = {"axis": None}
    return (
        chart.transform_calculate(v="split(datum.t, '')")
        .transform_flatten(["v"])
        .transform_calculate(v="toNumber(datum.v)")
        .transform_window(i="row_number()")
        .transform_calculate(q=f"datum.i - 1")
        .transform_calculate(p=f"floor(datum.q / {h * w})", r=f"floor((datum.q % {h * w}) / {w})", c=f"datum.q % {w}")
        .transform_calculate(
            x0=f"(datum.p % {columns}) * {w + 1} + datum.c",
            y0=f"floor(datum.p / {columns}) * {h + 1} + datum.r",
        )
        .transform_calculate(x1="datum.x0 + 1", y1="datum.y0 + 1")
        .mark_rect(strokeWidth=0.6)
        .encode(
            x=alt.X("x0:Q", scale=alt.Scale(domain=[0, width_cells], nice=False, zero=False), **axis),
            x2="x1:Q",
            y=alt.Y("y0:Q", scale=alt.Scale(domain=[0, height_cells], nice=False, zero=False, reverse=True), **axis),
            y2="y1:Q",
            color=alt.Color("v:Q", scale=scale, legend=None),
            stroke=alt.Stroke("v:Q", scale=scale, legend=None),
        )
        .properties(width=round(width_cells * px), height=round(height_cells * px), view=style.NO_FRAME,
                    title=style.title(title))
    )


def _grey_scale() -> alt.Scale:
    return alt.Scale(domain=[0, LEVELS - 1], range=_GREYS, interpolate="rgb")


def _response_scale() -> alt.Scale:
    return alt.Scale(domain=[0, LEVELS - 1], range=RESPONSE_RANGE)


def planes_chart(
    pictures: ArrayLike,
    title: str = "",
    *,
    columns: int | None = None,
    cell_px: float = 8,
    symmetric: bool = False,
) -> alt.Chart:
    """Small pictures side by side (grey: lowest black, highest white), each scaled on its own.

    Parameters
    ----------
    pictures : array_like, shape (planes, h, w), or (h, w, 1, planes) S-layer weights
        E.g. ``model.weights[0]`` (the S1 planes) or ``model.preferred_patches(images)``.
    title : str
    columns : int, optional
        Pictures per row (default: all in one row up to 16).
    cell_px : float
        Side of one pixel of a picture, in screen pixels.
    symmetric : bool
        Scale each picture by its largest absolute value with mid-grey at 0 (for weights
        that can be negative); default: from 0 (black) to its maximum (white).

    Returns
    -------
    altair.Chart

    Examples
    --------
    >>> spec = planes_chart(np.random.default_rng(0).random((8, 5, 5)), "S1").to_dict()
    >>> spec["width"], len(spec["data"]["values"][0]["t"])
    (376, 200)
    """
    array = as_finite_array(pictures, "pictures", (3, 4))
    if array.ndim == 4:
        if array.shape[2] != 1:
            raise ValueError(f"pictures: 4-D weights must have one input channel (k, k, 1, planes), got {array.shape}")
        array = array[:, :, 0, :].transpose(2, 0, 1)
    planes, h, w = array.shape
    columns = min(planes, 16) if columns is None else as_int(columns, "columns", 1)
    px = float(as_finite_array(cell_px, "cell_px", 0))
    if px <= 0:
        raise ValueError(f"cell_px must be > 0, got {px:g}")
    if symmetric:
        top = np.abs(array).reshape(planes, -1).max(axis=1)[:, None, None]
        values = _quantise((array / np.maximum(top, 1e-12) + 1.0) / 2.0, 1.0)
    else:
        shifted = array - np.minimum(array.reshape(planes, -1).min(axis=1), 0.0)[:, None, None]
        values = _quantise(shifted, shifted.reshape(planes, -1).max(axis=1)[:, None, None])
    data = alt.Data(values=[{"t": values}])
    return _grid(data, None, (planes, h, w), columns, px, _grey_scale(), title)


# ---------------------------------------------------------------------------------------
# The interactive figure
# ---------------------------------------------------------------------------------------


def responses_data(
    model: Neocognitron,
    image: ArrayLike,
    *,
    label: int | None = None,
    matcher: Any = None,
    shifts: Sequence[int] = (0, 1, 2, 3, 4),
    noise_levels: Sequence[float] = (0, 64, 128),
    seed: int = 0,
) -> dict[str, list[dict[str, Any]]]:
    """The rows behind :func:`responses_chart`.

    For every shift ``s`` (pixels to the right) and noise level index ``n`` (Gaussian
    noise of ``noise_levels[n]`` grey levels, seeded): the moved digit and the model's C1
    and C2 planes (and any further C-layers), quantised to 0 .. :data:`LEVELS` - 1, each
    plane scaled by its largest value over all settings; and one summary row.

    Returns
    -------
    dict
        ``"pictures"``: rows ``{"s", "n", "l" (layer name), "t" (the values, plane-major, one
        digit each: see :func:`unpack`)}``;
        ``"summary"``: rows ``{"s", "n", "sd" (the noise level), "neo", "pix"
        (predictions; -1 without a matcher), "label" (-1 if unknown), "d_input", "d_C1",
        ... (:func:`~cnn_course.metrics.relative_change` from the untouched digit, rounded to 3 decimals)}``;
        ``"shapes"``: ``{layer: [planes, h, w]}``.
    """
    if not isinstance(model, Neocognitron):
        raise TypeError(f"model must be a fitted Neocognitron, got {type(model).__name__}")
    model._require_readout()
    picture = as_finite_array(image, "image", 2)
    shifts = [as_int(s, "shifts", 0) for s in shifts]
    levels = [float(v) for v in as_finite_array(list(noise_levels), "noise_levels", 1)]
    if not shifts:
        raise ValueError("shifts must not be empty")
    if min(levels) < 0:
        raise ValueError(f"noise_levels must be >= 0, got {min(levels):g}")
    if matcher is not None and not callable(getattr(matcher, "predict", None)):
        raise TypeError("matcher must have a predict method (e.g. a fitted PixelTemplateMatcher)")
    settings = [(s, n) for n in range(len(levels)) for s in shifts]
    inputs = np.stack([add_noise(shift_images(picture, s, 0), levels[n], seed=seed) for s, n in settings])
    c_names = [f"C{i}" for i in range(1, len(model.stages) + 1)]
    responses = [model.layer_responses(x) for x in inputs]
    reference = model.layer_responses(picture)
    neo = model.predict(inputs).tolist()
    pix = matcher.predict(inputs).tolist() if matcher is not None else [-1] * len(inputs)
    pictures, summary = [], []
    tops = {name: np.max([r[name] for r in responses], axis=(0, 1, 2)) for name in c_names}
    for index, (s, n) in enumerate(settings):
        pictures.append({"s": s, "n": n, "l": "input", "t": _quantise(inputs[index], 255.0)})
        level = int(levels[n]) if float(levels[n]).is_integer() else levels[n]
        row: dict[str, Any] = {"s": s, "n": n, "sd": level, "neo": int(neo[index]), "pix": int(pix[index]),
                               "label": -1 if label is None else as_int(label, "label", 0),
                               "d_input": round(relative_change(inputs[index], picture), 3)}
        for name in c_names:
            planes = responses[index][name].transpose(2, 0, 1)  # plane-major
            pictures.append({"s": s, "n": n, "l": name, "t": _quantise(planes, tops[name][:, None, None])})
            row[f"d_{name}"] = round(relative_change(responses[index][name], reference[name]), 3)
        summary.append(row)
    shapes = {"input": [1, *picture.shape]}
    shapes.update({name: [int(reference[name].shape[2]), *map(int, reference[name].shape[:2])] for name in c_names})
    return {"pictures": pictures, "summary": summary, "shapes": shapes}


def responses_chart(
    model: Neocognitron,
    image: ArrayLike,
    *,
    label: int | None = None,
    matcher: Any = None,
    shifts: Sequence[int] = (0, 1, 2, 3, 4),
    noise_levels: Sequence[float] = (0, 64, 128),
    seed: int = 0,
) -> alt.VConcatChart:
    """Move a digit and add noise with sliders; see the C-layers and both models' answers.

    Parameters
    ----------
    model : Neocognitron
        Fitted, readout included.
    image : array_like, 2-D
        One digit, grey levels 0..255.
    label : int, optional
        Its true class, to mark the answers right or wrong.
    matcher : PixelTemplateMatcher, optional
        The baseline whose answer is shown too.
    shifts : sequence of int
        Shifts to the right offered by the ``shift`` slider (pixels).
    noise_levels : sequence of float
        Noise standard deviations (grey levels) offered by the ``noise`` slider, which
        runs over their indices.
    seed : int
        Seed of the noise (the same noise pattern at every shift).

    Returns
    -------
    altair.VConcatChart
        With two parameters, ``shift`` and ``noise`` (sliders).
    """
    data = responses_data(model, image, label=label, matcher=matcher, shifts=shifts,
                          noise_levels=noise_levels, seed=seed)
    shifts = sorted({row["s"] for row in data["summary"]})
    levels = [float(v) for v in noise_levels]
    shift = alt.param(name="shift", value=shifts[0],
                      bind=alt.binding_range(min=shifts[0], max=shifts[-1], step=1, name="shift to the right (pixels) "))
    noise = alt.param(name="noise", value=0,
                      bind=alt.binding_range(min=0, max=len(levels) - 1, step=1,
                                             name=f"noise level ({', '.join(f'{v:g}' for v in levels)} grey levels) "))
    # a shift not offered shows the largest offered shift below it
    snap = [max([s for s in shifts if s <= v], default=shifts[0]) for v in range(shifts[-1] + 1)]
    pictures = alt.Data(values=data["pictures"])
    where = f"datum.s == {snap}[shift] && datum.n == noise"
    panels = []
    # columns of tiles and screen pixels per cell: the whole row fits a 680-pixel page
    sizes = {"input": (1, 5.0), "C1": (4, 4.0), "C2": (8, 4.0)}
    for name, (planes, h, w) in data["shapes"].items():
        columns, px = sizes.get(name, (8, 6.0))
        scale = _grey_scale() if name == "input" else _response_scale()
        label_text = "input" if name == "input" else f"{name}: {planes} planes of {h}×{w}"
        panels.append(_grid(pictures, f"{where} && datum.l == '{name}'", (planes, h, w), columns, px, scale, label_text))
    summary = alt.Data(values=data["summary"])
    c_names = [n for n in data["shapes"] if n != "input"]
    changes = " + ', ' + ".join([f"'{n} ' + format(datum.d_{n}, '.0%')" for n in c_names])
    verdict = "(datum.label < 0 ? '' : (datum.{0} == datum.label ? ' ✓' : ' ✗'))"
    lines = [
        ("'Neocognitron: ' + datum.neo + " + verdict.format("neo"), MODEL_COLORS["Neocognitron"]),
        ("datum.pix < 0 ? '' : 'pixel template matcher: ' + datum.pix + " + verdict.format("pix"),
         MODEL_COLORS["pixel template matcher"]),
        ("'shift ' + datum.s + ' px, noise ' + datum.sd + ' grey levels. Change from the untouched digit: input ' "
         "+ format(datum.d_input, '.0%') + ', ' + " + changes, "#333333"),
    ]
    text = alt.layer(*[
        alt.Chart(summary).transform_filter(f"datum.s == {snap}[shift] && datum.n == noise")
        .transform_calculate(t=expr)
        .mark_text(align="left", baseline="top", fontSize=13, font="sans-serif", color=colour, fontWeight="bold" if k < 2 else "normal")
        .encode(x=alt.value(0), y=alt.value(18 * k), text="t:N")
        for k, (expr, colour) in enumerate(lines)
    ]).properties(width=640, height=54, view=style.NO_FRAME)
    row = alt.hconcat(*panels, spacing=18).resolve_scale(color="independent", stroke="independent")
    return alt.vconcat(row, text, spacing=6).add_params(shift, noise)
