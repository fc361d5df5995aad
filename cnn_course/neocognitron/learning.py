"""How the Neocognitron learns its S-planes: without labels and without backpropagation.

The weights of each S-layer are learned from unlabelled images, one stage after the
other, by **competitive (winner-take-all) learning**, a batch form of Fukushima's
"seed cell" reinforcement (:func:`competitive_learning`):

1. sample ``n_patches`` receptive-field patches of the stage's input from the training
   images, at positions where there is something to see (patch length at least
   ``min_fraction`` of the largest), with a seeded generator; scale each to unit length
   (:func:`sample_patches`);
2. start each plane from a different random patch;
3. for each mini-batch of patches, the plane with the largest response to a patch is its
   *winner* (the seed cell); every plane that won patches moves its weights toward their
   mean, ``w <- normalise((1 - rate) w + rate * mean)`` (:func:`competitive_step`); planes
   that won nothing keep their weights (after an epoch without a win, a plane is
   restarted from the patch the other planes match worst: Fukushima's recruitment of a
   new cell for an input nothing detects).

Every random choice comes from ``numpy.random.default_rng(seed)``: the same seed and
images give the same planes. :meth:`cnn_course.neocognitron.model.Neocognitron.fit`
runs these steps stage by stage.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

from cnn_course._validation import as_finite_array, as_int
from cnn_course.neocognitron._checks import _EPS, _as_maps, _as_real

__all__ = ["competitive_learning", "competitive_step", "sample_patches"]


def _unit_rows(a: NDArray[Any]) -> NDArray[Any]:
    norms = np.linalg.norm(a, axis=1, keepdims=True)
    return a / np.maximum(norms, _EPS)


def sample_patches(
    x: ArrayLike, kernel: int, n: int, *, min_fraction: float = 0.2, seed: int | np.random.Generator = 0
) -> NDArray[np.float32]:
    """Receptive-field patches of ``x`` where there is something to see, drawn at random.

    Parameters
    ----------
    x : array_like, shape (N, H, W, C)
        The input planes of a stage (zero-padded "same", as the S-layer sees them).
    kernel : int
        Side of the receptive field (odd).
    n : int
        How many patches (fewer if fewer positions qualify).
    min_fraction : float
        Keep positions whose patch length is at least this fraction of the largest.
    seed : int or numpy.random.Generator

    Returns
    -------
    ndarray of float32, shape (n, kernel * kernel * C)
        Rows in (row, column, channel) order, the order of an S-plane's weights.

    Examples
    --------
    >>> x = np.zeros((2, 6, 6, 1)); x[:, 2:4, 2:4] = 1
    >>> sample_patches(x, 3, 5, seed=0).shape
    (5, 9)
    """
    x32 = _as_maps(x)
    k = as_int(kernel, "kernel", 1)
    if k % 2 == 0:
        raise ValueError(f"kernel must be odd, got {k}")
    n = as_int(n, "n", 1)
    min_fraction = _as_real(min_fraction, "min_fraction", 0.0, 1.0)
    rng = seed if isinstance(seed, np.random.Generator) else np.random.default_rng(as_int(seed, "seed", 0))
    p = k // 2
    padded = np.pad(x32, ((0, 0), (p, p), (p, p), (0, 0)))
    # patch lengths at every position, from a box sum of squares (no unfolding needed)
    squares = np.pad((x32.astype(np.float64) ** 2).sum(axis=3), ((0, 0), (p, p), (p, p)))
    integral = np.pad(squares.cumsum(1).cumsum(2), ((0, 0), (1, 0), (1, 0)))
    h, w = x32.shape[1:3]
    energy = integral[:, k:, k:] - integral[:, :h, k:] - integral[:, k:, :w] + integral[:, :h, :w]
    lengths = np.sqrt(np.maximum(energy, 0.0)).ravel()
    if lengths.max() <= 0:
        raise ValueError("x has no non-zero patch to learn from (all values are 0)")
    candidates = np.flatnonzero(lengths >= min_fraction * lengths.max())
    chosen = np.sort(rng.choice(candidates, size=min(n, len(candidates)), replace=False))
    b, rest = np.divmod(chosen, h * w)
    i, j = np.divmod(rest, w)
    m, nn_ = np.meshgrid(np.arange(k), np.arange(k), indexing="ij")
    patches = padded[b[:, None, None], i[:, None, None] + m, j[:, None, None] + nn_, :]  # (n, k, k, C)
    return patches.reshape(len(chosen), -1)


def competitive_step(weights: ArrayLike, patches: ArrayLike, learning_rate: float) -> NDArray[np.float64]:
    """One step of winner-take-all learning on a mini-batch of patches.

    Each patch is scaled to unit length; its winner is the plane whose weights are most
    similar (largest dot product, i.e. largest cosine: the S-cell that responds most, the
    "seed cell"); each plane that won some patches moves toward their mean and is scaled
    back to unit length; the others do not change.

    Parameters
    ----------
    weights : array_like, shape (planes, d)
        Current weights, one unit-length row per plane.
    patches : array_like, shape (n, d)
    learning_rate : float
        In (0, 1]: 1 jumps to the mean of the won patches (spherical k-means).

    Returns
    -------
    ndarray, shape (planes, d)

    Examples
    --------
    >>> w = np.array([[1.0, 0.0], [0.0, 1.0]])
    >>> competitive_step(w, [[2.0, 1.0], [1.0, 1.0]], 0.5).round(3)   # both patches won by plane 0
    array([[0.952, 0.305],
           [0.   , 1.   ]])
    """
    w = as_finite_array(weights, "weights", 2)
    p = as_finite_array(patches, "patches", 2)
    if p.shape[1] != w.shape[1]:
        raise ValueError(f"patches must have {w.shape[1]} columns (the weights' length), got shape {p.shape}")
    rate = _as_real(learning_rate, "learning_rate", 0.0, 1.0)
    if rate == 0:
        raise ValueError("learning_rate must be > 0")
    return _competitive_step(w, _unit_rows(p), rate)[0]


def _competitive_step(
    w: NDArray[Any], unit_patches: NDArray[Any], rate: float
) -> tuple[NDArray[Any], NDArray[np.int64], NDArray[Any]]:
    """The step on already-unit patches; also return the winners and their similarities."""
    similarity = unit_patches @ w.T
    winners = np.argmax(similarity, axis=1)
    planes = w.shape[0]
    counts = np.bincount(winners, minlength=planes)
    sums = np.zeros_like(w)
    np.add.at(sums, winners, unit_patches)
    won = counts > 0
    new = w.copy()
    new[won] = (1 - rate) * w[won] + rate * sums[won] / counts[won, None]
    new[won] = _unit_rows(new[won])
    return new, winners, similarity[np.arange(len(winners)), winners]


def competitive_learning(
    patches: ArrayLike,
    planes: int,
    *,
    epochs: int = 5,
    learning_rate: float = 0.5,
    batch_size: int = 1000,
    seed: int | np.random.Generator = 0,
) -> NDArray[np.float32]:
    """Learn ``planes`` unit-length weight vectors from patches by winner-take-all.

    Planes start as distinct random patches; each epoch visits the patches in a random
    order, in mini-batches, applying :func:`competitive_step`. A plane that wins nothing
    in a whole epoch restarts from the patch that its winner matches worst.

    Parameters
    ----------
    patches : array_like, shape (n, d)
        At least ``planes`` patches (rows), e.g. from :func:`sample_patches`.
    planes : int
    epochs, batch_size : int
    learning_rate : float
        In (0, 1].
    seed : int or numpy.random.Generator

    Returns
    -------
    ndarray of float32, shape (planes, d)

    Examples
    --------
    >>> rng = np.random.default_rng(1)
    >>> a, b = np.array([1.0, 0.0, 0.0]), np.array([0.0, 0.0, 1.0])
    >>> data = np.vstack([a + 0.05 * rng.random((50, 3)), b + 0.05 * rng.random((50, 3))])
    >>> w = competitive_learning(data, 2, seed=0)
    >>> sorted(np.argmax(w, axis=1).tolist())   # one plane per cluster
    [0, 2]
    """
    p = as_finite_array(patches, "patches", 2)
    planes = as_int(planes, "planes", 1)
    if len(p) < planes:
        raise ValueError(f"patches must have at least as many rows as planes ({planes}), got {len(p)}")
    epochs, batch_size = as_int(epochs, "epochs", 1), as_int(batch_size, "batch_size", 1)
    rate = _as_real(learning_rate, "learning_rate", 0.0, 1.0)
    if rate == 0:
        raise ValueError("learning_rate must be > 0")
    rng = seed if isinstance(seed, np.random.Generator) else np.random.default_rng(as_int(seed, "seed", 0))
    unit = _unit_rows(p)
    unit = unit[np.linalg.norm(p, axis=1) > _EPS]
    if len(unit) < planes:
        raise ValueError(f"patches must have at least {planes} non-zero rows, got {len(unit)}")
    w = unit[rng.choice(len(unit), size=planes, replace=False)].copy()
    for _ in range(epochs):
        order = rng.permutation(len(unit))
        wins = np.zeros(planes, dtype=np.int64)
        worst_fit, worst_patch = np.inf, -1
        for start in range(0, len(unit), batch_size):
            batch = order[start : start + batch_size]
            w, winners, best = _competitive_step(w, unit[batch], rate)
            wins += np.bincount(winners, minlength=planes)
            lowest = int(np.argmin(best))
            if best[lowest] < worst_fit:
                worst_fit, worst_patch = float(best[lowest]), int(batch[lowest])
        for plane in np.flatnonzero(wins == 0):  # recruit: restart an idle plane
            w[plane] = unit[worst_patch]
    return w.astype(np.float32)
