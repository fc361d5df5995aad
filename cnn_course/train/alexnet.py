"""``python -m cnn_course.train alexnet``: train AlexNet on CIFAR-10, checkpointed and resumable.

Runs on any Keras 3 backend (TensorFlow, JAX, PyTorch), on CPU or GPU. What it does:

- loads CIFAR-10 with :func:`cnn_course.data.load_cifar10` (``--data-dir`` for another copy),
  scales it to [0, 1], and trains :func:`~cnn_course.models.alexnet.alexnet_cifar`
  (``--model cifar``, the default) or :func:`~cnn_course.models.alexnet.alexnet_literal`
  (``--model literal``), with Keras progress bars, seeded (``--seed``);
- SGD with Nesterov momentum 0.9 (or Adam, ``--optimizer adam``) and weight decay, the learning rate warming up linearly for
  ``--warmup`` epochs to ``--lr`` and then following a cosine down to zero (a one-cycle
  schedule), cross-entropy loss;
- mixed precision (float16 compute, float32 weights) when a GPU is present
  (``--precision``);
- a checkpoint after every epoch (the whole model with its optimizer state, and the history
  so far) in ``--checkpoint-dir``; run the same command again after an interruption and it
  resumes after the last finished epoch (``--fresh`` starts over);
- at the end, the test accuracy, the weights (``--weights``, stored as float16 by default)
  and the history as JSON (``--history``; see :mod:`cnn_course.shipped`), with the
  measured seconds per epoch and the machine.

Several devices (``--strategy``):

- one machine, several GPUs, TensorFlow backend::

      KERAS_BACKEND=tensorflow python -m cnn_course.train alexnet --strategy mirrored

- several machines (TensorFlow backend): start the same command on every machine, each
  with ``TF_CONFIG`` naming all workers and its own index, e.g. on the first of two::

      TF_CONFIG='{"cluster": {"worker": ["host1:12345", "host2:12345"]},
                  "task": {"type": "worker", "index": 0}}' \\
      KERAS_BACKEND=tensorflow python -m cnn_course.train alexnet --strategy multi-worker \\
          --checkpoint-dir /shared/alexnet-ckpt

  (worker 0, the chief, writes the checkpoints, weights and history; the others write to a
  private sub-folder; ``--batch-size`` is the global batch, split across all replicas);
- several GPUs on the JAX backend: ``--strategy data-parallel``
  (:class:`keras.distribution.DataParallel`).

Examples
--------
>>> main(["--help"])  # doctest: +SKIP
"""

from __future__ import annotations

import argparse
import json
import math
import os
import shlex
import shutil
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np

from cnn_course.data.subsets import balanced_subset

MODELS = ("cifar", "literal")
OPTIMIZERS = ("sgd", "adam")
STRATEGIES = ("none", "mirrored", "multi-worker", "data-parallel")
PRECISIONS = ("auto", "float32", "mixed_float16", "mixed_bfloat16")
_STATE = "state.json"
_MODEL_FILE = "last.keras"


