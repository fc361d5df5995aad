"""Tests of cnn_course.pooling: worked numbers, TensorFlow references, teaching loops, LeNet-5."""

from __future__ import annotations

import numpy as np
import pytest
from course_resources import lazy_module
from hypothesis import assume, given
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from cnn_course.convolution import same_padding
from cnn_course.pooling import (
    avg_pool2d,
    avg_pool2d_loops,
    l2_pool2d,
    l2_pool2d_loops,
    lenet_subsample,
    max_pool2d,
    max_pool2d_loops,
    pool_output_size,
)

tf = lazy_module("tensorflow")  # only the comparisons with TensorFlow need it

F = np.array([[195.0, 241.0], [142.5, 222.0]])
VALUES = st.floats(-10, 10, allow_nan=False, allow_infinity=False, width=64)
PAIRS = [(max_pool2d, max_pool2d_loops), (avg_pool2d, avg_pool2d_loops), (l2_pool2d, l2_pool2d_loops)]


def tf_pool(function, x, size, stride, padding):
    """Run a tf.nn pooling function on a 2-D array (as a batch of one single-channel image)."""
    batch = tf.constant(x[None, :, :, None], dtype=tf.float64)
    return function(batch, ksize=size, strides=stride, padding=padding).numpy()[0, :, :, 0]


@st.composite
def pool_cases(draw: st.DrawFn):
    """x, size and stride (pairs) for which the window fits x."""
    x = draw(st.tuples(st.integers(1, 12), st.integers(1, 12)).flatmap(lambda s: arrays(np.float64, s, elements=VALUES)))
    size = (draw(st.integers(1, min(x.shape[0], 4))), draw(st.integers(1, min(x.shape[1], 4))))
    stride = (draw(st.integers(1, 3)), draw(st.integers(1, 3)))
    return x, size, stride


# --- worked numbers ----------------------------------------------------------------------


@pytest.mark.parametrize("function", [avg_pool2d, avg_pool2d_loops])
def test_average_of_worked_F(function):
    assert function(F).item() == pytest.approx(200.125)
    assert function(F).item() == pytest.approx(800.5 / 4)


@pytest.mark.parametrize("function", [max_pool2d, max_pool2d_loops])
def test_max_of_worked_F(function):
    out = function(F)
    assert out.shape == (1, 1) and out.dtype == np.float64 and out.item() == 241.0


def test_l2_of_worked_F():
    assert l2_pool2d(F).item() == pytest.approx(np.sqrt(np.sum(F**2)))


def test_non_overlapping_default_and_overlapping_alexnet():
    x = np.arange(16.0).reshape(4, 4)
    np.testing.assert_array_equal(max_pool2d(x), [[5, 7], [13, 15]])
    np.testing.assert_array_equal(avg_pool2d(x), [[2.5, 4.5], [10.5, 12.5]])
    y = np.arange(49.0).reshape(7, 7)
    assert max_pool2d(y, 3, stride=2).shape == (3, 3)  # AlexNet: 3x3 windows, stride 2
    np.testing.assert_array_equal(max_pool2d(y, 3, stride=2)[0], [16, 18, 20])


def test_windows_past_the_edge_are_dropped():
    x = np.arange(25.0).reshape(5, 5)
    np.testing.assert_array_equal(max_pool2d(x, 2), [[6, 8], [16, 18]])


def test_padding_cells_are_ignored():
    x = -np.ones((2, 2))
    np.testing.assert_array_equal(max_pool2d(x, 2, stride=1, padding=1), -np.ones((3, 3)))  # no 0 wins
    np.testing.assert_array_equal(avg_pool2d(x, 2, stride=1, padding=1), -np.ones((3, 3)))  # real cells only
    np.testing.assert_allclose(l2_pool2d(x, 2, stride=1, padding=1), [[1, 2**0.5, 1], [2**0.5, 2, 2**0.5], [1, 2**0.5, 1]])


def test_rectangular_size_and_stride():
    x = np.arange(24.0).reshape(4, 6)
    np.testing.assert_array_equal(max_pool2d(x, (2, 3)), [[8, 11], [20, 23]])
    np.testing.assert_array_equal(max_pool2d(x, (1, 2), stride=(2, 2)), [[1, 3, 5], [13, 15, 17]])


@pytest.mark.parametrize(("args", "kwargs", "expected"), [((28, 2), {}, 14), ((10, 2), {}, 5), ((55, 3), {"stride": 2}, 27), ((5, 2), {}, 2), ((5, 3), {"stride": 2, "padding": 1}, 3)])
def test_pool_output_size(args, kwargs, expected):
    assert pool_output_size(*args, **kwargs) == expected


# --- properties: TensorFlow and the loops -------------------------------------------------


@given(pool_cases())
def test_valid_pooling_matches_tensorflow(case):
    x, size, stride = case
    np.testing.assert_allclose(max_pool2d(x, size, stride=stride), tf_pool(tf.nn.max_pool2d, x, size, stride, "VALID"), rtol=1e-6, atol=1e-6)
    np.testing.assert_allclose(avg_pool2d(x, size, stride=stride), tf_pool(tf.nn.avg_pool2d, x, size, stride, "VALID"), rtol=1e-6, atol=1e-6)


