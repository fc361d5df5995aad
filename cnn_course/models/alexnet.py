"""AlexNet two ways, for 32x32 CIFAR-10 images: the literal port and an adapted network.

- :func:`alexnet_literal`: Krizhevsky, Sutskever and Hinton's (2012) layer list copied onto
  32x32x3 input (11x11 stride-4 first convolution, 3x3 stride-2 max pools, two dense layers
  of 4096 units): 22,590,346 parameters, most of them in two dense layers that see a 1x1
  map. It overfits CIFAR-10.
- :func:`alexnet_cifar`: AlexNet's design (five convolutions, three max-pool stages, two
  dense layers with dropout 0.5, ReLU; batch normalisation in place of local response
  normalisation, or :class:`LocalResponseNormalization` on request) with 3x3 stride-1
  convolutions, so that a 4x4 map survives to the end; random shifts and horizontal
  flips (:class:`RandomShiftFlip`) are a layer of the model, active only while training.
- :func:`load_alexnet_cifar`: that network with the course's trained weights
  (``data/alexnet_cifar.weights.h5``).

Every model takes images scaled to [0, 1], shape (32, 32, 3), and returns softmax
probabilities over the 10 classes. The code uses ``keras.ops`` and Keras layers only, so
it runs on the TensorFlow, JAX and PyTorch backends.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import keras
from keras import layers, ops

from cnn_course._validation import as_int, check_choice
from cnn_course.data import DataError
from cnn_course.models.tables import layer_table

__all__ = [
    "ALEXNET_CIFAR_WEIGHTS",
    "ALEXNET_TRAIN_COMMAND",
    "HorizontalFlip",
    "LocalResponseNormalization",
    "RandomShiftFlip",
    "ShiftImage",
    "alexnet_cifar",
    "alexnet_literal",
    "augmentation",
    "load_alexnet_cifar",
    "multiply_adds",
    "parameter_split",
    "stored_architecture",
    "with_flip_average",
    "with_ten_view_average",
]

#: File name of the shipped weights of :func:`alexnet_cifar` (in ``data/``).
ALEXNET_CIFAR_WEIGHTS = "alexnet_cifar.weights.h5"

_HALF_WIDTH_RUN = "python -m cnn_course.train alexnet --width 0.5 --batch-size 128 --dropout 0.3 --epochs 21"
#: The commands that make the shipped weights and history (half width, under 2 hours on a
#: 2-core CPU): 21 epochs, then the schedule extended to 27 (see the chapter).
ALEXNET_TRAIN_COMMAND = f"{_HALF_WIDTH_RUN} && {_HALF_WIDTH_RUN} --extend-to 27"

#: Conv widths of the adapted network: AlexNet's own as usually re-implemented (torchvision).
CIFAR_WIDTHS = (64, 192, 384, 256, 256)
#: Widths of its two dense layers (AlexNet: 4096; see the chapter for the reduction).
CIFAR_DENSE = (512, 512)
#: conv number -> pool number: pools follow conv1, conv2 and conv5, as in AlexNet.
_POOL_AFTER = {1: 1, 2: 2, 5: 3}


def _check_input_shape(input_shape: Any) -> tuple[int, int, int]:
    if not isinstance(input_shape, (tuple, list)) or len(input_shape) != 3:
        raise ValueError(f"input_shape must be (height, width, channels), got {input_shape!r}")
    return tuple(as_int(v, "input_shape", 1) for v in input_shape)  # type: ignore[return-value]


def _check_rate(value: Any, name: str) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0 <= value < 1:
        raise ValueError(f"{name} must be a number in [0, 1), got {value!r}")
    return float(value)


@keras.saving.register_keras_serializable(package="cnn_course")
class LocalResponseNormalization(layers.Layer):
    """AlexNet's local response normalisation across channels (Krizhevsky et al., 2012).

    Each activity is divided by a power of the summed squares of its ``size`` neighbours
    along the channel axis at the same position::

        b[..., c] = a[..., c] / (k + alpha * sum_{|c' - c| <= size // 2} a[..., c'] ** 2) ** beta

    with the paper's constants ``size=5, k=2, alpha=1e-4, beta=0.75`` by default. (TensorFlow's
    ``tf.nn.local_response_normalization`` takes ``depth_radius = size // 2`` and the same
    ``alpha``.) It has no weights.

    Examples
    --------
    >>> import numpy as np
    >>> x = np.ones((1, 1, 1, 3), "float32")
    >>> y = LocalResponseNormalization(size=3, k=1.0, alpha=1.0, beta=1.0)(x)
    >>> [round(float(v), 4) for v in keras.ops.convert_to_numpy(y).ravel()]
    [0.3333, 0.25, 0.3333]
    """

    def __init__(self, size: int = 5, k: float = 2.0, alpha: float = 1e-4, beta: float = 0.75, **kwargs: Any):
        super().__init__(**kwargs)
        size = as_int(size, "size", 1)
        if size % 2 == 0:
            raise ValueError(f"size must be odd (a window centred on the channel), got {size}")
        for name, value in (("k", k), ("alpha", alpha), ("beta", beta)):
            if isinstance(value, bool) or not isinstance(value, (int, float)) or value < 0:
                raise ValueError(f"{name} must be a non-negative number, got {value!r}")
        self.size, self.k, self.alpha, self.beta = size, float(k), float(alpha), float(beta)

    def call(self, inputs: Any) -> Any:
        radius = self.size // 2
        squares = ops.square(inputs)
        channels = squares.shape[-1]
        padded = ops.pad(squares, [[0, 0]] * (len(squares.shape) - 1) + [[radius, radius]])
        total = padded[..., 0:channels]
        for shift in range(1, self.size):
            total = total + padded[..., shift : shift + channels]
        return inputs / ops.power(self.k + self.alpha * total, self.beta)

    def compute_output_shape(self, input_shape: Any) -> Any:
        return input_shape

    def get_config(self) -> dict[str, Any]:
        return {**super().get_config(), "size": self.size, "k": self.k, "alpha": self.alpha, "beta": self.beta}


@keras.saving.register_keras_serializable(package="cnn_course")
class RandomShiftFlip(layers.Layer):
    """Data augmentation: move each image by up to ``pad`` pixels and flip half of them.

    The usual CIFAR-10 recipe, "pad by 4 pixels and crop a 32x32 window at random, flip
    left-right with probability 1/2", as one layer: each image is shifted by a random whole
    number of pixels in ``[-pad, pad]`` along each axis (what leaves the frame is lost, what
    enters is black) and mirrored with probability 1/2. Active only when ``training=True``
    (inside ``fit``); otherwise images pass through unchanged.

    The shifts are done by multiplying with one-hot shift matrices (``keras.ops.einsum``), so
    the layer is fast and the same on the TensorFlow, JAX and PyTorch backends.

    Examples
    --------
    >>> import numpy as np
    >>> x = np.arange(16, dtype="float32").reshape(1, 4, 4, 1)
    >>> layer = RandomShiftFlip(pad=1, seed=0)
    >>> bool(np.all(keras.ops.convert_to_numpy(layer(x)) == x))        # inference: unchanged
    True
    >>> keras.ops.convert_to_numpy(layer(x, training=True)).shape
    (1, 4, 4, 1)
    """

    def __init__(self, pad: int = 4, flip: bool = True, seed: int | None = None, **kwargs: Any):
        super().__init__(**kwargs)
        self.pad = as_int(pad, "pad", 0)
        if not isinstance(flip, bool):
            raise TypeError(f"flip must be True or False, got {flip!r}")
        self.flip = flip
        self.seed = seed
        self.seed_generator = keras.random.SeedGenerator(seed)
        self.supports_masking = False

    def _source_index(self, size: int, shift: Any, mirror: Any = None) -> Any:
        out = ops.arange(size)[None, :] + shift[:, None]          # output i reads input i + shift
        if mirror is not None:
            out = ops.where(mirror[:, None], size - 1 - out, out)
        # (batch, out, in) one-hot; a source outside the image matches nothing: zero fill
        return ops.equal(out[:, :, None], ops.arange(size)[None, None, :])

    def call(self, inputs: Any, training: bool | None = None) -> Any:
        if not training or (self.pad == 0 and not self.flip):
            return inputs
        batch = ops.shape(inputs)[0]
        height, width = inputs.shape[1], inputs.shape[2]
        p = self.pad
        dy = keras.random.randint((batch,), -p, p + 1, seed=self.seed_generator)
        dx = keras.random.randint((batch,), -p, p + 1, seed=self.seed_generator)
        mirror = None
        if self.flip:
            mirror = keras.random.uniform((batch,), seed=self.seed_generator) < 0.5
        rows = ops.cast(self._source_index(height, dy), inputs.dtype)
        cols = ops.cast(self._source_index(width, dx, mirror), inputs.dtype)
        moved = ops.einsum("bij,bjwc->biwc", rows, inputs)
        return ops.einsum("bkw,biwc->bikc", cols, moved)

    def compute_output_shape(self, input_shape: Any) -> Any:
        return input_shape

    def get_config(self) -> dict[str, Any]:
        return {**super().get_config(), "pad": self.pad, "flip": self.flip, "seed": self.seed}


def augmentation(pad: int = 4, flip: bool = True, seed: int | None = None) -> RandomShiftFlip:
    """The augmentation of :func:`alexnet_cifar`: random shifts of up to ``pad`` pixels and flips.

    Examples
    --------
    >>> aug = augmentation()
    >>> aug.name, aug.pad, aug.flip
    ('augmentation', 4, True)
    """
    return RandomShiftFlip(pad=pad, flip=flip, seed=seed, name="augmentation")


@keras.saving.register_keras_serializable(package="cnn_course")
class HorizontalFlip(layers.Layer):
    """Mirror images left-right (always, not at random): ``x[:, :, ::-1, :]``.

    Examples
    --------
    >>> import numpy as np
    >>> x = np.arange(3, dtype="float32").reshape(1, 1, 3, 1)
    >>> keras.ops.convert_to_numpy(HorizontalFlip()(x)).ravel().tolist()
    [2.0, 1.0, 0.0]
    """

    def call(self, inputs: Any) -> Any:
        return ops.flip(inputs, axis=2)

    def compute_output_shape(self, input_shape: Any) -> Any:
        return input_shape


def with_flip_average(model: keras.Model) -> keras.Model:
    """``model`` predicting the average of its softmax outputs on an image and on its mirror image.

    A reduced form of AlexNet's test-time averaging (Krizhevsky et al. averaged ten 224x224
    patches: four corners and the centre, and their mirror images). The weights are shared
    with ``model``, nothing is trained.

    Examples
    --------
    >>> import numpy as np
    >>> base = alexnet_cifar(width=0.125, seed=0)
    >>> both = with_flip_average(base)
    >>> x = np.random.default_rng(0).random((2, 32, 32, 3)).astype("float32")
    >>> expected = (base.predict(x, verbose=0) + base.predict(x[:, :, ::-1], verbose=0)) / 2
    >>> bool(np.allclose(both.predict(x, verbose=0), expected, atol=1e-5))
    True
    """
    if not isinstance(model, keras.Model):
        raise TypeError(f"model must be a keras.Model, got {type(model).__name__}")
    inputs = keras.Input(tuple(model.input_shape[1:]), name="image")
    mirrored = HorizontalFlip(name="mirror")(inputs)
    outputs = layers.Average(name="flip_average")([model(inputs), model(mirrored)])
    return keras.Model(inputs, outputs, name=f"{model.name}_flip_average")


@keras.saving.register_keras_serializable(package="cnn_course")
class ShiftImage(layers.Layer):
    """Move the picture by (``dy``, ``dx``) pixels, filling the uncovered border with zeros.

    Output pixel (i, j) is input pixel (i + dy, j + dx): ``dx = 2`` shows the part of the
    image 2 pixels further right, as a crop window moved right would.

    Examples
    --------
    >>> import numpy as np
    >>> x = np.arange(4, dtype="float32").reshape(1, 1, 4, 1)
    >>> keras.ops.convert_to_numpy(ShiftImage(0, 1)(x)).ravel().tolist()
    [1.0, 2.0, 3.0, 0.0]
    """

    def __init__(self, dy: int = 0, dx: int = 0, **kwargs: Any):
        super().__init__(**kwargs)
        self.dy, self.dx = as_int(dy, "dy"), as_int(dx, "dx")

    def call(self, inputs: Any) -> Any:
        p = max(abs(self.dy), abs(self.dx))
        if p == 0:
            return inputs
        h, w = inputs.shape[1], inputs.shape[2]
        padded = ops.pad(inputs, [[0, 0], [p, p], [p, p], [0, 0]])
        return padded[:, p + self.dy : p + self.dy + h, p + self.dx : p + self.dx + w, :]

    def compute_output_shape(self, input_shape: Any) -> Any:
        return input_shape

    def get_config(self) -> dict[str, Any]:
        return {**super().get_config(), "dy": self.dy, "dx": self.dx}


def with_ten_view_average(model: keras.Model, shift: int = 2) -> keras.Model:
    """``model`` averaging its softmax over ten views of each image, as AlexNet was tested.

    Krizhevsky et al. (2012) averaged the predictions on ten 224x224 patches of a 256x256
    image: the four corner patches and the centre one, and their mirror images. On a 32x32
    image the patches become the image itself and four copies moved by ``shift`` pixels
    diagonally (zero-filled borders, as in training's random shifts), each also mirrored.
    The weights are shared with ``model``; nothing is trained.

    Examples
    --------
    >>> import numpy as np
    >>> base = alexnet_cifar(width=0.125, seed=0)
    >>> ten = with_ten_view_average(base)
    >>> x = np.random.default_rng(0).random((2, 32, 32, 3)).astype("float32")
    >>> p = ten.predict(x, verbose=0)
    >>> p.shape, bool(np.allclose(p.sum(axis=1), 1, atol=1e-5))
    ((2, 10), True)
    """
    if not isinstance(model, keras.Model):
        raise TypeError(f"model must be a keras.Model, got {type(model).__name__}")
    shift = as_int(shift, "shift", 1)
    inputs = keras.Input(tuple(model.input_shape[1:]), name="image")
    mirrored = HorizontalFlip(name="mirror")(inputs)
    outputs = []
    offsets = [(0, 0), (-shift, -shift), (-shift, shift), (shift, -shift), (shift, shift)]
    for source, tag in ((inputs, ""), (mirrored, "_mirror")):
        for dy, dx in offsets:
            view = source if (dy, dx) == (0, 0) else ShiftImage(dy, dx, name=f"shift_{dy}_{dx}{tag}".replace("-", "m"))(source)
            outputs.append(model(view))
    averaged = layers.Average(name="ten_view_average")(outputs)
    return keras.Model(inputs, averaged, name=f"{model.name}_ten_views")


def alexnet_literal(
    input_shape: Sequence[int] = (32, 32, 3), num_classes: int = 10, *, dropout: float = 0.5
) -> keras.Model:
    """The literal Keras port of AlexNet to 32x32 input (the usual blog-post version).

    Conv 96 11x11 stride 4 - BatchNorm - MaxPool 3/2 - Conv 256 5x5 same - BatchNorm -
    MaxPool 3/2 same - 3 x Conv 384 3x3 same - MaxPool 3/2 same - Flatten - Dense 4096 -
    Dropout - Dense 4096 - Dropout - Dense softmax; ReLU everywhere. On 32x32 input the maps
    are 6x6, 2x2, then 1x1 from the third convolution on.

    Examples
    --------
    >>> model = alexnet_literal()
    >>> model.count_params()
    22590346
    >>> model.get_layer("pool3").output.shape
    (None, 1, 1, 384)
    """
    h, w, c = _check_input_shape(tuple(input_shape))
    num_classes = as_int(num_classes, "num_classes", 2)
    dropout = _check_rate(dropout, "dropout")
    inputs = keras.Input((h, w, c), name="image")
    x = layers.Conv2D(96, 11, strides=4, activation="relu", name="conv1")(inputs)
    x = layers.BatchNormalization(name="bn1")(x)
    x = layers.MaxPooling2D(3, strides=2, name="pool1")(x)
    x = layers.Conv2D(256, 5, padding="same", activation="relu", name="conv2")(x)
    x = layers.BatchNormalization(name="bn2")(x)
    x = layers.MaxPooling2D(3, strides=2, padding="same", name="pool2")(x)
    for i in (3, 4, 5):
        x = layers.Conv2D(384, 3, padding="same", activation="relu", name=f"conv{i}")(x)
    x = layers.MaxPooling2D(3, strides=2, padding="same", name="pool3")(x)
    x = layers.Flatten(name="flatten")(x)
    x = layers.Dense(4096, activation="relu", name="fc6")(x)
    x = layers.Dropout(dropout, name="dropout6")(x)
    x = layers.Dense(4096, activation="relu", name="fc7")(x)
    x = layers.Dropout(dropout, name="dropout7")(x)
    outputs = layers.Dense(num_classes, activation="softmax", dtype="float32", name="predictions")(x)
    return keras.Model(inputs, outputs, name="alexnet_literal")


def alexnet_cifar(
    input_shape: Sequence[int] = (32, 32, 3),
    num_classes: int = 10,
    *,
    widths: Sequence[int] = CIFAR_WIDTHS,
    dense: Sequence[int] = CIFAR_DENSE,
    dropout: float = 0.5,
    normalization: str = "batch",
    augment: bool = True,
    width: float = 1.0,
    seed: int | None = None,
) -> keras.Model:
    """AlexNet adapted to 32x32 images: five 3x3 convolutions, three max pools, two dense layers.

    conv1 - pool1 (16x16) - conv2 - pool2 (8x8) - conv3 - conv4 - conv5 - pool3 (4x4) -
    Flatten - fc6 - dropout - fc7 - dropout - softmax. Each convolution is 3x3, stride 1,
    'same' padding, followed by the normalisation and a ReLU; pools are 2x2, stride 2.

    Parameters
    ----------
    input_shape : (int, int, int)
        Image shape; three 2x2 pools need height and width divisible by 8.
    num_classes : int
        Number of classes of the softmax output.
    widths : five ints
        Filters of conv1..conv5 (default AlexNet's 64, 192, 384, 256, 256).
    dense : two ints
        Units of fc6 and fc7 (default 512, 512; AlexNet had 4096).
    dropout : float
        Dropout rate before fc7 and before the output (AlexNet: 0.5; 0 removes it).
    normalization : {"batch", "lrn", "none"}
        Batch normalisation after each convolution (default), AlexNet's local response
        normalisation after conv1 and conv2 (:class:`LocalResponseNormalization`), or none.
    augment : bool
        Put :func:`augmentation` (random shifts of up to 4 pixels, and flips) at the model's input.
    width : float
        Multiplies every width (conv and dense), e.g. 0.25 for a quick experiment.
    seed : int, optional
        Seed of the augmentation layers.

    Examples
    --------
    >>> model = alexnet_cifar()
    >>> model.get_layer("pool3").output.shape
    (None, 4, 4, 256)
    >>> alexnet_cifar(width=0.25).count_params() < model.count_params() // 10
    True
    """
    h, w, c = _check_input_shape(tuple(input_shape))
    if h % 8 or w % 8:
        raise ValueError(f"input_shape: height and width must be divisible by 8 (three 2x2 pools), got {input_shape!r}")
    num_classes = as_int(num_classes, "num_classes", 2)
    if len(widths) != 5:
        raise ValueError(f"widths must hold five filter counts (conv1..conv5), got {widths!r}")
    if len(dense) != 2:
        raise ValueError(f"dense must hold two unit counts (fc6, fc7), got {dense!r}")
    widths = tuple(as_int(v, "widths", 1) for v in widths)
    dense = tuple(as_int(v, "dense", 1) for v in dense)
    dropout = _check_rate(dropout, "dropout")
    normalization = check_choice(normalization, "normalization", ("batch", "lrn", "none"))
    if not isinstance(augment, bool):
        raise TypeError(f"augment must be True or False, got {augment!r}")
    if isinstance(width, bool) or not isinstance(width, (int, float)) or not width > 0:
        raise ValueError(f"width must be a positive number, got {width!r}")
    widths = tuple(max(1, round(v * width)) for v in widths)
    dense = tuple(max(1, round(v * width)) for v in dense)

    inputs = keras.Input((h, w, c), name="image")
    x = augmentation(seed=seed)(inputs) if augment else inputs
    x = layers.Rescaling(2.0, offset=-1.0, name="to_minus1_1")(x)
    for i, filters in enumerate(widths, start=1):
        x = layers.Conv2D(filters, 3, padding="same", use_bias=normalization != "batch", name=f"conv{i}")(x)
        if normalization == "batch":
            x = layers.BatchNormalization(name=f"bn{i}")(x)
        x = layers.ReLU(name=f"relu{i}")(x)
        if normalization == "lrn" and i <= 2:
            x = LocalResponseNormalization(name=f"lrn{i}")(x)
        if i in _POOL_AFTER:
            x = layers.MaxPooling2D(2, name=f"pool{_POOL_AFTER[i]}")(x)
    x = layers.Flatten(name="flatten")(x)
    x = layers.Dense(dense[0], activation="relu", name="fc6")(x)
    x = layers.Dropout(dropout, name="dropout6")(x)
    x = layers.Dense(dense[1], activation="relu", name="fc7")(x)
    x = layers.Dropout(dropout, name="dropout7")(x)
    outputs = layers.Dense(num_classes, activation="softmax", dtype="float32", name="predictions")(x)
    return keras.Model(inputs, outputs, name="alexnet_cifar")


def stored_architecture(path: str) -> dict[str, Any]:
    """The widths of the :func:`alexnet_cifar` whose weights a ``.weights.h5`` file holds.

    Read from the shapes of the stored kernels, so that a file of any ``width`` loads into a
    network of the right size. Returns ``{"widths": (5 ints), "dense": (2 ints),
    "normalization": "batch" or "none"}`` (a file without batch-norm weights may also belong
    to the ``"lrn"`` variant, whose normalisation has no weights).

    Raises
    ------
    DataError
        If the file cannot be read or does not hold the weights of an :func:`alexnet_cifar`.

    Examples
    --------
    >>> import tempfile, os
    >>> file = os.path.join(tempfile.mkdtemp(), "half.weights.h5")
    >>> alexnet_cifar(width=0.5).save_weights(file)
    >>> stored_architecture(file)
    {'widths': (32, 96, 192, 128, 128), 'dense': (256, 256), 'normalization': 'batch'}
    """
    import h5py

    kernels: dict[str, tuple[int, ...]] = {}
    try:
        with h5py.File(path, "r") as f:

            def visit(name: str, obj: Any) -> None:
                if isinstance(obj, h5py.Group) and name.endswith("/vars") and "0" in obj:
                    kernels[str(obj.attrs.get("name", name))] = tuple(obj["0"].shape)

            f.visititems(visit)
    except (OSError, KeyError, ValueError) as exc:
        raise DataError(f"path: {path} is not a readable Keras weights file ({type(exc).__name__}: {exc})") from None
    wanted = [f"conv{i}" for i in range(1, 6)] + ["fc6", "fc7"]
    missing = [name for name in wanted if name not in kernels]
    if missing:
        raise DataError(f"path: {path} does not hold the weights of an alexnet_cifar network (no {', '.join(missing)})")
    return {
        "widths": tuple(int(kernels[f"conv{i}"][-1]) for i in range(1, 6)),
        "dense": (int(kernels["fc6"][-1]), int(kernels["fc7"][-1])),
        "normalization": "batch" if "bn1" in kernels else "none",
    }


def load_alexnet_cifar(path: str | None = None) -> keras.Model:
    """:func:`alexnet_cifar` with the course's trained weights (``data/alexnet_cifar.weights.h5``).

    The network is built at the size the file holds (:func:`stored_architecture`): the
    shipped file is the half-width network (``width=0.5``, 1,158,250 parameters) trained on
    a 2-core CPU with :data:`ALEXNET_TRAIN_COMMAND`. Input: images of shape (N, 32, 32, 3)
    scaled to [0, 1]; output: (N, 10) softmax probabilities, in the order of
    :data:`cnn_course.data.CLASS_NAMES`.

    Parameters
    ----------
    path : str, optional
        Another weights file of an :func:`alexnet_cifar` network, of any width (default: the
        shipped one).

    Raises
    ------
    DataError
        If the file is missing or unreadable; the message gives the command that recreates it.

    Examples
    --------
    >>> model = load_alexnet_cifar()  # doctest: +SKIP
    >>> model.output.shape  # doctest: +SKIP
    (None, 10)
    """
    from cnn_course.shipped import shipped_file

    if path is None:
        file = shipped_file(ALEXNET_CIFAR_WEIGHTS, train_command=ALEXNET_TRAIN_COMMAND)
    else:
        import os

        file = os.fspath(path)
        if not os.path.isfile(file):
            raise DataError(f"path: weights file {file} not found; train one with:\n    {ALEXNET_TRAIN_COMMAND}")
    try:
        model = alexnet_cifar(**stored_architecture(file))
        model.load_weights(file)
    except Exception as exc:  # h5py / Keras errors on corrupt or mismatched files
        raise DataError(
            f"could not load the AlexNet weights from {file} ({type(exc).__name__}: {exc}). "
            f"Restore the file from the repository (git checkout data/{ALEXNET_CIFAR_WEIGHTS}) "
            f"or recreate it with:\n    {ALEXNET_TRAIN_COMMAND}"
        ) from None
    return model


def multiply_adds(model: keras.Model) -> int:
    """Multiply-adds of one forward pass of one image through ``model`` (see
    :func:`cnn_course.models.layer_table`).

    Examples
    --------
    >>> round(multiply_adds(alexnet_cifar()) / multiply_adds(alexnet_cifar(width=0.5)), 2)
    3.96
    """
    return sum(row["multiply_adds"] for row in layer_table(model))


def parameter_split(model: keras.Model) -> dict[str, int]:
    """Parameters of the dense layers, of the convolutions, of the rest, and non-trainable ones.

    Examples
    --------
    >>> split = parameter_split(alexnet_literal())
    >>> split["dense"], split["non_trainable"]
    (18399242, 704)
    """
    if not isinstance(model, keras.Model):
        raise TypeError(f"model must be a keras.Model, got {type(model).__name__}")
    dense = sum(l.count_params() for l in model.layers if isinstance(l, layers.Dense))
    conv = sum(l.count_params() for l in model.layers if isinstance(l, layers.Conv2D))
    total = model.count_params()
    non_trainable = sum(math.prod(v.shape) for v in model.non_trainable_weights)
    return {"total": int(total), "dense": int(dense), "conv": int(conv), "other": int(total - dense - conv), "non_trainable": int(non_trainable)}
