"""An ipywidgets explorer of adversarial examples, for live notebooks.

A thin layer over pure functions, which is what the tests exercise:

* :func:`adversarial_view` computes one frame, an :class:`AdversarialView`: an image
  attacked with FGSM or PGD at a given ``eps``, untargeted or toward a chosen class, with
  the network's answers, its probabilities before and after, and the frame's HTML;
* :func:`render_view_html` draws a frame as HTML: original, perturbation (amplified) and
  adversarial image side by side, and the ten probabilities before and after as bars;
* :func:`adversarial_explorer` builds the :class:`AdversarialExplorer` (an
  :class:`cnn_course.viz.widgets.Explorer`: image, ``eps``, attack, target); a learner's
  move and a direct call of :meth:`~cnn_course.viz.widgets.Explorer.update` both return an
  :class:`AdversarialView`.

The kernel-free twin for the HTML book is
:func:`cnn_course.failures.charts.examples_chart`.

Examples
--------
>>> import keras
>>> keras.utils.set_random_seed(0)
>>> model = keras.Sequential([keras.Input((4, 4, 1)), keras.layers.Flatten(),
...                           keras.layers.Dense(3, activation="softmax")])
>>> view = adversarial_view(model, np.full((4, 4, 1), 0.5), 0, eps=0.1, method="FGSM")
>>> view.probabilities_before.shape, float(np.abs(view.perturbation).max()) <= 0.1
((3,), True)
"""

from __future__ import annotations

import dataclasses
import html
from collections.abc import Sequence
from typing import Any

import ipywidgets as widgets
import numpy as np
from numpy.typing import ArrayLike, NDArray

from cnn_course._validation import as_int, check_choice
from cnn_course.failures.attacks import METHODS, Output, _check_images, attack, check_eps
from cnn_course.failures.charts import METHOD_COLORS, RIGHT, WRONG, perturbation_uri
from cnn_course.nonlinearities.activations import softmax
from cnn_course.viz.html import png_data_uri
from cnn_course.viz.widgets import Explorer, View

__all__ = ["AdversarialExplorer", "AdversarialView", "adversarial_explorer", "adversarial_view", "render_view_html"]

#: Largest eps the explorer's slider offers.
MAX_EPS = 0.4


@dataclasses.dataclass(frozen=True, eq=False)
class AdversarialView(View):
    """Everything one frame of the explorer shows.

    Attributes
    ----------
    html : str
        The frame drawn by :func:`render_view_html`.
    image, adversarial, perturbation : ndarray
        The input, the attacked input and their difference (shape of one input).
    label : int
        The true class.
    target : int or None
        The class a targeted attack aims at (None: untargeted).
    eps : float
    method : str
    prediction_before, prediction_after : int
    probabilities_before, probabilities_after : ndarray, shape (classes,)
    """

    image: NDArray[np.float64]
    adversarial: NDArray[np.float64]
    perturbation: NDArray[np.float64]
    label: int
    target: int | None
    eps: float
    method: str
    prediction_before: int
    prediction_after: int
    probabilities_before: NDArray[np.float64]
    probabilities_after: NDArray[np.float64]

    @property
    def success(self) -> bool:
        """Whether the attack did what it set out to do."""
        if self.target is None:
            return self.prediction_after != self.label
        return self.prediction_after == self.target


def _probabilities(model: Any, x: NDArray[Any], output: str) -> NDArray[np.float64]:
    out = np.asarray(model(x.astype(np.float32), training=False), dtype=np.float64)
    if output == "probabilities":
        return out
    return softmax(out if output == "logits" else -out, axis=1)


