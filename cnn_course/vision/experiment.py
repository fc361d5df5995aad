"""Hubel and Wiesel's experiment, replayed: :func:`bar_sweep_experiment` sweeps a bar across
a cell's receptive field at several orientations and draws Poisson spike trains from its
rates (a :class:`SweepExperiment`)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

from cnn_course._validation import as_finite_array, as_int
from cnn_course.vision._checks import _real, _rng
from cnn_course.vision.cells import Cell, _check_cell
from cnn_course.vision.spikes import poisson_spikes
from cnn_course.vision.stimuli import sweeping_bar

__all__ = ["SweepExperiment", "bar_sweep_experiment"]


class SweepExperiment(dict):
    """The result of :func:`bar_sweep_experiment`: ``.rates`` and ``.spikes`` DataFrames."""

    @property
    def rates(self) -> pd.DataFrame:
        """One row per orientation and frame: ``orientation``, ``time`` (s, frame start),
        ``position`` (pixels along the normal), ``rate`` (spikes/s)."""
        return self["rates"]

    @property
    def spikes(self) -> pd.DataFrame:
        """One row per spike: ``orientation``, ``trial``, ``time`` (s)."""
        return self["spikes"]


def bar_sweep_experiment(
    cell: Cell,
    orientations: Sequence[float] = (0, 30, 60, 90, 120, 150),
    *,
    n_trials: int = 10,
    duration: float = 1.0,
    frame_rate: float = 100.0,
    width: float | None = None,
    length: float | None = None,
    contrast: float = 1.0,
    rng: Any = 0,
) -> SweepExperiment:
    """Hubel and Wiesel's experiment, replayed: a bar swept across the receptive field.

    For each orientation a bar (width ``width``, default half the cell's period) crosses
    the whole image along its normal in ``duration`` seconds, one frame every
    ``1 / frame_rate`` seconds; the cell's rate is computed for each frame, and
    ``n_trials`` Poisson spike trains are drawn from it.

    Returns
    -------
    SweepExperiment
        ``.rates`` and ``.spikes``, two DataFrames (see :class:`SweepExperiment`).

    Examples
    --------
    >>> from cnn_course.vision import SimpleCell
    >>> exp = bar_sweep_experiment(SimpleCell(orientation=90), [0, 90], n_trials=3)
    >>> exp.spikes.groupby("orientation").size().to_dict()
    {90: 10}
    """
    cell = _check_cell(cell)
    grid = [float(o) for o in as_finite_array(orientations, "orientations", 1)]
    n_trials = as_int(n_trials, "n_trials", 1)
    duration = _real(duration, "duration", low=0.0, low_open=True)
    frame_rate = _real(frame_rate, "frame_rate", low=0.0, low_open=True)
    w = cell.period / 2 if width is None else _real(width, "width", low=0.0, low_open=True)
    n_frames = max(2, int(round(duration * frame_rate)))
    dt = duration / n_frames
    gen = _rng(rng)
    positions = np.linspace(-cell.size / 2, cell.size / 2, n_frames)
    rate_rows, spike_rows = [], []
    for o in grid:
        frames = sweeping_bar(cell.size, o, n_frames, width=w, length=length, contrast=contrast)
        rates = np.asarray(cell.respond(frames))
        label = int(o) if float(o).is_integer() else o
        rate_rows.append(pd.DataFrame({"orientation": label, "time": np.arange(n_frames) * dt,
                                       "position": positions, "rate": rates}))
        for trial in range(n_trials):
            times = poisson_spikes(rates, dt, gen)
            spike_rows.append(pd.DataFrame({"orientation": label, "trial": trial, "time": times}))
    spikes = pd.concat(spike_rows, ignore_index=True)
    spikes["trial"] = spikes["trial"].astype(np.int64)
    return SweepExperiment(rates=pd.concat(rate_rows, ignore_index=True), spikes=spikes)
