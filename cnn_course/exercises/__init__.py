"""Automatic checks for the chapters' exercises, with specific feedback.

One submodule per chapter holds that chapter's checks (``from cnn_course.exercises
import convolution as check``); this module holds what they share.

Each check takes the learner's answer (a number, an array or a function), compares it
with the course's own reference, and returns a :class:`Feedback` that prints as a short
verdict: what is right, or which common slip the answer looks like and a hint.

For learners a wrong answer only prints feedback.  The test suite and the book build set
``CNN_COURSE_STRICT_CHECKS=1``; then a wrong answer raises :class:`IncorrectAnswer`, so an
instructor edition whose solution is wrong cannot pass.  A missing answer (the student
edition's ``raise NotImplementedError()``) is never caught here.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

import numpy as np

STRICT_ENV_VAR = "CNN_COURSE_STRICT_CHECKS"


class IncorrectAnswer(AssertionError):
    """Raised by a check in strict mode when the answer is wrong."""


@dataclass(frozen=True)
class Feedback:
    """The verdict of a check: ``passed`` and a message for the learner."""

    exercise: str
    passed: bool
    message: str

    def __bool__(self) -> bool:
        return self.passed

    def __str__(self) -> str:
        mark = "Correct" if self.passed else "Not yet"
        return f"[{self.exercise}] {mark}: {self.message}"

    def _repr_html_(self) -> str:
        colour = "#1a7f37" if self.passed else "#b35900"
        mark = "&#10004; Correct" if self.passed else "&#9888; Not yet"
        return (
            f'<div style="border-left:4px solid {colour};padding:0.3em 0.8em;margin:0.3em 0">'
            f"<b>{mark}</b> <small>({self.exercise})</small><br>{self.message}</div>"
        )

    def __repr__(self) -> str:
        return str(self)


def strict() -> bool:
    """Whether wrong answers raise (``CNN_COURSE_STRICT_CHECKS`` set to a true value)."""
    return os.environ.get(STRICT_ENV_VAR, "").lower() in ("1", "true", "yes")


def verdict(exercise: str, passed: bool, message: str) -> Feedback:
    """Build a :class:`Feedback`; in strict mode raise :class:`IncorrectAnswer` if wrong.

    Examples
    --------
    >>> verdict("demo", True, "well done").passed
    True
    """
    feedback = Feedback(exercise, bool(passed), message)
    if not feedback.passed and strict():
        raise IncorrectAnswer(str(feedback))
    return feedback


def close(a: Any, b: Any, *, rtol: float = 1e-6, atol: float = 1e-9) -> bool:
    """Whether ``a`` and ``b`` are arrays (or numbers) of one shape with close values.

    Examples
    --------
    >>> close([1.0, 2.0], np.array([1.0, 2.0 + 1e-12]))
    True
    >>> close([1.0], [1.0, 2.0])
    False
    """
    try:
        a_arr = np.asarray(a, dtype=float)
        b_arr = np.asarray(b, dtype=float)
    except (TypeError, ValueError):
        return False
    return a_arr.shape == b_arr.shape and bool(np.allclose(a_arr, b_arr, rtol=rtol, atol=atol))


def number_check(
    exercise: str,
    answer: Any,
    expected: float,
    *,
    slips: Iterable[tuple[float, str]] = (),
    success: str = "",
    rtol: float = 1e-6,
) -> Feedback:
    """Check a numeric answer, naming the slip when it matches a known wrong value.

    Parameters
    ----------
    exercise : str
        The exercise's name, shown in the feedback.
    answer : float
        The learner's answer.
    expected : float
        The right value.
    slips : iterable of (value, hint)
        Wrong values that common mistakes give, each with the hint to show.
    success : str
        Extra words for a right answer.

    Examples
    --------
    >>> number_check("demo", 4, 4.0, slips=[(5, "off by one")]).passed
    True
    """
    if isinstance(answer, (bool, np.bool_)) or not np.isscalar(answer):
        return verdict(exercise, False, f"Expected a single number, got {answer!r}.")
    try:
        value = float(answer)
    except (TypeError, ValueError):
        return verdict(exercise, False, f"Expected a number, got {answer!r}.")
    if np.isclose(value, expected, rtol=rtol, atol=1e-9):
        return verdict(exercise, True, f"{value:g}. {success}".strip())
    for slip_value, hint in slips:
        if np.isclose(value, slip_value, rtol=rtol, atol=1e-9):
            return verdict(exercise, False, f"You answered {value:g}; {hint}")
    return verdict(exercise, False, f"You answered {value:g}, which is not it. Recheck each term.")


def function_check(
    exercise: str,
    candidate: Callable[..., Any],
    reference: Callable[..., Any],
    cases: Iterable[tuple[tuple[Any, ...], dict[str, Any]]],
    *,
    slips: Iterable[tuple[Callable[..., Any], str]] = (),
    success: str = "",
) -> Feedback:
    """Check a learner's function against a reference on a list of cases.

    ``cases`` holds ``(args, kwargs)`` pairs.  On the first case where the candidate and
    the reference differ, each known wrong implementation in ``slips`` is tried: if one
    gives the learner's output, its hint is shown.  Errors raised by the candidate are
    reported, except ``NotImplementedError`` (an exercise not yet done), which propagates.
    """
    if not callable(candidate):
        return verdict(exercise, False, f"Expected a function, got {type(candidate).__name__}.")
    cases = list(cases)
    slips = list(slips)
    outputs = []
    for args, kwargs in cases:
        try:
            outputs.append(candidate(*args, **kwargs))
        except NotImplementedError:
            raise
        except Exception as err:  # the learner's code: report any failure
            return verdict(exercise, False, f"Calling it with {_describe(args, kwargs)} raised {type(err).__name__}: {err}")
    expected = [reference(*args, **kwargs) for args, kwargs in cases]
    wrong = [i for i, (got, want) in enumerate(zip(outputs, expected)) if not close(got, want)]
    if not wrong:
        return verdict(exercise, True, f"right on all {len(cases)} test cases. {success}".strip())
    first = wrong[0]
    args, kwargs = cases[first]
    # Name the slip that explains every case the learner got wrong, else the first case.
    for require_all in (True, False):
        for slip, hint in slips:
            checked = wrong if require_all else [first]
            if all(_agrees(slip, cases[i], outputs[i]) for i in checked):
                return verdict(exercise, False, f"For {_describe(args, kwargs)}: {hint}")
    got, want = outputs[first], expected[first]
    shape = np.asarray(got, dtype=object).shape
    shown = np.round(np.asarray(got, dtype=float), 4).tolist() if _numeric(got) else got
    return verdict(
        exercise,
        False,
        f"For {_describe(args, kwargs)} it returned {shown!r} (shape {shape}); "
        f"expected {np.round(np.asarray(want, dtype=float), 4).tolist()}.",
    )


def _agrees(slip: Callable[..., Any], case: tuple[tuple[Any, ...], dict[str, Any]], output: Any) -> bool:
    try:
        return close(output, slip(*case[0], **case[1]))
    except Exception:  # a slip that does not apply to this case
        return False


def _numeric(x: Any) -> bool:
    try:
        np.asarray(x, dtype=float)
    except (TypeError, ValueError):
        return False
    return True


def _describe(args: tuple[Any, ...], kwargs: dict[str, Any]) -> str:
    parts = []
    for a in args:
        arr = np.asarray(a) if not np.isscalar(a) else None
        parts.append(f"an array of shape {arr.shape}" if arr is not None and arr.ndim > 0 else repr(a))
    parts += [f"{k}={v!r}" for k, v in kwargs.items()]
    return "(" + ", ".join(parts) + ")"
