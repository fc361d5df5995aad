"""Tests of cnn_course.convolution: worked example, index tables, references, teaching loops."""

from __future__ import annotations

import numpy as np
import pytest
import scipy.signal
from course_resources import lazy_module
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from cnn_course.convolution import (
    array_index,
    cartesian_coordinates,
    cartesian_value,
    cartesian_value_or_none,
    conv2d_layer,
    conv2d_layer_loops,
    convolve2d,
    convolve2d_loops,
    cross_correlate2d,
    cross_correlate2d_loops,
    evaluate,
    index_terms,
    is_inside,
    output_shape,
    output_size,
    same_padding,
    worked_example,
)

tf = lazy_module("tensorflow")  # only the comparisons with TensorFlow need it

F_EXPECTED = np.array([[195.0, 241.0], [142.5, 222.0]])
VALUES = st.floats(-10, 10, allow_nan=False, allow_infinity=False, width=64)


def matrices(min_side: int = 1, max_side: int = 12) -> st.SearchStrategy[np.ndarray]:
    sides = st.integers(min_side, max_side)
    return st.tuples(sides, sides).flatmap(lambda shape: arrays(np.float64, shape, elements=VALUES))


@st.composite
def conv_cases(draw: st.DrawFn) -> tuple[np.ndarray, np.ndarray, tuple[int, int], tuple[int, int]]:
    """An image, a kernel that fits the padded image, a stride and a padding."""
    image = draw(matrices())
    padding = (draw(st.integers(0, 3)), draw(st.integers(0, 3)))
    stride = (draw(st.integers(1, 3)), draw(st.integers(1, 3)))
    kh = draw(st.integers(1, min(image.shape[0] + 2 * padding[0], 6)))
    kw = draw(st.integers(1, min(image.shape[1] + 2 * padding[1], 6)))
    kernel = draw(arrays(np.float64, (kh, kw), elements=VALUES))
    return image, kernel, stride, padding


def scipy_reference(image, kernel, stride, padding, function):
    padded = np.pad(image, ((padding[0],) * 2, (padding[1],) * 2))
    return function(padded, kernel, mode="valid")[:: stride[0], :: stride[1]]


# --- the worked example ----------------------------------------------------------------


def test_worked_example_values_and_fresh_copies():
    P, K = worked_example()
    assert P.dtype == K.dtype == np.float64
    np.testing.assert_array_equal(P, [[0, 200, 210], [100, 0, 220], [110, 120, 0]])
    np.testing.assert_array_equal(K, [[0.25, 0.75], [0.60, 0.30]])
    P[0, 0] = 99.0
    assert worked_example()[0][0, 0] == 0.0


@pytest.mark.parametrize("function", [convolve2d, convolve2d_loops])
def test_worked_convolution(function):
    P, K = worked_example()
    F = function(P, K)
    assert F.dtype == np.float64
    np.testing.assert_allclose(F, F_EXPECTED)
    np.testing.assert_allclose(F, scipy.signal.convolve2d(P, K, mode="valid"))


@pytest.mark.parametrize("function", [cross_correlate2d, cross_correlate2d_loops])
def test_worked_cross_correlation(function):
    P, K = worked_example()
    F = function(P, K)
    np.testing.assert_allclose(F, scipy.signal.correlate2d(P, K, mode="valid"))
    assert F[1, 0] == pytest.approx(127.0)  # F(0, 0), bottom-left, with P indexed from there


def test_convolution_is_cross_correlation_with_flipped_kernel_on_worked_example():
    P, K = worked_example()
    np.testing.assert_allclose(convolve2d(P, K), cross_correlate2d(P, K[::-1, ::-1]))


# --- index tables ------------------------------------------------------------------------


def test_index_terms_f00_convolution_matches_syllabus():
    P, K = worked_example()
    table = index_terms(0, 0, operation="convolution", image=P, kernel=K)
    assert list(table.columns) == [
        "i", "j", "m", "n", "i-m", "j-n", "P term", "K term", "inside", "p", "k", "product",
    ]  # fmt: skip
    assert list(table["P term"]) == ["P(0,0)", "P(0,-1)", "P(-1,0)", "P(-1,-1)"]
    assert list(table["K term"]) == ["K(0,0)", "K(0,1)", "K(1,0)", "K(1,1)"]
    np.testing.assert_allclose(table["p"], [0, 120, 100, 110])
    np.testing.assert_allclose(table["k"], [0.60, 0.25, 0.30, 0.75])
    assert table["inside"].all()
    assert table["product"].sum() == pytest.approx(142.5)


