"""The package tells the truth about itself: its packages, its dependencies, its command.

* the explicit package list of ``pyproject.toml`` is every subpackage on disk (plus
  ``cnn_course._shipped``, the shipped ``data/`` files), so a new one cannot be forgotten;
* every third-party module that ``cnn_course/`` imports (an AST scan: function-level
  imports too) is a declared dependency;
* ``cnn-course --help`` lists every subcommand and ``cnn-course data --help`` forwards;
* a wheel built from the sources, installed away from the checkout (no editable finder,
  no ``data/`` beside it), loads the shipped AlexNet from ``cnn_course/_shipped/``.
"""

from __future__ import annotations

import ast
import functools
import importlib.util
import os
import re
import shutil
import subprocess
import sys
import textwrap
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest
import setuptools
from course_resources import missing, require

try:
    import tomllib
except ImportError:  # Python 3.10
    tomllib = require("module:tomli")

from cnn_course.cli import COMMANDS

REPO = Path(__file__).resolve().parents[1]
PACKAGE = REPO / "cnn_course"
PYPROJECT = tomllib.loads((REPO / "pyproject.toml").read_text())

# Import name -> distribution name, where they differ (beyond case and - / _).
DISTRIBUTIONS = {
    "PIL": "pillow",
    "yaml": "pyyaml",
    "sklearn": "scikit-learn",
    "skimage": "scikit-image",
    "cv2": "opencv-python",
    "IPython": "ipython",
    "vl_convert": "vl-convert-python",
}
# Alternative Keras backends: imported only (inside try) when Keras already runs on them,
# so they are installed whenever those lines run; never a dependency of the course.
KERAS_BACKENDS = {"jax", "torch"}


