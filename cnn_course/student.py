"""The student edition of the chapters, made by nbgrader's rules, and the marks it reads.

The chapters are the instructor edition.  Their solutions are marked the way nbgrader
recognises, so ``nbgrader generate_assignment`` and this module hand out the same
notebooks (same cells, same cell types, same text):

* A *solution cell* carries ``metadata.nbgrader.solution = true``.  Every cell of an
  exercise's solution gate (between the ``{solution-start}`` and ``{solution-end}`` cells)
  is one, and so is a ``{solution}`` directive cell; :func:`mark_notebook` writes these
  marks (``python -m cnn_course.student --mark chapters``).
* In a solution cell, a line containing ``BEGIN SOLUTION`` through a line containing
  ``END SOLUTION`` is replaced by the stub, indented like the first of them:
  :data:`CODE_STUB` in a code cell, :data:`TEXT_STUB` in any other.
* A solution cell without such a region becomes the stub as a whole.
* A region in a cell that is not a solution cell is an error (nbgrader refuses it too), and
  so is a cell inside a gate, or a ``{solution}`` cell, that is not marked: it would be
  handed out as it stands.
* Outputs and execution counts are cleared.

Everything else stays as it is: the exercise statements, the checks after each stub, and
the gate's two marker cells (nbgrader keeps every cell, so the student edition does too;
they hold nothing but the directive).  As in nbgrader's release, solution cells cannot be
deleted in Jupyter (``deletable: false``).

Usage::

    python -m cnn_course.student chapters student      # write student/<chapter>.ipynb
    python -m cnn_course.student --mark chapters       # mark the solution cells in place
    python -m cnn_course.student --check-marks chapters  # exit 1 if a mark is missing or stale
"""

from __future__ import annotations

import argparse
import math
import re
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import nbformat

#: What nbgrader looks for, anywhere in a line (``### BEGIN SOLUTION`` is the usual form).
BEGIN = "BEGIN SOLUTION"
END = "END SOLUTION"
#: nbgrader's default stubs (``ClearSolutions.code_stub["python"]`` and ``.text_stub``).
CODE_STUB = "# YOUR CODE HERE\nraise NotImplementedError()"
TEXT_STUB = "YOUR ANSWER HERE"
#: nbgrader features this module does not reproduce; a cell using one is refused (nbgrader
#: looks for the autotest delimiter in code cells only).
UNSUPPORTED = ("BEGIN HIDDEN TESTS", "BEGIN MARK SCHEME")
AUTOTEST = "AUTOTEST"
#: Points of a marked Markdown answer: nbgrader requires a written answer to be a graded
#: cell ("manually graded answer"); 0 keeps the exercises, like their code cells, ungraded.
MARKDOWN_POINTS = 0
SCHEMA_VERSION = 3

_DIRECTIVE = re.compile(r"^[ \t]*(?:`{3,}|:{3,})[ \t]*\{(solution|solution-start|solution-end)\}[ \t]*(\S*)", re.MULTILINE)
_FENCE = re.compile(r"^[ \t]*(?:`{3,}|:{3,})[ \t]*(\{[\w-]+\}.*)?$")
_OPTION = re.compile(r"^[ \t]*:[\w-]+:")
_GRADE_ID = re.compile(r"[^A-Za-z0-9_-]+")


# --- Solution regions -------------------------------------------------------------------


def replace_solution_regions(source: str, stub: str) -> tuple[str, bool]:
    """Replace each solution region of ``source`` by ``stub``, as nbgrader does.

    A region runs from a line containing ``BEGIN SOLUTION`` to a line containing
    ``END SOLUTION``, both included; every line of the stub takes the indentation of the
    first.  Returns the new source and whether it had a region.

    Examples
    --------
    >>> src = "def f(x):\\n    ### BEGIN SOLUTION\\n    return 2 * x\\n    ### END SOLUTION"
    >>> new, found = replace_solution_regions(src, CODE_STUB)
    >>> print(new)
    def f(x):
        # YOUR CODE HERE
        raise NotImplementedError()
    >>> replace_solution_regions("print(1)", CODE_STUB)
    ('print(1)', False)
    """
    if not isinstance(source, str):
        raise TypeError(f"source must be a str, got {type(source).__name__}")
    if not isinstance(stub, str):
        raise TypeError(f"stub must be a str, got {type(stub).__name__}")
    out: list[str] = []
    begun: int | None = None
    found = False
    for number, line in enumerate(source.split("\n"), start=1):
        if BEGIN in line:
            if begun is not None:
                raise ValueError(f"line {number}: {BEGIN!r} inside the solution region begun on line {begun}")
            begun, found = number, True
            indent = line[: len(line) - len(line.lstrip())]
            out.extend(indent + stub_line for stub_line in stub.split("\n"))
        elif END in line:
            if begun is None:
                raise ValueError(f"line {number}: {END!r} without a {BEGIN!r} line before it")
            begun = None
        elif begun is None:
            out.append(line)
    if begun is not None:
        raise ValueError(f"line {begun}: the {BEGIN!r} region is never closed by an {END!r} line")
    return "\n".join(out), found


