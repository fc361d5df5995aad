"""How fast are the course's convolutions?  Run: ``python bench/bench_convolution.py``.

Times, on a 256x256 float64 image with a 5x5 kernel, the vectorised
:func:`cnn_course.convolution.cross_correlate2d`, the teaching loops
:func:`~cnn_course.convolution.cross_correlate2d_loops` (one or two runs: it is slow) and
``scipy.signal.correlate2d``, and prints the ratio vectorised / SciPy (target: at most 3).
Then, for information, :func:`~cnn_course.convolution.conv2d_layer` against
``tf.nn.conv2d`` on a small batch (skipped if TensorFlow is missing). No assertions.
"""

from __future__ import annotations

import os
import statistics
import sys
import timeit
from collections.abc import Callable
from pathlib import Path

import numpy as np
import scipy.signal

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # run from a checkout without installing

from cnn_course.convolution import conv2d_layer, cross_correlate2d, cross_correlate2d_loops  # noqa: E402

TARGET_RATIO = 3.0


def measure(function: Callable[[], object], repeat: int, number: int) -> tuple[float, float]:
    """Median and best time of one call, in seconds."""
    times = [t / number for t in timeit.repeat(function, repeat=repeat, number=number)]
    return statistics.median(times), min(times)


def print_table(title: str, rows: list[tuple[str, int, float, float]]) -> None:
    print(f"\n{title}")
    print(f"{'function':<44} {'runs':>5} {'median (ms)':>12} {'best (ms)':>10}")
    print("-" * 74)
    for name, runs, median, best in rows:
        print(f"{name:<44} {runs:>5} {median * 1e3:>12.3f} {best * 1e3:>10.3f}")


def bench_single_channel() -> None:
    rng = np.random.default_rng(0)
    image, kernel = rng.normal(size=(256, 256)), rng.normal(size=(5, 5))
    np.testing.assert_allclose(cross_correlate2d(image, kernel), scipy.signal.correlate2d(image, kernel, "valid"))
    fast = measure(lambda: cross_correlate2d(image, kernel), repeat=7, number=20)
    ref = measure(lambda: scipy.signal.correlate2d(image, kernel, mode="valid"), repeat=7, number=20)
    slow = measure(lambda: cross_correlate2d_loops(image, kernel), repeat=2, number=1)
    print_table(
        "256x256 float64 image, 5x5 kernel, stride 1, no padding",
        [
            ("cross_correlate2d (vectorised)", 7 * 20, *fast),
            ("scipy.signal.correlate2d(mode='valid')", 7 * 20, *ref),
            ("cross_correlate2d_loops (teaching)", 2, *slow),
        ],
    )
    ratio = fast[0] / ref[0]
    verdict = "within" if ratio <= TARGET_RATIO else "OVER"
    print(f"\nvectorised / scipy (medians): {ratio:.2f}x  ({verdict} the {TARGET_RATIO:.0f}x target)")
    print(f"loops / vectorised (medians): {slow[0] / fast[0]:.0f}x")


def bench_layer() -> None:
    try:
        os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
        import tensorflow as tf
    except ImportError:
        print("\nTensorFlow is not installed: conv2d_layer vs tf.nn.conv2d skipped.")
        return
    rng = np.random.default_rng(1)
    x, kernels, bias = rng.normal(size=(8, 32, 32, 3)), rng.normal(size=(5, 5, 3, 16)), rng.normal(size=16)
    x32, k32 = tf.constant(x, tf.float32), tf.constant(kernels, tf.float32)
    expected = tf.nn.conv2d(x32, k32, 1, "SAME").numpy() + bias
    np.testing.assert_allclose(conv2d_layer(x, kernels, bias, padding="same"), expected, rtol=1e-3, atol=1e-3)
    rows = [
        ("conv2d_layer (NumPy, float64)", 10 * 5, *measure(lambda: conv2d_layer(x, kernels, bias, padding="same"), 5, 10)),
        ("tf.nn.conv2d + bias (float32, eager)", 10 * 5, *measure(lambda: tf.nn.conv2d(x32, k32, 1, "SAME") + bias, 5, 10)),
    ]
    print_table("Layer: batch 8 x 32x32x3, 16 kernels 5x5, padding 'same' (for information)", rows)


def main() -> None:
    print(f"NumPy {np.__version__}, SciPy {scipy.__version__}, {os.cpu_count()} CPU(s)")
    bench_single_channel()
    bench_layer()


if __name__ == "__main__":
    main()
