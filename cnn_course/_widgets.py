"""What the ipywidgets explorers share."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from typing import Any


@contextlib.contextmanager
def quiet(explorer: Any) -> Iterator[None]:
    """Set an explorer's widget values without its observers recomputing anything.

    The explorer marks itself busy (``explorer._busy``) while the block runs; its observers
    return at once while it is busy.

    Examples
    --------
    >>> class E: _busy = False
    >>> e = E()
    >>> with quiet(e):
    ...     e._busy
    True
    >>> e._busy
    False
    """
    previous = explorer._busy
    explorer._busy = True
    try:
        yield
    finally:
        explorer._busy = previous
