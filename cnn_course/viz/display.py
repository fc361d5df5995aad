"""How Altair charts are rendered: one choice for the HTML book, one for live notebooks.

The built HTML book serves Vega, Vega-Lite and Vega-Embed itself (see
``tools/vendor_js.py`` and ``_config.yml``), so a chart in the book is a ``<div>`` plus a
call to the page's global ``vegaEmbed``: small, and it works with no network and no
kernel.  A live notebook (JupyterLab, Colab, Binder) has no such page around it, so there
each chart carries what it needs:

* if ``vl-convert-python`` is installed, Altair's ``html`` renderer with the ``inline``
  template embeds the JavaScript in the output: works offline, ~1 MB per chart;
* otherwise, and always on Google Colab, Altair's ``html`` renderer loads the JavaScript
  from a CDN (needs internet, which Colab and Binder have).

The book build sets the environment variable ``CNN_COURSE_BOOK=1`` (see the Makefile);
:func:`setup` reads it.  Every chapter calls :func:`setup` once in its first cell.
"""

from __future__ import annotations

import hashlib
import json
import os
import sys
from typing import Any, Literal

import altair as alt

BOOK_ENV_VAR = "CNN_COURSE_BOOK"
BOOK_RENDERER = "cnn_course_book"

Mode = Literal["auto", "book", "inline", "cdn"]

_BOOK_TEMPLATE = """\
<div id="{div}" class="cnn-course-chart"></div>
<script type="text/javascript">
(function () {{
  var el = document.getElementById("{div}");
  if (typeof vegaEmbed === "undefined") {{
    el.innerHTML = "<p><em>This chart needs Vega-Embed, which the course serves with the book.</em></p>";
    return;
  }}
  vegaEmbed(el, {spec}, {options}).catch(function (err) {{
    el.innerHTML = "<pre>" + String(err) + "</pre>";
    console.error(err);
  }});
}})();
</script>"""


def book_html(spec: dict[str, Any], embed_options: dict[str, Any] | None = None) -> str:
    """Return the HTML that draws ``spec`` with the page's own ``vegaEmbed``.

    The ``<div>`` id is derived from the spec, so re-running a notebook gives the same
    output (stable diffs and build caches).

    Parameters
    ----------
    spec : dict
        A Vega-Lite specification, e.g. ``chart.to_dict()``.
    embed_options : dict, optional
        Options for ``vegaEmbed`` (default: no action menu, SVG renderer).

    Examples
    --------
    >>> html = book_html({"mark": "point"})
    >>> html.startswith('<div id="cnn-course-chart-')
    True
    """
    if not isinstance(spec, dict):
        raise TypeError(f"spec must be a dict (a Vega-Lite specification), got {type(spec).__name__}")
    options = {"actions": False, "renderer": "svg"} if embed_options is None else embed_options
    spec_json = json.dumps(spec, sort_keys=True, separators=(",", ":"))
    digest = hashlib.sha1(spec_json.encode()).hexdigest()[:12]
    return _BOOK_TEMPLATE.format(
        div=f"cnn-course-chart-{digest}",
        spec=spec_json.replace("</", "<\\/"),
        options=json.dumps(options),
    )


def _book_renderer(spec: dict[str, Any], **metadata: Any) -> dict[str, str]:
    embed_options = metadata.get("embed_options")
    return {"text/html": book_html(spec, embed_options), "text/plain": "<Altair chart>"}


alt.renderers.register(BOOK_RENDERER, _book_renderer)


def _has_vl_convert() -> bool:
    try:
        import vl_convert  # noqa: F401
    except ImportError:
        return False
    return True


