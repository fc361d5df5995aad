"""Launch buttons follow the one repository setting: present when set, absent when not.

Builds a one-chapter book with the course's real configuration (notebook execution off)
twice, with ``repository: url`` empty and set.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
import yaml

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[1]
JUPYTER_BOOK = Path(sys.executable).parent / "jupyter-book"
URL = "https://github.com/example/cnn-course"


def build(tmp_path: Path, url: str) -> str:
    if not (ROOT / "book_assets" / "vendor" / ".complete").exists():
        pytest.fail("book_assets/vendor is missing: run `make assets` (make test does)")
    book = tmp_path / "book"
    (book / "chapters").mkdir(parents=True)
    config = yaml.safe_load((ROOT / "_config.yml").read_text())
    config["execute"]["execute_notebooks"] = "off"
    config["repository"]["url"] = url
    (book / "_config.yml").write_text(yaml.safe_dump(config))
    (book / "_toc.yml").write_text("format: jb-book\nroot: intro\nchapters:\n  - file: chapters/tiny\n")
    (book / "intro.md").write_text("# Tiny\n\nA test book.\n")
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell("# A chapter"), nbformat.v4.new_code_cell("1 + 1")])
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nbformat.write(nb, book / "chapters" / "tiny.ipynb")
    shutil.copy(ROOT / "references.bib", book)
    shutil.copytree(ROOT / "tools" / "sphinx_ext", book / "tools" / "sphinx_ext")
    (book / "book_assets").mkdir()
    shutil.copytree(ROOT / "book_assets" / "css", book / "book_assets" / "css")
    (book / "book_assets" / "vendor").symlink_to(ROOT / "book_assets" / "vendor")
    result = subprocess.run(
        [str(JUPYTER_BOOK), "build", str(book), "-W", "-n", "--keep-going"], capture_output=True, text=True
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    return (book / "_build" / "html" / "chapters" / "tiny.html").read_text()


def test_no_launch_or_repository_buttons_without_a_repository(tmp_path: Path) -> None:
    html = build(tmp_path, "")
    assert "colab.research.google.com" not in html
    assert "mybinder.org" not in html
    assert "github.com/example" not in html


def test_launch_buttons_when_the_repository_is_set(tmp_path: Path) -> None:
    html = build(tmp_path, URL)
    assert "https://colab.research.google.com/github/example/cnn-course/blob/main/chapters/tiny.ipynb" in html
    assert "https://mybinder.org/v2/gh/example/cnn-course/main?urlpath=lab/tree/chapters/tiny.ipynb" in html
    assert f'href="{URL}"' in html  # the repository button
