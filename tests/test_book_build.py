"""A chapter whose execution failed keeps failing the book build until it executes cleanly.

Sphinx re-reads only changed pages, so a second build after a failed one used to read
nothing and report success; ``tools/sphinx_ext`` marks failed executions outdated.  This
builds a one-chapter book (a copy of the start of the pooling chapter, plus a failing
cell) three times: it fails, fails again with no change, and passes once the cell is gone.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parents[1]
JUPYTER_BOOK = Path(sys.executable).with_name("jupyter-book")

pytestmark = pytest.mark.slow

CONFIG = f"""\
title: A failing chapter
only_build_toc_files: true
execute:
  execute_notebooks: cache
  timeout: 300
  allow_errors: false
sphinx:
  local_extensions:
    course_book: {ROOT / "tools" / "sphinx_ext"}
  config:
    nb_execution_show_tb: true
"""


def _book(tmp_path: Path, *, failing: bool) -> Path:
    book = tmp_path / "book"
    book.mkdir(exist_ok=True)
    (book / "_config.yml").write_text(CONFIG)
    (book / "_toc.yml").write_text("format: jb-book\nroot: pooling\n")
    chapter = nbformat.read(ROOT / "chapters" / "pooling.ipynb", as_version=4)
    cells, code = [], 0
    for cell in chapter.cells:
        cells.append(cell)
        code += cell.cell_type == "code"
        if code == 3:
            break
    if failing:
        cells.append(nbformat.v4.new_code_cell("raise RuntimeError('a cell that fails on purpose')"))
    chapter.cells = cells
    nbformat.write(chapter, book / "pooling.ipynb")
    return book


def _build(book: Path) -> subprocess.CompletedProcess[str]:
    command = [str(JUPYTER_BOOK), "build", str(book), "-W", "-n", "--keep-going"]
    return subprocess.run(command, capture_output=True, text=True, cwd=ROOT, timeout=600)


def test_a_failed_chapter_fails_every_build_until_it_executes(tmp_path: Path) -> None:
    book = _book(tmp_path, failing=True)
    first = _build(book)
    assert first.returncode != 0, first.stdout[-2000:]
    second = _build(book)  # nothing changed: the failed chapter must execute again and fail
    log = second.stdout + second.stderr
    assert second.returncode != 0, log[-2000:]
    assert "pooling" in log and "a cell that fails on purpose" in log, log[-3000:]

    _book(tmp_path, failing=False)
    third = _build(book)
    assert third.returncode == 0, (third.stdout + third.stderr)[-3000:]
    assert (book / "_build" / "html" / "pooling.html").is_file()


EXECUTE = ROOT / "tools" / "execute_chapters.py"


def _execute(book: Path, *args: str) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, str(EXECUTE), "--root", str(book), *args]
    return subprocess.run(command, capture_output=True, text=True, cwd=ROOT, timeout=600)


def _two_chapter_book(tmp_path: Path, *, failing: bool) -> Path:
    book = _book(tmp_path, failing=False)
    (book / "_toc.yml").write_text("format: jb-book\nroot: pooling\nchapters:\n  - file: broken\n")
    code = "raise RuntimeError('a cell that fails on purpose')" if failing else "print('fixed')"
    cells = [nbformat.v4.new_markdown_cell("# A second chapter"), nbformat.v4.new_code_cell(code)]
    notebook = nbformat.v4.new_notebook(cells=cells)
    notebook.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nbformat.write(notebook, book / "broken.ipynb")
    return book


def test_the_parallel_pre_execution_fills_the_cache_the_build_reads(tmp_path: Path) -> None:
    book = _two_chapter_book(tmp_path, failing=True)
    listed = _execute(book, "--dry-run")
    assert listed.returncode == 0, listed.stderr
    assert listed.stdout.split() == ["broken.ipynb", "pooling.ipynb"]  # the later chapter first

    first = _execute(book, "--jobs", "2")
    assert first.returncode == 1, first.stdout + first.stderr
    assert "broken.ipynb failed" in first.stderr and "a cell that fails on purpose" in first.stderr
    second = _execute(book)  # the failure was not cached: it runs again, alone, and fails again
    assert second.returncode == 1, second.stdout + second.stderr
    assert "executing 1 notebook(s)" in second.stdout, second.stdout

    _two_chapter_book(tmp_path, failing=False)
    third = _execute(book)
    assert third.returncode == 0, third.stdout + third.stderr
    assert _execute(book).stdout.strip() == "execute_chapters: every notebook is already in the cache"
    build = _build(book)
    log = build.stdout + build.stderr
    assert build.returncode == 0, log[-3000:]
    assert log.count("Using cached notebook") == 2 and "Executing notebook" not in log, log[-3000:]


def test_the_pre_execution_refuses_a_bad_job_count(tmp_path: Path) -> None:
    result = _execute(_book(tmp_path, failing=False), "--jobs", "0")
    assert result.returncode == 2 and "--jobs must be a positive number" in result.stderr
