"""The student edition: nbgrader's rules, the chapters' marks, and a student edition that
fails only in its exercise cells.  tests/test_nbgrader.py compares it with nbgrader's own."""

from __future__ import annotations

import ast
import builtins
from pathlib import Path
from typing import Any
from unittest import mock

import nbformat
import pytest
from IPython.core.inputtransformer2 import TransformerManager
from nbclient import NotebookClient

from cnn_course.student import (
    CODE_STUB,
    TEXT_STUB,
    is_solution,
    main,
    mark_notebook,
    mark_solutions,
    nbgrader_metadata,
    replace_solution_regions,
    solution_cells,
    solution_marks,
    student_notebook,
    write_student_edition,
)

CHAPTERS = Path(__file__).resolve().parents[1] / "chapters"
NOTEBOOKS = sorted(CHAPTERS.glob("*.ipynb"))
md, code = nbformat.v4.new_markdown_cell, nbformat.v4.new_code_cell


# --- Solution regions, nbgrader's way ----------------------------------------------------


def test_a_region_becomes_the_stub_indented_like_its_first_line() -> None:
    source = "x = 1\ndef f():\n    ### BEGIN SOLUTION\n    a = 2\n    return a\n    ### END SOLUTION\ncheck(f)"
    assert replace_solution_regions(source, CODE_STUB) == (
        "x = 1\ndef f():\n    # YOUR CODE HERE\n    raise NotImplementedError()\ncheck(f)",
        True,
    )


def test_any_line_containing_the_delimiters_counts_as_nbgrader_reads_them() -> None:
    source = "Why?\n<!-- BEGIN SOLUTION -->\nBecause.\n<!-- END SOLUTION -->\nNext.\n"
    assert replace_solution_regions(source, TEXT_STUB) == ("Why?\nYOUR ANSWER HERE\nNext.\n", True)


def test_a_source_without_a_region_is_unchanged() -> None:
    assert replace_solution_regions("print(1)\n", CODE_STUB) == ("print(1)\n", False)


@pytest.mark.parametrize(
    "source, match",
    [
        ("### BEGIN SOLUTION\nx = 1", "line 1: .* never closed"),
        ("x = 1\n### END SOLUTION", "line 2: .* without"),
        ("### BEGIN SOLUTION\n### BEGIN SOLUTION\n### END SOLUTION", "line 2: .* begun on line 1"),
    ],
)
def test_unbalanced_delimiters_are_errors(source: str, match: str) -> None:
    with pytest.raises(ValueError, match=match):
        replace_solution_regions(source, CODE_STUB)


def test_regions_reject_non_strings() -> None:
    with pytest.raises(TypeError, match="source"):
        replace_solution_regions(3, CODE_STUB)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="stub"):
        replace_solution_regions("x", None)  # type: ignore[arg-type]


# --- Which cells are solutions, and their marks -------------------------------------------


def _exercise(*, marked: bool = True) -> nbformat.NotebookNode:
    """A notebook with one exercise of each kind the chapters use, marked or not."""
    nb = nbformat.v4.new_notebook(
        cells=[
            md("````{exercise} T\n:label: ex-t\nDo it.\n````"),
            md("````{solution-start} ex-t\n:class: dropdown\n````"),
            md("The trick is to flip."),
            code("### BEGIN SOLUTION\nx = 1\n### END SOLUTION\ncheck(x)", outputs=[nbformat.v4.new_output("stream", text="1")], execution_count=3),
            md("````{solution-end}\n````"),
            md("```{solution} ex-u\nPlain solution.\n```"),
            code("print('not an exercise')", execution_count=4),
        ]
    )
    if marked:
        mark_notebook(nb)
    return nb


def test_the_solution_cells_are_the_gates_insides_and_solution_directives() -> None:
    assert solution_cells(_exercise(marked=False)) == {2: "ex-t", 3: "ex-t", 5: "ex-u"}


def test_marks_are_named_after_the_exercise_code_cell_first() -> None:
    nb = _exercise(marked=False)
    marks = solution_marks(nb)
    assert {i: m["grade_id"] for i, m in marks.items()} == {2: "ex-t-2", 3: "ex-t", 5: "ex-u"}
    assert marks[3] == nbgrader_metadata("code", "ex-t") and marks[3]["grade"] is False
    # nbgrader accepts a written answer only as a graded cell
    assert marks[2] == {"grade": True, "grade_id": "ex-t-2", "locked": False, "points": 0, "schema_version": 3, "solution": True, "task": False}


