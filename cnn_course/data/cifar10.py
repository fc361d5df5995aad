"""CIFAR-10 from the official archive, its pickles, or folders of images (yours included).

Where :func:`load_cifar10` looks, in order:

1. ``data_dir``, if given; else ``$CNN_COURSE_CIFAR10``, if set; else
   ``$CNN_COURSE_DATA/cifar10``, if it exists. Such a *source* may be:

   * the official ``cifar-10-python.tar.gz`` (a file, or a folder holding it): its MD5 is
     checked against :data:`CIFAR10_MD5` before any pickle in it is read (``verify=True``);
   * an extracted ``cifar-10-batches-py`` folder (or a folder holding one): each pickle's
     MD5 is checked against :data:`CIFAR10_BATCH_MD5` before it is read;
   * image folders ``train/<class>/*`` and ``test/<class>/*`` (PNG, JPEG, ...; 32x32, RGB
     or converted to it), one sub-folder per class of :data:`CLASS_NAMES` (or a folder
     holding exactly one such tree, as an extracted archive often is);

2. the copy imported by ``python -m cnn_course.data fetch cifar10 --from PATH``
   (``<cache>/cifar10/cifar10.npz``);
3. Keras's ``keras.datasets.cifar10.load_data()`` (its own cache, else a download);
4. otherwise a :class:`~cnn_course.data.DataError` listing these ways.

Decoding 60,000 image files takes seconds, so the decoded arrays of an image folder (or
of the archive) are cached in ``<cache>/cifar10/decoded/`` as an ``.npz`` file, keyed by a
fingerprint of the source (relative paths, sizes and modification times of its files) and
reused while the source is unchanged (``cache=False`` to bypass).

Provenance: images that were JPEG files differ slightly from the canonical CIFAR-10 pixels.
After every load, :func:`~cnn_course.data.last_source` and
:func:`~cnn_course.data.describe_source` say where the arrays came from, with the words
"JPEG re-encoding" for such a copy: quote it next to any figure measured on it.

This module finds a source, caches and imports it; reading the official archive and its
pickles (names, MD5s, the safe unpickler) is in :mod:`cnn_course.data.cifar10_files`,
reading image folders in :mod:`cnn_course.data.image_folders`. Their public names are
importable from here too (and from :mod:`cnn_course.data`).
"""

from __future__ import annotations

import hashlib
import json
import os
import time
import warnings
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from cnn_course.data import _common
from cnn_course.data._common import (
    DataError,
    DataSource,
    RouteUnavailable,
    as_path,
    data_root,
    progress_enabled,
    read_npz_meta,
    record_source,
    save_npz,
)
from cnn_course.data.cifar10_files import (
    _BATCH_FOLDER,
    _META_BATCH,
    _SIDE,
    _TEST_BATCH,
    _TRAIN_BATCHES,
    CIFAR10_BATCH_MD5,
    CIFAR10_MD5,
    CIFAR10_TARBALL,
    CLASS_NAMES,
    CifarArrays,
    _check_label_range,
    _read_batches_folder,
    _read_tarball,
)
from cnn_course.data.image_folders import (
    IMAGE_EXTENSIONS,
    ImageFolder,
    _decode,
    _Scan,
    _scan,
    load_image_folder,
)

__all__ = [
    "CIFAR10_BATCH_MD5",
    "CIFAR10_MD5",
    "CIFAR10_TARBALL",
    "CLASS_NAMES",
    "IMAGE_EXTENSIONS",
    "ImageFolder",
    "cifar10_status",
    "import_cifar10",
    "load_cifar10",
    "load_image_folder",
]

#: The command that imports a local copy into the cache.
FETCH_CIFAR10_COMMAND = "python -m cnn_course.data fetch cifar10 --from PATH"
_IMPORT_FILE = "cifar10.npz"
_CACHE_FORMAT = 1


# ---------------------------------------------------------------------------------------
# Sources, fingerprints and the decoded cache
# ---------------------------------------------------------------------------------------

_SOURCE_HELP = (
    f"the official {CIFAR10_TARBALL}, an extracted {_BATCH_FOLDER} folder, or image folders "
    f"train/<class>/ and test/<class>/ with classes {', '.join(CLASS_NAMES)}"
)


