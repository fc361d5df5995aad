"""Run every chapter as Google Colab would: Colab's package versions, the chapters' own setup.

1. A Python 3.13 virtual environment gets the packages of ``tools/colab/requirements.txt``
   at the versions of ``tools/colab/constraints-2026-08.txt``, a copy of Colab's published
   ``pip freeze`` (its header says where and when it was taken).  Nothing of the course.
2. ``pip freeze`` is recorded.
3. Each chapter of ``_toc.yml`` runs top to bottom in a fresh kernel of that environment,
   started the way Colab starts its kernels (``google.colab`` imported: the stand-in in
   ``tools/colab/sim``), from an empty working folder, as a notebook opened in Colab has no
   checkout around it.  The chapter's first cell, seeing ``google.colab``, installs the
   course with ``%pip install --no-deps`` from ``CNN_COURSE_SOURCE`` (here a copy of this
   checkout's package files) and calls ``cnn_course.colab.setup()``.  Wrong exercise
   answers raise (``CNN_COURSE_STRICT_CHECKS=1``), as in the book build.
4. ``pip freeze`` again: the only change allowed is the course's own package.
5. The unit tests of the interactive parts (the ipywidgets explorers, the Altair charts,
   the shared kit: ``UNIT_TESTS``) run in that environment too, on Colab's ipywidgets 7.7
   and Altair 5.5.  The test tools (pytest, hypothesis, vl-convert-python) go into a folder
   of their own (``--target``) on that run's ``PYTHONPATH``, so the environment itself keeps
   Colab's packages only.

This machine has no internet beyond the package registries, so the kernels get
``CNN_COURSE_OFFLINE=1`` and the course's data cache (``make data`` fills it): on Colab
the same chapters would take MNIST and CIFAR-10 from Keras's download instead.  The
settings of the test suite's second numeric path (``tools/numeric_path.py``) are removed
from the kernels' environment: Colab runs on its machine's own.

    python tools/colab_check.py                      # build (or reuse) the venv, run all
    python tools/colab_check.py --chapters pooling   # a subset
    python tools/colab_check.py --out report.json

Exit status 0 when the setup left Colab's packages alone and every chapter ran.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
COLAB = ROOT / "tools" / "colab"
CONSTRAINTS = COLAB / "constraints-2026-08.txt"
REQUIREMENTS = COLAB / "requirements.txt"
SIM = COLAB / "sim"
COLAB_PYTHON = "3.13"
DISTRIBUTION = "cnn-course"
#: Environment variables of the suite's second numeric path, which Colab does not have.
NUMERIC_PATH_VARIABLES = (
    "NPY_DISABLE_CPU_FEATURES",
    "ONEDNN_MAX_CPU_ISA",
    "OMP_NUM_THREADS",
    "OPENBLAS_NUM_THREADS",
    "MKL_NUM_THREADS",
    "TF_NUM_INTRAOP_THREADS",
    "TF_NUM_INTEROP_THREADS",
    "CNN_COURSE_NUMERIC_PATH",
)
#: The unit tests that also run on Colab's versions (step 5).
UNIT_TESTS = ("tests/kit", "tests/*/test_*explorers.py", "tests/*/test_*charts.py", "tests/pooling", "tests/vision")
#: The test tools for step 5: Colab's own pytest; hypothesis and vl-convert-python (which
#: the chart tests use to draw a chart as the page would), not in Colab, at the course's pins.
TEST_TOOLS = ("pytest==8.4.2", "hypothesis==6.170.15", "vl-convert-python==1.9.0.post1")
#: What a wheel of the package is built from (pyproject.toml's packages and package data).
PACKAGE_FILES = ("pyproject.toml", "README.md", "cnn_course", "data")


def find_python(version: str = COLAB_PYTHON, variable: str = "COLAB_PYTHON") -> Path | None:
    """A Python ``version`` interpreter: ``$variable``, ``python<version>`` on PATH, or pyenv's."""
    candidates = [os.environ.get(variable, ""), shutil.which(f"python{version}") or ""]
    pyenv_root = Path(os.environ.get("PYENV_ROOT", Path.home() / ".pyenv"))
    candidates += [str(p / "bin" / "python3") for p in sorted(pyenv_root.glob(f"versions/{version}.*"), reverse=True)]
    for candidate in candidates:
        if candidate and Path(candidate).is_file():
            out = subprocess.run([candidate, "-c", "import sys; print('%d.%d' % sys.version_info[:2])"],
                                 capture_output=True, text=True)
            if out.returncode == 0 and out.stdout.strip() == version:
                return Path(candidate)
    return None


