"""Spikes: a Poisson process whose rate is constant within each frame, drawn the same
way on every machine (see :func:`poisson_spikes`)."""

from __future__ import annotations

from typing import Any

import numpy as np
import scipy.stats
from numpy.typing import ArrayLike, NDArray

from cnn_course._validation import as_finite_array
from cnn_course.vision._checks import _real, _rng

__all__ = ["poisson_spikes"]


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
