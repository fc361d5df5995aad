"""The Colab setup cell at the top of every chapter, run under a simulated Colab."""

from __future__ import annotations

import shutil
import subprocess
import sys
import types
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tools"))
import setup_cell  # noqa: E402


def test_every_chapter_starts_with_the_current_cell() -> None:
    assert setup_cell.sync(check=True) == [], "run `python tools/setup_cell.py`"


def run_cell(source: str) -> None:
    exec(compile(source, "<setup cell>", "exec"), {"__name__": "__main__"})


def test_outside_colab_it_does_nothing(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.delitem(sys.modules, "google.colab", raising=False)
    monkeypatch.setattr(subprocess, "run", lambda *a, **k: pytest.fail(f"ran {a}"))
    run_cell(setup_cell.cell_source("https://github.com/example/cnn-course", "main"))
    assert "nothing to install" in capsys.readouterr().out


@pytest.fixture
def colab(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> list[list[str]]:
    """Pretend to be Colab; record commands; make `git clone` copy this checkout's files."""
    google = types.ModuleType("google")
    colab_module = types.ModuleType("google.colab")
    monkeypatch.setitem(sys.modules, "google", google)
    monkeypatch.setitem(sys.modules, "google.colab", colab_module)
    home = tmp_path / "cnn-course"
    monkeypatch.setenv("CNN_COURSE_COLAB_DIR", str(home))
    monkeypatch.setattr(sys, "path", list(sys.path))
    commands: list[list[str]] = []

    def fake_run(cmd, check=False, **kwargs):
        commands.append(list(cmd))
        if cmd[:2] == ["git", "clone"]:
            Path(cmd[-1]).mkdir(parents=True)
            shutil.copy(ROOT / "requirements.txt", Path(cmd[-1]) / "requirements.txt")
        return subprocess.CompletedProcess(cmd, 0)

    monkeypatch.setattr(subprocess, "run", fake_run)
    return commands


def test_on_colab_it_installs_the_course_and_data_keeping_colab_tensorflow(colab, tmp_path: Path) -> None:
    run_cell(setup_cell.cell_source("https://github.com/example/cnn-course", "v1"))
    home = tmp_path / "cnn-course"
    assert colab[0] == ["git", "clone", "--depth", "1", "--branch", "v1", "https://github.com/example/cnn-course", str(home)]
    pip_r, pip_e, fetch = colab[1:]
    assert pip_r[-2:] == ["-r", str(home / "requirements-colab.txt")]
    assert pip_e[-2:] == ["-e", str(home)] and "--no-deps" in pip_e
    assert fetch[1:] == ["-m", "cnn_course.data", "fetch", "mnist"]
    kept = (home / "requirements-colab.txt").read_text()
    assert not [line for line in kept.splitlines() if line.lower().startswith(("tensorflow", "keras"))]
    assert "numpy==" in kept and "altair==" in kept
    assert str(home) in sys.path


def test_on_colab_a_second_run_does_not_clone_again(colab, tmp_path: Path) -> None:
    source = setup_cell.cell_source("https://github.com/example/cnn-course", "main")
    run_cell(source)
    run_cell(source)
    assert sum(cmd[:2] == ["git", "clone"] for cmd in colab) == 1


def test_on_colab_without_a_repository_it_says_what_to_set(colab) -> None:
    with pytest.raises(RuntimeError, match="repository: url"):
        run_cell(setup_cell.cell_source("", "main"))
    assert colab == []