def _identify(path: Path, origin: str) -> tuple[str, Path]:
    """The kind of CIFAR-10 source at ``path`` and the file or folder to read."""
    if path.is_file():
        with open(path, "rb") as handle:
            gz = handle.read(2) == b"\x1f\x8b"
        if gz or path.name.endswith((".tar.gz", ".tgz", ".tar")):
            return "python-tarball", path
        raise DataError(f"{path} ({origin}): not a CIFAR-10 source; expected {_SOURCE_HELP}", path=path)
    if not path.is_dir():
        raise DataError(f"{path} ({origin}) does not exist", path=path)
    if (path / "data_batch_1").is_file():
        return "python-batches", path
    if (path / _BATCH_FOLDER).is_dir():
        return "python-batches", path / _BATCH_FOLDER
    if (path / CIFAR10_TARBALL).is_file():
        return "python-tarball", path / CIFAR10_TARBALL
    if (path / "train").is_dir() or (path / "test").is_dir():
        return "image-folder", path
    subfolders = [p for p in path.iterdir() if p.is_dir() and not p.name.startswith(".")]
    if len(subfolders) == 1 and ((subfolders[0] / "train").is_dir() or (subfolders[0] / "test").is_dir()):
        return "image-folder", subfolders[0]
    raise DataError(f"{path} ({origin}): not a CIFAR-10 source; expected {_SOURCE_HELP}", path=path)


def _locate(data_dir: Any) -> tuple[Path, str] | None:
    if data_dir is not None:
        path = as_path(data_dir, "data_dir")
        if not path.exists():
            raise DataError(f"data_dir {path} does not exist", path=path)
        return path, "data_dir"
    env = os.environ.get(_common.ENV_CIFAR10, "").strip()
    if env:
        path = Path(env).expanduser()
        if not path.exists():
            raise DataError(f"${_common.ENV_CIFAR10} is set to {path}, which does not exist", path=path)
        return path, f"${_common.ENV_CIFAR10}"
    root = data_root()
    if root is not None and (root / "cifar10").exists():
        return root / "cifar10", f"${_common.ENV_DATA}/cifar10"
    return None


def _file_line(path: Path, relative_to: Path) -> str:
    stat = path.stat()
    return f"{path.relative_to(relative_to).as_posix()}\t{stat.st_size}\t{stat.st_mtime_ns}"


def _fingerprint(kind: str, lines: Sequence[str]) -> str:
    digest = hashlib.sha256(f"cnn_course cifar10 v{_CACHE_FORMAT}\n{kind}\n".encode())
    for line in lines:
        digest.update(line.encode("utf-8", "surrogateescape") + b"\n")
    return digest.hexdigest()


def _decoded_cache_file(location: Path) -> Path:
    key = hashlib.sha256(str(location.resolve()).encode("utf-8", "surrogateescape")).hexdigest()[:16]
    return _common.cache_dir() / "cifar10" / "decoded" / f"{key}.npz"


def _check_cifar_arrays(arrays: CifarArrays, where: str) -> None:
    for (x, y), split in zip(arrays, ("training", "test")):
        if not (
            isinstance(x, np.ndarray)
            and x.dtype == np.uint8
            and x.ndim == 4
            and x.shape[1:] == (_SIDE, _SIDE, 3)
        ):
            got = f"{x.dtype} {x.shape}" if isinstance(x, np.ndarray) else type(x).__name__
            raise DataError(f"{where}: {split} images must be uint8 (N, 32, 32, 3), got {got}", path=where)
        if not (isinstance(y, np.ndarray) and y.dtype == np.uint8 and y.shape == (len(x), 1)):
            got = f"{y.dtype} {y.shape}" if isinstance(y, np.ndarray) else type(y).__name__
            raise DataError(f"{where}: {split} labels must be uint8 ({len(x)}, 1), got {got}", path=where)
        if len(x) == 0:
            raise DataError(f"{where}: no {split} images", path=where)
        _check_label_range(y.ravel(), f"{where} ({split} labels)")


