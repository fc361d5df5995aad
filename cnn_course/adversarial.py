"""Adversarial examples: small changes to an image, computed from the network's own gradient.

Two attacks, both bounded in the L-infinity norm (no pixel moves by more than ``eps``) and
both keeping pixels in the valid range [0, 1]:

* :func:`fgsm`, the *fast gradient sign method* of Goodfellow, Shlens & Szegedy (2014):
  one step of size ``eps`` in the direction of the sign of the loss's gradient with respect
  to the input pixels;
* :func:`pgd`, *projected gradient descent* (the iterated version, Kurakin et al. 2016,
  Madry et al. 2017): many small sign steps, each followed by a projection back into the
  allowed box ``[x - eps, x + eps]`` intersected with ``[0, 1]``.

Both are **untargeted** by default (increase the loss of the true class ``y``: any wrong
answer will do) or **targeted** (``targeted=True``: ``y`` is then the class we want and the
attack decreases *its* loss).

Which loss is differentiated depends on what the model outputs (argument ``output``):

``"probabilities"`` (default; a softmax output, like the course's LeNet-5 adaptation and
    AlexNet)
    the cross-entropy ``-log p_y``. When the model ends in a softmax (a ``Dense`` layer with
    ``activation="softmax"``, an ``Activation("softmax")`` or a ``Softmax`` layer) the
    attack computes the same cross-entropy from the softmax's *input* (the logits), which
    is mathematically identical and numerically safer: in float32 a confident network
    outputs ``p_y == 1.0`` exactly, and the gradient then survives only in rounding-level
    terms of the probabilities. Otherwise it uses ``-log max(p_y, 1e-30)``. (Even from the logits the gradient ``p - onehot(y)``
    underflows to zero when the winning logit leads the others by more than about 100: an
    image so far from any boundary is left unchanged.)
``"logits"``
    the cross-entropy of ``softmax(output)``.
``"distances"`` (the faithful 1998 LeNet-5, whose RBF units output squared distances,
    smaller = better)
    the *margin* ``d_y - min_{j != y} d_j``: the attack succeeds when it turns positive.
    Cross-entropy on ``softmax(-d)`` would saturate: its gradient is ``p - onehot(y)``,
    and distance gaps of a hundred or more make every ``p_j`` underflow to zero in float32.

Everything runs on the TensorFlow backend of Keras (``tf.GradientTape``), in batches.
:func:`fgsm_linear` is the same attack written out with NumPy for a softmax regression
(one dense layer), where the gradient has a closed form; the tests hold the two equal.

Examples
--------
>>> import keras
>>> keras.utils.set_random_seed(0)
>>> model = keras.Sequential([keras.Input((4, 4, 1)), keras.layers.Flatten(),
...                           keras.layers.Dense(3, activation="softmax")])
>>> x = np.full((2, 4, 4, 1), 0.5, dtype="float32")
>>> x_adv = fgsm(model, x, [0, 1], eps=0.1)
>>> float(np.abs(x_adv - x).max()) <= 0.1, x_adv.shape
(True, (2, 4, 4, 1))
"""

from __future__ import annotations

import numbers
import weakref
from collections.abc import Callable, Sequence
from typing import Any, Literal

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike, NDArray

from cnn_course._validation import as_finite_array, as_int, check_choice

__all__ = [
    "OUTPUTS",
    "attack",
    "check_eps",
    "fgsm",
    "fgsm_linear",
    "load_study",
    "logit_path",
    "pgd",
    "predict",
    "success_rates",
    "success_study",
]

Output = Literal["probabilities", "logits", "distances"]
#: What a model's output may be (the ``output`` argument).
OUTPUTS: tuple[str, ...] = ("probabilities", "logits", "distances")
#: Attack names accepted by :func:`attack` and :func:`success_rates`.
METHODS: tuple[str, ...] = ("FGSM", "PGD")


# ---------------------------------------------------------------------------------------
# Argument checks
# ---------------------------------------------------------------------------------------


