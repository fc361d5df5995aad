"""The convolution chapter's Altair (Vega-Lite) charts, interactive in a static web page with no Python behind.

The HTML book has no kernel, so its interactivity comes from Vega-Lite parameters bound to
HTML inputs: the data is computed here once, and the page filters it (or looks values up
in it) as the slider moves. Data is inline and compact: long-form rows with short field
names, a few tens of kilobytes per chart.

* :func:`sliding_window_chart`: the sliding-window explorer, kernel-free. A slider
  (parameter ``step``) moves the window; a drop-down (parameter ``kernel``) picks a
  preset. It shows the padded input with the receptive field outlined, the kernel with
  its weights, the products of the current output cell and their sum, and the output map
  with that cell outlined.

The data behind it is available as plain rows (:func:`sliding_window_data`), which is what
the tests check. The chapter's static grids of numbers are
:func:`cnn_course.viz.charts.heatmap`; how charts are rendered (book, JupyterLab, Colab) is
:mod:`cnn_course.viz.display`'s job.

Examples
--------
>>> spec = sliding_window_chart(default_image()).to_dict()
>>> sorted(p["name"] for p in spec["params"])
['kernel', 'step']
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import altair as alt
import numpy as np
from numpy.typing import ArrayLike, NDArray

from cnn_course._validation import as_finite_array, as_int, as_pair, check_choice
from cnn_course.convolution.ops import convolve2d, cross_correlate2d
from cnn_course.viz.charts import chart_frame, compact_number
from cnn_course.viz.style import ACCENT, NO_FRAME, format_number, title

__all__ = [
    "DEFAULT_KERNELS",
    "default_image",
    "sliding_window_chart",
    "sliding_window_data",
]

#: Kernel presets offered by :func:`sliding_window_chart`, the first one shown first.
DEFAULT_KERNELS: tuple[str, ...] = (
    "vertical edge (Sobel x)",
    "horizontal edge (Sobel y)",
    "edge (Laplacian)",
    "sharpen",
    "blur (box)",
    "blur (Gaussian)",
    "identity",
)

#: Colours shared with the ipywidgets explorer (:mod:`cnn_course.convolution.explorers`);
#: the accent colour is the course's (:data:`cnn_course.viz.style.ACCENT`).
PADDING_COLOR = "#6baed6"
DIVERGING = ["#2166ac", "#ffffff", "#d6604d"]  # negative, zero, positive
#: Number format in the page (d3-format): at most 3 decimals, trailing zeros trimmed.
D3_FORMAT = ".3~f"

OPERATIONS: tuple[str, ...] = ("cross-correlation", "convolution")


def default_image() -> NDArray[np.float64]:
    """The input of the book's sliding-window chart: the digit seven at 10x10.

    Examples
    --------
    >>> default_image().shape
    (10, 10)
    """
    from cnn_course.images import sample_image

    return sample_image("digit-seven", size=10)


# ---------------------------------------------------------------------------------------
# The sliding window
# ---------------------------------------------------------------------------------------


def sliding_window_data(
    image: ArrayLike,
    kernel_names: Sequence[str] = DEFAULT_KERNELS,
    *,
    stride: int | tuple[int, int] = 1,
    padding: int | tuple[int, int] = 0,
    operation: str = "cross-correlation",
) -> dict[str, Any]:
    """The rows behind :func:`sliding_window_chart`.

    Returns
    -------
    dict
        ``"input"``: one row per cell of the padded input: ``i`` (its index, ``r * W +
        c``), ``r``, ``c``, value ``v``, ``p`` = 1 for padding;
        ``"kernel"``: one row per kernel cell: preset index ``k``, term index ``m``,
        kernel row ``a`` and column ``b``, weight ``w`` as applied (flipped for a
        convolution), ``n`` = weight / largest |weight| of that kernel;
        ``"output"``: one row per output cell and preset: ``k``, ``r``, ``c``, value
        ``o``, ``n`` = value / largest |value| of that map;
        ``"meta"``: shapes, stride, padding, operation, names, and ``"term_index"``, the
        expression (in ``step`` and the kernel row's fields) of the input cell that a
        kernel cell multiplies: the chart looks it up in ``"input"``.

    Examples
    --------
    >>> d = sliding_window_data([[1, 2, 3], [4, 5, 6], [7, 8, 9]], ["identity"])
    >>> d["output"]
    [{'k': 0, 'r': 0, 'c': 0, 'o': 5, 'n': 1}]
    """
    from cnn_course.images import KERNELS

    image = as_finite_array(image, "image", 2)
    if isinstance(kernel_names, str) or not isinstance(kernel_names, Sequence) or not kernel_names:
        raise TypeError(f"kernel_names must be a non-empty sequence of preset names, got {kernel_names!r}")
    names = [check_choice(name, "kernel_names", tuple(KERNELS)) for name in kernel_names]
    if len(set(names)) != len(names):
        raise ValueError(f"kernel_names must not repeat a name, got {list(kernel_names)}")
    operation = check_choice(operation, "operation", OPERATIONS)
    sr, sc = as_pair(stride, "stride", 1)
    pr, pc = as_pair(padding, "padding", 0)
    padded = np.pad(image, ((pr, pr), (pc, pc)))
    H, W = padded.shape
    kh, kw = KERNELS[names[0]].shape
    if kh > H or kw > W:
        raise ValueError(f"the {kh}x{kw} kernels do not fit in the padded image of shape {padded.shape}")
    compute = convolve2d if operation == "convolution" else cross_correlate2d

    input_rows = []
    for r in range(H):
        for c in range(W):
            pad = not (pr <= r < pr + image.shape[0] and pc <= c < pc + image.shape[1])
            input_rows.append({"i": r * W + c, "r": r, "c": c, "v": compact_number(padded[r, c], 3), "p": int(pad)})

    kernel_rows, output_rows = [], []
    out_shape = None
    for k, name in enumerate(names):
        weights = KERNELS[name]
        applied = weights[::-1, ::-1] if operation == "convolution" else weights
        wmax = float(np.abs(applied).max()) or 1.0
        for m, w in enumerate(applied.ravel()):
            kernel_rows.append({"k": k, "m": m, "a": m // kw, "b": m % kw, "w": compact_number(w, 6), "n": compact_number(w / wmax, 3)})
        out = compute(image, weights, stride=(sr, sc), padding=(pr, pc))
        out_shape = out.shape
        omax = float(np.abs(out).max()) or 1.0
        for (r, c), o in np.ndenumerate(out):
            output_rows.append({"k": k, "r": r, "c": c, "o": compact_number(o, 4), "n": compact_number(o / omax, 3)})
    oh, ow = out_shape  # type: ignore[misc]
    meta = {
        "names": names,
        "operation": operation,
        "image_shape": image.shape,
        "padded_shape": (H, W),
        "kernel_shape": (kh, kw),
        "output_shape": (oh, ow),
        "stride": (sr, sc),
        "padding": (pr, pc),
        "n_steps": oh * ow,
        "row0": f"floor(step / {ow}) * {sr}",
        "col0": f"(step % {ow}) * {sc}",
        "term_index": f"(floor(step / {ow}) * {sr} + datum.a) * {W} + (step % {ow}) * {sc} + datum.b",
    }
    return {"input": input_rows, "kernel": kernel_rows, "output": output_rows, "meta": meta}


def _grid_axes(size: int, flip: bool = False) -> dict[str, Any]:
    """x or y of a grid drawn with rect marks from cell index to index + 1 (row 0 on top if flipped)."""
    return {"scale": alt.Scale(domain=[0, size], nice=False, zero=False, reverse=flip), "axis": None}


def sliding_window_chart(
    image: ArrayLike,
    kernel_names: Sequence[str] = DEFAULT_KERNELS,
    *,
    stride: int | tuple[int, int] = 1,
    padding: int | tuple[int, int] = 0,
    operation: str = "cross-correlation",
    cell_px: int = 24,
) -> alt.VConcatChart:
    """The sliding-window explorer as a Vega-Lite chart that needs no Python kernel.

    Parameters
    ----------
    image : array_like, 2-D
        Input, best small (10x10: :func:`default_image`); values are shown as grey levels
        (lowest = black) and written out under the window.
    kernel_names : sequence of str
        Presets of :data:`cnn_course.images.KERNELS` offered in the drop-down, the first
        one shown first.
    stride, padding : int or (int, int)
        As in :func:`cnn_course.convolution.ops.cross_correlate2d`.
    operation : {"cross-correlation", "convolution"}
        For a convolution the kernel is shown, and applied, flipped.
    cell_px : int
        Side of an input cell in pixels.

    Returns
    -------
    altair.HConcatChart
        With two parameters: ``step`` (a slider, 0 .. number of output cells - 1: the
        window's position, row by row) and ``kernel`` (a drop-down; its value is the
        index of the preset in ``kernel_names``, its labels the names).

    Examples
    --------
    >>> chart = sliding_window_chart(default_image(), ["identity", "sharpen"], padding=1)
    >>> [p["bind"]["input"] for p in chart.to_dict()["params"]]
    ['range', 'select']
    """
    data = sliding_window_data(image, kernel_names, stride=stride, padding=padding, operation=operation)
    px = float(as_int(cell_px, "cell_px", 8))
    meta = data["meta"]
    H, W = meta["padded_shape"]
    kh, kw = meta["kernel_shape"]
    oh, ow = meta["output_shape"]
    names = meta["names"]
    inputs, kernels, outputs = chart_frame(data["input"]), chart_frame(data["kernel"]), chart_frame(data["output"])
    one = chart_frame([{"u": 0}])
    values = [row["v"] for row in data["input"]]
    lo, hi = min(0.0, min(values)), max(values)
    hi = hi if hi > lo else lo + 1.0
    mid = (lo + hi) / 2

    step = alt.param(
        name="step", value=0, bind=alt.binding_range(min=0, max=meta["n_steps"] - 1, step=1, name="window position (step) ")
    )
    kernel = alt.param(
        name="kernel", value=0, bind=alt.binding_select(options=list(range(len(names))), labels=names, name="kernel ")
    )
    row0, col0 = meta["row0"], meta["col0"]
    in_window = f"datum.r >= {row0} && datum.r < {row0} + {kh} && datum.c >= {col0} && datum.c < {col0} + {kw}"

    # -- the padded input, padding outlined, the window's values written, the window outlined
    x_in, y_in = _grid_axes(W), _grid_axes(H, flip=True)
    base_in = alt.Chart(inputs).transform_calculate(c1="datum.c + 1", r1="datum.r + 1")
    cells = base_in.mark_rect().encode(
        x=alt.X("c:Q", **x_in),
        x2="c1:Q",
        y=alt.Y("r:Q", **y_in),
        y2="r1:Q",
        color=alt.Color("v:Q", scale=alt.Scale(domain=[lo, hi], range=["#000000", "#ffffff"], interpolate="rgb"), legend=None),
        tooltip=[alt.Tooltip("r:Q", title="row"), alt.Tooltip("c:Q", title="col"), alt.Tooltip("v:Q", title="value")],
    )
    pads = (
        base_in.transform_filter("datum.p == 1")
        .mark_rect(fill=PADDING_COLOR, fillOpacity=0.45, stroke=PADDING_COLOR, strokeWidth=0.5)
        .encode(x=alt.X("c:Q", **x_in), x2="c1:Q", y=alt.Y("r:Q", **y_in), y2="r1:Q")
    )
    window_values = (
        base_in.transform_filter(in_window)
        .transform_calculate(t=f"format(datum.v, '{D3_FORMAT}')", xm="datum.c + 0.5", ym="datum.r + 0.5")
        .mark_text(fontSize=round(px * 0.36, 1), baseline="middle", align="center")
        .encode(
            x=alt.X("xm:Q", **x_in),
            y=alt.Y("ym:Q", **y_in),
            text="t:N",
            color=alt.condition(f"datum.v < {mid}", alt.value("#ffffff"), alt.value("#000000")),
        )
    )
    window = (
        alt.Chart(one)
        .transform_calculate(r=row0, c=col0, r1=f"{row0} + {kh}", c1=f"{col0} + {kw}")
        .mark_rect(fill=None, stroke=ACCENT, strokeWidth=3)
        .encode(x=alt.X("c:Q", **x_in), x2="c1:Q", y=alt.Y("r:Q", **y_in), y2="r1:Q")
    )
    pr, pc = meta["padding"]
    ih, iw = meta["image_shape"]
    in_title = f"input {ih}×{iw}" + (f", padding {pr}" + ("" if pr == pc else f"×{pc}") + " (blue: zeros)" if pr or pc else "")
    input_panel = alt.layer(cells, pads, window_values, window).properties(
        view=NO_FRAME,
        width=W * px, height=H * px, title=title(in_title)
    )

    # -- the kernel with its weights
    kpx = 40.0
    x_k, y_k = _grid_axes(kw), _grid_axes(kh, flip=True)
    base_k = (
        alt.Chart(kernels)
        .transform_filter("datum.k == kernel")
        .transform_calculate(b1="datum.b + 1", a1="datum.a + 1", bm="datum.b + 0.5", am="datum.a + 0.5")
    )
    k_cells = base_k.mark_rect(stroke="#ffffff", strokeWidth=0.5).encode(
        x=alt.X("b:Q", **x_k),
        x2="b1:Q",
        y=alt.Y("a:Q", **y_k),
        y2="a1:Q",
        color=alt.Color("n:Q", scale=alt.Scale(domain=[-1, 0, 1], range=DIVERGING, interpolate="rgb"), legend=None),
    )
    k_text = (
        base_k.transform_calculate(t=f"format(datum.w, '{D3_FORMAT}')")
        .mark_text(fontSize=12, baseline="middle", align="center")
        .encode(
            x=alt.X("bm:Q", **x_k),
            y=alt.Y("am:Q", **y_k),
            text="t:N",
            color=alt.condition("abs(datum.n) > 0.6", alt.value("#ffffff"), alt.value("#000000")),
        )
    )
    k_frame = (
        alt.Chart(one)
        .transform_calculate(z="0", zw=str(kw), zh=str(kh))
        .mark_rect(fill=None, stroke=ACCENT, strokeWidth=3)
        .encode(x=alt.X("z:Q", **x_k), x2="zw:Q", y=alt.Y("z:Q", **y_k), y2="zh:Q")
    )
    k_title = "kernel, flipped (convolution)" if meta["operation"] == "convolution" else "kernel"
    kernel_panel = alt.layer(k_cells, k_text, k_frame).properties(
        view=NO_FRAME,
        width=kw * kpx, height=kh * kpx, title=title(k_title)
    )

    # -- the arithmetic of the current cell: value x weight for each kernel cell, and the sum
    longest_v = max(len(format_number(row["v"])) for row in data["input"])
    longest_w = max(len(format_number(row["w"])) for row in data["kernel"])
    apx_w, apx_h = (longest_v + longest_w + 6) * 7.4, 22.0  # 12px monospace: ~7.2 px a character
    last = kh * kw - 1
    terms = (
        alt.Chart(kernels)
        .transform_filter("datum.k == kernel")
        .transform_calculate(i=meta["term_index"])
        .transform_lookup(lookup="i", from_=alt.LookupData(data=inputs, key="i", fields=["v"]))
        .transform_calculate(
            t=f"format(datum.v, '{D3_FORMAT}') + ' × ' + format(datum.w, '{D3_FORMAT}') + (datum.m < {last} ? ' +' : '')",
            bm="datum.b + 0.5",
            am="datum.a + 1.5",
        )
        .mark_text(fontSize=12, font="monospace", baseline="middle", align="center")
        .encode(
            x=alt.X("bm:Q", scale=alt.Scale(domain=[0, kw], nice=False), axis=None),
            y=alt.Y("am:Q", scale=alt.Scale(domain=[0, kh + 2], nice=False, reverse=True), axis=None),
            text="t:N",
        )
    )
    cell_filter = f"datum.k == kernel && datum.r == floor(step / {ow}) && datum.c == step % {ow}"
    head = (
        alt.Chart(outputs)
        .transform_filter(cell_filter)
        .transform_calculate(t="'output[' + datum.r + ', ' + datum.c + '] ='", x="0", y="0.5")
        .mark_text(fontSize=12, font="monospace", baseline="middle", align="left")
        .encode(
            x=alt.X("x:Q", scale=alt.Scale(domain=[0, kw], nice=False), axis=None),
            y=alt.Y("y:Q", scale=alt.Scale(domain=[0, kh + 2], nice=False, reverse=True), axis=None),
            text="t:N",
        )
    )
    total = (
        alt.Chart(outputs)
        .transform_filter(cell_filter)
        .transform_calculate(t=f"'= ' + format(datum.o, '{D3_FORMAT}')", x="0", y=f"{kh + 1.5}")
        .mark_text(fontSize=13, font="monospace", fontWeight="bold", color=ACCENT, baseline="middle", align="left")
        .encode(
            x=alt.X("x:Q", scale=alt.Scale(domain=[0, kw], nice=False), axis=None),
            y=alt.Y("y:Q", scale=alt.Scale(domain=[0, kh + 2], nice=False, reverse=True), axis=None),
            text="t:N",
        )
    )
    arithmetic_panel = alt.layer(head, terms, total).properties(
        view=NO_FRAME,
        width=kw * apx_w,
        height=(kh + 2) * apx_h,
        title=title("value × weight, summed"),
    )

    # -- the output map, the current cell outlined
    opx = px
    x_o, y_o = _grid_axes(ow), _grid_axes(oh, flip=True)
    base_o = alt.Chart(outputs).transform_filter("datum.k == kernel").transform_calculate(c1="datum.c + 1", r1="datum.r + 1")
    o_cells = base_o.mark_rect().encode(
        x=alt.X("c:Q", **x_o),
        x2="c1:Q",
        y=alt.Y("r:Q", **y_o),
        y2="r1:Q",
        color=alt.Color("n:Q", scale=alt.Scale(domain=[-1, 0, 1], range=DIVERGING, interpolate="rgb"), legend=None),
        tooltip=[alt.Tooltip("r:Q", title="row"), alt.Tooltip("c:Q", title="col"), alt.Tooltip("o:Q", title="value")],
    )
    o_frame = (
        alt.Chart(one)
        .transform_calculate(z="0", zw=str(ow), zh=str(oh))
        .mark_rect(fill=None, stroke="#bbbbbb", strokeWidth=1)
        .encode(x=alt.X("z:Q", **x_o), x2="zw:Q", y=alt.Y("z:Q", **y_o), y2="zh:Q")
    )
    o_cell = (
        alt.Chart(one)
        .transform_calculate(r=f"floor(step / {ow})", c=f"step % {ow}", r1=f"floor(step / {ow}) + 1", c1=f"step % {ow} + 1")
        .mark_rect(fill=None, stroke=ACCENT, strokeWidth=3)
        .encode(x=alt.X("c:Q", **x_o), x2="c1:Q", y=alt.Y("r:Q", **y_o), y2="r1:Q")
    )
    output_panel = alt.layer(o_cells, o_frame, o_cell).properties(
        view=NO_FRAME,
        width=ow * opx,
        height=oh * opx,
        title=title(f"output {oh}×{ow}"),
    )

    sr, sc = meta["stride"]
    stride_text = f"{sr}" if sr == sc else f"{sr}×{sc}"
    # input -> kernel -> output in one row, the arithmetic of the current cell beneath:
    # narrow enough for the book's text column.
    top = alt.hconcat(input_panel, kernel_panel, output_panel, spacing=24).resolve_scale(
        color="independent", x="independent", y="independent"
    )
    chart = (
        alt.vconcat(top, arithmetic_panel, spacing=14, params=[step.param, kernel.param])
        .resolve_scale(color="independent", x="independent", y="independent")
        .properties(
            title=title(
                f"{meta['operation'].capitalize()}, stride {stride_text}: move the slider to slide the window",
                fontSize=13,
                fontWeight=None,
            )
        )
    )
    return chart