def test_index_terms_without_numbers():
    table = index_terms(1, 0)
    assert list(table.columns) == ["i", "j", "m", "n", "i-m", "j-n", "P term", "K term", "inside"]
    assert list(zip(table["m"], table["n"])) == [(0, 0), (0, 1), (1, 0), (1, 1)]
    assert list(table["i-m"]) == [1, 1, 0, 0]
    assert list(table["j-n"]) == [0, -1, 0, -1]
    assert table["i-m"].dtype.kind == "i" and table["inside"].dtype == bool


@pytest.mark.parametrize(("i", "j", "value"), [(0, 0, 142.5), (0, 1, 195.0), (1, 1, 241.0), (1, 0, 222.0)])
def test_evaluate_all_four_outputs(i, j, value):
    P, K = worked_example()
    assert evaluate(i, j, P, K) == pytest.approx(value)
    assert cartesian_value(convolve2d(P, K), i, j, origin="bottom-left") == pytest.approx(value)


def test_cross_correlation_centred_has_terms_outside():
    P, K = worked_example()
    table = index_terms(1, 1, operation="cross-correlation", image=P, kernel=K)
    assert list(table.columns[4:6]) == ["i+m", "j+n"]
    outside = set(table.loc[~table["inside"], "P term"])
    assert outside == {"P(1,2)", "P(2,1)", "P(2,2)"}
    assert (table.loc[~table["inside"], "p"] == 0.0).all()  # zero padding
    assert table["product"].sum() == pytest.approx(210 * 0.60)
    assert not index_terms(0, 1, operation="cross-correlation")["inside"].all()  # p(0,2)


def test_cross_correlation_bottom_left_is_inside_and_matches_scipy():
    P, K = worked_example()
    expected = scipy.signal.correlate2d(P, K, mode="valid")
    for i in range(2):
        for j in range(2):
            table = index_terms(i, j, operation="cross-correlation", image_origin="bottom-left", image=P, kernel=K)
            assert table["inside"].all()
            assert table["product"].sum() == pytest.approx(cartesian_value(expected, i, j, origin="bottom-left"))
    assert evaluate(0, 0, P, K, operation="cross-correlation", image_origin="bottom-left") == pytest.approx(127.0)


def test_index_terms_kernel_shape_from_kernel_and_rectangular():
    table = index_terms(0, 0, (2, 3))  # 2 rows, 3 columns: m in 0..2 (x), n in 0..1 (y)
    assert list(zip(table["m"], table["n"])) == [(0, 0), (0, 1), (1, 0), (1, 1), (2, 0), (2, 1)]
    P, _ = worked_example()
    assert len(index_terms(0, 0, image=P, kernel=np.ones((3, 3)))) == 9
    with pytest.raises(ValueError, match="kernel_shape"):
        index_terms(0, 0, (2, 2), image=P, kernel=np.ones((3, 3)))


def test_index_terms_inside_uses_image_shape():
    image = np.arange(25.0).reshape(5, 5)
    assert index_terms(2, 2, image=image, kernel=np.ones((2, 2)))["inside"].all()
    assert not index_terms(2, 2)["inside"].all()  # a 3x3 image by default


@given(image=matrices(), data=st.data())
def test_evaluate_bottom_left_matches_scipy(image, data):
    kh = data.draw(st.integers(1, image.shape[0]))
    kw = data.draw(st.integers(1, image.shape[1]))
    kernel = data.draw(arrays(np.float64, (kh, kw), elements=VALUES))
    rows, cols = image.shape
    i, j = data.draw(st.integers(0, cols - kw)), data.draw(st.integers(0, rows - kh))
    xcorr = evaluate(i, j, image, kernel, operation="cross-correlation", image_origin="bottom-left")
    np.testing.assert_allclose(xcorr, scipy.signal.correlate2d(image, kernel, "valid")[rows - kh - j, i], atol=1e-9)
    i, j = i + kw - 1, j + kh - 1  # the convolution's valid outputs start at (kw-1, kh-1)
    conv = evaluate(i, j, image, kernel, image_origin="bottom-left")
    np.testing.assert_allclose(conv, scipy.signal.convolve2d(image, kernel, "valid")[rows - 1 - j, i - kw + 1], atol=1e-9)


# --- Cartesian helpers -------------------------------------------------------------------


