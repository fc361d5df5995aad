"""Checks for the exercises of the chapter "The Neocognitron"."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from cnn_course.exercises import Feedback, close, function_check, number_check, verdict
from cnn_course.neocognitron import (
    DEFAULT_STAGES,
    Neocognitron,
    competitive_step,
    s_cell_response,
    shift_accuracy,
)

#: The shift (pixels) of the pooling experiment.
EXPERIMENT_SHIFT = 3


def _unit(v: np.ndarray) -> np.ndarray:
    return v / np.linalg.norm(v)


def _s_cell_cases() -> list[tuple[tuple[Any, ...], dict[str, Any]]]:
    rng = np.random.default_rng(5)
    w_line = _unit(np.array([[0, 1.0, 0], [0, 1, 0], [0, 1, 0]]))
    cases: list[tuple[tuple[Any, ...], dict[str, Any]]] = [
        ((np.array([[0, 2.0, 0], [0, 2, 0], [0, 2, 0]]), w_line, 0.5), {}),  # the preferred patch, bright
        ((np.array([[0, 0.5, 0], [0, 0.5, 0], [0, 0.5, 1.0]]), w_line, 0.5), {}),  # close enough, faint
        ((np.array([[1.0, 0, 0], [0, 1, 0], [0, 0, 1]]), w_line, 0.5), {}),  # a diagonal: below threshold
        ((np.array([[3.0, 0, 0], [0, 3, 0], [0, 0, 3]]), w_line, 0.2), {}),  # same diagonal, tolerant cell
    ]
    for theta in (0.0, 0.6, 0.8):
        patch = rng.random((3, 3)) * 2
        cases.append(((patch, _unit(rng.random((3, 3))), theta), {}))
    return cases


def s_cell(candidate: Callable[..., Any]) -> Feedback:
    """Exercise 1: one S-cell, ``max(0, w . x - theta ||x||) / (1 - theta)``."""

    def reference(patch: Any, weights: Any, threshold: float) -> float:
        return s_cell_response(patch, weights, threshold)

    def excitation(x: Any, w: Any) -> float:
        return float(np.sum(np.asarray(w) * np.asarray(x)))

    def length(x: Any) -> float:
        return float(np.linalg.norm(np.asarray(x, dtype=float)))

    return function_check(
        "s-cell",
        candidate,
        reference,
        _s_cell_cases(),
        slips=[
            (lambda x, w, t: max(0.0, excitation(x, w) - t * length(x)),
             "the threshold is right, but divide by (1 - threshold) so that the preferred patch gives its full length."),
            (lambda x, w, t: (excitation(x, w) - t * length(x)) / (1 - t),
             "the cell must be silent (0) below threshold: rectify with max(0, ...)."),
            (lambda x, w, t: max(0.0, excitation(x, w) - t) / (1 - t),
             "subtract threshold times the patch's length ||x|| (the inhibitory V-cell), not the threshold alone: "
             "otherwise a bright enough patch of any shape makes the cell fire."),
            (lambda x, w, t: max(0.0, excitation(x, w)),
             "that is a rectified dot product with no inhibition: subtract threshold * ||x|| and divide by (1 - threshold)."),
            (lambda x, w, t: max(0.0, excitation(x, w) / max(length(x), 1e-12) - t) / (1 - t),
             "that is the thresholded cosine alone; multiply by ||x||, so that a fainter patch gives a weaker response."),
        ],
        success="Excitation minus inhibition, rectified: the cell fires for patches close in angle to its weights.",
    )


def _step_cases() -> list[tuple[tuple[Any, ...], dict[str, Any]]]:
    rng = np.random.default_rng(8)
    cases = [((np.array([[1.0, 0.0], [0.0, 1.0]]), np.array([[2.0, 1.0], [1.0, 1.0]]), 0.5), {})]
    for planes, n, d, rate in ((3, 12, 4, 0.5), (4, 20, 9, 1.0), (2, 6, 3, 0.25)):
        w = rng.random((planes, d))
        w /= np.linalg.norm(w, axis=1, keepdims=True)
        cases.append(((w, rng.random((n, d)), rate), {}))
    return cases


def _unit_rows(a: np.ndarray) -> np.ndarray:
    return a / np.maximum(np.linalg.norm(a, axis=1, keepdims=True), 1e-12)


def _step_without(weights: Any, patches: Any, rate: float, *, normalise_patches: bool = True,
                  normalise_weights: bool = True, compete: bool = True) -> np.ndarray:
    w = np.asarray(weights, dtype=float)
    p = np.asarray(patches, dtype=float)
    p = _unit_rows(p) if normalise_patches else p
    new = w.copy()
    if not compete:
        new = (1 - rate) * w + rate * p.mean(axis=0)
        return _unit_rows(new) if normalise_weights else new
    winners = np.argmax(_unit_rows(p) @ w.T, axis=1)
    for k in range(len(w)):
        mine = p[winners == k]
        if len(mine):
            new[k] = (1 - rate) * w[k] + rate * mine.mean(axis=0)
            if normalise_weights:
                new[k] /= np.linalg.norm(new[k])
    return new


def competitive_update(candidate: Callable[..., Any]) -> Feedback:
    """Exercise 2: one winner-take-all step."""
    return function_check(
        "competitive-update",
        candidate,
        competitive_step,
        _step_cases(),
        slips=[
            (lambda w, p, r: _step_without(w, p, r, compete=False),
             "every plane moved toward the mean of all the patches: only a patch's winner learns from it."),
            (lambda w, p, r: _step_without(w, p, r, normalise_weights=False),
             "scale each updated plane back to unit length, or the S-cells' responses grow with learning."),
            (lambda w, p, r: _step_without(w, p, r, normalise_patches=False),
             "scale each patch to unit length before averaging, so that bright patches do not outweigh faint ones."),
        ],
        success="Winner-take-all: each plane drifts toward the patches it already detects best.",
    )


def c2_receptive_field(answer: Any) -> Feedback:
    """Exercise 3: the side of the input square one C2-cell of the default network sees."""
    expected = Neocognitron(DEFAULT_STAGES).receptive_fields()[3]["size"]
    return number_check(
        "c2-receptive-field",
        answer,
        expected,
        slips=[
            (9, "9 is the C2 window in S2-cells; each S2-cell sees more than one pixel, and neighbouring S2-cells are 2 pixels apart."),
            (15, "15 is one S2-cell's field; the C2-cell pools 9 x 9 of them, 2 pixels apart: add (9 - 1) * 2."),
            (19, "you added the windows as if every cell were 1 pixel from its neighbour; after C1, neighbours are 2 pixels apart."),
            (23, "S2-cells are 2 input pixels apart (C1 subsampled by 2): the C2 window adds (9 - 1) * 2, not 8."),
            (47, "the 9 S2-cells of a C2 window are 2 pixels apart; 4 is the step between C2-cells."),
            (28, "28 is the image; the field is the square of input pixels that can reach one cell, which can reach past the border."),
        ],
        success="31 x 31 pixels: more than the whole 28 x 28 digit. Each stage sees a wider area at a coarser grain.",
    )


def no_pooling(model: Any, accuracy: Any, images: Any, labels: Any) -> Feedback:
    """Exercise 4: a Neocognitron whose C-layers only subsample (pool 1), and its accuracy
    on ``images`` shifted by :data:`EXPERIMENT_SHIFT` pixels (four directions)."""
    name = "no-pooling"
    if not isinstance(model, Neocognitron):
        return verdict(name, False, f"Expected a Neocognitron, got {type(model).__name__}.")
    if [s.pool for s in model.stages] != [1] * len(model.stages):
        return verdict(name, False, "set pool=1 in every Stage, so that each C-cell sees a single S-cell.")
    wanted = [(s.planes, s.kernel, s.threshold, s.stride) for s in DEFAULT_STAGES]
    got = [(s.planes, s.kernel, s.threshold, s.stride) for s in model.stages]
    if got != wanted:
        return verdict(name, False, "change only the pooling: keep the default stages' planes, kernel, threshold "
                                    "and stride (2), so that the comparison is fair.")
    if not model.weights or not model._readout:
        return verdict(name, False, "train it first: model.fit(images) and then model.fit_readout(images, labels).")
    table = shift_accuracy({"model": model}, images, labels, [0, EXPERIMENT_SHIFT])
    at_zero, at_shift = table["accuracy"].tolist()
    try:
        value = float(accuracy)
    except (TypeError, ValueError):
        return verdict(name, False, f"Expected the accuracy as a number between 0 and 1, got {accuracy!r}.")
    if close(value, at_shift * 100) and not close(value, at_shift):
        return verdict(name, False, f"give the accuracy as a fraction (0..1), not a percentage: {at_shift:.3f}.")
    if close(value, at_zero) and not close(value, at_shift):
        return verdict(name, False, f"{value:.3f} is the accuracy without a shift; shift the digits by {EXPERIMENT_SHIFT} pixels.")
    if not close(value, at_shift, rtol=1e-6, atol=1e-9):
        return verdict(name, False, f"the model's accuracy at a {EXPERIMENT_SHIFT}-pixel shift on these digits is "
                                    f"{at_shift:.3f}, not {value:.3f}: use shift_accuracy with shifts=[{EXPERIMENT_SHIFT}].")
    return verdict(name, True, f"{at_zero:.1%} unshifted, {at_shift:.1%} at {EXPERIMENT_SHIFT} pixels: without "
                               "pooling, subsampling alone buys little tolerance.")
