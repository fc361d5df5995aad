"""``python -m cnn_course.neocognitron``: the same as ``cnn-course neocognitron`` (see :mod:`cnn_course.neocognitron.cli`)."""

import sys

from cnn_course.neocognitron.cli import main

if __name__ == "__main__":
    sys.exit(main())