def test_marking_changes_only_the_solution_cells_nbgrader_metadata_and_is_idempotent() -> None:
    nb = _exercise(marked=False)
    nb.cells[2].metadata["tags"] = ["keep"]
    before = nbformat.from_dict(nb)
    assert mark_notebook(nb) == [2, 3, 5]
    assert mark_notebook(nb) == []
    assert nb.cells[2].metadata["tags"] == ["keep"]
    for old, new in zip(before.cells, nb.cells):
        assert old.source == new.source
        assert {k: v for k, v in new.metadata.items() if k != "nbgrader"} == {k: v for k, v in old.metadata.items() if k != "nbgrader"}


@pytest.mark.parametrize(
    "cells, match",
    [
        ([code("### BEGIN SOLUTION\nx = 1\n### END SOLUTION")], "cell 0 .* outside every"),
        ([md("````{solution-start} e\n````"), md("````{solution-start} f\n````")], "cell 1: .* inside the gate opened in cell 0"),
        ([md("````{solution-end}\n````")], "cell 0: .* without"),
        ([md("````{solution-start} e\n````"), md("x")], "cell 0: .* never closed"),
        ([md("````{solution-start}\n````"), md("````{solution-end}\n````")], "names no exercise label"),
        ([md("````{solution-start} e\n````\nThe answer is 4."), md("````{solution-end}\n````")], "holds more than its directive"),
        (
            [md("````{solution-start} e\n````"), md("B"), code("C"), md("````{solution-end}\n````"), md("````{solution-start} e-2\n````"), code("D"), md("````{solution-end}\n````")],
            "cells 1 and 5 would share the nbgrader grade_id 'e-2'",
        ),
    ],
)
def test_marking_rejects_what_it_cannot_name(cells: list[nbformat.NotebookNode], match: str) -> None:
    with pytest.raises(ValueError, match=match):
        mark_notebook(nbformat.v4.new_notebook(cells=cells))


def test_marking_keeps_the_points_an_instructor_gave_a_written_answer() -> None:
    nb = _exercise()
    nb.cells[2].metadata.nbgrader.points = 2.5
    assert mark_notebook(nb) == [] and nb.cells[2].metadata.nbgrader.points == 2.5
    nb.cells[2].metadata.nbgrader.points = "two"
    assert mark_notebook(nb) == [2] and nb.cells[2].metadata.nbgrader.points == 0


def test_nbgrader_metadata_rejects_bad_arguments() -> None:
    with pytest.raises(ValueError, match="cell_type"):
        nbgrader_metadata("heading", "e")
    with pytest.raises(ValueError, match="grade_id"):
        nbgrader_metadata("code", "has space")
    with pytest.raises(ValueError, match="points"):
        nbgrader_metadata("markdown", "e", points=-1)


def test_every_chapter_is_marked() -> None:
    assert mark_solutions(CHAPTERS, check=True) == {}, "run `python -m cnn_course.student --mark chapters`"


def _solution_cells(nb: nbformat.NotebookNode) -> list[int]:
    return [i for i, c in enumerate(nb.cells) if c.cell_type == "code" and "### BEGIN SOLUTION" in c.source]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_every_chapter_has_at_least_three_marked_exercises(path: Path) -> None:
    nb = nbformat.read(path, as_version=4)
    solutions = _solution_cells(nb)
    assert len(solutions) >= 3, f"{path.name} has {len(solutions)} solution cells"
    for i in solutions:
        assert is_solution(nb.cells[i]), f"cell {i} lacks nbgrader metadata"


# --- The student edition of one notebook --------------------------------------------------


def test_the_student_edition_stubs_every_solution_and_keeps_every_cell() -> None:
    nb = _exercise()
    out = student_notebook(nb)
    assert [c.cell_type for c in out.cells] == [c.cell_type for c in nb.cells]
    assert [c.source for c in out.cells] == [
        nb.cells[0].source,
        nb.cells[1].source,
        TEXT_STUB,
        f"{CODE_STUB}\ncheck(x)",
        nb.cells[4].source,
        TEXT_STUB,
        nb.cells[6].source,
    ]
    assert all(c.outputs == [] and c.execution_count is None for c in out.cells if c.cell_type == "code")
    assert [i for i, c in enumerate(out.cells) if c.metadata.get("deletable") is False] == [2, 3, 5]
    assert "### BEGIN SOLUTION" in nb.cells[3].source and nb.cells[3].outputs  # the input is untouched


def test_a_solution_cell_without_a_region_becomes_the_stub() -> None:
    cell = code("x = 42", metadata={"nbgrader": nbgrader_metadata("code", "e")})
    assert student_notebook(nbformat.v4.new_notebook(cells=[cell])).cells[0].source == CODE_STUB


def test_an_unmarked_answer_inside_a_gate_is_refused() -> None:
    nb = _exercise()
    del nb.cells[2].metadata["nbgrader"]
    with pytest.raises(ValueError, match=r"cell 2 \(markdown\) answers exercise 'ex-t' but is not marked .* --mark"):
        student_notebook(nb)