def is_solution(cell: Mapping[str, Any]) -> bool:
    """Whether nbgrader takes ``cell`` for a solution cell (``metadata.nbgrader.solution``).

    Examples
    --------
    >>> is_solution(nbformat.v4.new_code_cell("x = 1", metadata={"nbgrader": {"solution": True}}))
    True
    >>> is_solution(nbformat.v4.new_markdown_cell("Why?"))
    False
    """
    return bool(cell.get("metadata", {}).get("nbgrader", {}).get("solution", False))


# --- Where the solutions are: the book's gates and {solution} cells ----------------------


def _directive(cell: Mapping[str, Any]) -> tuple[str, str] | None:
    """The solution directive a Markdown cell opens (``"solution-start"``, ...) and its label."""
    if cell.get("cell_type") != "markdown":
        return None
    match = _DIRECTIVE.search(cell.get("source", ""))
    return (match.group(1), match.group(2)) if match else None


def _holds_only_the_directive(source: str) -> bool:
    return all(not line.strip() or _FENCE.match(line) or _OPTION.match(line) for line in source.split("\n"))


def solution_cells(nb: Mapping[str, Any]) -> dict[int, str]:
    """The cells that must be solution cells, each with the exercise label it answers.

    These are every cell between a ``{solution-start} <label>`` cell and the next
    ``{solution-end}`` cell (the marker cells themselves excluded), and every
    ``{solution} <label>`` directive cell.  Cell numbers count from 0.

    Examples
    --------
    >>> md, code = nbformat.v4.new_markdown_cell, nbformat.v4.new_code_cell
    >>> nb = nbformat.v4.new_notebook(cells=[
    ...     md("````{exercise} Add\\n:label: ex-add\\nAdd 1.\\n````"),
    ...     md("````{solution-start} ex-add\\n:class: dropdown\\n````"),
    ...     md("Just add."), code("### BEGIN SOLUTION\\nx = 2\\n### END SOLUTION\\ncheck(x)"),
    ...     md("````{solution-end}\\n````"),
    ... ])
    >>> solution_cells(nb)
    {2: 'ex-add', 3: 'ex-add'}
    """
    found: dict[int, str] = {}
    gate: tuple[int, str] | None = None
    for index, cell in enumerate(nb["cells"]):
        directive = _directive(cell)
        kind, label = directive if directive else (None, "")
        if kind in ("solution-start", "solution-end"):
            if not _holds_only_the_directive(cell["source"]):
                raise ValueError(f"cell {index}: the {{{kind}}} cell holds more than its directive; put the text in a cell of its own inside the gate")
        if kind == "solution-start":
            if gate is not None:
                raise ValueError(f"cell {index}: {{solution-start}} inside the gate opened in cell {gate[0]}")
            if not label:
                raise ValueError(f"cell {index}: {{solution-start}} names no exercise label")
            gate = (index, label)
        elif kind == "solution-end":
            if gate is None:
                raise ValueError(f"cell {index}: {{solution-end}} without a {{solution-start}} before it")
            gate = None
        elif gate is not None:
            found[index] = gate[1]
        elif kind == "solution":
            if not label:
                raise ValueError(f"cell {index}: the {{solution}} directive names no exercise label")
            found[index] = label
    if gate is not None:
        raise ValueError(f"cell {gate[0]}: {{solution-start}} {gate[1]} is never closed by {{solution-end}}")
    return found


# --- Marking the solution cells for nbgrader ---------------------------------------------


def nbgrader_metadata(cell_type: str, grade_id: str, points: float = MARKDOWN_POINTS) -> dict[str, Any]:
    """The ``metadata.nbgrader`` of a solution cell.

    A code cell is an ungraded answer (its check tells the learner what is right); nbgrader
    requires a Markdown answer to be graded, so it is one worth ``points``.

    Examples
    --------
    >>> nbgrader_metadata("code", "ex-add")
    {'grade': False, 'grade_id': 'ex-add', 'locked': False, 'schema_version': 3, 'solution': True, 'task': False}
    >>> nbgrader_metadata("markdown", "ex-add-2")["points"]
    0
    """
    if cell_type not in ("code", "markdown", "raw"):
        raise ValueError(f"cell_type must be 'code', 'markdown' or 'raw', got {cell_type!r}")
    if not isinstance(grade_id, str) or not grade_id or _GRADE_ID.search(grade_id):
        raise ValueError(f"grade_id must be letters, digits, '_' and '-', got {grade_id!r}")
    if not _is_points(points):
        raise ValueError(f"points must be a number >= 0, got {points!r}")
    meta: dict[str, Any] = {"grade": cell_type == "markdown", "grade_id": grade_id, "locked": False}
    if cell_type == "markdown":
        meta["points"] = points
    meta.update({"schema_version": SCHEMA_VERSION, "solution": True, "task": False})
    return meta


