"""Write (or check) the Colab setup cell at the top of every chapter.

Colab opens a chapter straight from the repository, with none of the course installed.
Each chapter therefore starts with a small cell that, in Colab only, clones the course
at the configured branch, installs ``requirements.txt`` without its TensorFlow/Keras
lines (Colab's own GPU TensorFlow is kept), installs the ``cnn_course`` package and
fetches MNIST.  Anywhere else (JupyterLab, Binder, the book build, the tests) it does
nothing.  The repository address comes from ``repository: url`` in ``_config.yml``, the
one setting that also drives the launch buttons.

    python tools/setup_cell.py          # write the cell into every chapter
    python tools/setup_cell.py --check  # exit 1 if a chapter's cell is missing or stale
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import nbformat
import yaml

ROOT = Path(__file__).resolve().parents[1]
MARKER = "cnn_course_setup"

TEMPLATE = '''\
# Setup for Google Colab: installs the course and its data there; does nothing elsewhere.
# (Written by tools/setup_cell.py from the repository set in _config.yml.)
import os, subprocess, sys

COURSE_REPOSITORY = {url!r}
COURSE_BRANCH = {branch!r}


def setup_colab():
    if "google.colab" not in sys.modules:
        return "not on Colab: nothing to install"
    if not COURSE_REPOSITORY:
        raise RuntimeError(
            "This copy of the course does not know its repository address: set "
            "`repository: url` in _config.yml and run `python tools/setup_cell.py`."
        )
    home = os.environ.get("CNN_COURSE_COLAB_DIR", "/content/cnn-course")
    if not os.path.isdir(home):
        subprocess.run(["git", "clone", "--depth", "1", "--branch", COURSE_BRANCH,
                        COURSE_REPOSITORY, home], check=True)
    # Keep Colab's own (GPU) TensorFlow and Keras: drop those pins.
    with open(os.path.join(home, "requirements.txt")) as f:
        keep = [line for line in f if not line.lstrip().lower().startswith(("tensorflow", "keras"))]
    requirements = os.path.join(home, "requirements-colab.txt")
    with open(requirements, "w") as f:
        f.writelines(keep)
    subprocess.run([sys.executable, "-m", "pip", "install", "-q", "-r", requirements], check=True)
    subprocess.run([sys.executable, "-m", "pip", "install", "-q", "--no-deps", "-e", home], check=True)
    subprocess.run([sys.executable, "-m", "cnn_course.data", "fetch", "mnist"], check=True)
    if home not in sys.path:
        sys.path.insert(0, home)
    return "installed: if NumPy was already imported, restart the session (Runtime > Restart session)"


print(setup_colab())
'''


def repository() -> tuple[str, str]:
    """The repository address and branch set in ``_config.yml``."""
    config = yaml.safe_load((ROOT / "_config.yml").read_text()) or {}
    repo = config.get("repository") or {}
    return str(repo.get("url") or ""), str(repo.get("branch") or "main")


def cell_source(url: str, branch: str) -> str:
    """The setup cell's code for the given repository address and branch."""
    return TEMPLATE.format(url=url, branch=branch)


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
