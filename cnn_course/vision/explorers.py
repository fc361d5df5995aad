"""An ipywidgets explorer of the simple- and complex-cell models, for live notebooks.

A thin layer over pure functions, which is what the tests exercise:

* :func:`cells_view` computes everything one frame of the explorer shows: a bar and a
  grating set by the controls, the rate of each of the chapter's three cells
  (:func:`cnn_course.vision.standard_cells`) to both, their rates against bar position
  and grating phase at that orientation, and one second of Poisson spikes at each rate.
* :func:`render_view_html` draws it as HTML: the stimuli as images with the receptive
  field outlined, the curves as inline SVG, the rates and spike trains in a table.
* :func:`cells_explorer` builds the widgets, a :class:`CellsExplorer` (a
  :class:`cnn_course.viz.widgets.Explorer`); a learner's move and a direct call of
  :meth:`~cnn_course.viz.widgets.Explorer.update` both recompute once and return the
  :class:`CellsView` on show.

The kernel-free twin for the HTML book is :func:`cnn_course.vision.charts.cell_explorer_chart`.
As there, the grating phase is in **degrees** (the slider's unit).

Examples
--------
>>> view = cells_view(orientation=90, position=0, phase=0)
>>> {name: round(rates[1]) for name, rates in view.rates.items()}
{'simple': 100, 'complex (energy)': 100, 'complex (max)': 100}
"""

from __future__ import annotations

import dataclasses
import html
from collections.abc import Mapping
from typing import Any

import ipywidgets as widgets
import numpy as np
from numpy.typing import NDArray

from cnn_course._validation import as_finite_array, as_int
from cnn_course.vision import (
    DEFAULT_SIZE,
    ComplexCell,
    SimpleCell,
    bar,
    grating,
    poisson_spikes,
    standard_cells,
)
from cnn_course.vision.charts import CELL_COLORS
from cnn_course.viz.html import png_data_uri
from cnn_course.viz.widgets import Explorer, View

__all__ = ["CellsExplorer", "CellsView", "cells_explorer", "cells_view", "render_view_html"]

#: Bar positions (pixels) and grating phases (degrees) along the curves' x axes.
CURVE_POSITIONS = np.arange(-16.0, 16.5, 1.0)
CURVE_PHASES = np.arange(0.0, 360.0, 15.0)
_EXTRA = ["#756bb1", "#636363", "#e7ba52"]


def _number(value: Any, name: str, low: float | None = None, high: float | None = None) -> float:
    x = float(as_finite_array(value, name, 0))
    if (low is not None and x < low) or (high is not None and x > high):
        raise ValueError(f"{name} must be between {low:g} and {high:g}, got {x:g}")
    return x


@dataclasses.dataclass(frozen=True, eq=False)
class CellsView(View):
    """Everything one frame of the explorer shows.

    Attributes
    ----------
    html : str
        The frame drawn (:func:`render_view_html`).
    orientation, position, phase, contrast : float
        The stimulus settings (phase in degrees).
    bar_image, grating_image : ndarray
        The two stimuli.
    rates : dict
        Cell name -> (rate to the bar, rate to the grating), spikes/s.
    positions, bar_curves : ndarray, dict
        Bar positions and, per cell, the rates to a bar at each (same orientation).
    phases, grating_curves : ndarray, dict
        Grating phases (degrees) and, per cell, the rates at each.
    spikes : dict
        Cell name -> (spike times in 1 s of the bar, in 1 s of the grating).
    radius : float
        Radius of the receptive field's outline, 2 sigma, pixels.
    max_rate : float
        The highest ``max_rate`` of the cells (the top of the curves' scale).
    """

    orientation: float
    position: float
    phase: float
    contrast: float
    bar_image: NDArray[np.float64]
    grating_image: NDArray[np.float64]
    rates: dict[str, tuple[float, float]]
    positions: NDArray[np.float64]
    bar_curves: dict[str, NDArray[np.float64]]
    phases: NDArray[np.float64]
    grating_curves: dict[str, NDArray[np.float64]]
    spikes: dict[str, tuple[NDArray[np.float64], NDArray[np.float64]]]
    radius: float
    max_rate: float


