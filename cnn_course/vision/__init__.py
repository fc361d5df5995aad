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
The model cells (a simple cell, the energy and max models of a complex cell) and their
conventions are described in :mod:`cnn_course.vision.cells`.

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

from cnn_course.vision import cells, experiment, measurements, spikes, stimuli
from cnn_course.vision.cells import *  # noqa: F403
from cnn_course.vision.experiment import *  # noqa: F403
from cnn_course.vision.measurements import *  # noqa: F403
from cnn_course.vision.spikes import *  # noqa: F403
from cnn_course.vision.stimuli import *  # noqa: F403

# The public names of the science modules (each module's own __all__), nothing else.
__all__ = [*cells.__all__, *experiment.__all__, *measurements.__all__, *spikes.__all__, *stimuli.__all__]
