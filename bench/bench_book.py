"""Time the book build (clean and cached) and the test suite.

Run from the repository root after `make venv assets`:

    .venv/bin/python bench/bench_book.py            # clean build, cached rebuild, tests
    .venv/bin/python bench/bench_book.py --no-tests # builds only

A clean build executes every notebook.  A cached rebuild with nothing changed does almost
nothing; one with ``--all`` re-renders every page but takes every notebook's outputs from
the jupyter-cache, as happens when a Markdown page or the configuration changes.  It prints the figures; it asserts nothing.
The clean build deletes ``_build``.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent


def timed(label: str, command: list[str], env: dict[str, str]) -> float:
    start = time.perf_counter()
    result = subprocess.run(command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    seconds = time.perf_counter() - start
    status = "ok" if result.returncode == 0 else f"FAILED (exit {result.returncode})"
    print(f"{label:<34} {seconds:8.1f} s   {status}", flush=True)
    if result.returncode != 0:
        print(result.stderr[-3000:], file=sys.stderr)
    return seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--no-tests", action="store_true", help="skip timing the test suite")
    args = parser.parse_args()
    env = dict(os.environ, CNN_COURSE_BOOK="1", CNN_COURSE_STRICT_CHECKS="1", TF_CPP_MIN_LOG_LEVEL="3")
    build = [str(BIN / "jupyter-book"), "build", ".", "-W", "-n", "--keep-going"]
    print(f"machine: {os.cpu_count()} CPU cores, Python {sys.version.split()[0]}")
    shutil.rmtree(ROOT / "_build", ignore_errors=True)
    timed("clean book build", build, env)
    timed("cached rebuild (nothing changed)", build, env)
    timed("cached rebuild of every page (--all)", build + ["--all"], env)
    if not args.no_tests:
        test_env = {k: v for k, v in env.items() if k != "CNN_COURSE_BOOK"}
        timed("test suite (pytest, book built)", [str(BIN / "python"), "-m", "pytest", "-q", "-p", "no:cacheprovider"], test_env)


if __name__ == "__main__":
    main()
