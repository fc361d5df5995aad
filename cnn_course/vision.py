"""Simple and complex cells of the primary visual cortex (V1), simulated.

Hubel and Wiesel found cells in the cat's visual cortex that fire for a bar of one
orientation at one place (simple cells) and cells that fire for that orientation over a
range of places (complex cells). This module gives the standard models of both, the
stimuli of the experiments, and the measurements physiologists make.

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

import dataclasses
import numbers
from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd
import scipy.stats
from numpy.typing import ArrayLike, NDArray

from cnn_course._validation import as_finite_array, as_int, check_choice

__all__ = [
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

#: Default side of the images, in pixels.
DEFAULT_SIZE = 48
#: Default preferred spatial frequency of the model cells: 0.125 cycles/pixel (8-pixel period).
DEFAULT_SPATIAL_FREQUENCY = 0.125
#: Default rate, in spikes per second, evoked by the optimal full-contrast grating.
MAX_RATE = 100.0

COMPLEX_MODELS: tuple[str, ...] = ("energy", "max")
ENERGY_OUTPUTS: tuple[str, ...] = ("amplitude", "energy")


# ---------------------------------------------------------------------------------------
# Checks of scalar arguments
# ---------------------------------------------------------------------------------------


def _real(
    value: Any,
    name: str,
    *,
    low: float | None = None,
    high: float | None = None,
    low_open: bool = False,
) -> float:
    """A finite real number, optionally in [low, high] (or (low, high] if ``low_open``)."""
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Real):
        raise TypeError(f"{name} must be a real number, got {value!r} of type {type(value).__name__}")
    x = float(as_finite_array(value, name, 0))
    if low is not None and (x <= low if low_open else x < low):
        raise ValueError(f"{name} must be {'>' if low_open else '>='} {low:g}, got {x:g}")
    if high is not None and x > high:
        raise ValueError(f"{name} must be <= {high:g}, got {x:g}")
    return x


def _size(size: Any) -> int:
    return as_int(size, "size", 2)


def _frequency(f: Any, name: str = "spatial_frequency") -> float:
    return _real(f, name, low=0.0, high=0.5, low_open=True)


def _contrast(c: Any) -> float:
    return _real(c, "contrast", low=-1.0, high=1.0)


def _orientation(o: Any, name: str = "orientation") -> float:
    return _real(o, name) % 180.0


def _center(center: Any) -> tuple[float, float]:
    array = as_finite_array(center, "center", 1)
    if array.shape != (2,):
        raise ValueError(f"center must be an (x, y) pair, got shape {array.shape}")
    return float(array[0]), float(array[1])


def _rng(rng: Any) -> np.random.Generator:
    if isinstance(rng, np.random.Generator):
        return rng
    if rng is None or (isinstance(rng, numbers.Integral) and not isinstance(rng, (bool, np.bool_))):
        return np.random.default_rng(rng)
    raise TypeError(f"rng must be a numpy Generator, an integer seed or None, got {rng!r}")


# ---------------------------------------------------------------------------------------
# Coordinates and stimuli
# ---------------------------------------------------------------------------------------


def coordinates(size: int) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """The (x, y) coordinates of each pixel, in pixels from the centre, y upwards.

    Examples
    --------
    >>> x, y = coordinates(3)
    >>> x[0], y[:, 0]
    (array([-1.,  0.,  1.]), array([ 1.,  0., -1.]))
    """
    size = _size(size)
    c = (size - 1) / 2
    steps = np.arange(size, dtype=np.float64)
    x, y = np.meshgrid(steps - c, c - steps)
    return x, y


def _cos_sin(degrees: float) -> tuple[float, float]:
    """cos and sin of an angle in degrees, exact (0, 1, -1) at multiples of 90."""
    t = np.deg2rad(degrees)
    c, s = float(np.cos(t)), float(np.sin(t))
    return (0.0 if abs(c) < 1e-12 else c), (0.0 if abs(s) < 1e-12 else s)


def _axes(size: int, orientation: float, center: tuple[float, float] = (0.0, 0.0)):
    """Distance of each pixel along the normal (d) and along the long axis (a)."""
    x, y = coordinates(size)
    c, s = _cos_sin(orientation)
    x, y = x - center[0], y - center[1]
    d = x * s - y * c
    a = x * c + y * s
    return d, a


def _coverage(distance: NDArray[np.float64], half: float) -> NDArray[np.float64]:
    """Fraction of each 1-pixel-wide strip inside |distance| <= half (anti-aliased edges)."""
    return np.clip(half + 0.5 - np.abs(distance), 0.0, 1.0)


def bar(
    size: int = DEFAULT_SIZE,
    orientation: float = 90.0,
    position: float = 0.0,
    width: float = 4.0,
    length: float | None = None,
    contrast: float = 1.0,
) -> NDArray[np.float64]:
    """A bar of light (or of dark, ``contrast < 0``) on a grey (0) background.

    Parameters
    ----------
    size : int
        Side of the image, in pixels.
    orientation : float
        Angle of the long axis, degrees counter-clockwise from horizontal.
    position : float
        Signed distance of the bar's centre line from the image centre, in pixels,
        along the normal ``(sin θ, -cos θ)`` (to the right for a vertical bar).
    width : float
        Width of the bar in pixels (> 0); edges are anti-aliased.
    length : float, optional
        Length in pixels, centred on the image's centre line; ``None`` (default) crosses
        the whole image.
    contrast : float
        Value inside the bar, -1 .. 1.

    Returns
    -------
    ndarray of float64, shape (size, size)

    Examples
    --------
    >>> bar(6, orientation=90, position=0, width=2)
    array([[0., 0., 1., 1., 0., 0.],
           [0., 0., 1., 1., 0., 0.],
           [0., 0., 1., 1., 0., 0.],
           [0., 0., 1., 1., 0., 0.],
           [0., 0., 1., 1., 0., 0.],
           [0., 0., 1., 1., 0., 0.]])
    """
    size = _size(size)
    orientation = _orientation(orientation)
    position = _real(position, "position")
    width = _real(width, "width", low=0.0, low_open=True)
    contrast = _contrast(contrast)
    d, a = _axes(size, orientation)
    image = _coverage(d - position, width / 2)
    if length is not None:
        length = _real(length, "length", low=0.0, low_open=True)
        image = image * _coverage(a, length / 2)
    return contrast * image


def grating(
    size: int = DEFAULT_SIZE,
    orientation: float = 90.0,
    spatial_frequency: float = DEFAULT_SPATIAL_FREQUENCY,
    phase: float = 0.0,
    contrast: float = 1.0,
) -> NDArray[np.float64]:
    """A sinusoidal grating: ``contrast * cos(2π f d + phase)``, d along the normal.

    Its stripes run along ``orientation``; at the image centre its value is
    ``contrast * cos(phase)`` (phase 0: a bright stripe through the centre).

    Examples
    --------
    >>> np.round(grating(4, orientation=90, spatial_frequency=0.25), 3)[0]
    array([-0.707,  0.707,  0.707, -0.707])
    """
    size = _size(size)
    orientation = _orientation(orientation)
    f = _frequency(spatial_frequency)
    phase = _real(phase, "phase")
    contrast = _contrast(contrast)
    d, _ = _axes(size, orientation)
    return contrast * np.cos(2 * np.pi * f * d + phase)


def drifting_grating(
    size: int = DEFAULT_SIZE,
    orientation: float = 90.0,
    spatial_frequency: float = DEFAULT_SPATIAL_FREQUENCY,
    temporal_frequency: float = 4.0,
    n_frames: int = 32,
    *,
    frame_rate: float = 64.0,
    phase: float = 0.0,
    contrast: float = 1.0,
) -> NDArray[np.float64]:
    """A grating drifting along its normal: frames of ``grating`` with a phase that turns.

    Frame ``t`` (shown at time ``t / frame_rate`` seconds) has phase
    ``phase - 2π * temporal_frequency * t / frame_rate``, so the stripes move along the
    normal ``(sin θ, -cos θ)`` at ``temporal_frequency / spatial_frequency`` pixels per
    second. ``n_frames * temporal_frequency / frame_rate`` cycles are shown: choose an
    integer for a Fourier analysis (:func:`response_harmonics`).

    Returns
    -------
    ndarray of float64, shape (n_frames, size, size)

    Examples
    --------
    >>> frames = drifting_grating(8, 90, 0.25, temporal_frequency=1, n_frames=4, frame_rate=4)
    >>> frames.shape, np.allclose(frames[2], -frames[0])
    ((4, 8, 8), True)
    """
    size = _size(size)
    orientation = _orientation(orientation)
    f = _frequency(spatial_frequency)
    tf = _real(temporal_frequency, "temporal_frequency", low=0.0)
    n_frames = as_int(n_frames, "n_frames", 1)
    frame_rate = _real(frame_rate, "frame_rate", low=0.0, low_open=True)
    phase = _real(phase, "phase")
    contrast = _contrast(contrast)
    d, _ = _axes(size, orientation)
    phases = phase - 2 * np.pi * tf * np.arange(n_frames) / frame_rate
    return contrast * np.cos(2 * np.pi * f * d[None] + phases[:, None, None])


def sweeping_bar(
    size: int = DEFAULT_SIZE,
    orientation: float = 90.0,
    n_frames: int = 49,
    *,
    start: float | None = None,
    stop: float | None = None,
    width: float = 4.0,
    length: float | None = None,
    contrast: float = 1.0,
) -> NDArray[np.float64]:
    """A bar swept across the image along its normal: frame t shows it at position
    ``np.linspace(start, stop, n_frames)[t]`` (default: from one edge, ``-size / 2``, to
    the other, ``+size / 2``).

    Returns
    -------
    ndarray of float64, shape (n_frames, size, size)

    Examples
    --------
    >>> frames = sweeping_bar(8, orientation=90, n_frames=5, width=2)
    >>> [int(np.argmax(f[0])) for f in frames]
    [0, 1, 3, 5, 7]
    """
    size = _size(size)
    n_frames = as_int(n_frames, "n_frames", 1)
    start = -size / 2 if start is None else _real(start, "start")
    stop = size / 2 if stop is None else _real(stop, "stop")
    return np.stack(
        [bar(size, orientation, p, width, length, contrast) for p in np.linspace(start, stop, n_frames)]
    )


# ---------------------------------------------------------------------------------------
# Receptive fields and cells
# ---------------------------------------------------------------------------------------


def gabor(
    size: int = DEFAULT_SIZE,
    orientation: float = 90.0,
    spatial_frequency: float = DEFAULT_SPATIAL_FREQUENCY,
    phase: float = 0.0,
    sigma: float | None = None,
    *,
    aspect_ratio: float = 1.0,
    center: tuple[float, float] = (0.0, 0.0),
    balanced: bool = True,
) -> NDArray[np.float64]:
    """A Gabor receptive field: a Gaussian envelope times a sinusoidal carrier.

    ``exp(-(d**2 + (a / aspect_ratio)**2) / (2 sigma**2)) * cos(2π f d + phase)``, with
    ``d`` the distance along the normal and ``a`` along the preferred orientation, both
    measured from ``center``. Positive weights are ON subregions (light excites), negative
    ones OFF subregions. Phase 0 is an ON stripe flanked by OFF ones (a bright-line
    detector); phase ±π/2 is an edge detector.

    Parameters
    ----------
    size, orientation, spatial_frequency, phase
        As for :func:`grating`: the Gabor is that grating seen through a Gaussian window.
    sigma : float, optional
        Width of the envelope in pixels; default half a period, ``0.5 / spatial_frequency``.
    aspect_ratio : float
        Envelope length along the preferred orientation divided by its width (> 0).
    center : (float, float)
        Centre of the receptive field, (x, y) in pixels from the image centre, y up.
    balanced : bool
        Subtract the envelope times a constant so the weights sum to zero (default): a
        uniform field then drives nothing, as ON and OFF subregions cancel.

    Examples
    --------
    >>> g = gabor(32, orientation=90, spatial_frequency=0.125)
    >>> g.shape, bool(abs(g.sum()) < 1e-12), bool(g[16, 15] > 0 > g[16, 11])
    ((32, 32), True, True)
    """
    size = _size(size)
    orientation = _orientation(orientation)
    f = _frequency(spatial_frequency)
    phase = _real(phase, "phase")
    sigma = 0.5 / f if sigma is None else _real(sigma, "sigma", low=0.0, low_open=True)
    aspect_ratio = _real(aspect_ratio, "aspect_ratio", low=0.0, low_open=True)
    center = _center(center)
    d, a = _axes(size, orientation, center)
    envelope = np.exp(-(d**2 + (a / aspect_ratio) ** 2) / (2 * sigma**2))
    weights = envelope * np.cos(2 * np.pi * f * d + phase)
    if balanced:
        weights = weights - envelope * (weights.sum() / envelope.sum())
    return weights


def _as_stimulus(stimulus: ArrayLike, size: int, name: str = "image") -> tuple[NDArray[np.float64], bool]:
    """(frames of shape (T, size*size), whether a single image was given)."""
    array = as_finite_array(stimulus, name, (2, 3))
    if array.shape[-2:] != (size, size):
        raise ValueError(
            f"{name} must be {size}x{size} (the cell's size), or a stack of such frames (T, {size}, {size}); "
            f"got shape {array.shape}"
        )
    single = array.ndim == 2
    return array.reshape(-1, size * size), single


class _Cell:
    """What simple and complex cells share: filters, drives, rates, spikes."""

    orientation: float
    spatial_frequency: float
    size: int
    max_rate: float
    center: tuple[float, float]
    sigma: float
    aspect_ratio: float
    _filters: NDArray[np.float64]  # (k, size*size), each row divided by its normaliser

    @property
    def period(self) -> float:
        """The preferred period in pixels, ``1 / spatial_frequency``."""
        return 1.0 / self.spatial_frequency

    @property
    def normal(self) -> tuple[float, float]:
        """The unit vector across the preferred orientation, ``(sin θ, -cos θ)``."""
        c, s = _cos_sin(self.orientation)
        return s, -c

    def drives(self, stimulus: ArrayLike) -> NDArray[np.float64]:
        """The normalised linear drives of the cell's filters.

        Returns
        -------
        ndarray, shape (n_filters,) for one image, (T, n_filters) for frames.
            1.0 is the drive of a full-contrast grating matched to the filter.
        """
        frames, single = _as_stimulus(stimulus, self.size)
        out = frames @ self._filters.T
        return out[0] if single else out

    def _rates(self, drives: NDArray[np.float64]) -> NDArray[np.float64]:
        raise NotImplementedError

    def respond(self, image: ArrayLike) -> float | NDArray[np.float64]:
        """Firing rate, in spikes per second, to an image (a float) or to each frame of a
        (T, size, size) stack (an array of T rates). Deterministic and non-negative."""
        frames, single = _as_stimulus(image, self.size)
        rates = self._rates(frames @ self._filters.T)
        return float(rates[0]) if single else rates

    def spikes(self, stimulus: ArrayLike, frame_duration: float = 0.01, rng: Any = None) -> NDArray[np.float64]:
        """Spike times (seconds from the onset) of a Poisson neuron firing at :meth:`respond`'s rate.

        Parameters
        ----------
        stimulus : array_like
            One image (shown for ``frame_duration`` seconds) or frames (T, size, size),
            each shown for ``frame_duration`` seconds.
        frame_duration : float
            Seconds per frame (> 0).
        rng : numpy.random.Generator or int, optional
            The random generator, or a seed: the same seed gives the same spikes.
        """
        rates = np.atleast_1d(self.respond(stimulus))
        return poisson_spikes(rates, frame_duration, rng)


def _normalised(weights: NDArray[np.float64], matched: NDArray[np.float64]) -> NDArray[np.float64]:
    """Weights divided by their drive from the matched full-contrast grating."""
    return weights.ravel() / float(np.dot(weights.ravel(), matched.ravel()))


class SimpleCell(_Cell):
    """A V1 simple cell: a Gabor receptive field followed by half-wave rectification.

    ``rate = max_rate * max(0, drive - threshold) / (1 - threshold)``, where ``drive`` is
    the dot product of :attr:`receptive_field` and the image, divided by the dot product
    that a full-contrast grating of the cell's own orientation, spatial frequency and
    phase gives (so that grating evokes exactly ``max_rate``).

    Parameters
    ----------
    orientation : float
        Preferred orientation, degrees (0 horizontal, 90 vertical).
    spatial_frequency : float
        Preferred spatial frequency, cycles per pixel.
    phase : float
        Phase of the receptive field, radians (0: ON centre flanked by OFF: prefers a bright
        bar through its centre; π: the reverse; ±π/2: an edge detector).
    size : int
        Side of the images it sees, pixels.
    sigma, aspect_ratio, center
        Of the receptive field, see :func:`gabor`.
    max_rate : float
        Spikes per second evoked by the optimal full-contrast grating (> 0).
    threshold : float
        Fraction of the optimal drive below which the cell is silent (0 <= threshold < 1).

    Examples
    --------
    >>> cell = SimpleCell(orientation=90)
    >>> round(cell.respond(grating(48, 90, 0.125, phase=0.0)), 6)
    100.0
    >>> cell.respond(grating(48, 90, 0.125, phase=np.pi))    # the same grating, shifted half a period
    0.0
    """

    def __init__(
        self,
        orientation: float = 90.0,
        spatial_frequency: float = DEFAULT_SPATIAL_FREQUENCY,
        phase: float = 0.0,
        size: int = DEFAULT_SIZE,
        *,
        sigma: float | None = None,
        aspect_ratio: float = 1.0,
        center: tuple[float, float] = (0.0, 0.0),
        max_rate: float = MAX_RATE,
        threshold: float = 0.0,
    ) -> None:
        self.orientation = _orientation(orientation)
        self.spatial_frequency = _frequency(spatial_frequency)
        self.phase = _real(phase, "phase")
        self.size = _size(size)
        self.sigma = 0.5 / self.spatial_frequency if sigma is None else _real(sigma, "sigma", low=0.0, low_open=True)
        self.aspect_ratio = _real(aspect_ratio, "aspect_ratio", low=0.0, low_open=True)
        self.center = _center(center)
        self.max_rate = _real(max_rate, "max_rate", low=0.0, low_open=True)
        self.threshold = _real(threshold, "threshold", low=0.0)
        if self.threshold >= 1:
            raise ValueError(f"threshold must be < 1 (a fraction of the optimal drive), got {self.threshold:g}")
        self.receptive_field = gabor(
            self.size, self.orientation, self.spatial_frequency, self.phase, self.sigma,
            aspect_ratio=self.aspect_ratio, center=self.center,
        )
        self.receptive_field.setflags(write=False)
        matched = _matched_grating(self, self.phase)
        self._filters = _normalised(self.receptive_field, matched)[None, :]

    @property
    def kernel(self) -> NDArray[np.float64]:
        """The receptive field in the cell's own units: ``receptive_field`` divided by its
        dot product with the optimal grating, so the drive is ``np.sum(kernel * image)``."""
        return self._filters[0].reshape(self.size, self.size).copy()

    def _rates(self, drives: NDArray[np.float64]) -> NDArray[np.float64]:
        d = drives[:, 0]
        return self.max_rate * np.maximum(d - self.threshold, 0.0) / (1.0 - self.threshold)

    def __repr__(self) -> str:
        where = "" if self.center == (0.0, 0.0) else f", center=({self.center[0]:g}, {self.center[1]:g})"
        return (
            f"SimpleCell(orientation={self.orientation:g}, spatial_frequency={self.spatial_frequency:g}, "
            f"phase={self.phase:g}, size={self.size}, sigma={self.sigma:g}{where})"
        )


def _matched_grating(cell: _Cell, phase: float) -> NDArray[np.float64]:
    """The full-contrast grating of the cell's orientation and frequency, in phase with a
    receptive field of the given phase at the cell's centre."""
    nx, ny = cell.normal
    offset = 2 * np.pi * cell.spatial_frequency * (cell.center[0] * nx + cell.center[1] * ny)
    return grating(cell.size, cell.orientation, cell.spatial_frequency, phase - offset)


