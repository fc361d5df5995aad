"""Kernel-free Altair charts of the simple- and complex-cell models (:mod:`cnn_course.vision`).

As in :mod:`cnn_course.convolution.charts`, every number the page shows is computed
here, in Python, by the models; the page only filters it as the sliders move. The
stimulus pictures are the exception that proves the rule: they are drawn by a Vega
expression (the same formula as :func:`cnn_course.vision.bar` and
:func:`~cnn_course.vision.grating`, tested against them), so that no pixels need to be
stored.

* :func:`cell_explorer_chart`: the interactive figure. Sliders (Vega-Lite parameters
  ``orientation``, ``position`` and ``phase``) set a bar and a grating; beside each
  stimulus, the three cells' rates against bar position (or grating phase) at that
  orientation, the current one marked, and the current rates written out.
* :func:`receptive_field_chart`: the receptive fields as weight maps.
* :func:`sweep_chart`: the replayed experiment: spike rasters over the rate, one row per
  bar orientation, one column per cell.
* :func:`tuning_chart` and :func:`response_chart`: tuning curves, and rates against time,
  position or phase.

The rows behind the interactive chart are available from :func:`cell_explorer_data`.

Examples
--------
>>> spec = cell_explorer_chart().to_dict()
>>> sorted(p["name"] for p in spec["params"])
['orientation', 'phase', 'position']
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import altair as alt
import numpy as np
import pandas as pd
from numpy.typing import ArrayLike

from cnn_course._validation import as_finite_array, as_int
from cnn_course.vision import (
    ComplexCell,
    SimpleCell,
    SweepExperiment,
    TuningCurve,
    bar,
    grating,
    standard_cells,
)
from cnn_course.viz import style

__all__ = [
    "CELL_COLORS",
    "cell_explorer_chart",
    "cell_explorer_data",
    "receptive_field_chart",
    "response_chart",
    "stimulus_expressions",
    "sweep_chart",
    "tuning_chart",
]

#: Colours of the chapter's three cells, shared with :mod:`cnn_course.vision.explorers`.
CELL_COLORS: dict[str, str] = {
    "simple": "#e6550d",
    "complex (energy)": "#3182bd",
    "complex (max)": "#31a354",
}
_EXTRA_COLORS = ["#756bb1", "#636363", "#e7ba52", "#843c39"]
GREYS = alt.Scale(domain=[-1, 1], range=["#000000", "#ffffff"], interpolate="rgb")


def _colors(names: Sequence[str]) -> alt.Scale:
    extra = iter(_EXTRA_COLORS)
    return alt.Scale(domain=list(names), range=[CELL_COLORS.get(n) or next(extra, "#999999") for n in names])


def _check_cells(cells: Any) -> dict[str, Any]:
    if cells is None:
        return standard_cells()
    if not isinstance(cells, Mapping) or not cells:
        raise TypeError(f"cells must be a non-empty mapping of names to cells, got {type(cells).__name__}")
    for name, cell in cells.items():
        if not isinstance(name, str):
            raise TypeError(f"cells must be keyed by names (str), got {name!r}")
        if not isinstance(cell, (SimpleCell, ComplexCell)):
            raise TypeError(f"cells[{name!r}] must be a SimpleCell or ComplexCell, got {type(cell).__name__}")
    sizes = {cell.size for cell in cells.values()}
    if len(sizes) != 1:
        raise ValueError(f"cells must all see images of one size, got sizes {sorted(sizes)}")
    return dict(cells)


def _r(x: float, decimals: int = 1) -> int | float:
    v = round(float(x), decimals)
    return 0 if v == 0 else (int(v) if v.is_integer() else v)


# ---------------------------------------------------------------------------------------
# Stimuli drawn by the page
# ---------------------------------------------------------------------------------------


def stimulus_expressions(kind: str, size: int, *, spatial_frequency: float = 0.125, width: float = 4.0,
                         contrast: float = 1.0) -> dict[str, str]:
    """Vega expressions that draw a stimulus from a pixel index ``datum.i`` (row by row).

    They give ``x``, ``y`` (pixel centre, from the image centre, y up), ``d`` (distance
    along the normal of the orientation held in the parameter ``orientation``, degrees)
    and ``v``, the stimulus value: for ``kind="bar"`` a bar at ``position`` (parameter),
    as :func:`cnn_course.vision.bar`; for ``kind="grating"`` a grating at ``phase``
    (parameter, **degrees**), as :func:`cnn_course.vision.grating`.

    Examples
    --------
    >>> stimulus_expressions("grating", 8)["v"]
    '1.0 * cos(2 * PI * 0.125 * datum.d + phase * PI / 180)'
    """
    size = as_int(size, "size", 2)
    c = (size - 1) / 2
    common = {
        "x": f"(datum.i % {size}) - {c}",
        "y": f"{c} - floor(datum.i / {size})",
        "d": "datum.x * sin(orientation * PI / 180) - datum.y * cos(orientation * PI / 180)",
    }
    if kind == "bar":
        common["v"] = f"{float(contrast)} * clamp({float(width) / 2} + 0.5 - abs(datum.d - position), 0, 1)"
    elif kind == "grating":
        common["v"] = f"{float(contrast)} * cos(2 * PI * {float(spatial_frequency)} * datum.d + phase * PI / 180)"
    else:
        raise ValueError(f"kind must be one of 'bar', 'grating'; got {kind!r}")
    return common


def _stimulus_panel(kind: str, size: int, px: float, radius: float, title: str, **options: Any) -> alt.LayerChart:
    half = size / 2
    scale_x = alt.Scale(domain=[-half, half], nice=False, zero=False)
    scale_y = alt.Scale(domain=[-half, half], nice=False, zero=False)
    chart = alt.Chart(alt.sequence(0, size * size, as_="i"))
    for name, expr in stimulus_expressions(kind, size, **options).items():
        chart = chart.transform_calculate(**{name: expr})
    cells = (
        chart.transform_calculate(x0="datum.x - 0.5", x1="datum.x + 0.5", y0="datum.y - 0.5", y1="datum.y + 0.5")
        .mark_rect(strokeWidth=0.4)
        .encode(
            x=alt.X("x0:Q", scale=scale_x, axis=None),
            x2="x1:Q",
            y=alt.Y("y0:Q", scale=scale_y, axis=None),
            y2="y1:Q",
            color=alt.Color("v:Q", scale=GREYS, legend=None),
            stroke=alt.Stroke("v:Q", scale=GREYS, legend=None),
        )
    )
    diameter = 2 * radius * px
    outline = (
        alt.Chart(alt.Data(values=[{"x": 0, "y": 0}]))
        .mark_point(shape="circle", filled=False, size=diameter**2, color="#e6550d", strokeWidth=1.5, strokeDash=[4, 3])
        .encode(x=alt.X("x:Q", scale=scale_x, axis=None), y=alt.Y("y:Q", scale=scale_y, axis=None))
    )
    return alt.layer(cells, outline).properties(
        width=size * px, height=size * px, view=style.NO_FRAME, title=style.title(title)
    )


# ---------------------------------------------------------------------------------------
# The interactive figure
# ---------------------------------------------------------------------------------------


def cell_explorer_data(
    cells: Mapping[str, Any] | None = None,
    *,
    orientations: Sequence[float] = tuple(range(0, 180, 10)),
    positions: Sequence[float] = tuple(range(-12, 13)),
    phases: Sequence[float] = tuple(range(0, 360, 30)),
    bar_width: float | None = None,
    contrast: float = 1.0,
) -> dict[str, Any]:
    """The rows behind :func:`cell_explorer_chart`: every cell's rate to every stimulus.

    Returns
    -------
    dict
        ``"bar"``: rows ``o`` (orientation, degrees), ``p`` (bar position, pixels), ``k``
        (cell name), ``r`` (rate, spikes/s, one decimal); ``"grating"``: rows ``o``,
        ``f`` (phase, **degrees**), ``k``, ``r``; ``"meta"``: the grids, the cells'
        names, size, spatial frequency, receptive-field radius (2 sigma), bar width.

    Examples
    --------
    >>> d = cell_explorer_data(orientations=[90], positions=[0], phases=[0, 180])
    >>> [(row["k"], row["r"]) for row in d["bar"]]
    [('simple', 50.3), ('complex (energy)', 50.3), ('complex (max)', 50.3)]
    """
    cells = _check_cells(cells)
    first = next(iter(cells.values()))
    size, f = first.size, first.spatial_frequency
    o_grid = [float(o) for o in as_finite_array(orientations, "orientations", 1)]
    p_grid = [float(p) for p in as_finite_array(positions, "positions", 1)]
    f_grid = [float(p) for p in as_finite_array(phases, "phases", 1)]
    width = first.period / 2 if bar_width is None else float(bar_width)
    bars = np.stack([bar(size, o, p, width, None, contrast) for o in o_grid for p in p_grid])
    gratings = np.stack([grating(size, o, f, np.deg2rad(ph), contrast) for o in o_grid for ph in f_grid])
    bar_rows, grating_rows = [], []
    for name, cell in cells.items():
        rb = np.asarray(cell.respond(bars)).reshape(len(o_grid), len(p_grid))
        rg = np.asarray(cell.respond(gratings)).reshape(len(o_grid), len(f_grid))
        for i, o in enumerate(o_grid):
            bar_rows += [{"o": _r(o, 3), "p": _r(p, 3), "k": name, "r": _r(rb[i, j])} for j, p in enumerate(p_grid)]
            grating_rows += [{"o": _r(o, 3), "f": _r(ph, 3), "k": name, "r": _r(rg[i, j])} for j, ph in enumerate(f_grid)]
    meta = {
        "names": list(cells),
        "size": size,
        "spatial_frequency": f,
        "radius": 2 * first.sigma,
        "bar_width": width,
        "contrast": contrast,
        "orientations": o_grid,
        "positions": p_grid,
        "phases": f_grid,
        "max_rate": max(cell.max_rate for cell in cells.values()),
    }
    return {"bar": bar_rows, "grating": grating_rows, "meta": meta}


def _slider(name: str, grid: Sequence[float], value: float, label: str) -> alt.Parameter:
    steps = np.diff(grid)
    step = float(steps[0]) if steps.size else 1.0
    if steps.size and not np.allclose(steps, step):
        raise ValueError(f"{name} values must be evenly spaced for a slider, got {list(grid)}")
    return alt.param(name=name, value=_r(value, 3),
                     bind=alt.binding_range(min=_r(grid[0], 3), max=_r(grid[-1], 3), step=_r(step, 3), name=label))


def _coded(rows: list[dict], names: list[str]) -> pd.DataFrame:
    """Rows with the cell name ``k`` replaced by its index ``c`` (a smaller page)."""
    index = {name: i for i, name in enumerate(names)}
    frame = pd.DataFrame(rows)
    frame["c"] = frame.pop("k").map(index).astype(np.int64)
    for column in frame.columns:
        values = frame[column].to_numpy()
        if values.dtype.kind == "f" and np.all(np.mod(values, 1) == 0):
            frame[column] = values.astype(np.int64)
    return frame


def _named(chart: alt.Chart, names: list[str]) -> alt.Chart:
    return chart.transform_calculate(k=f"{list(names)!r}[datum.c]")


def _curves(rows: list[dict], x_field: str, x_title: str, param: str, names: list[str], top: float,
            width: float, height: float, title: str) -> alt.LayerChart:
    data = _coded(rows, names)
    color = alt.Color("k:N", scale=_colors(names), title=None,
                      legend=alt.Legend(orient="bottom", direction="horizontal", labelLimit=200))
    y = alt.Y("r:Q", title="rate (spikes/s)", scale=alt.Scale(domain=[0, top]))
    x = alt.X(f"{x_field}:Q", title=x_title)
    base = _named(alt.Chart(data).transform_filter("datum.o == orientation"), names)
    lines = base.mark_line(strokeWidth=2, interpolate="linear").encode(x=x, y=y, color=color)
    now = base.transform_filter(f"datum.{x_field} == {param}").mark_point(filled=True, size=60).encode(
        x=x, y=y, color=alt.Color("k:N", scale=_colors(names), legend=None))
    rule = (
        alt.Chart(alt.Data(values=[{}]))
        .transform_calculate(at=param)
        .mark_rule(color="#888888", strokeDash=[3, 3])
        .encode(x="at:Q")
    )
    return alt.layer(lines, rule, now).properties(width=width, height=height, title=style.title(title))


def _readout(rows: list[dict], x_field: str, param: str, names: list[str], top: float, title: str) -> alt.LayerChart:
    base = _named(alt.Chart(_coded(rows, names)).transform_filter(
        f"datum.o == orientation && datum.{x_field} == {param}"), names)
    y = alt.Y("k:N", sort=names, title=None, axis=alt.Axis(labelLimit=120, ticks=False, domain=False))
    x = alt.X("r:Q", scale=alt.Scale(domain=[0, top]), title="rate now (spikes/s)")
    bars = base.mark_bar(height=14).encode(x=x, y=y, color=alt.Color("k:N", scale=_colors(names), legend=None))
    text = (
        base.transform_calculate(t="format(datum.r, '.1f')")
        .mark_text(align="left", dx=4, fontSize=11)
        .encode(x=x, y=y, text="t:N")
    )
    return alt.layer(bars, text).properties(width=120, height=len(names) * 24, title=style.title(title))


def cell_explorer_chart(
    cells: Mapping[str, Any] | None = None,
    *,
    orientations: Sequence[float] = tuple(range(0, 180, 10)),
    positions: Sequence[float] = tuple(range(-12, 13)),
    phases: Sequence[float] = tuple(range(0, 360, 30)),
    bar_width: float | None = None,
    contrast: float = 1.0,
    pixel_px: float = 3.0,
) -> alt.VConcatChart:
    """The cells and their stimuli, with sliders: a Vega-Lite chart that needs no kernel.

    Parameters
    ----------
    cells : mapping of str to SimpleCell or ComplexCell, optional
        Default :func:`cnn_course.vision.standard_cells` (preferring vertical, 90 degrees).
    orientations, positions, phases : sequences of numbers, evenly spaced
        The slider values: stimulus orientation (degrees), bar position (pixels along the
        normal) and grating phase (**degrees**).
    bar_width : float, optional
        Default half the cells' period.
    contrast : float
        Of both stimuli.
    pixel_px : float
        Screen pixels per image pixel.

    Returns
    -------
    altair.VConcatChart
        With three parameters bound to sliders: ``orientation``, ``position`` and
        ``phase``.

    Examples
    --------
    >>> spec = cell_explorer_chart(orientations=[0, 90], positions=[-1, 0, 1], phases=[0, 180]).to_dict()
    >>> [(p["name"], p["bind"]["min"], p["bind"]["max"]) for p in spec["params"]]
    [('orientation', 0, 90), ('position', -1, 1), ('phase', 0, 180)]
    """
    data = cell_explorer_data(cells, orientations=orientations, positions=positions, phases=phases,
                              bar_width=bar_width, contrast=contrast)
    meta = data["meta"]
    names, size = meta["names"], meta["size"]
    px = float(pixel_px)
    o_grid, p_grid, f_grid = meta["orientations"], meta["positions"], meta["phases"]
    preferred = next(iter(_check_cells(cells).values())).orientation if cells else 90.0
    start_o = min(o_grid, key=lambda o: abs(o - preferred))
    params = [
        _slider("orientation", o_grid, start_o, "stimulus orientation (degrees) "),
        _slider("position", p_grid, min(p_grid, key=abs), "bar position (pixels) "),
        _slider("phase", f_grid, f_grid[0], "grating phase (degrees) "),
    ]
    top = float(np.ceil(max(max(r["r"] for r in data["bar"]), max(r["r"] for r in data["grating"]), 1.0) / 10) * 10)
    side = size * px
    radius = meta["radius"]
    bar_stim = _stimulus_panel("bar", size, px, radius, "bar", width=meta["bar_width"], contrast=contrast)
    grating_stim = _stimulus_panel("grating", size, px, radius, "grating",
                                   spatial_frequency=meta["spatial_frequency"], contrast=contrast)
    bar_curves = _curves(data["bar"], "p", "bar position (pixels)", "position", names, top, 250, side,
                         "rate against bar position, at this orientation")
    grating_curves = _curves(data["grating"], "f", "grating phase (degrees)", "phase", names, top, 250, side,
                             "rate against grating phase, at this orientation")
    bar_now = _readout(data["bar"], "p", "position", names, top, "this bar")
    grating_now = _readout(data["grating"], "f", "phase", names, top, "this grating")
    row = dict(spacing=18)
    chart = (
        alt.vconcat(
            alt.hconcat(bar_stim, bar_curves, bar_now, **row).resolve_scale(color="independent"),
            alt.hconcat(grating_stim, grating_curves, grating_now, **row).resolve_scale(color="independent"),
            spacing=16,
            params=[p.param for p in params],
        )
        .resolve_scale(color="independent")
        .properties(title=style.title(
            "Move the sliders: the stimulus changes, and with it each cell's rate (dashed circle: the receptive field)",
            fontSize=13, fontWeight=None))
    )
    return chart


# ---------------------------------------------------------------------------------------
# Static figures
# ---------------------------------------------------------------------------------------


def receptive_field_chart(
    fields: Mapping[str, ArrayLike] | None = None,
    *,
    crop: int | None = 24,
    cell_px: float = 6.0,
) -> alt.HConcatChart:
    """Receptive fields as weight maps: red ON (light excites), blue OFF, white zero.

    Parameters
    ----------
    fields : mapping of str to 2-D array, optional
        Titles and weights (e.g. ``cell.receptive_field``); default the energy model's
        quadrature pair for a vertical preference: the simple cell's receptive field
        (phase 0) and its partner (phase 90 degrees).
    crop : int, optional
        Show only the central ``crop`` x ``crop`` pixels (default 24).
    cell_px : float
        Screen pixels per weight.

    Examples
    --------
    >>> spec = receptive_field_chart({"a": np.eye(4)}, crop=None).to_dict()
    >>> len(spec["hconcat"])
    1
    """
    if fields is None:
        pair = ComplexCell(90.0).subunits
        fields = {
            "phase 0: the simple cell (ON centre, OFF flanks)": pair[0].receptive_field,
            "phase 90°: its quadrature partner (an edge detector)": pair[1].receptive_field,
        }
    if not isinstance(fields, Mapping) or not fields:
        raise TypeError("fields must be a non-empty mapping of titles to 2-D arrays")
    panels = []
    for title, weights in fields.items():
        w = as_finite_array(weights, f"fields[{title!r}]", 2)
        if crop is not None:
            k = as_int(crop, "crop", 1)
            r0, c0 = max(0, (w.shape[0] - k) // 2), max(0, (w.shape[1] - k) // 2)
            w = w[r0 : r0 + k, c0 : c0 + k]
        h, wd = w.shape
        limit = float(np.abs(w).max()) or 1.0
        rows = [{"i": i, "w": _r(100 * v / limit, 0)} for i, v in enumerate(w.ravel())]
        chart = (
            alt.Chart(pd.DataFrame(rows))
            .transform_calculate(c=f"datum.i % {wd}", r=f"floor(datum.i / {wd})")
            .transform_calculate(c1="datum.c + 1", r1="datum.r + 1")
            .mark_rect(strokeWidth=0.4)
            .encode(
                x=alt.X("c:Q", scale=alt.Scale(domain=[0, wd], nice=False), axis=None),
                x2="c1:Q",
                y=alt.Y("r:Q", scale=alt.Scale(domain=[0, h], nice=False, reverse=True), axis=None),
                y2="r1:Q",
                color=alt.Color("w:Q", scale=alt.Scale(domain=[-100, 0, 100], range=["#2166ac", "#ffffff", "#d6604d"],
                                                       interpolate="rgb"), legend=None),
                stroke=alt.Stroke("w:Q", scale=alt.Scale(domain=[-100, 0, 100],
                                                         range=["#2166ac", "#ffffff", "#d6604d"],
                                                         interpolate="rgb"), legend=None),
                tooltip=[alt.Tooltip("w:Q", title="weight (% of largest)")],
            )
            .properties(width=wd * cell_px, height=h * cell_px, view=style.NO_FRAME, title=style.title(title))
        )
        panels.append(chart)
    return alt.hconcat(*panels, spacing=24).resolve_scale(color="independent", stroke="independent")


def sweep_chart(
    experiments: Mapping[str, SweepExperiment],
    *,
    max_rate: float | None = None,
    width: float = 170,
    row_height: float = 40,
) -> alt.FacetChart:
    """The replayed experiment: spikes of every trial (ticks) over the rate (shaded).

    One row per bar orientation, one column per cell. The shaded area is the cell's rate,
    scaled so that the top of a row is ``max_rate`` spikes/s (default: the highest rate,
    rounded up to a multiple of 10).

    Parameters
    ----------
    experiments : mapping of str to SweepExperiment
        Cell names and the results of :func:`cnn_course.vision.bar_sweep_experiment`,
        all with the same orientations and number of trials.

    Examples
    --------
    >>> from cnn_course.vision import SimpleCell, bar_sweep_experiment
    >>> exp = bar_sweep_experiment(SimpleCell(90), [0, 90], n_trials=2)
    >>> spec = sweep_chart({"simple": exp}).to_dict()
    >>> spec["facet"]["row"]["field"], spec["facet"]["column"]["field"]
    ('o', 'c')
    """
    if not isinstance(experiments, Mapping) or not experiments:
        raise TypeError("experiments must be a non-empty mapping of cell names to SweepExperiment results")
    rows = []
    n_trials = 1
    names = list(experiments)
    for name, exp in experiments.items():
        if not isinstance(exp, SweepExperiment):
            raise TypeError(f"experiments[{name!r}] must be a SweepExperiment, got {type(exp).__name__}")
        n_trials = max(n_trials, int(exp.spikes["trial"].max()) + 1 if len(exp.spikes) else 1)
        c = names.index(name)
        rows += [{"c": c, "o": o, "t": _r(t, 3), "r": _r(r, 0)} for o, t, r in
                 exp.rates[["orientation", "time", "rate"]].itertuples(index=False)]
        rows += [{"c": c, "o": o, "s": _r(t, 3), "n": int(n)} for o, n, t in
                 exp.spikes[["orientation", "trial", "time"]].itertuples(index=False)]
    peak = max(float(exp.rates["rate"].max()) for exp in experiments.values())
    top = float(np.ceil(max(peak, 1.0) / 10) * 10) if max_rate is None else float(max_rate)
    base = alt.Chart(alt.Data(values=rows))  # rows of two kinds: no DataFrame
    x = alt.X("t:Q", title="time (s)", axis=alt.Axis(grid=False, tickCount=4))
    area = (
        base.transform_filter("isValid(datum.r)")
        .transform_calculate(y=f"datum.r / {top} * {n_trials}")
        .mark_area(color="#fdae6b", opacity=0.55, interpolate="step-after")
        .encode(x=x, y=alt.Y("y:Q", scale=alt.Scale(domain=[0, n_trials]), title=None, axis=None, stack=None))
    )
    ticks = (
        base.transform_filter("isValid(datum.s)")
        .transform_calculate(t="datum.s", y0="datum.n + 0.15", y1="datum.n + 0.85")
        .mark_rule(color="#000000", strokeWidth=1)
        .encode(x=x, y=alt.Y("y0:Q", scale=alt.Scale(domain=[0, n_trials])), y2="y1:Q")
    )
    return (
        alt.layer(area, ticks)
        .properties(width=width, height=row_height)
        .facet(
            row=alt.Row("o:O", title="bar orientation (degrees)",
                        header=alt.Header(labelAngle=0, labelAlign="left", labelExpr="datum.value + '°'")),
            column=alt.Column("c:O", title=None,
                              header=alt.Header(labelFontSize=12, labelExpr=f"{list(names)!r}[datum.value]")),
            spacing={"row": 4, "column": 16},
        )
        .properties(title=style.title(
            f"A bar swept across the receptive field, {n_trials} times per orientation",
            subtitle=f"ticks: spikes; shaded: the rate (top of a row = {top:g} spikes/s)",
            fontWeight=None, subtitleFontSize=11))
    )


def tuning_chart(curves: Mapping[str, TuningCurve], *, normalize: bool = False, width: float = 360,
                 height: float = 200, title: str = "Orientation tuning curves") -> alt.LayerChart:
    """Tuning curves (rate against stimulus orientation), one line per cell.

    With ``normalize=True`` each curve is divided by its own peak, to compare widths.

    Examples
    --------
    >>> from cnn_course.vision import SimpleCell, orientation_tuning
    >>> spec = tuning_chart({"simple": orientation_tuning(SimpleCell(90), [0, 90])}).to_dict()
    >>> spec["layer"][0]["mark"]["type"]
    'line'
    """
    if not isinstance(curves, Mapping) or not curves:
        raise TypeError("curves must be a non-empty mapping of cell names to TuningCurve")
    frames = []
    for name, c in curves.items():
        if not isinstance(c, TuningCurve):
            raise TypeError(f"curves[{name!r}] must be a TuningCurve, got {type(c).__name__}")
        peak = float(c.rates.max()) if normalize and c.rates.max() > 0 else 1.0
        frames.append(pd.DataFrame({"x": c.orientations, "rate": c.rates / peak, "cell": name}))
    return response_chart(pd.concat(frames, ignore_index=True), x_title="stimulus orientation (degrees)",
                          y_title="rate / peak rate" if normalize else "rate (spikes/s)", title=title,
                          width=width, height=height, points=True)


def response_chart(
    frame: pd.DataFrame,
    *,
    x_title: str,
    title: str,
    y_title: str = "rate (spikes/s)",
    width: float = 360,
    height: float = 200,
    points: bool = False,
) -> alt.LayerChart:
    """Rates against anything (time, position, phase, orientation), one line per cell.

    ``frame`` has columns ``x``, ``rate`` and ``cell``, and optionally ``style`` (a
    second grouping drawn with dashes, e.g. bright and dark bars).

    Examples
    --------
    >>> frame = pd.DataFrame({"x": [0, 1], "rate": [1.0, 2.0], "cell": "simple"})
    >>> response_chart(frame, x_title="time (s)", title="demo").to_dict()["layer"][0]["mark"]["type"]
    'line'
    """
    if not isinstance(frame, pd.DataFrame) or not {"x", "rate", "cell"} <= set(frame.columns):
        raise TypeError("frame must be a DataFrame with columns 'x', 'rate' and 'cell'")
    columns = ["x", "rate", "cell"] + (["style"] if "style" in frame.columns else [])
    rows = [
        {k: (_r(v, 4) if k in ("x", "rate") else v) for k, v in zip(columns, values)}
        for values in frame[columns].itertuples(index=False)
    ]
    names = list(dict.fromkeys(frame["cell"]))
    encoding: dict[str, Any] = {
        "x": alt.X("x:Q", title=x_title),
        "y": alt.Y("rate:Q", title=y_title),
        "color": alt.Color("cell:N", scale=_colors(names), title=None, sort=names,
                           legend=alt.Legend(orient="bottom", direction="horizontal", labelLimit=240)),
    }
    if "style" in columns:
        styles = list(dict.fromkeys(frame["style"]))
        encoding["strokeDash"] = alt.StrokeDash("style:N", title=None, sort=styles,
                                                legend=alt.Legend(orient="bottom", direction="horizontal"))
    base = alt.Chart(pd.DataFrame(rows))
    layers = [base.mark_line(strokeWidth=2).encode(**encoding)]
    if points:
        layers.append(base.mark_point(filled=True, size=18).encode(
            x=encoding["x"], y=encoding["y"], color=alt.Color("cell:N", scale=_colors(names), legend=None)))
    return alt.layer(*layers).properties(width=width, height=height, title=style.title(title))