def _stamp() -> str:
    digest = hashlib.sha256()
    for path in (CONSTRAINTS, REQUIREMENTS):
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def build_venv(venv: Path, python: Path) -> Path:
    """Create (or reuse, if built from the same files) the Colab-like venv; return its python."""
    exe = venv / "bin" / "python"
    marker = venv / ".colab-constraints"
    if exe.is_file() and marker.is_file() and marker.read_text() == _stamp():
        return exe
    if venv.exists():
        shutil.rmtree(venv)
    subprocess.run([str(python), "-m", "venv", str(venv)], check=True)
    subprocess.run(
        [str(exe), "-m", "pip", "install", "--quiet", "--disable-pip-version-check",
         "-r", str(REQUIREMENTS), "-c", str(CONSTRAINTS)],
        check=True,
    )
    marker.write_text(_stamp())
    return exe


def freeze(exe: Path) -> list[str]:
    out = subprocess.run([str(exe), "-m", "pip", "freeze", "--all", "--disable-pip-version-check"],
                         capture_output=True, text=True, check=True)
    return sorted(line for line in out.stdout.splitlines() if line.strip())


def _name(line: str) -> str:
    return line.split("==")[0].split(" @ ")[0].strip().lower().replace("_", "-")


def freeze_changes(before: list[str], after: list[str]) -> dict[str, list[str]]:
    """What changed between two ``pip freeze`` listings, ignoring the course's own package.

    Examples
    --------
    >>> freeze_changes(["numpy==2.1.3"], ["numpy==2.1.3", "cnn-course @ file:///x"])
    {'removed': [], 'added': []}
    >>> freeze_changes(["numpy==2.1.3"], ["numpy==2.4.6"])
    {'removed': ['numpy==2.1.3'], 'added': ['numpy==2.4.6']}
    """
    keep = lambda lines: {line for line in lines if _name(line) != DISTRIBUTION}  # noqa: E731
    b, a = keep(before), keep(after)
    return {"removed": sorted(b - a), "added": sorted(a - b)}


def chapters(names: list[str] | None = None) -> list[Path]:
    """The chapter notebooks of ``_toc.yml``, in reading order (or the ``names`` given)."""
    import yaml

    toc = yaml.safe_load((ROOT / "_toc.yml").read_text())
    files = [c["file"] for part in toc.get("parts", []) for c in part.get("chapters", [])]
    found = [ROOT / f"{f}.ipynb" for f in files if f.startswith("chapters/")]
    if names:
        wanted = {n.removesuffix(".ipynb") for n in names}
        unknown = wanted - {p.stem for p in found}
        if unknown:
            raise SystemExit(f"--chapters: no chapter named {', '.join(sorted(unknown))} (have {', '.join(p.stem for p in found)})")
        found = [p for p in found if p.stem in wanted]
    return found


def package_copy(target: Path) -> Path:
    """Copy the files a wheel of the course is built from into ``target``; return it."""
    target.mkdir(parents=True, exist_ok=True)
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc", "*.egg-info")
    for name in PACKAGE_FILES:
        source = ROOT / name
        if source.is_dir():
            shutil.copytree(source, target / name, ignore=ignore)
        else:
            shutil.copy2(source, target / name)
    return target


