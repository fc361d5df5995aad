"""The pixelation explorer: :func:`~cnn_course.pooling.explorers.pixelate`, then the widget."""

from __future__ import annotations

import ipywidgets as widgets
import numpy as np
import pytest

from cnn_course.images import sample_image
from cnn_course.pooling import avg_pool2d, max_pool2d
from cnn_course.pooling.explorers import PixelationExplorer, PixelationView, pixelate, pixelation_explorer
from cnn_course.viz.widgets import Explorer


def test_pixelate_is_pooling_with_stride_equal_to_size() -> None:
    image = sample_image("house", 12)
    np.testing.assert_array_equal(pixelate(image, 3), max_pool2d(image, 3))
    np.testing.assert_array_equal(pixelate(image, 4, "average"), avg_pool2d(image, 4))
    assert pixelate(image, 5).shape == (2, 2)
    with pytest.raises(ValueError, match="mode must be one of"):
        pixelate(image, 2, "median")
    with pytest.raises(ValueError, match="size must be at most the image's smaller side"):
        pixelate(image, 13)


def test_pixelation_explorer() -> None:
    explorer = pixelation_explorer()
    assert isinstance(explorer, PixelationExplorer) and isinstance(explorer, widgets.Widget)
    assert isinstance(explorer, Explorer) and explorer.output is explorer.caption
    assert (explorer.size_slider.min, explorer.size_slider.max) == (1, 16)
    assert set(explorer.mode_dropdown.options) == {"max", "average"}
    assert explorer.original.value[:4] == b"\x89PNG" and explorer.pooled.value[:4] == b"\x89PNG"
    view = explorer.update(size=8)
    assert isinstance(view, PixelationView) and (view.size, view.mode) == (8, "max")
    pooled = view.pooled
    assert pooled.shape == (12, 12) and "96×96 pixels → <b>12×12</b>" in explorer.caption.value
    assert view.html == explorer.caption.value
    average = explorer.update(mode="average").pooled
    np.testing.assert_array_equal(average, avg_pool2d(explorer._image, 8))
    assert (average <= pooled).all() and (average < pooled).any()
    explorer.update(size=5)
    assert "drops them" in explorer.caption.value
    explorer.size_slider.value = 2  # a learner moving the slider
    assert explorer.view.pooled.shape == (48, 48) and explorer.view.size == 2
    explorer.update(image="checkerboard")
    assert explorer.view.pooled.shape == (48, 48)
    with pytest.raises(ValueError, match="size must be <= 16"):
        explorer.update(size=17)
    small = pixelation_explorer(np.arange(36.0).reshape(6, 6))
    assert small.size_slider.max == 6 and small.update(size=3).pooled.tolist() == [[14.0, 17.0], [32.0, 35.0]]


def test_pixelation_explorer_image_and_size_in_one_update() -> None:
    explorer = pixelation_explorer(image_size=16)
    view = explorer.update(size=8, image=np.zeros((8, 8)))  # the size is checked against the new image
    assert view.pooled.shape == (1, 1) and explorer.size_slider.max == 8
    with pytest.raises(TypeError, match="unknown control 'colour'"):
        explorer.update(colour="red")