def _npz_arrays(file: Path) -> tuple[CifarArrays, dict[str, Any]]:
    with np.load(file, allow_pickle=False) as archive:
        meta = json.loads(str(archive["meta"]))
        arrays = ((archive["x_train"], archive["y_train"]), (archive["x_test"], archive["y_test"]))
    _check_cifar_arrays(arrays, str(file))
    return arrays, meta


def _read_cache(file: Path, fingerprint: str) -> CifarArrays | None:
    if not file.is_file():
        return None
    try:
        meta = read_npz_meta(file)
        if meta.get("format") != _CACHE_FORMAT or meta.get("fingerprint") != fingerprint:
            return None
        arrays, _ = _npz_arrays(file)
    except Exception as exc:  # a damaged cache is not an error: decode the source again
        warnings.warn(
            f"ignoring the unreadable cache file {file} ({type(exc).__name__}: {exc}); decoding again",
            stacklevel=3,
        )
        return None
    return arrays


def _write_cache(file: Path, arrays: CifarArrays, meta: dict[str, Any]) -> bool:
    (x_train, y_train), (x_test, y_test) = arrays
    try:
        save_npz(file, {"x_train": x_train, "y_train": y_train, "x_test": x_test, "y_test": y_test}, meta)
    except OSError as exc:
        warnings.warn(
            f"could not write the cache file {file} ({exc}); the data were loaded all the same", stacklevel=3
        )
        return False
    return True


def _describe(kind: str, location: Path, verified: bool, scan_jpeg: bool, extensions: set[str]) -> str:
    if kind == "image-folder":
        if scan_jpeg:
            return (
                f"CIFAR-10 read from JPEG files in {location}: a JPEG re-encoding, so pixel values "
                "differ slightly from the canonical CIFAR-10 (cifar-10-python.tar.gz), and so can "
                "figures measured on it"
            )
        return f"CIFAR-10 read from image files ({', '.join(sorted(extensions))}) in {location}"
    if kind == "python-tarball":
        check = "MD5-verified" if verified else "not checked against the official MD5"
        return f"CIFAR-10, the official {CIFAR10_TARBALL} at {location} ({check})"
    check = "MD5-verified" if verified else "not checked against the official MD5s"
    return f"CIFAR-10, the {_BATCH_FOLDER} pickles in {location} ({check})"


@dataclass
class _Plan:
    """A located source, scanned (image folders) and fingerprinted, not yet decoded."""

    kind: str
    location: Path
    origin: str
    verify: bool
    scans: dict[str, _Scan]
    fingerprint: str
    description: str
    jpeg: bool

    @property
    def verified(self) -> bool:
        return self.verify and self.kind in ("python-tarball", "python-batches")

    def source(self, cache_file: Path | None, from_cache: bool) -> DataSource:
        return DataSource(
            dataset="cifar10",
            kind=self.kind,
            location=str(self.location),
            description=self.description,
            jpeg_reencoded=self.jpeg,
            verified=self.verified,
            cache_file=None if cache_file is None else str(cache_file),
            from_cache=from_cache,
        )


def _plan(kind: str, location: Path, origin: str, verify: bool) -> _Plan:
    scans: dict[str, _Scan] = {}
    if kind == "image-folder":
        for split in ("train", "test"):
            scans[split] = _scan(location / split, CLASS_NAMES, location)
        lines = scans["train"].lines + scans["test"].lines
        jpeg = scans["train"].jpeg or scans["test"].jpeg
        extensions = scans["train"].extensions | scans["test"].extensions
    else:
        if kind == "python-tarball":
            lines = [_file_line(location, location.parent)]
        else:
            names = (*_TRAIN_BATCHES, _TEST_BATCH, _META_BATCH)
            lines = [_file_line(location / n, location) for n in names if (location / n).is_file()]
        jpeg, extensions = False, set()
    return _Plan(
        kind=kind,
        location=location,
        origin=origin,
        verify=verify,
        scans=scans,
        fingerprint=_fingerprint(kind, lines),
        description=_describe(kind, location, verify, jpeg, extensions),
        jpeg=jpeg,
    )