def test_cartesian_helpers_on_worked_example():
    P, K = worked_example()
    assert cartesian_value(P, 0, 0) == 0.0
    assert cartesian_value(P, -1, -1) == 110.0
    assert cartesian_value(P, 1, 1) == 210.0
    assert cartesian_value(P, 0, 0, origin="bottom-left") == 110.0
    assert cartesian_value(K, 0, 0, origin="bottom-left") == 0.60
    assert cartesian_value(K, 1, 1, origin="bottom-left") == 0.75
    assert cartesian_value_or_none(P, 0, 2) is None
    assert cartesian_value_or_none(P, 0, 1) == 200.0
    assert array_index((3, 3), 1, 1) == (0, 2)
    assert is_inside((3, 3), -1, 1) and not is_inside((3, 3), 2, 0)
    assert not is_inside((2, 2), -1, 0, origin="bottom-left")


def test_cartesian_errors():
    P, K = worked_example()
    with pytest.raises(IndexError, match=r"\(0, 2\)"):
        cartesian_value(P, 0, 2)
    with pytest.raises(ValueError, match="odd"):
        cartesian_value(K, 0, 0)  # no centre element
    with pytest.raises(ValueError, match="origin"):
        cartesian_value(P, 0, 0, origin="top-left")
    with pytest.raises(TypeError, match="x"):
        cartesian_value(P, 0.5, 0)
    with pytest.raises(IndexError, match="row"):
        cartesian_coordinates((3, 3), 3, 0)


@given(
    rows=st.integers(1, 12), cols=st.integers(1, 12), data=st.data(),
    origin=st.sampled_from(["centre", "bottom-left"]),
)  # fmt: skip
def test_cartesian_round_trip(rows, cols, data, origin):
    if origin == "centre":
        rows, cols = rows | 1, cols | 1  # odd sizes
    row, col = data.draw(st.integers(0, rows - 1)), data.draw(st.integers(0, cols - 1))
    x, y = cartesian_coordinates((rows, cols), row, col, origin=origin)
    assert array_index((rows, cols), x, y, origin=origin) == (row, col)
    if row > 0:  # one row up is one step up in y
        assert cartesian_coordinates((rows, cols), row - 1, col, origin=origin) == (x, y + 1)


# --- sizes -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("args", "kwargs", "expected"),
    [((3, 2), {}, 2), ((32, 5), {}, 28), ((28, 5), {"padding": 2}, 28), ((224, 11), {"stride": 4, "padding": 2}, 55),
     ((227, 11), {"stride": 4}, 55), ((5, 2), {"stride": 2}, 2), ((1, 3), {"padding": 1}, 1)],
)  # fmt: skip
def test_output_size_known_values(args, kwargs, expected):
    assert output_size(*args, **kwargs) == expected


def test_output_shape():
    assert output_shape((3, 3), (2, 2)) == (2, 2)
    assert output_shape((7, 9), (3, 2), stride=(2, 3), padding=(1, 0)) == (4, 3)


@pytest.mark.parametrize(("n", "k", "stride", "expected"), [(5, 3, 1, (1, 1)), (6, 3, 2, (0, 1)), (5, 2, 2, (0, 1)), (4, 1, 3, (0, 0)), (2, 5, 1, (2, 2))])
def test_same_padding(n, k, stride, expected):
    assert same_padding(n, k, stride) == expected


# --- properties against SciPy ------------------------------------------------------------


@given(conv_cases())
def test_convolve2d_matches_scipy(case):
    image, kernel, stride, padding = case
    expected = scipy_reference(image, kernel, stride, padding, scipy.signal.convolve2d)
    got = convolve2d(image, kernel, stride=stride, padding=padding)
    assert got.dtype == np.float64 and got.shape == output_shape(image.shape, kernel.shape, stride=stride, padding=padding)
    np.testing.assert_allclose(got, expected, rtol=1e-10, atol=1e-9)


@given(conv_cases())
def test_cross_correlate2d_matches_scipy(case):
    image, kernel, stride, padding = case
    expected = scipy_reference(image, kernel, stride, padding, scipy.signal.correlate2d)
    np.testing.assert_allclose(cross_correlate2d(image, kernel, stride=stride, padding=padding), expected, rtol=1e-10, atol=1e-9)


