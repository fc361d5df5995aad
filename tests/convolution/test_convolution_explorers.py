"""The sliding-window explorer: the pure state (:mod:`cnn_course.convolution.window`) first, then the widget."""

from __future__ import annotations

import ipywidgets as widgets
import numpy as np
import pytest
import scipy.signal
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from cnn_course.convolution import ops, window_state, worked_example
from cnn_course.convolution.explorers import (
    ConvolutionExplorer,
    ConvolutionView,
    convolution_explorer,
    render_state_html,
)
from cnn_course.images import KERNELS, sample_image
from cnn_course.viz.style import format_number
from cnn_course.viz.widgets import Explorer

# ---------------------------------------------------------------------------------------
# window_state
# ---------------------------------------------------------------------------------------

values = st.floats(-100, 100, allow_nan=False, allow_infinity=False)
pairs = st.one_of(st.integers(1, 3), st.tuples(st.integers(1, 3), st.integers(1, 3)))
paddings = st.one_of(st.integers(0, 2), st.tuples(st.integers(0, 2), st.integers(0, 2)))


@st.composite
def settings(draw):
    image = draw(arrays(np.float64, st.tuples(st.integers(3, 9), st.integers(3, 9)), elements=values))
    kernel = draw(arrays(np.float64, st.tuples(st.integers(1, 3), st.integers(1, 3)), elements=values))
    stride, padding = draw(pairs), draw(paddings)
    operation = draw(st.sampled_from(["cross-correlation", "convolution"]))
    return image, kernel, stride, padding, operation


@given(settings(), st.data())
def test_the_sum_of_products_is_the_output_cell(case, data) -> None:
    image, kernel, stride, padding, operation = case
    first = window_state(image, kernel, stride=stride, padding=padding, operation=operation)
    step = data.draw(st.integers(0, first.n_steps - 1), label="step")
    state = first.at(step)
    (sr, sc), (pr, pc) = state.stride, state.padding
    # independent reference: SciPy on the padded image, every stride-th position
    padded = np.pad(image, ((pr, pr), (pc, pc)))
    flipped = operation == "convolution"
    np.testing.assert_array_equal(state.applied_kernel, kernel[::-1, ::-1] if flipped else kernel)
    reference = scipy.signal.correlate2d(padded, state.applied_kernel, mode="valid")[::sr, ::sc]
    np.testing.assert_allclose(state.output, reference, rtol=1e-9, atol=1e-9)
    # the arithmetic of the cell
    assert state.cell == divmod(step, state.output_shape[1])
    assert state.total == pytest.approx(state.value, rel=1e-9, abs=1e-9)
    assert state.total == pytest.approx(sum(t.value * t.weight for t in state.terms), rel=1e-9, abs=1e-9)
    assert len(state.terms) == kernel.size
    # the receptive field lies inside the padded input, kernel-sized, at stride multiples
    (r0, r1), (c0, c1) = state.rows, state.cols
    assert 0 <= r0 < r1 <= padded.shape[0] and 0 <= c0 < c1 <= padded.shape[1]
    assert (r1 - r0, c1 - c0) == kernel.shape
    assert (r0, c0) == (state.cell[0] * sr, state.cell[1] * sc)
    for t in state.terms:
        assert r0 <= t.row < r1 and c0 <= t.col < c1
        assert t.value == padded[t.row, t.col]
        assert t.weight == state.applied_kernel[t.row - r0, t.col - c0]
        assert t.product == t.value * t.weight
        assert state.is_padding(t.row, t.col) == (not (pr <= t.row < pr + image.shape[0] and pc <= t.col < pc + image.shape[1]))


def test_steps_visit_every_output_cell_row_by_row() -> None:
    state = window_state(np.arange(42.0).reshape(6, 7), np.ones((3, 3)), stride=(1, 2), padding=1)
    assert state.output_shape == (6, 4) and state.n_steps == 24
    cells = [state.at(s).cell for s in range(state.n_steps)]
    assert cells == [(i, j) for i in range(6) for j in range(4)]
    assert all(state.at(s).output is state.output for s in (0, 5, 23))  # moving never recomputes
    with pytest.raises(ValueError, match=r"step must be < 24 \(the output has 6 x 4 cells\), got 24"):
        state.at(24)
    with pytest.raises(ValueError, match="step must be >= 0"):
        window_state(np.ones((4, 4)), np.ones((2, 2)), step=-1)


