"""Receptive fields and the model cells: Gabor filters, simple and complex cells.

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
* :func:`standard_cells`: the chapter's three cells, by name.

A cell's ``respond`` returns a deterministic, non-negative firing rate in spikes per
second, ``max_rate`` (default :data:`MAX_RATE`, 100) for the optimal full-contrast
grating; its ``spikes`` draws a Poisson spike train at that rate
(:func:`cnn_course.vision.spikes.poisson_spikes`).
"""

from __future__ import annotations

from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

from cnn_course._validation import as_finite_array, as_int, check_choice
from cnn_course.vision._checks import _center, _frequency, _orientation, _real, _size
from cnn_course.vision.spikes import poisson_spikes
from cnn_course.vision.stimuli import DEFAULT_SIZE, DEFAULT_SPATIAL_FREQUENCY, _axes, _cos_sin, grating

__all__ = [
    "MAX_RATE",
    "Cell",
    "ComplexCell",
    "SimpleCell",
    "gabor",
    "standard_cells",
]

#: Default rate, in spikes per second, evoked by the optimal full-contrast grating.
MAX_RATE = 100.0

COMPLEX_MODELS: tuple[str, ...] = ("energy", "max")
ENERGY_OUTPUTS: tuple[str, ...] = ("amplitude", "energy")


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
    >>> from cnn_course.vision import bar
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