def adversarial_view(
    model: Any,
    image: ArrayLike,
    label: int,
    *,
    eps: float = 0.1,
    method: str = "PGD",
    target: int | None = None,
    steps: int = 10,
    output: Output = "probabilities",
    class_names: Sequence[str] | None = None,
) -> AdversarialView:
    """Attack one image and report what the network says before and after.

    Parameters
    ----------
    model : keras.Model
    image : array_like
        One input in [0, 1] (no batch axis), e.g. shape (28, 28, 1).
    label : int
        Its true class.
    eps : float
    method : {"FGSM", "PGD"}
    target : int, optional
        Aim at this class (targeted attack); None for untargeted.
    steps : int
        PGD's steps.
    output : {"probabilities", "logits", "distances"}
    class_names : sequence of str, optional
        Names of the classes in the view's HTML (default: their numbers).

    Returns
    -------
    AdversarialView
    """
    check_choice(method, "method", METHODS)
    eps_value = check_eps(eps)
    x = _check_images(np.asarray(image)[None], "image")
    truth = as_int(label, "label", 0)
    aim = None if target is None else as_int(target, "target", 0)
    goal = truth if aim is None else aim
    options: dict[str, Any] = {"targeted": aim is not None, "output": output}
    if method == "PGD":
        options["steps"] = as_int(steps, "steps", 1)
    x_adv = attack(model, x, [goal], eps_value, method, **options) if eps_value > 0 else x.copy()
    before = _probabilities(model, x, output)[0]
    after = _probabilities(model, x_adv, output)[0]
    pred_before, pred_after = int(np.argmax(before)), int(np.argmax(after))
    frame = AdversarialView(
        html="", image=x[0].astype(np.float64), adversarial=x_adv[0].astype(np.float64),
        perturbation=x_adv[0].astype(np.float64) - x[0].astype(np.float64),
        label=truth, target=aim, eps=eps_value, method=method,
        prediction_before=pred_before, prediction_after=pred_after,
        probabilities_before=before, probabilities_after=after,
    )
    return dataclasses.replace(frame, html=render_view_html(frame, class_names=class_names))


def _bars_svg(before: NDArray[np.float64], after: NDArray[np.float64], names: Sequence[str], label: int,
              target: int | None, width: int = 300, height: int = 150) -> str:
    n = len(before)
    left, bottom, top = 30, 22, 8
    h = height - bottom - top
    slot = (width - left) / n
    parts = [f'<svg width="{width}" height="{height}" style="font:10px sans-serif;flex:none">']
    for frac in (0, 0.5, 1):
        y = top + h - frac * h
        parts.append(f'<line x1="{left}" x2="{width}" y1="{y:g}" y2="{y:g}" stroke="#eee"/>'
                     f'<text x="{left - 4}" y="{y + 3:g}" text-anchor="end">{frac:.0%}</text>')
    for j in range(n):
        x0 = left + j * slot
        for k, (values, colour) in enumerate([(before, "#bbbbbb"), (after, METHOD_COLORS["PGD"])]):
            bh = float(values[j]) * h
            parts.append(f'<rect x="{x0 + 2 + k * (slot - 4) / 2:.1f}" y="{top + h - bh:.1f}" '
                         f'width="{(slot - 4) / 2:.1f}" height="{bh:.1f}" fill="{colour}"/>')
        weight = "bold" if j in (label, target) else "normal"
        colour = RIGHT if j == label else (WRONG if j == target else "#333")
        parts.append(f'<text x="{x0 + slot / 2:.1f}" y="{height - 8}" text-anchor="middle" '
                     f'font-weight="{weight}" fill="{colour}">{html.escape(str(names[j]))}</text>')
    parts.append("</svg>")
    return "".join(parts)


