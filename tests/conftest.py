"""Shared test configuration: deterministic Hypothesis runs, quiet TensorFlow, and fixtures
for the course's resources (skipped on a laptop without them, a failure where CI is true)."""

from __future__ import annotations

import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

from hypothesis import HealthCheck, settings

# Deterministic: the same examples on every run and every machine (CI included).
settings.register_profile(
    "course",
    derandomize=True,
    deadline=None,
    max_examples=60,
    suppress_health_check=[HealthCheck.too_slow],
    print_blob=True,
)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "course"))


# ---------------------------------------------------------------------------------------
# Course resources: skip on a laptop, fail in CI (see tests/course_resources.py)
# ---------------------------------------------------------------------------------------

import pytest  # noqa: E402

from course_resources import require  # noqa: E402


@pytest.fixture(scope="session")
def tf():
    """TensorFlow, for the tests that compare with it."""
    return require("tensorflow")


@pytest.fixture(scope="session")
def keras():
    """Keras (which needs TensorFlow, the course's backend)."""
    require("tensorflow")
    return require("keras")


@pytest.fixture(scope="session")
def mnist():
    """Real MNIST, ``((x_train, y_train), (x_test, y_test))``, loaded once, never downloaded."""
    return require("mnist")


@pytest.fixture(scope="module")
def cifar10():
    """Real CIFAR-10 (a Cifar10, scaled to [0, 1]); per module, as it holds about 740 MB."""
    return require("cifar10")


@pytest.fixture(scope="session")
def book():
    """The built HTML book's folder (``_build/html``)."""
    return require("book")


@pytest.fixture(scope="session")
def chromium():
    """The path of the Chromium binary the browser tests drive."""
    return require("chromium")