@given(pool_cases())
def test_explicit_same_padding_matches_tensorflow_same(case):
    x, size, stride = case
    pads = [same_padding(n, k, s) for n, k, s in zip(x.shape, size, stride)]
    assume(all(before == after for before, after in pads))  # explicit padding is symmetric
    padding = (pads[0][0], pads[1][0])
    np.testing.assert_allclose(max_pool2d(x, size, stride=stride, padding=padding), tf_pool(tf.nn.max_pool2d, x, size, stride, "SAME"), rtol=1e-6, atol=1e-6)
    np.testing.assert_allclose(avg_pool2d(x, size, stride=stride, padding=padding), tf_pool(tf.nn.avg_pool2d, x, size, stride, "SAME"), rtol=1e-6, atol=1e-6)


@pytest.mark.parametrize(("shape", "size", "stride"), [((5, 5), 3, 1), ((7, 7), 3, 2), ((6, 9), (3, 5), (1, 2)), ((13, 13), 3, 2)])
def test_same_padding_cases_match_tensorflow(shape, size, stride):
    x = np.random.default_rng(3).normal(size=shape)
    sizes, strides = np.broadcast_to(size, 2), np.broadcast_to(stride, 2)
    pads = [same_padding(n, k, s) for n, k, s in zip(shape, sizes, strides)]
    assert all(before == after > 0 for before, after in pads)
    padding = (pads[0][0], pads[1][0])
    for ours, theirs in [(max_pool2d, tf.nn.max_pool2d), (avg_pool2d, tf.nn.avg_pool2d)]:
        expected = tf_pool(theirs, x, tuple(sizes), tuple(strides), "SAME")
        np.testing.assert_allclose(ours(x, size, stride=stride, padding=padding), expected, rtol=1e-6, atol=1e-6)


@given(pool_cases(), st.integers(0, 3), st.integers(0, 3))
def test_loops_equal_vectorised(case, pad_r, pad_c):
    x, size, stride = case
    padding = (min(pad_r, size[0] - 1), min(pad_c, size[1] - 1))
    for fast, slow in PAIRS:
        np.testing.assert_allclose(slow(x, size, stride=stride, padding=padding), fast(x, size, stride=stride, padding=padding), rtol=1e-12, atol=1e-12)


@given(pool_cases())
def test_pool_orderings_and_output_size(case):
    x, size, stride = case
    mx, avg, l2 = (f(x, size, stride=stride) for f in (max_pool2d, avg_pool2d, l2_pool2d))
    assert mx.shape == (pool_output_size(x.shape[0], size[0], stride=stride[0]), pool_output_size(x.shape[1], size[1], stride=stride[1]))
    assert np.all(avg <= mx + 1e-12)
    assert np.all(l2 >= np.abs(avg) - 1e-12)  # the RMS bounds |mean|, and sqrt(N) RMS >= RMS


# --- LeNet-5's trainable subsampling -----------------------------------------------------


def test_lenet_subsample_2d():
    x = np.arange(16.0).reshape(4, 4)
    out = lenet_subsample(x, 0.5, -1.0)
    np.testing.assert_allclose(out, 0.5 * 4 * avg_pool2d(x, 2) - 1.0)
    assert lenet_subsample(F, 1.0, 0.0).item() == pytest.approx(800.5)


def test_lenet_subsample_per_map_and_odd_sizes():
    rng = np.random.default_rng(0)
    x = rng.normal(size=(5, 7, 3))
    coefficient, bias = np.array([1.0, -2.0, 0.5]), np.array([0.0, 1.0, 2.0])
    out = lenet_subsample(x, coefficient, bias)
    assert out.shape == (2, 3, 3)
    for c in range(3):
        expected = coefficient[c] * 4 * avg_pool2d(x[:, :, c], 2) + bias[c]
        np.testing.assert_allclose(out[:, :, c], expected)
    sums = np.stack([4 * avg_pool2d(x[:, :, c], 2) for c in range(3)], axis=-1)
    np.testing.assert_allclose(lenet_subsample(x, 2.0, 1.0), 2.0 * sums + 1.0)  # scalars: shared


def test_lenet_subsample_size_pair():
    x = np.ones((6, 6))
    np.testing.assert_array_equal(lenet_subsample(x, 1.0, 0.0, size=(3, 2)), np.full((2, 3), 6.0))


def test_lenet_subsample_bad_parameters():
    with pytest.raises(ValueError, match="coefficient"):
        lenet_subsample(np.ones((4, 4, 3)), [1.0, 2.0], 0.0)
    with pytest.raises(ValueError, match="bias"):
        lenet_subsample(np.ones((4, 4)), 1.0, [0.0])
    with pytest.raises(ValueError, match="size"):
        lenet_subsample(np.ones((4, 4)), 1.0, 0.0, size=5)
