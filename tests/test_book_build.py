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
