"""Run ``python -m cnn_course.data fetch mnist`` (and the rest: ``--help``)."""

from __future__ import annotations

from cnn_course.data._cli import main

if __name__ == "__main__":
    raise SystemExit(main())
