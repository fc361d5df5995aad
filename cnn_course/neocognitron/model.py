"""The Neocognitron network: stages of S- and C-layers, learned without labels, then a readout.

A :class:`Stage` is one S-layer (:func:`~cnn_course.neocognitron.layers.s_layer`) and the
C-layer that pools it (:func:`~cnn_course.neocognitron.layers.c_layer`);
:data:`DEFAULT_STAGES` is the chapter's network. :class:`Neocognitron` learns the
S-planes stage by stage (:mod:`cnn_course.neocognitron.learning`), then a readout, and
can be saved to and loaded from a ``.npz`` (no pickles).

The readout, also without backpropagation
-----------------------------------------
The last C-layer's responses, flattened, are the features. Two readouts, neither with a
gradient:

* ``"ridge"`` (default): a linear readout fitted in closed form. The features are
  standardised, and ``W = (Z^T Z + ridge I)^{-1} Z^T Y`` (one-hot ``Y``) is solved once;
  the predicted class is the largest output. Least squares is the oldest way to fit a
  linear layer (the Widrow-Hoff rule converges to it) and one linear solve is both
  deterministic and fast. The penalty ``ridge`` keeps the weights small, so that no single
  C-cell decides alone: that helps tolerance.
* ``"nearest-neighbour"``: the label of the closest training image in C-layer space: the
  same classifier as the pixel baseline
  (:class:`~cnn_course.neocognitron.baseline.PixelTemplateMatcher`), on different features.

Fukushima's network classified with its last C-layer directly (one cell per learned
category, labelled afterwards); a readout on top of the learned features is the usual
modern stand-in.

Examples
--------
>>> rng = np.random.default_rng(0)
>>> images = rng.integers(0, 256, size=(20, 12, 12))
>>> model = Neocognitron([Stage(4, 3, 0.5, 3, 2), Stage(6, 3, 0.4, 3, 2)], n_patches=500, seed=0)
>>> model.fit(images).transform(images).shape
(20, 3, 3, 6)
"""

from __future__ import annotations

import dataclasses
import json
import math
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

from cnn_course._validation import as_int, check_choice
from cnn_course.neocognitron._checks import CHUNK, _as_images, _as_labels, _as_real
from cnn_course.neocognitron.baseline import _nearest
from cnn_course.neocognitron.layers import POOL_MODES, c_layer, s_layer
from cnn_course.neocognitron.learning import competitive_learning, sample_patches
from cnn_course.pooling import pool_output_size

__all__ = ["DEFAULT_STAGES", "READOUTS", "Neocognitron", "Stage"]

#: The readouts of :class:`Neocognitron`.
READOUTS: tuple[str, ...] = ("ridge", "nearest-neighbour")

_FORMAT_VERSION = 1


# ---------------------------------------------------------------------------------------
# The architecture
# ---------------------------------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class Stage:
    """One S-layer and the C-layer that pools it.

    Parameters
    ----------
    planes : int
        Number of S-planes (features detected), each with shared weights.
    kernel : int
        Side of an S-cell's receptive field (odd, so that it has a centre).
    threshold : float
        Selectivity ``theta`` of the S-cells, in [0, 1): the cosine between patch and
        weights above which a cell fires.
    pool : int
        Side of a C-cell's window over its S-plane.
    stride : int
        Step between C-cells (the subsampling factor).
    pool_mode : {"max", "average"}
        How a C-cell summarises its window.

    Examples
    --------
    >>> Stage(8, 5, 0.6, 3, 2)
    Stage(planes=8, kernel=5, threshold=0.6, pool=3, stride=2, pool_mode='max')
    >>> Stage(8, 4, 0.6, 3, 2)
    Traceback (most recent call last):
    ...
    ValueError: kernel must be odd (an S-cell's receptive field has a centre), got 4
    """

    planes: int
    kernel: int
    threshold: float
    pool: int
    stride: int
    pool_mode: str = "max"

    def __post_init__(self) -> None:
        as_int(self.planes, "planes", 1)
        as_int(self.kernel, "kernel", 1)
        if self.kernel % 2 == 0:
            raise ValueError(f"kernel must be odd (an S-cell's receptive field has a centre), got {self.kernel}")
        object.__setattr__(self, "threshold", _as_real(self.threshold, "threshold", 0.0, 1.0, high_open=True))
        as_int(self.pool, "pool", 1)
        as_int(self.stride, "stride", 1)
        check_choice(self.pool_mode, "pool_mode", POOL_MODES)

    @property
    def padding(self) -> int:
        """Cells of padding of the C-layer's pooling, ``(pool - 1) // 2`` (they never count)."""
        return (self.pool - 1) // 2

    def output_side(self, side: int) -> int:
        """Side of this stage's C-planes for S-planes of side ``side``.

        Examples
        --------
        >>> Stage(8, 5, 0.6, 3, 2).output_side(28)
        14
        """
        return pool_output_size(side, self.pool, stride=self.stride, padding=self.padding)