def kernel_env(source: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in NUMERIC_PATH_VARIABLES}
    for name in ("CNN_COURSE_BOOK", "PYTHONPATH", "VIRTUAL_ENV"):
        env.pop(name, None)
    env.update(
        CNN_COURSE_SOURCE=str(source),
        CNN_COURSE_OFFLINE="1",
        CNN_COURSE_STRICT_CHECKS="1",
        TF_CPP_MIN_LOG_LEVEL="3",
        PIP_DISABLE_PIP_VERSION_CHECK="1",
        PYDEVD_DISABLE_FILE_VALIDATION="1",
    )
    return env


def run_chapter(notebook: Path, exe: Path, workdir: Path, env: dict[str, str], timeout: int) -> dict:
    """Execute one chapter in a Colab-like kernel; return its record."""
    import nbformat
    from jupyter_client.kernelspec import KernelSpecManager
    from jupyter_client.manager import KernelManager
    from nbclient import NotebookClient
    from nbclient.exceptions import CellExecutionError

    specs = workdir / "kernels"
    spec_dir = specs / "colab-sim"
    spec_dir.mkdir(parents=True, exist_ok=True)
    (spec_dir / "kernel.json").write_text(json.dumps({
        "argv": [str(exe), "-Xfrozen_modules=off", "-m", "colab_kernel", "-f", "{connection_file}"],
        "display_name": "Python 3 (Colab-like)",
        "language": "python",
        "env": {"PYTHONPATH": str(SIM)},
    }))
    content = workdir / "content"
    content.mkdir(exist_ok=True)
    nb = nbformat.read(notebook, as_version=4)
    km = KernelManager(kernel_name="colab-sim", kernel_spec_manager=KernelSpecManager(kernel_dirs=[str(specs)]))
    client = NotebookClient(nb, km=km, timeout=timeout, resources={"metadata": {"path": str(content)}})
    start = time.perf_counter()
    try:
        client.execute(env=env)  # the kernel's environment (jupyter_client adds the spec's env)
        error = None
    except CellExecutionError as err:
        error = str(err)[-3000:]
    except Exception as err:  # a kernel that died or timed out
        error = f"{type(err).__name__}: {err}"[-3000:]
    seconds = time.perf_counter() - start
    setup_output = ""
    first = next((c for c in nb.cells if c.cell_type == "code"), None)
    if first is not None:
        setup_output = "".join(o.get("text", "") for o in first.get("outputs", []) if o.get("output_type") == "stream")
    return {"chapter": notebook.stem, "ok": error is None, "seconds": round(seconds, 1),
            "setup_output": setup_output.strip()[-500:], "error": error}


