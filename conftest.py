"""Root pytest configuration: applies to the unit tests, the doctests and the notebooks.

Notebook kernels started by nbval inherit these environment variables.
"""

from __future__ import annotations

import os

# A wrong solution in the instructor edition must fail, not just print feedback.
os.environ["CNN_COURSE_STRICT_CHECKS"] = "1"
# Quiet TensorFlow's start-up chatter in kernels and tests.
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
# Charts render as in a live notebook with no network (inline JavaScript) unless told.
os.environ.pop("CNN_COURSE_BOOK", None)


def pytest_collection_modifyitems(config, items):
    """Every cell nbval runs from a chapter carries the ``notebooks`` marker.

    The chapters' cells of one notebook share a kernel, so with pytest-xdist they must stay
    on one worker, in order: `make test` passes ``--dist loadfile``.
    """
    import pytest

    for item in items:
        if str(getattr(item, "path", "")).endswith(".ipynb"):
            item.add_marker(pytest.mark.notebooks)
