"""Simple and complex cells of the primary visual cortex (V1), simulated.

Hubel and Wiesel found cells in the cat's visual cortex that fire for a bar of one
orientation at one place (simple cells) and cells that fire for that orientation over a
range of places (complex cells). This package gives the standard models of both, the
stimuli of the experiments, and the measurements physiologists make.

It serves the chapter **Simple and complex cells** (``chapters/simple_complex_cells.ipynb``).
Its modules:

* :mod:`~cnn_course.vision.stimuli`: coordinates and the stimuli (:func:`bar`,
  :func:`grating`, :func:`drifting_grating`, :func:`sweeping_bar`) and the default image
  size and spatial frequency.
* :mod:`~cnn_course.vision.cells`: the receptive fields and the model cells
  (:func:`gabor`, :class:`SimpleCell`, :class:`ComplexCell`, :func:`standard_cells`).
* :mod:`~cnn_course.vision.spikes`: Poisson spike trains (:func:`poisson_spikes`).
* :mod:`~cnn_course.vision.measurements`: tuning curves and the physiologist's measures
  (:func:`orientation_tuning`, :func:`tuning_bandwidth`, :func:`modulation_ratio`, ...).
* :mod:`~cnn_course.vision.experiment`: the replayed experiment
  (:func:`bar_sweep_experiment`).
* ``_checks``: checks of scalar arguments, private.

The chapter's figures live in :mod:`cnn_course.vision.charts` (kernel-free Altair charts)
and :mod:`cnn_course.vision.explorers` (the ipywidgets explorer); this package does not
import them, so ``import cnn_course.vision`` needs neither Altair nor ipywidgets.

Units and conventions, throughout
---------------------------------
* Images are square, ``size`` x ``size`` pixels, values are **contrast**: 0 is the mean
  grey of the screen, +1 the brightest and -1 the darkest value a stimulus uses.
* Coordinates are in pixels from the centre of the image, ``x`` to the right and ``y``
  **upwards** (row 0 of an array is the top): pixel ``(row, col)`` sits at
  ``x = col - (size - 1) / 2``, ``y = (size - 1) / 2 - row``.
* ``orientation`` is in **degrees**, the angle of a bar's long axis (or a grating's
  stripes) counter-clockwise from horizontal: 0 is a horizontal bar, 90 a vertical one.
  Orientations are taken modulo 180.
* Positions across a bar are measured along its **normal** ``n = (sin θ, -cos θ)``, the
  long axis turned 90 degrees clockwise: to the right for a vertical bar, downwards for a
  horizontal one. A drifting grating moves along ``+n``; a swept bar too.
* ``spatial_frequency`` is in **cycles per pixel** (0 < f <= 0.5; the period is 1/f
  pixels); ``phase`` in **radians**; ``temporal_frequency`` in cycles per second (Hz);
  times in seconds.
* A cell's ``respond`` returns a deterministic, non-negative **firing rate** in spikes per
  second. The scale is set by ``max_rate`` (default 100 spikes/s): the rate that a
  full-contrast grating of the cell's preferred orientation, spatial frequency and (for a
  simple cell) phase evokes. Spikes are drawn separately, as a Poisson process with that
  rate (:meth:`SimpleCell.spikes`, :func:`poisson_spikes`), from a seeded generator.

The models
----------
* :class:`SimpleCell`: a linear receptive field, a Gabor function (:func:`gabor`: a
  Gaussian envelope times a sinusoidal carrier, with ON and OFF subregions), followed by
  half-wave rectification: ``rate = max_rate * max(0, drive)``, where the ``drive`` is the
  dot product of the receptive field with the image, divided by the dot product that the
  optimal grating gives.
* :class:`ComplexCell` with ``model="energy"`` (the energy model of Adelson and Bergen): two
  simple-cell receptive fields in quadrature (phases 0 and 90 degrees, same place), their
  drives squared and summed. ``output="amplitude"`` (default) returns the square root,
  ``max_rate * sqrt(d0**2 + d90**2)``, which grows linearly with contrast like a simple
  cell; ``output="energy"`` returns ``max_rate * (d0**2 + d90**2)`` (no square root, a
  sharper tuning). Either way a full-contrast optimal grating gives ``max_rate``
  whatever its phase.
* :class:`ComplexCell` with ``model="max"``: the largest rate of ``n_subunits`` simple
  cells that differ only in position, shifted along the normal by ``spacing`` pixels
  (default 17 subunits, 1 pixel apart): a max pooling over a row of a feature map.

Measurements: :func:`orientation_tuning`, :func:`preferred_orientation`,
:func:`tuning_bandwidth` (half-width at half-height), :func:`modulation_ratio` (F1/F0 to a
drifting grating), :func:`position_response` and :func:`half_max_width`; the replayed
experiment :func:`bar_sweep_experiment`.

Examples
--------
>>> simple, complex_ = SimpleCell(orientation=90), ComplexCell(orientation=90)
>>> round(modulation_ratio(simple), 2), round(modulation_ratio(complex_), 2)
(1.57, 0.0)
"""

from __future__ import annotations

from cnn_course.vision.cells import MAX_RATE, Cell, ComplexCell, SimpleCell, gabor, standard_cells
from cnn_course.vision.experiment import SweepExperiment, bar_sweep_experiment
from cnn_course.vision.measurements import (
    TuningCurve,
    half_max_width,
    modulation_ratio,
    orientation_tuning,
    position_response,
    preferred_orientation,
    response_harmonics,
    tuning_bandwidth,
)
from cnn_course.vision.spikes import poisson_spikes
from cnn_course.vision.stimuli import (
    DEFAULT_SIZE,
    DEFAULT_SPATIAL_FREQUENCY,
    bar,
    coordinates,
    drifting_grating,
    grating,
    sweeping_bar,
)

__all__ = [
    "Cell",
    "ComplexCell",
    "DEFAULT_SIZE",
    "DEFAULT_SPATIAL_FREQUENCY",
    "MAX_RATE",
    "SimpleCell",
    "SweepExperiment",
    "TuningCurve",
    "bar",
    "bar_sweep_experiment",
    "coordinates",
    "drifting_grating",
    "gabor",
    "grating",
    "half_max_width",
    "modulation_ratio",
    "orientation_tuning",
    "poisson_spikes",
    "position_response",
    "preferred_orientation",
    "response_harmonics",
    "standard_cells",
    "sweeping_bar",
    "tuning_bandwidth",
]
