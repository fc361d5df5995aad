"""nbgrader's own ``generate_assignment`` on every chapter: no solution text survives, and
its release is the course's student edition (``cnn_course.student``), cell for cell.

nbgrader runs once, on all chapters as one assignment of a throwaway course folder (with
its gradebook, as an instructor runs it), and ignores any nbgrader configuration of the
machine.  Without nbgrader the nbgrader tests are skipped, or fail where ``CI`` is true.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
from course_resources import missing

from cnn_course.student import BEGIN, END, is_solution, student_notebook

CHAPTERS = Path(__file__).resolve().parents[1] / "chapters"
NOTEBOOKS = sorted(CHAPTERS.glob("*.ipynb"))
IDS = [p.stem for p in NOTEBOOKS]
ASSIGNMENT = "chapters"


def _solution_and_public_lines(nb: nbformat.NotebookNode) -> tuple[list[str], set[str]]:
    """The instructor edition's solution lines (each non-blank line inside a solution region,
    every line of a solution cell without one), and every other line, stripped."""
    solution: list[str] = []
    public: set[str] = set()
    for cell in nb.cells:
        lines = cell.source.split("\n")
        if not is_solution(cell):
            public.update(line.strip() for line in lines)
        elif not any(BEGIN in line for line in lines):
            solution.extend(line.strip() for line in lines)
        else:
            inside = False
            for line in lines:
                if BEGIN in line:
                    inside = True
                elif END in line:
                    inside = False
                elif inside:
                    solution.append(line.strip())
                else:
                    public.add(line.strip())
    return [line for line in solution if line], public


def _leaks(instructor: nbformat.NotebookNode, release: nbformat.NotebookNode) -> list[str]:
    """Solution lines the release still holds (a line the instructor edition also shows
    outside its solutions, e.g. in the exercise's statement, gives nothing away)."""
    solution, public = _solution_and_public_lines(instructor)
    released = {line.strip() for cell in release.cells for line in cell.source.split("\n")}
    return [line for line in solution if line in released and line not in public]


def _cells(nb: nbformat.NotebookNode) -> list[tuple[str, str]]:
    return [(cell.cell_type, cell.source) for cell in nb.cells]


def test_the_leak_check_finds_a_solution_line() -> None:
    meta = {"nbgrader": {"solution": True}}
    instructor = nbformat.v4.new_notebook(
        cells=[
            nbformat.v4.new_markdown_cell("Compute\n\n    y = 2 * x\n\nand `z`."),
            nbformat.v4.new_code_cell("### BEGIN SOLUTION\ny = 2 * x\nz = y + 1\n### END SOLUTION\ncheck(z)", metadata=meta),
            nbformat.v4.new_markdown_cell("Because two.", metadata=meta),
        ]
    )
    leaked = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("z = y + 1\ny = 2 * x"), nbformat.v4.new_markdown_cell("Because two.")])
    assert _leaks(instructor, leaked) == ["z = y + 1", "Because two."]
    assert _leaks(instructor, student_notebook(instructor)) == []


@pytest.mark.parametrize("path", NOTEBOOKS, ids=IDS)
def test_the_course_student_edition_leaks_no_solution(path: Path) -> None:
    instructor = nbformat.read(path, as_version=4)
    assert _solution_and_public_lines(instructor)[0], f"{path.name} has no solution text to check"
    assert _leaks(instructor, student_notebook(instructor)) == []


def _nbgrader() -> Path:
    __tracebackhide__ = True
    beside = Path(sys.executable).with_name("nbgrader")  # the environment's own command
    found = beside if beside.is_file() else shutil.which("nbgrader")
    if not found:
        missing("nbgrader is not installed: pip install -r requirements.txt")
    return Path(found)


@pytest.fixture(scope="module")
def release(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The folder of nbgrader's release of every chapter (one generate_assignment call)."""
    nbgrader = _nbgrader()
    course = tmp_path_factory.mktemp("nbgrader-course")
    source = course / "source" / ASSIGNMENT
    source.mkdir(parents=True)
    for path in NOTEBOOKS:
        shutil.copy(path, source / path.name)
    env = dict(os.environ)
    # nbgrader's gradebook calls the environment's `alembic`; no user or site nbgrader config
    env["PATH"] = os.pathsep.join([str(nbgrader.parent), env.get("PATH", "")])
    env["JUPYTER_CONFIG_DIR"] = str(course / "jupyter-config")
    env.pop("JUPYTER_CONFIG_PATH", None)
    command = [str(nbgrader), "generate_assignment", ASSIGNMENT, "--force", f"--CourseDirectory.root={course}"]
    done = subprocess.run(command, cwd=course, env=env, capture_output=True, text=True, timeout=600)
    if done.returncode != 0:
        pytest.fail(f"{' '.join(command)} exited with {done.returncode}:\n{done.stderr[-4000:]}")
    return course / "release" / ASSIGNMENT


@pytest.mark.slow
@pytest.mark.parametrize("path", NOTEBOOKS, ids=IDS)
def test_nbgrader_leaves_no_solution_text(release: Path, path: Path) -> None:
    instructor = nbformat.read(path, as_version=4)
    leaks = _leaks(instructor, nbformat.read(release / path.name, as_version=4))
    assert not leaks, f"nbgrader's release of {path.name} still holds:\n" + "\n".join(leaks)


@pytest.mark.slow
@pytest.mark.parametrize("path", NOTEBOOKS, ids=IDS)
def test_nbgrader_release_is_the_course_student_edition(release: Path, path: Path) -> None:
    ours = _cells(student_notebook(nbformat.read(path, as_version=4)))
    theirs = _cells(nbformat.read(release / path.name, as_version=4))
    assert len(ours) == len(theirs), f"{len(ours)} cells here, {len(theirs)} in nbgrader's release"
    differ = [i for i, (a, b) in enumerate(zip(ours, theirs)) if a != b]
    assert not differ, f"cell {differ[0]}: ours {ours[differ[0]]!r}, nbgrader's {theirs[differ[0]]!r}"
