"""The official CIFAR-10 files: names, checksums, and reading their pickles safely.

The Python version of CIFAR-10 is ``cifar-10-python.tar.gz``, whose ``cifar-10-batches-py``
folder holds five training batches, a test batch and ``batches.meta``: pickles of a dict
with a ``uint8`` array ``data`` (N, 3072, channels first) and a list ``labels``. They are
MD5-checked (``verify=True``) before being read, and read by an unpickler that accepts
NumPy arrays, lists and dicts only, so a tampered pickle cannot run code.
"""

from __future__ import annotations

import hashlib
import io
import pickle
import tarfile
import zlib
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray

from cnn_course.data._common import DataError, file_digest

__all__ = ["CIFAR10_BATCH_MD5", "CIFAR10_MD5", "CIFAR10_TARBALL", "CLASS_NAMES"]

#: CIFAR-10's classes, index = label (also their alphabetical order).
CLASS_NAMES: tuple[str, ...] = (
    "airplane",
    "automobile",
    "bird",
    "cat",
    "deer",
    "dog",
    "frog",
    "horse",
    "ship",
    "truck",
)

#: The official archive's name and MD5 (as published with CIFAR-10).
CIFAR10_TARBALL = "cifar-10-python.tar.gz"
CIFAR10_MD5 = "c58f30108f718f92721af3b95e74349a"
#: MD5 of each file of the extracted ``cifar-10-batches-py`` folder (as pinned by torchvision).
CIFAR10_BATCH_MD5: dict[str, str] = {
    "data_batch_1": "c99cafc152244af753f735de768cd75f",
    "data_batch_2": "d4bba439e000b95fd0a9bffe97cbabec",
    "data_batch_3": "54ebc095f3ab1f0389bbae665268c751",
    "data_batch_4": "634d18415352ddfa80567beed471001a",
    "data_batch_5": "482c414d41f54cd18b22e5b47cb7c3cb",
    "test_batch": "40351d587109b95175f43aff81a1287e",
    "batches.meta": "5ff9c542aee3614f3951f8cda6e48888",
}
_BATCH_FOLDER = "cifar-10-batches-py"
_TRAIN_BATCHES = tuple(f"data_batch_{i}" for i in range(1, 6))
_TEST_BATCH = "test_batch"
_META_BATCH = "batches.meta"

_SIDE = 32

CifarArrays = tuple[tuple[NDArray[np.uint8], NDArray[np.uint8]], tuple[NDArray[np.uint8], NDArray[np.uint8]]]


# ---------------------------------------------------------------------------------------
# The official pickles
# ---------------------------------------------------------------------------------------


class _SafeUnpickler(pickle.Unpickler):
    """Reads NumPy arrays, lists and dicts only: a tampered pickle cannot run code."""

    _ALLOWED = frozenset(
        {
            ("numpy", "ndarray"),
            ("numpy", "dtype"),
            ("numpy.core.multiarray", "_reconstruct"),
            ("numpy._core.multiarray", "_reconstruct"),
            ("numpy.core.multiarray", "scalar"),
            ("numpy._core.multiarray", "scalar"),
            ("numpy.core.numeric", "_frombuffer"),
            ("numpy._core.numeric", "_frombuffer"),
            ("_codecs", "encode"),  # how Python 3 writes bytes in protocol 2 pickles
        }
    )

    def find_class(self, module: str, name: str) -> Any:
        if (module, name) not in self._ALLOWED:
            raise pickle.UnpicklingError(f"refusing to load {module}.{name} (only NumPy arrays are expected)")
        if module.startswith("numpy.core."):  # NumPy 2 name, no deprecation warning
            module = "numpy._core." + module[len("numpy.core.") :]
        return super().find_class(module, name)


def _unpickle(blob: bytes, where: str) -> dict[str, Any]:
    try:
        loaded = _SafeUnpickler(io.BytesIO(blob), encoding="bytes").load()
    except Exception as exc:
        raise DataError(
            f"{where}: not a readable CIFAR-10 batch ({type(exc).__name__}: {exc})", path=where
        ) from exc
    if not isinstance(loaded, dict):
        raise DataError(f"{where}: expected a dict in the pickle, got {type(loaded).__name__}", path=where)
    return {(k.decode("utf-8", "replace") if isinstance(k, bytes) else str(k)): v for k, v in loaded.items()}


def _batch_arrays(blob: bytes, where: str) -> tuple[NDArray[np.uint8], NDArray[np.uint8]]:
    batch = _unpickle(blob, where)
    data = batch.get("data")
    if (
        not isinstance(data, np.ndarray)
        or data.dtype != np.uint8
        or data.ndim != 2
        or data.shape[1] != 3 * _SIDE * _SIDE
    ):
        got = (
            f"{data.dtype} array of shape {data.shape}"
            if isinstance(data, np.ndarray)
            else type(data).__name__
        )
        raise DataError(f"{where}: 'data' must be a uint8 array (N, 3072), got {got}", path=where)
    try:
        labels = np.asarray(batch.get("labels"))
    except (TypeError, ValueError) as exc:
        raise DataError(f"{where}: 'labels' is not a list of integers ({exc})", path=where) from exc
    if labels.ndim != 1 or labels.dtype.kind not in "iu":
        raise DataError(
            f"{where}: 'labels' must be a list of integers, got {labels.dtype} of shape {labels.shape}",
            path=where,
        )
    if len(labels) != len(data):
        raise DataError(f"{where}: {len(data)} images but {len(labels)} labels", path=where)
    _check_label_range(labels, where)
    # Keras's layout: (N, 3072) -> (N, 3, 32, 32) channels first -> (N, 32, 32, 3).
    return data.reshape(-1, 3, _SIDE, _SIDE).transpose(0, 2, 3, 1), labels.astype(np.uint8)