def cells_view(
    orientation: float = 90.0,
    position: float = 0.0,
    phase: float = 0.0,
    *,
    contrast: float = 1.0,
    cells: Mapping[str, SimpleCell | ComplexCell] | None = None,
    bar_width: float | None = None,
    seed: int = 0,
) -> CellsView:
    """Compute one frame of the explorer, and draw it (``.html``).

    Parameters
    ----------
    orientation : float
        Of both stimuli, degrees.
    position : float
        Of the bar, pixels along its normal from the centre.
    phase : float
        Of the grating, **degrees**.
    contrast : float
        Of both stimuli, -1 .. 1 (negative: a dark bar).
    cells : mapping, optional
        Default :func:`cnn_course.vision.standard_cells` (preferring 90 degrees).
    bar_width : float, optional
        Default half the first cell's period.
    seed : int
        Seed of the spike trains (the same settings and seed give the same spikes).

    Examples
    --------
    >>> view = cells_view(orientation=90, position=4)
    >>> view.rates["simple"][0], view.rates["complex (max)"][0] > 0
    (0.0, True)
    """
    cells = standard_cells() if cells is None else dict(cells)
    if not cells:
        raise ValueError("cells must not be empty")
    first = next(iter(cells.values()))
    orientation = _number(orientation, "orientation")
    position = _number(position, "position")
    phase = _number(phase, "phase")
    contrast = _number(contrast, "contrast", -1.0, 1.0)
    width = first.period / 2 if bar_width is None else _number(bar_width, "bar_width", 1e-9, float(first.size))
    size, f = first.size, first.spatial_frequency
    bar_image = bar(size, orientation, position, width, None, contrast)
    grating_image = grating(size, orientation, f, np.deg2rad(phase), contrast)
    bars = np.stack([bar(size, orientation, p, width, None, contrast) for p in CURVE_POSITIONS])
    gratings = np.stack([grating(size, orientation, f, np.deg2rad(p), contrast) for p in CURVE_PHASES])
    rng = np.random.default_rng(as_int(seed, "seed", 0))
    rates, bar_curves, grating_curves, spikes = {}, {}, {}, {}
    for name, cell in cells.items():
        both = np.asarray(cell.respond(np.stack([bar_image, grating_image])))
        rates[name] = (float(both[0]), float(both[1]))
        bar_curves[name] = np.asarray(cell.respond(bars))
        grating_curves[name] = np.asarray(cell.respond(gratings))
        spikes[name] = (poisson_spikes(both[0], 1.0, rng), poisson_spikes(both[1], 1.0, rng))
    view = CellsView(
        html="", orientation=orientation, position=position, phase=phase, contrast=contrast,
        bar_image=bar_image, grating_image=grating_image, rates=rates,
        positions=CURVE_POSITIONS.copy(), bar_curves=bar_curves, phases=CURVE_PHASES.copy(),
        grating_curves=grating_curves, spikes=spikes, radius=2 * first.sigma,
        max_rate=max(cell.max_rate for cell in cells.values()),
    )
    return dataclasses.replace(view, html=render_view_html(view))


# ---------------------------------------------------------------------------------------
# Rendering
# ---------------------------------------------------------------------------------------


def _colors(names: list[str]) -> dict[str, str]:
    extra = iter(_EXTRA)
    return {n: CELL_COLORS.get(n) or next(extra, "#999999") for n in names}


def _stimulus_html(image: NDArray[np.float64], radius: float, label: str, scale: int = 3) -> str:
    side = image.shape[0] * scale
    r = radius * scale
    return (
        f'<div style="position:relative;width:{side}px;height:{side}px;flex:none">'
        f'<img src="{png_data_uri(image, scale=scale, low=-1.0, high=1.0)}" width="{side}" height="{side}" alt="{html.escape(label)}" '
        'style="image-rendering:pixelated;display:block"/>'
        f'<svg width="{side}" height="{side}" style="position:absolute;left:0;top:0">'
        f'<circle cx="{side / 2:g}" cy="{side / 2:g}" r="{r:g}" fill="none" stroke="#e6550d" '
        'stroke-width="1.5" stroke-dasharray="4 3"/></svg></div>'
    )


