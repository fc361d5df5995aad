"""The package's layer rules, checked on the source (every import, lazy ones inside functions too).

``cnn_course`` is built in layers (CONTRIBUTING, "How the package is laid out"):

- shared things: ``_validation``, ``shipped``, ``seeding``, ``metrics``, ``images``, ``data``, ``viz``;
- one package per chapter: its science modules, ``charts.py`` (kernel-free Altair) and
  ``explorers.py`` (ipywidgets), plus a ``cli.py`` where the chapter has a command;
- ``models`` (Keras networks) and ``train`` (the training commands) on the Keras side;
- ``exercises``, ``student``, ``cli`` on top.

An import may only point down or sideways.  The rules below name what each kind of module must
never import; :func:`violations` finds every import that breaks one, and the last tests show it
catching a deliberate violation in a small tree of its own.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "cnn_course"

CHAPTERS = ("vision", "neocognitron", "convolution", "pooling", "nonlinearities", "lenet5", "alexnet", "failures")
NOT_CHAPTERS = ("viz", "models", "train", "data", "exercises")
SHARED_MODULES = ("_validation", "shipped", "seeding", "metrics", "images")
DISPLAY_MODULES = ("charts", "explorers")
COMMAND_MODULES = ("cli", "__main__")
WIDGET_LIBRARIES = ("ipywidgets",)


def module_name(path: Path, package: Path) -> str:
    """``cnn_course/vision/cells.py`` -> ``cnn_course.vision.cells`` (``__init__`` -> the package)."""
    parts = list(path.relative_to(package.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def imports_of(path: Path, package: Path) -> list[tuple[int, str]]:
    """Every module ``path`` imports, as absolute dotted names, with its line (relative ones resolved)."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    here = module_name(path, package).split(".")
    if path.name != "__init__.py":
        here = here[:-1]  # the package the module is in
    found: list[tuple[int, str]] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.extend((node.lineno, alias.name) for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = here[: len(here) - (node.level - 1)]
                base = ".".join([*anchor, base] if base else anchor)
            found.append((node.lineno, base))
            # `from cnn_course.vision import charts` imports a module too
            found.extend((node.lineno, f"{base}.{alias.name}") for alias in node.names if alias.name != "*")
    return found


def kind(module: str) -> str:
    """The layer of a ``cnn_course`` module: 'science', 'charts', 'explorers', 'command', 'models', ..."""
    parts = module.split(".")
    if len(parts) == 1:
        return "top"
    first = parts[1]
    if first in CHAPTERS:
        last = parts[-1] if len(parts) > 2 else ""
        if last in DISPLAY_MODULES:
            return last
        if last in COMMAND_MODULES:
            return "command"
        return "science"
    if first in NOT_CHAPTERS:
        return first
    if first in SHARED_MODULES:
        return "shared"
    return "top"  # cli, student, colab, __main__


def _is(target: str, prefix: str) -> bool:
    return target == prefix or target.startswith(prefix + ".")


def _is_display(target: str, which: tuple[str, ...] = DISPLAY_MODULES) -> bool:
    parts = target.split(".")
    return len(parts) >= 3 and parts[0] == "cnn_course" and parts[1] in CHAPTERS and parts[2] in which


def broken_rule(importer: str, target: str) -> str | None:
    """The rule ``importer`` breaks by importing ``target``, or None."""
    layer = kind(importer)
    chapter_package = [f"cnn_course.{c}" for c in CHAPTERS]
    if layer == "science":
        for forbidden in ("cnn_course.viz", "cnn_course.models", "cnn_course.train", "cnn_course.cli",
                          "cnn_course.exercises", *WIDGET_LIBRARIES):
            if _is(target, forbidden):
                return f"chapter science never imports {forbidden}"
        if _is_display(target) or _is_display(target, COMMAND_MODULES):
            return "chapter science never imports a chapter's charts, explorers or command"
    if layer == "charts":
        if _is_display(target, ("explorers",)) or any(_is(target, w) for w in WIDGET_LIBRARIES):
            return "charts never import explorers or ipywidgets (they must work with no kernel)"
        if _is(target, "cnn_course.train") or _is(target, "cnn_course.exercises"):
            return "charts never import the training commands or the exercises"
    if layer == "explorers" and (_is(target, "cnn_course.train") or _is(target, "cnn_course.exercises")):
        return "explorers never import the training commands or the exercises"
    if layer == "models":
        if _is(target, "cnn_course.train"):
            return "models never import train"
        if _is(target, "cnn_course.viz") or _is_display(target) or _is_display(target, COMMAND_MODULES):
            return "models never import viz or a chapter's charts, explorers or command"
    if layer == "data":
        for forbidden in ("cnn_course.models", "cnn_course.train", "cnn_course.viz", *chapter_package):
            if _is(target, forbidden):
                return f"data never imports {forbidden}"
    if layer in ("shared", "viz"):
        for forbidden in ("cnn_course.models", "cnn_course.train", "cnn_course.exercises", *chapter_package):
            if _is(target, forbidden):
                return f"shared modules never import {forbidden}"
        if layer == "shared" and _is(target, "cnn_course.viz"):
            return "shared non-display modules never import viz"
    return None


def violations(package: Path = PACKAGE) -> list[str]:
    """Every import under ``package`` that breaks a layer rule, as ``file:line: importer -> target: rule``."""
    found = []
    for path in sorted(package.rglob("*.py")):
        importer = module_name(path, package)
        for line, target in imports_of(path, package):
            rule = broken_rule(importer, target)
            if rule:
                found.append(f"{path.relative_to(package.parent)}:{line}: {importer} -> {target}: {rule}")
    return found


def test_the_package_keeps_its_layer_rules() -> None:
    found = violations()
    assert not found, "imports that break the layer rules:\n" + "\n".join(found)


def test_every_chapter_has_its_package_and_nothing_else_sits_beside_them() -> None:
    packages = sorted(p.parent.name for p in PACKAGE.glob("*/__init__.py"))
    assert sorted(packages) == sorted([*CHAPTERS, *NOT_CHAPTERS]), packages
    modules = sorted(p.stem for p in PACKAGE.glob("*.py"))
    assert set(modules) <= {*SHARED_MODULES, "__init__", "__main__", "cli", "student", "colab"}, modules


def test_every_chapter_has_its_exercises_module() -> None:
    for chapter in CHAPTERS:
        assert (PACKAGE / "exercises" / f"{chapter}.py").is_file(), chapter


def test_no_module_is_longer_than_800_lines() -> None:
    long = {
        str(p.relative_to(ROOT)): n
        for p in PACKAGE.rglob("*.py")
        if (n := len(p.read_text(encoding="utf-8").splitlines())) > 800
    }
    assert not long, long


def test_a_chapter_package_re_exports_its_science_only() -> None:
    for chapter in CHAPTERS:
        init = PACKAGE / chapter / "__init__.py"
        targets = [t for _, t in imports_of(init, PACKAGE)]
        shown = [t for t in targets if _is_display(t) or _is_display(t, COMMAND_MODULES)]
        assert not shown, f"{chapter}/__init__.py imports {shown}"
        tree = ast.parse(init.read_text(encoding="utf-8"))
        assert ast.get_docstring(tree), f"{chapter}/__init__.py has no docstring"
        assert any(isinstance(n, ast.Assign) and any(getattr(t, "id", "") == "__all__" for t in n.targets)
                   for n in tree.body), f"{chapter}/__init__.py has no __all__"


# The checker itself, on a small tree with one import of each forbidden kind.

def _tree(tmp_path: Path, files: dict[str, str]) -> Path:
    package = tmp_path / "cnn_course"
    for name, text in files.items():
        path = package / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return package


def test_the_checker_sees_a_model_importing_the_training_commands(tmp_path: Path) -> None:
    package = _tree(tmp_path, {
        "__init__.py": "",
        "models/__init__.py": "",
        "models/lenet.py": "def weights():\n    from cnn_course.train.common import shipped_file\n",
    })
    found = violations(package)
    assert len(found) >= 1 and "models never import train" in found[0], found
    assert found[0].startswith("cnn_course/models/lenet.py:2:"), found


@pytest.mark.parametrize(
    ("name", "text", "rule"),
    [
        ("vision/cells.py", "from cnn_course.viz.style import NO_FRAME\n", "chapter science never imports cnn_course.viz"),
        ("vision/cells.py", "from . import charts\n", "chapter science never imports a chapter's charts"),
        ("pooling/charts.py", "from .explorers import PixelationExplorer\n", "charts never import explorers"),
        ("pooling/charts.py", "import ipywidgets as widgets\n", "charts never import explorers or ipywidgets"),
        ("lenet5/inside.py", "from ..models import lenet\n", "chapter science never imports cnn_course.models"),
        ("data/mnist.py", "from cnn_course.models.lenet import build\n", "data never imports cnn_course.models"),
        ("metrics.py", "from cnn_course.lenet5 import inside\n", "shared modules never import cnn_course.lenet5"),
    ],
)
def test_the_checker_sees_each_kind_of_upward_import(tmp_path: Path, name: str, text: str, rule: str) -> None:
    package = _tree(tmp_path, {"__init__.py": "", name: text})
    found = violations(package)
    assert any(rule in line for line in found), found


def test_the_checker_lets_sideways_and_downward_imports_pass(tmp_path: Path) -> None:
    package = _tree(tmp_path, {
        "__init__.py": "",
        "failures/attacks.py": "from cnn_course.nonlinearities.activations import softmax\nfrom .._validation import x\n",
        "failures/charts.py": "from cnn_course.viz.style import NO_FRAME\nfrom .attacks import fgsm\n",
        "failures/explorers.py": "import ipywidgets\nfrom .charts import chart\nfrom cnn_course.viz.widgets import Explorer\n",
        "failures/cli.py": "from cnn_course.models import load_lenet5\n",
        "models/lenet.py": "from cnn_course.shipped import shipped_file\n",
    })
    assert violations(package) == []
