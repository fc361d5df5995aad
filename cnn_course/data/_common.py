"""What the MNIST and CIFAR-10 loaders share: folders, errors, provenance, safe writes.

Nothing here downloads anything; :func:`keras_load_data` is the one door to the network
(Keras's own dataset download), and tests replace it.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import sys
import tempfile
import zipfile
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO

import numpy as np

__all__ = [
    "ENV_CACHE",
    "ENV_CIFAR10",
    "ENV_DATA",
    "ENV_OFFLINE",
    "DataError",
    "DataSource",
    "cache_dir",
    "data_root",
    "describe_source",
    "last_source",
]

#: Root folder of data the user provides: MNIST in ``<root>/mnist/``, CIFAR-10 in ``<root>/cifar10/``.
ENV_DATA = "CNN_COURSE_DATA"
#: Where CIFAR-10 is (a ``cifar-10-python.tar.gz``, a ``cifar-10-batches-py`` folder or image folders).
ENV_CIFAR10 = "CNN_COURSE_CIFAR10"
#: The course's cache folder (default ``$XDG_CACHE_HOME/cnn_course``, else ``~/.cache/cnn_course``).
ENV_CACHE = "CNN_COURSE_CACHE"
#: Set to ``1`` to never try Keras's download (fail fast with the message saying what to run).
ENV_OFFLINE = "CNN_COURSE_OFFLINE"

#: Bytes read at a time when hashing or copying.
CHUNK = 1 << 20


class DataError(ValueError):
    """A data file or folder is missing, corrupted, or not what it claims to be.

    The message names the file (or folder) and what is wrong; ``path`` holds it too.

    Examples
    --------
    >>> err = DataError("labels.idx: wrong magic number", path="labels.idx")
    >>> isinstance(err, ValueError), err.path
    (True, 'labels.idx')
    """

    def __init__(self, message: str, *, path: str | os.PathLike[str] | None = None) -> None:
        super().__init__(message)
        self.path = None if path is None else str(path)

    def __reduce__(self) -> tuple[Any, ...]:  # keep ``path`` through pickling (subprocesses)
        return (_rebuild_data_error, (str(self), self.path))


DataError.__module__ = "cnn_course.data"  # how tracebacks and docs name it


def _rebuild_data_error(message: str, path: str | None) -> DataError:
    return DataError(message, path=path)


class RouteUnavailable(Exception):
    """Internal: one way of getting the data (npm, Keras) failed; the caller tries the next."""


@dataclass(frozen=True)
class DataSource:
    """Where the arrays of the last load came from (see :func:`last_source`).

    Attributes
    ----------
    dataset : str
        ``"mnist"`` or ``"cifar10"``.
    kind : str
        ``"idx"`` (MNIST IDX files), ``"keras"`` (Keras's download or its cache),
        ``"python-tarball"`` (``cifar-10-python.tar.gz``), ``"python-batches"`` (an
        extracted ``cifar-10-batches-py`` folder), ``"image-folder"`` or ``"import"`` (the
        copy that ``python -m cnn_course.data fetch cifar10 --from PATH`` stored).
    location : str or None
        The file or folder read (None for Keras).
    description : str
        One sentence to quote next to any figure measured on this data; says
        "JPEG re-encoding" when the images were JPEG files.
    jpeg_reencoded : bool
        True when the pixels went through JPEG compression (they differ slightly from the
        canonical dataset, and so can accuracies measured on them).
    verified : bool
        True when the files were checked against the canonical checksums.
    cache_file : str or None
        The ``.npz`` file of decoded arrays that was read or written, if any.
    from_cache : bool
        True when the arrays came from that ``.npz`` file rather than from decoding.
    """

    dataset: str
    kind: str
    location: str | None
    description: str
    jpeg_reencoded: bool = False
    verified: bool = False
    cache_file: str | None = None
    from_cache: bool = False

    def __str__(self) -> str:
        return self.description


_LAST: dict[str, DataSource] = {}
_LAST_ANY: list[DataSource] = []


def record_source(source: DataSource) -> DataSource:
    """Remember ``source`` as the latest load (of its dataset and overall)."""
    _LAST[source.dataset] = source
    _LAST_ANY[:] = [source]
    return source


def last_source(dataset: str | None = None) -> DataSource | None:
    """Where the most recent successful load (of ``dataset``, if given) came from.

    Parameters
    ----------
    dataset : {"mnist", "cifar10"}, optional
        Restrict to one dataset; default: whichever was loaded last.

    Returns
    -------
    DataSource or None
        None if nothing was loaded yet in this Python session.

    Examples
    --------
    >>> (x, y), _ = load_cifar10()  # doctest: +SKIP
    >>> last_source("cifar10").jpeg_reencoded  # doctest: +SKIP
    True
    """
    if dataset is None:
        return _LAST_ANY[0] if _LAST_ANY else None
    if dataset not in ("mnist", "cifar10"):
        raise ValueError(f"dataset must be one of 'mnist', 'cifar10' or None; got {dataset!r}")
    return _LAST.get(dataset)


def describe_source(dataset: str | None = None) -> str:
    """The sentence to print next to a figure measured on the last data loaded.

    Raises :class:`LookupError` if nothing was loaded yet, so that a report cannot
    silently claim a provenance.

    Examples
    --------
    >>> _ = load_cifar10("cifar10-jpg")  # doctest: +SKIP
    >>> describe_source("cifar10")  # doctest: +SKIP
    'CIFAR-10 read from JPEG files in cifar10-jpg: a JPEG re-encoding, ...'
    """
    source = last_source(dataset)
    if source is None:
        what = "any dataset" if dataset is None else dataset
        raise LookupError(f"no data loaded yet in this session (asked about {what})")
    return source.description


# ---------------------------------------------------------------------------------------
# Folders
# ---------------------------------------------------------------------------------------


def cache_dir() -> Path:
    """The course's cache folder (it need not exist yet).

    ``$CNN_COURSE_CACHE`` if set, else ``$XDG_CACHE_HOME/cnn_course`` (when
    ``XDG_CACHE_HOME`` is an absolute path), else ``~/.cache/cnn_course``. Inside:
    ``mnist/`` (the four IDX files) and ``cifar10/`` (``cifar10.npz``, the imported copy,
    and ``decoded/``, the decoded arrays of folders and archives read so far).

    Examples
    --------
    >>> from unittest import mock
    >>> with mock.patch.dict("os.environ", {"CNN_COURSE_CACHE": "/tmp/course-cache"}):
    ...     print(cache_dir())
    /tmp/course-cache
    """
    explicit = os.environ.get(ENV_CACHE, "").strip()
    if explicit:
        return Path(explicit).expanduser()
    xdg = os.environ.get("XDG_CACHE_HOME", "").strip()
    if xdg and Path(xdg).expanduser().is_absolute():
        return Path(xdg).expanduser() / "cnn_course"
    return Path.home() / ".cache" / "cnn_course"


def data_root() -> Path | None:
    """The folder named by ``$CNN_COURSE_DATA``, or None when it is unset or empty."""
    value = os.environ.get(ENV_DATA, "").strip()
    return Path(value).expanduser() if value else None


def as_path(value: Any, name: str) -> Path:
    """``value`` (str or path-like) as a :class:`~pathlib.Path`, or a TypeError naming ``name``."""
    if isinstance(value, (str, os.PathLike)) and not isinstance(value, bytes):
        text = os.fspath(value)
        if isinstance(text, str) and text.strip():
            return Path(text).expanduser()
    raise TypeError(f"{name} must be a path (str or os.PathLike), got {value!r}")


# ---------------------------------------------------------------------------------------
# Hashes and safe writes
# ---------------------------------------------------------------------------------------


def file_digest(path: Path, algorithm: str = "md5") -> str:
    """Hex digest of a file, read in chunks."""
    digest = hashlib.new(algorithm)
    with open(path, "rb") as handle:
        for chunk in iter(lambda: handle.read(CHUNK), b""):
            digest.update(chunk)
    return digest.hexdigest()


@contextlib.contextmanager
def atomic_write(path: Path) -> Iterator[BinaryIO]:
    """Write ``path`` through a temporary file in the same folder, renamed on success.

    If the block raises (or the process dies), ``path`` keeps its old content (or stays
    absent) and the temporary file is removed: a reader never sees half a file.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".part", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            yield handle
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp_name, 0o644)
        os.replace(tmp_name, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp_name)
        raise


