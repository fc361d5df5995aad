"""The convolution chapter's kernel-free chart: valid Vega-Lite, the promised parameters, small and consistent data.

Besides checking the data in Python, a few tests run the charts' own Vega transforms
(filters, lookups, expressions) with vl-convert's bundled Vega, at chosen parameter
values, and read the numbers the page would show.
"""

from __future__ import annotations

import json
import math

import altair as alt
import numpy as np
import pytest
from chart_testing import chart_params, drawn_texts

from cnn_course.convolution import charts
from cnn_course.convolution import convolve2d, cross_correlate2d, window_state
from cnn_course.images import KERNELS, sample_image
from cnn_course.viz.style import format_number

BUDGET = 250_000  # bytes of JSON per chart


def _json(chart) -> str:
    return json.dumps(chart.to_dict())


def _keys_named(node, key: str) -> list:
    """Every value stored under ``key`` anywhere in a nested dict/list."""
    if isinstance(node, dict):
        return [v for k, v in node.items() if k == key] + [x for v in node.values() for x in _keys_named(v, key)]
    if isinstance(node, list):
        return [x for v in node for x in _keys_named(v, key)]
    return []


# ---------------------------------------------------------------------------------------
# sliding_window_chart
# ---------------------------------------------------------------------------------------


def test_sliding_window_chart_has_a_step_slider_and_a_kernel_menu() -> None:
    image = charts.default_image()
    assert image.shape == (10, 10)
    spec = charts.sliding_window_chart(image).to_dict()  # validates against the Vega-Lite schema
    assert spec["$schema"] == alt.SCHEMA_URL  # the Vega-Lite of the installed Altair (v6; v5 on Colab)
    params = chart_params(spec)
    assert set(params) == {"step", "kernel"}
    assert params["step"]["bind"] == {"input": "range", "min": 0, "max": 63, "step": 1, "name": "window position (step) "}
    assert params["kernel"]["bind"]["input"] == "select"
    assert params["kernel"]["bind"]["labels"] == list(charts.DEFAULT_KERNELS)
    assert params["kernel"]["bind"]["options"] == list(range(len(charts.DEFAULT_KERNELS)))
    assert not _keys_named(spec, "url")  # inline data only, nothing to fetch
    assert spec["datasets"]


def test_sliding_window_chart_is_small_and_deterministic() -> None:
    default = _json(charts.sliding_window_chart(charts.default_image()))
    assert len(default) < 60_000
    assert default == _json(charts.sliding_window_chart(charts.default_image()))
    bigger = charts.sliding_window_chart(sample_image("house", 16), padding=2)
    assert len(_json(bigger)) < BUDGET


@pytest.mark.parametrize(
    "stride, padding, operation",
    [(1, 0, "cross-correlation"), (2, 1, "convolution"), ((1, 3), (2, 0), "cross-correlation"), (3, 2, "convolution")],
)
def test_sliding_window_data_products_sum_to_the_output(stride, padding, operation) -> None:
    image = sample_image("digit-seven", 10)
    data = charts.sliding_window_data(image, stride=stride, padding=padding, operation=operation)
    meta = data["meta"]
    values = {row["i"]: row["v"] for row in data["input"]}
    outputs = {(row["k"], row["r"], row["c"]): row["o"] for row in data["output"]}
    H, W = meta["padded_shape"]
    assert len(values) == H * W
    assert sum(row["p"] for row in data["input"]) == H * W - image.size
    oh, ow = meta["output_shape"]
    # the very expression the page evaluates to find the input cell of each kernel cell
    term_index = meta["term_index"].replace("datum.", "")
    for k, name in enumerate(meta["names"]):
        compute = convolve2d if operation == "convolution" else cross_correlate2d
        expected = compute(image, KERNELS[name], stride=stride, padding=padding)
        assert expected.shape == (oh, ow)
        terms = [row for row in data["kernel"] if row["k"] == k]
        states = window_state(image, KERNELS[name], stride=stride, padding=padding, operation=operation)
        for step in range(oh * ow):
            total = sum(
                values[eval(term_index, {"floor": math.floor}, {"step": step, **row})] * row["w"] for row in terms
            )
            i, j = divmod(step, ow)
            assert total == pytest.approx(outputs[(k, i, j)], abs=1e-3)
            assert outputs[(k, i, j)] == pytest.approx(expected[i, j], abs=1e-4)
            state = states.at(step)
            assert sorted(values[eval(term_index, {"floor": math.floor}, {"step": step, **row})] for row in terms) == sorted(
                t.value for t in state.terms
            )
    spec_text = _json(charts.sliding_window_chart(image, stride=stride, padding=padding, operation=operation))
    assert json.dumps(meta["term_index"]) in spec_text


def test_the_page_shows_the_products_and_their_sum() -> None:
    image = charts.default_image()
    spec = charts.sliding_window_chart(image, padding=1, stride=2, operation="convolution").to_dict()
    for kernel_index, step in [(0, 7), (3, 12), (4, 0)]:
        name = charts.DEFAULT_KERNELS[kernel_index]
        state = window_state(image, KERNELS[name], step=step, stride=2, padding=1, operation="convolution")
        texts = drawn_texts(spec, step=step, kernel=kernel_index)
        assert f"output[{state.cell[0]}, {state.cell[1]}] =" in texts
        assert f"= {format_number(state.total)}" in texts
        products = [t.rstrip(" +") for t in texts if " × " in t and "weight" not in t]
        assert products == [f"{format_number(t.value)} × {format_number(t.weight)}" for t in state.terms]


def test_sliding_window_chart_bad_arguments() -> None:
    image = charts.default_image()
    with pytest.raises(ValueError, match="kernel_names must be one of"):
        charts.sliding_window_chart(image, ["blur"])
    with pytest.raises(TypeError, match="kernel_names must be a non-empty sequence"):
        charts.sliding_window_chart(image, "sharpen")
    with pytest.raises(ValueError, match="operation must be one of"):
        charts.sliding_window_chart(image, operation="correlation")
    with pytest.raises(ValueError, match="image must be a 2-D array"):
        charts.sliding_window_chart(np.ones(10))
    with pytest.raises(ValueError, match="do not fit"):
        charts.sliding_window_chart(np.ones((2, 2)))
