"""The NumPy chapters need no deep-learning framework: their modules import without one.

Each module is imported in a fresh interpreter in which ``tensorflow``, ``keras``, ``jax``
and ``torch`` cannot be imported (a finder that refuses them), so a learner without
TensorFlow can run the first four chapters, and a stray import fails here first.
"""

from __future__ import annotations

import subprocess
import sys
import textwrap

# The NumPy chapters (simple and complex cells, the Neocognitron, convolution, pooling)
# and the NumPy halves of "Non-linearities, outputs and losses": science, charts,
# explorers and exercises.
NUMPY_MODULES = [
    "cnn_course.vision", "cnn_course.vision_charts", "cnn_course.vision_explorers", "cnn_course.exercises.vision",
    "cnn_course.neocognitron", "cnn_course.neocognitron_charts", "cnn_course.neocognitron_explorers",
    "cnn_course.exercises.neocognitron",
    "cnn_course.convolution", "cnn_course.learning", "cnn_course.charts", "cnn_course.explorers",
    "cnn_course.exercises.convolution",
    "cnn_course.pooling", "cnn_course.exercises.pooling",
    "cnn_course.activations", "cnn_course.outputs", "cnn_course.losses",
    "cnn_course.nonlinearity_charts", "cnn_course.nonlinearity_explorers", "cnn_course.exercises.nonlinearities",
    "cnn_course.images", "cnn_course.display", "cnn_course.data", "cnn_course.exercises", "cnn_course.student",
    "cnn_course.cli",
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
