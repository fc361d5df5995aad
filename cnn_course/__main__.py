"""``python -m cnn_course``: the same as the ``cnn-course`` command (see :mod:`cnn_course.cli`)."""

from cnn_course.cli import main

if __name__ == "__main__":
    raise SystemExit(main())
