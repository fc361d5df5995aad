"""Small fixes to the HTML pages of the book, as a local Sphinx extension.

* sphinx-thebe registers its inline configuration script once per read phase, so a page
  can end up with two ``const THEBE_JS_URL = ...`` scripts, and the browser throws
  "Identifier 'THEBE_JS_URL' has already been declared".  We drop repeated scripts.
* pydata-sphinx-theme logs a console error when no colour mode is stored yet (a first
  visit, or a page opened from disk); we give it a default mode.
* Launch buttons (Binder, Colab, JupyterHub) and the repository/issue buttons need the
  public repository's address, set once as ``repository: url:`` in ``_config.yml``.  While
  it is empty the book theme would crash on them, so they are dropped; once it is set they
  are all switched on.
* A chapter whose execution failed fails every later build too.  Sphinx re-reads only the
  pages whose source changed, so without this a second ``make book`` after a failed one
  would read nothing, execute nothing and report success.  MyST-NB records each
  notebook's last execution in the environment; pages whose last execution failed are
  marked outdated, so they are executed again (and fail again, naming the chapter) until
  they execute cleanly.
"""

from __future__ import annotations

from typing import Any

from sphinx.application import Sphinx
from sphinx.util import logging

logger = logging.getLogger(__name__)


def _dedupe_scripts(app: Sphinx, pagename: str, templatename: str, context: dict[str, Any], doctree: Any) -> None:
    scripts = context.get("script_files")
    if not scripts:
        return
    seen: set[tuple[str, str]] = set()
    unique = []
    for script in scripts:
        filename = getattr(script, "filename", script) or ""
        key = (str(filename), repr(sorted(getattr(script, "attributes", {}).items())))
        if key in seen:
            continue
        seen.add(key)
        unique.append(script)
    context["script_files"] = unique


def _default_mode(app: Sphinx, pagename: str, templatename: str, context: dict[str, Any], doctree: Any) -> None:
    # pydata-sphinx-theme's layout reads this template variable; the book theme does not
    # accept it as a theme option, so we set it in the page context.
    context.setdefault("default_mode", "light")


def _launch_buttons_need_a_repository(app: Sphinx) -> None:
    options = app.config.html_theme_options
    if str(options.get("repository_url") or "").strip():
        # Jupyter Book refuses these buttons in _config.yml without an address, so they
        # stay off there and are switched on here once the address is set.
        options["use_repository_button"] = True
        options["use_issues_button"] = True
        return
    options.pop("launch_buttons", None)
    for button in ("use_repository_button", "use_issues_button", "use_edit_page_button"):
        options[button] = False


def failed_executions(env: Any) -> list[str]:
    """The documents whose last notebook execution (recorded by MyST-NB) failed."""
    records = getattr(env, "nb_metadata", None) or {}
    return sorted(
        doc
        for doc, data in records.items()
        if doc in env.found_docs and (data.get("exec_data") or {}).get("succeeded") is False
    )


def _execute_failed_chapters_again(app: Sphinx, env: Any, added: set[str], changed: set[str], removed: set[str]) -> list[str]:
    docs = [doc for doc in failed_executions(env) if doc not in added | changed | removed]
    if docs:
        logger.info("executing again, since their last execution failed: %s", ", ".join(docs))
    return docs


def setup(app: Sphinx) -> dict[str, Any]:
    # before the book theme reads its options (it raises on repository buttons without an
    # address)
    app.connect("builder-inited", _launch_buttons_need_a_repository, priority=100)
    app.connect("env-get-outdated", _execute_failed_chapters_again)
    app.connect("html-page-context", _default_mode)
    app.connect("html-page-context", _dedupe_scripts, priority=900)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
