"""The exercise checks: right answers pass, known slips get their specific hint."""

from __future__ import annotations

import numpy as np
import pytest

from cnn_course import exercises
from cnn_course.convolution import convolve2d, cross_correlate2d, worked_example
from cnn_course.exercises import IncorrectAnswer, convolution as conv_check, pooling as pool_check


@pytest.fixture(autouse=True)
def lenient(monkeypatch: pytest.MonkeyPatch) -> None:
    """Feedback mode (as learners see it) unless a test asks for strict mode."""
    monkeypatch.delenv(exercises.STRICT_ENV_VAR, raising=False)


def test_strict_mode_raises(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(exercises.STRICT_ENV_VAR, "1")
    with pytest.raises(IncorrectAnswer, match="Not yet"):
        pool_check.s2_parameters(7)
    assert pool_check.s2_parameters(12)


def test_feedback_renders() -> None:
    fb = pool_check.s2_parameters(12)
    assert "Correct" in str(fb) and "Correct" in fb._repr_html_()
    bad = pool_check.s2_parameters("twelve")
    assert not bad and "Expected a number" in bad.message


def test_number_check_rejects_arrays_and_bools() -> None:
    assert not exercises.number_check("x", [1, 2], 1.0)
    assert not exercises.number_check("x", True, 1.0)


# ---- convolution chapter -------------------------------------------------------------

def test_hand_convolution() -> None:
    P, _ = worked_example()
    assert conv_check.hand_convolution(240, P)
    # F(1, 0) is the bottom-right element of the 2x2 output array
    assert "cross-correlation" in conv_check.hand_convolution(float(cross_correlate2d(P, conv_check.HAND_KERNEL)[1, 1]), P).message
    assert "F(0, 1)" in conv_check.hand_convolution(float(convolve2d(P, conv_check.HAND_KERNEL)[0, 0]), P).message


def test_cross_correlation_via_convolution() -> None:
    assert conv_check.cross_correlation_via_convolution(lambda im, k: convolve2d(im, np.asarray(k)[::-1, ::-1]))
    assert "flip the kernel" in conv_check.cross_correlation_via_convolution(convolve2d).message
    assert "left-right" in conv_check.cross_correlation_via_convolution(lambda im, k: convolve2d(im, np.flipud(k))).message
    assert "raised ZeroDivisionError" in conv_check.cross_correlation_via_convolution(lambda im, k: 1 / 0).message
    assert "Expected a function" in conv_check.cross_correlation_via_convolution(3).message


def test_not_implemented_propagates() -> None:
    def todo(image, kernel):  # the student edition's stub
        raise NotImplementedError()

    with pytest.raises(NotImplementedError):
        conv_check.cross_correlation_via_convolution(todo)


@pytest.mark.parametrize(
    "candidate, hint",
    [
        (lambda n, k, s, p: (n + 2 * p - k) / s + 1, "round down"),
        (lambda n, k, s, p: (n + 2 * p - k) // s, "+ 1"),
        (lambda n, k, s, p: (n + p - k) // s + 1, "2p"),
        (lambda n, k, s, p: n + 2 * p - k + 1, "stride"),
    ],
)
def test_output_size_slips(candidate, hint: str) -> None:
    fb = conv_check.output_size(candidate)
    assert not fb and hint in fb.message


def test_output_size_right() -> None:
    assert conv_check.output_size(conv_check.reference_output_size)


def test_shift_kernel() -> None:
    right = np.zeros((3, 3))
    right[1, 0] = 1
    assert conv_check.shift_kernel(right)
    left = np.zeros((3, 3))
    left[1, 2] = 1
    assert "moved left" in conv_check.shift_kernel(left).message
    ident = np.zeros((3, 3))
    ident[1, 1] = 1
    assert "identity" in conv_check.shift_kernel(ident).message
    assert "3x3" in conv_check.shift_kernel(np.ones((2, 2))).message


# ---- pooling chapter -----------------------------------------------------------------

def test_max_pool_by_hand() -> None:
    assert pool_check.max_pool_by_hand([[6, 5], [3, 9]])
    assert "average" in pool_check.max_pool_by_hand(
        pool_check.HAND_INPUT.reshape(2, 2, 2, 2).mean(axis=(1, 3))
    ).message
    assert "transposed" in pool_check.max_pool_by_hand([[6, 3], [5, 9]]).message
    assert "stride 1" in pool_check.max_pool_by_hand(
        np.array([[6, 6, 5], [6, 9, 9], [3, 9, 9]])
    ).message


def test_avg_pool_2x2() -> None:
    assert pool_check.avg_pool_2x2(lambda x: x.reshape(x.shape[0] // 2, 2, x.shape[1] // 2, 2).mean(axis=(1, 3)))
    assert "divide by 4" in pool_check.avg_pool_2x2(
        lambda x: x.reshape(x.shape[0] // 2, 2, x.shape[1] // 2, 2).sum(axis=(1, 3))
    ).message


@pytest.mark.parametrize("answer, hint", [(0, "trainable"), (6, "two"), (2 * 6 * 196, "weight sharing")])
def test_s2_parameters(answer: int, hint: str) -> None:
    assert hint in pool_check.s2_parameters(answer).message


def test_alexnet_pool_size() -> None:
    assert pool_check.alexnet_pool_size(27)
    assert "stride 3" in pool_check.alexnet_pool_size(18).message
