"""The one rule for course resources in the tests: skip on a laptop, fail in CI.

A test that needs something the course provides but a given machine may lack (TensorFlow,
MNIST, the CIFAR-10 copy, a Chromium, the built book...) asks for it here::

    from course_resources import lazy_module, missing, require

    tf = require("tensorflow")          # at module level: the whole module needs it
    tf = lazy_module("tensorflow")      # only the tests that touch ``tf`` need it
    (x_train, y_train), _ = require("mnist")

When the resource is missing, :func:`missing` is called with a reason that says how to get
it: on a learner's machine the test (or, at module level, the module) is **skipped**; when
the environment variable ``CI`` is true (``1``, ``true`` or ``yes``, any case) it **fails**,
so CI can never silently stop checking something. ``CI`` unset, empty, ``0`` or ``false``
means local.

Resources (a name :func:`require` does not know is a ``ValueError``, never a skip):

``"tensorflow"``, ``"keras"``, ``"vl_convert"``, ``"scipy"``, ``"altair"``, ``"playwright"``
    The imported module (``"playwright"`` gives ``playwright.sync_api``). ``"module:NAME"``
    imports any other module NAME. Missing: ``pip install -r requirements.txt``.
``"mnist"``
    ``((x_train, y_train), (x_test, y_test))`` from :func:`cnn_course.data.load_mnist`, with
    ``CNN_COURSE_OFFLINE=1`` while it loads (never a download). Missing:
    ``python -m cnn_course.data fetch mnist``.
``"cifar10"``
    The :class:`cnn_course.alexnet.Cifar10` of :func:`~cnn_course.alexnet.find_cifar10`
    (offline too), only when ``.available``; missing: its ``.message`` (``make data``).
``"data:NAME"``
    The path of the shipped file NAME (``data/`` in a checkout: see
    :func:`cnn_course.shipped.shipped_file`; ``train_command=`` names the command that
    recreates it, for the message).
``"chromium"``
    The path of a Chromium binary: ``CNN_COURSE_BROWSER`` if set (it must exist), else the
    first of ``chromium``, ``chromium-browser``, ``google-chrome``, ``google-chrome-stable``.
``"book"``
    The built HTML book's folder, ``_build/html`` (with its ``index.html``): ``make book``.
``"npm"``
    The path of ``npm`` (Node.js), which fetches MNIST.
``"cifar10-archive"``
    The path of the shared ``cifar10-jpg.tar.gz`` (see :data:`ARCHIVE_CANDIDATES`).

``tests/conftest.py`` builds session fixtures on these (``tf``, ``keras``, ``mnist``, ``cifar10``...).
"""

from __future__ import annotations

import importlib
import os
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, NoReturn

import pytest

REPO = Path(__file__).resolve().parents[1]
BOOK = REPO / "_build" / "html"
ARCHIVE_NAME = "cifar10-jpg.tar.gz"
# the shared datasets folder sits beside a checkout (see ../shared/datasets/README.md)
ARCHIVE_CANDIDATES = [REPO.parent / "shared" / "datasets" / ARCHIVE_NAME]
BROWSERS = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")

#: Short names of the Python modules the course needs, and what ``require`` imports for each.
MODULES = {
    "tensorflow": "tensorflow",
    "keras": "keras",
    "vl_convert": "vl_convert",
    "scipy": "scipy",
    "altair": "altair",
    "playwright": "playwright.sync_api",
}

CI_TRUE = frozenset({"1", "true", "yes"})
CI_NOTE = "(CI is set: a missing course resource is a failure, not a skip)"


def in_ci() -> bool:
    """Whether the environment variable ``CI`` is set to a true value (1, true, yes; any case)."""
    return os.environ.get("CI", "").strip().lower() in CI_TRUE


def missing(reason: str) -> NoReturn:
    """Skip (locally; also at module level) or fail (in CI) because a resource is missing."""
    __tracebackhide__ = True  # reports point at the test, not here
    if in_ci():
        pytest.fail(f"{reason} {CI_NOTE}")
    pytest.skip(reason, allow_module_level=True)


@contextmanager
def _offline() -> Iterator[None]:
    """``CNN_COURSE_OFFLINE=1`` for the duration: the loaders never try a download."""
    previous = os.environ.get("CNN_COURSE_OFFLINE")
    os.environ["CNN_COURSE_OFFLINE"] = "1"
    try:
        yield
    finally:
        if previous is None:
            os.environ.pop("CNN_COURSE_OFFLINE", None)
        else:
            os.environ["CNN_COURSE_OFFLINE"] = previous


def _module(name: str) -> Any:
    __tracebackhide__ = True
    try:
        return importlib.import_module(name)
    except ImportError as err:
        missing(f"the Python module {name} is not available ({err}): pip install -r requirements.txt")