def _check_label_range(labels: np.ndarray, where: str) -> None:
    bad = np.flatnonzero((labels < 0) | (labels > 9))
    if bad.size:
        raise DataError(
            f"{where}: label {int(labels[bad[0]])} at index {int(bad[0])} is out of range 0..9 "
            f"({bad.size} such labels)",
            path=where,
        )


def _check_meta_batch(blob: bytes, where: str) -> None:
    names = _unpickle(blob, where).get("label_names")
    decoded = [n.decode("utf-8", "replace") if isinstance(n, bytes) else str(n) for n in (names or [])]
    if decoded != list(CLASS_NAMES):
        raise DataError(f"{where}: label_names {decoded} are not CIFAR-10's {list(CLASS_NAMES)}", path=where)


def _assemble(blobs: dict[str, bytes], prefix: str) -> CifarArrays:
    if _META_BATCH in blobs:
        _check_meta_batch(blobs[_META_BATCH], f"{prefix}/{_META_BATCH}")
    parts = [_batch_arrays(blobs[name], f"{prefix}/{name}") for name in _TRAIN_BATCHES]
    x_test, y_test = _batch_arrays(blobs[_TEST_BATCH], f"{prefix}/{_TEST_BATCH}")
    x_train = np.empty((sum(len(x) for x, _ in parts), _SIDE, _SIDE, 3), dtype=np.uint8)  # C-contiguous
    start = 0
    for x, _ in parts:
        x_train[start : start + len(x)] = x
        start += len(x)
    y_train = np.concatenate([y for _, y in parts]).reshape(-1, 1)
    return (x_train, y_train), (np.ascontiguousarray(x_test), y_test.reshape(-1, 1))


def _read_batches_folder(folder: Path, verify: bool) -> CifarArrays:
    wanted = (*_TRAIN_BATCHES, _TEST_BATCH)
    missing = [name for name in wanted if not (folder / name).is_file()]
    if missing:
        raise DataError(
            f"{folder}: missing {', '.join(missing)} "
            f"(a cifar-10-batches-py folder holds all of {', '.join(wanted)})",
            path=folder,
        )
    blobs = {}
    for name in (*wanted, _META_BATCH):
        if (folder / name).is_file():
            try:
                blobs[name] = (folder / name).read_bytes()
            except OSError as exc:
                raise DataError(
                    f"{folder / name}: cannot read the file ({exc.strerror or exc})", path=folder / name
                ) from exc
            if verify:
                got = hashlib.md5(blobs[name]).hexdigest()
                if got != CIFAR10_BATCH_MD5[name]:
                    raise DataError(
                        f"{folder / name}: MD5 {got} differs from the official {name} "
                        f"({CIFAR10_BATCH_MD5[name]}): the file is corrupted or not from the official "
                        "archive, so it was not read. verify=False reads batches you trust that are not "
                        "the official ones.",
                        path=folder / name,
                    )
    return _assemble(blobs, str(folder))


def _read_tarball(path: Path, verify: bool) -> CifarArrays:
    if verify:
        got = file_digest(path, "md5")
        if got != CIFAR10_MD5:
            raise DataError(
                f"{path}: MD5 {got} differs from the official {CIFAR10_TARBALL} ({CIFAR10_MD5}): the file is "
                "truncated, corrupted or not the official archive, so none of its pickles was read. "
                "(An archive of image folders, such as cifar10-jpg.tar.gz, must be extracted first: "
                "pass the folder holding train/<class>/ and test/<class>/. verify=False reads a "
                "cifar-10-batches-py archive you trust that is not the official one.)",
                path=path,
            )
    wanted = {*_TRAIN_BATCHES, _TEST_BATCH, _META_BATCH}
    blobs: dict[str, bytes] = {}
    try:
        with tarfile.open(path, "r:*") as archive:
            for member in archive:
                name = Path(member.name)
                if member.isfile() and name.name in wanted and name.parent.name == _BATCH_FOLDER:
                    handle = archive.extractfile(member)
                    assert handle is not None
                    blobs[name.name] = handle.read()
    except (tarfile.TarError, OSError, EOFError, zlib.error) as exc:
        raise DataError(
            f"{path}: truncated or corrupted archive ({type(exc).__name__}: {exc})", path=path
        ) from exc
    missing = [name for name in (*_TRAIN_BATCHES, _TEST_BATCH) if name not in blobs]
    if missing:
        raise DataError(f"{path}: the archive lacks {_BATCH_FOLDER}/{', '.join(missing)}", path=path)
    return _assemble(blobs, f"{path}:{_BATCH_FOLDER}")
