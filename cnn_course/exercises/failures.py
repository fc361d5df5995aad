"""Checks for the exercises of the chapter "Where CNNs fail".

Examples
--------
>>> import numpy as np
>>> largest_change(lambda w, eps: eps * np.abs(np.asarray(w)).sum()).passed
True
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from cnn_course.exercises import Feedback, close, function_check, verdict
from cnn_course.failures.attacks import fgsm_linear
from cnn_course.failures.evaluation import predict
from cnn_course.failures.foveation import centre_of_mass, foveate
from cnn_course.nonlinearities.activations import softmax

__all__ = ["fgsm_by_hand", "fixate_on_ink", "largest_change"]


def _linear_cases() -> list[tuple[tuple[Any, ...], dict[str, Any]]]:
    rng = np.random.default_rng(7)
    cases = []
    for n, features, classes, eps in [(3, 4, 3, 0.1), (5, 6, 4, 0.3), (2, 3, 2, 0.05)]:
        w = rng.normal(size=(features, classes))
        b = rng.normal(size=classes)
        x = rng.random((n, features))
        x[0, 0], x[-1, -1] = 0.0, 1.0  # pixels at the edges of the range: clipping matters
        y = rng.integers(0, classes, n)
        cases.append(((w, b, x, y, eps), {}))
    return cases


def _gradient(w: Any, b: Any, x: Any, y: Any) -> np.ndarray:
    w, b, x = np.asarray(w, float), np.asarray(b, float), np.asarray(x, float)
    return (softmax(x @ w + b, axis=1) - np.eye(w.shape[1])[np.asarray(y)]) @ w.T


def fgsm_by_hand(candidate: Callable[..., Any]) -> Feedback:
    """Exercise 1: FGSM on a softmax regression, ``fgsm_by_hand(weights, bias, x, y, eps)``."""
    slips = [
        (lambda w, b, x, y, eps: np.asarray(x) + eps * np.sign(_gradient(w, b, x, y)),
         "clip the result to the valid range [0, 1] (np.clip)."),
        (lambda w, b, x, y, eps: np.clip(np.asarray(x) - eps * np.sign(_gradient(w, b, x, y)), 0, 1),
         "the untargeted attack climbs the loss: add eps * sign(gradient), do not subtract it."),
        (lambda w, b, x, y, eps: np.clip(np.asarray(x) + eps * _gradient(w, b, x, y), 0, 1),
         "step by eps times the SIGN of the gradient, so that every pixel moves by exactly eps."),
        (lambda w, b, x, y, eps: np.clip(np.asarray(x) + eps * np.sign(np.asarray(w)[:, np.asarray(y)].T * -1.0), 0, 1),
         "the gradient of -log p_y is (p - onehot(y)) @ weights.T: it involves every class, not only y's column."),
    ]
    return function_check("ex-fgsm-linear", candidate, fgsm_linear, _linear_cases(), slips=slips,
                          success="The whole attack is one gradient and one sign: nothing to learn, nothing to design.")


def largest_change(candidate: Callable[..., Any]) -> Feedback:
    """Exercise 2: the largest change of ``w . x`` under a perturbation with ``|eta_i| <= eps``."""
    rng = np.random.default_rng(3)
    cases = [((rng.normal(size=n), eps), {}) for n, eps in [(5, 0.1), (784, 0.1), (3072, 8 / 255)]]
    cases.append(((np.array([1.0, -2.0, 0.0]), 0.5), {}))
    slips = [
        (lambda w, eps: eps * np.linalg.norm(w), "that is eps times the Euclidean length of w; with |eta_i| <= eps "
                                                  "each term can take eps * |w_i|: sum the absolute values."),
        (lambda w, eps: eps * np.sum(w), "negative weights help too: choose eta_i = -eps where w_i < 0, so use |w_i|."),
        (lambda w, eps: eps * np.abs(w).max(), "every pixel may move, not only the one with the largest weight."),
    ]
    return function_check("ex-largest-change", candidate, lambda w, eps: eps * np.abs(np.asarray(w, float)).sum(),
                          cases, slips=slips,
                          success="eps * ||w||_1 grows with the number of inputs: many tiny changes add up.")


def fixate_on_ink(candidate: Callable[..., Any], accuracy: Any, model: Any, images: Any, labels: Any,
                  **foveate_options: Any) -> Feedback:
    """Exercise 3: ``look_at(images)`` gives (row, col) of each digit's ink; accuracy when fixating there."""
    name = "ex-fixate"
    x = np.asarray(images, dtype=np.float64)
    rng = np.random.default_rng(0)
    probe = np.zeros((3, 9, 11))
    probe[0, 2, 3] = 1.0
    probe[1] = rng.random((9, 11))
    probe[2, 1:3, 8:10] = [[1.0, 2.0], [0.0, 1.0]]
    fixation_check = function_check(name, candidate, centre_of_mass, [((probe,), {})],
                                    slips=[(lambda im: centre_of_mass(im)[:, ::-1],
                                            "return (row, col): the row (vertical position) first."),
                                           (lambda im: np.stack([np.argmax(im.sum(axis=2), axis=1),
                                                                 np.argmax(im.sum(axis=1), axis=1)], 1).astype(float),
                                            "weight every pixel's position by its brightness and divide by the total, "
                                            "not the brightest row and column.")])
    if not fixation_check.passed:
        return fixation_check
    try:
        value = float(accuracy)
    except (TypeError, ValueError):
        return verdict(name, False, f"accuracy must be a number between 0 and 1, got {accuracy!r}.")
    seen = np.clip(foveate(x, centre_of_mass(x), **foveate_options), 0.0, 1.0)
    predicted, _ = predict(model, seen[..., None].astype(np.float32) if seen.ndim == 3 else seen.astype(np.float32))
    expected = float(np.mean(predicted == np.asarray(labels)))
    if close(value, expected * 100, atol=1e-6) and not close(value, expected):
        return verdict(name, False, f"give the accuracy as a fraction (0..1), not a percentage: {expected:.3f}.")
    if not close(value, expected, rtol=1e-6, atol=1e-9):
        return verdict(name, False, f"fixating each digit's centre of mass, the network gets {expected:.3f} right, not "
                                    f"{value:.3f}: pass look_at(digits) as the fixation to foveate.")
    return verdict(name, True, f"{expected:.1%} with the fovea on the ink. Moving the eyes to what matters is how "
                               "we cope with a low-resolution periphery.")