def _canonical(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def _requirement_names(requirements: list[str]) -> set[str]:
    return {_canonical(re.match(r"[A-Za-z0-9][A-Za-z0-9._-]*", r.strip()).group()) for r in requirements}


def _imports() -> Iterator[tuple[str, bool, str]]:
    """(top-level module, whether the import sits inside a ``try``, "file:line") for each import."""
    for path in sorted(PACKAGE.rglob("*.py")):
        tree = ast.parse(path.read_text(), filename=str(path))
        guarded: set[int] = set()
        for node in ast.walk(tree):
            if isinstance(node, ast.Try):
                guarded.update(id(n) for stmt in node.body for n in ast.walk(stmt))
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names = [node.module]
            else:
                continue
            for name in names:
                yield name.split(".")[0], id(node) in guarded, f"{path.relative_to(REPO)}:{node.lineno}"


@functools.lru_cache(maxsize=None)
def _third_party() -> dict[str, list[tuple[bool, str]]]:
    found: dict[str, list[tuple[bool, str]]] = {}
    for module, guarded, where in _imports():
        if module in sys.stdlib_module_names or module == "cnn_course" or module == "__future__":
            continue
        found.setdefault(module, []).append((guarded, where))
    return found


# ---------------------------------------------------------------------------------------
# (a) packages
# ---------------------------------------------------------------------------------------


def test_package_list_is_every_subpackage_plus_the_shipped_data() -> None:
    declared = PYPROJECT["tool"]["setuptools"]["packages"]
    on_disk = setuptools.find_packages(where=str(REPO), include=["cnn_course*"])
    assert len(declared) == len(set(declared)), f"duplicates in [tool.setuptools] packages: {declared}"
    assert set(declared) == set(on_disk) | {"cnn_course._shipped"}, (
        "pyproject.toml [tool.setuptools] packages must list every subpackage of cnn_course/ "
        f"(missing: {sorted(set(on_disk) - set(declared))}, not on disk: "
        f"{sorted(set(declared) - set(on_disk) - {'cnn_course._shipped'})})"
    )
    assert PYPROJECT["tool"]["setuptools"]["package-dir"]["cnn_course._shipped"] == "data"


def test_every_shipped_file_is_package_data() -> None:
    patterns = PYPROJECT["tool"]["setuptools"]["package-data"]["cnn_course._shipped"]
    left_out = [p.name for p in (REPO / "data").iterdir() if p.is_file() and not any(p.match(g) for g in patterns)]
    assert not left_out, f"data/ files the wheel would not ship (add their pattern to package-data): {left_out}"


# ---------------------------------------------------------------------------------------
# (b) dependencies
# ---------------------------------------------------------------------------------------


def test_the_scan_sees_function_level_and_guarded_imports() -> None:
    found = _third_party()
    assert "nbformat" in found and "tqdm" in found and "PIL" in found
    assert all(guarded for guarded, _ in found["vl_convert"])  # display._has_vl_convert


def test_every_imported_third_party_module_is_declared() -> None:
    project = PYPROJECT["project"]
    required = _requirement_names(project["dependencies"])
    extras = _requirement_names([r for group in project.get("optional-dependencies", {}).values() for r in group])
    problems = []
    for module, uses in sorted(_third_party().items()):
        distribution = _canonical(DISTRIBUTIONS.get(module, module))
        if distribution in required:
            continue
        unguarded = [where for guarded, where in uses if not guarded]
        if unguarded:
            problems.append(f"{module} (distribution {distribution}) is imported at {', '.join(unguarded)} "
                            "but is not in [project] dependencies")
        elif distribution not in extras and module not in KERAS_BACKENDS:
            problems.append(f"{module} (distribution {distribution}) is an optional import "
                            f"({uses[0][1]}) but no extra in [project.optional-dependencies] names it")
    assert not problems, "\n".join(problems)


def test_tensorflow_is_the_plain_distribution() -> None:
    # Not tensorflow-cpu: a GPU user must not get the CPU build forced on them.
    names = _requirement_names(PYPROJECT["project"]["dependencies"])
    assert {"tensorflow", "keras"} <= names and "tensorflow-cpu" not in names


# ---------------------------------------------------------------------------------------
# (c) the cnn-course command
# ---------------------------------------------------------------------------------------


def _console_scripts() -> list[list[str]]:
    commands = [[sys.executable, "-m", "cnn_course.cli"]]
    script = Path(sys.executable).parent / "cnn-course"
    if script.is_file():
        commands.append([str(script)])
    return commands


def test_the_console_script_points_at_the_cli() -> None:
    assert PYPROJECT["project"]["scripts"]["cnn-course"] == "cnn_course.cli:main"


@pytest.mark.parametrize("command", _console_scripts(), ids=lambda c: Path(c[-1]).name)
def test_help_lists_every_subcommand(command: list[str]) -> None:
    result = subprocess.run([*command, "--help"], capture_output=True, text=True, timeout=60, cwd=REPO)
    assert result.returncode == 0, result.stderr
    for name in COMMANDS:
        assert re.search(rf"^\s+{re.escape(name)}\b", result.stdout, re.MULTILINE), f"{name} missing:\n{result.stdout}"
    data = subprocess.run([*command, "data", "--help"], capture_output=True, text=True, timeout=60, cwd=REPO)
    assert data.returncode == 0, data.stderr
    assert "fetch" in data.stdout and "info" in data.stdout  # cnn_course.data's own help


def test_help_needs_no_framework() -> None:
    code = textwrap.dedent(
        """
        import contextlib, io, sys
        from cnn_course.cli import main
        with contextlib.redirect_stdout(io.StringIO()), contextlib.suppress(SystemExit):
            main(["--help"])
        print(sorted({m.split(".")[0] for m in sys.modules} & {"tensorflow", "keras", "numpy", "pandas"}))
        """
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0 and result.stdout.strip() == "[]", result.stdout + result.stderr


def test_no_command_prints_help_and_returns_2(capsys: pytest.CaptureFixture[str]) -> None:
    from cnn_course.cli import main

    assert main([]) == 2
    assert "activation-study" in capsys.readouterr().out


def test_unknown_command_and_options_before_the_command_are_usage_errors(capsys: pytest.CaptureFixture[str]) -> None:
    from cnn_course.cli import main

    for argv in (["bogus"], ["--bogus", "data", "info"]):
        with pytest.raises(SystemExit) as exit:
            main(argv)
        assert exit.value.code == 2
        assert "cnn-course: error:" in capsys.readouterr().err


def test_the_rest_is_forwarded_untouched(monkeypatch: pytest.MonkeyPatch) -> None:
    import cnn_course.student

    seen = []
    monkeypatch.setattr(cnn_course.student, "main", lambda argv: seen.append(argv) or 7)
    from cnn_course.cli import main

    assert main(["student", "-h", "--x=1", "--", "student"]) == 7
    assert seen == [["-h", "--x=1", "--", "student"]]


# ---------------------------------------------------------------------------------------
# (d) a non-editable install, away from the checkout
# ---------------------------------------------------------------------------------------

INSTALLED_CHECK = textwrap.dedent(
    """
    import sys
    sys.path.insert(0, {site!r})
    import cnn_course
    assert cnn_course.__file__.startswith({site!r}), f"imported {{cnn_course.__file__}}, not the wheel"
    from cnn_course.shipped import weights_dir
    assert weights_dir().name == "_shipped", weights_dir()
    assert weights_dir().parent == __import__("pathlib").Path(cnn_course.__file__).parent, weights_dir()
    if {load!r}:
        from cnn_course.models import load_alexnet_cifar
        model = load_alexnet_cifar()
        print("params", model.count_params())
    print("ok", weights_dir())
    """
)


@pytest.mark.slow
def test_a_built_wheel_ships_the_data_and_loads_alexnet(tmp_path: Path) -> None:
    # Build from a copy of what the wheel is made of, so the checkout gets no build/ folder.
    src = tmp_path / "src"
    src.mkdir()
    for name in ("pyproject.toml", "README.md"):
        shutil.copy2(REPO / name, src / name)
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc", "*.tmp")
    shutil.copytree(PACKAGE, src / "cnn_course", ignore=ignore)
    shutil.copytree(REPO / "data", src / "data", ignore=ignore)
    pip = [sys.executable, "-m", "pip", "--disable-pip-version-check", "--no-input"]
    built = subprocess.run([*pip, "wheel", "--no-deps", "--no-build-isolation", str(src), "-w", str(tmp_path)],
                           capture_output=True, text=True, timeout=300)
    assert built.returncode == 0, built.stdout[-3000:] + built.stderr[-3000:]
    (wheel,) = tmp_path.glob("cnn_course-*.whl")

    names = set(zipfile.ZipFile(wheel).namelist())
    shipped = sorted(p.name for p in (REPO / "data").iterdir() if p.is_file())
    assert "cnn_course/_shipped/alexnet_cifar.weights.h5" in names
    assert [n for n in shipped if f"cnn_course/_shipped/{n}" not in names] == []
    assert "cnn_course/cli.py" in names

    site = tmp_path / "site"
    installed = subprocess.run([*pip, "install", "--no-deps", "--no-compile", "--target", str(site), str(wheel)],
                               capture_output=True, text=True, timeout=300)
    assert installed.returncode == 0, installed.stdout[-3000:] + installed.stderr[-3000:]

    load = importlib.util.find_spec("tensorflow") is not None
    env = {k: v for k, v in os.environ.items() if k not in {"PYTHONPATH", "CNN_COURSE_WEIGHTS"}}
    env.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    code = INSTALLED_CHECK.format(site=str(site), load=load)
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300,
                            cwd=tmp_path, env=env)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    assert f"ok {site / 'cnn_course' / '_shipped'}" in result.stdout
    if not load:
        missing("TensorFlow is not installed: checked the wheel and weights_dir(), not loading AlexNet "
                "(pip install -r requirements.txt)")
    assert re.search(r"^params [1-9]\d*$", result.stdout, re.MULTILINE), result.stdout