def _decode_plan(plan: _Plan, resize: bool, progress: bool) -> CifarArrays:
    if plan.kind == "image-folder":
        train, test = plan.scans["train"], plan.scans["test"]
        x_train = _decode(train, (_SIDE, _SIDE), resize, progress, "CIFAR-10 train images")
        x_test = _decode(test, (_SIDE, _SIDE), resize, progress, "CIFAR-10 test images")
        y_train = np.array([label for _, label in train.files], dtype=np.uint8).reshape(-1, 1)
        y_test = np.array([label for _, label in test.files], dtype=np.uint8).reshape(-1, 1)
        arrays: CifarArrays = ((x_train, y_train), (x_test, y_test))
    elif plan.kind == "python-tarball":
        arrays = _read_tarball(plan.location, plan.verify)
    else:
        arrays = _read_batches_folder(plan.location, plan.verify)
    _check_cifar_arrays(arrays, f"{plan.location} ({plan.origin})")
    return arrays


def _load_local(plan: _Plan, resize: bool, progress: bool, use_cache: bool) -> tuple[CifarArrays, DataSource]:
    """Decode ``plan``'s source, or read its decoded arrays from the cache while it is unchanged."""
    cacheable = use_cache and plan.kind != "python-batches"  # the pickles load in a fraction of a second
    cache_file = _decoded_cache_file(plan.location) if cacheable else None
    if cache_file is not None:
        cached = _read_cache(cache_file, plan.fingerprint)
        if cached is not None:
            return cached, plan.source(cache_file, True)
    arrays = _decode_plan(plan, resize, progress)
    written = False
    if cache_file is not None:
        written = _write_cache(cache_file, arrays, _meta(plan))
    return arrays, plan.source(cache_file if written else None, False)


def _meta(plan: _Plan) -> dict[str, Any]:
    return {
        "format": _CACHE_FORMAT,
        "fingerprint": plan.fingerprint,
        "kind": plan.kind,
        "location": str(plan.location),
        "description": plan.description,
        "jpeg_reencoded": plan.jpeg,
        "verified": plan.verified,
        "created": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
    }


def _from_keras(arrays: Any) -> CifarArrays:
    where = "keras.datasets.cifar10.load_data()"
    try:
        (x_train, y_train), (x_test, y_test) = arrays
        out: CifarArrays = (
            (np.asarray(x_train), np.asarray(y_train).reshape(-1, 1)),
            (np.asarray(x_test), np.asarray(y_test).reshape(-1, 1)),
        )
    except (TypeError, ValueError) as exc:
        raise DataError(f"{where} returned an unexpected value ({exc})") from exc
    _check_cifar_arrays(out, where)
    return out


def _offline_error(reason: str) -> DataError:
    root = data_root()
    looked = [
        f"${_common.ENV_CIFAR10} is not set",
        f"no $CNN_COURSE_DATA/cifar10 ({root / 'cifar10'})" if root else "$CNN_COURSE_DATA is not set",
        f"nothing imported in {_common.cache_dir() / 'cifar10' / _IMPORT_FILE}",
    ]
    return DataError(
        f"CIFAR-10 is not available: {'; '.join(looked)}; and {reason}.\n"
        "Provide it in one of these ways:\n"
        f"  - load_cifar10(data_dir=PATH) or set {_common.ENV_CIFAR10}=PATH, where PATH is {_SOURCE_HELP};\n"
        f"  - put one of those in $CNN_COURSE_DATA/cifar10;\n"
        f"  - import it once into the course cache: {FETCH_CIFAR10_COMMAND};\n"
        "  - or go online: Keras downloads the official archive (163 MB)."
    )