def check_eps(eps: Any, name: str = "eps") -> float:
    """Return ``eps`` as a float in [0, 1], or raise a clear error.

    ``eps`` is the largest change allowed to any pixel, on the [0, 1] pixel scale
    (``eps = 8/255`` is 8 grey levels).

    Examples
    --------
    >>> check_eps(0.1)
    0.1
    >>> check_eps(25)
    Traceback (most recent call last):
    ...
    ValueError: eps must be between 0 and 1 (a change of pixel values on the [0, 1] scale), got 25; for grey levels divide by 255
    """
    if isinstance(eps, (bool, np.bool_)) or not isinstance(eps, numbers.Real):
        raise TypeError(f"{name} must be a real number between 0 and 1, got {eps!r} of type {type(eps).__name__}")
    value = float(eps)
    if not np.isfinite(value):
        raise ValueError(f"{name} must be finite, got {value}")
    if value < 0:
        raise ValueError(f"{name} must be >= 0 (the largest change allowed to a pixel), got {value:g}")
    if value > 1:
        raise ValueError(f"{name} must be between 0 and 1 (a change of pixel values on the [0, 1] scale), "
                         f"got {value:g}; for grey levels divide by 255")
    return value


def _check_images(x: ArrayLike, name: str = "x") -> NDArray[np.floating[Any]]:
    """A batch of images with values in [0, 1], as float32 (float64 kept)."""
    array = np.asarray(x)
    if array.dtype.kind not in "iuf" or array.dtype == np.float16:
        raise TypeError(f"{name} must hold real pixel values in [0, 1] (float32 or float64), got dtype {array.dtype}")
    checked = as_finite_array(array, name, min_ndim=2)
    lo, hi = float(checked.min()), float(checked.max())
    if lo < 0 or hi > 1:
        hint = "; divide 8-bit images by 255" if hi > 1 and hi <= 255 and lo >= 0 else ""
        raise ValueError(f"{name} must hold pixel values in [0, 1], got values from {lo:g} to {hi:g}{hint}")
    return array.astype(np.float64 if array.dtype == np.float64 else np.float32, copy=True)


def _check_model(model: Any, x: NDArray[Any], name: str = "model") -> None:
    if not callable(model):
        raise TypeError(f"{name} must be a Keras model (callable on a batch of images), got {type(model).__name__}")
    shape = getattr(model, "input_shape", None)
    if isinstance(shape, tuple) and len(shape) >= 2 and all(s is None or isinstance(s, int) for s in shape):
        wanted = shape[1:]
        ok = x.ndim == len(shape) and all(w is None or w == g for w, g in zip(wanted, x.shape[1:]))
        if not ok:
            extra = ""
            if x.ndim == len(shape) - 1 and tuple(x.shape[1:]) == tuple(wanted[:-1]) and wanted[-1] == 1:
                extra = "; add the channel axis with x[..., None]"
            elif x.ndim == len(shape) - 1 and tuple(x.shape) == tuple(wanted):
                extra = "; for a single image pass x[None]"
            raise ValueError(f"x must be a batch of images of shape (N, {', '.join(map(str, wanted))}) "
                             f"to fit the model, got shape {x.shape}{extra}")


def _check_labels(y: Any, n: int, name: str = "y") -> NDArray[np.int64]:
    """Class indices, one per image (an int is repeated for every image)."""
    array = np.asarray(y)
    if array.dtype.kind not in "iu":
        if array.dtype.kind == "f" and array.size and np.all(np.mod(array, 1) == 0):
            array = array.astype(np.int64)
        else:
            raise TypeError(f"{name} must hold integer class indices, got dtype {array.dtype}")
    if array.ndim == 0:
        array = np.full(n, int(array), dtype=np.int64)
    if array.ndim == 2 and array.shape[1] == 1:
        array = array[:, 0]
    if array.ndim != 1:
        hint = "; for one-hot labels pass y.argmax(axis=1)" if array.ndim == 2 else ""
        raise ValueError(f"{name} must be a 1-D array of class indices, one per image, got shape {array.shape}{hint}")
    if len(array) != n:
        raise ValueError(f"{name} must have one label per image: {n} images but {len(array)} labels")
    return array.astype(np.int64)


def _check_label_range(y: NDArray[np.int64], classes: int, name: str = "y") -> None:
    if y.size and (y.min() < 0 or y.max() >= classes):
        raise ValueError(f"{name} must hold class indices from 0 to {classes - 1} (the model has {classes} outputs), "
                         f"got values from {int(y.min())} to {int(y.max())}")


# ---------------------------------------------------------------------------------------
# The gradient
# ---------------------------------------------------------------------------------------


def _require_tensorflow() -> Any:
    import keras

    if keras.backend.backend() != "tensorflow":
        raise RuntimeError(
            f"cnn_course.adversarial needs Keras's TensorFlow backend (it uses tf.GradientTape); "
            f"this Keras runs on {keras.backend.backend()!r}: set KERAS_BACKEND=tensorflow before importing keras")
    import tensorflow as tf

    return tf