@given(conv_cases())
def test_loops_equal_vectorised(case):
    image, kernel, stride, padding = case
    for fast, slow in [(convolve2d, convolve2d_loops), (cross_correlate2d, cross_correlate2d_loops)]:
        np.testing.assert_allclose(
            slow(image, kernel, stride=stride, padding=padding),
            fast(image, kernel, stride=stride, padding=padding),
            rtol=1e-10, atol=1e-9,
        )  # fmt: skip


@given(conv_cases())
def test_convolution_is_cross_correlation_with_flipped_kernel(case):
    image, kernel, stride, padding = case
    np.testing.assert_allclose(
        convolve2d(image, kernel, stride=stride, padding=padding),
        cross_correlate2d(image, kernel[::-1, ::-1], stride=stride, padding=padding),
        rtol=1e-12, atol=1e-10,
    )  # fmt: skip


@given(n=st.integers(1, 30), k=st.integers(1, 12), stride=st.integers(1, 4), padding=st.integers(0, 4))
def test_output_size_counts_window_positions(n, k, stride, padding):
    assume(k <= n + 2 * padding)
    positions = range(0, n + 2 * padding - k + 1, stride)
    assert output_size(n, k, stride=stride, padding=padding) == len(positions)


# --- the multi-channel layer against TensorFlow ------------------------------------------


@st.composite
def layer_cases(draw: st.DrawFn, max_side: int = 9, max_channels: int = 4):
    padding = draw(st.sampled_from(["valid", "same"]))
    batch, c_in, c_out = (draw(st.integers(1, n)) for n in (2, max_channels, max_channels))
    height, width = draw(st.integers(1, max_side)), draw(st.integers(1, max_side))
    limit_h, limit_w = (5, 5) if padding == "same" else (min(height, 5), min(width, 5))
    kh, kw = draw(st.integers(1, limit_h)), draw(st.integers(1, limit_w))
    stride = (draw(st.integers(1, 3)), draw(st.integers(1, 3)))
    x = draw(arrays(np.float64, (batch, height, width, c_in), elements=VALUES))
    kernels = draw(arrays(np.float64, (kh, kw, c_in, c_out), elements=VALUES))
    bias = draw(st.none() | arrays(np.float64, (c_out,), elements=VALUES))
    return x, kernels, bias, stride, padding


@given(layer_cases())
def test_conv2d_layer_matches_tensorflow(case):
    x, kernels, bias, stride, padding = case
    expected = tf.nn.conv2d(x, kernels, strides=stride, padding=padding.upper()).numpy()
    if bias is not None:
        expected = expected + bias
    got = conv2d_layer(x, kernels, bias, stride=stride, padding=padding)
    assert got.dtype == np.float64 and got.shape == expected.shape
    np.testing.assert_allclose(got, expected, rtol=1e-6, atol=1e-6)


@settings(max_examples=30)
@given(layer_cases(max_side=6, max_channels=3))
def test_conv2d_layer_loops_equal_vectorised(case):
    x, kernels, bias, stride, padding = case
    np.testing.assert_allclose(
        conv2d_layer_loops(x, kernels, bias, stride=stride, padding=padding),
        conv2d_layer(x, kernels, bias, stride=stride, padding=padding),
        rtol=1e-10, atol=1e-9,
    )  # fmt: skip


def test_conv2d_layer_same_shape_and_channels():
    x = np.random.default_rng(0).normal(size=(2, 28, 28, 1))
    y = conv2d_layer(x, np.ones((5, 5, 1, 6)), np.arange(6.0), padding="same")
    assert y.shape == (2, 28, 28, 6)
    np.testing.assert_allclose(y[..., 3] - y[..., 0], 3.0)
    assert conv2d_layer(x, np.ones((5, 5, 1, 6)), stride=2, padding="SAME").shape == (2, 14, 14, 6)


def test_conv2d_layer_single_channel_is_cross_correlation():
    rng = np.random.default_rng(1)
    image, kernel = rng.normal(size=(7, 8)), rng.normal(size=(3, 2))
    y = conv2d_layer(image[None, :, :, None], kernel[:, :, None, None], stride=(2, 1))
    np.testing.assert_allclose(y[0, :, :, 0], cross_correlate2d(image, kernel, stride=(2, 1)))


def test_conv2d_layer_channel_mismatch():
    with pytest.raises(ValueError, match="kernels"):
        conv2d_layer(np.ones((1, 4, 4, 3)), np.ones((2, 2, 2, 1)))
    with pytest.raises(ValueError, match="bias"):
        conv2d_layer(np.ones((1, 4, 4, 2)), np.ones((2, 2, 2, 3)), np.ones(2))
