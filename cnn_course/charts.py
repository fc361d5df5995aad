"""Altair (Vega-Lite) charts that stay interactive in a static web page, with no Python behind.

The HTML book has no kernel, so its interactivity comes from Vega-Lite parameters bound to
HTML inputs: the data is computed here once, and the page filters it (or looks values up
in it) as the slider moves. Data is inline and compact: long-form rows with short field
names, a few tens of kilobytes per chart.

* :func:`sliding_window_chart`: the sliding-window explorer, kernel-free. A slider
  (parameter ``step``) moves the window; a drop-down (parameter ``kernel``) picks a
  preset. It shows the padded input with the receptive field outlined, the kernel with
  its weights, the products of the current output cell and their sum, and the output map
  with that cell outlined.
* :func:`pixelation_chart`: a slider (parameter ``size``) over pooling window sizes,
  showing the pooled image next to the original.
* :func:`heatmap`: a static grid of numbers for the chapters' figures.

The data behind the two interactive charts is available as plain rows
(:func:`sliding_window_data`, :func:`pixelation_data`), which is what the tests check.
How charts are rendered (book, JupyterLab, Colab) is :mod:`cnn_course.display`'s job.

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
import pandas as pd
from numpy.typing import ArrayLike, NDArray

from cnn_course._validation import as_finite_array, as_int, as_pair, check_choice

__all__ = [
    "DEFAULT_KERNELS",
    "default_image",
    "default_pixelation_image",
    "heatmap",
    "pixelation_chart",
    "pixelation_data",
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

#: Colours shared with the ipywidgets explorer (:mod:`cnn_course.explorers`).
ACCENT = "#e6550d"
PADDING_COLOR = "#6baed6"
DIVERGING = ["#2166ac", "#ffffff", "#d6604d"]  # negative, zero, positive
#: Number format in the page (d3-format): at most 3 decimals, trailing zeros trimmed.
D3_FORMAT = ".3~f"

OPERATIONS: tuple[str, ...] = ("cross-correlation", "convolution")
#: No grey frame around a panel (the grids draw their own).
_NO_FRAME = alt.ViewBackground(stroke=None)


def _num(x: float, decimals: int = 4) -> int | float:
    """A compact JSON number: rounded, and an int when it is whole (``255`` not ``255.0``)."""
    r = round(float(x), decimals)
    if r == 0:
        return 0
    return int(r) if r.is_integer() else r


def _frame(rows: list[dict[str, Any]]) -> pd.DataFrame:
    """Rows as a DataFrame for Altair (which copies it by reference, not value by value),
    with whole-number columns as integers so the JSON says ``255``, not ``255.0``."""
    frame = pd.DataFrame(rows)
    for name in frame.columns:
        column = frame[name]
        if column.dtype.kind == "f" and np.all(np.mod(column.to_numpy(), 1) == 0):
            frame[name] = column.astype(np.int64)
    return frame


def default_image() -> NDArray[np.float64]:
    """The input of the book's sliding-window chart: the digit seven at 10x10.

    Examples
    --------
    >>> default_image().shape
    (10, 10)
    """
    from cnn_course.images import sample_image

    return sample_image("digit-seven", size=10)


def default_pixelation_image() -> NDArray[np.float64]:
    """The input of the book's pixelation chart: Grace Hopper's portrait at 48x48.

    Examples
    --------
    >>> default_pixelation_image().shape
    (48, 48)
    """
    from cnn_course.images import photo

    return photo("grace_hopper", size=48)


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
    from cnn_course.convolution import convolve2d, cross_correlate2d
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
            input_rows.append({"i": r * W + c, "r": r, "c": c, "v": _num(padded[r, c], 3), "p": int(pad)})

    kernel_rows, output_rows = [], []
    out_shape = None
    for k, name in enumerate(names):
        weights = KERNELS[name]
        applied = weights[::-1, ::-1] if operation == "convolution" else weights
        wmax = float(np.abs(applied).max()) or 1.0
        for m, w in enumerate(applied.ravel()):
            kernel_rows.append({"k": k, "m": m, "a": m // kw, "b": m % kw, "w": _num(w, 6), "n": _num(w / wmax, 3)})
        out = compute(image, weights, stride=(sr, sc), padding=(pr, pc))
        out_shape = out.shape
        omax = float(np.abs(out).max()) or 1.0
        for (r, c), o in np.ndenumerate(out):
            output_rows.append({"k": k, "r": r, "c": c, "o": _num(o, 4), "n": _num(o / omax, 3)})
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
        As in :func:`cnn_course.convolution.cross_correlate2d`.
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
    inputs, kernels, outputs = _frame(data["input"]), _frame(data["kernel"]), _frame(data["output"])
    one = _frame([{"u": 0}])
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
        view=_NO_FRAME,
        width=W * px, height=H * px, title=alt.Title(in_title, anchor="start", fontSize=12, fontWeight="normal")
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
        view=_NO_FRAME,
        width=kw * kpx, height=kh * kpx, title=alt.Title(k_title, anchor="start", fontSize=12, fontWeight="normal")
    )

    # -- the arithmetic of the current cell: value x weight for each kernel cell, and the sum
    from cnn_course.explorers import format_number

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
        view=_NO_FRAME,
        width=kw * apx_w,
        height=(kh + 2) * apx_h,
        title=alt.Title("value × weight, summed", anchor="start", fontSize=12, fontWeight="normal"),
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
        view=_NO_FRAME,
        width=ow * opx,
        height=oh * opx,
        title=alt.Title(f"output {oh}×{ow}", anchor="start", fontSize=12, fontWeight="normal"),
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
            title=alt.Title(
                f"{meta['operation'].capitalize()}, stride {stride_text}: move the slider to slide the window",
                anchor="start",
                fontSize=13,
            )
        )
    )
    return chart


# ---------------------------------------------------------------------------------------
# Pixelation
# ---------------------------------------------------------------------------------------


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
    from cnn_course.pooling import avg_pool2d, max_pool2d

    image = as_finite_array(image, "image", 2)
    mode = check_choice(mode, "mode", ("max", "average"))
    sizes = _check_sizes(sizes, min(image.shape))
    pool = max_pool2d if mode == "max" else avg_pool2d
    rows = []
    for s in sorted({1, *sizes}):
        pooled = image if s == 1 else pool(image, s)
        rows.extend({"s": s, "i": i, "v": _num(v, 1)} for i, v in enumerate(pooled.ravel()))
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
    data = _frame(rows)
    x = {"scale": alt.Scale(domain=[0, w], nice=False, zero=False), "axis": None}
    y = {"scale": alt.Scale(domain=[0, h], nice=False, zero=False, reverse=True), "axis": None}
    grey = alt.Scale(domain=[lo, hi], range=["#000000", "#ffffff"], interpolate="rgb")
    color = alt.Color("v:Q", scale=grey, legend=None)
    stroke = alt.Stroke("v:Q", scale=grey, legend=None)

    def picture(filter_expr: str, title: str | alt.Title) -> alt.LayerChart:
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
            alt.Chart(_frame([{"x0": 0, "x1": w, "y0": 0, "y1": h}]))
            .mark_rect(fill=None, stroke="#bbbbbb", strokeWidth=1)
            .encode(x=alt.X("x0:Q", **x), x2="x1:Q", y=alt.Y("y0:Q", **y), y2="y1:Q")
        )
        return alt.layer(cells, frame).properties(
            view=_NO_FRAME,
            width=w * px,
            height=h * px,
            title=title if isinstance(title, alt.Title) else alt.Title(title, anchor="start", fontSize=12,
                                                                      fontWeight="normal"),
        )

    original = picture("datum.s == 1", f"original {h}×{w}")
    label = mode if mode == "max" else "average"
    pooled = picture(
        f"datum.s == {snap}[size]",
        alt.Title(
            alt.expr(
                f"'{label} pooling, ' + {snap}[size] + '×' + {snap}[size] + ' windows: "
                f"{h}×{w} → ' + {out_rows}[size] + '×' + {out_cols}[size]"
            ),
            anchor="start",
            fontSize=12,
            fontWeight="normal",
        ),
    )
    return alt.hconcat(original, pooled, spacing=20, params=[size.param])


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
    from cnn_course.explorers import format_number

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