def _logits_function(model: Any) -> Callable[[Any], Any] | None:
    """A function giving the input of the model's final softmax, or None if there is none."""
    import keras

    layers = getattr(model, "layers", None)
    if not layers:
        return None
    last = layers[-1]
    activation = getattr(last, "activation", None)
    is_softmax = activation is keras.activations.softmax or getattr(activation, "__name__", "") == "softmax"
    inputs = model.inputs[0] if len(getattr(model, "inputs", None) or []) == 1 else model.inputs
    try:
        if isinstance(last, keras.layers.Softmax) or (isinstance(last, keras.layers.Activation) and is_softmax):
            return keras.Model(inputs, last.input)
        if isinstance(last, keras.layers.Dense) and is_softmax:
            features = keras.Model(inputs, last.input)

            def logits(x: Any) -> Any:
                z = keras.ops.matmul(features(x, training=False), last.kernel)
                return z + last.bias if last.use_bias else z

            return logits
    except (AttributeError, ValueError, TypeError):  # a subclassed model: no graph to cut
        return None
    return None


_GRADIENTS: "weakref.WeakKeyDictionary[Any, dict[str, Callable[..., Any]]]" = weakref.WeakKeyDictionary()


def _loss_gradient(model: Any, output: str) -> Callable[[NDArray[Any], NDArray[Any]], tuple[Any, Any]]:
    """A (cached) function ``(x, y) -> (gradient of the summed loss w.r.t. x, model output)``."""
    try:
        cache = _GRADIENTS.setdefault(model, {})
    except TypeError:  # not weak-referenceable
        cache = {}
    if output in cache:
        return cache[output]
    tf = _require_tensorflow()
    logits_of = _logits_function(model) if output == "probabilities" else None

    def loss_and_output(x: Any, y: Any) -> tuple[Any, Any]:
        if logits_of is not None:
            z = logits_of(x)
            out = tf.nn.softmax(z)
            loss = tf.nn.sparse_softmax_cross_entropy_with_logits(labels=y, logits=z)
        else:
            out = model(x, training=False)
            if output == "probabilities":
                p_y = tf.gather(out, y, axis=1, batch_dims=1)
                loss = -tf.math.log(tf.maximum(p_y, 1e-30))
            elif output == "logits":
                loss = tf.nn.sparse_softmax_cross_entropy_with_logits(labels=y, logits=out)
            else:  # distances: margin between the class's distance and the best other one
                d_y = tf.gather(out, y, axis=1, batch_dims=1)
                others = out + tf.one_hot(y, tf.shape(out)[1], on_value=np.inf, off_value=0.0, dtype=out.dtype)
                loss = d_y - tf.reduce_min(others, axis=1)
        return tf.reduce_sum(loss), out

    @tf.function(reduce_retracing=True)
    def gradient(x: Any, y: Any) -> tuple[Any, Any]:
        with tf.GradientTape() as tape:
            tape.watch(x)
            loss, out = loss_and_output(x, y)
        return tape.gradient(loss, x), out

    cache[output] = gradient
    return gradient


def _gradients(model: Any, x: NDArray[Any], y: NDArray[np.int64], output: str,
               batch_size: int) -> tuple[NDArray[np.float32], NDArray[np.float32]]:
    """Gradient of the loss w.r.t. every image, and the model's outputs, in batches."""
    gradient = _loss_gradient(model, output)
    grads, outs = [], []
    for start in range(0, len(x), batch_size):
        g, out = gradient(np.asarray(x[start:start + batch_size], dtype=np.float32), y[start:start + batch_size])
        grads.append(g.numpy())
        outs.append(out.numpy())
    return np.concatenate(grads), np.concatenate(outs)


# ---------------------------------------------------------------------------------------
# Projection
# ---------------------------------------------------------------------------------------