def test_worked_example_convolution() -> None:
    P, K = worked_example()
    state = window_state(P, K, operation="convolution")
    np.testing.assert_array_equal(state.output, [[195, 241], [142.5, 222]])
    cell = state.at(2)  # bottom-left output: F(0,0) of the syllabus, 142.5
    assert cell.cell == (1, 0) and cell.total == 142.5
    assert sorted((t.value, t.weight) for t in cell.terms) == [(0, 0.6), (100, 0.3), (110, 0.75), (120, 0.25)]


@pytest.mark.parametrize(
    "kwargs, error, message",
    [
        ({"operation": "conv"}, ValueError, "operation must be one of"),
        ({"stride": 0}, ValueError, "stride must be >= 1"),
        ({"padding": -1}, ValueError, "padding must be >= 0"),
        ({"step": 1.5}, TypeError, "step must be an integer"),
    ],
)
def test_window_state_bad_arguments(kwargs, error, message) -> None:
    with pytest.raises(error, match=message):
        window_state(np.ones((5, 5)), np.ones((3, 3)), **kwargs)
    with pytest.raises(ValueError, match="image must be a 2-D array"):
        window_state(np.ones(5), np.ones((3, 3)))
    with pytest.raises(ValueError, match="kernel of shape"):
        window_state(np.ones((2, 2)), np.ones((3, 3)))


# ---------------------------------------------------------------------------------------
# render_state_html
# ---------------------------------------------------------------------------------------


def test_rendered_html_writes_out_the_arithmetic() -> None:
    image = sample_image("digit-seven", 12)
    state = window_state(image, KERNELS["vertical edge (Sobel x)"], step=30, padding=1)
    page = render_state_html(state)
    for t in state.terms:
        assert f"{format_number(t.value)} × {format_number(t.weight)}" in " ".join(page.split())
    assert f">{format_number(state.total)}</b>" in page
    assert f"output[{state.cell[0]}, {state.cell[1]}] =" in page
    assert "cnnc-padding-hatch" in page and "hatched: zeros" in page
    assert "flipped" not in page and "<script" not in page
    n_rects = page.count("<rect")
    assert n_rects >= state.padded.size + state.applied_kernel.size + state.output.size


def test_rendered_html_says_when_the_kernel_is_flipped() -> None:
    state = window_state(np.arange(16.0).reshape(4, 4), [[1, 2], [3, 4]], operation="convolution")
    page = render_state_html(state)
    assert "<b>flipped</b>" in page and "cnnc-padding-hatch\"/>" not in page
    assert "0 × 4" in page and "5 × 1" in page  # the flipped kernel meets the window
    with pytest.raises(TypeError, match="state must be a WindowState"):
        render_state_html("not a state")


# ---------------------------------------------------------------------------------------
# The explorer widget
# ---------------------------------------------------------------------------------------


def _descendants(widget):
    yield widget
    for child in getattr(widget, "children", ()):
        yield from _descendants(child)


def test_explorer_builds_with_all_controls() -> None:
    explorer = convolution_explorer()
    assert isinstance(explorer, widgets.Widget) and isinstance(explorer, ConvolutionExplorer)
    assert isinstance(explorer, Explorer) and isinstance(explorer.view, ConvolutionView)
    assert explorer.view.state is explorer.state and explorer.output is explorer.html
    kinds = {type(w).__name__ for w in _descendants(explorer)}
    assert {"Dropdown", "ToggleButtons", "IntSlider", "Play", "FloatText", "HTML"} <= kinds
    assert explorer.state.image.shape == (14, 14)
    assert explorer.step_slider.max == 12 * 12 - 1 == explorer.play.max
    assert (explorer.stride_slider.min, explorer.stride_slider.max) == (1, 3)
    assert (explorer.padding_slider.min, explorer.padding_slider.max) == (0, 2)
    assert "custom" in explorer.kernel_dropdown.options
    assert all(box.disabled for box in explorer.weight_boxes)
    assert explorer.html.value.startswith('<div class="cnn-course-explorer"')


