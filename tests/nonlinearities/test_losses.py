"""Tests of cnn_course.nonlinearities.losses against Keras and TensorFlow: cross-entropy and LeNet's MAP criterion.

TensorFlow and Keras are imported lazily: without them only the comparisons skip (a failure
where ``CI`` is true), not the NumPy tests.
"""

from __future__ import annotations

import numpy as np
import pytest
from course_resources import lazy_module, require
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from cnn_course.nonlinearities.activations import softmax
from cnn_course.nonlinearities.losses import cross_entropy, cross_entropy_loops, logsumexp, map_loss, map_loss_loops

tf = lazy_module("tensorflow")
keras = lazy_module("keras")

SCORES = st.floats(-8, 8, allow_nan=False, allow_infinity=False, width=64)
DIST = st.floats(0, 30, allow_nan=False, allow_infinity=False, width=64)


def batch(elements, classes=st.integers(2, 6)):
    return arrays(np.float64, st.tuples(st.integers(1, 5), classes), elements=elements)


def labels_for(data, shape):
    return np.array(data.draw(st.lists(st.integers(0, shape[1] - 1), min_size=shape[0], max_size=shape[0])))


@given(batch(SCORES), st.data())
def test_cross_entropy_from_logits_matches_keras(z, data):
    y = labels_for(data, z.shape)
    onehot = np.eye(z.shape[1])[y]
    want_sparse = float(keras.losses.SparseCategoricalCrossentropy(from_logits=True)(y, z))
    want_dense = float(keras.losses.CategoricalCrossentropy(from_logits=True)(onehot, z))
    assert cross_entropy(z, y, from_logits=True) == pytest.approx(want_sparse, rel=1e-5, abs=1e-6)
    assert cross_entropy(z, onehot, from_logits=True) == pytest.approx(want_dense, rel=1e-5, abs=1e-6)


@given(batch(SCORES), st.data())
def test_cross_entropy_from_probabilities_matches_keras(z, data):
    y = labels_for(data, z.shape)
    p = softmax(z, axis=1)
    onehot = np.eye(z.shape[1])[y]
    want_sparse = float(keras.losses.SparseCategoricalCrossentropy()(y, p))
    want_dense = float(keras.losses.CategoricalCrossentropy()(onehot, p))
    assert cross_entropy(p, y) == pytest.approx(want_sparse, rel=1e-4, abs=1e-5)
    assert cross_entropy(p, onehot) == pytest.approx(want_dense, rel=1e-4, abs=1e-5)
    assert cross_entropy_loops(p, y) == pytest.approx(cross_entropy(p, y), rel=1e-12)


def test_cross_entropy_worked_values():
    assert cross_entropy([[0.25, 0.75]], [1]) == pytest.approx(-np.log(0.75))
    assert cross_entropy([[1.0, 0.0]], [1]) == pytest.approx(-np.log(1e-7))  # clipped like Keras
    # soft targets
    assert cross_entropy([[0.5, 0.5]], [[0.3, 0.7]]) == pytest.approx(np.log(2))
    # from logits stays finite where the probability underflows
    assert cross_entropy([[1000.0, 0.0]], [1], from_logits=True) == pytest.approx(1000.0)


def test_cross_entropy_gradient_wrt_logits_is_p_minus_t():
    z = np.array([[2.0, -1.0, 0.5]])
    y = np.array([2])
    zt = tf.constant(z)
    with tf.GradientTape() as tape:
        tape.watch(zt)
        loss = tf.reduce_mean(tf.nn.sparse_softmax_cross_entropy_with_logits(labels=y, logits=zt))
    np.testing.assert_allclose(tape.gradient(loss, zt).numpy(), softmax(z, axis=1) - np.eye(3)[y], rtol=1e-10)
    h = 1e-6
    numeric = [(cross_entropy(z + h * e, y, from_logits=True) - cross_entropy(z - h * e, y, from_logits=True)) / (2 * h) for e in np.eye(3)]
    np.testing.assert_allclose(numeric, (softmax(z, axis=1) - np.eye(3)[y])[0], atol=1e-6)


def tf_map_loss(distances, labels, j):
    y = tf.constant(distances)
    correct = tf.gather(y, labels, axis=1, batch_dims=1)
    rubbish = tf.fill([tf.shape(y)[0], 1], tf.constant(-j, tf.float64))
    return float(tf.reduce_mean(correct + tf.reduce_logsumexp(tf.concat([rubbish, -y], axis=1), axis=1)))


@given(batch(DIST), st.data(), st.floats(0.1, 20.0))
def test_map_loss_matches_tensorflow_and_loops(y, data, j):
    labels = labels_for(data, y.shape)
    got = map_loss(y, labels, j=j)
    assert got == pytest.approx(tf_map_loss(y, labels, j), rel=1e-10, abs=1e-10)
    assert map_loss_loops(y, labels, j=j) == pytest.approx(got, rel=1e-9, abs=1e-9)


