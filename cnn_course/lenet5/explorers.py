"""ipywidgets explorer of the LeNet-5 chapter: the feature maps of every layer for a chosen
test digit, and the network's answer (needs a running kernel; the book shows the
kernel-free twin :func:`cnn_course.lenet5.charts.feature_maps_chart`).
"""

from __future__ import annotations

import html
from dataclasses import dataclass, field
from typing import Any

import ipywidgets as widgets
import numpy as np

from cnn_course._validation import as_int
from cnn_course.lenet5.charts import maps_png
from cnn_course.lenet5.inside import feature_maps
from cnn_course.viz.widgets import Explorer, View

__all__ = ["FeatureMapExplorer", "FeatureMapView", "feature_map_explorer", "render_maps_html"]


@dataclass(frozen=True)
class FeatureMapView(View):
    """What :class:`FeatureMapExplorer` shows: the HTML, the image and model shown, the
    network's answer, the true label, and each layer's map shape (height, width, maps)."""

    index: int = 0
    model: str = ""
    answer: int = 0
    label: int | None = None
    shapes: dict[str, tuple[int, ...]] = field(default_factory=dict)


def _render(model: Any, image: Any, label: int | None) -> tuple[str, int, dict[str, tuple[int, ...]]]:
    """The HTML of :func:`render_maps_html`, the model's answer and the maps' shapes."""
    from cnn_course.lenet5.paper import prepare_images

    x = prepare_images(np.asarray(image)[None])
    maps = feature_maps(model, x[0])
    out = model.predict(x, verbose=0)[0]
    rbf = model.name == "lenet5_1998"
    answer = int(out.argmin() if rbf else out.argmax())
    parts = [f'<div><img src="{maps_png(x[0], scale=4)}" style="image-rendering:pixelated"> ']
    verdict = "" if label is None else (" ✓" if answer == label else f" ✗ (true {label})")
    score = f"distance {out[answer]:.1f}" if rbf else f"probability {out[answer]:.3f}"
    parts.append(f"<b>answer: {answer}</b>{verdict} <small>({score})</small></div>")
    for name, m in maps.items():
        cols = 8 if m.shape[-1] > 8 else None
        parts.append(
            f"<div><small>{html.escape(name)}: {m.shape[-1]} maps of {m.shape[0]}x{m.shape[1]}</small><br>"
            f'<img src="{maps_png(m, cols, 3 if m.shape[0] > 12 else 5)}" style="image-rendering:pixelated"></div>'
        )
    return "".join(parts), answer, {name: tuple(int(s) for s in m.shape) for name, m in maps.items()}


def render_maps_html(model: Any, image: Any, label: int | None = None) -> str:
    """HTML of one digit, its feature maps layer by layer and the model's answer.

    Examples
    --------
    >>> from cnn_course.models.lenet import lenet5_keras
    >>> "C3" in render_maps_html(lenet5_keras(), np.zeros((28, 28)), label=7)
    True
    """
    return _render(model, image, label)[0]


class FeatureMapExplorer(Explorer):
    """A slider over test images and a menu of models; shows each layer's feature maps.

    Controls: ``index`` (the test image) and ``model`` (a key of ``models``);
    :meth:`update` returns a :class:`FeatureMapView`.
    """

    def __init__(self, models: dict[str, Any], images: Any, labels: Any, index: int = 0) -> None:
        if not isinstance(models, dict) or not models:
            raise ValueError("models must be a non-empty dict of name -> keras.Model")
        self.models = models
        self.images = np.asarray(images)
        self.labels = np.asarray(labels)
        if self.images.shape[0] != self.labels.shape[0] or self.images.shape[0] == 0:
            raise ValueError("images and labels must be non-empty and of the same length")
        index = as_int(index, "index", 0)
        self.index = widgets.IntSlider(value=min(index, len(self.images) - 1), min=0, max=len(self.images) - 1,
                                       description="test image", continuous_update=False)
        self.model = widgets.Dropdown(options=list(models), description="model")
        self._layout({"index": self.index, "model": self.model}, rows=[widgets.HBox([self.index, self.model])])

    def _set(self, name: str, value: Any) -> None:
        if name == "index":
            value = as_int(value, "index", 0)
        elif name == "model" and value not in self.models:
            raise ValueError(f"model must be one of {list(self.models)}, got {value!r}")
        super()._set(name, value)

    def _compute(self) -> FeatureMapView:
        i, name = int(self.index.value), self.model.value
        label = int(self.labels[i])
        page, answer, shapes = _render(self.models[name], self.images[i], label)
        return FeatureMapView(html=page, index=i, model=name, answer=answer, label=label, shapes=shapes)


def feature_map_explorer(models: dict[str, Any], images: Any, labels: Any, index: int = 0) -> FeatureMapExplorer:
    """Build a :class:`FeatureMapExplorer` (display it as a notebook cell's value)."""
    return FeatureMapExplorer(models, images, labels, index)
