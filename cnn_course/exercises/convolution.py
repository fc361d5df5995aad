"""Checks for the exercises of the chapter "Convolution and cross-correlation"."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from cnn_course.convolution import convolve2d, cross_correlate2d
from cnn_course.exercises import Feedback, close, function_check, number_check, verdict

#: The kernel of the first exercise, in array orientation (top row first).
HAND_KERNEL = np.array([[1.0, 2.0], [0.0, -1.0]])


def _cartesian(array: np.ndarray, i: int, j: int) -> float:
    """Value at Cartesian (i, j) of an output whose (0, 0) is the bottom-left element."""
    return float(array[array.shape[0] - 1 - j, i])


def hand_convolution(answer: Any, image: np.ndarray) -> Feedback:
    """Exercise 1: F(1, 0) of ``image`` convolved with :data:`HAND_KERNEL`, by hand."""
    conv = convolve2d(image, HAND_KERNEL)
    xcorr = cross_correlate2d(image, HAND_KERNEL)
    return number_check(
        "conv-by-hand",
        answer,
        _cartesian(conv, 1, 0),
        slips=[
            (_cartesian(xcorr, 1, 0), "that is the cross-correlation: the convolution flips the kernel (P(i-m, j-n), not P(i+m, j+n))."),
            (_cartesian(conv, 0, 1), "that is F(0, 1): i counts to the right, j upwards."),
            (_cartesian(conv, 1, 1), "that is F(1, 1): F(1, 0) is the bottom-right output."),
            (_cartesian(conv, 0, 0), "that is F(0, 0): i counts to the right, so F(1, 0) is to the right of it."),
        ],
        success="You flipped the kernel and paired the right terms.",
    )


def _cases(seed: int = 7) -> list[tuple[tuple[Any, ...], dict[str, Any]]]:
    rng = np.random.default_rng(seed)
    shapes = [((3, 3), (2, 2)), ((5, 6), (3, 2)), ((7, 7), (3, 3)), ((4, 8), (1, 4))]
    return [((rng.integers(-9, 10, size=s).astype(float), rng.integers(-3, 4, size=k).astype(float)), {}) for s, k in shapes]


def cross_correlation_via_convolution(candidate: Callable[..., Any]) -> Feedback:
    """Exercise 2: a cross-correlation written with ``convolve2d`` and a flip."""
    return function_check(
        "xcorr-via-conv",
        candidate,
        cross_correlate2d,
        _cases(),
        slips=[
            (convolve2d, "it returns the convolution: flip the kernel in both directions before convolving."),
            (lambda im, k: convolve2d(im, np.flipud(k)), "you flipped the kernel upside down only; flip left-right as well."),
            (lambda im, k: convolve2d(im, np.fliplr(k)), "you flipped the kernel left-right only; flip it upside down as well."),
            (lambda im, k: convolve2d(im, np.transpose(k)), "transposing is not flipping: use k[::-1, ::-1]."),
        ],
        success="Convolution and cross-correlation differ only by the flip.",
    )


def reference_output_size(n: int, k: int, stride: int, padding: int) -> int:
    """The output size of a "valid" sliding window: floor((n + 2p - k) / s) + 1."""
    return (n + 2 * padding - k) // stride + 1


_SIZE_CASES = [
    ((n, k, s, p), {})
    for n, k, s, p in [(28, 5, 1, 0), (32, 5, 1, 0), (227, 11, 4, 0), (32, 11, 4, 0), (7, 3, 2, 1), (10, 3, 3, 0), (5, 5, 1, 2), (224, 11, 4, 2)]
]


def output_size(candidate: Callable[..., Any]) -> Feedback:
    """Exercise 3: the output-size formula."""
    return function_check(
        "output-size",
        candidate,
        reference_output_size,
        _SIZE_CASES,
        slips=[
            (lambda n, k, s, p: (n + 2 * p - k) / s + 1, "it returns a fraction: the window stops when it would run off the input, so round down (//)."),
            (lambda n, k, s, p: (n + 2 * p - k) // s, "one short: count the first position too (+ 1)."),
            (lambda n, k, s, p: (n + p - k) // s + 1, "padding is added on both sides: 2p, not p."),
            (lambda n, k, s, p: n + 2 * p - k + 1, "the stride is missing: a stride of s keeps every s-th position."),
            (lambda n, k, s, p: -(-(n + 2 * p - k) // s) + 1, "rounded up: a window that would run off the padded input is not computed, so round down."),
        ],
        success="This is the formula every framework uses for 'valid' windows.",
    )


def shift_kernel(kernel: Any) -> Feedback:
    """Exercise 4: a 3x3 kernel that, cross-correlated with padding 1, shifts right by one."""
    try:
        k = np.asarray(kernel, dtype=float)
    except (TypeError, ValueError):
        return verdict("shift-kernel", False, f"Expected a 3x3 array of numbers, got {kernel!r}.")
    if k.shape != (3, 3):
        return verdict("shift-kernel", False, f"Expected a 3x3 kernel, got shape {k.shape}.")
    image = np.arange(1.0, 26.0).reshape(5, 5)
    shifted = np.zeros_like(image)
    shifted[:, 1:] = image[:, :-1]
    out = cross_correlate2d(image, k, padding=1)

    if close(out, shifted):
        return verdict("shift-kernel", True, "each output pixel copies its left neighbour: the image moves right.")
    moved_left = np.zeros_like(image)
    moved_left[:, :-1] = image[:, 1:]
    if close(out, moved_left):
        return verdict("shift-kernel", False, "the image moved left: cross-correlation does not flip, so the 1 goes where the *source* pixel is, on the left.")
    moved_down = np.zeros_like(image)
    moved_down[1:, :] = image[:-1, :]
    moved_up = np.zeros_like(image)
    moved_up[:-1, :] = image[1:, :]
    if close(out, moved_down) or close(out, moved_up):
        return verdict("shift-kernel", False, "the image moved vertically: put the 1 in the middle row.")
    if close(out, image):
        return verdict("shift-kernel", False, "that is the identity kernel: the image did not move.")
    return verdict("shift-kernel", False, "the output is not the image moved one pixel right. A shift kernel has a single 1 and zeros elsewhere.")
