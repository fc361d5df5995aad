"""The stimuli of the experiments: bars, gratings, drifting gratings and swept bars.

Images are square, ``size`` x ``size`` pixels of **contrast** (0 the grey of the screen,
-1 .. 1); coordinates are in pixels from the centre, ``x`` to the right and ``y``
upwards; ``orientation`` is in degrees counter-clockwise from horizontal and positions
across a bar are measured along its normal ``(sin θ, -cos θ)`` (see
:mod:`cnn_course.vision` for the full conventions).
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from cnn_course._validation import as_int
from cnn_course.vision._checks import _contrast, _frequency, _orientation, _real, _size

__all__ = [
    "DEFAULT_SIZE",
    "DEFAULT_SPATIAL_FREQUENCY",
    "bar",
    "coordinates",
    "drifting_grating",
    "grating",
    "sweeping_bar",
]

#: Default side of the images, in pixels.
DEFAULT_SIZE = 48
#: Default preferred spatial frequency of the model cells: 0.125 cycles/pixel (8-pixel period).
DEFAULT_SPATIAL_FREQUENCY = 0.125


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