def test_an_unmarked_solution_directive_is_refused() -> None:
    nb = _exercise()
    del nb.cells[5].metadata["nbgrader"]
    with pytest.raises(ValueError, match=r"cell 5 \(markdown\) answers exercise 'ex-u'"):
        student_notebook(nb)


def test_a_region_in_an_unmarked_cell_is_refused() -> None:
    nb = nbformat.v4.new_notebook(cells=[md("Why?"), code("### BEGIN SOLUTION\nx = 1\n### END SOLUTION")])
    with pytest.raises(ValueError, match=r"cell 1 \(code\) has a 'BEGIN SOLUTION' region but is not marked"):
        student_notebook(nb)


def test_a_broken_region_names_its_cell() -> None:
    nb = nbformat.v4.new_notebook(cells=[code("### BEGIN SOLUTION\nx = 1", metadata={"nbgrader": nbgrader_metadata("code", "e")})])
    with pytest.raises(ValueError, match=r"cell 0 \(code\), line 1: .* never closed"):
        student_notebook(nb)


@pytest.mark.parametrize("source", ["### BEGIN HIDDEN TESTS\nassert x\n### END HIDDEN TESTS", "\"\"\"AUTOTEST x\"\"\""])
def test_nbgrader_features_it_does_not_reproduce_are_refused(source: str) -> None:
    with pytest.raises(ValueError, match="use nbgrader generate_assignment"):
        student_notebook(nbformat.v4.new_notebook(cells=[code(source)]))


# --- The command line ------------------------------------------------------------------


