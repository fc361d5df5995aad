"""Tests of cnn_course.nonlinearities.activations: values, stability, SciPy references, numerical gradients."""

from __future__ import annotations

import warnings

import numpy as np
import pytest
import scipy.special
from course_resources import lazy_module
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra.numpy import array_shapes, arrays

from cnn_course.nonlinearities.activations import (
    LECUN_A,
    LECUN_S,
    amplitude_for_unit_output,
    lecun_tanh,
    lecun_tanh_grad,
    relu,
    relu_grad,
    scaled_tanh,
    scaled_tanh_grad,
    scaled_tanh_second,
    sigmoid,
    sigmoid_grad,
    softmax,
    softmax_jacobian,
)

# Imported on first use: only the comparisons with TensorFlow need it (a skip without it,
# a failure where CI is true), not the NumPy tests.
tf = lazy_module("tensorflow")

VALUES = st.floats(-10, 10, allow_nan=False, allow_infinity=False, width=64)
ANY_ARRAYS = arrays(np.float64, array_shapes(min_dims=0, max_dims=3, max_side=5), elements=VALUES)
ELEMENTWISE = [sigmoid, lecun_tanh, relu, sigmoid_grad, lecun_tanh_grad, relu_grad]
GRADIENTS = [(sigmoid, sigmoid_grad), (lecun_tanh, lecun_tanh_grad)]


def central_difference(f, z, h=1e-6):
    return (f(z + h) - f(z - h)) / (2 * h)


# --- values ------------------------------------------------------------------------------


def test_constants():
    assert LECUN_A == 1.7159 and LECUN_S == pytest.approx(2 / 3)


def test_known_values():
    assert sigmoid(0.0) == 0.5
    assert sigmoid(1.0) == pytest.approx(1 / (1 + np.exp(-1)))
    np.testing.assert_allclose(lecun_tanh([1.0, -1.0, 0.0]), [1.0, -1.0, 0.0], atol=1e-4)  # f(+-1) = +-1
    np.testing.assert_array_equal(relu([-1.5, 0.0, 2.5]), [0.0, 0.0, 2.5])
    np.testing.assert_array_equal(relu_grad([-1.5, 0.0, 2.5]), [0.0, 0.0, 1.0])  # 0 at 0, by choice
    assert sigmoid_grad(0.0) == 0.25
    assert lecun_tanh_grad(0.0) == pytest.approx(LECUN_A * LECUN_S)


def test_sigmoid_threshold_at_one_half():
    z = np.linspace(-5, 5, 101)
    np.testing.assert_array_equal(sigmoid(z) >= 0.5, z >= 0)


def test_sigmoid_is_stable_for_large_inputs():
    z = np.array([-1e308, -1000.0, -745.0, 0.0, 745.0, 1000.0, 1e308])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        s = sigmoid(z)
        g = sigmoid_grad(z)
    np.testing.assert_array_equal(s[[0, 1, -2, -1]], [0.0, 0.0, 1.0, 1.0])
    assert np.all(np.isfinite(g)) and np.all(g >= 0)
    np.testing.assert_allclose(sigmoid(z[1:-1]), scipy.special.expit(z[1:-1]), atol=1e-300)  # e^-745 is subnormal


@pytest.mark.parametrize("z", [[1000.0, 1000.0], [-1000.0, 0.0], [1e300, -1e300]])
def test_softmax_is_stable(z):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        p = softmax(z)
    np.testing.assert_allclose(p, scipy.special.softmax(z))
    assert p.sum() == pytest.approx(1.0)


def test_softmax_worked_values_and_axis():
    np.testing.assert_allclose(softmax([1000.0, 1000.0]), [0.5, 0.5])
    np.testing.assert_allclose(softmax([-1000.0, 0.0]), [0.0, 1.0])
    z = np.array([[1.0, 2.0, 3.0], [0.0, 0.0, 0.0]])
    np.testing.assert_allclose(softmax(z, axis=0).sum(axis=0), 1.0)
    np.testing.assert_allclose(softmax(z, axis=1), scipy.special.softmax(z, axis=1))


