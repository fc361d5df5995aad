"""Write the student edition of the chapters: the same notebooks with solutions removed.

The chapters are the instructor edition.  Solutions are marked the nbgrader way, so an
instructor can also use ``nbgrader generate_assignment`` on them:

* in a code cell, the lines between ``### BEGIN SOLUTION`` and ``### END SOLUTION`` are
  replaced by ``raise NotImplementedError()`` (indented like the first solution line);
* in a Markdown cell, the text between ``<!-- BEGIN SOLUTION -->`` and
  ``<!-- END SOLUTION -->`` is replaced by ``*Your answer here.*``;
* the folded solutions of the HTML book (``{solution}`` directives, and everything
  between ``{solution-start}`` and ``{solution-end}`` except code cells, which keep
  their stripped form so the learner has somewhere to write) are removed;
* outputs and execution counts are cleared.

Usage::

    python -m cnn_course.student chapters student    # or: make student
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

import nbformat

BEGIN_CODE = "### BEGIN SOLUTION"
END_CODE = "### END SOLUTION"
BEGIN_MD = "<!-- BEGIN SOLUTION -->"
END_MD = "<!-- END SOLUTION -->"
STUB_CODE = "raise NotImplementedError()"
STUB_MD = "*Your answer here.*"

_SOLUTION_DIRECTIVE = re.compile(r"^\s*(`{3,}|:{3,})\s*\{solution\}", re.MULTILINE)
_SOLUTION_START = re.compile(r"^\s*(`{3,}|:{3,})\s*\{solution-start\}", re.MULTILINE)
_SOLUTION_END = re.compile(r"^\s*(`{3,}|:{3,})\s*\{solution-end\}", re.MULTILINE)


def strip_code_solution(source: str) -> str:
    """Replace each ``### BEGIN SOLUTION`` ... ``### END SOLUTION`` block with a stub.

    Examples
    --------
    >>> src = "def f(x):\\n    ### BEGIN SOLUTION\\n    return 2 * x\\n    ### END SOLUTION"
    >>> print(strip_code_solution(src))
    def f(x):
        raise NotImplementedError()
    """
    if not isinstance(source, str):
        raise TypeError(f"source must be a str, got {type(source).__name__}")
    out: list[str] = []
    inside = False
    for number, line in enumerate(source.splitlines(), start=1):
        stripped = line.strip()
        if stripped == BEGIN_CODE:
            if inside:
                raise ValueError(f"line {number}: {BEGIN_CODE!r} inside another solution block")
            inside = True
            indent = line[: len(line) - len(line.lstrip())]
            out.append(indent + STUB_CODE)
        elif stripped == END_CODE:
            if not inside:
                raise ValueError(f"line {number}: {END_CODE!r} without {BEGIN_CODE!r}")
            inside = False
        elif not inside:
            out.append(line)
    if inside:
        raise ValueError(f"a {BEGIN_CODE!r} block is never closed by {END_CODE!r}")
    return "\n".join(out)


def strip_markdown_solution(source: str) -> str:
    """Replace each ``<!-- BEGIN SOLUTION -->`` ... ``<!-- END SOLUTION -->`` region.

    Examples
    --------
    >>> strip_markdown_solution("Q? <!-- BEGIN SOLUTION -->42<!-- END SOLUTION -->")
    'Q? *Your answer here.*'
    """
    if not isinstance(source, str):
        raise TypeError(f"source must be a str, got {type(source).__name__}")
    if source.count(BEGIN_MD) != source.count(END_MD):
        raise ValueError("unbalanced <!-- BEGIN SOLUTION --> / <!-- END SOLUTION --> markers")
    pattern = re.compile(re.escape(BEGIN_MD) + r".*?" + re.escape(END_MD), re.DOTALL)
    return pattern.sub(STUB_MD, source)


def student_notebook(nb: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """Return the student edition of one notebook (the input is not modified)."""
    student = nbformat.from_dict(nb)
    cells = []
    gated = False
    for cell in student.cells:
        source = cell.source
        if cell.cell_type == "markdown":
            if _SOLUTION_START.search(source):
                gated = True
                continue
            if _SOLUTION_END.search(source):
                gated = False
                continue
            if gated or _SOLUTION_DIRECTIVE.search(source):
                continue
            cell.source = strip_markdown_solution(source)
        elif cell.cell_type == "code":
            cell.source = strip_code_solution(source)
            cell.outputs = []
            cell.execution_count = None
        cells.append(cell)
    if gated:
        raise ValueError("a {solution-start} directive is never closed by {solution-end}")
    student.cells = cells
    return student


def write_student_edition(source_dir: Path, target_dir: Path) -> list[Path]:
    """Write the student edition of every notebook in ``source_dir`` to ``target_dir``."""
    source_dir, target_dir = Path(source_dir), Path(target_dir)
    if not source_dir.is_dir():
        raise FileNotFoundError(f"source_dir {source_dir} is not a folder of notebooks")
    notebooks = sorted(source_dir.glob("*.ipynb"))
    if not notebooks:
        raise FileNotFoundError(f"source_dir {source_dir} holds no .ipynb notebooks")
    target_dir.mkdir(parents=True, exist_ok=True)
    written = []
    for path in notebooks:
        nb = nbformat.read(path, as_version=4)
        try:
            edition = student_notebook(nb)
        except ValueError as err:
            raise ValueError(f"{path}: {err}") from None
        out = target_dir / path.name
        nbformat.write(edition, out)
        written.append(out)
    return written


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m cnn_course.student",
        description="Write the student edition of the course notebooks (solutions removed).",
    )
    parser.add_argument("source", type=Path, help="folder of instructor notebooks, e.g. chapters")
    parser.add_argument("target", type=Path, help="folder to write the student edition to")
    args = parser.parse_args(argv)
    try:
        written = write_student_edition(args.source, args.target)
    except (FileNotFoundError, ValueError) as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
    for path in written:
        print(f"wrote {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
