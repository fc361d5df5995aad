"""The student edition: solutions stripped; executing it fails only in exercise cells."""

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


def _code_cells(nb: nbformat.NotebookNode) -> list[str]:
    return [c.source for c in nb.cells if c.cell_type == "code"]


def _reads_of_solution_names(student: list[str]) -> list[str]:
    """Later cells of a student edition that read a name only its exercise cells define."""
    defined: set[str] = set(dir(builtins)) | {"get_ipython", "display", "In", "Out"}
    only_in_exercises: dict[str, int] = {}
    problems = []
    for number, source in enumerate(student):
        names = _names(source)
        if STUB_CODE in source:
            for name in names.bound - defined:
                only_in_exercises.setdefault(name, number)
            continue
        for name in sorted(names.read - names.bound - defined):
            if name in only_in_exercises:
                problems.append(f"code cell {number} reads {name!r}, which only exercise cell {only_in_exercises[name]} defines")
        defined |= names.bound
    return problems


def test_the_reading_check_finds_a_name_only_a_solution_defines() -> None:
    cells = ["import numpy as np\nx = np.arange(3)", f"{STUB_CODE}\nanswer = x.sum()", "def f(y):\n    return y + answer", "print(x, [i for i in x])"]
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
    for number, source in enumerate(student):
        tree = _python(source)
        if STUB_CODE not in source:
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
