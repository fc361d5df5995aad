"""Measuring the attacks: the network's answers, success rates, the scores along an attack.

* :func:`predict` - the model's answers and its confidence in them (for probability,
  logit or distance outputs);
* :func:`success_rates` - the untargeted success rate of FGSM and PGD at several ``eps``,
  on the images the model gets right (PGD runs every ``eps`` at once);
* :func:`logit_path` - the class scores as one image moves along its FGSM direction (the
  "too linear" explanation).

The attacks themselves are in :mod:`cnn_course.failures.attacks`.

Examples
--------
>>> import keras
>>> model = keras.Sequential([keras.Input((2,)), keras.layers.Dense(2, activation="softmax")])
>>> model.set_weights([np.array([[1.0, -1.0], [0.0, 0.0]]), np.zeros(2)])
>>> predict(model, np.array([[0.0, 0.0]]))[0].tolist()
[0]
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike, NDArray

from cnn_course._validation import as_int, check_choice
from cnn_course.nonlinearities.activations import softmax
from cnn_course.failures.attacks import (
    METHODS,
    OUTPUTS,
    Output,
    _check_images,
    _check_label_range,
    _check_labels,
    _check_model,
    _check_output,
    _gradients,
    _logits_function,
    _n_classes,
    _pgd,
    _project,
    check_eps,
)

__all__ = ["logit_path", "predict", "success_rates"]


def predict(
    model: Any,
    x: ArrayLike,
    *,
    output: Output = "probabilities",
    batch_size: int = 500,
) -> tuple[NDArray[np.int64], NDArray[np.float64]]:
    """The model's answers and its confidence in them.

    Parameters
    ----------
    model, x, output, batch_size
        As for :func:`~cnn_course.failures.attacks.fgsm`.

    Returns
    -------
    classes : ndarray of int, shape (N,)
        Highest probability or logit; smallest distance for ``output="distances"``.
    confidence : ndarray of float, shape (N,)
        The probability of that class (``softmax`` of the logits, or of minus the distances).

    Examples
    --------
    >>> import keras
    >>> model = keras.Sequential([keras.Input((2,)), keras.layers.Dense(2, activation="softmax")])
    >>> model.set_weights([np.array([[1.0, -1.0], [0.0, 0.0]]), np.zeros(2)])
    >>> classes, confidence = predict(model, np.array([[1.0, 0.0]]))
    >>> classes.tolist(), confidence.round(3).tolist()
    ([0], [0.881])
    """
    check_choice(output, "output", OUTPUTS)
    batch = as_int(batch_size, "batch_size", 1)
    images = _check_images(x)
    _check_model(model, images)
    out = np.concatenate([np.asarray(model(images[s:s + batch].astype(np.float32), training=False))
                          for s in range(0, len(images), batch)]).astype(np.float64)
    if out.ndim != 2 or out.shape[1] < 2:
        raise ValueError(f"model must output one score per class, shape (N, classes), got shape {out.shape}")
    if output == "probabilities":
        probabilities = out
    else:
        probabilities = softmax(out if output == "logits" else -out, axis=1)
    classes = probabilities.argmax(axis=1)
    return classes.astype(np.int64), probabilities[np.arange(len(out)), classes]


def _success(model: Any, images: NDArray[Any], labels: NDArray[np.int64], eps_list: list[float],
             methods: Sequence[str], n_steps: int, output: str, batch: int,
             ) -> tuple[list[dict[str, Any]], dict[str, NDArray[np.bool_]]]:
    """The work of :func:`success_rates`: table rows and, per "method eps", the fooled images."""
    before, _ = predict(model, images, output=output, batch_size=batch)
    right = before == labels
    xs, ys = images[right], labels[right]
    rows = []
    flags: dict[str, NDArray[np.bool_]] = {}
    for method in methods:
        if len(xs) == 0:
            adversarials = [xs for _ in eps_list]
        elif method == "FGSM":
            grads, _ = _gradients(model, xs, ys, output, batch)
            signs = np.sign(grads.astype(np.float64))
            adversarials = [_project(xs.astype(np.float64) + e * signs, xs, e) for e in eps_list]
        else:  # every positive eps at once, one PGD run on copies of the images
            positive = [e for e in eps_list if e > 0]
            results: dict[float, NDArray[Any]] = {0.0: xs}
            if positive:
                stacked = np.concatenate([xs] * len(positive))
                eps_array = np.repeat(np.asarray(positive), len(xs)).reshape((-1,) + (1,) * (xs.ndim - 1))
                result = _pgd(model, stacked, np.tile(ys, len(positive)), eps_array, n_steps,
                              size_per_image=2.5 * eps_array / n_steps, targeted=False, random_start=False,
                              seed=0, output=output, batch_size=batch)
                results.update(zip(positive, np.split(result, len(positive))))
            adversarials = [results[e] for e in eps_list]
        for e, x_adv in zip(eps_list, adversarials):
            if len(xs):
                after, confidence = predict(model, x_adv, output=output, batch_size=batch)
                fooled = after != ys
            else:
                fooled, confidence = np.zeros(0, bool), np.zeros(0)
            mask = np.zeros(len(images), dtype=bool)
            mask[right] = fooled
            flags[f"{method} {e:g}"] = mask
            rows.append({
                "method": method, "eps": e, "n": int(len(xs)), "fooled": int(fooled.sum()),
                "success_rate": float(fooled.mean()) if len(xs) else float("nan"),
                "accuracy": float((len(xs) - fooled.sum()) / len(images)) if len(images) else float("nan"),
                "confidence": float(confidence[fooled].mean()) if fooled.any() else float("nan"),
            })
    return rows, flags


def success_rates(
    model: Any,
    x: ArrayLike,
    y: ArrayLike,
    eps_values: Sequence[float],
    *,
    methods: Sequence[str] = METHODS,
    steps: int = 10,
    output: Output = "probabilities",
    batch_size: int = 1000,
) -> pd.DataFrame:
    """Untargeted success rate of each attack at each ``eps``, on the images the model gets right.

    An attack *succeeds* on an image when the model, right before, is wrong after. Images
    the model already misclassifies are left out (and counted in ``n``'s complement).
    FGSM needs one gradient for all ``eps`` (its direction does not depend on ``eps``);
    PGD runs ``steps`` steps of size ``2.5 * eps / steps`` for every ``eps`` at once.

    Parameters
    ----------
    model, output, batch_size
        As for :func:`~cnn_course.failures.attacks.fgsm`.
    x : array_like, shape (N, ...)
        Images in [0, 1].
    y : array_like of int, shape (N,)
        Their true classes.
    eps_values : sequence of float
        The budgets to try, each in [0, 1].
    methods : sequence of {"FGSM", "PGD"}
    steps : int
        PGD's number of steps.

    Returns
    -------
    pandas.DataFrame
        One row per method and ``eps``: ``method``, ``eps``, ``n`` (images correctly
        classified before the attack), ``fooled`` (how many the attack turned wrong),
        ``success_rate`` (``fooled / n``), ``accuracy`` (on all N images after the
        attack) and ``confidence`` (mean confidence of the wrong answers; NaN if none).

    Examples
    --------
    >>> import keras
    >>> model = keras.Sequential([keras.Input((2,)), keras.layers.Dense(2, activation="softmax")])
    >>> model.set_weights([np.array([[4.0, -4.0], [0.0, 0.0]]), np.array([-2.0, 2.0])])
    >>> x, y = np.array([[0.9, 0.5], [0.1, 0.5]]), np.array([0, 1])
    >>> table = success_rates(model, x, y, [0.0, 0.2, 0.5], methods=["FGSM"])
    >>> table["fooled"].tolist(), table["n"].tolist()
    ([0, 0, 2], [2, 2, 2])
    """
    images = _check_images(x)
    _check_model(model, images)
    labels = _check_labels(y, len(images))
    eps_list = [check_eps(e, "eps_values") for e in eps_values]
    if not eps_list:
        raise ValueError("eps_values must hold at least one eps")
    methods = [check_choice(m, "methods", METHODS) for m in methods]
    if not methods:
        raise ValueError("methods must name at least one of 'FGSM', 'PGD'")
    n_steps = as_int(steps, "steps", 1)
    batch = as_int(batch_size, "batch_size", 1)
    check_choice(output, "output", OUTPUTS)
    _check_label_range(labels, _n_classes(model, images), "y")
    rows, _ = _success(model, images, labels, eps_list, methods, n_steps, output, batch)
    return pd.DataFrame(rows)


def logit_path(
    model: Any,
    image: ArrayLike,
    label: int,
    eps_values: Sequence[float],
    *,
    output: Output = "probabilities",
) -> pd.DataFrame:
    """The network's class scores as one image moves along its FGSM direction.

    The direction ``sign(gradient)`` is computed once, at the image; the image is then
    moved by ``eps`` along it (clipped to [0, 1]) for each ``eps``. A network that is
    linear, or piecewise linear like a ReLU network, draws nearly straight lines: the
    "too linear" explanation of Goodfellow, Shlens & Szegedy (2014).

    Parameters
    ----------
    model : keras.Model
    image : array_like
        One input in [0, 1], without the batch axis.
    label : int
        Its true class.
    eps_values : sequence of float
    output : {"probabilities", "logits", "distances"}
        The scores are the logits (the softmax's input) when the model ends in a softmax,
        ``log p`` for other probability outputs, the logits themselves, or minus the
        distances.

    Returns
    -------
    pandas.DataFrame
        Columns ``eps``, ``class`` and ``score``, one row per pair.

    Examples
    --------
    >>> import keras
    >>> model = keras.Sequential([keras.Input((2,)), keras.layers.Dense(2, activation="softmax")])
    >>> model.set_weights([np.array([[1.0, -1.0], [0.0, 0.0]]), np.zeros(2)])
    >>> path = logit_path(model, [0.5, 0.5], 0, [0.0, 0.25])
    >>> path.pivot(index="eps", columns="class", values="score").round(2).values.tolist()
    [[0.5, -0.5], [0.25, -0.25]]
    """
    check_choice(output, "output", OUTPUTS)
    x = _check_images(np.asarray(image)[None], "image")
    _check_model(model, x)
    truth = _check_labels(as_int(label, "label", 0), 1, "label")
    eps_list = [check_eps(e, "eps_values") for e in eps_values]
    if not eps_list:
        raise ValueError("eps_values must hold at least one eps")
    grads, out = _gradients(model, x, truth, output, 1)
    _check_output(out, truth, "label")
    direction = np.sign(grads.astype(np.float64))
    moved = np.concatenate([_project(x.astype(np.float64) + e * direction, x, e) for e in eps_list])
    logits_of = _logits_function(model) if output == "probabilities" else None
    if logits_of is not None:
        scores = np.asarray(logits_of(moved.astype(np.float32)), dtype=np.float64)
    else:
        raw = np.asarray(model(moved.astype(np.float32), training=False), dtype=np.float64)
        scores = {"probabilities": np.log(np.maximum(raw, 1e-30)), "logits": raw, "distances": -raw}[output]
    return pd.DataFrame([{"eps": e, "class": c, "score": float(scores[k, c])}
                         for k, e in enumerate(eps_list) for c in range(scores.shape[1])])
