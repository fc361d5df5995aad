"""What an explorer shows after an update: :class:`View`.

It lives apart from :mod:`cnn_course.viz.widgets` (which needs ipywidgets) so that a chapter's
``charts`` module, which must not import ipywidgets, can build and return its own ``View``
subclass; :mod:`cnn_course.viz.widgets` re-exports it.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["View"]


@dataclass(frozen=True)
class View:
    """What an explorer shows after an update: its HTML, plus the numbers a test or a hidden assert reads.

    Each chapter subclasses it (a frozen dataclass too) with the extra fields its tests and
    notebook read, e.g. ``table: pd.DataFrame`` or ``rates: dict``.

    Attributes
    ----------
    html : str
        The HTML written into the explorer's output widget.

    Examples
    --------
    >>> from dataclasses import dataclass
    >>> @dataclass(frozen=True)
    ... class SumView(View):
    ...     total: float = 0.0
    >>> SumView(html="<b>3</b>", total=3.0).total
    3.0
    """

    html: str

    def __post_init__(self) -> None:
        if not isinstance(self.html, str):
            raise TypeError(f"html must be a str, got {type(self.html).__name__}")