def _project(candidate: NDArray[Any], x: NDArray[Any], eps: NDArray[np.float64] | float) -> NDArray[Any]:
    """Clip ``candidate`` into ``[x - eps, x + eps]`` and ``[0, 1]``, exactly.

    Computed in float64 and rounded to ``x``'s dtype; any value that rounding put a hair
    outside the box is nudged back toward ``x`` so that ``|result - x| <= eps`` holds in
    float64 arithmetic for every pixel.
    """
    x64 = x.astype(np.float64)
    eps64 = np.asarray(eps, dtype=np.float64)
    lo = np.maximum(x64 - eps64, 0.0)
    hi = np.minimum(x64 + eps64, 1.0)
    result = np.clip(candidate.astype(np.float64), lo, hi).astype(x.dtype)
    for _ in range(4):
        r64 = result.astype(np.float64)
        bad = (np.abs(r64 - x64) > eps64) | (r64 < 0) | (r64 > 1)
        if not bad.any():
            break
        result[bad] = np.nextafter(result[bad], x[bad])
    else:  # pragma: no cover - cannot happen: x itself is inside the box
        bad = np.abs(result.astype(np.float64) - x64) > eps64
        result[bad] = x[bad]
    return result


def _eps_per_image(eps: Any, n: int, ndim: int) -> NDArray[np.float64]:
    return np.full((n,) + (1,) * (ndim - 1), eps, dtype=np.float64)


# ---------------------------------------------------------------------------------------
# The attacks
# ---------------------------------------------------------------------------------------


def _prepare(model: Any, x: ArrayLike, y: Any, eps: Any, output: str, batch_size: Any,
             ) -> tuple[NDArray[Any], NDArray[np.int64], float, int]:
    eps_value = check_eps(eps)
    check_choice(output, "output", OUTPUTS)
    batch = as_int(batch_size, "batch_size", 1)
    images = _check_images(x)
    _check_model(model, images)
    labels = _check_labels(y, len(images))
    _check_label_range(labels, _n_classes(model, images))
    return images, labels, eps_value, batch


def _check_output(out: NDArray[Any], labels: NDArray[np.int64], name: str = "y") -> None:
    if out.ndim != 2 or out.shape[1] < 2:
        raise ValueError(f"model must output one score per class, shape (N, classes), got shape {out.shape}")
    _check_label_range(labels, out.shape[1], name)


def fgsm(
    model: Any,
    x: ArrayLike,
    y: ArrayLike | int,
    eps: float,
    *,
    targeted: bool = False,
    output: Output = "probabilities",
    batch_size: int = 500,
) -> NDArray[np.floating[Any]]:
    """Fast gradient sign method: ``x + eps * sign(gradient of the loss)``, clipped to [0, 1].

    Parameters
    ----------
    model : keras.Model
        A classifier on the TensorFlow backend, taking a batch shaped like ``x``.
    x : array_like, shape (N, ...)
        Images with pixel values in [0, 1] (float32 or float64; the result has the same dtype).
    y : array_like of int, shape (N,), or int
        Untargeted: the true classes. Targeted: the classes to turn the images into. One
        int applies to every image.
    eps : float
        Largest change of any pixel, between 0 and 1.
    targeted : bool
        Step *down* the loss of class ``y`` instead of up.
    output : {"probabilities", "logits", "distances"}
        What the model outputs; sets the loss (see the module's description).
    batch_size : int
        Images per gradient computation.

    Returns
    -------
    ndarray
        The adversarial images, shape and dtype of ``x``, with
        ``max |x_adv - x| <= eps`` and every value in [0, 1].

    Raises
    ------
    ValueError
        ``eps`` negative, above 1 or not finite; ``x`` of the wrong shape or outside
        [0, 1]; ``y`` of the wrong length or outside the model's classes.

    Examples
    --------
    >>> import keras
    >>> model = keras.Sequential([keras.Input((2,)), keras.layers.Dense(2, activation="softmax")])
    >>> model.set_weights([np.array([[1.0, -1.0], [0.0, 0.0]]), np.zeros(2)])
    >>> fgsm(model, np.array([[0.5, 0.5]]), [0], eps=0.25)   # lowers pixel 0, the evidence for class 0
    array([[0.25, 0.5 ]])
    """
    images, labels, eps_value, batch = _prepare(model, x, y, eps, output, batch_size)
    grads, out = _gradients(model, images, labels, output, batch)
    _check_output(out, labels)
    direction = -1.0 if targeted else 1.0
    step = direction * eps_value * np.sign(grads.astype(np.float64))
    return _project(images.astype(np.float64) + step, images, eps_value)