class ComplexCell(_Cell):
    """A V1 complex cell: the energy model, or a max over shifted simple cells.

    Parameters
    ----------
    orientation, spatial_frequency, size, sigma, aspect_ratio, center, max_rate
        As for :class:`SimpleCell`.
    model : {"energy", "max"}
        ``"energy"``: two receptive fields in quadrature (phases 0 and π/2, same place);
        ``d0**2 + d90**2`` of their normalised drives. ``"max"``: the largest rate of
        ``n_subunits`` simple cells of phase ``phase`` at positions
        ``center + k * spacing * normal``, k = -(n-1)/2 .. (n-1)/2.
    output : {"amplitude", "energy"}
        Energy model only: ``max_rate * sqrt(d0**2 + d90**2)`` (default; linear in
        contrast) or ``max_rate * (d0**2 + d90**2)`` (no square root).
    n_subunits : int
        Max model: number of simple cells pooled (default 17).
    spacing : float
        Max model: distance between neighbouring subunits, pixels (default 1).
    phase : float
        Max model: phase of the subunits' receptive fields (default 0).

    Attributes
    ----------
    subunits : list of SimpleCell
        The simple cells the complex cell pools (energy model: phases 0 and π/2).

    Examples
    --------
    >>> energy = ComplexCell(orientation=90)
    >>> [round(energy.respond(grating(48, 90, 0.125, phase=p))) for p in (0, 1, 2, 3)]
    [100, 100, 100, 100]
    >>> pooled = ComplexCell(orientation=90, model="max")
    >>> SimpleCell(90).respond(bar(48, 90, position=6)), pooled.respond(bar(48, 90, position=6)) > 0
    (0.0, True)
    """

    def __init__(
        self,
        orientation: float = 90.0,
        spatial_frequency: float = DEFAULT_SPATIAL_FREQUENCY,
        size: int = DEFAULT_SIZE,
        *,
        model: str = "energy",
        output: str = "amplitude",
        sigma: float | None = None,
        aspect_ratio: float = 1.0,
        center: tuple[float, float] = (0.0, 0.0),
        n_subunits: int = 17,
        spacing: float = 1.0,
        phase: float = 0.0,
        max_rate: float = MAX_RATE,
    ) -> None:
        self.orientation = _orientation(orientation)
        self.spatial_frequency = _frequency(spatial_frequency)
        self.size = _size(size)
        self.model = check_choice(model, "model", COMPLEX_MODELS)
        self.output = check_choice(output, "output", ENERGY_OUTPUTS)
        self.sigma = 0.5 / self.spatial_frequency if sigma is None else _real(sigma, "sigma", low=0.0, low_open=True)
        self.aspect_ratio = _real(aspect_ratio, "aspect_ratio", low=0.0, low_open=True)
        self.center = _center(center)
        self.max_rate = _real(max_rate, "max_rate", low=0.0, low_open=True)
        self.n_subunits = as_int(n_subunits, "n_subunits", 1)
        self.spacing = _real(spacing, "spacing", low=0.0)
        self.phase = _real(phase, "phase")
        common = dict(
            spatial_frequency=self.spatial_frequency, size=self.size, sigma=self.sigma,
            aspect_ratio=self.aspect_ratio, max_rate=self.max_rate,
        )
        if self.model == "energy":
            self.offsets = np.zeros(2)
            self.subunits = [
                SimpleCell(self.orientation, phase=p, center=self.center, **common) for p in (0.0, np.pi / 2)
            ]
        else:
            nx, ny = self.normal
            self.offsets = (np.arange(self.n_subunits) - (self.n_subunits - 1) / 2) * self.spacing
            self.subunits = [
                SimpleCell(self.orientation, phase=self.phase,
                           center=(self.center[0] + s * nx, self.center[1] + s * ny), **common)
                for s in self.offsets
            ]
        self._filters = np.concatenate([cell._filters for cell in self.subunits])

    def _rates(self, drives: NDArray[np.float64]) -> NDArray[np.float64]:
        if self.model == "max":
            return self.max_rate * np.maximum(drives.max(axis=1), 0.0)
        energy = (drives**2).sum(axis=1)
        return self.max_rate * (np.sqrt(energy) if self.output == "amplitude" else energy)

    def __repr__(self) -> str:
        extra = f"output={self.output!r}" if self.model == "energy" else (
            f"n_subunits={self.n_subunits}, spacing={self.spacing:g}")
        return (
            f"ComplexCell(orientation={self.orientation:g}, spatial_frequency={self.spatial_frequency:g}, "
            f"size={self.size}, model={self.model!r}, {extra})"
        )


