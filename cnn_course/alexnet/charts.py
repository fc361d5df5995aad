"""Kernel-free Altair charts of the AlexNet chapter.

* :func:`spatial_chart`: the feature maps' size, layer after layer, for both networks.
* :func:`history_chart`: training curves (train and test, per epoch) of one or more runs,
  with a menu (a Vega-Lite parameter) choosing accuracy or loss.
* :func:`per_class_chart`: where a classifier errs (the confusion matrix itself:
  :func:`cnn_course.viz.charts.confusion_chart`).
* :func:`mistakes_explorer_chart`: click a cell of the confusion matrix to see its images.
* :func:`predictions_chart`: test images with the model's answer and confidence; hover for
  the three most likely classes.

Every number is computed in Python; the page only filters and draws.

Examples
--------
>>> rows = [{"model": "m", "step": 0, "layer": "input", "height": 32},
...         {"model": "m", "step": 1, "layer": "conv1", "height": 6}]
>>> spatial_chart(rows).to_dict()["mark"]["type"]
'line'
"""

from __future__ import annotations

import base64
import io
from collections.abc import Mapping, Sequence
from typing import Any

import altair as alt
import numpy as np
import pandas as pd

from cnn_course.viz.charts import confusion_parts
from cnn_course.viz.html import png_data_uri

__all__ = ["history_chart", "mistakes_explorer_chart", "per_class_chart", "predictions_chart", "spatial_chart"]

SPLIT_COLORS = {"train": "#4c78a8", "test": "#e45756"}


def spatial_chart(rows: Sequence[Mapping[str, Any]], *, width: int = 420, height: int = 220) -> alt.Chart:
    """Height (= width) of the feature map after each conv/pool layer, one line per model.

    ``rows`` as returned by :func:`cnn_course.alexnet.lab.spatial_trace`.
    """
    frame = pd.DataFrame(list(rows))
    missing = {"model", "step", "layer", "height"} - set(frame.columns)
    if missing:
        raise ValueError(f"rows must have the keys model, step, layer, height; missing {sorted(missing)}")
    return (
        alt.Chart(frame)
        .mark_line(point=True)
        .encode(
            x=alt.X("step:Q", title="layer (input, then each convolution or pooling)", axis=alt.Axis(tickMinStep=1)),
            y=alt.Y("height:Q", title="map height = width (pixels)", scale=alt.Scale(type="log", base=2, domain=[1, 32])),
            color=alt.Color("model:N", title=None),
            tooltip=["model:N", "layer:N", "height:Q"],
        )
        .properties(width=width, height=height, title="How much of the image's layout survives each layer")
    )


def _history_frame(histories: Mapping[str, Mapping[str, Sequence[float]]]) -> pd.DataFrame:
    rows = []
    for run, history in histories.items():
        for metric in ("accuracy", "loss"):
            for split, key in (("train", metric), ("test", f"val_{metric}")):
                values = history.get(key)
                if values is None:
                    raise ValueError(f"histories[{run!r}] has no {key!r} series")
                rows.extend(
                    {"run": run, "metric": metric, "split": split, "epoch": i + 1, "value": round(float(v), 4)}
                    for i, v in enumerate(values)
                )
    return pd.DataFrame(rows)