def _curves_svg(xs: NDArray[np.float64], curves: dict[str, NDArray[np.float64]], now: float, x_label: str,
                top: float, colors: dict[str, str], width: int = 280, height: int = 150) -> str:
    left, bottom, right, up = 34, 30, 8, 8
    w, h = width - left - right, height - bottom - up
    x0, x1 = float(xs.min()), float(xs.max())

    def sx(x: float) -> float:
        return left + (x - x0) / (x1 - x0) * w

    def sy(y: float) -> float:
        return up + h - min(y, top) / top * h

    parts = [f'<svg width="{width}" height="{height}" style="font:10px sans-serif;flex:none">',
             f'<rect x="{left}" y="{up}" width="{w}" height="{h}" fill="none" stroke="#ccc"/>']
    for frac in (0.0, 0.5, 1.0):
        y = sy(top * frac)
        parts.append(f'<text x="{left - 4}" y="{y + 3:g}" text-anchor="end">{top * frac:g}</text>')
    for x in (x0, (x0 + x1) / 2, x1):
        parts.append(f'<text x="{sx(x):g}" y="{up + h + 12}" text-anchor="middle">{x:g}</text>')
    parts.append(f'<text x="{left + w / 2:g}" y="{height - 4}" text-anchor="middle">{html.escape(x_label)}</text>')
    parts.append(f'<line x1="{sx(now):g}" x2="{sx(now):g}" y1="{up}" y2="{up + h}" stroke="#888" stroke-dasharray="3 3"/>')
    for name, ys in curves.items():
        points = " ".join(f"{sx(x):.1f},{sy(y):.1f}" for x, y in zip(xs, ys))
        parts.append(f'<polyline points="{points}" fill="none" stroke="{colors[name]}" stroke-width="2"/>')
    parts.append("</svg>")
    return "".join(parts)


def _raster_svg(times: NDArray[np.float64], color: str, width: int = 160, height: int = 14) -> str:
    ticks = "".join(f'<line x1="{t * width:.1f}" x2="{t * width:.1f}" y1="1" y2="{height - 1}" stroke="{color}"/>'
                    for t in times)
    return (f'<svg width="{width}" height="{height}" style="vertical-align:middle">'
            f'<rect width="{width}" height="{height}" fill="#f7f7f7"/>{ticks}</svg>')


def _table(view: CellsView, which: int, colors: dict[str, str]) -> str:
    rows = "".join(
        f'<tr><td style="color:{colors[name]};font-weight:bold;padding-right:6px">{html.escape(name)}</td>'
        f'<td style="text-align:right;padding-right:6px">{view.rates[name][which]:.1f}</td>'
        f"<td>{_raster_svg(view.spikes[name][which], colors[name])}</td></tr>"
        for name in view.rates
    )
    return (
        '<table style="font:12px sans-serif;border-collapse:collapse;flex:none">'
        '<tr><th style="text-align:left">cell</th><th>spikes/s</th><th style="text-align:left">1 s of spikes</th></tr>'
        f"{rows}</table>"
    )


def render_view_html(view: CellsView) -> str:
    """Draw a :class:`CellsView`: one row for the bar, one for the grating.

    Examples
    --------
    >>> "<svg" in render_view_html(cells_view())
    True
    """
    colors = _colors(list(view.rates))
    top = max(10.0, float(np.ceil(view.max_rate / 10) * 10))
    row = '<div style="display:flex;gap:14px;align-items:center;margin:4px 0">{}</div>'
    bar_row = row.format(
        _stimulus_html(view.bar_image, view.radius, "bar")
        + _curves_svg(view.positions, view.bar_curves, view.position, "bar position (pixels)", top, colors)
        + _table(view, 0, colors)
    )
    grating_row = row.format(
        _stimulus_html(view.grating_image, view.radius, "grating")
        + _curves_svg(view.phases, view.grating_curves, view.phase, "grating phase (degrees)", top, colors)
        + _table(view, 1, colors)
    )
    caption = (
        f'<div style="font:12px sans-serif;color:#555">Stimulus orientation {view.orientation:g}°, '
        f"contrast {view.contrast:g}; dashed circle: the receptive field (2σ); curves: rates at this "
        "orientation, the dashed line marks the stimulus on show.</div>"
    )
    return bar_row + grating_row + caption