def save_npz(path: Path, arrays: Mapping[str, np.ndarray], meta: Mapping[str, Any]) -> None:
    """Write ``arrays`` and a JSON ``meta`` record to an ``.npz`` file, atomically.

    The members are stored without compression: decoded photos barely compress (measured
    on CIFAR-10: 170 MB instead of 184 MB) and deflating them would add seconds to every
    first load and to every cached load. The zip format's CRC-32 still guards each member.
    """
    members = {**arrays, "meta": np.array(json.dumps(dict(meta), sort_keys=True))}
    with (
        atomic_write(path) as handle,
        zipfile.ZipFile(handle, "w", compression=zipfile.ZIP_STORED, allowZip64=True) as archive,
    ):
        for name, array in members.items():
            with archive.open(f"{name}.npy", "w", force_zip64=True) as member:
                np.lib.format.write_array(member, np.asanyarray(array), allow_pickle=False)


def read_npz_meta(path: Path) -> dict[str, Any]:
    """The JSON ``meta`` record of an ``.npz`` file written by :func:`save_npz` (cheap)."""
    with np.load(path, allow_pickle=False) as archive:
        return json.loads(str(archive["meta"]))


def progress_enabled(progress: bool | None) -> bool:
    """``progress`` if given, else True only when stderr is a terminal (not in notebooks)."""
    if progress is None:
        return bool(getattr(sys.stderr, "isatty", lambda: False)())
    if not isinstance(progress, bool):
        raise TypeError(f"progress must be True, False or None, got {progress!r}")
    return progress


