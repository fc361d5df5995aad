"""Checks for the exercises of the chapter "LeNet-5"."""

from __future__ import annotations

from typing import Any

import numpy as np

from cnn_course.exercises import Feedback, number_check, verdict

__all__ = ["no_pooling_model", "full_c3_parameters", "relu_rbf_floor", "NO_POOLING_PARAMETERS", "FULL_C3_PARAMETERS"]

#: The Keras adaptation without its two pooling layers: C1 156 + C3 2,416 +
#: F5 (20*20*16*120 + 120) + F6 10,164 + output 850.
NO_POOLING_PARAMETERS = 156 + 2416 + (20 * 20 * 16 * 120 + 120) + 84 * 121 + 10 * 85
#: LeNet-5 (1998) with every S2 map feeding every C3 map: 60,000 - 1,516 + (6*16*25 + 16).
FULL_C3_PARAMETERS = 60_000 - 1_516 + 6 * 16 * 25 + 16


def no_pooling_model(model: Any) -> Feedback:
    """Exercise 1: the Keras adaptation with S2 and S4 removed (28x28x1 in, 10 out).

    >>> import keras
    >>> from cnn_course.models.lenet import lenet5_keras
    >>> kept = [layer for layer in lenet5_keras().layers[1:] if "Pooling" not in type(layer).__name__]
    >>> model = keras.Sequential([keras.Input((28, 28, 1))] + [type(l).from_config(l.get_config()) for l in kept])
    >>> no_pooling_model(model).passed
    True
    """
    import keras

    name = "no-pooling"
    if not isinstance(model, keras.Model):
        return verdict(name, False, f"Expected a keras.Model, got {type(model).__name__}.")
    if tuple(model.input_shape[1:]) != (28, 28, 1) or tuple(model.output_shape[1:]) != (10,):
        return verdict(name, False, f"Input must be (28, 28, 1) and output (10,), got {model.input_shape} and {model.output_shape}.")
    if any("Pooling" in type(layer).__name__ for layer in model.layers):
        return verdict(name, False, "The model still has a pooling layer: remove both.")
    n = model.count_params()
    if n == 44_426:
        return verdict(name, False, "44,426 parameters is the model with pooling.")
    if n != NO_POOLING_PARAMETERS:
        return verdict(name, False, f"{n:,} parameters; expected {NO_POOLING_PARAMETERS:,}. Keep C1, C3, F5, F6 and the output as they were.")
    return verdict(name, True, f"{n:,} parameters: without pooling C3's maps stay 20x20, so F5 alone needs "
                   f"{20 * 20 * 16 * 120 + 120:,} weights.")


def full_c3_parameters(answer: Any) -> Feedback:
    """Exercise 2: trainable parameters of LeNet-5 (1998) with a full S2-C3 table.

    >>> full_c3_parameters(60_900).passed
    True
    """
    return number_check(
        "full-c3",
        answer,
        FULL_C3_PARAMETERS,
        slips=[(60_000, "that is the paper's table; fill the table with ones."),
               (6 * 16 * 25 + 16, "that is C3 alone; the question asks for the whole network."),
               (60_840 - 1_516 + 6 * 16 * 25 + 16, "the 840 RBF prototypes are fixed: do not count them.")],
        success="C3 grows from 1,516 to 2,416 parameters.",
    )


def relu_rbf_floor(answer: Any, digit: int = 1) -> Feedback:
    """Exercise 3: with ReLU in F6 (outputs >= 0), the smallest distance to ``digit``'s bitmap.

    >>> from cnn_course.lenet5.paper import digit_bitmaps
    >>> relu_rbf_floor(int((digit_bitmaps()[1] < 0).sum())).passed
    True
    """
    from cnn_course.lenet5.paper import digit_bitmaps

    proto = digit_bitmaps()[digit]
    floor = float(np.sum(np.minimum(proto, 0.0) ** 2))
    return number_check(
        "relu-rbf",
        answer,
        floor,
        slips=[(0.0, "ReLU outputs cannot be negative, so background pixels (-1) can never be matched."),
               (float((proto > 0).sum()), "you counted the ink pixels; it is the background pixels that cannot be reached.")],
        success="Every background pixel (-1) adds at least (0 - (-1))^2 = 1.",
    )
