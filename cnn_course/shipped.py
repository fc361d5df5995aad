"""The course's own files in the repository's ``data/`` folder: shipped weights and training
histories (no Keras needed to find or read them).

An installed wheel carries that folder as ``cnn_course/_shipped/`` (see :func:`weights_dir`;
override with the environment variable ``CNN_COURSE_WEIGHTS``). A history file is JSON::

    {"model": "lenet5_keras", "epochs": 12, "history": {"loss": [...], ...},
     "meta": {"seed": 0, "seconds": 61.2, "machine": "...", "command": "..."}}

The training commands (:mod:`cnn_course.train`) write these files; the models
(:mod:`cnn_course.models`) and the chapters read them.
"""

from __future__ import annotations

import json
import os
import platform
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from cnn_course.data import DataError

__all__ = [
    "load_history",
    "machine_description",
    "save_history",
    "shipped_file",
    "weights_dir",
]


def weights_dir() -> Path:
    """Folder of the shipped weights and histories.

    In this order: the environment variable ``CNN_COURSE_WEIGHTS``; the checkout's
    ``data/`` folder beside the package (a clone, an editable install: the folder the
    training commands write to); else the copy of ``data/`` that an installed wheel carries
    as ``cnn_course/_shipped/`` (``pip install .``).

    >>> weights_dir().name in {"data", "_shipped"}
    True
    >>> (weights_dir() / "alexnet_cifar.weights.h5").is_file()
    True
    """
    override = os.environ.get("CNN_COURSE_WEIGHTS")
    if override:
        return Path(override).expanduser()
    package = Path(__file__).resolve().parent
    checkout = package.parent
    # pyproject.toml marks a checkout: an installed package's parent is site-packages,
    # where a stray top-level data/ folder from some other distribution may exist.
    if (checkout / "data").is_dir() and (checkout / "pyproject.toml").is_file():
        return checkout / "data"
    return package / "_shipped"


def shipped_file(name: str, *, train_command: str) -> Path:
    """Path of a shipped file in :func:`weights_dir`, or a :class:`DataError` saying how to make it.

    Parameters
    ----------
    name : str
        File name, e.g. ``"lenet5_keras.weights.h5"``.
    train_command : str
        The command that (re)creates the file, quoted in the error message.

    Returns
    -------
    pathlib.Path

    Raises
    ------
    cnn_course.data.DataError
        If the file is missing (the message quotes ``train_command``).

    Examples
    --------
    >>> shipped_file("lenet5_keras.weights.h5", train_command="make train-lenet5").is_file()
    True
    >>> shipped_file("no/such", train_command="-")
    Traceback (most recent call last):
    ...
    ValueError: name must be a plain file name, got 'no/such'
    """
    if not isinstance(name, str) or not name or "/" in name or "\\" in name:
        raise ValueError(f"name must be a plain file name, got {name!r}")
    if not isinstance(train_command, str) or not train_command:
        raise TypeError(f"train_command must be a non-empty str, got {train_command!r}")
    path = weights_dir() / name
    if not path.is_file():
        raise DataError(
            f"{path} is missing. It ships with the course repository (folder data/); "
            f"if you are working from a copy without it, recreate it with:\n    {train_command}"
        )
    return path


def save_history(
    path: str | os.PathLike[str],
    model: str,
    history: Mapping[str, Sequence[float]],
    meta: Mapping[str, Any] | None = None,
) -> Path:
    """Write a per-epoch training history as JSON (atomically) and return its path.

    Parameters
    ----------
    path : str or os.PathLike
        The JSON file to write (its folder is created if needed).
    model : str
        The model's name, e.g. ``"lenet5_keras"``.
    history : mapping of str to sequence of float
        Metric name -> one value per epoch (Keras' ``History.history``).
    meta : mapping, optional
        JSON-serialisable facts about the run (seed, seconds, machine, command, ...).

    Returns
    -------
    pathlib.Path

    Examples
    --------
    >>> import tempfile
    >>> folder = tempfile.mkdtemp()
    >>> path = save_history(Path(folder) / "h.json", "tiny", {"loss": [1.0, 0.5]}, {"seed": 0})
    >>> load_history(path)["epochs"]
    2
    """
    path = Path(path)
    if not isinstance(model, str) or not model:
        raise TypeError(f"model must be a non-empty str, got {model!r}")
    if not isinstance(history, Mapping):
        raise TypeError(f"history must be a mapping of metric name -> values, got {type(history).__name__}")
    if meta is not None and not isinstance(meta, Mapping):
        raise TypeError(f"meta must be a mapping or None, got {type(meta).__name__}")
    lengths = {len(v) for v in history.values()}
    if len(lengths) > 1:
        raise ValueError(f"history: every metric needs one value per epoch, got lengths {sorted(lengths)}")
    record = {
        "model": model,
        "epochs": lengths.pop() if lengths else 0,
        "history": {k: [float(x) for x in v] for k, v in history.items()},
        "meta": dict(meta or {}),
    }
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(json.dumps(record, indent=1) + "\n")
    tmp.replace(path)
    return path


def load_history(path: str | os.PathLike[str]) -> dict[str, Any]:
    """Read a history written by :func:`save_history`; a clear error if it is missing or corrupt.

    Parameters
    ----------
    path : str or os.PathLike

    Returns
    -------
    dict
        With keys ``"model"``, ``"epochs"``, ``"history"`` (metric -> list) and ``"meta"``.

    Raises
    ------
    cnn_course.data.DataError
        If the file is missing, is not JSON or has no ``"history"`` mapping.

    Examples
    --------
    >>> load_history(weights_dir() / "lenet5_keras.history.json")["model"]
    'lenet5_keras'
    """
    path = Path(path)
    try:
        record = json.loads(path.read_text())
    except FileNotFoundError:
        raise DataError(f"history file {path} is missing") from None
    except json.JSONDecodeError as exc:
        raise DataError(f"history file {path} is not valid JSON ({exc}); restore it from the repository") from None
    if not isinstance(record, dict) or not isinstance(record.get("history"), dict):
        raise DataError(f"history file {path} has no 'history' mapping; restore it from the repository")
    return record


def machine_description() -> str:
    """One line naming the processor count, platform, Keras backend and any GPU.

    Keras is imported here, when called (the rest of this module needs no Keras).
    """
    import keras

    cpus = os.cpu_count()
    gpu = ""
    backend = keras.backend.backend()
    try:
        if backend == "tensorflow":
            import tensorflow as tf

            gpus = tf.config.list_physical_devices("GPU")
            gpu = f", {len(gpus)} GPU(s)" if gpus else ""
        elif backend == "jax":
            import jax

            devs = [d for d in jax.devices() if d.platform == "gpu"]
            gpu = f", GPU: {devs[0].device_kind}" if devs else ""
        elif backend == "torch":
            import torch

            gpu = f", GPU: {torch.cuda.get_device_name(0)}" if torch.cuda.is_available() else ""
    except Exception:  # pragma: no cover - description only
        gpu = ""
    return f"{cpus} CPU cores, {platform.machine()} {platform.system()}, Keras {keras.__version__} ({backend} backend){gpu}"