Cell = SimpleCell | ComplexCell


def standard_cells(orientation: float = 90.0, size: int = DEFAULT_SIZE, **options: Any) -> dict[str, Cell]:
    """The chapter's three model cells, all preferring ``orientation``, by name.

    ``"simple"`` (:class:`SimpleCell`, phase 0), ``"complex (energy)"`` and
    ``"complex (max)"`` (:class:`ComplexCell`); ``options`` (e.g. ``spatial_frequency``,
    ``sigma``, ``max_rate``) go to all three.

    Examples
    --------
    >>> list(standard_cells())
    ['simple', 'complex (energy)', 'complex (max)']
    """
    return {
        "simple": SimpleCell(orientation, size=size, **options),
        "complex (energy)": ComplexCell(orientation, size=size, model="energy", **options),
        "complex (max)": ComplexCell(orientation, size=size, model="max", **options),
    }


def _check_cell(cell: Any) -> _Cell:
    if not isinstance(cell, _Cell):
        raise TypeError(f"cell must be a SimpleCell or a ComplexCell, got {type(cell).__name__}")
    return cell


# ---------------------------------------------------------------------------------------
# Spikes
# ---------------------------------------------------------------------------------------


def poisson_spikes(rates: ArrayLike, frame_duration: float, rng: Any = None) -> NDArray[np.float64]:
    """Spike times of a Poisson process whose rate is constant within each frame.

    Frame ``t`` lasts from ``t * frame_duration`` to ``(t + 1) * frame_duration`` seconds at
    rate ``rates[t]`` spikes per second: its spike count is Poisson with mean
    ``rates[t] * frame_duration``, and its spikes fall uniformly within it.

    The draw is the same on every machine. Each frame's count comes from one uniform number
    through the inverse of the Poisson distribution function, so a call always takes the
    same amount of randomness from ``rng`` (one number per frame, and one more that seeds
    the spikes' places within their frames); and the means are rounded to 1e-10 first, so a
    last-bit difference in a rate (processors compute ``exp`` or ``cos`` slightly
    differently) cannot change a count.  Sampling with ``Generator.poisson`` instead
    would draw a mean-dependent number of uniforms, and one changed bit would shift every
    later spike.

    Parameters
    ----------
    rates : array_like, scalar or 1-D
        Non-negative rates, spikes per second.
    frame_duration : float
        Seconds per frame (> 0).
    rng : numpy.random.Generator or int, optional
        The random generator or a seed.

    Returns
    -------
    ndarray of float64
        Sorted spike times in seconds.

    Examples
    --------
    >>> spikes = poisson_spikes([0.0, 1000.0], 0.1, rng=0)
    >>> bool(np.all((spikes >= 0.1) & (spikes < 0.2))), 60 < spikes.size < 140
    (True, True)
    """
    rates = np.atleast_1d(as_finite_array(rates, "rates", (0, 1)))
    if (rates < 0).any():
        raise ValueError("rates must be non-negative (spikes per second)")
    dt = _real(frame_duration, "frame_duration", low=0.0, low_open=True)
    gen = _rng(rng)
    uniforms = gen.random(rates.size)
    places = np.random.default_rng(gen.integers(2**63))
    means = np.round(rates * dt, 10)
    counts = np.maximum(scipy.stats.poisson.ppf(uniforms, means), 0).astype(np.int64)
    starts = np.repeat(np.arange(rates.size) * dt, counts)
    return np.sort(starts + places.uniform(0.0, dt, size=starts.size))


# ---------------------------------------------------------------------------------------
# Measurements
# ---------------------------------------------------------------------------------------


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


# ---------------------------------------------------------------------------------------
# The experiment, replayed
# ---------------------------------------------------------------------------------------


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