def test_update_each_control() -> None:
    explorer = convolution_explorer("cross", size=12)
    view = explorer.update(step=5)
    assert isinstance(view, ConvolutionView) and view is explorer.view
    assert explorer.state.cell == (0, 5) and view.state is explorer.state and view.html == explorer.html.value
    explorer.update(step=99)
    explorer.update(stride=2)  # 12 -> 5 x 5 outputs; the step is clamped to the last one
    assert explorer.step_slider.max == 24 and explorer.state.step == 24
    explorer.update(padding=2)  # (12 + 4 - 3) // 2 + 1 = 7
    assert explorer.step_slider.max == 48 and explorer.state.padding == (2, 2)
    explorer.update(operation="convolution", kernel="horizontal edge (Sobel y)")
    np.testing.assert_array_equal(explorer.state.applied_kernel, KERNELS["horizontal edge (Sobel y)"][::-1, ::-1])
    assert "flipped" in explorer.html.value
    explorer.update(image="house")
    np.testing.assert_array_equal(explorer.state.image, sample_image("house", 12))
    before = explorer.html.value
    explorer.update(step=10)
    assert explorer.html.value != before and explorer.state.cell == (1, 3)


def test_custom_kernel() -> None:
    explorer = convolution_explorer(size=10)
    explorer.update(kernel="custom")
    assert not any(box.disabled for box in explorer.weight_boxes)
    np.testing.assert_array_equal(explorer.state.kernel, KERNELS["vertical edge (Sobel x)"])  # starts from the preset
    weights = np.arange(9.0).reshape(3, 3)
    explorer.update(weights=weights, step=7)
    np.testing.assert_array_equal(explorer.state.kernel, weights)
    assert explorer.state.total == pytest.approx(explorer.state.value)
    # a learner typing a weight
    explorer.weight_boxes[4].value = -3.5
    assert explorer.state.kernel[1, 1] == -3.5 and "-3.5" in explorer.html.value
    explorer.kernel_dropdown.value = "blur (box)"  # back to a preset: weights shown, locked
    assert all(box.disabled for box in explorer.weight_boxes)
    assert explorer.weight_boxes[0].value == pytest.approx(1 / 9)
    given_kernel = convolution_explorer(kernel=[[0, 0, 0], [0, 2, 0], [0, 0, 0]], size=6)
    assert given_kernel.kernel_dropdown.value == "custom" and given_kernel.state.kernel[1, 1] == 2


def test_widget_changes_run_the_callback() -> None:
    explorer = convolution_explorer(size=10)
    explorer.stride_slider.value = 3
    assert explorer.state.stride == (3, 3) and explorer.step_slider.max == 8
    explorer.step_slider.value = 4
    assert explorer.state.cell == (1, 1) and "output[1, 1]" in explorer.html.value
    explorer.operation_buttons.value = "convolution"
    assert explorer.state.operation == "convolution"
    explorer.image_dropdown.value = "grace_hopper"
    assert explorer.state.image.shape == (10, 10)


def test_step_moves_reuse_the_output_map(monkeypatch: pytest.MonkeyPatch) -> None:
    explorer = convolution_explorer(size=16, padding=1)
    calls = []
    original = ops.cross_correlate2d
    monkeypatch.setattr(ops, "cross_correlate2d", lambda *a, **k: calls.append(1) or original(*a, **k))
    for step in range(0, 200, 7):
        explorer.update(step=step)
    assert calls == []
    explorer.update(stride=2)
    assert len(calls) == 1
    explorer.update(stride=1)  # seen before: cached
    assert len(calls) == 1


def test_a_28x28_image_works() -> None:
    explorer = convolution_explorer(sample_image("digit-seven", 28), padding=2)
    assert explorer.image_dropdown.value == "your image"
    assert explorer.step_slider.max == 30 * 30 - 1
    view = explorer.update(step=900 - 1)
    assert "output[29, 29] =" in view.html and view.state.cell == (29, 29)
    explorer.update(image=np.ones((5, 7)))  # padded to 9 x 11: 7 x 9 outputs
    assert explorer.step_slider.max == 7 * 9 - 1


def test_explorer_bad_arguments() -> None:
    explorer = convolution_explorer(size=8)
    with pytest.raises(TypeError, match="unknown control 'colour'"):
        explorer.update(colour="red")
    with pytest.raises(ValueError, match="step must be <= 35"):
        explorer.update(step=36)
    with pytest.raises(ValueError, match="stride must be <= 3"):
        explorer.update(stride=4)
    with pytest.raises(ValueError, match="kernel must be one of"):
        explorer.update(kernel="blur")
    with pytest.raises(ValueError, match="weights must be a 3x3 array"):
        explorer.update(weights=np.ones((2, 2)))
    with pytest.raises(ValueError, match="image must be at most 64x64"):
        explorer.update(image=np.ones((100, 100)))
    with pytest.raises(ValueError, match="image must be one of"):
        convolution_explorer("dog")
    with pytest.raises(ValueError, match="size must be at most 64"):
        convolution_explorer(size=65)