def test_scalars_and_lists_are_accepted():
    assert isinstance(sigmoid(2), float) and isinstance(relu(-3), float)
    assert relu([[1, -2], [3, -4]]).dtype == np.float64
    assert np.shape(lecun_tanh(np.ones((2, 3, 4)))) == (2, 3, 4)


# --- properties --------------------------------------------------------------------------


@given(ANY_ARRAYS)
def test_elementwise_shapes_and_dtype(z):
    for f in ELEMENTWISE:
        out = np.asarray(f(z))
        assert out.shape == z.shape and out.dtype == np.float64


@given(ANY_ARRAYS)
def test_ranges_and_symmetries(z):
    s = sigmoid(z)
    assert np.all((0 <= s) & (s <= 1))
    np.testing.assert_allclose(sigmoid(-z), 1 - s, atol=1e-12)
    np.testing.assert_allclose(sigmoid(z), scipy.special.expit(z), rtol=1e-12)
    t = lecun_tanh(z)
    assert np.all(np.abs(t) <= LECUN_A)
    np.testing.assert_allclose(lecun_tanh(-z), -t)
    np.testing.assert_array_equal(relu(z), np.where(z > 0, z, 0.0))


@given(arrays(np.float64, array_shapes(min_dims=1, max_dims=3, max_side=5), elements=VALUES), st.data())
def test_softmax_sums_to_one_and_matches_scipy(z, data):
    axis = data.draw(st.integers(-z.ndim, z.ndim - 1))
    p = softmax(z, axis=axis)
    np.testing.assert_allclose(p.sum(axis=axis), 1.0, rtol=1e-12)
    np.testing.assert_allclose(p, scipy.special.softmax(z, axis=axis), rtol=1e-12, atol=1e-15)
    np.testing.assert_allclose(softmax(z + 123.0, axis=axis), p, rtol=1e-9, atol=1e-15)  # shift invariance


@given(arrays(np.float64, st.integers(1, 8), elements=VALUES))
def test_gradients_match_central_differences(z):
    for f, grad in GRADIENTS:
        np.testing.assert_allclose(grad(z), central_difference(f, z), rtol=1e-5, atol=1e-8)
    away_from_kink = z[np.abs(z) > 1e-3]
    if away_from_kink.size:
        np.testing.assert_allclose(relu_grad(away_from_kink), central_difference(relu, away_from_kink), atol=1e-8)


@given(arrays(np.float64, st.integers(1, 8), elements=VALUES))
def test_softmax_jacobian_matches_central_differences(z):
    h = 1e-6
    numeric = np.column_stack([(softmax(z + h * e) - softmax(z - h * e)) / (2 * h) for e in np.eye(z.size)])
    J = softmax_jacobian(z)
    np.testing.assert_allclose(J, numeric, rtol=1e-5, atol=1e-9)
    np.testing.assert_allclose(J, J.T, atol=1e-15)  # symmetric
    np.testing.assert_allclose(J.sum(axis=0), 0.0, atol=1e-12)  # probabilities keep summing to 1


# --- against TensorFlow (values and tf.GradientTape derivatives) -------------------------

# TensorFlow flushes subnormal numbers to zero on CPU: keep clear of them.
NORMAL_VALUES = st.floats(-10, 10, allow_nan=False, allow_infinity=False, allow_subnormal=False, width=64)

TF_ELEMENTWISE = [
    (sigmoid, sigmoid_grad, lambda z: tf.math.sigmoid(z)),  # lambdas: no TensorFlow at import
    (lecun_tanh, lecun_tanh_grad, lambda z: LECUN_A * tf.math.tanh(LECUN_S * z)),
    (relu, relu_grad, lambda z: tf.nn.relu(z)),
]


def tf_value_and_grad(f, z):
    zt = tf.constant(z, dtype=tf.float64)
    with tf.GradientTape() as tape:
        tape.watch(zt)
        y = f(zt)
    return y.numpy(), tape.gradient(y, zt).numpy()


