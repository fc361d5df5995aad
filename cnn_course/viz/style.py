"""The chart style every chapter shares: frameless views, left-aligned titles, numbers printed
with at most three decimals, and the course's two base colours.

Examples
--------
>>> import altair as alt
>>> chart = alt.Chart().mark_point().properties(view=NO_FRAME, title=title("Accuracy"))
>>> chart.to_dict()["title"]
{'text': 'Accuracy', 'anchor': 'start', 'fontSize': 12, 'fontWeight': 'normal'}
"""

from __future__ import annotations

import numbers
from typing import Any

import altair as alt
import numpy as np

__all__ = ["ACCENT", "BLUE", "NO_FRAME", "TITLE_STYLE", "format_number", "title"]

#: The highlight colour (the window, the current value, the method or model in focus).
ACCENT = "#e6550d"
#: The second colour, drawn against :data:`ACCENT`.
BLUE = "#3182bd"

#: A chart view without the grey frame Vega-Lite draws around it: ``.properties(view=NO_FRAME)``.
NO_FRAME = alt.ViewBackground(stroke=None)

#: How :func:`title` styles a panel's title: left-aligned, 12 px, not bold.
TITLE_STYLE: dict[str, Any] = {"anchor": "start", "fontSize": 12, "fontWeight": "normal"}


def title(text: str | list[str] | alt.ExprRef | dict[str, Any] | alt.Title, **style: Any) -> alt.Title:
    """A panel title in the course's style (:data:`TITLE_STYLE`).

    Parameters
    ----------
    text : str, list of str, altair.ExprRef, dict or altair.Title
        The title: plain text, several lines, or an expression that changes with a parameter
        (``alt.expr("'size ' + size")`` or ``{"expr": "..."}``). An ``alt.Title`` is returned
        as it is.
    **style
        Overrides of :data:`TITLE_STYLE`, or further ``alt.Title`` options; ``None`` drops a
        default (``title(t, fontSize=13, fontWeight=None)``: the bold title of a whole figure).

    Returns
    -------
    altair.Title

    Examples
    --------
    >>> title("output 3×3").to_dict()
    {'text': 'output 3×3', 'anchor': 'start', 'fontSize': 12, 'fontWeight': 'normal'}
    >>> title({"expr": "'size ' + size"}, fontSize=13, fontWeight=None).to_dict()
    {'text': {'expr': "'size ' + size"}, 'anchor': 'start', 'fontSize': 13}
    >>> title(3)
    Traceback (most recent call last):
    ...
    TypeError: text must be a str, a list of str, an alt.ExprRef, a dict (an expression) or an alt.Title, got int
    """
    if isinstance(text, alt.Title):
        return text
    ok = (
        isinstance(text, (str, dict, alt.ExprRef))
        or (isinstance(text, list) and all(isinstance(line, str) for line in text))
    )
    if not ok:
        raise TypeError(
            "text must be a str, a list of str, an alt.ExprRef, a dict (an expression) or an alt.Title, "
            f"got {type(text).__name__}"
        )
    options = {**TITLE_STYLE, **style}
    return alt.Title(text, **{key: value for key, value in options.items() if value is not None})


def format_number(value: float) -> str:
    """Format a number the way the explorers and charts print it: at most 3 decimals.

    Trailing zeros are dropped, and ``-0`` is printed as ``0``.

    Examples
    --------
    >>> [format_number(v) for v in (255.0, -1.0, 1 / 9, 28.33333, -0.0001, 1e6)]
    ['255', '-1', '0.111', '28.333', '0', '1000000']
    >>> format_number("7")
    Traceback (most recent call last):
    ...
    TypeError: value must be a real number, got '7' of type str
    """
    if type(value) is float or type(value) is int:  # the common case, checked first (an explorer formats hundreds a frame)
        number = float(value)
    elif isinstance(value, numbers.Real):  # bool, the NumPy scalars, other real types
        number = float(value)
    elif isinstance(value, np.ndarray) and value.ndim == 0 and value.dtype.kind in "biuf":
        number = float(value)
    else:
        raise TypeError(f"value must be a real number, got {value!r} of type {type(value).__name__}")
    text = np.format_float_positional(number, precision=3, unique=True, trim="-")
    return "0" if text in ("-0", "0.", "-0.") else text