def build_parser() -> argparse.ArgumentParser:
    """The command's options (``python -m cnn_course.train alexnet --help``).

    Examples
    --------
    >>> build_parser().parse_args([]).epochs
    50
    """
    p = argparse.ArgumentParser(
        prog="python -m cnn_course.train alexnet",
        description="Train AlexNet on CIFAR-10 (checkpointed every epoch; rerun the same command to resume).",
        formatter_class=argparse.ArgumentDefaultsHelpFormatter,
    )
    p.add_argument("--model", choices=MODELS, default="cifar", help="adapted network (cifar) or the literal port")
    p.add_argument("--epochs", type=int, default=50, help="total number of epochs")
    p.add_argument("--batch-size", type=int, default=128, help="global batch size")
    p.add_argument("--optimizer", choices=OPTIMIZERS, default="sgd", help="SGD with Nesterov momentum 0.9, or Adam")
    p.add_argument("--lr", type=float, default=None, help="peak learning rate (default for SGD 0.05 x batch/128 for cifar, 0.01 x batch/128 for literal; for Adam 1e-3 and 1e-4)")
    p.add_argument("--warmup", type=float, default=2.0, help="epochs of linear warm-up before the cosine decay")
    p.add_argument("--weight-decay", type=float, default=5e-4, help="decoupled weight decay of SGD")
    p.add_argument("--width", type=float, default=1.0, help="width multiplier of the cifar model (e.g. 0.25 for a quick test)")
    p.add_argument("--dropout", type=float, default=0.5, help="dropout rate of the dense layers")
    p.add_argument("--no-augment", action="store_true", help="train the cifar model without translation/flip")
    p.add_argument("--seed", type=int, default=0, help="random seed")
    p.add_argument("--precision", choices=PRECISIONS, default="auto", help="auto: mixed_float16 on a GPU, float32 on CPU")
    p.add_argument("--strategy", choices=STRATEGIES, default="none", help="distribution over several devices (see the module's help)")
    p.add_argument("--data-dir", default=None, help="a CIFAR-10 copy (default: the course's cache, see cnn_course.data)")
    p.add_argument("--subset", type=int, default=None, help="train on N training images only (classes balanced, fixed choice)")
    p.add_argument("--test-subset", type=int, default=None, help="evaluate on N test images only (classes balanced, fixed choice)")
    p.add_argument("--synthetic", action="store_true", help="random images instead of CIFAR-10 (smoke tests of the command)")
    p.add_argument("--checkpoint-dir", default=None, help="checkpoint folder (default: <cache>/checkpoints/alexnet_<model>)")
    p.add_argument("--fresh", action="store_true", help="ignore and delete an existing checkpoint")
    p.add_argument("--weights", default=None, help="where to write the final weights (default: data/alexnet_cifar.weights.h5 for the cifar model on the full training set; none for literal)")
    p.add_argument("--weights-dtype", choices=("float16", "float32"), default="float16", help="storage type of the final weights file")
    p.add_argument("--history", default=None, help="where to write the history JSON (default: data/alexnet_<model>.history.json)")
    p.add_argument("--verbose", type=int, choices=(0, 1, 2), default=None, help="Keras verbosity (default: progress bar in a terminal, one line per epoch otherwise)")
    p.add_argument("--time-budget", type=float, default=None, help="seconds: train fewer than --epochs if needed to finish in about this time (planned after the second epoch; the schedule follows the plan)")
    p.add_argument("--extend-to", type=int, default=None, help="resume a checkpoint (finished or not) and train until this epoch, which may be beyond --epochs; the cosine schedule is re-planned over the new length, so the learning rate rises again and decays to zero")
    p.add_argument("--stop-after", type=int, default=None, help=argparse.SUPPRESS)  # simulate an interruption (tests)
    return p


class _Interrupted(Exception):
    """Raised by ``--stop-after`` to simulate an interruption after a checkpoint."""


def _check_args(args: argparse.Namespace, parser: argparse.ArgumentParser) -> None:
    for name in ("epochs", "batch_size"):
        if getattr(args, name) < 1:
            parser.error(f"--{name.replace('_', '-')} must be >= 1, got {getattr(args, name)}")
    for name in ("subset", "test_subset", "stop_after", "extend_to"):
        value = getattr(args, name)
        if value is not None and value < 1:
            parser.error(f"--{name.replace('_', '-')} must be >= 1, got {value}")
    if args.lr is not None and not args.lr > 0:
        parser.error(f"--lr must be > 0, got {args.lr}")
    if args.warmup < 0 or args.weight_decay < 0:
        parser.error("--warmup and --weight-decay must be >= 0")
    if not 0 <= args.dropout < 1:
        parser.error(f"--dropout must be in [0, 1), got {args.dropout}")
    if not args.width > 0:
        parser.error(f"--width must be > 0, got {args.width}")
    if args.model == "literal" and (args.width != 1.0 or args.no_augment):
        parser.error("--width and --no-augment apply to --model cifar only")


# --------------------------------------------------------------------------------------
# Devices, precision, strategy
# --------------------------------------------------------------------------------------


def gpu_present() -> bool:
    """Whether the current Keras backend sees a GPU."""
    import keras

    backend = keras.backend.backend()
    try:
        if backend == "tensorflow":
            import tensorflow as tf

            return bool(tf.config.list_physical_devices("GPU"))
        if backend == "jax":
            import jax

            return any(d.platform == "gpu" for d in jax.devices())
        if backend == "torch":
            import torch

            return bool(torch.cuda.is_available())
    except Exception:  # pragma: no cover - no device information
        return False
    return False


