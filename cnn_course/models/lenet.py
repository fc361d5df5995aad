"""LeNet-5 three ways: the common Keras adaptation, the faithful 1998 network, a modern one.

All three take MNIST images scaled to [0, 1], shape ``(N, 28, 28, 1)``, and return one row
of 10 numbers per image:

- :func:`lenet5_keras` - the adaptation found in most Keras tutorials (tanh convolutions,
  average pooling, sigmoid dense layers, softmax): 44,426 parameters, probabilities out.
- :func:`lenet5_1998` - the network of LeCun, Bottou, Bengio & Haffner (1998): padding to
  32x32 inside the model, trainable subsampling (:class:`Subsampling`), the partial C3
  connection table (:data:`C3_TABLE`, :class:`SparseConv2D`), the scaled-tanh squashing
  :func:`squash`, and 10 Euclidean RBF units (:class:`RBFOutput`) whose fixed prototypes
  are 7x12 digit bitmaps (:func:`digit_bitmaps`). Output: squared distances (SMALLER is a
  better match); trained with the MAP criterion :class:`MAPLoss`. 60,000 trainable
  parameters, as the paper states.
- :func:`lenet5_modern` - ReLU, max pooling, batch normalisation, dropout and softmax on
  the same C1-S2-C3-S4-C5-F6 plan (wider maps).

:func:`load_lenet5` builds a variant and loads the weights shipped in ``data/``.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

import keras
from keras import ops

from cnn_course._validation import check_choice
from cnn_course.lenet5.paper import C3_TABLE, as_connection_table, c3_connections, digit_bitmaps, prepare_images
from cnn_course.shipped import shipped_file

__all__ = [
    "VARIANTS",
    "C3_TABLE",
    "SQUASH_A",
    "SQUASH_S",
    "squash",
    "digit_bitmaps",
    "c3_connections",
    "Subsampling",
    "SparseConv2D",
    "RBFOutput",
    "MAPLoss",
    "rbf_accuracy",
    "lenet5_keras",
    "lenet5_1998",
    "lenet5_modern",
    "build_lenet5",
    "load_lenet5",
    "predict_classes",
    "prepare_images",
    "weights_file",
    "train_command",
]

#: The three LeNet-5 variants of the course.
VARIANTS = ("keras", "1998", "modern")

#: LeCun's squashing f(a) = A tanh(S a): A = 1.7159, S = 2/3 (so f(1) = 1 and f(-1) = -1).
SQUASH_A = 1.7159
SQUASH_S = 2.0 / 3.0

def _check_variant(variant: Any) -> str:
    if not isinstance(variant, str):
        raise TypeError(f"variant must be one of {', '.join(VARIANTS)} (a string), got {variant!r}")
    return check_choice(variant, "variant", VARIANTS)


def squash(a: Any) -> Any:
    """LeCun's squashing function f(a) = 1.7159 tanh(2a/3), as a Keras op.

    Parameters
    ----------
    a : tensor or array_like
        Pre-activations.

    Returns
    -------
    tensor
        Same shape; values in (-1.7159, 1.7159), with f(1) = 1 and f(-1) = -1.

    Examples
    --------
    >>> round(float(keras.ops.convert_to_numpy(squash(1.0))), 4)
    1.0
    """
    return SQUASH_A * ops.tanh(SQUASH_S * ops.convert_to_tensor(a, "float32"))


@keras.saving.register_keras_serializable(package="cnn_course")
class Subsampling(keras.layers.Layer):
    """LeNet-5's trainable subsampling (S2, S4): sum each 2x2 block, times a coefficient, plus a bias.

    One coefficient and one bias per feature map (2 parameters per map), then the
    squashing function :func:`squash` unless ``activation=None``.

    Examples
    --------
    >>> layer = Subsampling()
    >>> y = layer(np.ones((1, 4, 4, 3), "float32"))
    >>> tuple(y.shape), layer.count_params()
    ((1, 2, 2, 3), 6)
    """

    def __init__(self, pool_size: int = 2, activation: str | None = "squash", **kwargs: Any) -> None:
        super().__init__(**kwargs)
        if not isinstance(pool_size, int) or isinstance(pool_size, bool) or pool_size < 1:
            raise ValueError(f"pool_size must be a positive int, got {pool_size!r}")
        if activation not in ("squash", None):
            raise ValueError(f"activation must be 'squash' or None, got {activation!r}")
        self.pool_size = pool_size
        self.activation = activation

    def build(self, input_shape: tuple[int | None, ...]) -> None:
        channels = int(input_shape[-1])
        # Initial coefficient 1/4 makes the block sum an average at the start.
        self.coefficient = self.add_weight(
            shape=(channels,), initializer=keras.initializers.Constant(1.0 / self.pool_size**2), name="coefficient"
        )
        self.bias = self.add_weight(shape=(channels,), initializer="zeros", name="bias")

    def call(self, x: Any) -> Any:
        p = self.pool_size
        summed = ops.average_pool(x, pool_size=(p, p), strides=(p, p), padding="valid") * float(p * p)
        a = summed * self.coefficient + self.bias
        return squash(a) if self.activation == "squash" else a

    def compute_output_shape(self, input_shape: tuple[int | None, ...]) -> tuple[int | None, ...]:
        n, h, w, c = input_shape
        p = self.pool_size
        return (n, None if h is None else h // p, None if w is None else w // p, c)

    def get_config(self) -> dict[str, Any]:
        return {**super().get_config(), "pool_size": self.pool_size, "activation": self.activation}


@keras.saving.register_keras_serializable(package="cnn_course")
class SparseConv2D(keras.layers.Layer):
    """A 'valid' convolution in which each output map reads only the input maps its table allows.

    Only the connected kernels are weights: a variable of shape (k, k, n_connections),
    scattered into a full (k, k, n_in, n_out) kernel (zeros elsewhere) by a fixed 0/1
    matrix before an ordinary convolution. With :data:`C3_TABLE` and k = 5 that is
    5*5*60 = 1,500 weights plus 16 biases = 1,516 parameters, LeNet-5's C3.

    Parameters
    ----------
    table : array_like of bool, shape (n_in, n_out)
        Connection table; default :data:`C3_TABLE`.
    kernel_size : int
        Side of the square kernels (default 5).
    activation : {'squash', None}
        Squashing after the bias (default) or none.

    Examples
    --------
    >>> layer = SparseConv2D()
    >>> y = layer(np.zeros((2, 14, 14, 6), "float32"))
    >>> tuple(y.shape), layer.count_params()
    ((2, 10, 10, 16), 1516)
    """

    def __init__(self, table: Any = None, kernel_size: int = 5, activation: str | None = "squash", **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.table = as_connection_table(C3_TABLE if table is None else table)
        if not isinstance(kernel_size, int) or isinstance(kernel_size, bool) or kernel_size < 1:
            raise ValueError(f"kernel_size must be a positive int, got {kernel_size!r}")
        if activation not in ("squash", None):
            raise ValueError(f"activation must be 'squash' or None, got {activation!r}")
        self.kernel_size = kernel_size
        self.activation = activation
        n_in, n_out = self.table.shape
        pairs = c3_connections(self.table)
        scatter = np.zeros((len(pairs), n_in * n_out), dtype=np.float32)
        for c, (i, j) in enumerate(pairs):
            scatter[c, i * n_out + j] = 1.0
        self._scatter = scatter
        self._pairs = pairs
        fan_in = self.table.sum(axis=0) * kernel_size**2
        # LeCun uniform initialisation with each output map's own fan-in.
        self._limits = np.array([math.sqrt(3.0 / fan_in[j]) for _, j in pairs], dtype=np.float32)

    def _init_kernel(self, shape: tuple[int, ...], dtype: Any = None) -> Any:
        u = keras.random.uniform(shape, minval=-1.0, maxval=1.0, seed=keras.random.SeedGenerator(
            int(np.random.randint(0, 2**31 - 1))))
        return u * ops.convert_to_tensor(self._limits)

    def build(self, input_shape: tuple[int | None, ...]) -> None:
        n_in = int(input_shape[-1])
        if n_in != self.table.shape[0]:
            raise ValueError(
                f"input has {n_in} channels but the connection table has {self.table.shape[0]} rows (input maps)"
            )
        k = self.kernel_size
        self.kernel = self.add_weight(shape=(k, k, len(self._pairs)), initializer=self._init_kernel, name="kernel")
        self.bias = self.add_weight(shape=(self.table.shape[1],), initializer="zeros", name="bias")

    def full_kernel(self) -> Any:
        """The (k, k, n_in, n_out) kernel with zeros where the table has no connection."""
        k = self.kernel_size
        n_in, n_out = self.table.shape
        flat = ops.matmul(ops.reshape(self.kernel, (k * k, len(self._pairs))), ops.convert_to_tensor(self._scatter))
        return ops.reshape(flat, (k, k, n_in, n_out))

    def call(self, x: Any) -> Any:
        a = ops.conv(x, self.full_kernel(), strides=1, padding="valid") + self.bias
        return squash(a) if self.activation == "squash" else a

    def compute_output_shape(self, input_shape: tuple[int | None, ...]) -> tuple[int | None, ...]:
        n, h, w, _ = input_shape
        k = self.kernel_size
        return (n, None if h is None else h - k + 1, None if w is None else w - k + 1, self.table.shape[1])

    def get_config(self) -> dict[str, Any]:
        return {
            **super().get_config(),
            "table": self.table.astype(int).tolist(),
            "kernel_size": self.kernel_size,
            "activation": self.activation,
        }


@keras.saving.register_keras_serializable(package="cnn_course")
class RBFOutput(keras.layers.Layer):
    """Euclidean radial basis function units: y_i = sum_j (x_j - w_ij)^2.

    The prototypes w_i are fixed (not trainable); by default the 7x12 digit bitmaps of
    :func:`digit_bitmaps`. Each output is a squared distance: the SMALLER it is, the better
    the input matches class i; the predicted class is the arg-min.

    Parameters
    ----------
    prototypes : array_like, shape (n_classes, n_features), optional
        Default :func:`digit_bitmaps` (10 x 84).

    Examples
    --------
    >>> layer = RBFOutput()
    >>> x = digit_bitmaps()[[3]]                    # F6 output equal to the bitmap of a 3
    >>> d = keras.ops.convert_to_numpy(layer(x))
    >>> int(d.argmin()), float(d[0, 3])
    (3, 0.0)
    >>> layer.count_params(), len(layer.trainable_weights)
    (840, 0)
    """

    def __init__(self, prototypes: Any = None, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        protos = digit_bitmaps() if prototypes is None else np.asarray(prototypes, dtype=np.float32)
        if protos.ndim != 2 or protos.size == 0 or not np.isfinite(protos).all():
            raise ValueError(f"prototypes must be a finite 2-D array (classes x features), got shape {protos.shape}")
        self._init_prototypes = protos

    def build(self, input_shape: tuple[int | None, ...]) -> None:
        if int(input_shape[-1]) != self._init_prototypes.shape[1]:
            raise ValueError(
                f"input has {input_shape[-1]} features but the prototypes have {self._init_prototypes.shape[1]}"
            )
        self.prototypes = self.add_weight(
            shape=self._init_prototypes.shape,
            initializer=keras.initializers.Constant(self._init_prototypes),
            trainable=False,
            name="prototypes",
        )

    def call(self, x: Any) -> Any:
        x = ops.convert_to_tensor(x, "float32")
        # |x - w|^2 = |x|^2 - 2 x.w + |w|^2, computed for all classes at once.
        xx = ops.sum(x * x, axis=-1, keepdims=True)
        ww = ops.sum(self.prototypes * self.prototypes, axis=-1)
        return ops.maximum(xx - 2.0 * ops.matmul(x, ops.transpose(self.prototypes)) + ww, 0.0)

    def compute_output_shape(self, input_shape: tuple[int | None, ...]) -> tuple[int | None, ...]:
        return (input_shape[0], self._init_prototypes.shape[0])

    def get_config(self) -> dict[str, Any]:
        return {**super().get_config(), "prototypes": self._init_prototypes.tolist()}


@keras.saving.register_keras_serializable(package="cnn_course")
class MAPLoss(keras.losses.Loss):
    """LeNet-5's maximum a posteriori criterion on RBF distances, for integer labels.

    For one image with label c and distances y:
    E = y_c + log(exp(-j) + sum_i exp(-y_i)).
    The first term pulls the correct distance down; the second pushes the other distances
    up (competition between classes), and the constant j keeps a distance that is already
    small from being pushed further. The mean over the batch is returned.

    Parameters
    ----------
    j : float
        The positive constant of the paper (default 1.0; the paper does not give its value).

    Examples
    --------
    >>> loss = MAPLoss(j=1.0)
    >>> good = np.array([[0.0, 50, 50, 50, 50, 50, 50, 50, 50, 50]], "float32")
    >>> bad = good[:, ::-1].copy()
    >>> float(loss(np.array([0]), good)) < float(loss(np.array([0]), bad))
    True
    """

    def __init__(self, j: float = 1.0, name: str = "map_loss", **kwargs: Any) -> None:
        super().__init__(name=name, **kwargs)
        if isinstance(j, bool) or not isinstance(j, (int, float)) or not math.isfinite(j) or j <= 0:
            raise ValueError(f"j must be a positive number, got {j!r}")
        self.j = float(j)

    def call(self, y_true: Any, y_pred: Any) -> Any:
        y_pred = ops.convert_to_tensor(y_pred, "float32")
        labels = ops.cast(ops.reshape(y_true, (-1,)), "int32")
        correct = ops.sum(y_pred * ops.one_hot(labels, ops.shape(y_pred)[-1]), axis=-1)
        const = ops.full_like(y_pred[:, :1], -self.j)
        competition = ops.logsumexp(ops.concatenate([const, -y_pred], axis=-1), axis=-1)
        return correct + competition

    def get_config(self) -> dict[str, Any]:
        return {**super().get_config(), "j": self.j}


@keras.saving.register_keras_serializable(package="cnn_course")
def rbf_accuracy(y_true: Any, y_pred: Any) -> Any:
    """Accuracy for distance outputs: the prediction is the class at the SMALLEST distance.

    Examples
    --------
    >>> d = np.array([[5.0, 1.0, 9.0], [0.5, 3.0, 2.0]], "float32")
    >>> float(rbf_accuracy(np.array([1, 2]), d))
    0.5
    """
    labels = ops.cast(ops.reshape(y_true, (-1,)), "int32")
    return ops.mean(ops.cast(ops.equal(ops.cast(ops.argmin(y_pred, axis=-1), "int32"), labels), "float32"))


def lenet5_keras(
    *, conv_activation: str = "tanh", pooling: str = "average", dense_activation: str = "sigmoid"
) -> keras.Model:
    """The common Keras adaptation of LeNet-5: 44,426 parameters, softmax output.

    Conv2D(6, 5x5, tanh) - AveragePooling2D(2) - Conv2D(16, 5x5, tanh) -
    AveragePooling2D(2) - Flatten - Dense(120, sigmoid) - Dense(84, sigmoid) -
    Dense(10, softmax), on 28x28x1 input, no padding.

    Parameters
    ----------
    conv_activation, dense_activation : str
        Keras activation names of C1/C3 and of F5/F6 (defaults: the adaptation's tanh and
        sigmoid; ``"relu"`` gives the modernised plan with the same 44,426 parameters).
    pooling : {"average", "max"}
        The S2/S4 pooling.

    Examples
    --------
    >>> model = lenet5_keras()
    >>> model.count_params(), model.output_shape
    (44426, (None, 10))
    """
    pools = {"average": keras.layers.AveragePooling2D, "max": keras.layers.MaxPooling2D}
    if pooling not in pools:
        raise ValueError(f"pooling must be 'average' or 'max', got {pooling!r}")
    for name, value in (("conv_activation", conv_activation), ("dense_activation", dense_activation)):
        try:
            keras.activations.get(value)
        except (ValueError, TypeError):
            raise ValueError(f"{name} must be a Keras activation name, got {value!r}") from None
    L = keras.layers
    Pool = pools[pooling]
    inputs = keras.Input((28, 28, 1), name="image")
    x = L.Conv2D(6, 5, activation=conv_activation, name="C1")(inputs)
    x = Pool(pool_size=2, name="S2")(x)
    x = L.Conv2D(16, 5, activation=conv_activation, name="C3")(x)
    x = Pool(pool_size=2, name="S4")(x)
    x = L.Flatten(name="flatten")(x)
    x = L.Dense(120, activation=dense_activation, name="F5")(x)
    x = L.Dense(84, activation=dense_activation, name="F6")(x)
    outputs = L.Dense(10, activation="softmax", name="output")(x)
    return keras.Model(inputs, outputs, name="lenet5_keras")


def lenet5_1998(table: Any = None) -> keras.Model:
    """LeNet-5 as in LeCun et al. (1998): 60,000 trainable parameters, RBF distances out.

    28x28 input in [0, 1] -> rescaled so the background is -0.1 and ink 1.175 (the paper's
    normalisation) -> zero-padded to 32x32 (padding at -0.1) -> C1 6@28x28 (5x5) ->
    S2 6@14x14 (trainable subsampling) -> C3 16@10x10 (partial table) -> S4 16@5x5 ->
    C5 120 (5x5 convolution) -> F6 84 -> 10 RBF units with fixed bitmap prototypes.
    Every layer up to F6 ends with the squashing 1.7159 tanh(2a/3).

    Parameters
    ----------
    table : array_like of bool, shape (6, 16), optional
        C3's connection table (default :data:`C3_TABLE`); change it to experiment.

    Examples
    --------
    >>> model = lenet5_1998()
    >>> sum(int(np.prod(w.shape)) for w in model.trainable_weights), model.output_shape
    (60000, (None, 10))
    """
    L = keras.layers
    lecun = "lecun_uniform"
    inputs = keras.Input((28, 28, 1), name="image")
    # Pad to 32x32, then background -0.1 and ink +1.175 (the paper's normalisation, which
    # makes the mean roughly 0 and the variance roughly 1).
    x = L.ZeroPadding2D(2, name="pad32")(inputs)
    x = L.Rescaling(1.275, offset=-0.1, name="normalise")(x)
    x = L.Conv2D(6, 5, kernel_initializer=lecun, name="C1")(x)
    x = L.Activation(squash, name="C1_squash")(x)
    x = Subsampling(name="S2")(x)
    x = SparseConv2D(table=table, name="C3")(x)
    x = Subsampling(name="S4")(x)
    x = L.Conv2D(120, 5, kernel_initializer=lecun, name="C5")(x)
    x = L.Activation(squash, name="C5_squash")(x)
    x = L.Flatten(name="flatten")(x)
    x = L.Dense(84, kernel_initializer=lecun, name="F6")(x)
    x = L.Activation(squash, name="F6_squash")(x)
    outputs = RBFOutput(name="output")(x)
    return keras.Model(inputs, outputs, name="lenet5_1998")


def lenet5_modern(width: int = 2) -> keras.Model:
    """A modern LeNet-5: same C1-S2-C3-S4-C5-F6 plan, ReLU, max pooling, batch norm, dropout, softmax.

    C1 (6*width)@28x28 ('same' padding, the paper's 32x32 in effect) - max-pool -
    C3 (16*width)@10x10 - max-pool - C5 120 - F6 84 - softmax, with batch normalisation
    after each convolution and dropout before the last two dense layers.

    Parameters
    ----------
    width : int
        Multiplier of the number of feature maps (default 2: 12 and 32 maps).

    Examples
    --------
    >>> model = lenet5_modern()
    >>> model.output_shape
    (None, 10)
    """
    if not isinstance(width, int) or isinstance(width, bool) or width < 1:
        raise ValueError(f"width must be a positive int, got {width!r}")
    L = keras.layers
    inputs = keras.Input((28, 28, 1), name="image")
    x = L.Conv2D(6 * width, 5, padding="same", use_bias=False, name="C1")(inputs)
    x = L.BatchNormalization(name="C1_bn")(x)
    x = L.ReLU(name="C1_relu")(x)
    x = L.MaxPooling2D(pool_size=2, name="S2")(x)
    x = L.Conv2D(16 * width, 5, use_bias=False, name="C3")(x)
    x = L.BatchNormalization(name="C3_bn")(x)
    x = L.ReLU(name="C3_relu")(x)
    x = L.MaxPooling2D(pool_size=2, name="S4")(x)
    x = L.Flatten(name="flatten")(x)
    x = L.Dense(120, activation="relu", name="C5")(x)
    x = L.Dropout(0.3, name="C5_dropout")(x)
    x = L.Dense(84, activation="relu", name="F6")(x)
    x = L.Dropout(0.2, name="F6_dropout")(x)
    outputs = L.Dense(10, activation="softmax", name="output")(x)
    return keras.Model(inputs, outputs, name="lenet5_modern")


def build_lenet5(variant: str = "modern") -> keras.Model:
    """Build (untrained) the LeNet-5 variant ``"keras"``, ``"1998"`` or ``"modern"``.

    Examples
    --------
    >>> build_lenet5("keras").name
    'lenet5_keras'
    >>> build_lenet5("1989")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    ValueError: variant must be one of ...; got '1989'
    """
    variant = _check_variant(variant)
    return {"keras": lenet5_keras, "1998": lenet5_1998, "modern": lenet5_modern}[variant]()


def weights_file(variant: str) -> str:
    """File name of a variant's shipped weights in ``data/``.

    >>> weights_file("1998")
    'lenet5_1998.weights.h5'
    """
    return f"lenet5_{_check_variant(variant)}.weights.h5"


def train_command(variant: str) -> str:
    """The command that trains a variant and writes its weights and history into ``data/``.

    >>> train_command("keras")
    'python -m cnn_course.train lenet5 --variant keras'
    """
    return f"python -m cnn_course.train lenet5 --variant {_check_variant(variant)}"


def load_lenet5(variant: str = "modern") -> keras.Model:
    """Build a LeNet-5 variant and load the weights the course trained and ships in ``data/``.

    Parameters
    ----------
    variant : {"keras", "1998", "modern"}

    Returns
    -------
    keras.Model
        Input (N, 28, 28, 1) floats in [0, 1]; output (N, 10): probabilities for "keras"
        and "modern", squared RBF distances for "1998" (smaller = better match).

    Raises
    ------
    DataError
        If the weights file is missing (the message gives the training command) or
        unreadable.

    Examples
    --------
    >>> model = load_lenet5("keras")  # doctest: +SKIP
    >>> model.output_shape  # doctest: +SKIP
    (None, 10)
    """
    from cnn_course.data import DataError

    variant = _check_variant(variant)
    path = shipped_file(weights_file(variant), train_command=train_command(variant))
    model = build_lenet5(variant)
    try:
        model.load_weights(path)
    except Exception as exc:  # h5py/Keras raise many kinds
        raise DataError(
            f"could not read {path} ({type(exc).__name__}: {exc}); restore it from the repository "
            f"or retrain it with:\n    {train_command(variant)}"
        ) from None
    return model


def predict_classes(model: keras.Model, images: Any, batch_size: int = 1000) -> np.ndarray:
    """Predicted digit per image for any of the three variants (arg-min for RBF distances).

    Parameters
    ----------
    model : keras.Model
        A LeNet-5 from this module.
    images : array_like, shape (N, 28, 28) or (N, 28, 28, 1)
        uint8 0-255 or floats in [0, 1].

    Examples
    --------
    >>> model = lenet5_keras()
    >>> predict_classes(model, np.zeros((3, 28, 28))).shape
    (3,)
    """
    if not isinstance(model, keras.Model):
        raise TypeError(f"model must be a keras.Model, got {type(model).__name__}")
    x = prepare_images(images)
    out = model.predict(x, batch_size=batch_size, verbose=0)
    if model.name == "lenet5_1998":
        return out.argmin(axis=1)
    return out.argmax(axis=1)
