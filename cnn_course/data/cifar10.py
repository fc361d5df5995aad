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
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import pickle
import tarfile
import time
import warnings
import zlib
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, NamedTuple

import numpy as np
from numpy.typing import NDArray

from cnn_course._validation import as_pair
from cnn_course.data import _common
from cnn_course.data._common import (
    DataError,
    DataSource,
    RouteUnavailable,
    as_path,
    data_root,
    file_digest,
    progress_bar,
    progress_enabled,
    read_npz_meta,
    record_source,
    save_npz,
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

#: File name extensions read as images (case-insensitive); other files are ignored.
IMAGE_EXTENSIONS = frozenset(
    {
        ".png",
        ".jpg",
        ".jpeg",
        ".jpe",
        ".jfif",
        ".bmp",
        ".gif",
        ".ppm",
        ".pgm",
        ".pnm",
        ".tif",
        ".tiff",
        ".webp",
    }
)
_JPEG_EXTENSIONS = frozenset({".jpg", ".jpeg", ".jpe", ".jfif"})

#: The command that imports a local copy into the cache.
FETCH_CIFAR10_COMMAND = "python -m cnn_course.data fetch cifar10 --from PATH"
_IMPORT_FILE = "cifar10.npz"
_CACHE_FORMAT = 1
_SIDE = 32

CifarArrays = tuple[tuple[NDArray[np.uint8], NDArray[np.uint8]], tuple[NDArray[np.uint8], NDArray[np.uint8]]]


class ImageFolder(NamedTuple):
    """What :func:`load_image_folder` returns (unpacks as ``x, y, class_names``)."""

    x: NDArray[np.uint8]
    """Images, ``uint8`` array (N, height, width, 3), RGB."""
    y: NDArray[np.integer[Any]]
    """Labels (N,), ``uint8`` (``int32`` beyond 256 classes): index into ``class_names``."""
    class_names: tuple[str, ...]
    """The class of each label, in label order."""


# ---------------------------------------------------------------------------------------
# Image folders
# ---------------------------------------------------------------------------------------


@dataclass
class _Scan:
    root: Path
    class_names: tuple[str, ...]
    files: list[tuple[str, int]]
    lines: list[str]
    jpeg: bool
    extensions: set[str]


def _check_class_names(class_names: Any) -> tuple[str, ...] | None:
    if class_names is None:
        return None
    if isinstance(class_names, (str, bytes)) or not isinstance(class_names, Sequence):
        raise TypeError(f"class_names must be a sequence of folder names (str) or None, got {class_names!r}")
    names = tuple(class_names)
    if not names:
        raise ValueError("class_names must not be empty")
    for name in names:
        if not isinstance(name, str) or not name or "/" in name or "\\" in name or name in (".", ".."):
            raise ValueError(f"class_names must hold plain folder names, got {name!r}")
    if len(set(names)) != len(names):
        raise ValueError(f"class_names must not repeat a name, got {list(names)}")
    return names


def _scan(folder: Path, class_names: tuple[str, ...] | None, relative_to: Path) -> _Scan:
    """List the image files of ``folder/<class>/``, checking the class folders."""
    if not folder.is_dir():
        raise DataError(
            f"{folder}: no such folder (expected one sub-folder of images per class)", path=folder
        )
    try:
        subfolders = sorted(e.name for e in os.scandir(folder) if e.is_dir() and not e.name.startswith("."))
    except OSError as exc:
        raise DataError(f"{folder}: cannot list the folder ({exc.strerror or exc})", path=folder) from exc
    if class_names is None:
        if not subfolders:
            raise DataError(
                f"{folder}: no class sub-folders (expected {folder}/<class>/<image files>)", path=folder
            )
        class_names = tuple(subfolders)
    else:
        missing = [name for name in class_names if name not in subfolders]
        if missing:
            raise DataError(
                f"{folder}: missing class folder(s) {', '.join(missing)}; expected one sub-folder per "
                f"class: {', '.join(class_names)}",
                path=folder,
            )
        extra = [name for name in subfolders if name not in class_names]
        if extra:
            raise DataError(
                f"{folder}: unexpected folder(s) {', '.join(extra)}, not among the classes "
                f"{', '.join(class_names)}",
                path=folder,
            )
    files: list[tuple[str, int]] = []
    lines: list[str] = []
    extensions: set[str] = set()
    prefix = os.path.relpath(folder, relative_to).replace(os.sep, "/")
    prefix = "" if prefix == "." else prefix + "/"
    for label, name in enumerate(class_names):
        class_folder = os.path.join(folder, name)
        try:
            entries = sorted(
                (e for e in os.scandir(class_folder) if not e.name.startswith(".") and e.is_file()),
                key=lambda e: e.name,
            )
        except OSError as exc:
            raise DataError(
                f"{class_folder}: cannot list the folder ({exc.strerror or exc})", path=class_folder
            ) from exc
        count = 0
        for entry in entries:
            extension = os.path.splitext(entry.name)[1].lower()
            if extension not in IMAGE_EXTENSIONS:
                continue
            stat = entry.stat()
            files.append((entry.path, label))
            lines.append(f"{prefix}{name}/{entry.name}\t{stat.st_size}\t{stat.st_mtime_ns}")
            extensions.add(extension)
            count += 1
        if count == 0:
            raise DataError(
                f"{class_folder}: class folder {name!r} holds no image files "
                f"({', '.join(sorted(IMAGE_EXTENSIONS))})",
                path=class_folder,
            )
    return _Scan(folder, class_names, files, lines, bool(extensions & _JPEG_EXTENSIONS), extensions)


def _decode_one(
    path: str, size: tuple[int, int] | None, resize: bool, image_module: Any
) -> NDArray[np.uint8]:
    try:
        with open(path, "rb") as handle:
            data = handle.read()
    except OSError as exc:
        raise DataError(f"{path}: cannot read the image file ({exc.strerror or exc})", path=path) from exc
    try:
        with image_module.open(io.BytesIO(data)) as opened:
            opened.load()
            image = opened if opened.mode == "RGB" else opened.convert("RGB")
            if size is not None and (image.height, image.width) != size:
                if not resize:
                    raise DataError(
                        f"{path}: the image is {image.width}x{image.height} pixels (width x height), "
                        f"expected {size[1]}x{size[0]}; pass resize=True to resize it",
                        path=path,
                    )
                image = image.resize((size[1], size[0]), image_module.Resampling.BILINEAR)
            return np.asarray(image, dtype=np.uint8)
    except DataError:
        raise
    except Exception as exc:  # Pillow raises OSError, SyntaxError, ValueError, ... on bad files
        raise DataError(f"{path}: unreadable image ({type(exc).__name__}: {exc})", path=path) from exc


def _decode(
    scan: _Scan, size: tuple[int, int] | None, resize: bool, progress: bool, desc: str
) -> NDArray[np.uint8]:
    from PIL import Image

    out: NDArray[np.uint8] | None = None
    first = None
    target = size  # the size required of each image (None: that of the first image)
    with progress_bar(len(scan.files), desc, progress, unit="img") as bar:
        for index, (path, _) in enumerate(scan.files):
            pixels = _decode_one(path, target, resize, Image)
            if out is None:
                first = path
                if resize:
                    target = pixels.shape[:2]
                out = np.empty((len(scan.files), *pixels.shape), dtype=np.uint8)
            elif pixels.shape != out.shape[1:]:
                raise DataError(
                    f"{path}: the image is {pixels.shape[1]}x{pixels.shape[0]} pixels but {first} is "
                    f"{out.shape[2]}x{out.shape[1]}; all images must have the same size (pass "
                    "image_size and resize=True to resize them)",
                    path=path,
                )
            out[index] = pixels
            bar.update(1)
    assert out is not None
    return out


def load_image_folder(
    path: str | os.PathLike[str],
    class_names: Sequence[str] | None = None,
    *,
    image_size: int | tuple[int, int] | None = None,
    resize: bool = False,
    progress: bool | None = None,
) -> ImageFolder:
    """Load a folder of class sub-folders of images: ``path/<class>/<image files>``.

    Files are read in a fixed order (classes in ``class_names`` order, files by name) and
    converted to RGB. Hidden files and files without an image extension
    (:data:`IMAGE_EXTENSIONS`) are ignored; an unreadable image, a missing, unexpected or
    empty class folder, or a size mismatch raise a :class:`~cnn_course.data.DataError`
    naming the file or folder.

    Parameters
    ----------
    path : str or path-like
        The folder holding one sub-folder per class.
    class_names : sequence of str, optional
        The classes, in label order; each must have a sub-folder and no other sub-folder
        may exist. Default: the sub-folders' names, sorted.
    image_size : int or (height, width), optional
        The size every image must have. Default: the first image's size.
    resize : bool
        Resize images of another size (bilinear) instead of raising.
    progress : bool, optional
        Show a tqdm progress bar; default: only when stderr is a terminal.

    Returns
    -------
    ImageFolder
        Named tuple ``(x, y, class_names)``: ``x`` ``uint8`` (N, height, width, 3),
        ``y`` (N,) labels.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> from PIL import Image
    >>> root = pathlib.Path(tempfile.mkdtemp())
    >>> for name, colour in [("red", (255, 0, 0)), ("blue", (0, 0, 255))]:
    ...     (root / name).mkdir()
    ...     Image.new("RGB", (4, 3), colour).save(root / name / "0.png")
    >>> x, y, names = load_image_folder(root)
    >>> x.shape, y, names
    ((2, 3, 4, 3), array([0, 1], dtype=uint8), ('blue', 'red'))
    """
    folder = as_path(path, "path")
    names = _check_class_names(class_names)
    size = None if image_size is None else as_pair(image_size, "image_size", 1)
    if not isinstance(resize, bool):
        raise TypeError(f"resize must be True or False, got {resize!r}")
    show = progress_enabled(progress)
    scan = _scan(folder, names, folder)
    x = _decode(scan, size, resize, show, f"{folder.name}")
    labels = np.array(
        [label for _, label in scan.files], dtype=np.uint8 if len(scan.class_names) <= 256 else np.int32
    )
    return ImageFolder(x, labels, scan.class_names)


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
