"""Checks for the exercises of the chapter "Non-linearities, outputs and losses"."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from cnn_course.exercises import Feedback, function_check, number_check, verdict
from cnn_course.nonlinearities.activations import scaled_tanh_grad
from cnn_course.nonlinearities.losses import cross_entropy, map_loss

#: The slope S of the amplitude exercise.
AMPLITUDE_SLOPE = 0.5


def _tanh_cases() -> list[tuple[tuple[Any, ...], dict[str, Any]]]:
    z = np.linspace(-3, 3, 13)
    return [((z, 1.7159, 2 / 3), {}), ((z, 1.0, 1.0), {}), ((np.array([0.0, 0.5, -2.0]), 2.0, 0.5), {}), ((np.array([1.0]), 0.8, 3.0), {})]


def tanh_derivative(candidate: Callable[..., Any]) -> Feedback:
    """Exercise: the derivative of A tanh(S z), elementwise."""

    def reference(z: Any, a: float, s: float) -> Any:
        return scaled_tanh_grad(np.asarray(z, dtype=float), a, s)

    return function_check(
        "scaled-tanh-derivative",
        candidate,
        reference,
        _tanh_cases(),
        slips=[
            (lambda z, a, s: a * (1 - np.tanh(s * np.asarray(z)) ** 2), "the chain rule brings out a factor S too: d/dz tanh(S z) = S (1 - tanh²(S z))."),
            (lambda z, a, s: s * (1 - np.tanh(s * np.asarray(z)) ** 2), "keep the amplitude A: the derivative of A g(z) is A g'(z)."),
            (lambda z, a, s: a * s * (1 - np.tanh(s * np.asarray(z))), "the derivative of tanh is 1 - tanh² (squared), not 1 - tanh."),
            (lambda z, a, s: a * s / np.cosh(np.asarray(z)) ** 2, "the argument of the function is S z: use tanh(S z) (or cosh(S z))."),
        ],
        success="A S (1 - tanh²(S z)): largest at 0 (A S = 1.14 for LeCun's constants).",
    )


def amplitude(answer: Any) -> Feedback:
    """Exercise: the amplitude A that gives f(1) = 1 when S = 1/2."""
    expected = 1.0 / np.tanh(AMPLITUDE_SLOPE)
    return number_check(
        "amplitude",
        answer,
        expected,
        rtol=1e-4,
        slips=[
            (np.tanh(AMPLITUDE_SLOPE), "that is tanh(S); A must make A tanh(S) = 1, so A = 1 / tanh(S)."),
            (1.0 / AMPLITUDE_SLOPE, "that is 1 / S, which would make the slope A S at 0 equal 1; the condition is f(1) = 1."),
            (1.0 / np.tanh(2 / 3), "that is LeCun's value for S = 2/3; redo it for S = 1/2."),
        ],
        success="A gentler slope needs a larger amplitude to reach 1 at z = 1.",
    )


def _ce_cases() -> list[tuple[tuple[Any, ...], dict[str, Any]]]:
    rng = np.random.default_rng(3)
    cases = [((np.array([[2.0, 0.0, -1.0]]), np.array([0])), {}), ((np.array([[0.0, 0.0]]), np.array([1])), {})]
    for n, k in ((4, 3), (6, 10), (3, 5)):
        cases.append(((rng.normal(0, 3, (n, k)), rng.integers(0, k, n)), {}))
    cases.append(((np.array([[800.0, 0.0], [0.0, 800.0]]), np.array([1, 1])), {}))  # needs a stable log-sum-exp
    return cases


def cross_entropy_from_logits(candidate: Callable[..., Any]) -> Feedback:
    """Exercise: mean cross-entropy from scores and integer labels."""

    def reference(z: Any, labels: Any) -> float:
        return cross_entropy(z, labels, from_logits=True)

    def naive(z: Any, labels: Any) -> float:
        z = np.asarray(z, dtype=float)
        with np.errstate(all="ignore"):
            p = np.exp(z) / np.exp(z).sum(axis=1, keepdims=True)
            return float(np.mean(-np.log(p[np.arange(len(z)), labels])))

    def summed(z: Any, labels: Any) -> float:
        return reference(z, labels) * len(np.asarray(labels))

    def minus_score(z: Any, labels: Any) -> float:
        z = np.asarray(z, dtype=float)
        return float(np.mean(-z[np.arange(len(z)), labels]))

    cases = _ce_cases()
    overflow_hint = "right on moderate scores, but e^{800} overflows: subtract each row's maximum before exponentiating."
    if callable(candidate):
        args, kwargs = cases[-1]
        try:
            with np.errstate(all="ignore"):
                big = candidate(*args, **kwargs)
            finite = bool(np.all(np.isfinite(np.asarray(big, dtype=float))))
        except NotImplementedError:
            raise
        except Exception:  # reported by function_check below
            finite = True
        if not finite:
            return verdict("cross-entropy", False, f"For scores as large as 800 it returned {big!r}: {overflow_hint}")
    return function_check(
        "cross-entropy",
        candidate,
        reference,
        cases,
        slips=[
            (summed, "that is the sum over the examples; the loss is their mean."),
            (minus_score, "subtract log sum_j e^{z_j} as well: log p_c = z_c - logsumexp(z)."),
            (naive, overflow_hint),
        ],
        success="-log p of the correct class, averaged, computed through a log-sum-exp.",
    )


def _map_cases() -> list[tuple[tuple[Any, ...], dict[str, Any]]]:
    rng = np.random.default_rng(4)
    cases = [((np.array([[0.0, 3.0]]), np.array([0]), 1.0), {}), ((np.array([[5.0, 0.5, 9.0]]), np.array([1]), 2.0), {})]
    for n, k, j in ((4, 10, 1.0), (3, 4, 5.0)):
        cases.append(((rng.uniform(0, 20, (n, k)), rng.integers(0, k, n), j), {}))
    return cases


def map_criterion(candidate: Callable[..., Any]) -> Feedback:
    """Exercise: LeNet-5's MAP criterion on RBF outputs."""

    def reference(y: Any, labels: Any, j: float) -> float:
        return map_loss(y, labels, j=j)

    def rows(y: Any, labels: Any) -> tuple[np.ndarray, np.ndarray]:
        y = np.asarray(y, dtype=float)
        return y, y[np.arange(len(y)), np.asarray(labels)]

    def no_rubbish(y: Any, labels: Any, j: float) -> float:
        y, c = rows(y, labels)
        return float(np.mean(c + np.log(np.exp(-y).sum(axis=1))))

    def plus_sign(y: Any, labels: Any, j: float) -> float:
        y, c = rows(y, labels)
        return float(np.mean(c + np.log(np.exp(-j) + np.exp(y).sum(axis=1))))

    def no_correct(y: Any, labels: Any, j: float) -> float:
        y, c = rows(y, labels)
        return float(np.mean(np.log(np.exp(-j) + np.exp(-y).sum(axis=1))))

    def summed(y: Any, labels: Any, j: float) -> float:
        return reference(y, labels, j) * len(np.asarray(labels))

    return function_check(
        "map-criterion",
        candidate,
        reference,
        _map_cases(),
        slips=[
            (no_rubbish, "include the constant term e^{-j} inside the log."),
            (plus_sign, "the outputs are distances (smaller = better): the competition term sums e^{-y_i}, with a minus sign."),
            (no_correct, "add the correct class's own distance y_c: that is the term that pulls it down."),
            (summed, "that is the sum over the examples; take the mean."),
        ],
        success="The correct distance, plus a soft minimum of all distances and the 'rubbish' constant j.",
    )
