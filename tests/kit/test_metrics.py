"""The shared classification and change numbers (:mod:`cnn_course.metrics`)."""

from __future__ import annotations

import numpy as np
import pytest

from cnn_course.metrics import accuracy, confusion_matrix, per_class_accuracy, relative_change


def test_accuracy() -> None:
    assert accuracy([1, 2, 3, 4], [1, 2, 0, 4]) == 0.75
    assert accuracy(np.array([[1], [2]]), [1, 2]) == 1.0
    with pytest.raises(ValueError, match="same length"):
        accuracy([1], [1, 2])
    with pytest.raises(ValueError, match="non-empty"):
        accuracy([], [])


def test_confusion_matrix_and_per_class_accuracy() -> None:
    m = confusion_matrix([0, 1, 1, 2, 2, 2], [0, 1, 2, 2, 2, 0], 3)
    assert m.dtype == np.int64
    assert m.tolist() == [[1, 0, 0], [0, 1, 1], [1, 0, 2]]
    assert per_class_accuracy(m).tolist() == pytest.approx([1, 0.5, 2 / 3])
    assert confusion_matrix(np.array([0.0, 1.0]), [1, 1], n_classes=2).tolist() == [[0, 1], [0, 1]]
    assert confusion_matrix([], [], n_classes=2).sum() == 0
    assert confusion_matrix([3], [3]).shape == (10, 10)  # ten classes by default


def test_confusion_matrix_errors() -> None:
    with pytest.raises(ValueError, match="labels must hold class indices in 0..2"):
        confusion_matrix([0, 5], [0, 1], n_classes=3)
    with pytest.raises(ValueError, match="predicted must hold"):
        confusion_matrix([0, 1], [0, 3], 3)
    with pytest.raises(ValueError, match="same length"):
        confusion_matrix([0, 1], [0], 3)
    with pytest.raises(ValueError, match="whole-number"):
        confusion_matrix([0.5], [0], 3)
    with pytest.raises(TypeError, match="labels"):
        confusion_matrix(["a"], [0], 3)
    with pytest.raises(ValueError, match="n_classes"):
        confusion_matrix([0], [0], 0)


def test_per_class_accuracy_of_an_empty_class_is_zero() -> None:
    assert per_class_accuracy([[2, 0], [0, 0]]).tolist() == [1.0, 0.0]
    with pytest.raises(ValueError, match="square"):
        per_class_accuracy([[1, 2, 3]])
    with pytest.raises(ValueError, match="counts"):
        per_class_accuracy([[1, -1], [0, 1]])


def test_relative_change_matches_the_chapters_formula() -> None:
    rng = np.random.default_rng(0)
    before = rng.random((3, 6, 6, 2))
    now = before + rng.normal(0, 0.1, before.shape)
    # the formula the notebooks wrote out, and the neocognitron's own helpers had
    expected = np.linalg.norm(now - before) / np.linalg.norm(before)
    assert relative_change(now, before) == expected
    assert relative_change(now.astype(np.float32), before.astype(np.float32)) == pytest.approx(expected, rel=1e-6)
    assert relative_change(before, before) == 0.0
    assert relative_change([1.0, 0.0], [0.0, 0.0]) == pytest.approx(1e12)  # finite for a zero `before`
    assert isinstance(relative_change([1.0], [2.0]), float)
    with pytest.raises(ValueError, match="same shape"):
        relative_change(np.zeros((2, 2)), np.zeros(4))
    with pytest.raises(ValueError, match="now must be finite"):
        relative_change([np.nan], [1.0])