def load_cifar10(
    data_dir: str | os.PathLike[str] | None = None,
    *,
    verify: bool = True,
    resize: bool = False,
    cache: bool = True,
    progress: bool | None = None,
) -> CifarArrays:
    """Load CIFAR-10 as Keras does: ``((x_train, y_train), (x_test, y_test))``.

    Parameters
    ----------
    data_dir : str or path-like, optional
        A source (the official archive, a ``cifar-10-batches-py`` folder, or ``train/`` and
        ``test/`` image folders); default: see the module's description.
    verify : bool
        Check the official archive's MD5 (:data:`CIFAR10_MD5`), or each pickle's
        (:data:`CIFAR10_BATCH_MD5`), before reading it (default). Image folders have no
        published checksum; as for everything, their structure, sizes and labels are checked.
    resize : bool
        Resize images that are not 32x32 (bilinear) instead of raising.
    cache : bool
        Read and write the decoded arrays in ``<cache>/cifar10/decoded/`` (default).
    progress : bool, optional
        Show tqdm progress bars while decoding; default: only when stderr is a terminal.

    Returns
    -------
    ((x_train, y_train), (x_test, y_test))
        ``uint8`` images (50000, 32, 32, 3) and (10000, 32, 32, 3), RGB; ``uint8`` labels
        (50000, 1) and (10000, 1), indices into :data:`CLASS_NAMES`.
        :func:`~cnn_course.data.describe_source` then says where they came from.

    Raises
    ------
    DataError
        If the source is missing, corrupted, or incomplete (the message names the file or
        folder), or if CIFAR-10 is nowhere to be found offline (the message lists the ways
        to provide it).

    Examples
    --------
    >>> (x_train, y_train), (x_test, y_test) = load_cifar10("cifar10-jpg")  # doctest: +SKIP
    >>> x_train.shape, y_train.shape, CLASS_NAMES[y_train[0, 0]]  # doctest: +SKIP
    ((50000, 32, 32, 3), (50000, 1), 'airplane')
    >>> describe_source("cifar10")  # doctest: +SKIP
    'CIFAR-10 read from JPEG files in cifar10-jpg: a JPEG re-encoding, ...'
    """
    for flag, name in ((verify, "verify"), (resize, "resize"), (cache, "cache")):
        if not isinstance(flag, bool):
            raise TypeError(f"{name} must be True or False, got {flag!r}")
    show = progress_enabled(progress)
    located = _locate(data_dir)
    if located is not None:
        path, origin = located
        kind, location = _identify(path, origin)
        arrays, source = _load_local(_plan(kind, location, origin, verify), resize, show, cache)
        record_source(source)
        return arrays
    imported = _common.cache_dir() / "cifar10" / _IMPORT_FILE
    if imported.is_file():
        return _load_import(imported)
    try:
        raw = _common.keras_load_data("cifar10")
    except RouteUnavailable as exc:
        raise _offline_error(str(exc)) from None
    arrays = _from_keras(raw)
    record_source(
        DataSource(
            dataset="cifar10",
            kind="keras",
            location=None,
            description="CIFAR-10 from Keras (keras.datasets.cifar10.load_data(), the official archive)",
            verified=True,
        )
    )
    return arrays


def _load_import(file: Path) -> CifarArrays:
    try:
        arrays, meta = _npz_arrays(file)
    except DataError:
        raise
    except Exception as exc:
        raise DataError(
            f"{file}: the imported CIFAR-10 copy is unreadable ({type(exc).__name__}: {exc}); "
            "delete it and run "
            f"`{FETCH_CIFAR10_COMMAND}` again",
            path=file,
        ) from exc
    record_source(
        DataSource(
            dataset="cifar10",
            kind="import",
            location=meta.get("location"),
            description=str(meta.get("description", "CIFAR-10 (imported copy)")),
            jpeg_reencoded=bool(meta.get("jpeg_reencoded", False)),
            verified=bool(meta.get("verified", False)),
            cache_file=str(file),
            from_cache=True,
        )
    )
    return arrays


