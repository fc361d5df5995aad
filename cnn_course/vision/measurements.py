"""The measurements physiologists make of a cell.

:func:`orientation_tuning` (a :class:`TuningCurve`), :func:`preferred_orientation`,
:func:`tuning_bandwidth` (half-width at half-height), :func:`response_harmonics` and
:func:`modulation_ratio` (F1/F0 to a drifting grating), :func:`position_response` and
:func:`half_max_width`.
"""

from __future__ import annotations

import dataclasses
from typing import Any

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike, NDArray

from cnn_course._validation import as_finite_array, as_int, check_choice
from cnn_course.vision._checks import _contrast, _frequency, _orientation, _real
from cnn_course.vision.cells import Cell, _check_cell
from cnn_course.vision.stimuli import bar, drifting_grating, sweeping_bar

__all__ = [
    "TuningCurve",
    "half_max_width",
    "modulation_ratio",
    "orientation_tuning",
    "position_response",
    "preferred_orientation",
    "response_harmonics",
    "tuning_bandwidth",
]


@dataclasses.dataclass(frozen=True)
class TuningCurve:
    """Rates (spikes/s) against stimulus orientation (degrees), orientations ascending."""

    orientations: NDArray[np.float64]
    rates: NDArray[np.float64]

    def to_frame(self) -> pd.DataFrame:
        """Columns ``orientation`` and ``rate``."""
        return pd.DataFrame({"orientation": self.orientations, "rate": self.rates})


def _orientation_grid(orientations: Any) -> NDArray[np.float64]:
    if orientations is None:
        return np.arange(0.0, 180.0, 5.0)
    values = as_finite_array(orientations, "orientations", 1)
    return values


def orientation_tuning(
    cell: Cell,
    orientations: ArrayLike | None = None,
    *,
    stimulus: str = "grating",
    contrast: float = 1.0,
    frames_per_cycle: int = 32,
    bar_width: float | None = None,
    n_positions: int | None = None,
) -> TuningCurve:
    """The cell's orientation tuning curve.

    Parameters
    ----------
    cell : SimpleCell or ComplexCell
    orientations : array_like, optional
        Stimulus orientations in degrees (default 0, 5, ..., 175).
    stimulus : {"grating", "bar"}
        ``"grating"``: a grating of the cell's spatial frequency drifting through one full
        cycle in ``frames_per_cycle`` frames; the rate is the **mean** over the cycle (the
        F0). ``"bar"``: a bar of width ``bar_width`` (default half a period) swept across
        the whole image in ``n_positions`` steps (default one per pixel); the rate is the
        **peak** of the sweep.
    contrast : float
        Stimulus contrast, -1 .. 1.

    Returns
    -------
    TuningCurve

    Examples
    --------
    >>> from cnn_course.vision import SimpleCell
    >>> curve = orientation_tuning(SimpleCell(orientation=60), [0, 30, 60, 90])
    >>> curve.rates.round(1).tolist(), preferred_orientation(curve)
    ([0.2, 8.5, 31.7, 8.5], 60.0)
    """
    cell = _check_cell(cell)
    grid = _orientation_grid(orientations)
    kind = check_choice(stimulus, "stimulus", ("grating", "bar"))
    contrast = _contrast(contrast)
    rates = []
    if kind == "grating":
        frames_per_cycle = as_int(frames_per_cycle, "frames_per_cycle", 2)
        for o in grid:
            frames = drifting_grating(cell.size, o, cell.spatial_frequency, 1.0, frames_per_cycle,
                                      frame_rate=frames_per_cycle, contrast=contrast)
            rates.append(float(np.mean(cell.respond(frames))))
    else:
        width = cell.period / 2 if bar_width is None else _real(bar_width, "bar_width", low=0.0, low_open=True)
        n = cell.size + 1 if n_positions is None else as_int(n_positions, "n_positions", 2)
        for o in grid:
            frames = sweeping_bar(cell.size, o, n, width=width, contrast=contrast)
            rates.append(float(np.max(cell.respond(frames))))
    order = np.argsort(grid, kind="stable")
    return TuningCurve(grid[order].copy(), np.asarray(rates)[order])


