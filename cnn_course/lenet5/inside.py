"""Looking inside LeNet-5: the paper's parameter count, the misclassified digits, feature
maps, weight sharing in backpropagation, and a model-capacity study of generalisation.

The models themselves are in :mod:`cnn_course.models.lenet` (their layer tables:
:func:`cnn_course.models.layer_table`); accuracy and confusion matrices in
:mod:`cnn_course.metrics`; the charts in :mod:`cnn_course.lenet5.charts`; the ipywidgets
explorer in :mod:`cnn_course.lenet5.explorers`.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

from cnn_course._validation import as_finite_array, as_int
from cnn_course.lenet5.paper import C3_TABLE, as_connection_table, prepare_images

__all__ = [
    "PAPER_TOTAL",
    "paper_parameter_count",
    "misclassified",
    "feature_maps",
    "shared_and_unshared_gradients",
    "capacity_study",
    "history_frame",
    "gabor_match",
]

#: The trainable-parameter total LeCun et al. (1998) state for LeNet-5.
PAPER_TOTAL = 60_000

def paper_parameter_count(table: ArrayLike | None = None) -> Any:
    """LeNet-5's trainable parameters derived layer by layer from the paper's description.

    Parameters
    ----------
    table : array_like of bool, shape (6, 16), optional
        C3's connection table (default: the paper's, :data:`cnn_course.lenet5.paper.C3_TABLE`,
        60 connections).

    Returns
    -------
    pandas.DataFrame
        Columns ``layer``, ``how`` (the arithmetic) and ``parameters``.

    Examples
    --------
    >>> int(paper_parameter_count()["parameters"].sum())
    60000
    >>> int(paper_parameter_count(np.ones((6, 16), bool))["parameters"].sum())
    60900
    """
    import pandas as pd

    t = as_connection_table(C3_TABLE if table is None else table)
    if t.shape != (6, 16):
        raise ValueError(f"table must have shape (6, 16) (S2 maps x C3 maps), got {t.shape}")
    links = int(t.sum())
    rows = [
        ("C1", "6 kernels of 5x5 + 6 biases", 6 * 25 + 6),
        ("S2", "6 maps x (coefficient + bias)", 6 * 2),
        ("C3", f"{links} connected S2-C3 map pairs x 5x5 + 16 biases", links * 25 + 16),
        ("S4", "16 maps x (coefficient + bias)", 16 * 2),
        ("C5", "120 units x (16 maps x 5x5 + bias)", 120 * (16 * 25 + 1)),
        ("F6", "84 units x (120 inputs + bias)", 84 * (120 + 1)),
        ("output", "10 RBF prototypes of 84 values, fixed (not trained)", 0),
    ]
    return pd.DataFrame(rows, columns=["layer", "how", "parameters"])


def misclassified(labels: ArrayLike, predicted: ArrayLike) -> NDArray[np.int64]:
    """Indices where the prediction is wrong.

    >>> misclassified([1, 2, 3], [1, 0, 3]).tolist()
    [1]
    """
    y, p = np.asarray(labels).ravel(), np.asarray(predicted).ravel()
    if y.shape != p.shape:
        raise ValueError(f"labels and predicted must have the same length, got {y.size} and {p.size}")
    return np.flatnonzero(y != p)


def feature_maps(model: Any, image: ArrayLike, layers: tuple[str, ...] | None = None) -> dict[str, NDArray[np.float32]]:
    """The activations of named layers for one image, e.g. ``{"C1": (28, 28, 6), ...}``.

    Parameters
    ----------
    model : keras.Model
        A LeNet-5 of :mod:`cnn_course.models.lenet`.
    image : array_like, shape (28, 28) or (28, 28, 1), or a batch (N, 28, 28[, 1])
        uint8 0-255 or floats in [0, 1] (as :func:`cnn_course.lenet5.paper.prepare_images`
        gives them). For a batch every map gets a leading N axis.
    layers : tuple of str, optional
        Layer names; default the layers called C1, S2, C3, S4 and, where present, their
        squashed/activated versions are not separate (the map after the non-linearity is
        returned: for the 1998 network "C1_squash" stands for C1).

    Examples
    --------
    >>> from cnn_course.models.lenet import lenet5_keras
    >>> maps = feature_maps(lenet5_keras(), np.zeros((28, 28)))
    >>> {k: v.shape for k, v in maps.items()}
    {'C1': (24, 24, 6), 'S2': (12, 12, 6), 'C3': (8, 8, 16), 'S4': (4, 4, 16)}
    """
    import keras

    if not isinstance(model, keras.Model):
        raise TypeError(f"model must be a keras.Model, got {type(model).__name__}")
    arr = np.asarray(image)
    batch = arr.ndim == 4 or (arr.ndim == 3 and arr.shape[-1] != 1)
    x = prepare_images(arr if batch else arr[None])
    names = layers or ("C1", "S2", "C3", "S4")
    available = {layer.name for layer in model.layers}
    missing = [n for n in names if n not in available]
    if missing:
        raise ValueError(f"layers {missing} are not in model {model.name!r}; it has {sorted(available)}")
    # Show each map after its non-linearity (C1 of the 1998 net is squashed by C1_squash,
    # C1 of the modern net by C1_relu).
    outputs = []
    for n in names:
        shown = n
        for suffix in ("_squash", "_relu"):
            if n + suffix in available:
                shown = n + suffix
        outputs.append(model.get_layer(shown).output)
    probe = keras.Model(model.inputs, outputs)
    values = probe.predict(x, verbose=0)
    if len(names) == 1:
        values = [values]
    if batch:
        return {n: np.asarray(v, dtype=np.float32) for n, v in zip(names, values)}
    return {n: np.asarray(v[0], dtype=np.float32) for n, v in zip(names, values)}


def shared_and_unshared_gradients(image: ArrayLike, kernel: ArrayLike, upstream: ArrayLike | None = None, seed: int = 0) -> dict[str, NDArray[np.float64]]:
    """Weight sharing in backpropagation, computed by TensorFlow's automatic differentiation.

    The same 'valid' cross-correlation is computed twice: with one shared kernel
    (``tf.nn.conv2d``), and as a locally connected layer holding a separate copy of the
    kernel for every output position (all copies equal to the kernel). For the loss
    ``sum(upstream * output)`` the gradient of the shared kernel equals the sum over
    positions of the gradients of the copies.

    Parameters
    ----------
    image : array_like, shape (H, W)
    kernel : array_like, shape (k, k)
    upstream : array_like, shape (H-k+1, W-k+1), optional
        dLoss/dOutput; default random normal (seeded).

    Returns
    -------
    dict
        ``shared`` (k, k): gradient of the shared kernel; ``copies`` (H', W', k, k):
        gradients of the unshared copies; ``summed`` (k, k): ``copies`` summed over the
        positions; ``outputs_equal``: both forward passes agree (bool as 0-d array).

    Examples
    --------
    >>> g = shared_and_unshared_gradients(np.arange(25.0).reshape(5, 5), np.ones((3, 3)))
    >>> bool(np.allclose(g["shared"], g["summed"])), g["copies"].shape
    (True, (3, 3, 3, 3))
    """
    import tensorflow as tf

    x = as_finite_array(image, "image", 2)
    k = as_finite_array(kernel, "kernel", 2)
    if k.shape[0] != k.shape[1] or k.shape[0] > min(x.shape):
        raise ValueError(f"kernel must be square and no larger than the image, got {k.shape} for image {x.shape}")
    size = k.shape[0]
    ho, wo = x.shape[0] - size + 1, x.shape[1] - size + 1
    if upstream is None:
        g = np.random.default_rng(seed).normal(size=(ho, wo))
    else:
        g = as_finite_array(upstream, "upstream", 2)
        if g.shape != (ho, wo):
            raise ValueError(f"upstream must have shape {(ho, wo)} (the output's), got {g.shape}")
    xt = tf.constant(x[None, :, :, None], tf.float64)
    gt = tf.constant(g, tf.float64)
    shared = tf.Variable(k, dtype=tf.float64)
    copies = tf.Variable(np.broadcast_to(k, (ho, wo, size, size)).copy(), dtype=tf.float64)
    patches = tf.stack([tf.stack([xt[0, i : i + size, j : j + size, 0] for j in range(wo)]) for i in range(ho)])
    with tf.GradientTape(persistent=True) as tape:
        out_shared = tf.nn.conv2d(xt, shared[:, :, None, None], strides=1, padding="VALID")[0, :, :, 0]
        out_local = tf.reduce_sum(patches * copies, axis=(2, 3))
        loss_shared = tf.reduce_sum(gt * out_shared)
        loss_local = tf.reduce_sum(gt * out_local)
    d_shared = tape.gradient(loss_shared, shared).numpy()
    d_copies = tape.gradient(loss_local, copies).numpy()
    return {
        "shared": d_shared,
        "copies": d_copies,
        "summed": d_copies.sum(axis=(0, 1)),
        "outputs_equal": np.array(np.allclose(out_shared.numpy(), out_local.numpy())),
    }


def capacity_study(
    degrees: Any = range(1, 13), n_train: int = 15, n_test: int = 200, noise: float = 0.25, seed: int = 0
) -> dict[str, Any]:
    """Under- and overfitting as model capacity grows: polynomial fits of noisy samples.

    A smooth curve, ``sin(2 pi x)`` on [0, 1], is sampled at ``n_train`` noisy points; a
    polynomial of each degree is fitted by least squares (in a Legendre basis, stable at
    high degree) and scored on ``n_test`` fresh noisy points.

    Returns
    -------
    dict
        ``errors``: DataFrame (degree, train, test mean squared errors); ``curves``:
        DataFrame (degree, x, fit); ``train``/``test``: DataFrames of the points;
        ``best_degree``: degree with the lowest test error.

    Examples
    --------
    >>> study = capacity_study(degrees=[1, 3, 12])
    >>> e = study["errors"].set_index("degree")
    >>> bool(e.loc[12, "train"] < e.loc[3, "train"] < e.loc[1, "train"])
    True
    """
    import pandas as pd
    from numpy.polynomial import legendre

    degs = [as_int(d, "degrees", 0) for d in degrees]
    if not degs:
        raise ValueError("degrees must not be empty")
    n_train = as_int(n_train, "n_train", 2)
    n_test = as_int(n_test, "n_test", 1)
    if max(degs) >= n_train:
        raise ValueError(f"degrees must stay below n_train ({n_train}) for a least-squares fit, got {max(degs)}")
    rng = np.random.default_rng(seed)

    def truth(x: NDArray[np.float64]) -> NDArray[np.float64]:
        return np.sin(2 * np.pi * x)

    x_tr = np.sort(rng.uniform(0, 1, n_train))
    y_tr = truth(x_tr) + rng.normal(0, noise, n_train)
    x_te = rng.uniform(0, 1, n_test)
    y_te = truth(x_te) + rng.normal(0, noise, n_test)
    grid = np.linspace(0, 1, 101)
    errors, curves = [], []
    for d in degs:
        coef = legendre.legfit(2 * x_tr - 1, y_tr, d)
        fit = lambda x: legendre.legval(2 * x - 1, coef)  # noqa: E731
        errors.append({"degree": d, "train": float(np.mean((fit(x_tr) - y_tr) ** 2)), "test": float(np.mean((fit(x_te) - y_te) ** 2))})
        curves.append(pd.DataFrame({"degree": d, "x": grid, "fit": np.clip(fit(grid), -3, 3)}))
    err = pd.DataFrame(errors)
    return {
        "errors": err,
        "curves": pd.concat(curves, ignore_index=True),
        "train": pd.DataFrame({"x": x_tr, "y": y_tr}),
        "test": pd.DataFrame({"x": x_te, "y": y_te}),
        "truth": pd.DataFrame({"x": grid, "y": truth(grid)}),
        "best_degree": int(err.loc[err["test"].idxmin(), "degree"]),
    }


def history_frame(histories: dict[str, dict[str, Any]]) -> Any:
    """Long table of per-epoch accuracies from saved histories (for the training-curve chart).

    Parameters
    ----------
    histories : dict
        Name -> a record from :func:`cnn_course.shipped.load_history`.

    Returns
    -------
    pandas.DataFrame
        Columns ``model``, ``epoch`` (1-based), ``split`` ("train" or "test"), ``accuracy``,
        ``error`` (1 - accuracy, in %).

    Examples
    --------
    >>> rec = {"history": {"accuracy": [0.9, 0.95], "val_accuracy": [0.92, 0.96]}}
    >>> history_frame({"m": rec}).shape
    (4, 5)
    """
    import pandas as pd

    rows = []
    for name, record in histories.items():
        h = record["history"]
        train_key = "rbf_accuracy" if "rbf_accuracy" in h else "accuracy"
        for split, key in (("train", train_key), ("test", "val_" + train_key)):
            for e, a in enumerate(h.get(key, []), start=1):
                rows.append({"model": name, "epoch": e, "split": split, "accuracy": a, "error": 100 * (1 - a)})
    if not rows:
        raise ValueError("histories hold no accuracy values")
    return pd.DataFrame(rows)


def gabor_match(kernels: ArrayLike, size: int | None = None) -> Any:
    """How Gabor-like each kernel is: its best cosine similarity (in absolute value) with a
    bank of Gabor receptive fields (8 orientations, 4 phases, 3 spatial frequencies).

    Parameters
    ----------
    kernels : array_like, shape (k, k, n)
        First-layer kernels, one per last index.

    Returns
    -------
    pandas.DataFrame
        One row per kernel: ``kernel``, ``similarity`` (0 to 1), and the best Gabor's
        ``orientation`` (degrees), ``phase`` (radians) and ``frequency`` (cycles/pixel).

    Examples
    --------
    >>> from cnn_course.vision import gabor
    >>> k = gabor(size=5, orientation=45, spatial_frequency=0.25)[:, :, None]
    >>> round(float(gabor_match(k)["similarity"][0]), 3)
    1.0
    """
    import pandas as pd

    from cnn_course.vision import gabor

    k = as_finite_array(kernels, "kernels", 3)
    side = k.shape[0]
    if k.shape[1] != side:
        raise ValueError(f"kernels must be square, got {k.shape[:2]}")
    bank, params = [], []
    for f in (0.15, 0.25, 0.35):
        for o in (0.0, 22.5, 45.0, 67.5, 90.0, 112.5, 135.0, 157.5):
            for ph in (0.0, np.pi / 2, np.pi, 3 * np.pi / 2):
                g = gabor(size=side, orientation=o, spatial_frequency=f, phase=ph)
                n = np.linalg.norm(g)
                if n > 0:
                    bank.append((g / n).ravel())
                    params.append((o, ph, f))
    bank_arr = np.array(bank)
    rows = []
    for j in range(k.shape[-1]):
        v = k[:, :, j].ravel()
        v = v - v.mean()
        n = np.linalg.norm(v)
        sims = np.abs(bank_arr @ (v / n)) if n > 0 else np.zeros(len(bank_arr))
        b = int(sims.argmax())
        rows.append({"kernel": j, "similarity": float(sims[b]), "orientation": params[b][0], "phase": params[b][1], "frequency": params[b][2]})
    return pd.DataFrame(rows)
