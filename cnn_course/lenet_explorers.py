"""ipywidgets explorer of the LeNet-5 chapter: the feature maps of every layer for a chosen
test digit, and the network's answer (needs a running kernel; the book shows the
kernel-free twin :func:`cnn_course.lenet_charts.feature_maps_chart`).
"""

from __future__ import annotations

import html
from typing import Any

import ipywidgets as widgets
import numpy as np

from cnn_course._validation import as_int
from cnn_course._widgets import quiet
from cnn_course.lenet import feature_maps
from cnn_course.lenet_charts import maps_png

__all__ = ["FeatureMapExplorer", "feature_map_explorer", "render_maps_html"]


def render_maps_html(model: Any, image: Any, label: int | None = None) -> str:
    """HTML of one digit, its feature maps layer by layer and the model's answer.

    Examples
    --------
    >>> from cnn_course.models.lenet import lenet5_keras
    >>> "C3" in render_maps_html(lenet5_keras(), np.zeros((28, 28)), label=7)
    True
    """
    from cnn_course.models.lenet import prepare_images

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
    return "".join(parts)


class FeatureMapExplorer(widgets.VBox):
    """A slider over test images and a menu of models; shows each layer's feature maps."""

    def __init__(self, models: dict[str, Any], images: Any, labels: Any, index: int = 0) -> None:
        if not isinstance(models, dict) or not models:
            raise ValueError("models must be a non-empty dict of name -> keras.Model")
        self.models = models
        self.images = np.asarray(images)
        self.labels = np.asarray(labels)
        if self.images.shape[0] != self.labels.shape[0] or self.images.shape[0] == 0:
            raise ValueError("images and labels must be non-empty and of the same length")
        index = as_int(index, "index", 0)
        self._busy = False
        self.index = widgets.IntSlider(value=min(index, len(self.images) - 1), min=0, max=len(self.images) - 1,
                                       description="test image", continuous_update=False)
        self.model = widgets.Dropdown(options=list(models), description="model")
        self.view = widgets.HTML()
        for w in (self.index, self.model):
            w.observe(self._update, names="value")
        super().__init__([widgets.HBox([self.index, self.model]), self.view])
        self._update()

    def _update(self, change: Any = None) -> None:
        if self._busy:
            return
        i = self.index.value
        self.view.value = render_maps_html(self.models[self.model.value], self.images[i], int(self.labels[i]))

    def show(self, index: int, model: str | None = None) -> None:
        """Set the image (and model) at once, recomputing once."""
        with quiet(self):
            self.index.value = as_int(index, "index", 0)
            if model is not None:
                self.model.value = model
        self._update()


def feature_map_explorer(models: dict[str, Any], images: Any, labels: Any, index: int = 0) -> FeatureMapExplorer:
    """Build a :class:`FeatureMapExplorer` (display it as a notebook cell's value)."""
    return FeatureMapExplorer(models, images, labels, index)
