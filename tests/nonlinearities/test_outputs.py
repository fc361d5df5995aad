"""Tests of cnn_course.nonlinearities.outputs: softmax with a temperature, Euclidean RBF outputs."""

from __future__ import annotations

import numpy as np
import pytest
import scipy.special
from course_resources import require
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from cnn_course.nonlinearities.activations import softmax
from cnn_course.nonlinearities.outputs import (
    rbf_outputs,
    rbf_outputs_loops,
    rbf_predict,
    rbf_probabilities,
    softmax_with_temperature,
)

VALUES = st.floats(-5, 5, allow_nan=False, allow_infinity=False, width=64)
TEMPERATURES = st.floats(0.05, 50.0)


@given(arrays(np.float64, st.tuples(st.integers(1, 4), st.integers(2, 6)), elements=VALUES), TEMPERATURES)
def test_temperature_softmax_is_softmax_of_scaled_scores(z, t):
    p = softmax_with_temperature(z, t)
    np.testing.assert_allclose(p, scipy.special.softmax(z / t, axis=-1), rtol=1e-10, atol=1e-15)
    np.testing.assert_allclose(p.sum(axis=-1), 1.0)
    # the ranking of the classes never changes with T
    assert np.all((np.diff(z, axis=-1) > 1e-9) <= (np.diff(p, axis=-1) >= 0))


def test_temperature_limits_and_default():
    z = np.array([2.0, 1.0, 0.1])
    np.testing.assert_array_equal(softmax_with_temperature(z), softmax(z))
    np.testing.assert_allclose(softmax_with_temperature(z, 1e6), np.full(3, 1 / 3), atol=1e-6)
    np.testing.assert_allclose(softmax_with_temperature(z, 1e-3), [1.0, 0.0, 0.0], atol=1e-12)
    # higher temperature, flatter: the top probability falls monotonically
    tops = [softmax_with_temperature(z, t).max() for t in (0.1, 0.5, 1, 2, 10)]
    assert np.all(np.diff(tops) < 0)


@pytest.mark.parametrize("t, error", [(0, ValueError), (-1.0, ValueError), (np.inf, ValueError), (np.nan, ValueError), ("2", TypeError), (True, TypeError)])
def test_bad_temperature(t, error):
    with pytest.raises(error, match="temperature"):
        softmax_with_temperature([1.0, 2.0], t)


@given(arrays(np.float64, st.tuples(st.integers(1, 4), st.integers(1, 6)), elements=VALUES), st.data())
def test_rbf_matches_loops_and_scipy(a, data):
    w = data.draw(arrays(np.float64, st.tuples(st.integers(2, 5), st.just(a.shape[1])), elements=VALUES))
    y = rbf_outputs(a, w)
    np.testing.assert_allclose(y, rbf_outputs_loops(a, w), rtol=1e-9, atol=1e-9)
    from scipy.spatial.distance import cdist

    np.testing.assert_allclose(y, cdist(a, w, "sqeuclidean"), rtol=1e-9, atol=1e-9)
    assert np.all(y >= 0)
    np.testing.assert_array_equal(rbf_predict(a, w), np.argmin(y, axis=1))


def test_rbf_single_input_and_prototype_hits_zero():
    w = np.array([[1.0, -1.0, 1.0], [-1.0, -1.0, 1.0]])
    y = rbf_outputs(w[1], w)
    assert y.shape == (2,) and y[1] == 0.0 and y[0] == 4.0
    assert rbf_predict(w[1], w) == 1
    p = rbf_probabilities(w[1], w)
    assert p.argmax() == 1 and p.sum() == pytest.approx(1.0)


def test_rbf_against_keras_layer():
    require("tensorflow")  # Keras's backend; the rest of this module is NumPy only
    keras = require("keras")
    from cnn_course.models import lenet

    rng = np.random.default_rng(0)
    w = lenet.digit_bitmaps()
    a = rng.normal(size=(5, w.shape[1]))
    got = keras.ops.convert_to_numpy(lenet.RBFOutput(w)(a.astype("float32")))
    np.testing.assert_allclose(rbf_outputs(a, w), got, rtol=1e-4, atol=1e-2)


@pytest.mark.parametrize(
    "a, w, match",
    [
        ([1.0, 2.0], [[1.0, 2.0, 3.0]], "features"),
        ([1.0, 2.0], [1.0, 2.0], "prototypes must be a 2-D"),
        ([[[1.0]]], [[1.0]], "a must be"),
        ([np.nan, 1.0], [[1.0, 2.0]], "a must be finite"),
    ],
)
def test_rbf_bad_input(a, w, match):
    with pytest.raises(ValueError, match=match):
        rbf_outputs(a, w)