def _is_points(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value) and value >= 0


def solution_marks(nb: Mapping[str, Any]) -> dict[int, dict[str, Any]]:
    """The ``metadata.nbgrader`` every solution cell of ``nb`` should carry, by cell number.

    Each cell is named after the exercise label it answers: the first code cell of an
    exercise takes the label itself, its other solution cells follow in notebook order as
    ``<label>-2``, ``<label>-3``, ...  A Markdown answer keeps the points an instructor gave
    it (:data:`MARKDOWN_POINTS` if none).  A solution region outside every gate is an error
    (it has no exercise to be named after), and so is a name used twice.

    Examples
    --------
    >>> md, code = nbformat.v4.new_markdown_cell, nbformat.v4.new_code_cell
    >>> nb = nbformat.v4.new_notebook(cells=[
    ...     md("````{solution-start} ex-add\\n````"), md("Just add."),
    ...     code("### BEGIN SOLUTION\\nx = 2\\n### END SOLUTION"), md("````{solution-end}\\n````"),
    ... ])
    >>> {index: meta["grade_id"] for index, meta in solution_marks(nb).items()}
    {1: 'ex-add-2', 2: 'ex-add'}
    """
    cells = nb["cells"]
    wanted = solution_cells(nb)
    for index, cell in enumerate(cells):
        if index not in wanted and not is_solution(cell) and BEGIN in cell.get("source", ""):
            raise ValueError(f"cell {index} ({cell['cell_type']}) has a {BEGIN!r} region outside every {{solution-start}} gate; put it inside its exercise's gate")
    by_label: dict[str, list[int]] = {}
    for index, label in wanted.items():
        by_label.setdefault(label, []).append(index)
    marks: dict[int, dict[str, Any]] = {}
    for label, indices in by_label.items():
        ordered = sorted(indices, key=lambda i: (cells[i]["cell_type"] != "code", i))
        base = _GRADE_ID.sub("-", label)
        for number, index in enumerate(ordered, start=1):
            grade_id = base if number == 1 else f"{base}-{number}"
            points = cells[index].get("metadata", {}).get("nbgrader", {}).get("points", MARKDOWN_POINTS)
            marks[index] = nbgrader_metadata(cells[index]["cell_type"], grade_id, points if _is_points(points) else MARKDOWN_POINTS)
    seen: dict[str, int] = {}
    for index, cell in enumerate(cells):
        meta = marks.get(index) or cell.get("metadata", {}).get("nbgrader")
        if not meta or not any(meta.get(key) for key in ("grade", "solution", "locked")):
            continue
        grade_id = meta.get("grade_id", "")
        if grade_id in seen:
            raise ValueError(f"cells {seen[grade_id]} and {index} would share the nbgrader grade_id {grade_id!r}; give their exercises different labels")
        seen[grade_id] = index
    return dict(sorted(marks.items()))


def mark_notebook(nb: nbformat.NotebookNode) -> list[int]:
    """Give every solution cell of ``nb`` its nbgrader marks, in place; return the cells changed.

    Only ``metadata.nbgrader`` of the solution cells changes (see :func:`solution_marks`).

    Examples
    --------
    >>> nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell("```{solution} ex-add\\nAdd.\\n```")])
    >>> mark_notebook(nb), nb.cells[0].metadata.nbgrader.grade_id, mark_notebook(nb)
    ([0], 'ex-add', [])
    """
    changed = []
    for index, meta in solution_marks(nb).items():
        cell = nb.cells[index]
        if cell.metadata.get("nbgrader") != meta:
            cell.metadata["nbgrader"] = nbformat.from_dict(meta)
            changed.append(index)
    return changed


def _notebooks(folder: Path, name: str) -> list[Path]:
    folder = Path(folder)
    if not folder.is_dir():
        raise FileNotFoundError(f"{name} {folder} is not a folder of notebooks")
    notebooks = sorted(folder.glob("*.ipynb"))
    if not notebooks:
        raise FileNotFoundError(f"{name} {folder} holds no .ipynb notebooks")
    return notebooks


def mark_solutions(folder: Path, check: bool = False) -> dict[Path, list[int]]:
    """Mark the solution cells of every notebook in ``folder``, or (``check``) only report.

    Returns, for each notebook whose marks were missing or stale, the cells concerned.  A
    notebook is read right before it is written, and only the marks change (written the way
    ``nbformat.write`` writes).
    """
    stale: dict[Path, list[int]] = {}
    for path in _notebooks(folder, "folder"):
        nb = nbformat.read(path, as_version=4)
        try:
            changed = mark_notebook(nb)
        except ValueError as err:
            raise ValueError(f"{path}: {err}") from None
        if changed:
            stale[path] = changed
            if not check:
                nbformat.write(nb, path)
    return stale