def history_chart(
    histories: Mapping[str, Mapping[str, Sequence[float]]], *, width: int = 300, height: int = 200
) -> alt.FacetChart:
    """Train and test curves per epoch, one panel per run; a menu picks accuracy or loss.

    ``histories`` maps a run's name to a Keras-style history (``accuracy``,
    ``val_accuracy``, ``loss``, ``val_loss``; "val" is the test set here).

    Examples
    --------
    >>> h = {"accuracy": [0.3, 0.5], "val_accuracy": [0.3, 0.4], "loss": [2, 1.5], "val_loss": [2, 1.8]}
    >>> spec = history_chart({"run": h}).to_dict()
    >>> spec["params"][0]["bind"]["options"]
    ['accuracy', 'loss']
    """
    if not isinstance(histories, Mapping) or not histories:
        raise ValueError("histories must be a non-empty mapping of run name -> history")
    frame = _history_frame(histories)
    metric = alt.param(
        name="metric", value="accuracy",
        bind=alt.binding_select(options=["accuracy", "loss"], name="curve: "),
    )
    base = (
        alt.Chart(frame)
        .mark_line()
        .encode(
            x=alt.X("epoch:Q", title="epoch"),
            y=alt.Y("value:Q", title="accuracy or loss (menu)"),
            color=alt.Color("split:N", title=None, scale=alt.Scale(domain=list(SPLIT_COLORS), range=list(SPLIT_COLORS.values()))),
            tooltip=["run:N", "split:N", "epoch:Q", "value:Q"],
        )
        .add_params(metric)
        .transform_filter("datum.metric == metric")
        .properties(width=width, height=height)
    )
    return base.facet(column=alt.Column("run:N", title=None), columns=2).resolve_scale(x="independent")


def per_class_chart(accuracy: Sequence[float], class_names: Sequence[str], *, width: int = 420) -> alt.Chart:
    """Bar chart of the accuracy of each class.

    Examples
    --------
    >>> per_class_chart([0.9, 0.8], ["cat", "dog"]).to_dict()["mark"]["type"]
    'bar'
    """
    acc = np.asarray(accuracy, dtype=float)
    if acc.ndim != 1 or len(acc) != len(class_names):
        raise ValueError(f"accuracy must have one value per class ({len(class_names)}), got shape {acc.shape}")
    frame = pd.DataFrame({"class": list(class_names), "accuracy": np.round(acc, 4)})
    return (
        alt.Chart(frame)
        .mark_bar()
        .encode(
            y=alt.Y("class:N", sort="-x", title=None),
            x=alt.X("accuracy:Q", scale=alt.Scale(domain=[0, 1]), axis=alt.Axis(format="%")),
            tooltip=["class:N", alt.Tooltip("accuracy:Q", format=".1%")],
        )
        .properties(width=width, height=18 * len(acc), title="Test accuracy per class")
    )


def _jpeg_data_url(image: np.ndarray, quality: int = 90) -> str:
    """A small photograph as a JPEG data URL (a third of the PNG's size for CIFAR images)."""
    from PIL import Image

    pixels = np.asarray(image)
    if pixels.dtype != np.uint8:
        pixels = np.clip(np.round(pixels * 255), 0, 255).astype(np.uint8)
    buffer = io.BytesIO()
    Image.fromarray(pixels).save(buffer, format="JPEG", quality=quality)
    return "data:image/jpeg;base64," + base64.b64encode(buffer.getvalue()).decode("ascii")