def _mnist() -> Any:
    __tracebackhide__ = True
    from cnn_course.data import DataError, load_mnist

    with _offline():
        try:
            return load_mnist()
        except DataError as err:
            missing(f"MNIST is not fetched (run `python -m cnn_course.data fetch mnist`): {str(err).splitlines()[0]}")


def _cifar10() -> Any:
    __tracebackhide__ = True
    from cnn_course.alexnet import find_cifar10

    with _offline():
        data = find_cifar10()
    if not data.available:
        missing(data.message)  # what is missing, and how to get it (`make data`)
    return data


def _shipped(name: str, train_command: str | None) -> Path:
    __tracebackhide__ = True
    from cnn_course.data import DataError
    from cnn_course.shipped import shipped_file

    command = train_command or "the training command of the chapter that uses it (see README.md)"
    try:
        return shipped_file(name, train_command=command)
    except DataError as err:
        missing(str(err))


def _executable(path: str) -> str | None:
    found = shutil.which(path)
    return found if found else None


def _chromium() -> str:
    __tracebackhide__ = True
    named = os.environ.get("CNN_COURSE_BROWSER")
    if named:
        found = _executable(named)
        if found is None:
            missing(f"CNN_COURSE_BROWSER={named} is not an executable Chromium")
        return found
    for name in BROWSERS:
        found = _executable(name)
        if found:
            return found
    missing("no Chromium found: install Debian's `chromium` or set CNN_COURSE_BROWSER")


def _book() -> Path:
    __tracebackhide__ = True
    if not BOOK.joinpath("index.html").is_file():
        missing(f"the book is not built ({BOOK / 'index.html'} is missing): run `make book` (or `make test`)")
    return BOOK


def _npm() -> str:
    __tracebackhide__ = True
    found = _executable("npm")
    if found is None:
        missing("npm (Node.js) is not installed, so MNIST cannot be fetched: install Node.js")
    return found


def _archive() -> Path:
    __tracebackhide__ = True
    archive = next((path for path in ARCHIVE_CANDIDATES if path.is_file()), None)
    if archive is None:
        missing(f"the shared {ARCHIVE_NAME} is not in " + " or ".join(str(p.parent) for p in ARCHIVE_CANDIDATES))
    return archive


RESOURCES = {
    "mnist": _mnist,
    "cifar10": _cifar10,
    "chromium": _chromium,
    "book": _book,
    "npm": _npm,
    "cifar10-archive": _archive,
}


def require(resource: str, *, train_command: str | None = None) -> Any:
    """The resource (see the module's description), or skip/fail through :func:`missing`.

    ``train_command`` is used only by ``"data:NAME"``: the command that recreates the file.
    """
    __tracebackhide__ = True
    if not isinstance(resource, str):
        raise TypeError(f"resource must be a string, got {resource!r}")
    if resource in MODULES:
        return _module(MODULES[resource])
    if resource.startswith("module:") and resource[len("module:"):]:
        return _module(resource[len("module:"):])
    if resource.startswith("data:") and resource[len("data:"):]:
        return _shipped(resource[len("data:"):], train_command)
    if resource in RESOURCES:
        return RESOURCES[resource]()
    known = sorted([*MODULES, *RESOURCES, "module:NAME", "data:NAME"])
    raise ValueError(f"unknown course resource {resource!r}; known: {', '.join(known)}")


class lazy_module:  # noqa: N801 - used like a module: ``tf = lazy_module("tensorflow")``
    """A stand-in for a module that is imported through :func:`require` on first attribute use.

    ``tf = lazy_module("tensorflow")`` at module level costs nothing at collection; a test
    that reads ``tf.constant`` then needs TensorFlow (skip locally, fail in CI), the others
    do not. Private and ``pytest*`` names are not forwarded before the import, so pytest's
    and doctest's probing of module globals never triggers it.
    """

    def __init__(self, resource: str) -> None:
        if resource not in MODULES and not resource.startswith("module:"):
            raise ValueError(f"lazy_module needs a module resource, got {resource!r}")
        self.__dict__["_resource"] = resource
        self.__dict__["_module"] = None

    def __getattr__(self, name: str) -> Any:
        __tracebackhide__ = True
        module = self.__dict__["_module"]
        if module is None:
            if name.startswith("_") or name.startswith("pytest"):
                raise AttributeError(name)
            module = require(self.__dict__["_resource"])
            self.__dict__["_module"] = module
        return getattr(module, name)

    def __repr__(self) -> str:
        state = "imported" if self.__dict__["_module"] is not None else "not imported yet"
        return f"<lazy_module {self.__dict__['_resource']!r} ({state})>"
