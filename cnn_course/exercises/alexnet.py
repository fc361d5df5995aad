"""Checks for the exercises of the chapter "AlexNet on CIFAR-10"."""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import numpy as np

from cnn_course.exercises import Feedback, function_check, number_check, verdict


def _output_size_reference(size: int, kernel: int, stride: int, padding: str) -> int:
    if padding == "same":
        return math.ceil(size / stride)
    return (size - kernel) // stride + 1


def output_size(candidate: Callable[..., Any]) -> Feedback:
    """Exercise 1: spatial output size of a convolution or pooling layer ('valid' or 'same')."""
    cases = [
        ((32, 11, 4, "valid"), {}),  # the literal port's conv1: 6
        ((6, 3, 2, "valid"), {}),  # pool1: 2
        ((2, 5, 1, "same"), {}),  # conv2: 2
        ((2, 3, 2, "same"), {}),  # pool2: 1
        ((227, 11, 4, "valid"), {}),  # the 2012 network's conv1: 55
        ((55, 3, 2, "valid"), {}),  # and its first pool: 27
        ((32, 3, 1, "same"), {}),
        ((7, 2, 2, "same"), {}),
    ]
    return function_check(
        "output-size",
        candidate,
        _output_size_reference,
        cases,
        slips=[
            (lambda n, k, s, p: (n - k) / s + 1 if p == "valid" else n / s, "Sizes are whole numbers: round down for 'valid' (a window that does not fit is dropped) and up for 'same'."),
            (lambda n, k, s, p: (n - k) // s + 1 if p == "valid" else n // s, "'same' padding keeps every position a window can start at: ceil(n / stride), not floor."),
            (lambda n, k, s, p: (n - k) // s if p == "valid" else math.ceil(n / s), "Count the first window too: (n - k) // s + 1."),
        ],
        success="On 32x32 input the literal port is down to 2x2 after its first pooling layer.",
    )


def _lrn_reference(a: Any, size: int = 5, k: float = 2.0, alpha: float = 1e-4, beta: float = 0.75) -> np.ndarray:
    a = np.asarray(a, dtype=float)
    r = size // 2
    sq = np.square(a)
    channels = a.shape[-1]
    total = np.zeros_like(a)
    for c in range(channels):
        lo, hi = max(0, c - r), min(channels, c + r + 1)
        total[..., c] = sq[..., lo:hi].sum(axis=-1)
    return a / (k + alpha * total) ** beta


def lrn(candidate: Callable[..., Any]) -> Feedback:
    """Exercise 2: local response normalisation across channels, in NumPy."""
    rng = np.random.default_rng(7)
    cases = [
        ((rng.normal(size=(2, 3, 3, 8)) * 20,), {}),
        ((rng.normal(size=(4, 6)) * 50,), {"size": 3, "k": 1.0, "alpha": 1e-3, "beta": 0.5}),
        ((np.ones((1, 1, 1, 3)),), {"size": 3, "k": 1.0, "alpha": 1.0, "beta": 1.0}),
        ((rng.normal(size=(5, 16)) * 30,), {}),
    ]

    def alpha_over_n(a: Any, size: int = 5, k: float = 2.0, alpha: float = 1e-4, beta: float = 0.75) -> np.ndarray:
        return _lrn_reference(a, size, k, alpha / size, beta)

    def no_power(a: Any, size: int = 5, k: float = 2.0, alpha: float = 1e-4, beta: float = 0.75) -> np.ndarray:
        return _lrn_reference(a, size, k, alpha, 1.0)

    return function_check(
        "lrn",
        candidate,
        _lrn_reference,
        cases,
        slips=[
            (alpha_over_n, "Some libraries (Caffe) divide alpha by the window size; AlexNet's formula, and the course's layer, use alpha as it is."),
            (no_power, "Raise the denominator to the power beta."),
        ],
        success="This is what LocalResponseNormalization computes, channel window clipped at the edges.",
    )


def dense_share(answer: Any) -> Feedback:
    """Exercise 3: the share of the literal port's parameters held by its three dense layers."""
    from cnn_course.models.alexnet import alexnet_literal, parameter_split

    split = parameter_split(alexnet_literal())
    expected = split["dense"] / split["total"]
    fc7_only = 16_781_312 / split["total"]
    return number_check(
        "dense-share",
        answer,
        expected,
        rtol=5e-3,
        slips=[(fc7_only, "Count all three dense layers (fc6, fc7 and the output layer), not only the 4096x4096 one."),
               (expected * 100, "Give a fraction between 0 and 1, not a percentage.")],
        success="Over four fifths of the network is two dense layers looking at 384 numbers.",
    )


def dropout_gap(model: Any, gap: Any, x_train: Any, y_train: Any, x_test: Any, y_test: Any) -> Feedback:
    """Exercise 4: a model trained without dropout, and its train-minus-test accuracy gap."""
    import keras

    if not isinstance(model, keras.Model):
        return verdict("dropout-gap", False, f"model should be the Keras model you trained, got {type(model).__name__}.")
    rates = [layer.rate for layer in model.layers if isinstance(layer, keras.layers.Dropout)]
    if any(rate > 0 for rate in rates):
        return verdict("dropout-gap", False, f"The model still drops units (dropout rates {rates}): build it with dropout=0.")
    try:
        gap = float(gap)
    except (TypeError, ValueError):
        return verdict("dropout-gap", False, f"gap should be a number, got {gap!r}.")
    _, train_acc = model.evaluate(x_train, y_train, batch_size=256, verbose=0)
    _, test_acc = model.evaluate(x_test, y_test, batch_size=256, verbose=0)
    measured = train_acc - test_acc
    if abs(gap - measured) > 0.02:
        return verdict(
            "dropout-gap", False,
            f"Measured on these arrays the gap is {measured:.1%} (train {train_acc:.1%}, test {test_acc:.1%}); "
            f"you gave {gap:.1%}. Evaluate both sets with model.evaluate (no augmentation, no dropout).",
        )
    return verdict(
        "dropout-gap", True,
        f"Without dropout: train {train_acc:.1%}, test {test_acc:.1%}, a gap of {measured:.1%}. "
        "Compare it with the gap of the demo run above, which kept dropout.",
    )
