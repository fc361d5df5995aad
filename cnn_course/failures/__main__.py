"""``python -m cnn_course.failures`` (= ``cnn-course adversarial``): rerun the FGSM/PGD study.

See :func:`cnn_course.failures.cli.main`.
"""

from cnn_course.failures.cli import main

if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
