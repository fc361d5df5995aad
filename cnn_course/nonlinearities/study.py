"""Why ReLU trains faster, measured: one small network, three non-linearities.

The same multilayer perceptron (MNIST pixels -> three hidden layers -> 10 scores, Glorot
initialisation, plain minibatch SGD with momentum, the same seed, the same minibatches) is
trained with a different hidden non-linearity each time, and we count the **steps** it
takes to reach a fixed validation accuracy. Before training, we also measure how large the
gradient of the loss is at each layer: with sigmoid units it shrinks layer after layer on
its way down (the sigmoid's slope is at most 1/4), with ReLU it does not.

* :func:`prepare_mnist` - a seeded real MNIST subset, flattened and scaled to [0, 1];
* :func:`build_mlp` - the network, for one activation;
* :func:`layer_gradient_rms` - root-mean-square gradient of each layer's weights at
  initialisation;
* :func:`train_until` - train with SGD, evaluate every few steps, stop at the target;
* :func:`compare_activations` - both measurements for several activations and seeds;
* :func:`load_study` - the bigger study shipped in ``data/activation_study.json``,
  written by ``python -m cnn_course.nonlinearities.study`` or ``cnn-course activation-study``
  (:func:`main`): five seeds of the network above, and three seeds of a deeper one (eight
  hidden layers of 64 units).

TensorFlow is imported only when a network is built, so importing this module is cheap.
(It is not re-exported by :mod:`cnn_course.nonlinearities`, whose NumPy science needs no
TensorFlow: import it as ``cnn_course.nonlinearities.study``.)

Examples
--------
>>> ACTIVATIONS
('sigmoid', 'tanh', 'relu')
>>> sorted(KERAS_ACTIVATIONS)
['lecun_tanh', 'relu', 'sigmoid', 'tanh']
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike, NDArray

from cnn_course._validation import as_finite_array, as_int, check_choice
from cnn_course.nonlinearities.activations import LECUN_A, LECUN_S
from cnn_course.data import DataError

__all__ = [
    "ACTIVATIONS",
    "DEFAULTS",
    "KERAS_ACTIVATIONS",
    "STUDY_FILE",
    "TRAIN_COMMAND",
    "TrainingRun",
    "build_mlp",
    "compare_activations",
    "layer_gradient_rms",
    "load_study",
    "main",
    "prepare_mnist",
    "train_until",
]

#: The three non-linearities compared in the chapter.
ACTIVATIONS: tuple[str, ...] = ("sigmoid", "tanh", "relu")
#: Every activation :func:`build_mlp` accepts (LeCun's scaled tanh is extra).
KERAS_ACTIVATIONS: tuple[str, ...] = ("sigmoid", "tanh", "lecun_tanh", "relu")
#: The shipped study, in ``data/``.
STUDY_FILE = "activation_study.json"
#: The command that writes it.
TRAIN_COMMAND = "python -m cnn_course.nonlinearities.study"

#: The settings shared by the notebook's small run and the CLI's big one.
DEFAULTS: dict[str, Any] = {
    "hidden": (64, 64, 64),
    "learning_rate": 0.05,
    "momentum": 0.9,
    "batch_size": 32,
    "target": 0.90,
    "eval_every": 25,
    "max_steps": 1500,
}


def prepare_mnist(
    n_train: int, n_val: int, *, seed: int = 0
) -> tuple[NDArray[np.float32], NDArray[np.int64], NDArray[np.float32], NDArray[np.int64]]:
    """A seeded random subset of real MNIST, flattened to 784 values in [0, 1].

    The training digits come from MNIST's training set, the validation digits from its
    test set (so they were never seen in training).

    Parameters
    ----------
    n_train, n_val : int
        How many training and validation digits.
    seed : int
        Picks the subset.

    Returns
    -------
    x_train, y_train, x_val, y_val

    Examples
    --------
    >>> x, y, xv, yv = prepare_mnist(100, 50)  # doctest: +SKIP
    >>> x.shape, xv.shape, float(x.max()) <= 1.0  # doctest: +SKIP
    ((100, 784), (50, 784), True)
    """
    from cnn_course.data import load_mnist

    n_train = as_int(n_train, "n_train", minimum=1)
    n_val = as_int(n_val, "n_val", minimum=1)
    seed = as_int(seed, "seed", minimum=0)
    (x_tr, y_tr), (x_te, y_te) = load_mnist()
    if n_train > len(x_tr) or n_val > len(x_te):
        raise ValueError(f"n_train must be <= {len(x_tr)} and n_val <= {len(x_te)}, got {n_train} and {n_val}")
    rng = np.random.default_rng(seed)
    i = rng.choice(len(x_tr), n_train, replace=False)
    j = rng.choice(len(x_te), n_val, replace=False)

    def flat(x: NDArray[Any]) -> NDArray[np.float32]:
        return (x.reshape(len(x), -1) / 255.0).astype(np.float32)

    return flat(x_tr[i]), y_tr[i].astype(np.int64), flat(x_te[j]), y_te[j].astype(np.int64)


def _keras_activation(name: str) -> Any:
    if name == "lecun_tanh":
        import keras

        def lecun_tanh(z: Any) -> Any:
            return LECUN_A * keras.ops.tanh(LECUN_S * z)

        return lecun_tanh
    return name


def build_mlp(activation: str, *, hidden: Sequence[int] = DEFAULTS["hidden"], inputs: int = 784, classes: int = 10, seed: int = 0) -> Any:
    """A multilayer perceptron with one hidden non-linearity, Glorot-initialised, seeded.

    Layers are named ``hidden1``, ``hidden2``, ... and ``output`` (10 scores, no softmax:
    the loss takes logits).

    Parameters
    ----------
    activation : {"sigmoid", "tanh", "lecun_tanh", "relu"}
    hidden : sequence of int
        Units per hidden layer.
    inputs, classes : int
    seed : int
        Seeds the initial weights: the same seed gives the same weights whatever the
        activation.

    Returns
    -------
    keras.Model

    Examples
    --------
    >>> model = build_mlp("relu", hidden=(8, 8), inputs=4, classes=3)
    >>> [layer.name for layer in model.layers[1:]], model.count_params()
    (['hidden1', 'hidden2', 'output'], 139)
    """
    activation = check_choice(activation, "activation", KERAS_ACTIVATIONS)
    hidden = [as_int(h, "hidden units", minimum=1) for h in hidden]
    if not hidden:
        raise ValueError("hidden must list at least one layer size")
    inputs = as_int(inputs, "inputs", minimum=1)
    classes = as_int(classes, "classes", minimum=2)
    seed = as_int(seed, "seed", minimum=0)
    import keras

    x = inp = keras.Input((inputs,), name="pixels")
    for k, units in enumerate(hidden, start=1):
        init = keras.initializers.GlorotUniform(seed=seed * 1000 + k)
        x = keras.layers.Dense(units, activation=_keras_activation(activation), kernel_initializer=init, name=f"hidden{k}")(x)
    init = keras.initializers.GlorotUniform(seed=seed * 1000 + len(hidden) + 1)
    out = keras.layers.Dense(classes, kernel_initializer=init, name="output")(x)
    return keras.Model(inp, out, name=f"mlp_{activation}")


def _check_xy(x: ArrayLike, y: ArrayLike, name: str) -> tuple[NDArray[np.float32], NDArray[np.int64]]:
    x = as_finite_array(x, f"x_{name}", 2).astype(np.float32)
    y_arr = np.asarray(y)
    if y_arr.ndim != 1 or len(y_arr) != len(x) or y_arr.dtype.kind not in "iu":
        raise ValueError(f"y_{name} must be a 1-D integer array of labels, one per row of x_{name}; got shape {y_arr.shape}, dtype {y_arr.dtype}")
    return x, y_arr.astype(np.int64)


def layer_gradient_rms(model: Any, x: ArrayLike, y: ArrayLike) -> pd.DataFrame:
    """Root-mean-square gradient of the loss with respect to each layer's weights.

    The loss is the mean sparse categorical cross-entropy (from logits) over the batch
    ``x``, ``y``, computed with ``tf.GradientTape``.

    Returns
    -------
    pandas.DataFrame
        One row per Dense layer, from the input up: ``layer`` (name), ``depth``
        (1 = first hidden layer) and ``grad_rms``.

    Examples
    --------
    >>> model = build_mlp("sigmoid", hidden=(8, 8), inputs=4, classes=3)
    >>> rng = np.random.default_rng(0)
    >>> table = layer_gradient_rms(model, rng.random((16, 4)), rng.integers(0, 3, 16))
    >>> table["layer"].tolist(), bool((table["grad_rms"] > 0).all())
    (['hidden1', 'hidden2', 'output'], True)
    """
    import tensorflow as tf

    x, y = _check_xy(x, y, "batch")
    kernels = [layer.kernel for layer in model.layers if hasattr(layer, "kernel")]
    with tf.GradientTape() as tape:
        logits = model(x, training=False)
        loss = tf.reduce_mean(tf.nn.sparse_softmax_cross_entropy_with_logits(labels=y, logits=logits))
    grads = tape.gradient(loss, kernels)
    names = [layer.name for layer in model.layers if hasattr(layer, "kernel")]
    return pd.DataFrame(
        {
            "layer": names,
            "depth": np.arange(1, len(names) + 1),
            "grad_rms": [float(np.sqrt(np.mean(np.square(g.numpy())))) for g in grads],
        }
    )


@dataclasses.dataclass(frozen=True)
class TrainingRun:
    """One training run of :func:`train_until`.

    Attributes
    ----------
    activation : str
    seed : int
    steps_to_target : int or None
        The first evaluated step at which the validation accuracy reached the target
        (None if it never did within ``max_steps``).
    curve : pandas.DataFrame
        ``step``, ``val_accuracy`` and ``train_loss`` (mean over the steps since the last
        evaluation), one row per evaluation; step 0 is before any update.
    seconds : float
        Wall-clock time of the run.
    """

    activation: str
    seed: int
    target: float
    steps_to_target: int | None
    curve: pd.DataFrame
    seconds: float


def train_until(
    activation: str,
    x_train: ArrayLike,
    y_train: ArrayLike,
    x_val: ArrayLike,
    y_val: ArrayLike,
    *,
    seed: int = 0,
    target: float = DEFAULTS["target"],
    max_steps: int = DEFAULTS["max_steps"],
    eval_every: int = DEFAULTS["eval_every"],
    batch_size: int = DEFAULTS["batch_size"],
    learning_rate: float = DEFAULTS["learning_rate"],
    momentum: float = DEFAULTS["momentum"],
    hidden: Sequence[int] = DEFAULTS["hidden"],
    stop_at_target: bool = True,
) -> TrainingRun:
    """Train :func:`build_mlp` with SGD until the validation accuracy reaches ``target``.

    The minibatches are drawn from ``x_train`` in an order fixed by ``seed`` (the same for
    every activation), and the validation accuracy is measured every ``eval_every`` steps.

    Parameters
    ----------
    activation : str
        One of :data:`KERAS_ACTIVATIONS`.
    x_train, y_train, x_val, y_val : array_like
        Flattened images (rows) and integer labels, e.g. from :func:`prepare_mnist`.
    seed : int
        Seeds the initial weights and the minibatch order.
    target : float
        Validation accuracy to reach (0..1).
    max_steps, eval_every, batch_size : int
    learning_rate, momentum : float
        Of :class:`keras.optimizers.SGD`.
    hidden : sequence of int
        Hidden layer sizes.
    stop_at_target : bool
        Stop at the first evaluation that reaches ``target`` (else run ``max_steps``).

    Returns
    -------
    TrainingRun

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> x = rng.random((64, 6)).astype("float32"); y = (x[:, 0] > 0.5).astype(int)
    >>> run = train_until("relu", x, y, x, y, hidden=(8,), target=0.8, max_steps=200, eval_every=10)
    >>> run.steps_to_target is not None and run.steps_to_target <= 200
    True
    """
    import keras
    import tensorflow as tf

    x_train, y_train = _check_xy(x_train, y_train, "train")
    x_val, y_val = _check_xy(x_val, y_val, "val")
    if x_val.shape[1] != x_train.shape[1]:
        raise ValueError(f"x_val must have {x_train.shape[1]} columns like x_train, got {x_val.shape[1]}")
    seed = as_int(seed, "seed", minimum=0)
    max_steps = as_int(max_steps, "max_steps", minimum=1)
    eval_every = as_int(eval_every, "eval_every", minimum=1)
    batch_size = as_int(batch_size, "batch_size", minimum=1)
    if not 0.0 < float(target) <= 1.0:
        raise ValueError(f"target must be an accuracy in (0, 1], got {target!r}")
    if not float(learning_rate) > 0:
        raise ValueError(f"learning_rate must be positive, got {learning_rate!r}")
    classes = int(max(y_train.max(), y_val.max())) + 1
    model = build_mlp(activation, hidden=hidden, inputs=x_train.shape[1], classes=max(classes, 2), seed=seed)
    optimizer = keras.optimizers.SGD(learning_rate=float(learning_rate), momentum=float(momentum))
    variables = model.trainable_variables

    @tf.function(reduce_retracing=True)
    def step(xb: Any, yb: Any) -> Any:
        with tf.GradientTape() as tape:
            logits = model(xb, training=True)
            loss = tf.reduce_mean(tf.nn.sparse_softmax_cross_entropy_with_logits(labels=yb, logits=logits))
        optimizer.apply_gradients(zip(tape.gradient(loss, variables), variables))
        return loss

    @tf.function(reduce_retracing=True)
    def accuracy(xv: Any, yv: Any) -> Any:
        pred = tf.argmax(model(xv, training=False), axis=1)
        return tf.reduce_mean(tf.cast(tf.equal(pred, yv), tf.float32))

    rng = np.random.default_rng(seed)
    order = np.concatenate([rng.permutation(len(x_train)) for _ in range(max_steps * batch_size // len(x_train) + 1)])
    xv, yv = tf.constant(x_val), tf.constant(y_val)
    start = time.perf_counter()
    rows = [{"step": 0, "val_accuracy": float(accuracy(xv, yv)), "train_loss": float("nan")}]
    reached = None
    losses: list[float] = []
    for s in range(1, max_steps + 1):
        idx = order[(s - 1) * batch_size : s * batch_size]
        losses.append(float(step(tf.constant(x_train[idx]), tf.constant(y_train[idx]))))
        if s % eval_every == 0 or s == max_steps:
            acc = float(accuracy(xv, yv))
            rows.append({"step": s, "val_accuracy": acc, "train_loss": float(np.mean(losses))})
            losses = []
            if reached is None and acc >= target:
                reached = s
                if stop_at_target:
                    break
    return TrainingRun(activation, seed, float(target), reached, pd.DataFrame(rows), time.perf_counter() - start)


def compare_activations(
    x_train: ArrayLike,
    y_train: ArrayLike,
    x_val: ArrayLike,
    y_val: ArrayLike,
    *,
    activations: Sequence[str] = ACTIVATIONS,
    seeds: Sequence[int] = (0,),
    gradient_batch: int = 256,
    **train_options: Any,
) -> dict[str, pd.DataFrame]:
    """Gradients at initialisation and steps to the target, per activation and seed.

    Parameters
    ----------
    x_train, y_train, x_val, y_val : array_like
        As for :func:`train_until`.
    activations : sequence of str
    seeds : sequence of int
    gradient_batch : int
        How many training digits the gradients at initialisation are averaged over.
    **train_options
        Passed to :func:`train_until` (``target``, ``max_steps``, ``hidden``...).

    Returns
    -------
    dict of DataFrames
        ``"gradients"``: activation, seed, layer, depth, grad_rms;
        ``"steps"``: activation, seed, steps_to_target (NaN if not reached), seconds;
        ``"curves"``: activation, seed, step, val_accuracy, train_loss.

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> x = rng.random((64, 6)).astype("float32"); y = (x[:, 0] > 0.5).astype(int)
    >>> out = compare_activations(x, y, x, y, activations=["relu"], hidden=(4,), max_steps=20)
    >>> sorted(out), out["steps"].shape[0]
    (['curves', 'gradients', 'steps'], 1)
    """
    if isinstance(activations, str) or not activations:
        raise ValueError("activations must be a non-empty list of names, e.g. ['sigmoid', 'relu']")
    activations = [check_choice(a, "activation", KERAS_ACTIVATIONS) for a in activations]
    seeds = [as_int(s, "seed", minimum=0) for s in seeds]
    if not seeds:
        raise ValueError("seeds must list at least one seed")
    x_tr, y_tr = _check_xy(x_train, y_train, "train")
    hidden = train_options.get("hidden", DEFAULTS["hidden"])
    n = min(as_int(gradient_batch, "gradient_batch", minimum=1), len(x_tr))
    grads, steps, curves = [], [], []
    for seed in seeds:
        for act in activations:
            model = build_mlp(act, hidden=hidden, inputs=x_tr.shape[1], classes=int(y_tr.max()) + 1 if y_tr.max() >= 1 else 2, seed=seed)
            g = layer_gradient_rms(model, x_tr[:n], y_tr[:n])
            g.insert(0, "seed", seed)
            g.insert(0, "activation", act)
            grads.append(g)
            run = train_until(act, x_tr, y_tr, x_val, y_val, seed=seed, **train_options)
            steps.append({"activation": act, "seed": seed,
                          "steps_to_target": np.nan if run.steps_to_target is None else run.steps_to_target,
                          "seconds": run.seconds})
            c = run.curve.copy()
            c.insert(0, "seed", seed)
            c.insert(0, "activation", act)
            curves.append(c)
    return {"gradients": pd.concat(grads, ignore_index=True), "steps": pd.DataFrame(steps),
            "curves": pd.concat(curves, ignore_index=True)}


def load_study(path: str | Path | None = None) -> dict[str, Any]:
    """The study shipped in ``data/activation_study.json``, as DataFrames plus its settings.

    Returns
    -------
    dict
        ``"gradients"``, ``"steps"``, ``"curves"`` (DataFrames, as from
        :func:`compare_activations`), ``"deep_gradients"`` and ``"deep_steps"`` (the same
        for the deeper network, when the file has them) and ``"meta"`` (settings, seconds,
        machine, command).

    Raises
    ------
    cnn_course.data.DataError
        If the file is missing or corrupt, with the command that writes it.

    Examples
    --------
    >>> study = load_study()  # doctest: +SKIP
    >>> sorted(study)  # doctest: +SKIP
    ['curves', 'deep_gradients', 'deep_steps', 'gradients', 'meta', 'steps']
    """
    if path is None:
        from cnn_course.shipped import shipped_file

        path = shipped_file(STUDY_FILE, train_command=TRAIN_COMMAND)
    path = Path(path)
    try:
        record = json.loads(path.read_text())
        out = {key: pd.DataFrame(record[key]) for key in ("gradients", "steps", "curves")}
        out.update({key: pd.DataFrame(record[key]) for key in ("deep_gradients", "deep_steps") if key in record})
        out["meta"] = dict(record["meta"])
    except FileNotFoundError:
        raise DataError(f"{path} is missing; write it with:\n    {TRAIN_COMMAND}") from None
    except (json.JSONDecodeError, KeyError, TypeError, ValueError) as exc:
        raise DataError(f"{path} is not a valid activation study ({exc}); rewrite it with:\n    {TRAIN_COMMAND}") from None
    return out


def main(argv: Sequence[str] | None = None) -> int:
    """Command line: run the bigger study (more seeds, more data) and save it as JSON."""
    parser = argparse.ArgumentParser(prog="python -m cnn_course.nonlinearities.study", description=__doc__.split("\n\n")[0])
    parser.add_argument("--seeds", type=int, default=5, help="number of seeds (default 5)")
    parser.add_argument("--n-train", type=int, default=10000)
    parser.add_argument("--n-val", type=int, default=2000)
    parser.add_argument("--max-steps", type=int, default=3000)
    parser.add_argument("--activations", nargs="+", default=list(KERAS_ACTIVATIONS), choices=KERAS_ACTIVATIONS)
    parser.add_argument("--deep-layers", type=int, default=8, help="hidden layers of the deep comparison (0: skip it)")
    parser.add_argument("--deep-seeds", type=int, default=3)
    parser.add_argument("--out", type=Path, default=None, help=f"output file (default data/{STUDY_FILE})")
    args = parser.parse_args(argv)
    from cnn_course.shipped import machine_description, weights_dir

    out = args.out or weights_dir() / STUDY_FILE
    x, y, xv, yv = prepare_mnist(args.n_train, args.n_val, seed=0)
    start = time.perf_counter()
    result = compare_activations(x, y, xv, yv, activations=args.activations, seeds=range(args.seeds), max_steps=args.max_steps)
    if args.deep_layers > 0:
        deep_hidden = (DEFAULTS["hidden"][0],) * args.deep_layers
        deep = compare_activations(x, y, xv, yv, activations=args.activations, seeds=range(args.deep_seeds),
                                   max_steps=args.max_steps, hidden=deep_hidden)
        result.update({f"deep_{key}": frame for key, frame in deep.items() if key != "curves"})
    seconds = time.perf_counter() - start
    settings = {k: list(v) if isinstance(v, tuple) else v for k, v in DEFAULTS.items()}
    settings.update(max_steps=args.max_steps, n_train=args.n_train, n_val=args.n_val, seeds=args.seeds,
                    deep_layers=args.deep_layers, deep_seeds=args.deep_seeds if args.deep_layers > 0 else 0)
    record = {key: json.loads(frame.to_json(orient="records")) for key, frame in result.items()}
    record["meta"] = {"settings": settings, "seconds": round(seconds, 1), "machine": machine_description(),
                      "command": TRAIN_COMMAND + (" " + " ".join(argv) if argv else "")}
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_name(out.name + ".tmp")
    tmp.write_text(json.dumps(record) + "\n")
    tmp.replace(out)
    for key in ("steps", "deep_steps"):
        if key in result:
            print(key, result[key].groupby("activation")["steps_to_target"].describe().to_string(), sep="\n")
    print(f"wrote {out} in {seconds:.0f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