def import_cifar10(
    source: str | os.PathLike[str] | None = None,
    cache_dir: str | os.PathLike[str] | None = None,
    *,
    verify: bool = True,
    resize: bool = False,
    force: bool = False,
    progress: bool = True,
) -> str:
    """Store CIFAR-10 in the cache (``<cache>/cifar10/cifar10.npz``); return what was done.

    What ``python -m cnn_course.data fetch cifar10 [--from PATH]`` runs. With ``source``
    (any source :func:`load_cifar10` reads), the data are decoded, checked and written
    atomically with their provenance; nothing is done if the same, unchanged source was
    imported already. Without ``source``, Keras's download is stored (online only).
    :func:`load_cifar10` then reads this copy when no other source is configured.

    Examples
    --------
    >>> print(import_cifar10("cifar10-jpg"))  # doctest: +SKIP
    CIFAR-10 imported from cifar10-jpg into /home/me/.cache/cnn_course/cifar10/cifar10.npz (...)
    """
    for flag, name in ((verify, "verify"), (resize, "resize"), (force, "force"), (progress, "progress")):
        if not isinstance(flag, bool):
            raise TypeError(f"{name} must be True or False, got {flag!r}")
    root = _common.cache_dir() if cache_dir is None else as_path(cache_dir, "cache_dir")
    target = root / "cifar10" / _IMPORT_FILE
    existing: dict[str, Any] | None = None
    if target.is_file() and not force:
        try:
            existing = read_npz_meta(target)
        except Exception:
            existing = None
    if source is None:
        if existing is not None:
            return f"CIFAR-10 is already in {target} ({existing.get('description')}); nothing to do"
        try:
            raw = _common.keras_load_data("cifar10")
        except RouteUnavailable as exc:
            raise _offline_error(str(exc)) from None
        arrays = _from_keras(raw)
        meta: dict[str, Any] = {
            "format": _CACHE_FORMAT,
            "kind": "keras",
            "location": None,
            "fingerprint": "keras",
            "description": "CIFAR-10 from Keras (keras.datasets.cifar10.load_data(), the official archive)",
            "jpeg_reencoded": False,
            "verified": True,
            "created": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        }
    else:
        path = as_path(source, "source")
        if not path.exists():
            raise DataError(f"source {path} does not exist", path=path)
        kind, location = _identify(path, "source")
        plan = _plan(kind, location, "source", verify)
        if (
            existing is not None
            and existing.get("location") == str(location)
            and existing.get("fingerprint") == plan.fingerprint
        ):
            return f"CIFAR-10 from {location} is already in {target} (source unchanged); nothing to do"
        arrays = _decode_plan(plan, resize, progress)
        meta = _meta(plan)
    (x_train, y_train), (x_test, y_test) = arrays
    save_npz(target, {"x_train": x_train, "y_train": y_train, "x_test": x_test, "y_test": y_test}, meta)
    return (
        f"CIFAR-10 stored in {target}: {len(x_train)} training and {len(x_test)} test images; "
        f"{meta['description']}"
    )


def cifar10_status(cache_root: str | os.PathLike[str] | None = None) -> list[str]:
    """Lines describing the CIFAR-10 files in the cache (the imported copy, decoded caches).

    Examples
    --------
    >>> import tempfile
    >>> print(cifar10_status(tempfile.mkdtemp())[0])  # doctest: +ELLIPSIS
    imported copy: none (.../cifar10/cifar10.npz; import one with: python -m cnn_course.data fetch ...)
    """
    root = _common.cache_dir() if cache_root is None else as_path(cache_root, "cache_root")
    lines = []
    imported = root / "cifar10" / _IMPORT_FILE
    if imported.is_file():
        try:
            meta = read_npz_meta(imported)
            lines.append(
                f"imported copy: {imported} ({imported.stat().st_size / 1e6:.0f} MB): "
                f"{meta.get('description')}"
            )
        except Exception as exc:
            lines.append(f"imported copy: {imported} is unreadable ({type(exc).__name__}: {exc})")
    else:
        lines.append(f"imported copy: none ({imported}; import one with: {FETCH_CIFAR10_COMMAND})")
    decoded = sorted((root / "cifar10" / "decoded").glob("*.npz"))
    for file in decoded:
        try:
            meta = read_npz_meta(file)
            lines.append(
                f"decoded cache: {file} ({file.stat().st_size / 1e6:.0f} MB) of {meta.get('location')}"
            )
        except Exception as exc:
            lines.append(f"decoded cache: {file} is unreadable ({type(exc).__name__}: {exc})")
    if not decoded:
        lines.append("decoded caches: none")
    return lines
