"""Time the two README commands (``make book``, ``make test``) and the fast loop (``make check``).

Run from the repository root:

    python bench/bench_book.py                 # in this checkout: clean book, make test, make check
    python bench/bench_book.py --fresh-clone   # as a new user: a fresh clone of HEAD beside this
                                               # checkout (so ../shared is found), an empty data
                                               # cache, then make book, make test, make check
    python bench/bench_book.py --only check    # one of them

In this checkout the clean build deletes ``_build`` first, so every chapter executes.  A
fresh clone also creates its own ``.venv`` (from pip's cache where it has one) and fetches
MNIST into its empty cache, as the README's commands do on a new machine.  Each figure is
the wall time of one run; the script prints them and asserts nothing.  ``make test``
includes a second ``make book``, which finds the book up to date.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def timed(label: str, command: list[str], cwd: Path, env: dict[str, str], log: Path) -> float:
    start = time.perf_counter()
    with log.open("w") as out:
        result = subprocess.run(command, cwd=cwd, env=env, stdout=out, stderr=subprocess.STDOUT)
    seconds = time.perf_counter() - start
    status = "ok" if result.returncode == 0 else f"FAILED (exit {result.returncode}, see {log})"
    print(f"{label:<14} {seconds:8.1f} s  ({seconds / 60:5.1f} min)   {status}", flush=True)
    return seconds


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--fresh-clone", action="store_true", help="time a fresh clone of HEAD with an empty data cache")
    parser.add_argument("--only", choices=["book", "test", "check"], action="append", help="time only these (repeatable)")
    parser.add_argument("--keep", action="store_true", help="keep the fresh clone and its logs")
    args = parser.parse_args()
    targets = args.only or ["book", "test", "check"]
    env = dict(os.environ)
    env.pop("CNN_COURSE_BOOK", None)
    logs = Path(tempfile.mkdtemp(prefix="bench_book_logs_"))
    where = ROOT
    clone = None
    if args.fresh_clone:
        # beside this checkout, so that the clone finds ../shared as a checkout does
        clone = Path(tempfile.mkdtemp(prefix="bench_clone_", dir=ROOT.parent))
        subprocess.run(["git", "clone", "--quiet", str(ROOT), str(clone)], check=True)
        where = clone
        cache = Path(tempfile.mkdtemp(prefix="bench_book_cache_"))  # empty: MNIST is fetched again
        env["CNN_COURSE_CACHE"] = str(cache)
    print(f"machine: {os.cpu_count()} CPU cores, Python {sys.version.split()[0]}; "
          f"{'fresh clone ' + str(where) if clone else 'this checkout'}; logs in {logs}")
    if "book" in targets and not clone:
        shutil.rmtree(ROOT / "_build", ignore_errors=True)
    total = 0.0
    for target in targets:
        seconds = timed(f"make {target}", ["make", target], where, env, logs / f"{target}.log")
        if target in ("book", "test"):
            total += seconds
    if {"book", "test"} <= set(targets):
        print(f"{'book + test':<14} {total:8.1f} s  ({total / 60:5.1f} min)")
    if clone and not args.keep:
        shutil.rmtree(clone, ignore_errors=True)
        shutil.rmtree(cache, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
