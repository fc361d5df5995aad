"""The pooling chapter's Altair (Vega-Lite) chart, interactive in a static web page with no Python behind.

* :func:`pixelation_chart`: a slider (parameter ``size``) over pooling window sizes,
  showing the pooled image next to the original. Every pooled image is computed here once;
  the page only filters the rows as the slider moves.

The data behind it is available as plain rows (:func:`pixelation_data`), which is what
the tests check. How charts are rendered (book, JupyterLab, Colab) is
:mod:`cnn_course.viz.display`'s job.

Examples
--------
>>> spec = pixelation_chart(default_pixelation_image()).to_dict()
>>> [p["name"] for p in spec["params"]]
['size']
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import altair as alt
import numpy as np
from numpy.typing import ArrayLike, NDArray

from cnn_course._validation import as_finite_array, as_int, check_choice
from cnn_course.pooling.ops import avg_pool2d, max_pool2d
from cnn_course.viz.charts import chart_frame, compact_number
from cnn_course.viz.style import NO_FRAME, title

__all__ = [
    "default_pixelation_image",
    "pixelation_chart",
    "pixelation_data",
]


def default_pixelation_image() -> NDArray[np.float64]:
    """The input of the book's pixelation chart: Grace Hopper's portrait at 48x48.

    Examples
    --------
    >>> default_pixelation_image().shape
    (48, 48)
    """
    from cnn_course.images import photo

    return photo("grace_hopper", size=48)


def pixelation_data(image: ArrayLike, sizes: Sequence[int] = tuple(range(1, 9)), *, mode: str = "max") -> list[dict]:
    """The rows behind :func:`pixelation_chart`: each pooled image at its own resolution.

    One row per pooled cell: window size ``s``, the cell's index ``i`` in the pooled image
    read row by row (row ``i // (cols // s)``, column ``i % (cols // s)``; the cell covers
    rows ``row*s .. (row+1)*s`` of the original), value ``v`` (rounded to one decimal).
    Size 1 (the original) is always included.

    Examples
    --------
    >>> pixelation_data([[1, 2], [3, 4]], [2])
    [{'s': 1, 'i': 0, 'v': 1}, {'s': 1, 'i': 1, 'v': 2}, {'s': 1, 'i': 2, 'v': 3}, {'s': 1, 'i': 3, 'v': 4}, {'s': 2, 'i': 0, 'v': 4}]
    """
    image = as_finite_array(image, "image", 2)
    mode = check_choice(mode, "mode", ("max", "average"))
    sizes = _check_sizes(sizes, min(image.shape))
    pool = max_pool2d if mode == "max" else avg_pool2d
    rows = []
    for s in sorted({1, *sizes}):
        pooled = image if s == 1 else pool(image, s)
        rows.extend({"s": s, "i": i, "v": compact_number(v, 1)} for i, v in enumerate(pooled.ravel()))
    return rows


def _check_sizes(sizes: Any, largest: int) -> list[int]:
    if isinstance(sizes, (str, bytes)) or not isinstance(sizes, Sequence) or len(sizes) == 0:
        raise TypeError(f"sizes must be a non-empty sequence of window sizes, got {sizes!r}")
    checked = sorted({as_int(s, "sizes", 1) for s in sizes})
    if checked[-1] > largest:
        raise ValueError(f"sizes must not exceed the image's smaller side ({largest}), got {checked[-1]}")
    return checked


def pixelation_chart(
    image: ArrayLike,
    sizes: Sequence[int] = tuple(range(1, 9)),
    *,
    mode: str = "max",
    display_px: int = 240,
) -> alt.HConcatChart:
    """Pooling as pixelation: a slider over window sizes, the pooled image beside the original.

    Parameters
    ----------
    image : array_like, 2-D
        Grey levels (lowest = black), best small: 48x48
        (:func:`default_pixelation_image`) keeps the chart's data under 100 KB.
    sizes : sequence of int
        Window sizes offered (stride = size). The slider (parameter ``size``) runs from
        the smallest to the largest; a value in between that is not offered shows the
        largest offered size below it.
    mode : {"max", "average"}
    display_px : int
        Width of each image in pixels.

    Returns
    -------
    altair.HConcatChart
        With one parameter, ``size`` (a slider).

    Examples
    --------
    >>> spec = pixelation_chart(np.zeros((16, 16)), sizes=(2, 4)).to_dict()
    >>> spec["params"][0]["name"], spec["params"][0]["bind"]["max"]
    ('size', 4)
    """
    image = as_finite_array(image, "image", 2)
    rows = pixelation_data(image, sizes, mode=mode)
    offered = _check_sizes(sizes, min(image.shape))
    h, w = image.shape
    px = as_int(display_px, "display_px", 32) / w
    lo, hi = float(image.min()), float(image.max())
    hi = hi if hi > lo else lo + 1.0
    # snap[v]: the largest offered size <= v, for every slider value v
    snap = [max([s for s in offered if s <= v], default=offered[0]) for v in range(offered[-1] + 1)]
    dims = {s: (h // s, w // s) for s in range(1, offered[-1] + 1)}
    out_rows = [dims[max(s, 1)][0] for s in snap]
    out_cols = [dims[max(s, 1)][1] for s in snap]

    size = alt.param(
        name="size",
        value=offered[min(1, len(offered) - 1)],
        bind=alt.binding_range(min=offered[0], max=offered[-1], step=1, name="pool size "),
    )
    data = chart_frame(rows)
    x = {"scale": alt.Scale(domain=[0, w], nice=False, zero=False), "axis": None}
    y = {"scale": alt.Scale(domain=[0, h], nice=False, zero=False, reverse=True), "axis": None}
    grey = alt.Scale(domain=[lo, hi], range=["#000000", "#ffffff"], interpolate="rgb")
    color = alt.Color("v:Q", scale=grey, legend=None)
    stroke = alt.Stroke("v:Q", scale=grey, legend=None)

    def picture(filter_expr: str, heading: str | alt.Title) -> alt.LayerChart:
        cells = (
            alt.Chart(data)
            .transform_filter(filter_expr)
            .transform_calculate(n=f"floor({w} / datum.s)")
            .transform_calculate(
                x0="(datum.i % datum.n) * datum.s",
                y0="floor(datum.i / datum.n) * datum.s",
            )
            .transform_calculate(x1="datum.x0 + datum.s", y1="datum.y0 + datum.s")
            .mark_rect(strokeWidth=0.5)  # a stroke of the fill's colour hides anti-aliasing seams
            .encode(x=alt.X("x0:Q", **x), x2="x1:Q", y=alt.Y("y0:Q", **y), y2="y1:Q", color=color, stroke=stroke)
        )
        frame = (
            alt.Chart(chart_frame([{"x0": 0, "x1": w, "y0": 0, "y1": h}]))
            .mark_rect(fill=None, stroke="#bbbbbb", strokeWidth=1)
            .encode(x=alt.X("x0:Q", **x), x2="x1:Q", y=alt.Y("y0:Q", **y), y2="y1:Q")
        )
        return alt.layer(cells, frame).properties(
            view=NO_FRAME,
            width=w * px,
            height=h * px,
            title=title(heading),
        )

    original = picture("datum.s == 1", f"original {h}×{w}")
    label = mode if mode == "max" else "average"
    pooled = picture(
        f"datum.s == {snap}[size]",
        title(
            alt.expr(
                f"'{label} pooling, ' + {snap}[size] + '×' + {snap}[size] + ' windows: "
                f"{h}×{w} → ' + {out_rows}[size] + '×' + {out_cols}[size]"
            )
        ),
    )
    return alt.hconcat(original, pooled, spacing=20, params=[size.param])
