"""Helpers of the AlexNet chapter: find CIFAR-10 (or say how to get it), trace shapes, and
run the short training demonstrations.

The models themselves are in :mod:`cnn_course.models.alexnet` (their layer tables:
:func:`cnn_course.models.layer_table`), the training command in
:mod:`cnn_course.train.alexnet`, the confusion matrix and per-class accuracy in
:mod:`cnn_course.metrics`, balanced subsets in :mod:`cnn_course.data.subsets`, the charts
in :mod:`cnn_course.alexnet.charts`.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray

from cnn_course.data import CLASS_NAMES, DataError

__all__ = [
    "Cifar10",
    "ScaledImages",
    "DemoRun",
    "class_names",
    "find_cifar10",
    "spatial_trace",
    "train_demo",
]


class ScaledImages:
    """uint8 images that read as float32 in [0, 1]: ``images[i]`` scales only what it returns.

    The chapter trains on a few thousand of CIFAR-10's 50,000 training images; keeping all of
    them as float32 would hold 614 MB, as uint8 they hold 154 MB (a Binder session has 2 GB
    in all).  Indexing gives exactly what scaling the whole array first would
    (``pixels.astype(np.float32) * np.float32(1 / 255)``, element by element), and
    ``np.asarray(images)`` scales them all.

    Examples
    --------
    >>> pixels = np.array([[0, 51, 255]], dtype=np.uint8)
    >>> images = ScaledImages(pixels)
    >>> images[0][[0, 2]].tolist(), images.shape, images.dtype, len(images)
    ([0.0, 1.0], (1, 3), dtype('float32'), 1)
    >>> np.array_equal(images[:], pixels.astype(np.float32) * np.float32(1 / 255))
    True
    """

    SCALE = np.float32(1 / 255)

    def __init__(self, pixels: NDArray[np.uint8]) -> None:
        if not (isinstance(pixels, np.ndarray) and pixels.dtype == np.uint8):
            got = f"{pixels.dtype} array" if isinstance(pixels, np.ndarray) else type(pixels).__name__
            raise TypeError(f"pixels must be a uint8 numpy array, got {got}")
        self.pixels = pixels

    def __getitem__(self, index: Any) -> NDArray[np.float32]:
        return self._scale(self.pixels[index])

    def __len__(self) -> int:
        return len(self.pixels)

    def __array__(self, dtype: Any = None, copy: Any = None) -> NDArray[Any]:
        scaled = self._scale(self.pixels)
        return scaled if dtype is None else scaled.astype(dtype)

    @property
    def shape(self) -> tuple[int, ...]:
        return self.pixels.shape

    @property
    def dtype(self) -> np.dtype:
        return np.dtype(np.float32)

    def _scale(self, pixels: Any) -> Any:
        scaled = np.asarray(pixels).astype(np.float32)
        scaled *= self.SCALE
        return scaled


@dataclass
class Cifar10:
    """CIFAR-10 scaled to [0, 1] (float32) with int labels, or the reason it is unavailable.

    ``available`` is False when no copy was found; ``message`` then says how to get one.
    The training images are :class:`ScaledImages` (kept as uint8, scaled when indexed);
    the test images a float32 array.
    """

    x_train: ScaledImages | None
    y_train: NDArray[np.int64] | None
    x_test: NDArray[np.float32] | None
    y_test: NDArray[np.int64] | None
    source: str
    message: str

    @property
    def available(self) -> bool:
        return self.x_test is not None


def find_cifar10(data_dir: Any = None) -> Cifar10:
    """Load CIFAR-10 if a copy is available; otherwise explain how to get one (no exception).

    The chapter calls this once: with no copy (offline, nothing imported) the notebook still
    runs, skipping the cells that need the images, and shows ``message``.

    Examples
    --------
    >>> import os, tempfile
    >>> from unittest import mock
    >>> env = {"CNN_COURSE_CACHE": tempfile.mkdtemp(), "CNN_COURSE_OFFLINE": "1"}
    >>> with mock.patch.dict(os.environ, env):
    ...     data = find_cifar10()
    >>> data.available, "fetch cifar10" in data.message
    (False, True)
    """
    from cnn_course.data import describe_source, load_cifar10

    try:
        (x_train, y_train), (x_test, y_test) = load_cifar10(data_dir)
    except DataError as exc:
        message = (
            "CIFAR-10 is not available here, so the cells that need its images are skipped.\n"
            f"{exc}\n"
            "With the course's shared copy: make data (or python -m cnn_course.data fetch "
            "cifar10 --from FOLDER); online, load_cifar10() downloads it through Keras."
        )
        return Cifar10(None, None, None, None, "", message)
    source = describe_source("cifar10")
    return Cifar10(
        ScaledImages(x_train),
        y_train.reshape(-1).astype(np.int64),
        ScaledImages(x_test)[:],
        y_test.reshape(-1).astype(np.int64),
        source,
        f"CIFAR-10: {len(x_train):,} training and {len(x_test):,} test images. {source}",
    )


def spatial_trace(models: dict[str, Any]) -> list[dict[str, Any]]:
    """For each model, the height of the feature map after each conv and pool layer.

    Examples
    --------
    >>> from cnn_course.models.alexnet import alexnet_literal
    >>> [r["height"] for r in spatial_trace({"literal": alexnet_literal()})]
    [32, 6, 2, 2, 1, 1, 1, 1, 1]
    """
    import keras

    rows = []
    for name, model in models.items():
        if not isinstance(model, keras.Model):
            raise TypeError(f"models[{name!r}] must be a keras.Model, got {type(model).__name__}")
        rows.append({"model": name, "step": 0, "layer": "input", "height": int(model.input.shape[1])})
        for layer in model.layers:
            if isinstance(layer, (keras.layers.Conv2D, keras.layers.MaxPooling2D)):
                rows.append({"model": name, "step": len([r for r in rows if r["model"] == name]),
                             "layer": layer.name, "height": int(layer.output.shape[1])})
    return rows


@dataclass
class DemoRun:
    """What :func:`train_demo` returns: the trained model, its per-epoch history and timing."""

    model: Any
    history: dict[str, list[float]]
    seconds: float
    train_accuracy: float
    test_accuracy: float


def train_demo(
    model: Any,
    x_train: Any,
    y_train: Any,
    x_test: Any,
    y_test: Any,
    *,
    epochs: int = 3,
    batch_size: int = 64,
    learning_rate: float = 0.02,
    seed: int = 0,
) -> DemoRun:
    """Train ``model`` briefly (SGD, Nesterov momentum 0.9, cosine decay), seeded, quietly.

    The final train and test accuracies are measured in inference mode (no augmentation,
    no dropout), so they can be compared.
    """
    import keras

    from cnn_course.seeding import set_seed

    if not isinstance(model, keras.Model):
        raise TypeError(f"model must be a keras.Model, got {type(model).__name__}")
    if isinstance(epochs, bool) or not isinstance(epochs, int) or epochs < 1:
        raise ValueError(f"epochs must be a positive int, got {epochs!r}")
    set_seed(seed)
    steps = epochs * int(np.ceil(len(x_train) / batch_size))
    schedule = keras.optimizers.schedules.CosineDecay(learning_rate, steps, alpha=0.05)
    model.compile(
        optimizer=keras.optimizers.SGD(schedule, momentum=0.9, nesterov=True),
        loss="sparse_categorical_crossentropy",
        metrics=["accuracy"],
    )
    start = time.perf_counter()
    fit = model.fit(
        x_train, y_train, batch_size=batch_size, epochs=epochs,
        validation_data=(x_test, y_test), verbose=2, shuffle=True,
    )
    seconds = time.perf_counter() - start
    _, train_acc = model.evaluate(x_train, y_train, batch_size=256, verbose=0)
    _, test_acc = model.evaluate(x_test, y_test, batch_size=256, verbose=0)
    history = {k: [float(v) for v in vals] for k, vals in fit.history.items()}
    return DemoRun(model, history, seconds, float(train_acc), float(test_acc))


def class_names() -> tuple[str, ...]:
    """CIFAR-10's class names, in label order."""
    return tuple(CLASS_NAMES)
