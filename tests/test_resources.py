"""The tests' own rule for course resources (tests/course_resources.py): a missing resource
skips the test on a laptop and fails it where ``CI`` is true; and, in CI, the resources the
chapters quietly do without (the CIFAR-10 copy) must be there."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import course_resources as cr
import pytest
from course_resources import in_ci, lazy_module, missing, require

HERE = Path(__file__).resolve().parent
NOWHERE = "module:cnn_course_no_such_module_xyz"
SKIP, FAIL = pytest.skip.Exception, pytest.fail.Exception


@pytest.fixture
def local(monkeypatch):
    monkeypatch.delenv("CI", raising=False)


@pytest.fixture
def ci(monkeypatch):
    monkeypatch.setenv("CI", "true")


@pytest.fixture
def empty_data(monkeypatch, tmp_path):
    """No course data anywhere: an empty cache, no CNN_COURSE_DATA or CNN_COURSE_CIFAR10."""
    monkeypatch.setenv("CNN_COURSE_CACHE", str(tmp_path / "cache"))
    for name in ("CNN_COURSE_DATA", "CNN_COURSE_CIFAR10", "CNN_COURSE_OFFLINE"):
        monkeypatch.delenv(name, raising=False)


# --- what counts as CI -------------------------------------------------------------------


@pytest.mark.parametrize("value", ["true", "TRUE", "True", "1", "yes", "YES", " true "])
def test_true_values_of_ci_mean_ci(monkeypatch, value):
    monkeypatch.setenv("CI", value)
    assert in_ci()


@pytest.mark.parametrize("value", [None, "", "0", "false", "FALSE", "no", "off"])
def test_other_values_of_ci_mean_local(monkeypatch, value):
    if value is None:
        monkeypatch.delenv("CI", raising=False)
    else:
        monkeypatch.setenv("CI", value)
    assert not in_ci()
    with pytest.raises(SKIP, match="gone"):
        missing("gone")


# --- missing: skip locally (module level too), fail in CI ---------------------------------


def test_missing_skips_locally_even_at_module_level(local):
    with pytest.raises(SKIP, match="^the thing is gone$") as info:
        missing("the thing is gone")
    assert info.value.allow_module_level


def test_missing_fails_in_ci(ci):
    with pytest.raises(FAIL) as info:
        missing("the thing is gone")
    assert str(info.value) == "the thing is gone (CI is set: a missing course resource is a failure, not a skip)"


@pytest.mark.parametrize("resource", ["tensorflw", "mnist10", "", "data:", "module:"])
def test_an_unknown_resource_is_an_error_not_a_skip(local, resource):
    with pytest.raises(ValueError, match="unknown course resource"):
        require(resource)


# --- the resources -----------------------------------------------------------------------


def test_modules(local, monkeypatch):
    import json

    assert require("module:json") is json
    with pytest.raises(SKIP, match=r"cnn_course_no_such_module_xyz .*pip install -r requirements\.txt"):
        require(NOWHERE)
    monkeypatch.setenv("CI", "1")
    with pytest.raises(FAIL, match=r"pip install -r requirements\.txt .*CI is set"):
        require(NOWHERE)
    assert cr.MODULES["playwright"] == "playwright.sync_api"


def test_mnist_in_an_empty_cache(empty_data, monkeypatch):
    monkeypatch.delenv("CI", raising=False)
    with pytest.raises(SKIP, match=r"python -m cnn_course\.data fetch mnist"):
        require("mnist")
    assert "CNN_COURSE_OFFLINE" not in os.environ  # set only while loading: never a download
    monkeypatch.setenv("CI", "yes")
    with pytest.raises(FAIL, match=r"fetch mnist.*CI is set"):
        require("mnist")


def test_cifar10_in_an_empty_cache(empty_data, monkeypatch):
    monkeypatch.delenv("CI", raising=False)
    with pytest.raises(SKIP, match="make data"):
        require("cifar10")
    monkeypatch.setenv("CI", "true")
    with pytest.raises(FAIL, match="(?s)make data.*CI is set"):
        require("cifar10")


def test_shipped_files(local, monkeypatch, tmp_path):
    path = require("data:lenet5_keras.weights.h5")
    assert path.is_file() and path.name == "lenet5_keras.weights.h5"
    monkeypatch.setenv("CNN_COURSE_WEIGHTS", str(tmp_path))
    with pytest.raises(SKIP, match="(?s)missing.*python -m make_it"):
        require("data:lenet5_keras.weights.h5", train_command="python -m make_it")
    monkeypatch.setenv("CI", "true")
    with pytest.raises(FAIL, match="CI is set"):
        require("data:lenet5_keras.weights.h5")


def test_chromium_honours_cnn_course_browser(local, monkeypatch):
    monkeypatch.setenv("CNN_COURSE_BROWSER", sys.executable)  # any executable will do here
    assert require("chromium") == sys.executable
    monkeypatch.setenv("CNN_COURSE_BROWSER", "/nonexistent/chromium")
    with pytest.raises(SKIP, match="CNN_COURSE_BROWSER=/nonexistent/chromium"):
        require("chromium")
    monkeypatch.delenv("CNN_COURSE_BROWSER")
    monkeypatch.setenv("PATH", "/nonexistent")
    with pytest.raises(SKIP, match="no Chromium found"):
        require("chromium")
    monkeypatch.setenv("CI", "true")
    with pytest.raises(FAIL, match="no Chromium found.*CI is set"):
        require("chromium")


def test_book_npm_and_archive(local, monkeypatch, tmp_path):
    monkeypatch.setattr(cr, "BOOK", tmp_path / "_build" / "html")
    with pytest.raises(SKIP, match="make book"):
        require("book")
    (tmp_path / "_build" / "html").mkdir(parents=True)
    (tmp_path / "_build" / "html" / "index.html").write_text("<html></html>")
    assert require("book") == tmp_path / "_build" / "html"

    monkeypatch.setattr(cr, "ARCHIVE_CANDIDATES", [tmp_path / "nope" / cr.ARCHIVE_NAME])
    with pytest.raises(SKIP, match="cifar10-jpg.tar.gz is not in"):
        require("cifar10-archive")
    monkeypatch.setattr(cr, "ARCHIVE_CANDIDATES", [tmp_path / "nope" / cr.ARCHIVE_NAME, tmp_path / "index.txt"])
    (tmp_path / "index.txt").write_text("")
    assert require("cifar10-archive") == tmp_path / "index.txt"

    monkeypatch.setenv("PATH", str(tmp_path))
    with pytest.raises(SKIP, match="npm"):
        require("npm")
    monkeypatch.setenv("CI", "true")
    with pytest.raises(FAIL, match="npm.*CI is set"):
        require("npm")


# --- lazy_module ---------------------------------------------------------------------------


def test_lazy_module_imports_on_first_use(local):
    json = lazy_module("module:json")
    assert "not imported yet" in repr(json)
    assert json.dumps([1]) == "[1]" and "imported" in repr(json)
    with pytest.raises(ValueError, match="module resource"):
        lazy_module("mnist")


def test_lazy_module_skips_or_fails_only_where_used(local, monkeypatch):
    gone = lazy_module(NOWHERE)  # costs nothing
    for probe in ("__wrapped__", "_fixture_function_marker", "pytest_mock_example_attribute_that_shouldnt_exist"):
        assert not hasattr(gone, probe)  # pytest's and doctest's probing never imports
    with pytest.raises(SKIP, match="pip install"):
        gone.anything
    monkeypatch.setenv("CI", "true")
    with pytest.raises(FAIL, match="CI is set"):
        gone.anything


MODULE_WITH_A_LAZY_IMPORT = f"""
from course_resources import lazy_module

