"""The chapters on Google Colab's runtime: the setup changes none of Colab's packages, and
every chapter runs top to bottom with Colab's versions (tools/colab_check.py)."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
from course_resources import missing, require
from packaging.requirements import Requirement

try:
    import tomllib
except ModuleNotFoundError:  # Python 3.10
    import tomli as tomllib  # type: ignore[no-redef]

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tools"))
import colab_check  # noqa: E402

#: Colab's runtime of August 2026, as the issue that asked for this test quotes it.
COLAB_VERSIONS = {
    "tensorflow": "2.20.0",
    "keras": "3.13.2",
    "numpy": "2.1.3",
    "pandas": "2.2.3",
    "scipy": "1.16.3",
    "altair": "5.5.0",
    "ipywidgets": "7.7.1",
    "ipykernel": "6.17.1",
    "ipython": "7.34.0",
}


def colab_pins() -> dict[str, str]:
    pins = {}
    for line in colab_check.CONSTRAINTS.read_text().splitlines():
        if line.strip() and not line.startswith("#"):
            name, version = line.split("==")
            pins[name.lower().replace("_", "-")] = version.strip()
    return pins


def test_the_constraints_copy_colab_and_say_where_from() -> None:
    text = colab_check.CONSTRAINTS.read_text()
    assert "github.com/googlecolab/backend-info" in text and "2026-08-19" in text
    pins = colab_pins()
    assert {name: pins[name] for name in COLAB_VERSIONS} == COLAB_VERSIONS
    assert len(pins) > 500  # the whole published freeze, not a hand-picked subset
    assert all(re.fullmatch(r"[a-z0-9.-]+", name) for name in pins)


def test_the_package_accepts_colabs_versions() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    pins = colab_pins()
    for line in project["dependencies"]:
        requirement = Requirement(line)
        name = requirement.name.lower()
        assert name in pins, f"{name} is not in Colab's runtime: the Colab setup would have to install it"
        assert requirement.specifier.contains(pins[name]), f"{line} rejects Colab's {name} {pins[name]}"


def test_the_test_environment_installs_no_course_package() -> None:
    names = [line.strip() for line in colab_check.REQUIREMENTS.read_text().splitlines()
             if line.strip() and not line.startswith("#")]
    pins = colab_pins()
    assert "cnn-course" not in names and all(n.lower().replace("_", "-") in pins for n in names)


@pytest.mark.slow
@pytest.mark.notebooks
def test_every_chapter_runs_on_colabs_runtime(tmp_path: Path) -> None:
    if colab_check.find_python() is None:
        missing(f"Python {colab_check.COLAB_PYTHON} for the Colab-like venv: `pyenv install {colab_check.COLAB_PYTHON}` "
                "or set COLAB_PYTHON")
    require("mnist")
    require("cifar10")
    report_file = tmp_path / "colab.json"
    run = subprocess.run(
        [sys.executable, str(ROOT / "tools" / "colab_check.py"), "--out", str(report_file)],
        capture_output=True, text=True, timeout=3000,
    )
    assert report_file.is_file(), run.stdout[-3000:] + run.stderr[-3000:]
    report = json.loads(report_file.read_text())
    assert report["python"].startswith(f"Python {colab_check.COLAB_PYTHON}")
    versions = {name.lower(): version for name, version in report["versions"].items()}
    assert {name: versions.get(name) for name in ("tensorflow", "keras", "numpy", "ipywidgets")} == {
        name: COLAB_VERSIONS[name] for name in ("tensorflow", "keras", "numpy", "ipywidgets")
    }
    assert report["freeze_changes"] == {"removed": [], "added": []}, "the setup changed Colab's packages"
    assert report["course_installed"], "the setup cell did not install the course"
    names = [r["chapter"] for r in report["chapters"]]
    assert names == [p.stem for p in colab_check.chapters()]
    failed = {r["chapter"]: r["error"] for r in report["chapters"] if not r["ok"]}
    assert not failed, "\n\n".join(f"{name}:\n{error}" for name, error in failed.items())
    unit = report["unit_tests"]
    assert unit["ok"], f"the explorers' and charts' unit tests fail on Colab's versions:\n{unit['output']}"
    for record in report["chapters"]:
        assert "Course ready (no restart needed)" in record["setup_output"], record
    assert run.returncode == 0, run.stdout[-3000:]