def chosen_mode(mode: Mode = "auto") -> Literal["book", "inline", "cdn"]:
    """Resolve ``mode="auto"`` to the renderer that fits where the code runs.

    Examples
    --------
    >>> chosen_mode("cdn")
    'cdn'
    """
    if mode not in ("auto", "book", "inline", "cdn"):
        raise ValueError(f"mode must be one of 'auto', 'book', 'inline', 'cdn', got {mode!r}")
    if mode != "auto":
        return mode
    if os.environ.get(BOOK_ENV_VAR, "") not in ("", "0"):
        return "book"
    if "google.colab" in sys.modules:  # online, and 1 MB of JavaScript per chart is heavy there
        return "cdn"
    return "inline" if _has_vl_convert() else "cdn"


def setup(mode: Mode = "auto") -> None:
    """Choose how Altair charts render here; call once at the top of a chapter.

    Parameters
    ----------
    mode : {"auto", "book", "inline", "cdn"}
        ``"auto"`` (default) picks ``"book"`` when the environment variable
        ``CNN_COURSE_BOOK`` is set (the book build), ``"cdn"`` on Google Colab, else
        ``"inline"`` when ``vl-convert-python`` is installed, else ``"cdn"``.

    Examples
    --------
    >>> setup("cdn")
    >>> alt.renderers.active
    'html'
    """
    resolved = chosen_mode(mode)
    if resolved == "book":
        alt.renderers.enable(BOOK_RENDERER)
    elif resolved == "inline":
        alt.renderers.enable("html", template="inline")
    else:
        alt.renderers.enable("html")


def show_source(obj: Any, *, docstring: bool = False) -> Any:
    """Display the source code of a function of the course, highlighted.

    Chapters use it to show the teaching (loop) versions next to their equations.

    Parameters
    ----------
    obj : function or class
        What to show.
    docstring : bool
        Keep the docstring (default: drop it, the code is the point).

    Examples
    --------
    >>> code = show_source(setup)
    >>> "def setup" in code.data and "Examples" not in code.data
    True
    """
    import ast
    import inspect
    import textwrap

    from IPython.display import Code

    try:
        source = textwrap.dedent(inspect.getsource(obj))
    except (TypeError, OSError) as err:
        raise TypeError(f"obj must be a function or class defined in Python source, got {obj!r}") from err
    if not docstring:
        node = ast.parse(source).body[0]
        body = getattr(node, "body", [])
        if body and isinstance(body[0], ast.Expr) and isinstance(getattr(body[0], "value", None), ast.Constant) and isinstance(body[0].value.value, str):
            lines = source.splitlines()
            first, last = body[0].lineno - 1, body[0].end_lineno or body[0].lineno
            source = "\n".join(lines[:first] + lines[last:]) + "\n"
    return Code(source, language="python")


def table(frame: Any, *, number_format: str = "{:g}", integer_format: str | None = None) -> Any:
    """Show a DataFrame as a compact table: no index column, floats without trailing zeros;
    ``integer_format="{:,}"`` adds thousands separators to integer columns.

    ``frame`` may also be a list of dicts, one per row (e.g. :func:`cnn_course.models.layer_table`).

    Examples
    --------
    >>> import pandas as pd
    >>> html = table(pd.DataFrame({"x": [0.5, 2.0], "n": [1234567, 3]}), integer_format="{:,}").to_html()
    >>> "0.5" in html and "2.000000" not in html and "1,234,567" in html
    True
    >>> "<th" in table([{"layer": "C1", "parameters": 156}]).to_html()
    True
    """
    import pandas as pd

    if isinstance(frame, (list, tuple)) and frame and all(isinstance(row, dict) for row in frame):
        frame = pd.DataFrame(list(frame))
    if not isinstance(frame, pd.DataFrame):
        raise TypeError(f"frame must be a pandas DataFrame or a list of dicts (rows), got {type(frame).__name__}")
    floats = [c for c in frame.columns if pd.api.types.is_float_dtype(frame[c])]
    ints = [c for c in frame.columns if pd.api.types.is_integer_dtype(frame[c]) and not pd.api.types.is_bool_dtype(frame[c])]
    styled = frame.style.hide(axis="index").format(number_format, subset=floats)
    return styled.format(integer_format, subset=ints) if integer_format else styled