def pgd(
    model: Any,
    x: ArrayLike,
    y: ArrayLike | int,
    eps: float,
    *,
    steps: int = 20,
    step_size: float | None = None,
    targeted: bool = False,
    random_start: bool = False,
    seed: int = 0,
    output: Output = "probabilities",
    batch_size: int = 500,
) -> NDArray[np.floating[Any]]:
    """Projected gradient descent: ``steps`` small sign steps, each projected back into the box.

    After every step the images are clipped to ``[x - eps, x + eps]`` and to [0, 1], so
    the result obeys the same bound as :func:`fgsm` but searches the box far better.

    Parameters
    ----------
    model, x, y, eps, targeted, output, batch_size
        As for :func:`fgsm`.
    steps : int
        Number of gradient steps (>= 1).
    step_size : float, optional
        Size of each step (default ``2.5 * eps / steps``, after Madry et al. 2017, so the
        attack can cross the whole box and come back).
    random_start : bool
        Start from a uniformly random point of the box instead of ``x`` itself.
    seed : int
        Seed of the random start.

    Returns
    -------
    ndarray
        The adversarial images, shape and dtype of ``x``.

    Examples
    --------
    >>> import keras
    >>> model = keras.Sequential([keras.Input((2,)), keras.layers.Dense(2, activation="softmax")])
    >>> model.set_weights([np.array([[1.0, -1.0], [0.0, 0.0]]), np.array([-0.8, 0.8])])
    >>> x_adv = pgd(model, np.array([[0.9, 0.5]]), [0], eps=0.3, steps=5)
    >>> x_adv.round(6).tolist(), model.predict(x_adv, verbose=0).argmax()   # now class 1
    ([[0.6, 0.5]], np.int64(1))
    """
    images, labels, eps_value, batch = _prepare(model, x, y, eps, output, batch_size)
    n_steps = as_int(steps, "steps", 1)
    if step_size is None:
        size = 2.5 * eps_value / n_steps
    else:
        if isinstance(step_size, (bool, np.bool_)) or not isinstance(step_size, numbers.Real):
            raise TypeError(f"step_size must be a positive number, got {step_size!r}")
        size = float(step_size)
        if not np.isfinite(size) or size <= 0:
            raise ValueError(f"step_size must be a positive finite number, got {size:g}")
    eps_array = _eps_per_image(eps_value, len(images), images.ndim)
    return _pgd(model, images, labels, eps_array, n_steps, size_per_image=size, targeted=targeted,
                random_start=random_start, seed=as_int(seed, "seed", 0), output=output, batch_size=batch)


def _pgd(model: Any, images: NDArray[Any], labels: NDArray[np.int64], eps: NDArray[np.float64], steps: int, *,
         size_per_image: float | NDArray[np.float64], targeted: bool, random_start: bool, seed: int, output: str,
         batch_size: int) -> NDArray[Any]:
    """PGD with one ``eps`` (and step size) per image; the work of :func:`pgd` and :func:`success_rates`."""
    direction = -1.0 if targeted else 1.0
    current = images.copy()
    if random_start:
        rng = np.random.default_rng(seed)
        current = _project(images + rng.uniform(-1.0, 1.0, images.shape) * eps, images, eps)
    sizes = np.broadcast_to(np.asarray(size_per_image, dtype=np.float64), eps.shape)
    for k in range(steps):
        grads, out = _gradients(model, current, labels, output, batch_size)
        if k == 0:
            _check_output(out, labels)
        candidate = current.astype(np.float64) + direction * sizes * np.sign(grads.astype(np.float64))
        current = _project(candidate, images, eps)
    return current


def attack(
    model: Any,
    x: ArrayLike,
    y: ArrayLike | int,
    eps: float,
    method: str = "PGD",
    **options: Any,
) -> NDArray[np.floating[Any]]:
    """Run :func:`fgsm` (``method="FGSM"``) or :func:`pgd` (``method="PGD"``) with ``options``.

    Examples
    --------
    >>> attack(None, np.zeros((1, 2)), [0], 0.1, method="CW")
    Traceback (most recent call last):
    ...
    ValueError: method must be one of 'FGSM', 'PGD'; got 'CW'
    """
    check_choice(method, "method", METHODS)
    return fgsm(model, x, y, eps, **options) if method == "FGSM" else pgd(model, x, y, eps, **options)


# ---------------------------------------------------------------------------------------
# Predictions and success rates
# ---------------------------------------------------------------------------------------


def _softmax(z: NDArray[np.float64]) -> NDArray[np.float64]:
    z = z - z.max(axis=1, keepdims=True)
    e = np.exp(z)
    return e / e.sum(axis=1, keepdims=True)


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
        As for :func:`fgsm`.

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
        probabilities = _softmax(out if output == "logits" else -out)
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
        As for :func:`fgsm`.
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


