"""Kernel-free Altair charts of adversarial examples and of the foveated eye.

Every number and every picture is computed here, in Python; the page only picks among
them as its sliders move. Pictures travel as small PNG images (``data:`` URLs, drawn by
Vega-Lite image marks), enlarged with nearest-neighbour sampling so the pixels stay sharp.

* :func:`success_rate_chart` - attack success rate against ``eps``, one line per attack
  (the table of :func:`cnn_course.failures.evaluation.success_rates`).
* :func:`examples_data` and :func:`examples_chart` - the interactive figure: a slider
  picks ``eps``; for each of a few images, the original, the perturbation (amplified:
  mid-grey is no change, white ``+eps``, black ``-eps``) and the adversarial image, with
  the network's answers and confidences.
* :func:`targeted_chart` - one image turned into each class in turn.
* :func:`foveation_data` and :func:`foveation_chart` - a slider moves the point of fixation;
  the foveated digits and the network's accuracy at that fixation.

Examples
--------
>>> table = pd.DataFrame({"method": ["FGSM", "FGSM"], "eps": [0.0, 0.1],
...                       "success_rate": [0.0, 0.5], "n": [10, 10], "fooled": [0, 5]})
>>> success_rate_chart(table).to_dict()["layer"][0]["mark"]["type"]
'line'
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import altair as alt
import numpy as np
import pandas as pd
from numpy.typing import ArrayLike

from cnn_course._validation import as_finite_array, as_int, check_choice
from cnn_course.failures.attacks import METHODS, Output, _check_images, attack, check_eps, pgd
from cnn_course.failures.evaluation import predict
from cnn_course.failures.foveation import foveate
from cnn_course.viz import style
from cnn_course.viz.html import png_data_uri

__all__ = [
    "METHOD_COLORS",
    "examples_chart",
    "examples_data",
    "foveation_chart",
    "foveation_data",
    "logit_path_chart",
    "perturbation_uri",
    "success_rate_chart",
    "targeted_chart",
]

#: Colours of the two attacks, shared with the explorer.
METHOD_COLORS = {"FGSM": style.BLUE, "PGD": style.ACCENT}
RIGHT, WRONG = "#1a7f37", "#c0392b"


def perturbation_uri(delta: ArrayLike, eps: float, *, scale: int = 3, optimize: bool = True) -> str:
    """A perturbation as a PNG ``data:`` URL, amplified: mid-grey is no change, white ``+eps``, black ``-eps``.

    With ``eps = 0`` the range is ``-1 .. 1`` (every pixel mid-grey). ``optimize``: as for
    :func:`cnn_course.viz.html.png_data_uri` (True: the smallest file, for the book's charts).

    Examples
    --------
    >>> import base64, io
    >>> from PIL import Image
    >>> uri = perturbation_uri(np.array([[-0.1, 0.0, 0.1]]), 0.1, scale=1)
    >>> np.asarray(Image.open(io.BytesIO(base64.b64decode(uri.split(",")[1])))).tolist()
    [[0, 128, 255]]
    """
    top = eps if eps > 0 else 1.0
    return png_data_uri(delta, scale=scale, low=-top, high=top, optimize=optimize)


def _picture_uri(image: ArrayLike, scale: int) -> str:
    """A picture stored in a chart: values 0..1, the smallest PNG."""
    return png_data_uri(image, scale=scale, optimize=True)


# ---------------------------------------------------------------------------------------
# Success rate against eps
# ---------------------------------------------------------------------------------------


def success_rate_chart(table: pd.DataFrame, *, width: int = 420, height: int = 240) -> alt.LayerChart:
    """Attack success rate against ``eps``, one line per attack, values in the tooltips.

    Parameters
    ----------
    table : pandas.DataFrame
        Columns ``method``, ``eps``, ``success_rate`` (0..1), ``n`` and ``fooled``, as
        returned by :func:`cnn_course.failures.evaluation.success_rates`.
    width, height : int

    Returns
    -------
    altair.LayerChart
    """
    if not isinstance(table, pd.DataFrame):
        raise TypeError(f"table must be a pandas DataFrame, got {type(table).__name__}")
    missing = {"method", "eps", "success_rate", "n", "fooled"} - set(table.columns)
    if missing:
        raise ValueError(f"table must have the columns method, eps, success_rate, n and fooled; missing {sorted(missing)}")
    data = table[["method", "eps", "success_rate", "n", "fooled"]].copy()
    data["eps"] = data["eps"].astype(float).round(4)
    data["success_rate"] = data["success_rate"].astype(float).round(4)
    data["grey_levels"] = (data["eps"] * 255).round(0)
    methods = list(dict.fromkeys(data["method"]))
    palette = [METHOD_COLORS.get(m, "#636363") for m in methods]
    color = alt.Color("method:N", scale=alt.Scale(domain=methods, range=palette),
                      legend=alt.Legend(orient="bottom", title=None))
    base = alt.Chart(data).encode(
        x=alt.X("eps:Q", title="eps (largest change of any pixel, 0..1 scale)"),
        y=alt.Y("success_rate:Q", title="attack success rate", scale=alt.Scale(domain=[0, 1]),
                axis=alt.Axis(format="%")),
        color=color,
        tooltip=[alt.Tooltip("method:N"), alt.Tooltip("eps:Q", format=".3f"),
                 alt.Tooltip("grey_levels:Q", title="eps in grey levels"),
                 alt.Tooltip("success_rate:Q", title="success rate", format=".1%"),
                 alt.Tooltip("fooled:Q", title="digits fooled"), alt.Tooltip("n:Q", title="digits attacked")],
    )
    line = base.mark_line(strokeWidth=2.5)
    points = base.mark_point(size=60, filled=True)
    return alt.layer(line, points).properties(width=width, height=height)


def logit_path_chart(path: pd.DataFrame, label: int, *, class_names: Sequence[str] | None = None,
                     width: int = 420, height: int = 240) -> alt.LayerChart:
    """The class scores along the FGSM direction (from :func:`cnn_course.failures.evaluation.logit_path`).

    The true class is drawn thick in green, the class that wins at the largest ``eps`` in
    red, the others thin and grey.

    Examples
    --------
    >>> path = pd.DataFrame({"eps": [0, 0, .1, .1], "class": [0, 1, 0, 1], "score": [2., 0., 1., 1.5]})
    >>> logit_path_chart(path, 0).to_dict()["layer"][0]["mark"]["type"]
    'line'
    """
    if not isinstance(path, pd.DataFrame) or not {"eps", "class", "score"} <= set(path.columns):
        raise ValueError("path must be a DataFrame with columns eps, class and score (from logit_path)")
    truth = as_int(label, "label", 0)
    data = path[["eps", "class", "score"]].copy()
    data["eps"] = data["eps"].astype(float).round(4)
    data["score"] = data["score"].astype(float).round(3)
    last = data[data["eps"] == data["eps"].max()]
    winner = int(last.loc[last["score"].idxmax(), "class"])
    names = [str(c) for c in range(int(data["class"].max()) + 1)] if class_names is None else list(map(str, class_names))
    data["name"] = [names[int(c)] for c in data["class"]]
    data["role"] = ["true class" if c == truth else ("winner at the largest eps" if c == winner else "other classes")
                    for c in data["class"]]
    roles = ["true class", "winner at the largest eps", "other classes"]
    colour = alt.Color("role:N", scale=alt.Scale(domain=roles, range=[RIGHT, WRONG, "#bbbbbb"]),
                       legend=alt.Legend(orient="bottom", title=None))
    base = alt.Chart(data).encode(
        x=alt.X("eps:Q", title="distance moved along the FGSM direction (eps)"),
        y=alt.Y("score:Q", title="class score (logit)"),
        color=colour, detail="class:N",
        tooltip=[alt.Tooltip("name:N", title="class"), alt.Tooltip("eps:Q", format=".3f"),
                 alt.Tooltip("score:Q", format=".2f")])
    lines = base.mark_line().encode(strokeWidth=alt.condition(f"datum['class'] == {truth} || datum['class'] == {winner}",
                                                              alt.value(3), alt.value(1.2)))
    ends = alt.Chart(data[data["eps"] == data["eps"].max()]).mark_text(align="left", dx=4, fontSize=11).encode(
        x="eps:Q", y="score:Q", text="name:N", color=colour)
    return alt.layer(lines, ends).properties(width=width, height=height)


# ---------------------------------------------------------------------------------------
# Original / perturbation / adversarial, with an eps slider
# ---------------------------------------------------------------------------------------


def examples_data(
    model: Any,
    images: ArrayLike,
    labels: ArrayLike,
    eps_values: Sequence[float],
    *,
    method: str = "PGD",
    steps: int = 10,
    class_names: Sequence[str] | None = None,
    output: Output = "probabilities",
    scale: int = 3,
) -> list[dict[str, Any]]:
    """The rows behind :func:`examples_chart`: every image attacked at every ``eps``.

    Parameters
    ----------
    model : keras.Model
    images : array_like, shape (N, ...)
        A few images in [0, 1] (each one a column of the chart).
    labels : array_like of int, shape (N,)
        Their true classes (the attack is untargeted).
    eps_values : sequence of float
        The values the slider offers, in [0, 1].
    method : {"FGSM", "PGD"}
    steps : int
        PGD's steps (step size ``2.5 * eps / steps``).
    class_names : sequence of str, optional
        Names shown for the classes (default: their numbers).
    output : {"probabilities", "logits", "distances"}
    scale : int
        Screen pixels per image pixel.

    Returns
    -------
    list of dict
        One row per (image ``i``, eps index ``k``, picture kind ``kind`` in
        ``"original"``, ``"perturbation"``, ``"adversarial"``) with the picture ``url``,
        and the answer ``pred``/``conf`` and whether it is right (``ok``), ``eps`` and
        ``label``.
    """
    x = np.asarray(images)
    y = np.asarray(labels)
    check_choice(method, "method", METHODS)
    eps_list = [check_eps(e, "eps_values") for e in eps_values]
    if not eps_list:
        raise ValueError("eps_values must hold at least one eps")
    names = [str(c) for c in range(10_000)] if class_names is None else [str(c) for c in class_names]
    rows: list[dict[str, Any]] = []
    pred0, conf0 = predict(model, x, output=output)
    for k, eps in enumerate(eps_list):
        if eps == 0:
            x_adv = _check_images(x)
        else:
            x_adv = attack(model, x, y, eps, method, output=output,
                               **({"steps": as_int(steps, "steps", 1)} if method == "PGD" else {}))
        pred, conf = predict(model, x_adv, output=output)
        for i in range(len(x)):
            common = {"i": i, "k": k, "eps": round(eps, 4), "label": names[int(y[i])]}
            if k == 0:
                rows.append({**common, "kind": "original", "url": _picture_uri(x[i], scale),
                             "pred": names[int(pred0[i])], "conf": round(float(conf0[i]), 3),
                             "ok": bool(pred0[i] == y[i])})
            delta = x_adv[i].astype(np.float64) - np.asarray(x[i], dtype=np.float64)
            rows.append({**common, "kind": "perturbation", "url": perturbation_uri(delta, eps, scale=scale),
                         "pred": "", "conf": round(float(np.abs(delta).max()), 4), "ok": True})
            rows.append({**common, "kind": "adversarial", "url": _picture_uri(x_adv[i], scale),
                         "pred": names[int(pred[i])], "conf": round(float(conf[i]), 3),
                         "ok": bool(pred[i] == y[i])})
    return rows


def examples_chart(rows: list[dict[str, Any]], *, image_px: int = 84, title: str = "") -> alt.LayerChart:
    """Original, perturbation and adversarial image of a few inputs; a slider picks ``eps``.

    Parameters
    ----------
    rows : list of dict
        From :func:`examples_data`.
    image_px : int
        Displayed side of each picture, in screen pixels.
    title : str

    Returns
    -------
    altair.LayerChart
        With one parameter, ``k`` (the index of ``eps``), bound to a slider.

    Examples
    --------
    >>> rows = [{"i": 0, "k": k, "eps": e, "label": "7", "kind": kind, "url": png_data_uri(np.zeros((2, 2))),
    ...          "pred": "7", "conf": 0.9, "ok": True}
    ...         for k, e in enumerate([0.0, 0.1]) for kind in ("perturbation", "adversarial")]
    >>> rows.append({**rows[1], "kind": "original"})
    >>> examples_chart(rows).to_dict()["params"][0]["name"]
    'k'
    """
    if not rows:
        raise ValueError("rows must not be empty: make them with examples_data")
    frame = pd.DataFrame(rows)
    n_images = int(frame["i"].max()) + 1
    eps_list = frame.drop_duplicates("k").sort_values("k")["eps"].tolist()
    gap = 24
    cell = image_px + gap
    kinds = ["original", "perturbation", "adversarial"]
    width = n_images * cell
    height = 3 * (image_px + 2 * gap)
    k = alt.param(name="k", value=len(eps_list) - 1 if len(eps_list) > 1 else 0,
                  bind=alt.binding_range(min=0, max=len(eps_list) - 1, step=1,
                                         name=f"eps index (eps = {', '.join(f'{e:g}' for e in eps_list)}) "))
    data = alt.Data(values=rows)
    x_scale = alt.Scale(domain=[0, width], nice=False, zero=True)
    y_scale = alt.Scale(domain=[0, height], nice=False, zero=True, reverse=True)
    where = "(datum.kind == 'original' || datum.k == k)"
    base = (alt.Chart(data).transform_filter(where)
            .transform_calculate(row=f"indexof({kinds}, datum.kind)")
            .transform_calculate(cx=f"(datum.i + 0.5) * {cell}", cy=f"datum.row * {image_px + 2 * gap} + {gap + image_px / 2}"))
    pictures = base.mark_image(width=image_px, height=image_px).encode(
        x=alt.X("cx:Q", scale=x_scale, axis=None), y=alt.Y("cy:Q", scale=y_scale, axis=None), url="url:N")
    words = base.transform_calculate(
        t="datum.kind == 'perturbation' ? 'max change ' + format(datum.conf, '.3f')"
          " : 'says ' + datum.pred + ' (' + format(datum.conf, '.0%') + ')'",
        ty=f"datum.cy + {image_px / 2 + 12}",
        col=f"datum.kind == 'perturbation' ? '#555555' : (datum.ok ? '{RIGHT}' : '{WRONG}')",
    ).mark_text(fontSize=11, font="sans-serif", fontWeight="bold").encode(
        x=alt.X("cx:Q", scale=x_scale, axis=None), y=alt.Y("ty:Q", scale=y_scale, axis=None), text="t:N",
        color=alt.Color("col:N", scale=None))
    heads = alt.Chart(alt.Data(values=[
        {"t": "original", "r": 0}, {"t": "perturbation (mid-grey = no change; white +eps, black -eps)", "r": 1},
        {"t": "adversarial image", "r": 2}])).transform_calculate(
        x0="0", y0=f"datum.r * {image_px + 2 * gap} + 9").mark_text(
        align="left", fontSize=11, font="sans-serif", color="#333333").encode(
        x=alt.X("x0:Q", scale=x_scale, axis=None), y=alt.Y("y0:Q", scale=y_scale, axis=None), text="t:N")
    caption = alt.Chart(alt.Data(values=[{"e": e, "k": i} for i, e in enumerate(eps_list)])).transform_filter(
        "datum.k == k").transform_calculate(
        t="'eps = ' + format(datum.e, '.3f') + ' (' + format(datum.e * 255, '.0f') + ' of 255 levels)'",
        x0=f"{width}", y0="9").mark_text(align="right", fontSize=12, font="sans-serif", fontWeight="bold").encode(
        x=alt.X("x0:Q", scale=x_scale, axis=None), y=alt.Y("y0:Q", scale=y_scale, axis=None), text="t:N")
    chart = alt.layer(pictures, words, heads, caption).add_params(k)
    props: dict[str, Any] = {"width": width, "height": height, "view": style.NO_FRAME}
    if title:
        props["title"] = style.title(title)
    return chart.properties(**props)


# ---------------------------------------------------------------------------------------
# A targeted attack into every class
# ---------------------------------------------------------------------------------------


def targeted_chart(
    model: Any,
    image: ArrayLike,
    label: int,
    eps: float,
    *,
    steps: int = 20,
    class_names: Sequence[str] | None = None,
    output: Output = "probabilities",
    image_px: int = 56,
) -> tuple[alt.LayerChart, pd.DataFrame]:
    """One image pushed by targeted PGD toward each class in turn.

    Parameters
    ----------
    model : keras.Model
    image : array_like
        One image in [0, 1], shaped like one input of the model.
    label : int
        Its true class.
    eps : float
    steps : int
    class_names : sequence of str, optional
    output : {"probabilities", "logits", "distances"}
    image_px : int

    Returns
    -------
    chart : altair.LayerChart
        One picture per target class, with the answer and its confidence.
    table : pandas.DataFrame
        Columns ``target``, ``prediction``, ``confidence``, ``success``.
    """
    x = _check_images(np.asarray(image)[None])
    truth = as_int(label, "label", 0)
    probe = np.asarray(model(x.astype(np.float32), training=False))
    classes = probe.shape[1]
    names = [str(c) for c in range(classes)] if class_names is None else [str(c) for c in class_names]
    targets = np.arange(classes)
    batch = np.repeat(x, classes, axis=0)
    x_adv = pgd(model, batch, targets, eps, steps=steps, targeted=True, output=output)
    x_adv[truth] = x[0]
    pred, conf = predict(model, x_adv, output=output)
    table = pd.DataFrame({"target": targets, "prediction": pred, "confidence": conf, "success": pred == targets})
    gap = 26
    cell = image_px + 8
    rows = []
    for t in targets:
        title = "original" if t == truth else f"target {names[t]}"
        rows.append({"cx": (t + 0.5) * cell, "url": _picture_uri(x_adv[t], max(1, image_px // x.shape[1])),
                     "head": title, "t": f"{names[pred[t]]} ({conf[t]:.0%})",
                     "ok": bool(pred[t] == t)})
    width, height = classes * cell, image_px + 2 * gap
    x_scale = alt.Scale(domain=[0, width], nice=False, zero=True)
    y_scale = alt.Scale(domain=[0, height], nice=False, zero=True, reverse=True)
    base = alt.Chart(alt.Data(values=rows)).transform_calculate(cy=f"{gap + image_px / 2}", hy="9",
                                                                ty=f"{gap + image_px + 12}")
    enc = {"x": alt.X("cx:Q", scale=x_scale, axis=None)}
    pictures = base.mark_image(width=image_px, height=image_px).encode(
        **enc, y=alt.Y("cy:Q", scale=y_scale, axis=None), url="url:N",
        tooltip=[alt.Tooltip("head:N", title="picture"), alt.Tooltip("t:N", title="network says")])
    heads = base.mark_text(fontSize=10, font="sans-serif", color="#333333").encode(
        **enc, y=alt.Y("hy:Q", scale=y_scale, axis=None), text="head:N")
    words = base.mark_text(fontSize=10, font="sans-serif", fontWeight="bold").encode(
        **enc, y=alt.Y("ty:Q", scale=y_scale, axis=None), text="t:N",
        color=alt.condition("datum.ok", alt.value(RIGHT), alt.value(WRONG)))
    chart = alt.layer(pictures, heads, words).properties(width=width, height=height, view=style.NO_FRAME)
    return chart, table


# ---------------------------------------------------------------------------------------
# The foveated eye
# ---------------------------------------------------------------------------------------


def foveation_data(
    images: ArrayLike,
    accuracy: pd.DataFrame,
    *,
    scale: int = 3,
    **foveate_options: Any,
) -> dict[str, list[dict[str, Any]]]:
    """Rows behind :func:`foveation_chart`: a few digits seen from each fixation of ``accuracy``.

    Parameters
    ----------
    images : array_like, shape (N, rows, cols) or (N, rows, cols, 1)
        A few digits, values in [0, 1].
    accuracy : pandas.DataFrame
        Columns ``offset`` and ``accuracy``, from
        :func:`cnn_course.failures.foveation.fixation_accuracy` (the fixation moves along the
        diagonal toward the top-left corner).
    scale : int
    **foveate_options
        The same options as the accuracy was measured with.

    Returns
    -------
    dict
        ``"pictures"``: rows ``{"k", "i", "url"}``; ``"curve"``: rows ``{"k", "offset",
        "accuracy", "row", "col"}`` (``row``, ``col``: the fixation point).
    """
    array = as_finite_array(images, "images", (3, 4))
    if array.ndim == 4:
        array = array[..., 0]
    if not isinstance(accuracy, pd.DataFrame) or not {"offset", "accuracy"} <= set(accuracy.columns):
        raise ValueError("accuracy must be a DataFrame with columns offset and accuracy (from fixation_accuracy)")
    rows, cols = array.shape[1:]
    centre = np.array([(rows - 1) / 2, (cols - 1) / 2])
    pictures, curve = [], []
    for k, (offset, acc) in enumerate(zip(accuracy["offset"], accuracy["accuracy"])):
        point = centre - float(offset) / np.sqrt(2)
        seen = foveate(array, point, **foveate_options)
        for i in range(len(array)):
            pictures.append({"k": k, "i": i, "url": _picture_uri(np.clip(seen[i], 0, 1), scale)})
        curve.append({"k": k, "offset": round(float(offset), 2), "accuracy": round(float(acc), 4),
                      "row": round(float(point[0]), 2), "col": round(float(point[1]), 2)})
    return {"pictures": pictures, "curve": curve, "shape": [int(rows), int(cols)]}


def foveation_chart(data: dict[str, Any], *, image_px: int = 84, curve_width: int = 200) -> alt.HConcatChart:
    """A slider moves the fixation point: the digits as the eye sees them, and the accuracy.

    Parameters
    ----------
    data : dict
        From :func:`foveation_data`.
    image_px : int
    curve_width : int

    Returns
    -------
    altair.HConcatChart
        With one parameter, ``f`` (the index of the fixation), bound to a slider.
    """
    if not isinstance(data, dict) or not {"pictures", "curve", "shape"} <= set(data):
        raise ValueError("data must come from foveation_data")
    curve = data["curve"]
    n_images = max(p["i"] for p in data["pictures"]) + 1
    rows, cols = data["shape"]
    offsets = [c["offset"] for c in curve]
    f = alt.param(name="f", value=0, bind=alt.binding_range(
        min=0, max=len(curve) - 1, step=1, name=f"fixation (distance from the centre: {', '.join(f'{o:g}' for o in offsets)} px) "))
    cell = image_px + 10
    width, height = n_images * cell, image_px + 30
    x_scale = alt.Scale(domain=[0, width], nice=False, zero=True)
    y_scale = alt.Scale(domain=[0, height], nice=False, zero=True, reverse=True)
    pics = (alt.Chart(alt.Data(values=data["pictures"])).transform_filter("datum.k == f")
            .transform_calculate(cx=f"(datum.i + 0.5) * {cell}", cy=f"{image_px / 2}")
            .mark_image(width=image_px, height=image_px)
            .encode(x=alt.X("cx:Q", scale=x_scale, axis=None), y=alt.Y("cy:Q", scale=y_scale, axis=None), url="url:N"))
    # the fixation point drawn on every picture
    px = image_px / cols
    marks = (alt.Chart(alt.Data(values=[{"i": i, **c} for c in curve for i in range(n_images)]))
             .transform_filter("datum.k == f")
             .transform_calculate(cx=f"(datum.i + 0.5) * {cell} - {image_px / 2} + (datum.col + 0.5) * {px}",
                                  cy=f"(datum.row + 0.5) * {px}")
             .mark_point(shape="cross", size=90, color="#e6550d", strokeWidth=2, clip=True)
             .encode(x=alt.X("cx:Q", scale=x_scale, axis=None), y=alt.Y("cy:Q", scale=y_scale, axis=None)))
    words = (alt.Chart(alt.Data(values=curve)).transform_filter("datum.k == f")
             .transform_calculate(t="'fixation ' + format(datum.offset, '.0f') + ' px from the centre: accuracy on the test digits ' + format(datum.accuracy, '.1%')",
                                  x0="0", y0=f"{image_px + 18}")
             .mark_text(align="left", fontSize=12, font="sans-serif", fontWeight="bold")
             .encode(x=alt.X("x0:Q", scale=x_scale, axis=None), y=alt.Y("y0:Q", scale=y_scale, axis=None), text="t:N"))
    left = alt.layer(pics, marks, words).properties(width=width, height=height, view=style.NO_FRAME)
    line_base = alt.Chart(alt.Data(values=curve)).encode(
        x=alt.X("offset:Q", title="fixation's distance from the centre (px)"),
        y=alt.Y("accuracy:Q", title="accuracy", scale=alt.Scale(domain=[0, 1]), axis=alt.Axis(format="%")))
    line = line_base.mark_line(color="#3182bd", strokeWidth=2.5)
    now = line_base.transform_filter("datum.k == f").mark_point(size=120, filled=True, color="#e6550d")
    right = alt.layer(line, now).properties(width=curve_width, height=height)
    return alt.hconcat(left, right, spacing=20).add_params(f)