def choose_precision(precision: str, gpu: bool) -> str:
    """The dtype policy to use: ``auto`` means mixed_float16 on a GPU, float32 on a CPU.

    Examples
    --------
    >>> choose_precision("auto", gpu=False), choose_precision("auto", gpu=True)
    ('float32', 'mixed_float16')
    """
    if precision not in PRECISIONS:
        raise ValueError(f"precision must be one of {', '.join(PRECISIONS)}; got {precision!r}")
    if precision == "auto":
        return "mixed_float16" if gpu else "float32"
    return precision


class _NoStrategy:
    num_replicas_in_sync = 1
    is_chief = True

    def scope(self) -> Any:
        import contextlib

        return contextlib.nullcontext()


def make_strategy(name: str) -> Any:
    """A ``tf.distribute`` strategy (TensorFlow backend), a JAX data-parallel setup, or none.

    Returns an object with ``scope()``, ``num_replicas_in_sync`` and ``is_chief``.
    """
    import keras

    backend = keras.backend.backend()
    if name == "none":
        return _NoStrategy()
    if name in ("mirrored", "multi-worker"):
        if backend != "tensorflow":
            raise SystemExit(
                f"--strategy {name} uses tf.distribute and needs the TensorFlow backend "
                f"(KERAS_BACKEND=tensorflow); this run uses {backend}. "
                "On JAX use --strategy data-parallel."
            )
        import tensorflow as tf  # only here: the rest of the command runs without TensorFlow

        if name == "mirrored":
            strategy = tf.distribute.MirroredStrategy()
            strategy.is_chief = True
        else:
            if "TF_CONFIG" not in os.environ:
                print("TF_CONFIG is not set: running MultiWorkerMirroredStrategy as a single worker.", file=sys.stderr)
            strategy = tf.distribute.MultiWorkerMirroredStrategy()
            resolver = strategy.cluster_resolver
            task_type, task_id = getattr(resolver, "task_type", None), getattr(resolver, "task_id", None)
            strategy.is_chief = task_type in (None, "chief") or (task_type == "worker" and task_id == 0)
        return strategy
    if name == "data-parallel":
        if backend != "jax":
            raise SystemExit("--strategy data-parallel uses keras.distribution and needs the JAX backend (KERAS_BACKEND=jax)")
        devices = keras.distribution.list_devices()
        keras.distribution.set_distribution(keras.distribution.DataParallel(devices=devices))
        strategy = _NoStrategy()
        strategy.num_replicas_in_sync = len(devices)
        return strategy
    raise ValueError(f"strategy must be one of {', '.join(STRATEGIES)}; got {name!r}")


# --------------------------------------------------------------------------------------
# Data
# --------------------------------------------------------------------------------------


def load_data(args: argparse.Namespace) -> tuple[tuple[np.ndarray, np.ndarray], tuple[np.ndarray, np.ndarray], str]:
    """CIFAR-10 as float32 images in [0, 1] and int32 labels, and a sentence on its source."""
    if args.synthetic:
        rng = np.random.default_rng(args.seed)
        n_train, n_test = args.subset or 256, args.test_subset or 128
        x_train = rng.random((n_train, 32, 32, 3), dtype=np.float32)
        x_test = rng.random((n_test, 32, 32, 3), dtype=np.float32)
        y_train = rng.integers(0, 10, n_train).astype(np.int32)
        y_test = rng.integers(0, 10, n_test).astype(np.int32)
        return (x_train, y_train), (x_test, y_test), "synthetic random images (a smoke test, not CIFAR-10)"
    from cnn_course.data import describe_source, load_cifar10

    (x_train, y_train), (x_test, y_test) = load_cifar10(args.data_dir)
    source = describe_source("cifar10")
    if args.subset:
        keep = balanced_subset(y_train, min(args.subset, len(y_train)), seed=0)
        x_train, y_train = x_train[keep], y_train[keep]
    if args.test_subset:
        keep = balanced_subset(y_test, min(args.test_subset, len(y_test)), seed=1)
        x_test, y_test = x_test[keep], y_test[keep]
    scale = np.float32(1 / 255)
    return (
        (x_train.astype(np.float32) * scale, y_train.reshape(-1).astype(np.int32)),
        (x_test.astype(np.float32) * scale, y_test.reshape(-1).astype(np.int32)),
        source,
    )


# --------------------------------------------------------------------------------------
# Model, optimizer, checkpoints
# --------------------------------------------------------------------------------------


def peak_lr(args: argparse.Namespace) -> float:
    """``--lr``, or the default scaled linearly with the batch size."""
    if args.lr is not None:
        return args.lr
    if getattr(args, "optimizer", "sgd") == "adam":
        return 1e-3 if args.model == "cifar" else 1e-4
    base = 0.05 if args.model == "cifar" else 0.01
    return base * args.batch_size / 128