gone = lazy_module({NOWHERE!r})

def test_does_not_touch_it():
    assert 1 + 1 == 2

def test_touches_it():
    gone.constant(1)
"""

MODULE_THAT_NEEDS_IT = f"""
from course_resources import require

gone = require({NOWHERE!r})

def test_anything():
    pass
"""


@pytest.mark.parametrize(
    "ci_value, expected",
    [("", {"passed": 1, "skipped": 2}), ("true", {"passed": 1, "failed": 1, "error": 1})],
)
def test_in_a_real_pytest_run(tmp_path, ci_value, expected):
    """Module level (a skipped module; in CI a collection error, which stops a run without
    ``--continue-on-collection-errors``) and lazy use (only the test that touches it)."""
    (tmp_path / "test_lazy.py").write_text(MODULE_WITH_A_LAZY_IMPORT)
    (tmp_path / "test_needs.py").write_text(MODULE_THAT_NEEDS_IT)
    env = {**os.environ, "CI": ci_value, "PYTHONPATH": os.pathsep.join([str(HERE), os.environ.get("PYTHONPATH", "")]),
           "PYTEST_DISABLE_PLUGIN_AUTOLOAD": "1"}  # a plain pytest: quick to start
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "--continue-on-collection-errors", "--rootdir", str(tmp_path),
         str(tmp_path)],
        capture_output=True, text=True, cwd=tmp_path, env=env, timeout=120, check=False,
    )
    summary = result.stdout.strip().splitlines()[-1]
    counts = {word.rstrip("s"): int(n) for n, word in re.findall(r"(\d+) (\w+)", summary)}  # "errors" too
    assert counts == expected, result.stdout[-3000:]
    if ci_value == "true":
        assert "CI is set: a missing course resource is a failure, not a skip" in result.stdout


# --- in CI, the data the chapters can do without must be there ----------------------------


def test_the_cifar10_copy_is_there(cifar10):
    """The AlexNet chapter quietly skips its image cells without CIFAR-10: CI must have it
    (``make data``). Skipped on a laptop without a copy; a failure where CI is true."""
    assert cifar10.available, cifar10.message
    assert cifar10.x_train.shape == (50_000, 32, 32, 3) and cifar10.x_test.shape == (10_000, 32, 32, 3)
    assert sorted(set(cifar10.y_test.tolist())) == list(range(10))
