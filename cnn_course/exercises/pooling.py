"""Checks for the exercises of the chapter "Pooling"."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from cnn_course.exercises import Feedback, close, function_check, number_check, verdict
from cnn_course.pooling import avg_pool2d, max_pool2d

#: The 4x4 array of the first exercise.
HAND_INPUT = np.array(
    [
        [1.0, 3.0, 2.0, 0.0],
        [4.0, 6.0, 1.0, 5.0],
        [0.0, 2.0, 9.0, 7.0],
        [3.0, 1.0, 4.0, 8.0],
    ]
)


def max_pool_by_hand(answer: Any) -> Feedback:
    """Exercise 1: 2x2 max pooling with stride 2 of :data:`HAND_INPUT`, by hand."""
    expected = max_pool2d(HAND_INPUT, 2)
    try:
        got = np.asarray(answer, dtype=float)
    except (TypeError, ValueError):
        return verdict("max-pool-by-hand", False, f"Expected a 2x2 array of numbers, got {answer!r}.")
    if close(got, expected):
        return verdict("max-pool-by-hand", True, "each output is the largest of its 2x2 block.")
    if close(got, avg_pool2d(HAND_INPUT, 2)):
        return verdict("max-pool-by-hand", False, "that is the average of each block; max pooling keeps the largest value.")
    if close(got, expected.T):
        return verdict("max-pool-by-hand", False, "right values, transposed: the top-right block gives the top-right output.")
    if close(got, max_pool2d(HAND_INPUT, 2, stride=1)):
        return verdict("max-pool-by-hand", False, "that is stride 1 (overlapping windows); with stride 2 the blocks do not overlap and the output is 2x2.")
    if got.shape != (2, 2):
        return verdict("max-pool-by-hand", False, f"a 4x4 input in 2x2 blocks gives a 2x2 output, not shape {got.shape}.")
    wrong = int(np.sum(~np.isclose(got, expected)))
    return verdict("max-pool-by-hand", False, f"{wrong} of the 4 values are off; take the maximum of each 2x2 block.")


def _even_cases(seed: int = 11) -> list[tuple[tuple[Any, ...], dict[str, Any]]]:
    rng = np.random.default_rng(seed)
    return [((rng.integers(0, 10, size=s).astype(float),), {}) for s in [(2, 2), (4, 4), (6, 4), (8, 10)]]


def avg_pool_2x2(candidate: Callable[..., Any]) -> Feedback:
    """Exercise 2: 2x2 average pooling without loops."""
    return function_check(
        "avg-pool-2x2",
        candidate,
        lambda x: avg_pool2d(x, 2),
        _even_cases(),
        slips=[
            (lambda x: max_pool2d(x, 2), "that is max pooling: take the mean of each block."),
            (lambda x: 4 * avg_pool2d(x, 2), "that is the sum of each block (LeNet's subsampling before its coefficient): divide by 4."),
            (lambda x: avg_pool2d(x, 2).T, "the result is transposed: check the order of the axes you average over."),
        ],
        success="Reshaping to (H/2, 2, W/2, 2) and averaging axes 1 and 3 is how it is done without loops.",
    )


def s2_parameters(answer: Any) -> Feedback:
    """Exercise 3: the number of trainable parameters of LeNet-5's S2 layer."""
    maps, units = 6, 6 * 14 * 14
    return number_check(
        "s2-parameters",
        answer,
        2 * maps,
        slips=[
            (0, "LeNet-5's subsampling is trainable: each map has a coefficient and a bias."),
            (maps, "each map has two trainable parameters: a coefficient and a bias."),
            (5 * maps, "the four inputs of a window share one coefficient (they are summed first): 2 per map."),
            (2 * units, "weight sharing: all units of a map share the same coefficient and bias."),
            (5 * units, "that counts connections, not trainable parameters; weights are shared within a map."),
        ],
        success="Six maps times (one coefficient + one bias).",
    )


def alexnet_pool_size(answer: Any) -> Feedback:
    """Exercise 4: the output size of AlexNet's overlapping pooling of a 55x55 map."""
    return number_check(
        "alexnet-pool-size",
        answer,
        (55 - 3) // 2 + 1,
        slips=[
            (28, "rounded up, or divided 55 by 2: the last window must fit, (55 - 3) // 2 + 1."),
            (26, "count the first window too: (55 - 3) // 2 + 1."),
            (53, "that is stride 1: AlexNet's windows move by 2."),
            (18, "that is non-overlapping 3x3 pooling (stride 3): AlexNet's windows overlap (stride 2)."),
        ],
        success="Overlapping windows (3x3, stride 2) halve the size, as non-overlapping 2x2 ones would.",
    )
