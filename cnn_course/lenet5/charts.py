"""Charts of the LeNet-5 chapter: Altair (kernel-free, interactive in the book) and a few
matplotlib picture grids.

* :func:`training_curves_chart` - test and training error per epoch from saved histories.
* :func:`rbf_distances_chart` - the ten RBF distances for one digit (the shortest bar wins).
* :func:`capacity_chart` - under- and overfitting: a slider sets the polynomial degree.
* :func:`feature_maps_chart` - feature maps of each layer for a few test digits, chosen
  with a slider (pictures stored as small PNGs).
* :func:`digit_grid` and :func:`kernels_and_gabors` - matplotlib figures of images.

The confusion matrix is drawn by the shared :func:`cnn_course.viz.charts.confusion_chart`
(with ``color="errors"``: LeNet-5 errs so rarely that only the mistakes are coloured).

Examples
--------
>>> import pandas as pd
>>> frame = pd.DataFrame({"model": ["a"] * 2, "epoch": [1, 2], "split": ["test"] * 2,
...                       "accuracy": [0.9, 0.95], "error": [10.0, 5.0]})
>>> training_curves_chart(frame).to_dict()["mark"]["type"]
'line'
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import altair as alt
import numpy as np
import pandas as pd
from numpy.typing import ArrayLike, NDArray

from cnn_course._validation import as_finite_array, as_int
from cnn_course.viz.html import png_data_uri

__all__ = [
    "training_curves_chart",
    "rbf_distances_chart",
    "capacity_chart",
    "feature_maps_chart",
    "maps_png",
    "digit_grid",
    "kernels_and_gabors",
]


def training_curves_chart(frame: pd.DataFrame, *, width: int = 300, height: int = 220) -> alt.Chart:
    """Error (%) per epoch, one colour per model, solid for test and dashed for training.

    ``frame`` is :func:`cnn_course.lenet5.inside.history_frame`'s table.
    """
    needed = {"model", "epoch", "split", "error"}
    if not isinstance(frame, pd.DataFrame) or not needed <= set(frame.columns):
        raise ValueError(f"frame must be a DataFrame with columns {sorted(needed)}")
    pick = alt.selection_point(fields=["model"], bind="legend")
    return (
        alt.Chart(frame)
        .mark_line(point=True)
        .encode(
            x=alt.X("epoch:Q", title="epoch", axis=alt.Axis(tickMinStep=1)),
            y=alt.Y("error:Q", title="error (%)", scale=alt.Scale(type="log")),
            color=alt.Color("model:N", title="model"),
            strokeDash=alt.StrokeDash("split:N", title="images", sort=["test", "train"]),
            opacity=alt.condition(pick, alt.value(1.0), alt.value(0.15)),
            tooltip=["model", "split", "epoch", alt.Tooltip("error:Q", format=".2f")],
        )
        .add_params(pick)
        .properties(width=width, height=height, title="Error per epoch (log scale; click the legend)")
    )


def rbf_distances_chart(distances: ArrayLike, label: int | None = None, *, width: int = 360) -> alt.Chart:
    """The ten squared distances of the RBF output for one image; the shortest bar is the answer.

    >>> rbf_distances_chart(np.arange(10.0), label=0).to_dict()["mark"]["type"]
    'bar'
    """
    d = as_finite_array(distances, "distances", 1)
    best = int(d.argmin())
    frame = pd.DataFrame(
        {"digit": np.arange(d.size), "distance": d, "role": ["closest (the answer)" if k == best else "other" for k in range(d.size)]}
    )
    title = "RBF outputs: squared distance to each digit's bitmap"
    if label is not None:
        title += f" (true digit {int(label)})"
    return (
        alt.Chart(frame)
        .mark_bar()
        .encode(
            x=alt.X("distance:Q", title="squared distance (smaller = better match)"),
            y=alt.Y("digit:O", title="digit"),
            color=alt.Color("role:N", title=None, scale=alt.Scale(range=["#e6550d", "#bbbbbb"])),
            tooltip=["digit", alt.Tooltip("distance:Q", format=".1f")],
        )
        .properties(width=width, height=200, title=title)
    )


def capacity_chart(study: dict[str, Any], *, width: int = 300, height: int = 220) -> alt.HConcatChart:
    """Left: the noisy training points, the true curve and the fitted polynomial of the degree
    chosen with the slider (parameter ``degree``). Right: training and test error per degree,
    with the chosen degree marked. ``study`` is :func:`cnn_course.lenet5.inside.capacity_study`'s result.
    """
    errors, curves = study["errors"], study["curves"]
    degrees = sorted(int(d) for d in errors["degree"])
    degree = alt.param(
        name="degree", value=3, bind=alt.binding_range(min=degrees[0], max=degrees[-1], step=1, name="polynomial degree ")
    )
    x = alt.X("x:Q", title="x", scale=alt.Scale(domain=[0, 1]))
    y = alt.Y("y:Q", title="y", scale=alt.Scale(domain=[-2, 2], clamp=True))
    points = alt.Chart(study["train"]).mark_circle(size=45, color="black").encode(x=x, y=y)
    truth = alt.Chart(study["truth"]).mark_line(color="#999", strokeDash=[4, 3]).encode(x=x, y=y)
    fit = (
        alt.Chart(curves)
        .mark_line(color="#e6550d", clip=True)
        .encode(x=x, y=alt.Y("fit:Q", scale=alt.Scale(domain=[-2, 2], clamp=True)))
        .transform_filter(alt.datum.degree == degree)
    )
    left = (truth + points + fit).properties(width=width, height=height, title="Fit of the chosen degree (orange)")
    long = errors.melt(id_vars="degree", value_vars=["train", "test"], var_name="error on", value_name="mse")
    lines = (
        alt.Chart(long)
        .mark_line(point=True)
        .encode(
            x=alt.X("degree:Q", title="polynomial degree (capacity)"),
            y=alt.Y("mse:Q", title="mean squared error", scale=alt.Scale(type="log")),
            color=alt.Color("error on:N", scale=alt.Scale(domain=["train", "test"], range=["#3182bd", "#e6550d"])),
            tooltip=["degree", "error on", alt.Tooltip("mse:Q", format=".3f")],
        )
    )
    rule = alt.Chart(pd.DataFrame({"d": [0]})).mark_rule(color="black").encode(x="degree_x:Q").transform_calculate(
        degree_x="degree"
    )
    right = (lines + rule).properties(width=width, height=height, title="Training and test error")
    return alt.hconcat(left, right).add_params(degree)


def maps_png(maps: ArrayLike, columns: int | None = None, scale: int = 3) -> str:
    """Feature maps (H, W, C) tiled in one row (or ``columns`` per row) as a PNG data URI.

    Each map is stretched to its own range (dark = low, bright = high); white gaps between.

    >>> maps_png(np.random.default_rng(0).random((4, 4, 3))).startswith("data:image/png;base64,")
    True
    """
    a = as_finite_array(maps, "maps", 3)
    h, w, c = a.shape
    cols = c if columns is None else as_int(columns, "columns", 1)
    scale = as_int(scale, "scale", 1)
    rows = -(-c // cols)
    out = np.ones((rows * (h + 1) - 1, cols * (w + 1) - 1))
    for k in range(c):
        m = a[:, :, k]
        lo, hi = m.min(), m.max()
        r, q = divmod(k, cols)
        out[r * (h + 1) : r * (h + 1) + h, q * (w + 1) : q * (w + 1) + w] = (m - lo) / (hi - lo) if hi > lo else 0.5
    return png_data_uri(out, scale=scale, optimize=True)


def feature_maps_chart(
    images: ArrayLike, maps: dict[str, NDArray[np.float32]], labels: Sequence[int], predictions: Sequence[int]
) -> alt.VConcatChart:
    """Kernel-free view of the feature maps: a slider (parameter ``digit``) picks a test digit;
    each row shows one layer's maps as a picture.

    Parameters
    ----------
    images : array_like, shape (N, 28, 28)
    maps : dict
        Layer name -> array (N, H, W, C), from :func:`cnn_course.lenet5.inside.feature_maps` on a batch.
    labels, predictions : sequences of int, length N
    """
    x = np.asarray(images, dtype=np.float64)
    if x.ndim == 4:
        x = x[..., 0]
    n = x.shape[0]
    if len(labels) != n or len(predictions) != n or any(v.shape[0] != n for v in maps.values()):
        raise ValueError("images, every map array, labels and predictions must have the same length")
    rows = []
    for i in range(n):
        img = x[i] / max(float(x[i].max()), 1e-9)
        rows.append({"i": i, "layer": "input", "order": 0, "url": png_data_uri(img, scale=4, optimize=True),
                     "caption": f"digit {int(labels[i])}, predicted {int(predictions[i])}"})
        for k, (name, arr) in enumerate(maps.items(), start=1):
            per_row = 8 if arr.shape[-1] > 8 else None
            rows.append({"i": i, "layer": name, "order": k, "url": maps_png(arr[i], per_row, 2 if arr.shape[1] > 12 else 4),
                         "caption": f"{name}: {arr.shape[-1]} maps of {arr.shape[1]}x{arr.shape[2]}"})
    frame = pd.DataFrame(rows)
    digit = alt.param(name="digit", value=0, bind=alt.binding_range(min=0, max=n - 1, step=1, name="test digit "))
    base = alt.Chart(frame).transform_filter(alt.datum.i == digit)
    pics = base.mark_image(width=460, height=80, align="left", baseline="top").encode(
        x=alt.value(0), y=alt.Y("order:O", axis=None), url="url:N"
    )
    text = base.mark_text(align="left", baseline="top", dy=-14, fontSize=11).encode(
        x=alt.value(0), y=alt.Y("order:O", axis=None), text="caption:N"
    )
    return (
        alt.layer(pics, text)
        .properties(width=480, height=110 * (len(maps) + 1), title="Feature maps of each layer (slider: test digit)")
        .add_params(digit)
        .configure_view(stroke=None)
    )


def digit_grid(images: ArrayLike, titles: Sequence[str], columns: int = 10, size: float = 1.1) -> Any:
    """A matplotlib figure of greyscale images with a title each (closed, so it shows once)."""
    import matplotlib.pyplot as plt

    x = np.asarray(images)
    if x.ndim == 4:
        x = x[..., 0]
    if x.ndim != 3 or len(titles) != x.shape[0] or x.shape[0] == 0:
        raise ValueError(f"images must be (N, H, W) with N titles, got {x.shape} and {len(titles)} titles")
    cols = min(as_int(columns, "columns", 1), x.shape[0])
    rows = -(-x.shape[0] // cols)
    fig, axes = plt.subplots(rows, cols, figsize=(size * cols, size * 1.25 * rows), squeeze=False)
    for ax in axes.ravel():
        ax.axis("off")
    for k, (img, title) in enumerate(zip(x, titles)):
        ax = axes.ravel()[k]
        ax.imshow(img, cmap="gray_r" if img.max() > 1.5 else "gray", interpolation="nearest")
        ax.set_title(title, fontsize=8)
    fig.tight_layout()
    plt.close(fig)
    return fig


def kernels_and_gabors(kernels: ArrayLike, gabors: ArrayLike, gabor_titles: Sequence[str]) -> Any:
    """Top row: learned first-layer kernels (k, k, n); bottom row: Gabor receptive fields."""
    import matplotlib.pyplot as plt

    k = as_finite_array(kernels, "kernels", 3)
    g = as_finite_array(gabors, "gabors", 3)
    n = max(k.shape[-1], g.shape[0])
    fig, axes = plt.subplots(2, n, figsize=(1.0 * n, 2.4), squeeze=False)
    for ax in axes.ravel():
        ax.axis("off")
    for j in range(k.shape[-1]):
        w = k[:, :, j]
        lim = np.abs(w).max() or 1.0
        axes[0, j].imshow(w, cmap="RdBu_r", vmin=-lim, vmax=lim, interpolation="nearest")
        axes[0, j].set_title(f"C1 #{j}", fontsize=8)
    for j in range(g.shape[0]):
        lim = np.abs(g[j]).max() or 1.0
        axes[1, j].imshow(g[j], cmap="RdBu_r", vmin=-lim, vmax=lim, interpolation="nearest")
        axes[1, j].set_title(gabor_titles[j], fontsize=8)
    fig.suptitle("Learned C1 kernels (top) and Gabor simple-cell receptive fields (bottom); red = excitatory", fontsize=9)
    fig.tight_layout()
    plt.close(fig)
    return fig
