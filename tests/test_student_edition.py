"""The student edition: solutions stripped; executing it fails only in exercise cells."""

from __future__ import annotations

from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

from cnn_course.student import (
    STUB_CODE,
    STUB_MD,
    main,
    strip_code_solution,
    strip_markdown_solution,
    student_notebook,
    write_student_edition,
)

CHAPTERS = Path(__file__).resolve().parents[1] / "chapters"
NOTEBOOKS = sorted(CHAPTERS.glob("*.ipynb"))


def test_strip_code_keeps_surrounding_lines_and_indentation() -> None:
    source = "x = 1\ndef f():\n    ### BEGIN SOLUTION\n    a = 2\n    return a\n    ### END SOLUTION\ncheck(f)"
    assert strip_code_solution(source) == f"x = 1\ndef f():\n    {STUB_CODE}\ncheck(f)"


def test_strip_code_without_markers_is_unchanged() -> None:
    assert strip_code_solution("print(1)") == "print(1)"


@pytest.mark.parametrize(
    "source, match",
    [
        ("### BEGIN SOLUTION\nx = 1", "never closed"),
        ("x = 1\n### END SOLUTION", "without"),
        ("### BEGIN SOLUTION\n### BEGIN SOLUTION\n### END SOLUTION", "inside another"),
    ],
)
def test_strip_code_rejects_unbalanced_markers(source: str, match: str) -> None:
    with pytest.raises(ValueError, match=match):
        strip_code_solution(source)


def test_strip_markdown() -> None:
    text = "Why? <!-- BEGIN SOLUTION -->Because.<!-- END SOLUTION --> Next."
    assert strip_markdown_solution(text) == f"Why? {STUB_MD} Next."
    with pytest.raises(ValueError, match="unbalanced"):
        strip_markdown_solution("<!-- BEGIN SOLUTION --> oops")


def test_strip_rejects_non_strings() -> None:
    with pytest.raises(TypeError, match="source"):
        strip_code_solution(3)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="source"):
        strip_markdown_solution(None)  # type: ignore[arg-type]


def test_gated_solution_prose_is_removed_and_code_kept() -> None:
    nb = nbformat.v4.new_notebook(
        cells=[
            nbformat.v4.new_markdown_cell("````{exercise} T\n:label: e\nDo it.\n````"),
            nbformat.v4.new_markdown_cell("````{solution-start} e\n:class: dropdown\n````"),
            nbformat.v4.new_markdown_cell("The trick is to flip."),
            nbformat.v4.new_code_cell("### BEGIN SOLUTION\nx = 1\n### END SOLUTION\ncheck(x)"),
            nbformat.v4.new_markdown_cell("````{solution-end}\n````"),
            nbformat.v4.new_markdown_cell("```{solution} e\nPlain solution.\n```"),
        ]
    )
    out = student_notebook(nb)
    assert [c.cell_type for c in out.cells] == ["markdown", "code"]
    assert out.cells[1].source == f"{STUB_CODE}\ncheck(x)"
    assert "### BEGIN SOLUTION" in nb.cells[3].source  # the input is untouched


def test_unclosed_gate_is_an_error() -> None:
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell("```{solution-start} e\n```")])
    with pytest.raises(ValueError, match="never closed"):
        student_notebook(nb)


def test_cli_reports_a_missing_folder(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main([str(tmp_path / "nowhere"), str(tmp_path / "out")]) == 2
    assert "not a folder" in capsys.readouterr().err


def _solution_cells(nb: nbformat.NotebookNode) -> list[int]:
    return [i for i, c in enumerate(nb.cells) if c.cell_type == "code" and "### BEGIN SOLUTION" in c.source]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_every_chapter_has_at_least_three_marked_exercises(path: Path) -> None:
    nb = nbformat.read(path, as_version=4)
    solutions = _solution_cells(nb)
    assert len(solutions) >= 3, f"{path.name} has {len(solutions)} solution cells"
    for i in solutions:
        assert nb.cells[i].metadata.get("nbgrader", {}).get("solution") is True, f"cell {i} lacks nbgrader metadata"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_student_edition_fails_only_with_not_implemented_in_exercises(path: Path, tmp_path: Path) -> None:
    instructor = nbformat.read(path, as_version=4)
    (student_path,) = [p for p in write_student_edition(CHAPTERS, tmp_path) if p.name == path.name]
    student = nbformat.read(student_path, as_version=4)
    assert "### BEGIN SOLUTION" not in "".join(c.source for c in student.cells)
    assert "{solution-start}" not in "".join(c.source for c in student.cells)

    NotebookClient(student, timeout=600, allow_errors=True, resources={"metadata": {"path": str(CHAPTERS)}}).execute()

    errors = {
        i: out["ename"]
        for i, cell in enumerate(student.cells)
        if cell.cell_type == "code"
        for out in cell.outputs
        if out.get("output_type") == "error"
    }
    stubbed = {i for i, c in enumerate(student.cells) if c.cell_type == "code" and STUB_CODE in c.source}
    assert len(stubbed) == len(_solution_cells(instructor))
    assert set(errors.values()) <= {"NotImplementedError"}, errors
    assert set(errors) == stubbed, f"errors in cells {sorted(errors)}, exercise cells {sorted(stubbed)}"