def _n_classes(model: Any, images: NDArray[Any]) -> int:
    """Number of classes the model outputs (from its output shape, else from one prediction)."""
    shape = getattr(model, "output_shape", None)
    if isinstance(shape, tuple) and len(shape) == 2 and isinstance(shape[1], int):
        if shape[1] < 2:
            raise ValueError(f"model must output one score per class, shape (N, classes), got shape {shape}")
        return shape[1]
    out = np.asarray(model(images[:1].astype(np.float32), training=False))
    if out.ndim != 2 or out.shape[1] < 2:
        raise ValueError(f"model must output one score per class, shape (N, classes), got shape {out.shape}")
    return int(out.shape[1])


# ---------------------------------------------------------------------------------------
# The teaching version: a softmax regression, gradient by hand
# ---------------------------------------------------------------------------------------


def fgsm_linear(
    weights: ArrayLike,
    bias: ArrayLike,
    x: ArrayLike,
    y: ArrayLike | int,
    eps: float,
    *,
    targeted: bool = False,
) -> NDArray[np.float64]:
    """FGSM on a softmax regression ``p = softmax(x @ weights + bias)``, written out with NumPy.

    The gradient of the cross-entropy ``-log p_y`` with respect to the input is
    ``(p - onehot(y)) @ weights.T``: no automatic differentiation needed. The result
    equals :func:`fgsm` on a Keras ``Dense(classes, activation="softmax")`` model with the
    same weights (the tests check it).

    Parameters
    ----------
    weights : array_like, shape (features, classes)
    bias : array_like, shape (classes,)
    x : array_like, shape (N, features)
        Inputs in [0, 1].
    y : array_like of int, shape (N,), or int
    eps : float
    targeted : bool

    Returns
    -------
    ndarray, shape (N, features)

    Examples
    --------
    >>> w = np.array([[1.0, -1.0], [0.0, 0.0]])
    >>> fgsm_linear(w, np.zeros(2), [[0.5, 0.5]], [0], eps=0.25)
    array([[0.25, 0.5 ]])
    """
    w = as_finite_array(weights, "weights", 2)
    b = as_finite_array(bias, "bias", 1)
    if b.shape[0] != w.shape[1]:
        raise ValueError(f"bias must have one entry per class ({w.shape[1]}), got shape {b.shape}")
    eps_value = check_eps(eps)
    images = _check_images(np.asarray(x, dtype=np.float64))
    if images.ndim != 2 or images.shape[1] != w.shape[0]:
        raise ValueError(f"x must have shape (N, {w.shape[0]}) to match weights, got shape {images.shape}")
    labels = _check_labels(y, len(images))
    _check_label_range(labels, w.shape[1])
    p = _softmax(images @ w + b)
    onehot = np.eye(w.shape[1])[labels]
    gradient = (p - onehot) @ w.T
    direction = -1.0 if targeted else 1.0
    return _project(images + direction * eps_value * np.sign(gradient), images, eps_value)


# ---------------------------------------------------------------------------------------
# The precomputed study shipped with the course (data/adversarial_lenet5_<variant>.json)
# ---------------------------------------------------------------------------------------


def _sha256(path: Any) -> str:
    import hashlib
    from pathlib import Path

    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def success_study(
    model: Any,
    x: ArrayLike,
    y: ArrayLike,
    eps_values: Sequence[float],
    *,
    steps: int = 10,
    output: Output = "probabilities",
    batch_size: int = 1000,
) -> dict[str, Any]:
    """:func:`success_rates` plus, for every attack and ``eps``, which images were fooled.

    Returns
    -------
    dict
        ``"table"``: the rows of :func:`success_rates`; ``"fooled"``: ``{"FGSM 0.1": "0010..."}``,
        one character per image of ``x`` (``1``: right before, wrong after the attack;
        images wrong before are ``0``); ``"eps"``, ``"steps"``, ``"images"``.

    Examples
    --------
    >>> import keras
    >>> model = keras.Sequential([keras.Input((2,)), keras.layers.Dense(2, activation="softmax")])
    >>> model.set_weights([np.array([[4.0, -4.0], [0.0, 0.0]]), np.array([-2.0, 2.0])])
    >>> study = success_study(model, np.array([[0.9, 0.5], [0.1, 0.5]]), [0, 1], [0.5], steps=2)
    >>> study["fooled"]["FGSM 0.5"], study["fooled"]["PGD 0.5"]
    ('11', '11')
    """
    images = _check_images(x)
    _check_model(model, images)
    labels = _check_labels(y, len(images))
    eps_list = [check_eps(e, "eps_values") for e in eps_values]
    rows, flags = _success(model, images, labels, eps_list, METHODS, as_int(steps, "steps", 1), output,
                           as_int(batch_size, "batch_size", 1))
    fooled = {key: "".join("1" if f else "0" for f in mask) for key, mask in flags.items()}
    return {"table": rows, "fooled": fooled, "eps": eps_list, "steps": steps,
            "images": int(len(images))}