@given(batch(DIST, st.just(10)), st.data(), st.floats(0.1, 20.0))
def test_map_loss_matches_the_keras_loss_of_the_lenet_module(y, data, j):
    require("tensorflow")  # Keras's backend, which the LeNet-5 module needs
    from cnn_course.models.lenet import MAPLoss

    labels = labels_for(data, y.shape)
    want = float(MAPLoss(j=j)(labels, y.astype("float32")))
    assert map_loss(y, labels, j=j) == pytest.approx(want, rel=1e-4, abs=1e-4)


def test_map_loss_worked_values_and_properties():
    # one example, two classes: 0 + log(e^-1 + e^0 + e^-3)
    assert map_loss([[0.0, 3.0]], [0], j=1.0) == pytest.approx(np.log(np.exp(-1) + 1 + np.exp(-3)))
    # lower when the correct class is nearer, and when the wrong classes are farther
    assert map_loss([[0.5, 4.0]], [0]) < map_loss([[4.0, 0.5]], [0])
    assert map_loss([[0.5, 8.0]], [0]) < map_loss([[0.5, 4.0]], [0])
    # never below zero... and bounded by j for far wrong classes: with y_correct = 0 and the
    # others huge, E -> log(1 + e^-j) (> 0)
    assert map_loss([[0.0, 1e3, 1e3]], [0], j=2.0) == pytest.approx(np.log1p(np.exp(-2.0)))
    # gradient wrt the correct distance is 1 - its share, wrt a wrong one minus its share
    y = np.array([[1.0, 2.0, 0.5]])
    yt = tf.constant(y)
    with tf.GradientTape() as tape:
        tape.watch(yt)
        loss = tf.reduce_mean(yt[:, 0] + tf.reduce_logsumexp(tf.concat([tf.constant([[-1.0]], tf.float64), -yt], 1), 1))
    share = np.exp(-y[0]) / (np.exp(-1.0) + np.exp(-y[0]).sum())
    np.testing.assert_allclose(tape.gradient(loss, yt).numpy()[0], np.array([1, 0, 0]) - share, rtol=1e-10)


def test_logsumexp_is_stable():
    assert float(logsumexp([1000.0, 1000.0])) == pytest.approx(1000 + np.log(2))
    assert float(logsumexp([-1000.0, -1000.0])) == pytest.approx(-1000 + np.log(2))
    np.testing.assert_allclose(logsumexp([[0.0, 0.0], [1.0, 1.0]], axis=1), np.log(2) + np.array([0.0, 1.0]))


@pytest.mark.parametrize(
    "call, error, match",
    [
        (lambda: cross_entropy([[0.5, 0.5]], [2]), ValueError, "labels must be in 0..1"),
        (lambda: cross_entropy([[0.5, 0.5]], [0, 1]), ValueError, "one label per example"),
        (lambda: cross_entropy([[2.0, -1.0]], [0]), ValueError, "from_logits"),
        (lambda: cross_entropy([[0.5, 0.5]], [[1.0, 0.0, 0.0]]), ValueError, "shape"),
        (lambda: cross_entropy([[1.0]], [0]), ValueError, "at least 2 classes"),
        (lambda: cross_entropy([[0.5, 0.5]], ["a"]), TypeError, "integers"),
        (lambda: map_loss([[-1.0, 2.0]], [0]), ValueError, "non-negative"),
        (lambda: map_loss([[1.0, 2.0]], [0], j=0), ValueError, "j must be"),
        (lambda: map_loss([[1.0, 2.0]], [0], j="1"), TypeError, "j must be"),
        (lambda: map_loss([[1.0, 2.0]], [[0.5, 0.5]]), ValueError, "one correct class"),
    ],
)
def test_bad_input(call, error, match):
    with pytest.raises(error, match=match):
        call()


# --- the chapter's exercise checks ---------------------------------------------------------


def test_exercise_checks_accept_right_answers_and_name_slips(monkeypatch):
    from scipy.special import logsumexp as lse

    from cnn_course.exercises import nonlinearities as check

    monkeypatch.delenv("CNN_COURSE_STRICT_CHECKS", raising=False)
    assert check.tanh_derivative(lambda z, a, s: a * s * (1 - np.tanh(s * np.asarray(z)) ** 2))
    slip = check.tanh_derivative(lambda z, a, s: a * (1 - np.tanh(s * np.asarray(z)) ** 2))
    assert not slip and "factor S" in slip.message
    assert check.amplitude(1 / np.tanh(0.5))
    assert "1 / S" in check.amplitude(2.0).message
    assert check.cross_entropy_from_logits(lambda z, l: float(np.mean(lse(z, axis=1) - np.asarray(z)[np.arange(len(z)), l])))
    naive = check.cross_entropy_from_logits(
        lambda z, l: float(np.mean(-np.log(np.exp(z) / np.exp(z).sum(1, keepdims=True))[np.arange(len(z)), l])))
    assert not naive and "overflow" in naive.message

    def right_map(y, l, j):
        y = np.asarray(y)
        return float(np.mean(y[np.arange(len(y)), l] + lse(np.c_[np.full(len(y), -j), -y], axis=1)))

    assert check.map_criterion(right_map)
    no_rubbish = check.map_criterion(lambda y, l, j: float(np.mean(np.asarray(y)[np.arange(len(y)), l]
                                                                   + lse(-np.asarray(y), axis=1))))
    assert not no_rubbish and "e^{-j}" in no_rubbish.message