def one_cycle_lr(epoch: int, epochs: int, peak: float, warmup: float = 2.0) -> float:
    """Learning rate of epoch ``epoch`` (from 0): linear warm-up to ``peak``, then a cosine to 0.

    During the first ``warmup`` epochs the rate climbs in equal steps to ``peak``; over the
    remaining epochs it follows half a cosine down, reaching ``peak / 2`` half-way and a
    small value in the last epoch (the cosine is evaluated at each epoch's middle).

    Examples
    --------
    >>> [round(one_cycle_lr(e, 6, 0.1, warmup=2), 4) for e in range(6)]
    [0.05, 0.1, 0.0962, 0.0691, 0.0309, 0.0038]
    """
    if not 0 <= epoch < max(epochs, 1):
        raise ValueError(f"epoch must be in [0, {epochs}), got {epoch}")
    w = int(math.ceil(warmup))
    if epoch < w:
        return peak * (epoch + 1) / w
    remaining = max(epochs - w, 1)
    return 0.5 * peak * (1 + math.cos(math.pi * (epoch - w + 0.5) / remaining))


def build_and_compile(args: argparse.Namespace, steps_per_epoch: int) -> Any:
    """The model with its optimizer (one-cycle schedule), loss and metrics."""
    import keras

    from cnn_course.models.alexnet import alexnet_cifar, alexnet_literal

    if args.model == "cifar":
        model = alexnet_cifar(width=args.width, dropout=args.dropout, augment=not args.no_augment, seed=args.seed)
    else:
        model = alexnet_literal(dropout=args.dropout)
    peak = peak_lr(args)
    first = one_cycle_lr(0, args.epochs, peak, args.warmup)
    if args.optimizer == "adam":
        optimizer = keras.optimizers.Adam(first, weight_decay=args.weight_decay or None)
    else:
        optimizer = keras.optimizers.SGD(first, momentum=0.9, nesterov=True, weight_decay=args.weight_decay or None)
    if args.weight_decay:
        optimizer.exclude_from_weight_decay(var_names=["bias", "gamma", "beta"])
    model.compile(optimizer=optimizer, loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    return model


def default_checkpoint_dir(model: str) -> Path:
    from cnn_course.data import cache_dir

    return cache_dir() / "checkpoints" / f"alexnet_{model}"


def _fingerprint(args: argparse.Namespace) -> dict[str, Any]:
    """The options that must match for a checkpoint to be resumed."""
    keys = ("model", "optimizer", "epochs", "batch_size", "lr", "warmup", "weight_decay", "width", "dropout", "no_augment", "seed", "subset", "synthetic")
    return {k: getattr(args, k) for k in keys}


def read_state(folder: Path) -> dict[str, Any] | None:
    """The checkpoint's state (epochs done, history so far), or None when there is none."""
    state_file, model_file = folder / _STATE, folder / _MODEL_FILE
    if not (state_file.is_file() and model_file.is_file()):
        return None
    try:
        return json.loads(state_file.read_text())
    except json.JSONDecodeError:
        return None


class _Checkpoint:
    """Keras callback: after each epoch, save the model and the history so far (atomically)."""

    def __new__(cls, *a: Any, **k: Any) -> Any:  # built lazily so that importing this module needs no Keras
        import keras

        class Checkpoint(keras.callbacks.Callback):
            def __init__(self, folder: Path, state: dict[str, Any], args: argparse.Namespace):
                super().__init__()
                self.folder, self.state, self.args = folder, state, args
                self.started = 0.0
                self.session_start = time.perf_counter()
                self.session_epochs = 0

            def planned(self) -> int:
                return int(self.state.get("planned_epochs") or self.args.epochs)

            def on_epoch_begin(self, epoch: int, logs: Any = None) -> None:
                lr = one_cycle_lr(epoch, max(self.planned(), epoch + 1), peak_lr(self.args), self.args.warmup)
                self.model.optimizer.learning_rate = lr
                self.started = time.perf_counter()

            def on_epoch_end(self, epoch: int, logs: Any = None) -> None:
                seconds = time.perf_counter() - self.started
                logs = dict(logs or {})
                lr = self.model.optimizer.learning_rate
                logs["lr"] = float(np.asarray(keras.ops.convert_to_numpy(lr)))
                history = self.state.setdefault("history", {})
                for key, value in logs.items():
                    history.setdefault(key, []).append(float(value))
                self.state.setdefault("epoch_seconds", []).append(round(seconds, 3))
                self.state["epoch"] = epoch + 1
                self.session_epochs += 1
                budget = self.args.time_budget
                if budget and self.session_epochs == 2 and not self.state.get("planned_epochs"):
                    # the first epoch of a session includes compilation: plan from the second
                    left = budget - (time.perf_counter() - self.session_start)
                    fits = epoch + 1 + int(left // (seconds * 1.05))
                    self.state["planned_epochs"] = max(epoch + 1, min(self.args.epochs, fits))
                    print(f"time budget {budget:g} s: training {self.state['planned_epochs']} epochs", flush=True)
                if epoch + 1 >= self.planned():
                    self.model.stop_training = True
                if True:
                    self.folder.mkdir(parents=True, exist_ok=True)
                    tmp = self.folder / ("tmp-" + _MODEL_FILE)
                    self.model.save(tmp)
                    tmp.replace(self.folder / _MODEL_FILE)
                    tmp_state = self.folder / (_STATE + ".tmp")
                    tmp_state.write_text(json.dumps(self.state, indent=1))
                    tmp_state.replace(self.folder / _STATE)
                if self.args.stop_after is not None and epoch + 1 >= self.args.stop_after:
                    raise _Interrupted(f"stopped after epoch {epoch + 1} (--stop-after)")

        return Checkpoint(*a, **k)


def save_weights_as(model: Any, path: Path, dtype: str = "float16") -> Path:
    """Save ``model``'s weights (not its optimizer state) to ``path``, floats stored as ``dtype``.

    Keras casts the values back to the model's variable types when it loads them, so a
    float16 file loads into an ordinary float32 model (at half the size).
    """
    import h5py

    path = Path(path)
    if not path.name.endswith(".weights.h5"):
        raise ValueError(f"path must end with .weights.h5, got {path}")
    if dtype not in ("float16", "float32"):
        raise ValueError(f"dtype must be 'float16' or 'float32', got {dtype!r}")
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name("tmp-" + path.name)
    model.save_weights(tmp)
    with h5py.File(tmp, "r+") as f:
        if "optimizer" in f:  # the optimizer's state (momentum) doubles the size; not needed to predict
            del f["optimizer"]
        if dtype == "float16":
            found: list[str] = []
            f.visititems(lambda name, obj: found.append(name) if isinstance(obj, h5py.Dataset) and obj.dtype == np.float32 else None)
            for name in found:
                data = f[name][()].astype(np.float16)
                del f[name]
                f.create_dataset(name, data=data)
    # h5py leaves the freed space in the file: copy it into a compact one
    packed = path.with_name("packed-" + path.name)
    with h5py.File(tmp, "r") as src, h5py.File(packed, "w") as dst:
        for key, value in src.attrs.items():
            dst.attrs[key] = value
        for key in src:
            src.copy(src[key], dst, name=key)
    packed.replace(path)
    tmp.unlink()
    return path


# --------------------------------------------------------------------------------------
# The command
# --------------------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    """Run the command; returns 0 when training finished, 1 when interrupted by ``--stop-after``."""
    parser = build_parser()
    args = parser.parse_args(argv)
    _check_args(args, parser)

    import keras

    from cnn_course.seeding import set_seed
    from cnn_course.shipped import machine_description, save_history, weights_dir

    set_seed(args.seed)
    gpu = gpu_present()
    policy = choose_precision(args.precision, gpu)
    keras.config.set_dtype_policy(policy)
    strategy = make_strategy(args.strategy)

    (x_train, y_train), (x_test, y_test), source = load_data(args)
    steps_per_epoch = int(np.ceil(len(x_train) / args.batch_size))

    folder = Path(args.checkpoint_dir).expanduser() if args.checkpoint_dir else default_checkpoint_dir(args.model)
    if not strategy.is_chief:
        folder = folder / f"worker-{getattr(strategy.cluster_resolver, 'task_id', 'x')}"
    if args.fresh and folder.exists():
        shutil.rmtree(folder)
    state = read_state(folder)
    if state is not None and {"optimizer": "sgd", **state.get("fingerprint", {})} != _fingerprint(args):  # SGD: before --optimizer
        raise SystemExit(
            f"{folder} holds a checkpoint of a different run ({state.get('fingerprint')}); "
            "use the same options to resume it, --fresh to start over, or another --checkpoint-dir"
        )
    verbose = args.verbose if args.verbose is not None else (1 if sys.stderr.isatty() else 2)

    with strategy.scope():
        if state is not None:
            import cnn_course.models.alexnet  # noqa: F401  (registers the custom layers)

            model = keras.models.load_model(folder / _MODEL_FILE)
            print(f"resuming from {folder}: {state['epoch']} of {args.epochs} epochs done", flush=True)
        else:
            model = build_and_compile(args, steps_per_epoch)
            state = {"fingerprint": _fingerprint(args), "epoch": 0, "history": {}, "epoch_seconds": []}
    initial_epoch = int(state["epoch"])
    command = "python -m cnn_course.train alexnet " + " ".join(shlex.quote(a) for a in (argv if argv is not None else sys.argv[1:]))
    if initial_epoch < int(state.get("planned_epochs") or args.epochs) or args.extend_to is not None:
        state.setdefault("commands", []).append(command)  # every session that trains, in order
    if args.extend_to is not None:
        if initial_epoch == 0:
            raise SystemExit(f"--extend-to: {folder} holds no checkpoint to extend; train first without it")
        if args.extend_to <= initial_epoch:
            raise SystemExit(f"--extend-to must be more than the {initial_epoch} epochs already trained, got {args.extend_to}")
        state.setdefault("extensions", []).append({"from": initial_epoch, "to": args.extend_to})
        state["planned_epochs"] = args.extend_to
        print(f"extending the run from {initial_epoch} to {args.extend_to} epochs", flush=True)
    print(
        f"AlexNet ({args.model}): {model.count_params():,} parameters; {len(x_train):,} training and "
        f"{len(x_test):,} test images; batch {args.batch_size}, peak learning rate {peak_lr(args):g}; "
        f"{policy}; {machine_description()}",
        flush=True,
    )
    checkpoint = _Checkpoint(folder, state, args)
    started = time.perf_counter()
    if initial_epoch < int(state.get("planned_epochs") or args.epochs):
        try:
            model.fit(
                x_train,
                y_train,
                batch_size=args.batch_size,
                epochs=max(args.epochs, int(state.get("planned_epochs") or 0)),
                initial_epoch=initial_epoch,
                validation_data=(x_test, y_test),
                callbacks=[checkpoint],
                verbose=verbose,
                shuffle=True,
            )
        except _Interrupted as exc:
            print(f"{exc}; run the same command again to resume from {folder}", flush=True)
            return 1
    seconds = time.perf_counter() - started
    test_loss, test_accuracy = model.evaluate(x_test, y_test, batch_size=512, verbose=0)
    print(f"test accuracy {test_accuracy:.2%} on {len(x_test):,} images ({source})", flush=True)

    if not strategy.is_chief:
        return 0
    if args.weights:
        weights_path: Path | None = Path(args.weights)
    elif args.model == "cifar" and not args.synthetic and not args.subset:
        weights_path = weights_dir() / "alexnet_cifar.weights.h5"
    else:
        weights_path = None
    if weights_path is not None:
        save_weights_as(model, weights_path, args.weights_dtype)
        print(f"weights written to {weights_path} ({weights_path.stat().st_size / 1e6:.1f} MB, {args.weights_dtype})", flush=True)
    history_path = Path(args.history) if args.history else weights_dir() / f"alexnet_{args.model}.history.json"
    epoch_seconds = state.get("epoch_seconds", [])
    meta = {
        "seed": args.seed,
        "options": {k: v for k, v in vars(args).items() if k not in ("stop_after", "verbose")},
        "parameters": int(model.count_params()),
        "precision": policy,
        "strategy": args.strategy,
        "replicas": int(strategy.num_replicas_in_sync),
        "epoch_seconds": epoch_seconds,
        "planned_epochs": int(state.get("planned_epochs") or args.epochs),
        "extensions": state.get("extensions", []),
        "seconds": round(float(sum(epoch_seconds)), 1),
        "seconds_this_session": round(seconds, 1),
        "machine": machine_description(),
        "data": source,
        "train_images": len(x_train),
        "test_images": len(x_test),
        "test_accuracy": float(test_accuracy),
        "test_loss": float(test_loss),
        "command": command,
        "commands": state.get("commands", [command]),
    }
    save_history(history_path, f"alexnet_{args.model}", state["history"], meta)
    print(f"history written to {history_path}", flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
