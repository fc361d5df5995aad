"""Write (or check) the Colab setup cell at the top of every chapter.

Colab opens a chapter straight from the repository, with none of the course installed.
Each chapter therefore starts with a short cell that, in Colab only, installs the course's
package with ``%pip install --no-deps`` (every package it needs is already in Colab's
runtime, and none of those is replaced) and calls :func:`cnn_course.colab.setup` (charts
from a CDN, MNIST from Keras's download).  Anywhere else (JupyterLab, Binder, the book
build, the tests) it does nothing.  The cell is hidden in the HTML book.

The package is installed from ``git+<repository url>@<branch>``, taken from
``repository:`` in ``_config.yml`` (the setting that also drives the launch buttons); the
environment variable ``CNN_COURSE_SOURCE`` overrides it (a fork, a copy uploaded to Colab,
the tests' simulated Colab).  With neither set, the cell says what to do instead.

    python tools/setup_cell.py          # write the cell into every chapter
    python tools/setup_cell.py --check  # exit 1 if a chapter's cell is missing or stale
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import nbformat
import yaml

ROOT = Path(__file__).resolve().parents[1]
MARKER = "cnn_course_setup"
SOURCE_VARIABLE = "CNN_COURSE_SOURCE"

#: What the cell prints on Colab when it knows no address to install the course from.
NO_SOURCE_LINES = (
    "This copy of the course does not say where it is published. Put the course's",
    "folder in Colab and run `%env CNN_COURSE_SOURCE=/content/cnn-course` (its path, or",
    "git+https://... for the course's repository), then run this cell again.",
)

TEMPLATE = """\
# Google Colab only: install the course (Colab's own packages stay as they are).
import os, sys
if "google.colab" in sys.modules:
    COURSE = os.environ.get({variable}) or {source}
    if COURSE:
        %pip install --quiet --no-deps {{COURSE}}
        import cnn_course.colab; print(cnn_course.colab.setup())
    else:
        print({message})
"""


def repository() -> tuple[str, str]:
    """The repository address and branch set in ``_config.yml``."""
    config = yaml.safe_load((ROOT / "_config.yml").read_text()) or {}
    repo = config.get("repository") or {}
    return str(repo.get("url") or ""), str(repo.get("branch") or "main")


def pip_source(url: str, branch: str) -> str:
    """What ``pip install`` takes for the course at ``url`` and ``branch`` ("" if no url).

    Examples
    --------
    >>> pip_source("https://github.com/example/cnn-course", "main")
    'git+https://github.com/example/cnn-course@main'
    >>> pip_source("", "main")
    ''
    """
    if not url:
        return ""
    return f"git+{url.rstrip('/')}@{branch}" if branch else f"git+{url.rstrip('/')}"


def cell_source(url: str, branch: str) -> str:
    """The setup cell's code for the given repository address and branch."""
    return TEMPLATE.format(variable=json.dumps(SOURCE_VARIABLE), source=json.dumps(pip_source(url, branch)), message=",\n              ".join(json.dumps(line) for line in NO_SOURCE_LINES))


def setup_cell(url: str, branch: str) -> nbformat.NotebookNode:
    cell = nbformat.v4.new_code_cell(cell_source(url, branch))
    cell.metadata["tags"] = ["remove-cell"]
    cell.metadata[MARKER] = True
    return cell


def chapters() -> list[Path]:
    return sorted((ROOT / "chapters").glob("*.ipynb"))


def sync(check: bool) -> list[Path]:
    """Write the cell into each chapter, or (``check``) list the chapters that lack it."""
    url, branch = repository()
    stale = []
    for path in chapters():
        nb = nbformat.read(path, as_version=4)
        wanted = setup_cell(url, branch)
        index = next((i for i, c in enumerate(nb.cells) if c.metadata.get(MARKER)), None)
        current = nb.cells[index].source if index is not None else None
        if current == wanted.source and index == next(i for i, c in enumerate(nb.cells) if c.cell_type == "code"):
            continue
        stale.append(path)
        if check:
            continue
        if index is not None:
            del nb.cells[index]
        first_code = next((i for i, c in enumerate(nb.cells) if c.cell_type == "code"), len(nb.cells))
        nb.cells.insert(first_code, wanted)
        nbformat.write(nb, path)
    return stale


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="only report chapters whose cell is missing or stale")
    args = parser.parse_args(argv)
    stale = sync(args.check)
    for path in stale:
        print(f"{'stale' if args.check else 'updated'}: {path.relative_to(ROOT)}")
    return 1 if (args.check and stale) else 0


if __name__ == "__main__":
    sys.exit(main())
