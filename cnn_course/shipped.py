"""The course's own files in the repository's ``data/`` folder: shipped weights, training
histories and the chapters' measured running times (no Keras needed to find or read them).

An installed wheel carries that folder as ``cnn_course/_shipped/`` (see :func:`weights_dir`;
override with the environment variable ``CNN_COURSE_WEIGHTS``). A history file is JSON::

    {"model": "lenet5_keras", "epochs": 12, "history": {"loss": [...], ...},
     "meta": {"seed": 0, "seconds": 61.2, "machine": "...", "command": "..."}}

The training commands (:mod:`cnn_course.train`) write these files; the models
(:mod:`cnn_course.models`) and the chapters read them.  ``one_core_runtimes.json`` is the
report of ``tools/binder_check.py`` (every chapter on one CPU in a Binder-sized
environment), which the running-times page reads through :func:`load_one_core_runtimes`.
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
    "ONE_CORE_RUNTIMES",
    "load_history",
    "load_one_core_runtimes",
    "machine_description",
    "one_core_summary",
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


#: The file of :func:`weights_dir` holding the one-CPU running times (``tools/binder_check.py``).
ONE_CORE_RUNTIMES = "one_core_runtimes.json"
_RUNTIMES_COMMAND = "python tools/binder_check.py --out data/one_core_runtimes.json"


def load_one_core_runtimes(path: str | os.PathLike[str] | None = None) -> dict[str, Any]:
    """The chapters' running times and peak memory on one CPU, as ``tools/binder_check.py`` measured them.

    Parameters
    ----------
    path : str or os.PathLike, optional
        The report to read (default: :data:`ONE_CORE_RUNTIMES` in :func:`weights_dir`).

    Returns
    -------
    dict
        The report: ``"chapters"`` (one record per chapter, in reading order, with
        ``"chapter"``, ``"title"``, ``"seconds"``, ``"peak_mb"`` and ``"ok"``), ``"venv_mb"``
        (the environment's installed size), ``"largest_packages_mb"``, ``"cpu"``, ``"date"``...

    Raises
    ------
    cnn_course.data.DataError
        If the file is missing, is not JSON, or lacks one of those fields (the message names
        the field and the command that measures them again).

    Examples
    --------
    >>> report = load_one_core_runtimes()
    >>> report["cpus_used"], report["chapters"][0]["chapter"]
    (1, 'simple_complex_cells')
    """
    file = weights_dir() / ONE_CORE_RUNTIMES if path is None else Path(path)
    again = f"measure them again with `{_RUNTIMES_COMMAND}`"
    try:
        report = json.loads(file.read_text())
    except FileNotFoundError:
        raise DataError(f"running-times file {file} is missing; {again}", path=file) from None
    except json.JSONDecodeError as exc:
        raise DataError(f"running-times file {file} is not valid JSON ({exc}); {again}", path=file) from None

    def bad(what: str) -> DataError:
        return DataError(f"running-times file {file}: {what}; {again}", path=file)

    if not isinstance(report, dict) or not isinstance(report.get("chapters"), list) or not report["chapters"]:
        raise bad("expected a JSON object with a non-empty list 'chapters'")
    if not isinstance(report.get("venv_mb"), (int, float)):
        raise bad("'venv_mb' must be a number")
    for i, record in enumerate(report["chapters"]):
        if not isinstance(record, dict):
            raise bad(f"chapters[{i}] must be an object")
        for key, kinds in (("chapter", str), ("title", str), ("ok", bool)):
            if not isinstance(record.get(key), kinds):
                raise bad(f"chapters[{i}].{key} must be a {kinds.__name__}")
        for key in ("seconds", "peak_mb"):
            value = record.get(key)
            if record["ok"] and (isinstance(value, bool) or not isinstance(value, (int, float)) or value <= 0):
                raise bad(f"chapters[{i}].{key} must be a positive number, got {value!r}")
    return report


def one_core_summary(report: Mapping[str, Any]) -> dict[str, Any]:
    """The figures the running-times page states, from a report of :func:`load_one_core_runtimes`.

    Returns
    -------
    dict
        ``"total_minutes"`` (all chapters, one after the other), ``"slowest"`` and
        ``"largest_peak"`` (the records of the slowest chapter and of the one with the
        largest peak memory), ``"all_ok"`` (every chapter ran without error),
        ``"max_peak_mb"``, ``"over_limit"`` (the titles of the chapters whose peak reached
        the report's ``"memory_limit_mb"``, 2000 if absent: Binder's 2 GB), ``"venv_mb"``
        and ``"tensorflow_mb"`` (TensorFlow's share of it, 0 if not listed).

    Examples
    --------
    >>> report = {"venv_mb": 1900, "largest_packages_mb": {"tensorflow-cpu": 1300},
    ...           "chapters": [{"title": "A", "seconds": 30.0, "peak_mb": 900, "ok": True},
    ...                        {"title": "B", "seconds": 90.0, "peak_mb": 400, "ok": True}]}
    >>> summary = one_core_summary(report)
    >>> summary["total_minutes"], summary["slowest"]["title"], summary["max_peak_mb"], summary["tensorflow_mb"]
    (2.0, 'B', 900, 1300)
    >>> summary["over_limit"]
    []
    """
    records = list(report["chapters"])
    if not records:
        raise ValueError("report must list at least one chapter under 'chapters'")
    packages = report.get("largest_packages_mb") or {}
    slowest = max(records, key=lambda r: r["seconds"] or 0)
    largest = max(records, key=lambda r: r["peak_mb"] or 0)
    limit = report.get("memory_limit_mb", 2000)
    return {
        "total_minutes": sum(r["seconds"] or 0 for r in records) / 60,
        "slowest": slowest,
        "largest_peak": largest,
        "max_peak_mb": largest["peak_mb"],
        "all_ok": all(r["ok"] for r in records),
        "over_limit": [r["title"] for r in records if (r["peak_mb"] or 0) >= limit],
        "venv_mb": report["venv_mb"],
        "tensorflow_mb": packages.get("tensorflow-cpu", packages.get("tensorflow", 0)),
    }
