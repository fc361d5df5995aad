"""Execute the book's notebooks in parallel into the cache that ``jupyter-book build`` reads.

``make book`` runs this before ``jupyter-book build``.  Jupyter Book (MyST-NB, with
``execute_notebooks: cache`` in ``_config.yml``) executes notebooks one after the other while
Sphinx reads them; here each notebook of the table of contents whose code is not already in
the cache is executed in its own kernel, several at a time, and its outputs are stored in the
same jupyter-cache folder.  The build then finds every notebook cached ("Using cached
notebook") and only renders.  A notebook is matched to its cached copy by a hash of its code
cells and kernel, exactly as MyST-NB matches it, so editing prose re-executes nothing and
editing code re-executes that notebook only.

Each notebook runs as MyST-NB would run it: in its own folder, with ``_config.yml``'s
``execute.timeout`` and ``allow_errors``, under this process's environment.  A notebook that
fails is not cached: this command prints the failing cell's error and exits with status 1, so
``make book`` stops there and the next ``make book`` executes that notebook again.

    python tools/execute_chapters.py             # the notebooks of _toc.yml, one per core
    python tools/execute_chapters.py --jobs 1    # one at a time
    python tools/execute_chapters.py --dry-run   # list what would run, in that order

Notebooks start in the reverse of the reading order: the later chapters train and evaluate
the bigger networks and take longest, and starting the longest first ends the whole run
soonest.  Where the cache remembers how long a notebook took last time, that time decides.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
from pathlib import Path
from typing import Any

import nbformat
import yaml

ROOT = Path(__file__).resolve().parents[1]


def toc_notebooks(root: Path) -> list[Path]:
    """The ``.ipynb`` files named in ``root/_toc.yml``, in reading order."""
    toc_path = root / "_toc.yml"
    try:
        toc = yaml.safe_load(toc_path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise SystemExit(f"execute_chapters: no table of contents at {toc_path}") from None
    files: list[str] = []

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            if isinstance(node.get("file"), str):
                files.append(node["file"])
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for item in node:
                walk(item)

    if isinstance(toc.get("root"), str):
        files.append(toc["root"])
    walk({key: value for key, value in toc.items() if key != "root"})
    notebooks = []
    for name in files:
        path = root / name
        if path.suffix != ".ipynb":
            path = path.with_suffix(".ipynb")
        if path.is_file() and path not in notebooks:
            notebooks.append(path)
    return notebooks


def execute_settings(root: Path) -> tuple[int | None, bool]:
    """``execute.timeout`` and ``execute.allow_errors`` from ``root/_config.yml``."""
    config = yaml.safe_load((root / "_config.yml").read_text(encoding="utf-8")) or {}
    execute = config.get("execute") or {}
    if execute.get("execute_notebooks", "cache") != "cache":
        raise SystemExit(
            "execute_chapters: _config.yml's execute.execute_notebooks must be 'cache' "
            f"for a pre-executed cache to be used, not {execute.get('execute_notebooks')!r}"
        )
    timeout = execute.get("timeout", 30)
    return (None if timeout in (None, -1) else int(timeout)), bool(execute.get("allow_errors", False))


def _execute(path: str, timeout: int | None, allow_errors: bool) -> tuple[str, Any, float, str | None]:
    """Run one notebook in a fresh kernel, in its own folder (a worker process)."""
    from jupyter_cache.executors.utils import single_nb_execution

    notebook = nbformat.read(path, as_version=4)
    result = single_nb_execution(notebook, cwd=str(Path(path).parent), timeout=timeout, allow_errors=allow_errors)
    return path, result.nb, result.time, result.exc_string if result.err is not None else None


def _last_error_lines(traceback_text: str, lines: int = 25) -> str:
    return "\n".join(traceback_text.rstrip().splitlines()[-lines:])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--root", type=Path, default=ROOT, help="the book's folder (default: this checkout)")
    parser.add_argument("--cache", type=Path, help="the jupyter-cache folder (default: ROOT/_build/.jupyter_cache)")
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1, help="notebooks at a time (default: one per core)")
    parser.add_argument("--dry-run", action="store_true", help="list the notebooks that would run and stop")
    args = parser.parse_args(argv)
    if args.jobs < 1:
        parser.error(f"--jobs must be a positive number of notebooks, got {args.jobs}")

    from jupyter_cache import get_cache
    from jupyter_cache.base import CacheBundleIn

    root = args.root.resolve()
    cache = get_cache(str(args.cache or root / "_build" / ".jupyter_cache"))
    timeout, allow_errors = execute_settings(root)

    last_seconds: dict[str, float] = {}
    for record in cache.list_cache_records():
        seconds = (record.data or {}).get("execution_seconds")
        if isinstance(seconds, (int, float)):
            last_seconds[str(Path(record.uri).resolve())] = float(seconds)

    pending: list[Path] = []
    for path in toc_notebooks(root):
        try:
            cache.match_cache_notebook(nbformat.read(path, as_version=4))
        except KeyError:
            pending.append(path)
    reading_order = {path: i for i, path in enumerate(pending)}
    pending.sort(key=lambda p: (-last_seconds.get(str(p), float("inf")), -reading_order[p]))
    if args.dry_run or not pending:
        for path in pending:
            print(path.relative_to(root))
        if not pending:
            print("execute_chapters: every notebook is already in the cache")
        return 0

    jobs = min(args.jobs, len(pending))
    print(f"execute_chapters: executing {len(pending)} notebook(s), {jobs} at a time", flush=True)
    failed: list[tuple[Path, str]] = []
    start = time.perf_counter()
    with ProcessPoolExecutor(max_workers=jobs) as pool:
        futures = {pool.submit(_execute, str(p), timeout, allow_errors): p for p in pending}
        remaining = set(futures)
        while remaining:
            done, remaining = wait(remaining, return_when=FIRST_COMPLETED)
            for future in done:
                path = futures[future]
                name = path.relative_to(root)
                try:
                    _, notebook, seconds, error = future.result()
                except Exception as exc:  # the worker itself died (kernel could not start, ...)
                    failed.append((path, f"{type(exc).__name__}: {exc}"))
                    print(f"  FAILED {name}: {type(exc).__name__}: {exc}", flush=True)
                    continue
                if error is not None:
                    failed.append((path, error))
                    print(f"  FAILED {name} after {seconds:.1f} s", flush=True)
                    continue
                stage = cache.add_nb_to_project(str(path))
                cache.cache_notebook_bundle(
                    CacheBundleIn(notebook, stage.uri, data={"execution_seconds": seconds}),
                    check_validity=False,
                    overwrite=True,
                )
                print(f"  {name}: {seconds:.1f} s", flush=True)
    print(f"execute_chapters: {time.perf_counter() - start:.1f} s in all", flush=True)
    for path, error in failed:
        print(f"\n{path.relative_to(root)} failed:\n{_last_error_lines(error)}", file=sys.stderr)
    if failed:
        print(
            f"\nexecute_chapters: {len(failed)} notebook(s) failed; fix them and run `make book` again",
            file=sys.stderr,
        )
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