def run_unit_tests(exe: Path, venv: Path) -> dict:
    """Run :data:`UNIT_TESTS` with the venv's python, the test tools kept outside the venv."""
    tools = venv.parent / (venv.name + "-testtools")
    marker = tools / ".tools"
    if not (marker.is_file() and marker.read_text() == " ".join(TEST_TOOLS)):
        shutil.rmtree(tools, ignore_errors=True)
        subprocess.run([str(exe), "-m", "pip", "install", "--quiet", "--disable-pip-version-check",
                        "--target", str(tools), "-c", str(CONSTRAINTS), *TEST_TOOLS],
                       check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        marker.write_text(" ".join(TEST_TOOLS))
    paths = sorted({str(p.relative_to(ROOT)) for pattern in UNIT_TESTS for p in ROOT.glob(pattern)})
    env = {k: v for k, v in os.environ.items() if k not in NUMERIC_PATH_VARIABLES and k != "PYTHONPATH"}
    env.update(PYTHONPATH=str(tools), TF_CPP_MIN_LOG_LEVEL="3", CNN_COURSE_OFFLINE="1")
    start = time.perf_counter()
    run = subprocess.run(
        [str(exe), "-m", "pytest", "-q", "-p", "no:cacheprovider", "-o", "addopts=", "-W", "ignore::DeprecationWarning",
         *paths],
        cwd=ROOT, env=env, capture_output=True, text=True,
    )
    summary = run.stdout.strip().splitlines()[-1] if run.stdout.strip() else run.stderr.strip()[-500:]
    return {"ok": run.returncode == 0, "seconds": round(time.perf_counter() - start, 1), "paths": paths,
            "summary": summary, "output": None if run.returncode == 0 else (run.stdout + run.stderr)[-6000:]}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--venv", type=Path, default=ROOT / "_build" / "colab-venv",
                        help="where the Colab-like venv lives (reused if built from the same files)")
    parser.add_argument("--chapters", nargs="*", help="only these chapters (names without .ipynb)")
    parser.add_argument("--out", type=Path, help="write the report here as JSON")
    parser.add_argument("--timeout", type=int, default=900, help="seconds allowed per cell (default 900)")
    parser.add_argument("--no-unit-tests", dest="unit_tests", action="store_false",
                        help="skip step 5 (the explorers' and charts' unit tests on Colab's versions)")
    args = parser.parse_args(argv)

    python = find_python()
    if python is None:
        print(f"error: no Python {COLAB_PYTHON} found (set COLAB_PYTHON, or `pyenv install {COLAB_PYTHON}`)", file=sys.stderr)
        return 2
    selected = chapters(args.chapters)
    start = time.perf_counter()
    exe = build_venv(args.venv, python)
    built = time.perf_counter() - start
    # The course is not part of Colab: a venv reused from an earlier run loses it first.
    subprocess.run([str(exe), "-m", "pip", "uninstall", "--quiet", "--yes", DISTRIBUTION],
                   capture_output=True, check=False)
    before = freeze(exe)
    records = []
    with tempfile.TemporaryDirectory(prefix="cnn-course-colab-") as tmp:
        source = package_copy(Path(tmp) / "cnn-course")
        env = kernel_env(source)
        for notebook in selected:
            record = run_chapter(notebook, exe, Path(tmp), env, args.timeout)
            records.append(record)
            status = "ok" if record["ok"] else "FAILED"
            print(f"{record['chapter']:<24} {record['seconds']:7.1f} s  {status}", flush=True)
            if record["error"]:
                print(record["error"], flush=True)
    after = freeze(exe)
    changes = freeze_changes(before, after)
    unit = run_unit_tests(exe, args.venv) if args.unit_tests else None
    if unit is not None:
        print(f"unit tests on Colab's versions ({unit['seconds']} s): {unit['summary']}", flush=True)
        if unit["output"]:
            print(unit["output"], flush=True)
    installed = [line for line in after if _name(line) == DISTRIBUTION]
    report = {
        "python": subprocess.run([str(exe), "-V"], capture_output=True, text=True).stdout.strip(),
        "platform": platform.platform(),
        "constraints": CONSTRAINTS.name,
        "venv_seconds": round(built, 1),
        "versions": {line.split("==")[0]: line.split("==")[1] for line in before if "==" in line
                     and _name(line) in {"tensorflow", "keras", "numpy", "pandas", "scipy", "altair",
                                         "ipywidgets", "ipykernel", "ipython", "matplotlib"}},
        "course_installed": installed,
        "freeze_changes": changes,
        "chapters": records,
        "unit_tests": unit,
    }
    if args.out:
        args.out.write_text(json.dumps(report, indent=2) + "\n")
    print(f"{report['python']}; " + ", ".join(f"{k} {v}" for k, v in sorted(report["versions"].items())))
    print(f"course installed: {installed or 'NO'}; Colab's packages changed: "
          f"{changes['removed'] + changes['added'] or 'none'}")
    ok = bool(installed) and not changes["removed"] and not changes["added"] and all(r["ok"] for r in records)
    ok = ok and (unit is None or unit["ok"])
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