def progress_bar(total: int | None, desc: str, enabled: bool, unit: str = "B") -> Any:
    """A tqdm bar (bytes or items), or a silent stand-in with the same methods."""
    if not enabled:
        return _NoBar()
    from tqdm.auto import tqdm

    scale = unit == "B"
    return tqdm(
        total=total,
        desc=desc,
        unit=unit,
        unit_scale=scale,
        unit_divisor=1024 if scale else 1000,
        leave=True,
        dynamic_ncols=True,
    )


class _NoBar:
    def update(self, n: int = 1) -> None:
        pass

    def close(self) -> None:
        pass

    def __enter__(self) -> _NoBar:
        return self

    def __exit__(self, *exc: object) -> None:
        pass


# ---------------------------------------------------------------------------------------
# The network route
# ---------------------------------------------------------------------------------------


def keras_load_data(name: str) -> Any:
    """Return ``keras.datasets.<name>.load_data()``, or raise :class:`RouteUnavailable`.

    Keras reads its own cache (``~/.keras/datasets``) first and downloads (with its pinned
    hash) otherwise. Any failure (no network, no Keras, a bad download) becomes
    :class:`RouteUnavailable` with the reason, so the caller can say what to do instead.
    ``CNN_COURSE_OFFLINE=1`` skips the attempt.
    """
    if os.environ.get(ENV_OFFLINE, "").strip() not in ("", "0"):
        raise RouteUnavailable(f"{ENV_OFFLINE} is set, so no download was attempted")
    try:
        os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
        import keras

        return getattr(keras.datasets, name).load_data()
    except Exception as exc:  # offline, no Keras, bad download: all mean "not this way"
        raise RouteUnavailable(
            f"keras.datasets.{name}.load_data() failed: {type(exc).__name__}: {exc}"
        ) from exc
