"""Folders of class sub-folders of images (``root/<class>/<image files>``), yours included.

:func:`load_image_folder` reads any such folder into ``uint8`` arrays; the CIFAR-10 loader
(:mod:`cnn_course.data.cifar10`) uses the same scanning and decoding for the ``train/`` and
``test/`` image folders of a CIFAR-10 copy (e.g. the JPEG one used in CI).
"""

from __future__ import annotations

import io
import os
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, NamedTuple

import numpy as np
from numpy.typing import NDArray

from cnn_course._validation import as_pair
from cnn_course.data._common import DataError, as_path, progress_bar, progress_enabled

__all__ = ["IMAGE_EXTENSIONS", "ImageFolder", "load_image_folder"]

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


class ImageFolder(NamedTuple):
    """What :func:`load_image_folder` returns (unpacks as ``x, y, class_names``)."""

    x: NDArray[np.uint8]
    """Images, ``uint8`` array (N, height, width, 3), RGB."""
    y: NDArray[np.integer[Any]]
    """Labels (N,), ``uint8`` (``int32`` beyond 256 classes): index into ``class_names``."""
    class_names: tuple[str, ...]
    """The class of each label, in label order."""



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