def predictions_chart(
    images: Any,
    labels: Sequence[int],
    probabilities: Any,
    class_names: Sequence[str],
    *,
    columns: int = 8,
    cell: int = 78,
) -> alt.LayerChart:
    """Test images with the predicted class and its probability (green right, red wrong).

    Hovering an image shows the true class and the three most probable classes.

    Examples
    --------
    >>> imgs = np.zeros((2, 32, 32, 3), "uint8")
    >>> p = np.array([[0.9, 0.1], [0.3, 0.7]])
    >>> len(predictions_chart(imgs, [0, 0], p, ["cat", "dog"]).to_dict()["layer"])
    3
    """
    images = np.asarray(images)
    probs = np.asarray(probabilities, dtype=float)
    labels = np.asarray(labels).reshape(-1)
    if images.ndim != 4 or images.shape[-1] != 3:
        raise ValueError(f"images must have shape (N, height, width, 3), got {images.shape}")
    if probs.shape != (len(images), len(class_names)):
        raise ValueError(f"probabilities must have shape ({len(images)}, {len(class_names)}), got {probs.shape}")
    if labels.shape != (len(images),):
        raise ValueError(f"labels must hold one label per image ({len(images)}), got shape {labels.shape}")
    rows = []
    for k, (image, label, p) in enumerate(zip(images, labels, probs)):
        top = np.argsort(p)[::-1][:3]
        pred = int(top[0])
        rows.append(
            {
                "x": (k % columns) * cell + cell / 2,
                "y": (k // columns) * (cell + 16) + cell / 2,
                "url": png_data_uri(image, scale=2, optimize=True),
                "caption": f"{class_names[pred]} {p[pred]:.0%}",
                "right": bool(pred == int(label)),
                "true class": class_names[int(label)],
                "top 3": ", ".join(f"{class_names[i]} {p[i]:.0%}" for i in top),
            }
        )
    frame = pd.DataFrame(rows)
    n_rows = (len(images) + columns - 1) // columns
    width, height = columns * cell, n_rows * (cell + 16)
    x = alt.X("x:Q", scale=alt.Scale(domain=[0, width]), axis=None)
    y = alt.Y("y:Q", scale=alt.Scale(domain=[0, height]), axis=None)
    tooltip = ["true class:N", "top 3:N"]
    pictures = alt.Chart(frame).mark_image(width=cell - 14, height=cell - 14).encode(x=x, y=y, url="url:N", tooltip=tooltip)
    frames = (
        alt.Chart(frame)
        .mark_square(size=(cell - 10) ** 2, filled=False, strokeWidth=2)
        .encode(x=x, y=y, color=alt.Color("right:N", scale=alt.Scale(domain=[True, False], range=["#2ca02c", "#d62728"]), legend=None), tooltip=tooltip)
    )
    captions = (
        alt.Chart(frame)
        .transform_calculate(ty=f"datum.y + {cell / 2 + 4}")
        .mark_text(fontSize=10)
        .encode(
            x=x,
            y=alt.Y("ty:Q", scale=alt.Scale(domain=[0, height]), axis=None),
            text="caption:N",
            color=alt.Color("right:N", scale=alt.Scale(domain=[True, False], range=["#2ca02c", "#d62728"]), legend=None),
        )
    )
    return (pictures + frames + captions).properties(
        width=width, height=height, title="Test images: predicted class and confidence (green: right, red: wrong)"
    ).configure_view(stroke=None)


def mistakes_explorer_chart(
    images: Any,
    labels: Sequence[int],
    probabilities: Any,
    class_names: Sequence[str],
    *,
    per_cell: int = 6,
    cells: int = 20,
    size: int = 300,
    thumb: int = 64,
) -> alt.HConcatChart:
    """Click a cell of the confusion matrix to see the test images behind it.

    Left: the confusion matrix (counts; colour = share of the true class's images). Right:
    for the selected cell (true class, predicted class), its ``per_cell`` most confident
    mistakes, with the probability the network gave the wrong class and the one it gave the
    true class. To keep the page small, images are kept for the ``cells`` most frequent
    confusions only (the others show none); the most frequent one is selected at first.
    Runs in the page: no Python kernel needed.

    Examples
    --------
    >>> imgs = np.zeros((3, 32, 32, 3), "uint8")
    >>> p = np.array([[0.2, 0.8], [0.9, 0.1], [0.6, 0.4]])
    >>> chart = mistakes_explorer_chart(imgs, [0, 0, 1], p, ["cat", "dog"])
    >>> len(chart.to_dict()["hconcat"])
    2
    """
    images = np.asarray(images)
    probs = np.asarray(probabilities, dtype=float)
    labels = np.asarray(labels).reshape(-1).astype(int)
    n = len(class_names)
    if images.ndim != 4 or images.shape[-1] != 3:
        raise ValueError(f"images must have shape (N, height, width, 3), got {images.shape}")
    if probs.shape != (len(images), n):
        raise ValueError(f"probabilities must have shape ({len(images)}, {n}), got {probs.shape}")
    if labels.shape != (len(images),) or labels.min(initial=0) < 0 or labels.max(initial=0) >= n:
        raise ValueError(f"labels must hold one class index in [0, {n}) per image ({len(images)}), got shape {labels.shape}")
    for name, value, low in (("per_cell", per_cell, 1), ("cells", cells, 1), ("size", size, 50), ("thumb", thumb, 16)):
        if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < low:
            raise ValueError(f"{name} must be an integer >= {low}, got {value!r}")
    predicted = probs.argmax(axis=1)
    matrix = np.zeros((n, n), dtype=int)
    np.add.at(matrix, (labels, predicted), 1)
    off = matrix - np.diag(np.diag(matrix))
    ranked = [(int(i), int(j)) for i, j in zip(*np.unravel_index(np.argsort(-off, axis=None), off.shape)) if off[i, j] > 0][:cells]
    if ranked:
        first = {"true": class_names[ranked[0][0]], "predicted": class_names[ranked[0][1]]}
    else:  # no mistakes at all: select the first diagonal cell
        first = {"true": class_names[0], "predicted": class_names[0]}
    grid, base, color, tooltip, text = confusion_parts(matrix, class_names)
    rows = []
    columns = max(1, min(per_cell, 3))
    for i, j in ranked:
        chosen = np.flatnonzero((labels == i) & (predicted == j))
        chosen = chosen[np.argsort(-probs[chosen, j], kind="stable")][:per_cell]
        for slot, k in enumerate(chosen):
            rows.append(
                {
                    "true": class_names[i],
                    "predicted": class_names[j],
                    "x": (slot % columns) * (thumb + 12) + thumb / 2 + 6,
                    "y": (slot // columns) * (thumb + 30) + thumb / 2 + 6,
                    "url": _jpeg_data_url(images[k]),
                    "caption": f"{class_names[j]} {probs[k, j]:.0%}",
                    "true class": f"({class_names[i]} {probs[k, i]:.0%})",
                    "test image": int(k),
                }
            )
    gallery = pd.DataFrame(rows, columns=["true", "predicted", "x", "y", "url", "caption", "true class", "test image"])
    pick = alt.selection_point(name="cell", fields=["true", "predicted"], value=[first], on="click", clear=False)
    heat = base.mark_rect().encode(
        color=color,
        stroke=alt.condition(pick, alt.value("#d62728"), alt.value(None)),
        strokeWidth=alt.condition(pick, alt.value(3), alt.value(0)),
        tooltip=tooltip,
    ).add_params(pick)
    side_w = columns * (thumb + 12) + 12
    side_h = ((per_cell + columns - 1) // columns) * (thumb + 30) + 12
    x = alt.X("x:Q", scale=alt.Scale(domain=[0, side_w]), axis=None)
    y = alt.Y("y:Q", scale=alt.Scale(domain=[0, side_h], reverse=True), axis=None)
    shown = alt.Chart(gallery).transform_filter(pick)
    pictures = shown.mark_image(width=thumb, height=thumb).encode(
        x=x, y=y, url="url:N", tooltip=["test image:Q", "caption:N", "true class:N"]
    )
    captions = [
        shown.transform_calculate(ty=f"datum.y + {thumb / 2 + offset}")
        .mark_text(fontSize=9, color=colour)
        .encode(x=x, y=alt.Y("ty:Q", scale=alt.Scale(domain=[0, side_h], reverse=True), axis=None), text=f"{field}:N")
        for offset, field, colour in ((8, "caption", "#d62728"), (19, "true class", "#555555"))
    ]
    title = (
        alt.Chart(grid)
        .transform_filter(pick)
        .transform_calculate(label="datum.true + ' taken for ' + datum.predicted + ': ' + datum.count + ' images'")
        .mark_text(fontSize=12, fontWeight="bold", align="left")
        .encode(x=alt.value(6), y=alt.value(-8), text="label:N")
    )
    matrix_chart = (heat + text).properties(width=size, height=size, title="Click a cell")
    side = alt.layer(pictures, *captions, title).properties(width=side_w, height=side_h)
    return alt.hconcat(matrix_chart, side).properties(
        title=f"The most confident mistakes behind each cell (images kept for the {len(ranked)} most frequent confusions)"
    ).configure_view(stroke=None)