def test_cli_reports_a_missing_folder(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main([str(tmp_path / "nowhere"), str(tmp_path / "out")]) == 2
    assert "not a folder" in capsys.readouterr().err
    assert main(["--check-marks", str(tmp_path)]) == 2
    assert "holds no .ipynb" in capsys.readouterr().err


def test_cli_needs_a_target_only_to_write(tmp_path: Path) -> None:
    with pytest.raises(SystemExit):
        main([str(tmp_path)])
    with pytest.raises(SystemExit):
        main(["--mark", str(tmp_path), str(tmp_path / "out")])


def test_cli_marks_checks_and_writes(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    source, target = tmp_path / "chapters", tmp_path / "student"
    source.mkdir()
    nbformat.write(_exercise(marked=False), source / "one.ipynb")
    assert main([str(source), str(target)]) == 2  # unmarked answers: refused, nothing written
    assert "one.ipynb: cell 2 (markdown) answers exercise 'ex-t'" in capsys.readouterr().err
    assert not target.exists()
    assert main(["--check-marks", str(source)]) == 1
    assert "one.ipynb (cells 2, 3, 5)" in capsys.readouterr().out
    assert main(["--mark", str(source)]) == 0
    assert main(["--check-marks", str(source)]) == 0
    assert main([str(source), str(target)]) == 0
    assert nbformat.read(target / "one.ipynb", as_version=4).cells[2].source == TEXT_STUB


# --- The student edition runs as it should, proved without executing every chapter again --
#
# The book build and the notebook tests execute every instructor chapter, so every cell
# outside the exercises is known to run.  What the student edition adds is: each exercise
# cell stops with NotImplementedError, and no later cell needs a name that only a solution
# defines.  The first is checked by running each exercise cell on its own, after the
# chapter's imports, with every other name it reads standing in as a Mock; the second by
# reading the code (which names each cell binds and reads).  One small chapter is also
# executed end to end, to prove the whole chain on a real kernel.


def _python(source: str) -> ast.Module:
    return ast.parse(TransformerManager().transform_cell(source))


class _Names(ast.NodeVisitor):
    """Names a cell binds at the top level, and names it reads from the top level."""

    def __init__(self) -> None:
        self.bound: set[str] = set()
        self.read: set[str] = set()
        self._local: list[set[str]] = []

    def _bind(self, name: str) -> None:
        (self._local[-1] if self._local else self.bound).add(name)

    def visit_Name(self, node: ast.Name) -> None:
        if isinstance(node.ctx, ast.Load):
            if not any(node.id in scope for scope in self._local):
                self.read.add(node.id)
        else:
            self._bind(node.id)

    def visit_alias(self, node: ast.alias) -> None:
        self._bind((node.asname or node.name).split(".")[0])

    def visit_FunctionDef(self, node: ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda) -> None:
        for default in node.args.defaults + [d for d in node.args.kw_defaults if d is not None]:
            self.visit(default)
        for decorator in getattr(node, "decorator_list", []):
            self.visit(decorator)
        if not isinstance(node, ast.Lambda):
            self._bind(node.name)
        args = node.args
        params = {a.arg for a in args.posonlyargs + args.args + args.kwonlyargs}
        params |= {a.arg for a in (args.vararg, args.kwarg) if a is not None}
        body = node.body if isinstance(node.body, list) else [node.body]
        self._local.append(params)
        for statement in body:
            self.visit(statement)
        self._local.pop()

    visit_AsyncFunctionDef = visit_FunctionDef
    visit_Lambda = visit_FunctionDef

    def visit_ListComp(self, node: ast.AST) -> None:
        targets = {n.id for gen in node.generators for n in ast.walk(gen.target) if isinstance(n, ast.Name)}
        self._local.append(targets)
        for child in ast.iter_child_nodes(node):
            self.visit(child)
        self._local.pop()

    visit_SetComp = visit_GeneratorExp = visit_DictComp = visit_ListComp


def _names(source: str) -> _Names:
    names = _Names()
    names.visit(_python(source))
    return names


def _code_cells(nb: nbformat.NotebookNode) -> list[tuple[str, bool]]:
    """Each code cell's source, and whether it is an exercise (a solution cell)."""
    return [(c.source, is_solution(c)) for c in nb.cells if c.cell_type == "code"]


def _reads_of_solution_names(student: list[tuple[str, bool]]) -> list[str]:
    """Later cells of a student edition that read a name only its exercise cells define."""
    defined: set[str] = set(dir(builtins)) | {"get_ipython", "display", "In", "Out"}
    only_in_exercises: dict[str, int] = {}
    problems = []
    for number, (source, exercise) in enumerate(student):
        names = _names(source)
        if exercise:
            for name in names.bound - defined:
                only_in_exercises.setdefault(name, number)
            continue
        for name in sorted(names.read - names.bound - defined):
            if name in only_in_exercises:
                problems.append(f"code cell {number} reads {name!r}, which only exercise cell {only_in_exercises[name]} defines")
        defined |= names.bound
    return problems


def test_the_reading_check_finds_a_name_only_a_solution_defines() -> None:
    sources = ["import numpy as np\nx = np.arange(3)", f"{CODE_STUB}\nanswer = x.sum()", "def f(y):\n    return y + answer", "print(x, [i for i in x])"]
    cells = [(source, CODE_STUB in source) for source in sources]
    assert _reads_of_solution_names(cells) == ["code cell 2 reads 'answer', which only exercise cell 1 defines"]
    assert _reads_of_solution_names(cells[:2] + cells[3:]) == []


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_no_later_cell_needs_what_only_a_solution_defines(path: Path) -> None:
    problems = _reads_of_solution_names(_code_cells(student_notebook(nbformat.read(path, as_version=4))))
    assert not problems, "\n".join(problems)


class _Anything(dict):
    """A cell's namespace: the chapter's imports, and a Mock for every other name it reads."""

    def __missing__(self, name: str) -> Any:
        if name in vars(builtins):
            return vars(builtins)[name]
        return mock.MagicMock(name=name)


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_every_exercise_cell_stops_with_not_implemented(path: Path) -> None:
    student = _code_cells(student_notebook(nbformat.read(path, as_version=4)))
    namespace = _Anything()
    checked = 0
    for number, (source, exercise) in enumerate(student):
        tree = _python(source)
        if not exercise:
            imports = [s for s in tree.body if isinstance(s, (ast.Import, ast.ImportFrom))]
            exec(compile(ast.Module(body=imports, type_ignores=[]), f"<cell {number}>", "exec"), {}, namespace)
            continue
        with pytest.raises(NotImplementedError):
            exec(compile(tree, f"<exercise cell {number}>", "exec"), {"__builtins__": builtins}, namespace)
        checked += 1
    assert checked == len(_solution_cells(nbformat.read(path, as_version=4)))


@pytest.mark.notebooks
def test_a_student_chapter_executes_with_errors_only_in_its_exercises(tmp_path: Path) -> None:
    path = CHAPTERS / "pooling.ipynb"
    instructor = nbformat.read(path, as_version=4)
    (student_path,) = [p for p in write_student_edition(CHAPTERS, tmp_path) if p.name == path.name]
    student = nbformat.read(student_path, as_version=4)
    assert "BEGIN SOLUTION" not in "".join(c.source for c in student.cells)

    NotebookClient(student, timeout=600, allow_errors=True, resources={"metadata": {"path": str(CHAPTERS)}}).execute()

    errors = {
        i: out["ename"]
        for i, cell in enumerate(student.cells)
        if cell.cell_type == "code"
        for out in cell.outputs
        if out.get("output_type") == "error"
    }
    stubbed = {i for i, c in enumerate(student.cells) if c.cell_type == "code" and is_solution(c)}
    assert len(stubbed) == len(_solution_cells(instructor))
    assert set(errors.values()) <= {"NotImplementedError"}, errors
    assert set(errors) == stubbed, f"errors in cells {sorted(errors)}, exercise cells {sorted(stubbed)}"