#: The chapter's network: 8 S1-planes (5x5), C1 3x3 max-pooling with stride 2 (28 -> 14);
#: 32 S2-planes (5x5 over the 8 C1-planes), C2 9x9 max-pooling with stride 2 (14 -> 7).
DEFAULT_STAGES: tuple[Stage, ...] = (
    Stage(planes=8, kernel=5, threshold=0.6, pool=3, stride=2),
    Stage(planes=32, kernel=5, threshold=0.5, pool=9, stride=2),
)


def _as_stages(stages: Any) -> tuple[Stage, ...]:
    if isinstance(stages, Stage):
        stages = [stages]
    if isinstance(stages, (str, bytes)) or not isinstance(stages, Iterable):
        raise TypeError(f"stages must be a sequence of Stage, got {stages!r}")
    result = tuple(stages)
    if not result:
        raise ValueError("stages must hold at least one Stage")
    for item in result:
        if not isinstance(item, Stage):
            raise TypeError(f"stages must be a sequence of Stage, got an item {item!r}")
    return result


# ---------------------------------------------------------------------------------------
# The network
# ---------------------------------------------------------------------------------------


class Neocognitron:
    """A Neocognitron: stages of S- and C-layers learned without labels, then a readout.

    Parameters
    ----------
    stages : sequence of Stage
        The layers, from the input up (default :data:`DEFAULT_STAGES`).
    n_patches : int
        Patches sampled per stage for competitive learning.
    epochs : int
        Passes over the patches.
    learning_rate : float
        In (0, 1], see :func:`competitive_step`.
    min_fraction : float
        See :func:`sample_patches`.
    readout : {"ridge", "nearest-neighbour"}
        The classifier on top of the last C-layer (see the module's notes).
    ridge : float
        Penalty of the ridge readout (>= 0), on standardised features.
    seed : int
        Seeds every random choice of :meth:`fit`.

    Attributes
    ----------
    weights : list of ndarray
        After :meth:`fit`, one float32 array (k, k, C, planes) per stage, unit-length planes.

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> images = rng.integers(0, 256, size=(30, 10, 10)); labels = np.arange(30) % 3
    >>> model = Neocognitron([Stage(3, 3, 0.5, 3, 2)], n_patches=200).fit(images)
    >>> model.fit_readout(images, labels).predict(images).shape
    (30,)
    >>> list(model.layer_responses(images[0]))
    ['input', 'S1', 'C1']
    """

    def __init__(
        self,
        stages: Sequence[Stage] = DEFAULT_STAGES,
        *,
        n_patches: int = 20_000,
        epochs: int = 5,
        learning_rate: float = 0.5,
        min_fraction: float = 0.2,
        readout: str = "ridge",
        ridge: float = 1000.0,
        seed: int = 0,
    ) -> None:
        self.stages = _as_stages(stages)
        self.n_patches = as_int(n_patches, "n_patches", 1)
        self.epochs = as_int(epochs, "epochs", 1)
        self.learning_rate = _as_real(learning_rate, "learning_rate", 0.0, 1.0)
        if self.learning_rate == 0:
            raise ValueError("learning_rate must be > 0")
        self.min_fraction = _as_real(min_fraction, "min_fraction", 0.0, 1.0)
        self.readout = check_choice(readout, "readout", READOUTS)
        self.ridge = _as_real(ridge, "ridge", 0.0, math.inf)
        self.seed = as_int(seed, "seed", 0)
        self.weights: list[NDArray[np.float32]] = []
        self.image_shape: tuple[int, int] | None = None
        self._readout: dict[str, NDArray[Any]] = {}

    def __repr__(self) -> str:
        state = "fitted" if self.weights else "not fitted"
        return f"Neocognitron({len(self.stages)} stages, readout={self.readout!r}, seed={self.seed}; {state})"

    # -- shapes ---------------------------------------------------------------------

    def layer_shapes(self, image_shape: tuple[int, int] = (28, 28)) -> list[dict[str, Any]]:
        """One row per layer: its name, number of planes and plane size, for an input size.

        Examples
        --------
        >>> [(r["layer"], r["planes"], r["height"]) for r in Neocognitron().layer_shapes()]
        [('input', 1, 28), ('S1', 8, 28), ('C1', 8, 14), ('S2', 32, 14), ('C2', 32, 7)]
        """
        h, w = (as_int(v, "image_shape", 3) for v in image_shape)
        rows = [{"layer": "input", "planes": 1, "height": h, "width": w, "window": "", "what it does": "the retina"}]
        for number, stage in enumerate(self.stages, start=1):
            rows.append({"layer": f"S{number}", "planes": stage.planes, "height": h, "width": w,
                         "window": f"{stage.kernel}x{stage.kernel}",
                         "what it does": f"detects {stage.planes} learned features, selectivity {stage.threshold:g}"})
            h, w = stage.output_side(h), stage.output_side(w)
            rows.append({"layer": f"C{number}", "planes": stage.planes, "height": h, "width": w,
                         "window": f"{stage.pool}x{stage.pool}, stride {stage.stride}",
                         "what it does": f"{stage.pool_mode} over a neighbourhood, subsampled by {stage.stride}"})
        return rows

    def receptive_fields(self) -> list[dict[str, Any]]:
        """How much of the input one cell of each layer sees, and how far apart cells are.

        One row per layer: ``size`` (side of the square of input pixels that can reach
        one cell, ignoring the image's border), ``step`` (input pixels between
        neighbouring cells) and ``start`` (the input row/column of the top-left pixel of
        cell (0, 0)'s field; negative: it reaches into the padding).

        Examples
        --------
        >>> [(r["layer"], r["size"], r["step"]) for r in Neocognitron().receptive_fields()]
        [('S1', 5, 1), ('C1', 7, 2), ('S2', 15, 2), ('C2', 31, 4)]
        """
        rows, size, step, start = [], 1, 1, 0
        for number, stage in enumerate(self.stages, start=1):
            start -= (stage.kernel // 2) * step
            size += (stage.kernel - 1) * step
            rows.append({"layer": f"S{number}", "size": size, "step": step, "start": start})
            start -= stage.padding * step
            size += (stage.pool - 1) * step
            step *= stage.stride
            rows.append({"layer": f"C{number}", "size": size, "step": step, "start": start})
        return rows

    def preferred_patches(self, images: ArrayLike, stage: int = 2, *, top: int = 20) -> NDArray[np.float64]:
        """What excites each S-plane of a stage: the mean of the input crops it responds to most.

        For every plane of S-layer ``stage`` (1 = the first), the ``top`` strongest S-cell
        responses over all ``images`` and positions are found, the input pixels of each
        cell's receptive field are cut out (zeros beyond the border), and averaged. For
        stage 1 this looks like the weights; for deeper stages it shows the combination
        of features a plane has learned to detect.

        Returns
        -------
        ndarray of float64, shape (planes, size, size), grey levels 0..255
        """
        self._require_fitted()
        number = as_int(stage, "stage", 1)
        if number > len(self.stages):
            raise ValueError(f"stage must be between 1 and {len(self.stages)}, got {number}")
        top = as_int(top, "top", 1)
        x = self._inputs(images)
        field = self.receptive_fields()[2 * (number - 1)]
        size, step, start = field["size"], field["step"], field["start"]
        maps = x
        for stage_, w in zip(self.stages[: number - 1], self.weights):
            maps = c_layer(s_layer(maps, w, stage_.threshold), stage_.pool, stage_.stride, stage_.pool_mode)
        s = s_layer(maps, self.weights[number - 1], self.stages[number - 1].threshold)
        n, h, w_, planes = s.shape
        flat = s.reshape(-1, planes)
        top = min(top, len(flat))
        best = np.argpartition(-flat, top - 1, axis=0)[:top]  # (top, planes)
        pad = max(0, -start, start + step * (max(h, w_) - 1) + size - x.shape[1])
        padded = np.pad(x[..., 0], ((0, 0), (pad, pad), (pad, pad))) * 255.0
        out = np.zeros((planes, size, size))
        for plane in range(planes):
            b, rest = np.divmod(best[:, plane], h * w_)
            i, j = np.divmod(rest, w_)
            rows = start + step * i + pad
            cols = start + step * j + pad
            out[plane] = np.mean([padded[bb, r : r + size, c : c + size] for bb, r, c in zip(b, rows, cols)], axis=0)
        return out

    # -- learning -------------------------------------------------------------------

    def _require_fitted(self) -> None:
        if not self.weights or self.image_shape is None:
            raise RuntimeError("this Neocognitron is not fitted: call fit(images) first")

    def _inputs(self, images: ArrayLike, name: str = "images") -> NDArray[np.float32]:
        x = _as_images(images, name)
        if self.image_shape is not None and x.shape[1:] != self.image_shape:
            raise ValueError(
                f"{name} must be {self.image_shape[0]}x{self.image_shape[1]} like the training images, "
                f"got {x.shape[1]}x{x.shape[2]}"
            )
        return (x / 255.0).astype(np.float32)[..., None]

    def fit(self, images: ArrayLike) -> Neocognitron:
        """Learn every S-layer's planes from unlabelled images, stage by stage.

        Parameters
        ----------
        images : array_like, shape (N, H, W)
            Grey levels 0..255 (e.g. MNIST's uint8 digits). No labels: the learning is
            unsupervised. Forgets any fitted readout.

        Returns
        -------
        self
        """
        self.image_shape = None
        x = self._inputs(images)
        self.image_shape = x.shape[1:3]
        rng = np.random.default_rng(self.seed)
        self.weights, self._readout = [], {}
        for stage in self.stages:
            channels = x.shape[3]
            patches = sample_patches(x, stage.kernel, self.n_patches, min_fraction=self.min_fraction, seed=rng)
            if len(patches) < stage.planes:
                raise ValueError(
                    f"images give only {len(patches)} usable patches for {stage.planes} planes: "
                    "use more images or fewer planes"
                )
            learned = competitive_learning(patches, stage.planes, epochs=self.epochs,
                                           learning_rate=self.learning_rate, seed=rng)
            k = stage.kernel
            self.weights.append(np.ascontiguousarray(learned.reshape(stage.planes, k, k, channels).transpose(1, 2, 3, 0)))
            x = c_layer(s_layer(x, self.weights[-1], stage.threshold), stage.pool, stage.stride, stage.pool_mode)
        return self

    def _forward(self, x: NDArray[np.float32], keep: bool = False) -> list[NDArray[np.float32]]:
        maps = [x]
        for stage, w in zip(self.stages, self.weights):
            s = s_layer(maps[-1], w, stage.threshold)
            c = c_layer(s, stage.pool, stage.stride, stage.pool_mode)
            maps += [s, c] if keep else [c]
        return maps

    def transform(self, images: ArrayLike) -> NDArray[np.float32]:
        """The last C-layer's responses: shape (N, H', W', planes) (an (H, W) array is one image)."""
        self._require_fitted()
        x = self._inputs(images)
        out = []
        for start in range(0, len(x), CHUNK):
            out.append(self._forward(x[start : start + CHUNK])[-1])
        return np.concatenate(out)

    def features(self, images: ArrayLike) -> NDArray[np.float32]:
        """:meth:`transform`, flattened: one row of C-layer responses per image."""
        c = self.transform(images)
        return c.reshape(len(c), -1)

    def layer_responses(self, image: ArrayLike) -> dict[str, NDArray[np.float32]]:
        """Every layer's planes for one image, for pictures: ``{"input", "S1", "C1", ...}``.

        Each value has shape (H, W, planes) (the input: (H, W, 1), scaled to 0..1).
        """
        self._require_fitted()
        x = self._inputs(_as_images(image, "image", single=True), "image")
        maps = self._forward(x, keep=True)
        names = ["input"] + [f"{kind}{n}" for n in range(1, len(self.stages) + 1) for kind in ("S", "C")]
        return {name: m[0] for name, m in zip(names, maps)}

    def fit_readout(self, images: ArrayLike, labels: ArrayLike) -> Neocognitron:
        """Fit the classifier on the last C-layer (the S-planes do not change).

        Parameters
        ----------
        images : array_like, shape (N, H, W)
            Grey levels 0..255.
        labels : array_like of int, shape (N,)

        Returns
        -------
        self
        """
        self._require_fitted()
        f = self.features(images).astype(np.float64)
        y = _as_labels(labels, len(f))
        classes = np.unique(y)
        if self.readout == "nearest-neighbour":
            templates = f.astype(np.float32)
            self._readout = {"classes": classes, "templates": templates, "labels": y}
            return self
        mean, scale = f.mean(axis=0), f.std(axis=0) + 1e-3
        z = np.hstack([(f - mean) / scale, np.ones((len(f), 1))])
        targets = (y[:, None] == classes[None, :]).astype(np.float64)
        penalty = self.ridge * np.eye(z.shape[1])
        penalty[-1, -1] = 0.0  # the bias is not penalised
        coef = np.linalg.solve(z.T @ z + penalty, z.T @ targets)
        self._readout = {"classes": classes, "mean": mean, "scale": scale, "coef": coef}
        return self

    def decision_scores(self, images: ArrayLike) -> NDArray[np.float64]:
        """The ridge readout's output per class (N, classes): the prediction is the largest."""
        if self.readout != "ridge":
            raise ValueError(f"decision_scores needs readout='ridge', this model has readout={self.readout!r}")
        self._require_readout()
        f = self.features(images).astype(np.float64)
        r = self._readout
        return np.hstack([(f - r["mean"]) / r["scale"], np.ones((len(f), 1))]) @ r["coef"]

    def _require_readout(self) -> None:
        self._require_fitted()
        if not self._readout:
            raise RuntimeError("the readout is not fitted: call fit_readout(images, labels) first")

    def predict(self, images: ArrayLike) -> NDArray[np.int64]:
        """The predicted class of each image (an (H, W) array is one image)."""
        self._require_readout()
        r = self._readout
        if self.readout == "nearest-neighbour":
            templates = r["templates"]
            norms = np.einsum("nd,nd->n", templates, templates)
            return r["labels"][_nearest(templates, norms, self.features(images))]
        return r["classes"][np.argmax(self.decision_scores(images), axis=1)]

    def score(self, images: ArrayLike, labels: ArrayLike) -> float:
        """Accuracy (fraction of right labels) on ``images``."""
        predicted = self.predict(images)
        return float(np.mean(predicted == _as_labels(labels, len(predicted))))

    # -- saving ---------------------------------------------------------------------

    def config(self) -> dict[str, Any]:
        """The constructor's arguments, as plain Python values (JSON-ready)."""
        return {
            "stages": [dataclasses.asdict(s) for s in self.stages],
            "n_patches": self.n_patches,
            "epochs": self.epochs,
            "learning_rate": self.learning_rate,
            "min_fraction": self.min_fraction,
            "readout": self.readout,
            "ridge": self.ridge,
            "seed": self.seed,
        }

    def save(self, path: str | Path) -> Path:
        """Save the configuration, the planes and the readout to a compressed ``.npz``.

        No pickles: :meth:`load` reads it with ``allow_pickle=False``.
        """
        self._require_fitted()
        path = Path(path)
        meta = {"format": _FORMAT_VERSION, "config": self.config(), "image_shape": list(self.image_shape or ())}
        arrays: dict[str, NDArray[Any]] = {"meta": np.array(json.dumps(meta))}
        arrays.update({f"weights_{i}": w for i, w in enumerate(self.weights)})
        arrays.update({f"readout_{k}": v for k, v in self._readout.items()})
        path.parent.mkdir(parents=True, exist_ok=True)
        with open(path, "wb") as f:
            np.savez_compressed(f, **arrays)
        return path

    @classmethod
    def load(cls, path: str | Path) -> Neocognitron:
        """Read a model written by :meth:`save`."""
        path = Path(path)
        if not path.is_file():
            raise FileNotFoundError(f"path: no such file: {path}")
        try:
            with np.load(path, allow_pickle=False) as data:
                contents = {k: data[k] for k in data.files}
        except (OSError, ValueError) as err:
            raise ValueError(f"path: {path} is not a saved Neocognitron ({err})") from err
        if "meta" not in contents:
            raise ValueError(f"path: {path} is not a saved Neocognitron (no 'meta' entry)")
        meta = json.loads(str(contents["meta"]))
        if meta.get("format") != _FORMAT_VERSION:
            raise ValueError(f"path: {path} has format {meta.get('format')!r}, this version reads {_FORMAT_VERSION}")
        config = dict(meta["config"])
        config["stages"] = [Stage(**s) for s in config["stages"]]
        model = cls(**config)
        model.weights = [contents[f"weights_{i}"].astype(np.float32) for i in range(len(model.stages))]
        model.image_shape = tuple(meta["image_shape"])  # type: ignore[assignment]
        model._readout = {k[len("readout_"):]: v for k, v in contents.items() if k.startswith("readout_")}
        return model