def _curve_arrays(curve: Any, rates: Any) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    if isinstance(curve, TuningCurve):
        if rates is not None:
            raise TypeError("pass either a TuningCurve or (orientations, rates), not both")
        return curve.orientations, curve.rates
    if rates is None:
        raise TypeError("curve must be a TuningCurve, or pass orientations and rates as two arrays")
    o = as_finite_array(curve, "orientations", 1)
    r = as_finite_array(rates, "rates", 1)
    if o.shape != r.shape:
        raise ValueError(f"orientations and rates must have the same length, got {o.size} and {r.size}")
    return o, r


def preferred_orientation(curve: TuningCurve | ArrayLike, rates: ArrayLike | None = None) -> float:
    """The orientation (degrees, 0 .. 180) of the highest rate of a tuning curve.

    Pass a :class:`TuningCurve`, or orientations and rates as two arrays. Ties go to the
    first orientation listed.

    Examples
    --------
    >>> preferred_orientation([0, 45, 90, 135], [1.0, 4.0, 2.0, 0.0])
    45.0
    """
    o, r = _curve_arrays(curve, rates)
    return float(o[int(np.argmax(r))] % 180.0)


def tuning_bandwidth(curve: TuningCurve | ArrayLike, rates: ArrayLike | None = None) -> float:
    """Half-width at half-height of a tuning curve, in degrees.

    From the peak, walk away on each side (orientations are circular, modulo 180) until
    the rate falls below half the peak rate, interpolate linearly where it crosses, and
    average the two sides. Returns NaN if the rate never falls to half on a side (an
    untuned cell), or if all rates are zero.

    Examples
    --------
    >>> tuning_bandwidth([0, 10, 20, 30, 40], [0.0, 5.0, 10.0, 5.0, 0.0])
    10.0
    >>> tuning_bandwidth([0, 45, 90, 135], [4.0, 1.0, 0.0, 1.0])     # wraps around 180
    30.0
    """
    o, r = _curve_arrays(curve, rates)
    peak_index = int(np.argmax(r))
    peak = float(r[peak_index])
    if peak <= 0:
        return float("nan")
    half = peak / 2
    # signed distance from the peak, wrapped into [-90, 90)
    delta = (o - o[peak_index] + 90.0) % 180.0 - 90.0
    widths = []
    for sign in (1.0, -1.0):
        side = (sign * delta >= 0) & ~((delta == -90.0) & (sign > 0))
        xs, ys = sign * delta[side], r[side]
        order = np.argsort(xs, kind="stable")
        xs, ys = xs[order], ys[order]
        below = np.nonzero(ys < half)[0]
        if below.size == 0:
            return float("nan")
        k = int(below[0])
        x0, x1, y0, y1 = xs[k - 1], xs[k], ys[k - 1], ys[k]
        widths.append(float(x0 + (y0 - half) * (x1 - x0) / (y0 - y1)))
    return float(np.mean(widths))


def response_harmonics(rates: ArrayLike, n_cycles: int) -> tuple[float, float]:
    """The mean (F0) and first-harmonic amplitude (F1) of a periodic response.

    ``rates`` covers exactly ``n_cycles`` cycles of the stimulus, so the stimulus
    frequency is bin ``n_cycles`` of the discrete Fourier transform:
    ``F0 = |X[0]| / N`` and ``F1 = 2 |X[n_cycles]| / N`` (amplitude of the sinusoid at the
    stimulus frequency).

    Examples
    --------
    >>> t = np.arange(32) / 32
    >>> f0, f1 = response_harmonics(10 + 4 * np.cos(2 * np.pi * 2 * t), n_cycles=2)
    >>> round(f0, 6), round(f1, 6)
    (10.0, 4.0)
    """
    r = as_finite_array(rates, "rates", 1)
    n_cycles = as_int(n_cycles, "n_cycles", 1)
    if r.size <= 2 * n_cycles:
        raise ValueError(f"rates must have more than 2 * n_cycles = {2 * n_cycles} samples, got {r.size}")
    spectrum = np.fft.rfft(r)
    return float(abs(spectrum[0]) / r.size), float(2 * abs(spectrum[n_cycles]) / r.size)


