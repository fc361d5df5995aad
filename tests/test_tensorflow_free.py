"""The NumPy chapters need no deep-learning framework: their modules import without one.

Each module is imported in a fresh interpreter in which ``tensorflow``, ``keras``, ``jax``
and ``torch`` cannot be imported (a finder that refuses them), so a learner without
TensorFlow can run the first four chapters, and a stray import fails here first.
"""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1] / "cnn_course"

# The NumPy chapters (simple and complex cells, the Neocognitron, convolution, pooling) and
# the NumPy half of "Non-linearities, outputs and losses": every module of their packages
# (science, charts, explorers, commands) and their exercises; the shared modules below the
# chapters (viz included); the loaders; the student edition and the command line.
NUMPY_CHAPTERS = ("vision", "neocognitron", "convolution", "pooling", "nonlinearities")
KERAS_MODULES = {"cnn_course.nonlinearities.study"}  # the ReLU-vs-tanh training study


def _modules_of(folder: Path) -> list[str]:
    names = []
    for path in sorted(folder.glob("*.py")):
        parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
        names.append(".".join(parts[:-1] if parts[-1] == "__init__" else parts))
    return [n for n in names if not n.endswith("__main__")]


NUMPY_MODULES = [
    *(m for chapter in NUMPY_CHAPTERS for m in _modules_of(PACKAGE / chapter) if m not in KERAS_MODULES),
    *(f"cnn_course.exercises.{chapter}" for chapter in NUMPY_CHAPTERS),
    *_modules_of(PACKAGE / "viz"),
    "cnn_course._validation", "cnn_course.shipped", "cnn_course.seeding", "cnn_course.metrics",
    "cnn_course.images", "cnn_course.data", "cnn_course.exercises", "cnn_course.student", "cnn_course.cli",
]
FRAMEWORKS = ("tensorflow", "keras", "jax", "torch")

BLOCKER = textwrap.dedent(
    """
    import importlib, importlib.abc, sys, traceback

    BLOCKED = {blocked!r}

    class Refuse(importlib.abc.MetaPathFinder):
        def find_spec(self, name, path=None, target=None):
            if name.split(".")[0] in BLOCKED:
                raise ModuleNotFoundError(f"No module named {{name!r}} (blocked by the test)", name=name)
            return None

    sys.meta_path.insert(0, Refuse())
    failed = []
    for module in {modules!r}:
        try:
            importlib.import_module(module)
        except Exception:
            failed.append(module + ": " + traceback.format_exc(limit=-3))
    loaded = sorted({{m.split(".")[0] for m in sys.modules}} & set(BLOCKED))
    if failed or loaded:
        sys.exit("\\n".join(failed) + f"\\nframeworks loaded: {{loaded}}")
    """
)


def _run(modules: list[str]) -> subprocess.CompletedProcess[str]:
    code = BLOCKER.format(blocked=FRAMEWORKS, modules=modules)
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300)


def test_the_blocker_blocks() -> None:
    result = _run(["tensorflow"])
    assert result.returncode != 0 and "blocked by the test" in result.stderr


def test_numpy_chapter_modules_import_without_any_framework() -> None:
    # One interpreter for all: each module is imported with the frameworks refused, and
    # any that needs one is named with the line that tried.
    result = _run(NUMPY_MODULES)
    assert result.returncode == 0, f"modules that need a framework:\n{result.stderr[-4000:]}"
