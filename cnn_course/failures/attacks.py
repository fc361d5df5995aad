"""The attacks: small changes to an image, computed from the network's own gradient.

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
Measuring the attacks (predictions, success rates, the scores along the FGSM direction) is
:mod:`cnn_course.failures.evaluation`'s work.

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
from collections.abc import Callable
from typing import Any, Literal

import numpy as np
from numpy.typing import ArrayLike, NDArray

from cnn_course._validation import as_finite_array, as_int, check_choice
from cnn_course.nonlinearities.activations import softmax

__all__ = [
    "METHODS",
    "OUTPUTS",
    "attack",
    "check_eps",
    "fgsm",
    "fgsm_linear",
    "pgd",
]

Output = Literal["probabilities", "logits", "distances"]
#: What a model's output may be (the ``output`` argument).
OUTPUTS: tuple[str, ...] = ("probabilities", "logits", "distances")
#: Attack names accepted by :func:`attack` and :func:`~cnn_course.failures.evaluation.success_rates`.
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
            f"cnn_course.failures needs Keras's TensorFlow backend (it uses tf.GradientTape); "
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
    """PGD with one ``eps`` (and step size) per image; the work of :func:`pgd` and of
    :func:`~cnn_course.failures.evaluation.success_rates`."""
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
    p = softmax(images @ w + b, axis=1)
    onehot = np.eye(w.shape[1])[labels]
    gradient = (p - onehot) @ w.T
    direction = -1.0 if targeted else 1.0
    return _project(images + direction * eps_value * np.sign(gradient), images, eps_value)