def render_view_html(view: AdversarialView, *, class_names: Sequence[str] | None = None, image_px: int = 112) -> str:
    """One frame as HTML: three pictures, the answers, and the probabilities before (grey) and after.

    Examples
    --------
    >>> view = AdversarialView("", np.zeros((2, 2)), np.zeros((2, 2)), np.zeros((2, 2)), 0, None, 0.0, "PGD",
    ...                        0, 0, np.array([1.0, 0.0]), np.array([1.0, 0.0]))
    >>> "says 0" in render_view_html(view)
    True
    """
    names = [str(c) for c in range(len(view.probabilities_before))] if class_names is None else list(map(str, class_names))
    scale = max(1, image_px // view.image.shape[0])

    def picture(uri: str, caption: str, colour: str) -> str:
        return (f'<div style="text-align:center;flex:none"><img src="{uri}" width="{image_px}" height="{image_px}" '
                f'style="image-rendering:pixelated;display:block" alt="{html.escape(caption)}"/>'
                f'<div style="color:{colour};font-weight:bold;font-size:12px">{html.escape(caption)}</div></div>')

    before_ok = view.prediction_before == view.label
    after_ok = view.prediction_after == view.label
    goal = "any wrong class" if view.target is None else f"class {names[view.target]}"
    verdict = "succeeded" if view.success else "failed"
    row = "".join([
        picture(png_data_uri(view.image, scale=scale), f"says {names[view.prediction_before]} "
                f"({view.probabilities_before[view.prediction_before]:.0%})", RIGHT if before_ok else WRONG),
        picture(perturbation_uri(view.perturbation, view.eps, scale=scale, optimize=False),
                f"perturbation, max {np.abs(view.perturbation).max():.3f}", "#555"),
        picture(png_data_uri(view.adversarial, scale=scale), f"says {names[view.prediction_after]} "
                f"({view.probabilities_after[view.prediction_after]:.0%})", RIGHT if after_ok else WRONG),
        _bars_svg(view.probabilities_before, view.probabilities_after, names, view.label, view.target),
    ])
    summary = (f"{view.method}, eps = {view.eps:.3f} ({view.eps * 255:.0f} grey levels), aiming at {goal}: "
               f"the attack {verdict}. True class: {names[view.label]}. Bars: probabilities before (grey) and after.")
    return (f'<div style="display:flex;gap:14px;align-items:flex-start;flex-wrap:wrap">{row}</div>'
            f'<div style="font-size:12px;margin-top:4px">{html.escape(summary)}</div>')


class AdversarialExplorer(Explorer):
    """The widgets and their view; build it with :func:`adversarial_explorer`.

    Its controls, the names :meth:`~cnn_course.viz.widgets.Explorer.update` accepts, are
    ``index`` (the test image), ``eps``, ``method`` and ``target`` (a class, or None for an
    untargeted attack); every update returns an :class:`AdversarialView`.
    """

    def __init__(self, model: Any, images: NDArray[Any], labels: NDArray[Any], *, index: int = 0,
                 eps: float = 0.1, method: str = "PGD", class_names: Sequence[str] | None = None,
                 steps: int = 10, output: Output = "probabilities") -> None:
        self.model, self.images, self.labels = model, images, labels
        self.class_names = class_names
        self.steps, self.model_output = steps, output
        names = [str(c) for c in range(10)] if class_names is None else list(map(str, class_names))
        style = {"description_width": "initial"}
        self.index = widgets.IntSlider(value=index, min=0, max=len(images) - 1, description="test image", style=style)
        self.eps = widgets.FloatSlider(value=eps, min=0.0, max=MAX_EPS, step=0.01, description="eps",
                                       readout_format=".2f", continuous_update=False, style=style)
        self.method = widgets.ToggleButtons(options=list(METHODS), value=method, description="attack", style=style)
        self.target = widgets.Dropdown(options=[("none (untargeted)", -1)] + [(n, i) for i, n in enumerate(names)],
                                       value=-1, description="target class", style=style)
        self._layout({"index": self.index, "eps": self.eps, "method": self.method, "target": self.target},
                     rows=[widgets.HBox([self.index, self.eps]), widgets.HBox([self.method, self.target])])

    def _set(self, name: str, value: Any) -> None:
        # target=None: the untargeted attack (the dropdown's -1)
        super()._set(name, -1 if (name == "target" and value is None) else value)

    def _compute(self) -> AdversarialView:
        i = self.index.value
        target = None if self.target.value < 0 else int(self.target.value)
        return adversarial_view(self.model, self.images[i], int(self.labels[i]), eps=self.eps.value,
                                method=self.method.value, target=target, steps=self.steps,
                                output=self.model_output, class_names=self.class_names)


def adversarial_explorer(
    model: Any,
    images: ArrayLike,
    labels: ArrayLike,
    *,
    index: int = 0,
    eps: float = 0.1,
    method: str = "PGD",
    class_names: Sequence[str] | None = None,
    steps: int = 10,
    output: Output = "probabilities",
) -> AdversarialExplorer:
    """Sliders for the image and ``eps``, a choice of attack and of target class.

    Parameters
    ----------
    model : keras.Model
    images : array_like, shape (N, ...)
        Inputs in [0, 1].
    labels : array_like of int, shape (N,)
    index, eps, method
        Starting values.
    class_names : sequence of str, optional
    steps : int
        PGD's steps.
    output : {"probabilities", "logits", "distances"}

    Returns
    -------
    AdversarialExplorer
        An ipywidgets box: displays as the widgets.
    """
    x = _check_images(images, "images")
    y = np.asarray(labels)
    if y.shape != (len(x),):
        raise ValueError(f"labels must have shape ({len(x)},), one per image, got {y.shape}")
    check_choice(method, "method", METHODS)
    check_eps(eps)
    start = as_int(index, "index", 0)
    if start >= len(x):
        raise ValueError(f"index must be < {len(x)} (the number of images), got {start}")
    return AdversarialExplorer(model, x, y, index=start, eps=eps, method=method, class_names=class_names,
                               steps=steps, output=output)
