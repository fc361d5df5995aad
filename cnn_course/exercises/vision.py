"""Checks for the exercises of the chapter "Simple and complex cells"."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from cnn_course.exercises import Feedback, function_check, number_check
from cnn_course.vision import (
    ComplexCell,
    SimpleCell,
    bar,
    coordinates,
    gabor,
    grating,
    orientation_tuning,
    response_harmonics,
    tuning_bandwidth,
)

#: Size of the images of the exercises, and the spatial frequency of their cells.
SIZE = 48
FREQUENCY = 0.125


# ---- exercise 1: a Gabor receptive field ------------------------------------------------


def _gabor_cases() -> list[tuple[tuple[Any, ...], dict[str, Any]]]:
    settings = [
        (32, 90.0, 0.125, 0.0, 4.0),
        (31, 30.0, 0.1, np.pi / 2, 5.0),
        (24, 0.0, 0.25, 1.0, 3.0),
        (40, 135.0, 0.08, -0.7, 6.0),
        (33, 60.0, 0.2, np.pi, 2.5),
    ]
    return [(s, {}) for s in settings]


def _centre_at_half(size, orientation, spatial_frequency, phase, sigma):
    steps = np.arange(size) - size / 2
    x, y = np.meshgrid(steps, -steps)
    t = np.deg2rad(orientation)
    d = x * np.sin(t) - y * np.cos(t)
    return np.exp(-(x**2 + y**2) / (2 * sigma**2)) * np.cos(2 * np.pi * spatial_frequency * d + phase)


def _radians_slip(size, orientation, spatial_frequency, phase, sigma):
    x, y = coordinates(size)
    d = x * np.sin(orientation) - y * np.cos(orientation)
    return np.exp(-(x**2 + y**2) / (2 * sigma**2)) * np.cos(2 * np.pi * spatial_frequency * d + phase)


def _variance_slip(size, orientation, spatial_frequency, phase, sigma):
    x, y = coordinates(size)
    return np.exp(-(x**2 + y**2) / (2 * sigma)) * grating(size, orientation, spatial_frequency, phase)


def gabor_receptive_field(candidate: Callable[..., Any]) -> Feedback:
    """Exercise 1: a Gabor receptive field (envelope times carrier, not balanced)."""

    def reference(size, orientation, spatial_frequency, phase, sigma):
        return gabor(size, orientation, spatial_frequency, phase, sigma, balanced=False)

    return function_check(
        "vision-gabor",
        candidate,
        reference,
        _gabor_cases(),
        slips=[
            (lambda s, o, f, p, g: grating(s, o, f, p),
             "that is the grating alone: multiply it by the Gaussian envelope exp(-(x² + y²) / (2 sigma²))."),
            (lambda s, o, f, p, g: gabor(s, o + 90, f, p, g, balanced=False),
             "the stripes are turned by 90 degrees: the carrier varies along the normal (sin θ, -cos θ), "
             "across the preferred orientation, not along it."),
            (lambda s, o, f, p, g: gabor(s, -o, f, -p, g, balanced=False),
             "it looks mirrored top to bottom: y grows upwards, so y = (size - 1)/2 - row, not row - (size - 1)/2."),
            (_radians_slip, "np.sin and np.cos take radians: convert the orientation with np.deg2rad first."),
            (_centre_at_half, "the centre is off by half a pixel: it sits at (size - 1) / 2, between pixels "
             "when the size is even."),
            (_variance_slip, "the envelope divides by 2 sigma, not 2 sigma²: sigma is a width in pixels."),
            (lambda s, o, f, p, g: gabor(s, o, f, p, g),
             "you balanced it (subtracted the mean under the envelope): the exercise asks for the plain product "
             "of envelope and carrier."),
        ],
        success="Envelope times carrier, with the chapter's axes: the simple cell's receptive field.",
    )


# ---- exercise 2: F1/F0 ------------------------------------------------------------------


def _ratio(rates, n_cycles):
    f0, f1 = response_harmonics(rates, n_cycles)
    return f1 / f0


def _f1f0_cases() -> list[tuple[tuple[Any, ...], dict[str, Any]]]:
    rng = np.random.default_rng(5)
    cases = []
    for n, cycles, kind in [(32, 1, "rectified"), (64, 2, "rectified"), (48, 3, "offset"), (60, 2, "offset"),
                            (40, 4, "noisy")]:
        t = np.arange(n) / n
        wave = np.cos(2 * np.pi * cycles * t + 0.3)
        if kind == "rectified":
            rates = 40 * np.maximum(wave, 0)
        elif kind == "offset":
            rates = 30 + 12 * wave
        else:
            rates = 20 + 5 * wave + rng.uniform(0, 2, size=n)
        cases.append(((rates, cycles), {}))
    return cases


def f1_over_f0(candidate: Callable[..., Any]) -> Feedback:
    """Exercise 2: F1/F0 of a response that covers ``n_cycles`` cycles of the stimulus."""

    def bin_one(rates, n_cycles):
        x = np.fft.rfft(rates)
        return 2 * abs(x[1]) / abs(x[0])

    return function_check(
        "vision-f1f0",
        candidate,
        _ratio,
        _f1f0_cases(),
        slips=[
            (lambda r, c: _ratio(r, c) / 2,
             "half the right value: F1 is the amplitude of the sinusoid, 2 |X[k]| / N, because the "
             "transform splits it between bins k and N - k."),
            (lambda r, c: _ratio(r, c) / len(r),
             "F0 and F1 are both divided by N (np.fft does not normalise): the N cancels in the ratio."),
            (bin_one,
             "you read bin 1, which is one cycle per record: the stimulus frequency is bin n_cycles."),
            (lambda r, c: (np.max(r) - np.min(r)) / np.mean(r),
             "peak-to-trough over the mean is a modulation index, not F1/F0: take the Fourier component "
             "at the stimulus frequency."),
        ],
        success="Simple cells give more than 1, complex cells less: the test of Skottun and colleagues.",
    )


# ---- exercise 3: a complex cell from simple cells ----------------------------------------


def _energy_images() -> list[np.ndarray]:
    rng = np.random.default_rng(8)
    images = [grating(SIZE, 90, FREQUENCY, p) for p in (0.0, 0.8, 2.0, 4.0)]
    images += [bar(SIZE, 90, p, 4, None, c) for p, c in [(0, 1.0), (3, 1.0), (-5, -1.0)]]
    images += [grating(SIZE, 70, 0.1, 1.0, 0.5), np.clip(rng.normal(0, 0.4, (SIZE, SIZE)), -1, 1)]
    return images


def energy_from_simple_cells(candidate: Callable[..., Any]) -> Feedback:
    """Exercise 3: the energy model built from rectified simple cells."""
    reference_cell = ComplexCell(90, FREQUENCY, SIZE, output="energy", max_rate=1.0)
    simple = {p: SimpleCell(90, FREQUENCY, p, SIZE, max_rate=1.0) for p in (0.0, np.pi / 2, np.pi, 3 * np.pi / 2)}
    cases = [((image,), {}) for image in _energy_images()]

    def two_cells(image):
        return simple[0.0].respond(image) ** 2 + simple[np.pi / 2].respond(image) ** 2

    def no_squares(image):
        return sum(cell.respond(image) for cell in simple.values())

    return function_check(
        "vision-energy",
        candidate,
        reference_cell.respond,
        cases,
        slips=[
            (two_cells, "two rectified cells miss the half of each cycle where their drive is negative: add the "
             "cells of phase π and 3π/2, whose rectified drives are exactly those negative halves."),
            (lambda image: np.sqrt(reference_cell.respond(image)),
             "that is the amplitude (with the square root); the exercise asks for the energy, d0² + d90²."),
            (no_squares, "the rates are summed but not squared: the energy is a sum of squares."),
        ],
        success="Since max(d, 0)² + max(-d, 0)² = d², four rectified simple cells make the energy model exactly.",
    )


# ---- exercise 4: a wider receptive field -------------------------------------------------

#: Settings of exercise 4's cell.
WIDE_SIGMA = 8.0
WIDE_SIZE = 64


def _bandwidth(sigma: float, size: int) -> float:
    cell = SimpleCell(90, FREQUENCY, 0.0, size, sigma=sigma)
    return tuning_bandwidth(orientation_tuning(cell, np.arange(0.0, 180.0, 2.5), frames_per_cycle=8))


def wide_field_bandwidth(answer: Any) -> Feedback:
    """Exercise 4: the orientation bandwidth of a simple cell whose envelope is twice as wide."""
    wide = _bandwidth(WIDE_SIGMA, WIDE_SIZE)
    narrow = _bandwidth(4.0, WIDE_SIZE)
    return number_check(
        "vision-bandwidth",
        answer,
        wide,
        rtol=0.06,
        slips=[
            (narrow, "that is the bandwidth of the default cell (sigma = 4), or the FULL width at half height of the "
             "wide one: give the half-width of the cell with sigma = 8."),
            (2 * narrow, "that is the full width of the default cell: build the cell with sigma = 8 and take the "
             "half-width."),
        ],
        success="A receptive field twice as long in every direction averages over longer stretches of the "
        "stripes, so it tolerates about half the tilt.",
    )
