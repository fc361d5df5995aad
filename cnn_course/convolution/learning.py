"""Learning a kernel from examples, with plain gradient descent in NumPy.

The chapter on convolution uses this to show that it does not matter for learning whether a
layer computes a convolution or a cross-correlation: trained on the same examples, the two
learn kernels that are flips of each other, and make the same predictions.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

import numpy as np
from numpy.typing import ArrayLike, NDArray

from cnn_course.convolution.ops import convolve2d, cross_correlate2d

__all__ = ["KernelFit", "apply", "fit_kernel"]

Operation = Literal["convolution", "cross-correlation"]


@dataclass
class KernelFit:
    """The result of :func:`fit_kernel`: the learned kernel and the loss after each step."""

    kernel: NDArray[np.float64]
    operation: str
    losses: list[float] = field(default_factory=list)


def apply(image: ArrayLike, kernel: ArrayLike, operation: Operation) -> NDArray[np.float64]:
    """Apply ``kernel`` to ``image`` by ``operation`` ("convolution" or "cross-correlation").

    Examples
    --------
    >>> apply(np.eye(3), np.ones((2, 2)), "convolution")
    array([[2., 1.],
           [1., 2.]])
    """
    if operation == "convolution":
        return convolve2d(image, kernel)
    if operation == "cross-correlation":
        return cross_correlate2d(image, kernel)
    raise ValueError(f"operation must be 'convolution' or 'cross-correlation', got {operation!r}")


def fit_kernel(
    images: ArrayLike,
    targets: ArrayLike,
    kernel_shape: tuple[int, int],
    *,
    operation: Operation,
    steps: int = 200,
    learning_rate: float = 0.5,
    seed: int = 0,
) -> KernelFit:
    """Learn a kernel so that ``operation(image, kernel)`` matches each target.

    Minimises the mean squared error over all images and output pixels by gradient
    descent from a small random kernel.  For a cross-correlation the gradient of the loss
    with respect to the kernel is itself a cross-correlation of the input with the error
    map; for a convolution it is that, flipped.

    Parameters
    ----------
    images : array of shape (N, H, W)
        Input images.
    targets : array of shape (N, H - kh + 1, W - kw + 1)
        Desired outputs ("valid" size).
    kernel_shape : (kh, kw)
        Shape of the kernel to learn.
    operation : {"convolution", "cross-correlation"}
        What the layer computes.
    steps : int
        Number of gradient steps.
    learning_rate : float
        Step size, relative to the mean squared pixel value of the images.
    seed : int
        Seed of the random initial kernel.

    Returns
    -------
    KernelFit

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> x = rng.normal(size=(4, 8, 8))
    >>> true = np.array([[1.0, 2.0], [0.0, -1.0]])
    >>> y = np.stack([convolve2d(im, true) for im in x])
    >>> fit = fit_kernel(x, y, (2, 2), operation="cross-correlation", steps=300)
    >>> np.allclose(fit.kernel, true[::-1, ::-1], atol=1e-3)   # the flipped kernel
    True
    """
    x = np.asarray(images, dtype=float)
    y = np.asarray(targets, dtype=float)
    if x.ndim != 3 or x.shape[0] == 0:
        raise ValueError(f"images must be a non-empty array of shape (N, H, W), got shape {x.shape}")
    if not (isinstance(kernel_shape, tuple) and len(kernel_shape) == 2 and all(isinstance(k, int) and k >= 1 for k in kernel_shape)):
        raise ValueError(f"kernel_shape must be a pair of positive ints, got {kernel_shape!r}")
    kh, kw = kernel_shape
    expected = (x.shape[0], x.shape[1] - kh + 1, x.shape[2] - kw + 1)
    if y.shape != expected:
        raise ValueError(f"targets must have shape {expected} for images {x.shape} and kernel {kernel_shape}, got {y.shape}")
    if not np.all(np.isfinite(x)) or not np.all(np.isfinite(y)):
        raise ValueError("images and targets must be finite (no NaN or inf)")
    if operation not in ("convolution", "cross-correlation"):
        raise ValueError(f"operation must be 'convolution' or 'cross-correlation', got {operation!r}")
    if not isinstance(steps, int) or steps < 1:
        raise ValueError(f"steps must be a positive int, got {steps!r}")
    if not learning_rate > 0:
        raise ValueError(f"learning_rate must be positive, got {learning_rate!r}")

    rng = np.random.default_rng(seed)
    kernel = rng.normal(scale=0.1, size=kernel_shape)
    scale = float(np.mean(x**2)) or 1.0
    step_size = learning_rate / (scale * kh * kw)
    fit = KernelFit(kernel=kernel, operation=operation)
    for _ in range(steps):
        errors = np.stack([apply(im, kernel, operation) for im in x]) - y
        fit.losses.append(float(np.mean(errors**2)))
        grad = np.mean([cross_correlate2d(im, err) for im, err in zip(x, errors)], axis=0)
        grad *= 2.0 / errors[0].size
        if operation == "convolution":
            grad = grad[::-1, ::-1]
        kernel = kernel - step_size * grad
    fit.kernel = kernel
    return fit
