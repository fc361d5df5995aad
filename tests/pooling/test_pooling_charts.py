"""The pooling chapter's kernel-free chart: valid Vega-Lite, the promised parameter, small and consistent data.

As for the convolution chapter's chart, one test runs the chart's own Vega transforms with
vl-convert's bundled Vega, at a chosen parameter value, and reads the text the page would show.
"""

from __future__ import annotations

import json

import numpy as np
import pytest
from chart_testing import chart_params, drawn_texts

from cnn_course.images import sample_image
from cnn_course.pooling import avg_pool2d, max_pool2d
from cnn_course.pooling import charts

BUDGET = 250_000  # bytes of JSON per chart


def _json(chart) -> str:
    return json.dumps(chart.to_dict())


def test_pixelation_chart() -> None:
    image = charts.default_pixelation_image()
    assert image.shape == (48, 48)
    chart = charts.pixelation_chart(image)
    spec = chart.to_dict()
    params = chart_params(spec)
    assert set(params) == {"size"}
    assert params["size"]["bind"]["input"] == "range"
    assert (params["size"]["bind"]["min"], params["size"]["bind"]["max"]) == (1, 8)
    assert len(_json(chart)) < BUDGET
    texts = drawn_texts(spec, size=4)
    assert "max pooling, 4×4 windows: 48×48 → 12×12" in texts


@pytest.mark.parametrize("mode, pool", [("max", max_pool2d), ("average", avg_pool2d)])
def test_pixelation_data_holds_each_pooled_image(mode, pool) -> None:
    image = sample_image("circle", 12)
    rows = charts.pixelation_data(image, (2, 3, 5), mode=mode)
    assert {row["s"] for row in rows} == {1, 2, 3, 5}
    for s in (1, 2, 3, 5):
        got = np.array([row["v"] for row in rows if row["s"] == s])
        expected = image if s == 1 else pool(image, s)
        assert [row["i"] for row in rows if row["s"] == s] == list(range(expected.size))
        np.testing.assert_allclose(got, expected.ravel(), atol=0.05)


def test_pixelation_slider_snaps_to_offered_sizes() -> None:
    spec_text = _json(charts.pixelation_chart(np.zeros((16, 16)), sizes=(2, 4)))
    assert "[2, 2, 2, 2, 4][size]" in spec_text
    with pytest.raises(ValueError, match="sizes must not exceed"):
        charts.pixelation_chart(np.zeros((8, 8)), sizes=(2, 9))
    with pytest.raises(TypeError, match="sizes must be a non-empty sequence"):
        charts.pixelation_chart(np.zeros((8, 8)), sizes=())
    with pytest.raises(ValueError, match="mode must be one of"):
        charts.pixelation_chart(np.zeros((8, 8)), mode="min")
