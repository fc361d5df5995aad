"""Helpers for writing chapter notebooks from Python, in the course's conventions.

A chapter can be written as a short Python script that lists its cells and calls
:func:`write`; the script is a convenience for authors, the committed ``.ipynb`` is the
source of truth (edit it in JupyterLab afterwards if you prefer).

* :func:`md` - a Markdown cell (one sentence per line keeps diffs readable);
* :func:`code` - a code cell, with optional tags (``hide-input``, ``remove-output``...);
* :func:`hidden` - a cell that asserts the numbers the prose states; tagged ``remove-cell``
  so it runs in the tests and the build but does not show in the book;
* :func:`exercise` - an exercise: the statement (sphinx-exercise), then a folded solution
  whose cells are marked the nbgrader way (:func:`write` marks them all) and whose code
  ends with a call to a check from ``cnn_course.exercises``.
"""

import textwrap

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

def md(s):
    return new_markdown_cell(textwrap.dedent(s).strip("\n"))

def code(s, tags=None, **meta):
    c = new_code_cell(textwrap.dedent(s).strip("\n"))
    if tags:
        c.metadata["tags"] = list(tags)
    c.metadata.update(meta)
    return c

def hidden(s):
    """A check of the numbers the prose states: runs in tests and the build, hidden in the book."""
    return code("# Check the numbers stated in the text (hidden in the book).\n" + textwrap.dedent(s).strip("\n"), tags=["remove-cell"])

def exercise(label, title, statement, solution_code, explanation=None):
    cells = [md(f"````{{exercise}} {title}\n:label: {label}\n\n{textwrap.dedent(statement).strip()}\n````")]
    cells.append(md(f"````{{solution-start}} {label}\n:class: dropdown\n````"))
    if explanation:
        cells.append(md(explanation))
    c = code(solution_code)
    c.metadata["nbgrader"] = {"grade": False, "grade_id": label, "locked": False, "schema_version": 3, "solution": True, "task": False}
    cells.append(c)
    cells.append(md("````{solution-end}\n````"))
    return cells

def write(cells, path):
    nb = new_notebook(cells=cells)
    nb.metadata = {
        "kernelspec": {"display_name": "Python 3 (ipykernel)", "language": "python", "name": "python3"},
        "language_info": {"name": "python", "pygments_lexer": "ipython3"},
    }
    # Every cell of a solution gate (a written answer too) gets its nbgrader marks, so that
    # nbgrader and `make student` hand out the same notebook and no answer leaks.
    from cnn_course.student import mark_notebook

    mark_notebook(nb)
    nbformat.validate(nb)
    nbformat.write(nb, path)
