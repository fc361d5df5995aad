"""Binder: runtime-only requirements that agree with requirements.txt, a postBuild that
fetches both datasets through the course's command, and every chapter running on one CPU
under Binder's 2 GB in an environment built from binder/requirements.txt
(tools/binder_check.py)."""

from __future__ import annotations

import json
import os
import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from course_resources import missing
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parents[1]
BINDER = ROOT / "binder"
sys.path.insert(0, str(ROOT / "tools"))
import binder_check  # noqa: E402
import colab_check  # noqa: E402

#: The book and test toolchain, and the base environment's own packages: never on Binder's list.
NOT_ON_BINDER = (
    "jupyter-book", "sphinx", "pytest", "hypothesis", "nbval", "playwright", "nbgrader",
    "jupyterlab", "notebook", "ipykernel", "jupyter-server", "jupyter-client", "nbclient",
    "ipython", "traitlets", "tornado", "pyzmq",
)


def requirements(path: Path) -> list[Requirement]:
    lines = (line.split("#")[0].strip() for line in path.read_text().splitlines())
    return [Requirement(line) for line in lines if line]


def test_binder_requirements_are_the_runtime_only() -> None:
    names = {canonicalize_name(r.name) for r in requirements(BINDER / "requirements.txt")}
    toolchain = sorted(n for n in names if n.startswith(("sphinx", "jupyter", "pytest")) or n in NOT_ON_BINDER)
    assert not toolchain, f"binder/requirements.txt must not install {toolchain}"
    assert {"tensorflow-cpu", "keras", "numpy", "scipy", "pandas", "pillow", "altair", "matplotlib"} <= names


def test_binder_pins_agree_with_requirements_txt() -> None:
    main = {(canonicalize_name(r.name), str(r.marker)): r for r in requirements(ROOT / "requirements.txt")}
    for req in requirements(BINDER / "requirements.txt"):
        key = (canonicalize_name(req.name), str(req.marker))
        assert key in main, f"binder/requirements.txt: {req} is not in requirements.txt (with the same marker)"
        assert str(req.specifier) == str(main[key].specifier), f"{req} but requirements.txt has {main[key]}"
        assert re.fullmatch(r"==[\w.]+", str(req.specifier)), f"{req}: pin one version (==)"


def test_binder_leaves_the_root_files_alone() -> None:
    # With a binder/ folder repo2docker ignores the root's postBuild and runtime.txt (and,
    # what matters, does not build the root pyproject.toml): none should pretend otherwise.
    assert not (ROOT / "postBuild").exists() and not (ROOT / "runtime.txt").exists()
    assert (BINDER / "runtime.txt").read_text().strip() == f"python-{binder_check.BINDER_PYTHON}"


def postbuild_commands() -> list[list[str]]:
    text = (BINDER / "postBuild").read_text()
    return [shlex.split(line) for line in text.splitlines() if line.strip() and not line.lstrip().startswith("#")]


def test_postbuild_installs_the_package_and_fetches_both_datasets() -> None:
    from cnn_course.data._cli import build_parser

    postbuild = BINDER / "postBuild"
    assert postbuild.read_text().startswith("#!/bin/bash\n") and os.access(postbuild, os.X_OK)
    commands = postbuild_commands()
    assert ["set", "-euo", "pipefail"] in commands
    installs = [c for c in commands if c[:4] == ["python", "-m", "pip", "install"]]
    assert len(installs) == 1 and "--no-deps" in installs[0] and installs[0][-1] == ".", installs
    fetched = {}
    for command in commands:
        if command[:3] == ["python", "-m", "cnn_course.data"]:
            # no `|| ...`, which would hide a failed or corrupt fetch
            assert not {"||", "&&", ";"} & set(command), command
            args = build_parser().parse_args(command[3:])  # a command the course's CLI accepts
            if args.command == "fetch":
                fetched[args.dataset] = args
    assert set(fetched) == {"mnist", "cifar10"}, f"postBuild fetches {sorted(fetched)}"
    # Keras's download (checked against its SHA-256), never an unchecked --from copy
    assert fetched["cifar10"].source is None and fetched["cifar10"].verify


def test_the_running_times_page_lists_every_chapter() -> None:
    from cnn_course.shipped import load_one_core_runtimes

    report = load_one_core_runtimes(ROOT / "data" / "one_core_runtimes.json")
    listed = [r["chapter"] for r in report["chapters"]]
    assert listed == [p.stem for p in colab_check.chapters()], (
        "data/one_core_runtimes.json is out of date: python tools/binder_check.py --out data/one_core_runtimes.json"
    )
    assert all(r["ok"] for r in report["chapters"])


@pytest.mark.slow
@pytest.mark.notebooks
def test_every_chapter_runs_on_one_cpu_under_binders_memory(tmp_path: Path) -> None:
    if binder_check.find_python() is None:
        missing(f"no Python {binder_check.BINDER_PYTHON} to build the Binder-like venv (pyenv install 3.11)")
    if shutil.which("taskset") is None:
        missing("taskset (util-linux) is not installed: it pins the chapters to one CPU")
    cache, absent, _ = binder_check.course_data()
    if absent:
        missing(f"the course's data are not in {cache}: " + "; ".join(absent))
    out = tmp_path / "report.json"
    run = subprocess.run(
        [sys.executable, str(ROOT / "tools" / "binder_check.py"), "--venv", str(tmp_path / "venv"), "--out", str(out)],
        capture_output=True, text=True, timeout=3 * 3600,
    )
    assert out.is_file(), (run.stdout + run.stderr)[-6000:]
    report = json.loads(out.read_text())
    records = report["chapters"]
    assert [r["chapter"] for r in records] == [p.stem for p in colab_check.chapters()]
    failed = {r["chapter"]: r["error"] for r in records if not r["ok"]}
    assert not failed, failed
    over = {r["chapter"]: r["peak_mb"] for r in records if r["peak_mb"] >= binder_check.MEMORY_LIMIT_MB}
    assert not over, f"peak memory over Binder's {binder_check.MEMORY_LIMIT_MB} MB: {over}"
    assert all(r["cpus"] == 1 for r in records)
    assert run.returncode == 0, run.stdout[-3000:]
    # The installed size is measured and stated (report["venv_mb"]); its goal of
    # SIZE_GOAL_MB is not met with TensorFlow 2.21 (its CPU wheel alone is ~1.3 GB), so it
    # is reported on the running-times page rather than asserted here.
    assert report["venv_mb"] > 0