def load_study(path: Any, weights: Any) -> dict[str, Any] | None:
    """Read a study written by ``python -m cnn_course.adversarial``; None if missing or stale.

    Parameters
    ----------
    path : path-like
        The JSON file.
    weights : path-like
        The weights file the study must have been computed with (its SHA-256 is compared
        with the one recorded): a study of other weights is stale.

    Returns
    -------
    dict or None
        The study (see :func:`success_study`) with ``"meta"``; None, with the reason
        printed, if the file is missing, unreadable or made with other weights.
    """
    import json
    from pathlib import Path

    file = Path(path)
    if not file.is_file():
        print(f"{file.name} is missing: computing the study here instead (slower)")
        return None
    try:
        study = json.loads(file.read_text())
        recorded = study["meta"]["weights_sha256"]
    except (ValueError, KeyError, TypeError) as exc:
        print(f"{file.name} is unreadable ({exc}): computing the study here instead (slower)")
        return None
    if recorded != _sha256(weights):
        print(f"{file.name} was computed with other weights than {Path(weights).name}: "
              "computing the study here instead (slower); refresh it with `python -m cnn_course.adversarial`")
        return None
    return study


def main(argv: Sequence[str] | None = None) -> int:
    """``python -m cnn_course.adversarial``: attack the shipped LeNet-5 and save the study as JSON."""
    import argparse
    import json
    import sys
    import time
    from pathlib import Path

    parser = argparse.ArgumentParser(prog="python -m cnn_course.adversarial", description=(
        "Untargeted FGSM and PGD against the course's trained LeNet-5 on the first MNIST test "
        "images; writes data/adversarial_lenet5_<variant>.json for the chapter 'Where CNNs fail'."))
    parser.add_argument("--variant", default="modern", choices=["modern", "keras"])
    parser.add_argument("--images", type=int, default=1000)
    parser.add_argument("--steps", type=int, default=10)
    parser.add_argument("--eps", type=float, nargs="+", default=[0.0, 0.05, 0.1, 0.15, 0.2, 0.25, 0.3])
    parser.add_argument("--out", default=None, help="default: data/adversarial_lenet5_<variant>.json")
    args = parser.parse_args(argv)

    from cnn_course.data import load_mnist
    from cnn_course.models.lenet import load_lenet5, train_command, weights_file
    from cnn_course.train.common import machine_description, shipped_file, weights_dir

    model = load_lenet5(args.variant)
    weights = shipped_file(weights_file(args.variant), train_command=train_command(args.variant))
    (_, _), (x_test, y_test) = load_mnist()
    x = x_test[: args.images, :, :, None].astype(np.float32) / 255
    y = y_test[: args.images].astype(np.int64)
    start = time.perf_counter()
    study = success_study(model, x, y, args.eps, steps=args.steps)
    seconds = time.perf_counter() - start
    study["meta"] = {"model": f"lenet5_{args.variant}", "weights": weights.name, "weights_sha256": _sha256(weights),
                     "seconds": round(seconds, 1), "machine": machine_description(),
                     "command": " ".join(["python -m cnn_course.adversarial", *(sys.argv[1:] if argv is None else argv)])}
    out = Path(args.out) if args.out else weights_dir() / f"adversarial_lenet5_{args.variant}.json"
    out.write_text(json.dumps(study, separators=(",", ":")) + "\n")
    table = pd.DataFrame(study["table"]).pivot(index="eps", columns="method", values="success_rate")
    print(table.to_string(float_format=lambda v: f"{v:.1%}"))
    print(f"{study['table'][0]['n']} correctly classified digits of {args.images}; {seconds:.0f} s; wrote {out}")
    return 0


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
