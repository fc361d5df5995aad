"""Charts more than one chapter draws (kernel-free Altair: they work in the static book).

- :func:`heatmap`: a static grid of numbers (the worked examples' P, K and F, a pooling window).
- :func:`chart_frame`, :func:`compact_number`: rows of numbers as Altair data that writes
  compact JSON (``255``, not ``255.0``), for charts that ship their data inside the page.
- :func:`confusion_chart`: where a classifier errs, as a matrix of counts; its pieces
  (:func:`confusion_parts`) for charts that build on it (e.g. a clickable matrix).

Examples
--------
>>> confusion_chart([[5, 1], [2, 4]], ["cat", "dog"]).to_dict()["layer"][0]["mark"]["type"]
'rect'
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Literal

import altair as alt
import numpy as np
import pandas as pd
from numpy.typing import ArrayLike, NDArray

from cnn_course._validation import as_finite_array, as_int, check_choice
from cnn_course.viz.style import format_number

__all__ = ["chart_frame", "compact_number", "confusion_chart", "confusion_parts", "heatmap"]


def compact_number(x: float, decimals: int = 4) -> int | float:
    """A compact JSON number: rounded to ``decimals``, and an int when it is whole.

    Examples
    --------
    >>> compact_number(255.0), compact_number(0.123456), compact_number(-0.00001)
    (255, 0.1235, 0)
    """
    r = round(float(x), decimals)
    if r == 0:
        return 0
    return int(r) if r.is_integer() else r


def chart_frame(rows: list[dict[str, Any]]) -> pd.DataFrame:
    """Rows as a DataFrame for Altair, whole-number float columns turned into integers.

    Altair writes a frame's values into the chart's JSON; integer columns keep the page small
    and the numbers readable (``255``, not ``255.0``).

    Examples
    --------
    >>> chart_frame([{"v": 1.0, "w": 0.5}, {"v": 2.0, "w": 1.0}]).dtypes.astype(str).tolist()
    ['int64', 'float64']
    """
    frame = pd.DataFrame(rows)
    for name in frame.columns:
        column = frame[name]
        if column.dtype.kind == "f" and np.all(np.mod(column.to_numpy(), 1) == 0):
            frame[name] = column.astype(np.int64)
    return frame


# ---------------------------------------------------------------------------------------
# Static heatmap with numbers
# ---------------------------------------------------------------------------------------


def _hex(rgb: NDArray[np.float64]) -> list[str]:
    ints = np.clip(np.rint(rgb), 0, 255).astype(np.int64).reshape(-1, 3)
    return [f"#{r:02x}{g:02x}{b:02x}" for r, g, b in ints]


def _fills(values: NDArray[np.float64], color: str) -> tuple[list[str], list[bool]]:
    """Fill colours and 'dark cell' flags (for white text)."""
    v = values.ravel()
    if color == "auto":
        color = "diverging" if (v < 0).any() else "greys"
    if color == "greys":
        lo, hi = min(0.0, float(v.min())), float(v.max())
        t = np.clip((v - lo) / (hi - lo), 0, 1) if hi > lo else np.ones_like(v)
        return _hex(np.repeat(t[:, None] * 255.0, 3, axis=1)), list(t < 0.5)
    if color == "diverging":
        limit = float(np.abs(v).max()) or 1.0
        t = v / limit
        ends = np.array([[33, 102, 172], [214, 96, 77]], dtype=np.float64)
        end = np.where(t[:, None] < 0, ends[0], ends[1])
        rgb = 255.0 + np.abs(t)[:, None] * (end - 255.0)
        return _hex(rgb), list(np.abs(t) > 0.6)
    # "none": white cells, black text
    return ["#ffffff"] * v.size, [False] * v.size


def heatmap(
    array: ArrayLike,
    title: str | None = None,
    *,
    x_labels: Sequence[Any] | None = None,
    y_labels: Sequence[Any] | None = None,
    x_title: str | None = None,
    y_title: str | None = None,
    text: bool = True,
    color: str = "auto",
    cell_px: int = 44,
) -> alt.LayerChart:
    """A static grid of numbers: each cell coloured by its value, with the value written in it.

    For the chapters' figures (the worked example's P, K and F, a pooling window...).
    Colours are computed here and stored per cell, so charts concatenated with ``|`` or
    ``&`` never share a colour scale by accident.

    Parameters
    ----------
    array : array_like, 2-D
        Values, top row first.
    title : str, optional
    x_labels, y_labels : sequence, optional
        Labels of the columns (left to right) and of the rows (top to bottom); default
        their indices. E.g. Cartesian coordinates ``x_labels=[-1, 0, 1]``,
        ``y_labels=[1, 0, -1]``.
    x_title, y_title : str, optional
        Axis titles.
    text : bool
        Write the values in the cells (formatted like the explorers: at most 3 decimals).
    color : {"auto", "greys", "diverging", "none"}
        "greys": lowest (or 0) black, highest white, like an image; "diverging": blue
        negative, white zero, red positive; "auto": diverging if any value is negative,
        else greys; "none": white cells.
    cell_px : int
        Side of a cell in pixels.

    Returns
    -------
    altair.LayerChart

    Examples
    --------
    >>> chart = heatmap([[0, 200], [100, 0]], title="P", x_labels=[-1, 0], y_labels=[0, -1])
    >>> [row["t"] for row in chart.to_dict()["datasets"].popitem()[1]]
    ['0', '200', '100', '0']
    """
    values = as_finite_array(array, "array", 2)
    h, w = values.shape
    check_choice(color, "color", ("auto", "greys", "diverging", "none"))
    px = as_int(cell_px, "cell_px", 8)
    xs = [str(v) for v in (range(w) if x_labels is None else x_labels)]
    ys = [str(v) for v in (range(h) if y_labels is None else y_labels)]
    if len(xs) != w:
        raise ValueError(f"x_labels must have one label per column ({w}), got {len(xs)}")
    if len(ys) != h:
        raise ValueError(f"y_labels must have one label per row ({h}), got {len(ys)}")
    if len(set(xs)) != w or len(set(ys)) != h:
        raise ValueError("x_labels and y_labels must not repeat a label")
    fills, dark = _fills(values, color)
    rows = [
        {"x": xs[c], "y": ys[r], "f": fills[r * w + c], "t": format_number(values[r, c]), "d": int(dark[r * w + c])}
        for r in range(h)
        for c in range(w)
    ]
    base = alt.Chart({"values": rows}).encode(
        x=alt.X("x:O", sort=xs, title=x_title, axis=alt.Axis(labelAngle=0, domain=False, ticks=False)),
        y=alt.Y("y:O", sort=ys, title=y_title, axis=alt.Axis(domain=False, ticks=False)),
    )
    layers = [
        base.mark_rect(stroke="#ffffff", strokeWidth=1).encode(
            color=alt.Color("f:N", scale=None), tooltip=[alt.Tooltip("t:N", title="value")]
        )
    ]
    if text:
        size = min(14.0, px * 0.32)
        layers.append(
            base.mark_text(fontSize=size, baseline="middle").encode(
                text="t:N", color=alt.condition("datum.d == 1", alt.value("#ffffff"), alt.value("#000000"))
            )
        )
    props: dict[str, Any] = {"width": alt.Step(px), "height": alt.Step(px)}
    if title:
        props["title"] = title
    return alt.layer(*layers).properties(**props)


# ---------------------------------------------------------------------------------------
# Confusion matrix
# ---------------------------------------------------------------------------------------


def _check_confusion(matrix: ArrayLike, class_names: Sequence[Any] | None) -> tuple[NDArray[np.float64], list[str]]:
    m = as_finite_array(matrix, "matrix", 2)
    if m.shape[0] != m.shape[1]:
        raise ValueError(f"matrix must be square (rows: true class, columns: predicted), got shape {m.shape}")
    if (m < 0).any() or not np.array_equal(m, np.rint(m)):
        raise ValueError("matrix must hold counts (non-negative whole numbers)")
    n = m.shape[0]
    if class_names is None:
        names = [str(k) for k in range(n)]
    else:
        if isinstance(class_names, (str, bytes)) or not isinstance(class_names, Sequence):
            raise TypeError(f"class_names must be a sequence of names, got {type(class_names).__name__}")
        names = [str(c) for c in class_names]
        if len(names) != n:
            raise ValueError(f"matrix must be {len(names)}x{len(names)} (one row and column per class), got shape {m.shape}")
        if len(set(names)) != n:
            raise ValueError("class_names must not repeat a name")
    return m, names


def confusion_parts(
    matrix: ArrayLike, class_names: Sequence[Any] | None = None
) -> tuple[pd.DataFrame, alt.Chart, Any, list[Any], alt.Chart]:
    """The pieces of :func:`confusion_chart`, for charts that build on the matrix.

    Parameters
    ----------
    matrix : array_like, shape (n, n)
        Counts ``matrix[true, predicted]`` (e.g. :func:`cnn_course.metrics.confusion_matrix`).
    class_names : sequence, optional
        One name per class (default ``"0"``, ``"1"``, ...).

    Returns
    -------
    frame : pandas.DataFrame
        One row per cell: ``true``, ``predicted`` (names), ``count``, ``share`` (of the row,
        4 decimals) and ``error`` (the count off the diagonal, 0 on it).
    base : altair.Chart
        The chart of ``frame`` with the axes (predicted across, true down, in class order).
    color : altair.Color
        Share of the row, blues from 0 to 1.
    tooltip : list
        True and predicted class, count, share.
    text : altair.Chart
        The counts written in the cells (white on dark cells).

    Examples
    --------
    >>> frame, *_ = confusion_parts([[3, 1], [0, 2]])
    >>> frame["share"].tolist()
    [0.75, 0.25, 0.0, 1.0]
    """
    m, names = _check_confusion(matrix, class_names)
    n = len(names)
    totals = m.sum(axis=1, keepdims=True)
    share = np.divide(m, totals, out=np.zeros(m.shape), where=totals > 0)
    frame = pd.DataFrame(
        [
            {
                "true": names[i],
                "predicted": names[j],
                "count": int(m[i, j]),
                "share": round(float(share[i, j]), 4),
                "error": 0 if i == j else int(m[i, j]),
            }
            for i in range(n)
            for j in range(n)
        ]
    )
    # Short names (digits) read level; longer ones (CIFAR-10's classes) keep Vega-Lite's
    # default upright labels, which do not run into each other in a 300-pixel chart.
    x_axis = alt.Axis(labelAngle=0) if max(len(str(name)) for name in names) <= 2 else alt.Undefined
    base = alt.Chart(frame).encode(
        x=alt.X("predicted:N", sort=names, title="predicted class", axis=x_axis),
        y=alt.Y("true:N", sort=names, title="true class"),
    )
    color = alt.Color(
        "share:Q", scale=alt.Scale(scheme="blues", domain=[0, 1]), title="share of row", legend=alt.Legend(format="%")
    )
    tooltip = ["true:N", "predicted:N", "count:Q", alt.Tooltip("share:Q", format=".1%")]
    text = base.mark_text(fontSize=9).encode(
        text="count:Q",
        color=alt.condition("datum.share > 0.5", alt.value("white"), alt.value("black")),
    )
    return frame, base, color, tooltip, text


def confusion_chart(
    matrix: ArrayLike,
    class_names: Sequence[Any] | None = None,
    *,
    size: int = 360,
    color: Literal["share", "errors"] = "share",
    title: str = "Confusion matrix",
) -> alt.LayerChart:
    """A confusion matrix as a heat map with the counts written in.

    Rows are the true class, columns the predicted one; the diagonal holds the right answers.

    Parameters
    ----------
    matrix : array_like, shape (n, n)
        Counts ``matrix[true, predicted]`` (e.g. :func:`cnn_course.metrics.confusion_matrix`).
    class_names : sequence, optional
        One name per class (default the class indices ``0 .. n-1``).
    size : int
        Width and height in pixels.
    color : {"share", "errors"}
        What the colour shows. ``"share"``: each cell's share of its row (blues, 0 to 100 %),
        for a classifier that errs often (CIFAR-10). ``"errors"``: only the mistakes (the
        off-diagonal counts, oranges; the diagonal palest, its counts grey), for one that
        is right 99 % of the time (MNIST), whose errors would otherwise be invisible.
    title : str
        The chart's title.

    Returns
    -------
    altair.LayerChart

    Examples
    --------
    >>> chart = confusion_chart(np.eye(3, dtype=int) * 5, color="errors", size=300)
    >>> spec = chart.to_dict()
    >>> spec["layer"][0]["mark"]["type"], spec["width"]
    ('rect', 300)
    >>> confusion_chart([[1, 2]])
    Traceback (most recent call last):
    ...
    ValueError: matrix must be square (rows: true class, columns: predicted), got shape (1, 2)
    """
    px = as_int(size, "size", 50)
    check_choice(color, "color", ("share", "errors"))
    if not isinstance(title, str):
        raise TypeError(f"title must be a str, got {type(title).__name__}")
    _, base, share_color, tooltip, text = confusion_parts(matrix, class_names)
    if color == "errors":
        cells = base.mark_rect().encode(
            color=alt.Color("error:Q", title="errors", scale=alt.Scale(scheme="oranges")), tooltip=tooltip
        )
        text = base.mark_text(fontSize=9).encode(
            text="count:Q",
            color=alt.condition("datum.true == datum.predicted", alt.value("#777"), alt.value("black")),
        )
    else:
        cells = base.mark_rect().encode(color=share_color, tooltip=tooltip)
    return (cells + text).properties(width=px, height=px, title=title)