def modulation_ratio(
    cell: Cell,
    *,
    orientation: float | None = None,
    spatial_frequency: float | None = None,
    contrast: float = 1.0,
    n_cycles: int = 2,
    frames_per_cycle: int = 64,
) -> float:
    """F1/F0 of the response to a drifting grating (Skottun et al., 1991).

    The grating has the cell's preferred orientation and spatial frequency unless told
    otherwise, drifts through ``n_cycles`` cycles, ``frames_per_cycle`` frames each, and
    the response's harmonics come from :func:`response_harmonics`. Simple cells give a
    ratio above 1 (a half-wave rectified sinusoid: π/2), complex cells below 1 (an
    unmodulated response: 0). Returns NaN if the cell does not respond at all.

    Examples
    --------
    >>> from cnn_course.vision import SimpleCell
    >>> round(modulation_ratio(SimpleCell(orientation=30)), 2)     # pi / 2
    1.57
    """
    cell = _check_cell(cell)
    o = cell.orientation if orientation is None else _orientation(orientation)
    f = cell.spatial_frequency if spatial_frequency is None else _frequency(spatial_frequency)
    n_cycles = as_int(n_cycles, "n_cycles", 1)
    frames_per_cycle = as_int(frames_per_cycle, "frames_per_cycle", 3)
    frames = drifting_grating(cell.size, o, f, 1.0, n_cycles * frames_per_cycle,
                              frame_rate=frames_per_cycle, contrast=_contrast(contrast))
    f0, f1 = response_harmonics(cell.respond(frames), n_cycles)
    if f0 <= 1e-12 * cell.max_rate:
        return float("nan")
    return f1 / f0


def position_response(
    cell: Cell,
    positions: ArrayLike,
    *,
    orientation: float | None = None,
    width: float | None = None,
    length: float | None = None,
    contrast: float = 1.0,
) -> NDArray[np.float64]:
    """Rate (spikes/s) to a bar flashed at each position across the receptive field.

    The bar has the cell's preferred orientation (unless told otherwise) and width
    ``width`` (default half a period: the width of one subregion); ``positions`` are in
    pixels along the normal from the image centre (see :func:`bar`). Use ``contrast < 0``
    for a dark bar.

    Examples
    --------
    >>> from cnn_course.vision import SimpleCell
    >>> cell = SimpleCell(orientation=90)
    >>> position_response(cell, [-4, 0, 4]).round(1)
    array([ 0. , 50.3,  0. ])
    """
    cell = _check_cell(cell)
    p = as_finite_array(positions, "positions", 1)
    o = cell.orientation if orientation is None else _orientation(orientation)
    w = cell.period / 2 if width is None else _real(width, "width", low=0.0, low_open=True)
    frames = np.stack([bar(cell.size, o, x, w, length, contrast) for x in p])
    return np.asarray(cell.respond(frames))


def half_max_width(positions: ArrayLike, rates: ArrayLike) -> float:
    """Full width at half maximum of a response profile, in the units of ``positions``.

    The distance between the outermost points where the rate crosses half its peak
    (linearly interpolated). It measures how wide a range of positions drives a cell.

    Examples
    --------
    >>> half_max_width([-2, -1, 0, 1, 2], [0, 5, 10, 5, 0])
    2.0
    """
    x = as_finite_array(positions, "positions", 1)
    r = as_finite_array(rates, "rates", 1)
    if x.shape != r.shape:
        raise ValueError(f"positions and rates must have the same length, got {x.size} and {r.size}")
    order = np.argsort(x, kind="stable")
    x, r = x[order], r[order]
    peak = float(r.max())
    if peak <= 0:
        return 0.0
    half = peak / 2
    above = np.nonzero(r >= half)[0]
    first, last = int(above[0]), int(above[-1])
    left = x[first] if first == 0 else x[first - 1] + (half - r[first - 1]) * (x[first] - x[first - 1]) / (r[first] - r[first - 1])
    right = x[last] if last == r.size - 1 else x[last] + (r[last] - half) * (x[last + 1] - x[last]) / (r[last] - r[last + 1])
    return float(right - left)