# ---------------------------------------------------------------------------------------
# The widgets
# ---------------------------------------------------------------------------------------


class CellsExplorer(Explorer):
    """Stimulus sliders and the three model cells' responses; an ipywidgets ``VBox``.

    Controls (the names :meth:`~cnn_course.viz.widgets.Explorer.update` accepts):
    ``orientation`` (of the stimuli, 0..180 degrees), ``position`` (of the bar, -16..16
    pixels), ``phase`` (of the grating, 0..345 degrees), ``contrast`` (-1..1) and
    ``preferred`` (the orientation the cells prefer, 0..175 degrees). A value outside a
    slider's range raises a ``ValueError``. Build it with :func:`cells_explorer`.

    Attributes
    ----------
    view : CellsView
        The frame on show.
    output : ipywidgets.HTML
        Where it is drawn.
    """

    def __init__(self, *, preferred: float = 90.0, size: int = DEFAULT_SIZE, seed: int = 0) -> None:
        self._size = as_int(size, "size", 16)
        self._seed = as_int(seed, "seed", 0)
        self._cells: dict[float, dict] = {}
        desc = {"description_width": "150px"}
        layout = widgets.Layout(width="460px")
        self.orientation_slider = widgets.FloatSlider(value=90, min=0, max=180, step=5, layout=layout,
                                                      description="stimulus orientation (°)", style=desc)
        self.position_slider = widgets.FloatSlider(value=0, min=-16, max=16, step=0.5, layout=layout,
                                                   description="bar position (pixels)", style=desc)
        self.phase_slider = widgets.FloatSlider(value=0, min=0, max=345, step=15, layout=layout,
                                                description="grating phase (°)", style=desc)
        self.contrast_slider = widgets.FloatSlider(value=1, min=-1, max=1, step=0.1, layout=layout,
                                                   description="contrast (<0: dark bar)", style=desc)
        self.preferred_slider = widgets.FloatSlider(value=90, min=0, max=175, step=5, layout=layout,
                                                    description="cells prefer (°)", style=desc)
        self.preferred_slider.value = _number(preferred, "preferred", 0, 175)
        self._layout({
            "orientation": self.orientation_slider,
            "position": self.position_slider,
            "phase": self.phase_slider,
            "contrast": self.contrast_slider,
            "preferred": self.preferred_slider,
        })

    def cells(self) -> dict:
        """The three model cells preferring the current ``preferred`` orientation (cached)."""
        key = float(self.preferred_slider.value)
        if key not in self._cells:
            self._cells[key] = standard_cells(key, size=self._size)
            if len(self._cells) > 8:
                self._cells.pop(next(iter(self._cells)))
        return self._cells[key]

    def _set(self, name: str, value: Any) -> None:
        slider = self._controls()[name]
        slider.value = _number(value, name, slider.min, slider.max)

    def _compute(self) -> CellsView:
        return cells_view(
            self.orientation_slider.value, self.position_slider.value, self.phase_slider.value,
            contrast=self.contrast_slider.value, cells=self.cells(), seed=self._seed,
        )


def cells_explorer(*, preferred: float = 90.0, seed: int = 0) -> CellsExplorer:
    """Build the explorer (an ipywidgets box; display it as a cell's last line).

    Parameters
    ----------
    preferred : float
        The orientation the three cells prefer, degrees (0..175; a slider changes it).
    seed : int
        Seed of the spike trains drawn at each update.

    Examples
    --------
    >>> explorer = cells_explorer()
    >>> view = explorer.update(position=4)
    >>> view.rates["simple"][0], round(view.rates["complex (energy)"][0], 1)
    (0.0, 33.2)
    """
    return CellsExplorer(preferred=preferred, seed=seed)