@given(arrays(np.float64, array_shapes(min_dims=1, max_dims=2, max_side=6), elements=NORMAL_VALUES))
def test_elementwise_and_derivatives_match_tensorflow(z):
    for f, grad, tf_f in TF_ELEMENTWISE:
        value, derivative = tf_value_and_grad(tf_f, z)
        np.testing.assert_allclose(f(z), value, rtol=1e-12, atol=1e-15)
        np.testing.assert_allclose(grad(z), derivative, rtol=1e-10, atol=1e-15)


def test_relu_derivative_at_zero_matches_tensorflow():
    _, derivative = tf_value_and_grad(tf.nn.relu, np.array([-1.0, 0.0, 1.0]))
    np.testing.assert_array_equal(relu_grad([-1.0, 0.0, 1.0]), derivative)


@given(arrays(np.float64, st.integers(1, 6), elements=NORMAL_VALUES))
def test_softmax_and_jacobian_match_tensorflow(z):
    zt = tf.constant(z)
    with tf.GradientTape() as tape:
        tape.watch(zt)
        p = tf.nn.softmax(zt)
    np.testing.assert_allclose(softmax(z), p.numpy(), rtol=1e-12, atol=1e-15)
    with tf.GradientTape(persistent=True) as tape:
        tape.watch(zt)
        p = tf.nn.softmax(zt)
    jac = tape.jacobian(p, zt).numpy()
    np.testing.assert_allclose(softmax_jacobian(z), jac, rtol=1e-10, atol=1e-15)


@given(arrays(np.float64, st.integers(1, 6), elements=NORMAL_VALUES), st.floats(0.2, 3.0), st.floats(0.1, 3.0))
def test_scaled_tanh_and_two_derivatives_match_tensorflow(z, a, s):
    zt = tf.constant(z)
    with tf.GradientTape() as outer:
        outer.watch(zt)
        with tf.GradientTape() as inner:
            inner.watch(zt)
            y = a * tf.math.tanh(s * zt)
        first = inner.gradient(y, zt)
    second = outer.gradient(first, zt)
    np.testing.assert_allclose(scaled_tanh(z, a, s), y.numpy(), rtol=1e-12, atol=1e-15)
    np.testing.assert_allclose(scaled_tanh_grad(z, a, s), first.numpy(), rtol=1e-10, atol=1e-14)
    np.testing.assert_allclose(scaled_tanh_second(z, a, s), second.numpy(), rtol=1e-9, atol=1e-13)


def test_scaled_tanh_defaults_are_lecun_and_constants_follow_from_f1_equals_1():
    z = np.linspace(-3, 3, 13)
    np.testing.assert_array_equal(scaled_tanh(z), lecun_tanh(z))
    np.testing.assert_array_equal(scaled_tanh_grad(z), lecun_tanh_grad(z))
    assert amplitude_for_unit_output(LECUN_S) == pytest.approx(LECUN_A, abs=5e-5)
    # the curvature |f''| peaks at z = atanh(1/sqrt 3) / S, about 1 for S = 2/3
    grid = np.linspace(0, 3, 30001)
    peak = grid[np.argmax(np.abs(scaled_tanh_second(grid)))]
    assert peak == pytest.approx(np.arctanh(1 / np.sqrt(3)) / LECUN_S, abs=1e-3)
    assert abs(peak - 1) < 0.02


@pytest.mark.parametrize("bad, error", [(0.0, ValueError), (-1.0, ValueError), (np.inf, ValueError), ("1", TypeError), ([1.0], TypeError)])
def test_scaled_tanh_rejects_bad_constants(bad, error):
    with pytest.raises(error, match="a must be"):
        scaled_tanh(1.0, a=bad)
    with pytest.raises(error, match="s must be"):
        scaled_tanh_grad(1.0, s=bad)
    with pytest.raises(error, match="s must be"):
        amplitude_for_unit_output(bad)
