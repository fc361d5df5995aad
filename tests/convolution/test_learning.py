"""Learning a kernel: convolution and cross-correlation learn flipped kernels."""

from __future__ import annotations

import numpy as np
import pytest

from cnn_course.convolution import convolve2d, cross_correlate2d
from cnn_course.convolution.learning import apply, fit_kernel


@pytest.fixture(scope="module")
def data() -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    rng = np.random.default_rng(5)
    images = rng.normal(size=(8, 9, 9))
    kernel = rng.normal(size=(3, 2))
    targets = np.stack([cross_correlate2d(im, kernel) for im in images])
    return images, targets, kernel


def test_both_operations_fit_and_learn_flipped_kernels(data) -> None:
    images, targets, kernel = data
    xc = fit_kernel(images, targets, (3, 2), operation="cross-correlation", steps=400)
    cv = fit_kernel(images, targets, (3, 2), operation="convolution", steps=400)
    np.testing.assert_allclose(xc.kernel, kernel, atol=1e-4)
    np.testing.assert_allclose(cv.kernel, kernel[::-1, ::-1], atol=1e-4)
    assert xc.losses[-1] < 1e-6 * xc.losses[0]
    assert all(b <= a + 1e-12 for a, b in zip(xc.losses, xc.losses[1:]))  # monotone descent


def test_apply_matches_the_operations() -> None:
    im, k = np.arange(16.0).reshape(4, 4), np.array([[1.0, 2.0], [3.0, 4.0]])
    np.testing.assert_array_equal(apply(im, k, "convolution"), convolve2d(im, k))
    np.testing.assert_array_equal(apply(im, k, "cross-correlation"), cross_correlate2d(im, k))
    with pytest.raises(ValueError, match="operation"):
        apply(im, k, "correlation")  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "kwargs, match",
    [
        ({"images": np.zeros((4, 4))}, "images"),
        ({"targets": np.zeros((2, 2, 2))}, "targets"),
        ({"kernel_shape": (0, 2)}, "kernel_shape"),
        ({"operation": "dot"}, "operation"),
        ({"steps": 0}, "steps"),
        ({"learning_rate": 0.0}, "learning_rate"),
        ({"images": np.full((2, 4, 4), np.nan)}, "finite"),
    ],
)
def test_bad_input(kwargs, match: str) -> None:
    args = {"images": np.ones((2, 4, 4)), "targets": np.ones((2, 3, 3)), "kernel_shape": (2, 2), "operation": "convolution"}
    args.update(kwargs)
    with pytest.raises(ValueError, match=match):
        fit_kernel(args.pop("images"), args.pop("targets"), args.pop("kernel_shape"), **args)