# --- The student edition -----------------------------------------------------------------


def student_notebook(nb: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """Return the student edition of one notebook (the input is not modified).

    Examples
    --------
    >>> md, code = nbformat.v4.new_markdown_cell, nbformat.v4.new_code_cell
    >>> nb = nbformat.v4.new_notebook(cells=[
    ...     md("````{solution-start} ex-add\\n````"), md("Just add."),
    ...     code("### BEGIN SOLUTION\\nx = 2\\n### END SOLUTION\\ncheck(x)"), md("````{solution-end}\\n````"),
    ... ])
    >>> _ = mark_notebook(nb)
    >>> [cell.source for cell in student_notebook(nb).cells[1:3]]
    ['YOUR ANSWER HERE', '# YOUR CODE HERE\\nraise NotImplementedError()\\ncheck(x)']
    """
    student = nbformat.from_dict(nb)
    required = solution_cells(student)
    for index, cell in enumerate(student.cells):
        where = f"cell {index} ({cell.cell_type})"
        used = [feature for feature in UNSUPPORTED if feature in cell.source]
        if cell.cell_type == "code" and AUTOTEST in cell.source:
            used.append(AUTOTEST)
        if used:
            raise ValueError(f"{where} uses nbgrader's {used[0]!r}, which the course's student edition does not reproduce; use nbgrader generate_assignment")
        solution = is_solution(cell)
        if index in required and not solution:
            raise ValueError(
                f"{where} answers exercise {required[index]!r} but is not marked as a solution cell, so it would be "
                "handed out as it stands; run `python -m cnn_course.student --mark <folder>`"
            )
        stub = CODE_STUB if cell.cell_type == "code" else TEXT_STUB
        try:
            source, replaced = replace_solution_regions(cell.source, stub)
        except ValueError as err:
            raise ValueError(f"{where}, {err}") from None
        if replaced and not solution:
            raise ValueError(f"{where} has a {BEGIN!r} region but is not marked as a solution cell (nbgrader refuses it too)")
        if solution:
            cell.source = source if replaced else stub
            cell.metadata["deletable"] = False
        if cell.cell_type == "code":
            cell.outputs = []
            cell.execution_count = None
            for field in ("collapsed", "scrolled"):
                cell.metadata.pop(field, None)
    student.metadata.pop("celltoolbar", None)
    return student


def write_student_edition(source_dir: Path, target_dir: Path) -> list[Path]:
    """Write the student edition of every notebook in ``source_dir`` to ``target_dir``."""
    notebooks = _notebooks(source_dir, "source_dir")
    editions = []
    for path in notebooks:  # every notebook is checked before any is written
        try:
            editions.append(student_notebook(nbformat.read(path, as_version=4)))
        except ValueError as err:
            raise ValueError(f"{path}: {err}") from None
    target_dir = Path(target_dir)
    target_dir.mkdir(parents=True, exist_ok=True)
    written = []
    for path, edition in zip(notebooks, editions):
        out = target_dir / path.name
        nbformat.write(edition, out)
        written.append(out)
    return written


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m cnn_course.student",
        description="Write the student edition of the course notebooks (solutions replaced by nbgrader's stubs), "
        "or mark their solution cells for nbgrader.",
    )
    parser.add_argument("source", type=Path, help="folder of instructor notebooks, e.g. chapters")
    parser.add_argument("target", type=Path, nargs="?", help="folder to write the student edition to, e.g. student")
    mode = parser.add_mutually_exclusive_group()
    mode.add_argument("--mark", action="store_true", help="mark the solution cells of the notebooks in source, in place")
    mode.add_argument("--check-marks", action="store_true", help="only report notebooks whose solution marks are missing or stale (exit 1)")
    args = parser.parse_args(argv)
    marking = args.mark or args.check_marks
    if marking and args.target is not None:
        parser.error("--mark and --check-marks take only the folder of notebooks, no target")
    if not marking and args.target is None:
        parser.error("give the folder to write the student edition to (e.g. `chapters student`), or --mark / --check-marks")
    try:
        if marking:
            stale = mark_solutions(args.source, check=args.check_marks)
        else:
            written = write_student_edition(args.source, args.target)
    except (FileNotFoundError, ValueError) as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
    if not marking:
        for path in written:
            print(f"wrote {path}")
        return 0
    for path, cells in stale.items():
        what = "marks missing or stale" if args.check_marks else "marked"
        print(f"{what}: {path} (cells {', '.join(map(str, cells))})")
    return 1 if (args.check_marks and stale) else 0


if __name__ == "__main__":
    sys.exit(main())
