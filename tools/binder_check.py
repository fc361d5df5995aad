"""Run every chapter as Binder would: ``binder/requirements.txt``, one CPU, peak memory measured.

mybinder.org gives a launched image 1 CPU and 2 GB of memory.  This check:

1. builds a fresh Python 3.11 venv from ``binder/requirements.txt`` plus the part of
   repo2docker's base environment a kernel needs (:data:`BASE_ENVIRONMENT`: ipykernel,
   nbclient, ipywidgets and what they share with the requirements, at the versions of
   repo2docker's lock), so that a requirement which would replace one of the base environment's packages
   is a resolution error here too;
2. installs the course package as ``binder/postBuild`` does (``pip install --no-deps .``,
   from a copy of the package's files);
3. measures the venv's installed size (the sum of its files' sizes, as an image layer holds
   them) and the part that ``binder/requirements.txt`` and its dependencies take;
4. runs each chapter of ``_toc.yml`` top to bottom in a fresh kernel of that venv, in its
   own process pinned to one CPU (``taskset -c 0``; the kernel inherits the pinning, and
   TensorFlow sizes its thread pools to the CPUs it may use), with the kernel's working
   folder the chapter's folder, as on Binder.  Each record: wall time (kernel start to
   kernel shutdown) and the kernel's peak resident memory.

Peak memory: the process that runs a chapter starts the kernel as its child, and the
kernel is waited for when it shuts down, so ``getrusage(RUSAGE_CHILDREN).ru_maxrss`` read
afterwards is the largest resident set any of that process's children reached: the
kernel's (the process runs nothing else).  It counts every resident page, TensorFlow's
shared libraries included, which is what a memory limit charges too.  After each cell the
kernel's ``VmHWM`` (its peak so far, from ``/proc``) is read as well: the cells that raised
it by :data:`GROWTH_REPORTED_MB` or more are listed (``peak_growth``), to show where a
chapter's memory goes.  Figures are in
decimal megabytes (10**6 bytes), so "under 2 GB" means under 2000 MB, the stricter reading
of Binder's limit.

The kernels get what the chapters expect on Binder: no ``CNN_COURSE_BOOK`` (charts render
as in a live notebook: from the CDN, as ``vl-convert-python`` is not in the Binder
environment), the data from the course's cache (``$CNN_COURSE_CACHE`` or
``~/.cache/cnn_course``, which ``make data`` fills and ``binder/postBuild`` fills on Binder)
with ``CNN_COURSE_OFFLINE=1`` so that nothing is downloaded, and
``CNN_COURSE_STRICT_CHECKS=1`` so that a wrong answer in the instructor edition fails.  The
settings of the test suite's second numeric path are removed (Binder runs on its own).

    python tools/binder_check.py                          # fresh venv in a temporary folder, every chapter
    python tools/binder_check.py --venv _build/binder-venv --chapters pooling
    python tools/binder_check.py --out data/one_core_runtimes.json

Exit status 0 when every chapter ran and stayed under :data:`MEMORY_LIMIT_MB`; 1 otherwise;
2 when something it needs is missing (Python 3.11, ``taskset``, the data).
"""

from __future__ import annotations

import argparse
import datetime
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
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
REQUIREMENTS = ROOT / "binder" / "requirements.txt"
BINDER_PYTHON = "3.11"
DISTRIBUTION = "cnn-course"
#: What repo2docker's Python 3.11 base environment supplies to run a kernel, at the versions
#: of its lock (repo2docker/buildpacks/conda/environment.py-3.11-linux-64.lock, frozen
#: 2025-11-13: notebook 7.4.7, jupyterlab 4.4.10): the kernel and notebook runner,
#: ipywidgets (binder/requirements.txt leaves it to the base environment), and the packages
#: of that environment that binder/requirements.txt's packages also depend on.
BASE_ENVIRONMENT = (
    "ipykernel==7.1.0",
    "nbclient==0.10.2",
    "jupyter-client==8.6.3",
    "jupyter-core==5.9.1",
    "ipython==9.7.0",
    "nbformat==5.10.4",
    "traitlets==5.14.3",
    "tornado==6.5.2",
    "pyzmq==27.1.0",
    "comm==0.2.3",
    "ipywidgets==8.1.8",
    "widgetsnbextension==4.0.15",
    "jupyterlab-widgets==3.0.16",
    "packaging==25.0",
    "typing-extensions==4.15.0",
    "requests==2.32.5",
    "setuptools==80.9.0",
)
#: mybinder.org's memory limit and the image size it launches reliably (issue 15), in MB.
MEMORY_LIMIT_MB = 2000
SIZE_GOAL_MB = 1200
#: A cell that raises the kernel's peak memory by this many MB is listed in the record's
#: ``peak_growth`` (where a chapter's memory goes).
GROWTH_REPORTED_MB = 50
#: Seconds allowed per cell, and per chapter.
CELL_TIMEOUT = 1200
CHAPTER_TIMEOUT = 3600


def find_python(version: str = BINDER_PYTHON) -> Path | None:
    """A Python ``version`` interpreter: ``$BINDER_PYTHON``, ``python3.11`` on PATH, or pyenv's."""
    sys.path.insert(0, str(ROOT / "tools"))
    from colab_check import find_python as find

    return find(version, "BINDER_PYTHON")


def _stamp() -> str:
    digest = hashlib.sha256(REQUIREMENTS.read_bytes())
    digest.update("\n".join(BASE_ENVIRONMENT).encode())
    return digest.hexdigest()[:16]


def build_venv(venv: Path, python: Path) -> Path:
    """Create (or reuse, if built from the same requirements) the Binder-like venv; return its python."""
    exe = venv / "bin" / "python"
    marker = venv / ".binder-requirements"
    if not (exe.is_file() and marker.is_file() and marker.read_text() == _stamp()):
        if venv.exists():
            shutil.rmtree(venv)
        subprocess.run([str(python), "-m", "venv", str(venv)], check=True)
        subprocess.run(
            [str(exe), "-m", "pip", "install", "--quiet", "--disable-pip-version-check",
             "-r", str(REQUIREMENTS), *BASE_ENVIRONMENT],
            check=True,
        )
        marker.write_text(_stamp())
    return exe


def install_course(exe: Path, workdir: Path) -> None:
    """Install the course as binder/postBuild does (``pip install --no-deps .``), from a copy."""
    from colab_check import package_copy

    source = package_copy(workdir / "cnn-course")
    subprocess.run(
        [str(exe), "-m", "pip", "install", "--quiet", "--disable-pip-version-check", "--no-cache-dir",
         "--no-deps", "--force-reinstall", str(source)],
        check=True,
    )


def tree_bytes(folder: Path) -> int:
    """Total size of the files under ``folder`` (symlinks not followed, hard links once).

    Examples
    --------
    >>> import tempfile
    >>> folder = Path(tempfile.mkdtemp())
    >>> _ = (folder / "a").write_bytes(b"x" * 10)
    >>> tree_bytes(folder)
    10
    """
    seen: set[tuple[int, int]] = set()
    total = 0
    for dirpath, _, filenames in os.walk(folder):
        for name in filenames:
            stat = os.lstat(os.path.join(dirpath, name))
            if (stat.st_dev, stat.st_ino) in seen:
                continue
            seen.add((stat.st_dev, stat.st_ino))
            total += stat.st_size
    return total


def _distribution_sizes() -> dict[str, Any]:
    """In the venv's python: installed bytes per distribution, and the requirements' closure."""
    import importlib.metadata as md

    from packaging.markers import default_environment
    from packaging.requirements import Requirement
    from packaging.utils import canonicalize_name

    sizes: dict[str, int] = {}
    requires: dict[str, list[str]] = {}
    for dist in md.distributions():
        name = canonicalize_name(dist.metadata["Name"])
        total = 0
        for file in dist.files or []:
            path = Path(dist.locate_file(file))
            if path.is_file() and not path.is_symlink():
                total += path.stat().st_size
        sizes[name] = total
        requires[name] = []
        for text in dist.requires or []:
            req = Requirement(text)
            if req.marker is None or req.marker.evaluate({**default_environment(), "extra": ""}):
                requires[name].append(canonicalize_name(req.name))
    env = default_environment()
    todo = []
    for line in REQUIREMENTS.read_text().splitlines():
        line = line.split("#")[0].strip()
        if line:
            req = Requirement(line)
            if req.marker is None or req.marker.evaluate(env):
                todo.append(canonicalize_name(req.name))
    closure: set[str] = set()
    while todo:
        name = todo.pop()
        if name in closure or name not in sizes:
            continue
        closure.add(name)
        todo.extend(requires[name])
    return {"sizes": sizes, "closure": sorted(closure)}


def measure_sizes(exe: Path, venv: Path) -> dict[str, Any]:
    """The venv's installed size, the share of binder/requirements.txt's closure, the largest packages."""
    out = subprocess.run([str(exe), __file__, "--sizes"], capture_output=True, text=True, check=True)
    found = json.loads(out.stdout.strip().splitlines()[-1])
    sizes, closure = found["sizes"], found["closure"]
    largest = sorted(sizes.items(), key=lambda item: -item[1])[:8]
    return {
        "venv_mb": round(tree_bytes(venv) / 1e6),
        "requirements_mb": round(sum(sizes[name] for name in closure) / 1e6),
        "requirements_packages": len(closure),
        "largest_packages_mb": {name: round(size / 1e6) for name, size in largest},
    }


def versions(exe: Path) -> dict[str, str]:
    """Python's and the main packages' versions in the venv (read from metadata, nothing imported)."""
    code = (
        "import importlib.metadata as md, json, platform\n"
        "names = ['tensorflow-cpu', 'tensorflow', 'keras', 'numpy', 'ipykernel', 'nbclient']\n"
        "found = {}\n"
        "for n in names:\n"
        "    try: found[n] = md.version(n)\n"
        "    except md.PackageNotFoundError: pass\n"
        "found['python'] = platform.python_version()\n"
        "print(json.dumps(found))\n"
    )
    out = subprocess.run([str(exe), "-c", code], capture_output=True, text=True, check=True)
    return json.loads(out.stdout)


def cpu_model() -> str:
    """The processor's model name (``/proc/cpuinfo``), else :func:`platform.processor`."""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def course_data() -> tuple[Path, list[str], str]:
    """The course's cache folder, what of MNIST and CIFAR-10 is missing there, CIFAR-10's provenance."""
    sys.path.insert(0, str(ROOT))
    from cnn_course.data import cache_dir
    from cnn_course.data._common import read_npz_meta
    from cnn_course.data.mnist import mnist_status

    cache = cache_dir()
    missing = []
    status = mnist_status(cache / "mnist")
    if not status.startswith("OK"):
        missing.append(f"MNIST ({status}): python -m cnn_course.data fetch mnist")
    cifar = cache / "cifar10" / "cifar10.npz"
    provenance = ""
    if cifar.is_file():
        provenance = str(read_npz_meta(cifar).get("description", ""))
    else:
        missing.append(f"CIFAR-10 ({cifar} is missing): make data, or python -m cnn_course.data fetch cifar10")
    return cache, missing, provenance


def kernel_env(cache: Path, workdir: Path) -> dict[str, str]:
    """The environment of the chapters' kernels (see the module's description)."""
    from colab_check import NUMERIC_PATH_VARIABLES

    drop = {*NUMERIC_PATH_VARIABLES, "CNN_COURSE_BOOK", "CNN_COURSE_DATA", "CNN_COURSE_CIFAR10",
            "CNN_COURSE_WEIGHTS", "CNN_COURSE_SOURCE", "PYTHONPATH", "PYTHONHOME", "VIRTUAL_ENV",
            "JUPYTER_PATH", "JUPYTER_CONFIG_DIR"}
    env = {k: v for k, v in os.environ.items() if k not in drop}
    env.update(
        CNN_COURSE_CACHE=str(cache),
        CNN_COURSE_OFFLINE="1",
        CNN_COURSE_STRICT_CHECKS="1",
        TF_CPP_MIN_LOG_LEVEL="3",
        IPYTHONDIR=str(workdir / "ipython"),
        JUPYTER_DATA_DIR=str(workdir / "jupyter"),
        PYDEVD_DISABLE_FILE_VALIDATION="1",
    )
    return env


def _run_one(notebook: Path, timeout: int) -> dict[str, Any]:
    """In the venv's python, pinned to one CPU: execute ``notebook`` and measure its kernel."""
    import resource

    import nbformat
    from jupyter_client.kernelspec import KernelSpecManager
    from jupyter_client.manager import KernelManager
    from nbclient import NotebookClient
    from nbclient.exceptions import CellExecutionError

    specs = Path(tempfile.mkdtemp(prefix="binder-kernel-"))
    (specs / "python3").mkdir()
    (specs / "python3" / "kernel.json").write_text(json.dumps({
        "argv": [sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"],
        "display_name": "Python 3 (ipykernel)",
        "language": "python",
    }))
    nb = nbformat.read(notebook, as_version=4)
    km = KernelManager(kernel_name="python3", kernel_spec_manager=KernelSpecManager(kernel_dirs=[str(specs)]))
    client = NotebookClient(nb, km=km, timeout=timeout, resources={"metadata": {"path": str(notebook.parent)}})
    kernel: dict[str, Any] = {}

    def started(notebook: Any) -> None:  # nbclient's hook, once the kernel answers
        process = getattr(km.provisioner, "process", None)
        kernel["process"] = process
        kernel["executable"] = process.args[0] if process is not None else None

    growth: list[dict[str, Any]] = []

    def executed(cell: Any, cell_index: int, execute_reply: Any) -> None:  # nbclient's hook, after each cell
        process = kernel.get("process")
        status = _memory_status(process.pid) if process is not None else {}
        if "VmHWM" in status:
            before = growth[-1]["peak_mb"] if growth else 0
            peak = round(status["VmHWM"] / 1e6)
            if peak - before >= GROWTH_REPORTED_MB:
                growth.append({"cell": cell_index, "peak_mb": peak, "resident_mb": round(status["VmRSS"] / 1e6)})

    client.on_notebook_start = started
    client.on_cell_executed = executed
    start = time.perf_counter()
    error = None
    try:
        client.execute()
    except CellExecutionError as err:
        error = str(err)[-3000:]
    except Exception as err:  # a kernel that died (out of memory) or a cell that timed out
        error = f"{type(err).__name__}: {err}"[-3000:]
    seconds = time.perf_counter() - start
    process = kernel.get("process")
    if process is not None and process.poll() is None:
        process.kill()
        process.wait()
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss * 1024  # KiB on Linux
    if kernel.get("executable") != sys.executable:
        error = error or f"the kernel ran {kernel.get('executable')!r}, not this venv's {sys.executable}"
    shutil.rmtree(specs, ignore_errors=True)
    return {"seconds": round(seconds, 1), "peak_mb": round(peak / 1e6), "ok": error is None, "error": error,
            "cpus": len(os.sched_getaffinity(0)), "peak_growth": growth}


def _memory_status(pid: int) -> dict[str, int]:
    """``VmHWM`` (peak) and ``VmRSS`` (now) of process ``pid`` in bytes, from ``/proc``; {} if gone."""
    found = {}
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            key, _, value = line.partition(":")
            if key in ("VmHWM", "VmRSS"):
                found[key] = int(value.split()[0]) * 1024
    except OSError:
        return {}
    return found


def chapter_title(notebook: Path) -> str:
    """The first Markdown heading of ``notebook`` (its title)."""
    cells = json.loads(notebook.read_text(encoding="utf-8"))["cells"]
    for cell in cells:
        if cell["cell_type"] == "markdown":
            for line in "".join(cell["source"]).splitlines():
                if line.startswith("# "):
                    return line[2:].strip()
    return notebook.stem


def run_chapter(notebook: Path, exe: Path, env: dict[str, str]) -> dict[str, Any]:
    """Execute one chapter in a fresh kernel of the venv, on CPU 0; return its record."""
    command = ["taskset", "-c", "0", str(exe), __file__, "--run-chapter", str(notebook),
               "--timeout", str(CELL_TIMEOUT)]
    record: dict[str, Any] = {"chapter": notebook.stem, "title": chapter_title(notebook)}
    try:
        run = subprocess.run(command, env=env, capture_output=True, text=True, timeout=CHAPTER_TIMEOUT)
    except subprocess.TimeoutExpired:
        return {**record, "seconds": float(CHAPTER_TIMEOUT), "peak_mb": None, "ok": False,
                "error": f"no result within {CHAPTER_TIMEOUT} s"}
    lines = run.stdout.strip().splitlines()
    try:
        result = json.loads(lines[-1])
    except (IndexError, json.JSONDecodeError):
        return {**record, "seconds": None, "peak_mb": None, "ok": False,
                "error": f"the runner exited with status {run.returncode}: {(run.stdout + run.stderr)[-3000:]}"}
    return {**record, **result}


def table(records: list[dict[str, Any]]) -> str:
    """The per-chapter figures as a plain-text table.

    Examples
    --------
    >>> print(table([{"chapter": "pooling", "seconds": 9.5, "peak_mb": 400, "ok": True}]))
    chapter                    seconds   peak MB  ok
    pooling                        9.5       400  yes
    """
    lines = [f"{'chapter':<24} {'seconds':>9} {'peak MB':>9}  ok"]
    for r in records:
        seconds = "-" if r.get("seconds") is None else f"{r['seconds']:.1f}"
        peak = "-" if r.get("peak_mb") is None else f"{r['peak_mb']}"
        lines.append(f"{r['chapter']:<24} {seconds:>9} {peak:>9}  {'yes' if r['ok'] else 'NO'}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--venv", type=Path,
                        help="build (or reuse, if built from the same requirements) the venv here; "
                             "default: a fresh one in a temporary folder, removed afterwards")
    parser.add_argument("--chapters", nargs="*", help="only these chapters (names without .ipynb)")
    parser.add_argument("--out", type=Path, help="write the report here as JSON")
    parser.add_argument("--run-chapter", type=Path, help=argparse.SUPPRESS)  # the per-chapter runner
    parser.add_argument("--timeout", type=int, default=CELL_TIMEOUT, help=argparse.SUPPRESS)
    parser.add_argument("--sizes", action="store_true", help=argparse.SUPPRESS)  # run in the venv
    args = parser.parse_args(argv)
    if args.run_chapter is not None:
        print(json.dumps(_run_one(args.run_chapter.resolve(), args.timeout)))
        return 0
    if args.sizes:
        print(json.dumps(_distribution_sizes()))
        return 0

    sys.path.insert(0, str(ROOT / "tools"))
    from colab_check import chapters

    python = find_python()
    if python is None:
        print(f"error: no Python {BINDER_PYTHON} found (set BINDER_PYTHON, or `pyenv install {BINDER_PYTHON}`)",
              file=sys.stderr)
        return 2
    if shutil.which("taskset") is None:
        print("error: taskset (util-linux) is not installed; it pins each chapter to one CPU", file=sys.stderr)
        return 2
    if not os.sched_getaffinity(0) >= {0}:
        print("error: CPU 0 is not available to this process (taskset -c 0 needs it)", file=sys.stderr)
        return 2
    cache, missing, cifar_source = course_data()
    if missing:
        print("error: the course's data are not in its cache " + str(cache) + ":\n  " + "\n  ".join(missing),
              file=sys.stderr)
        return 2
    selected = chapters(args.chapters)
    load = os.getloadavg()[0]
    with tempfile.TemporaryDirectory(prefix="cnn-course-binder-") as tmp:
        workdir = Path(tmp)
        venv = args.venv.resolve() if args.venv else workdir / "venv"
        start = time.perf_counter()
        exe = build_venv(venv, python)
        install_course(exe, workdir)
        built = time.perf_counter() - start
        sizes = measure_sizes(exe, venv)
        found = versions(exe)
        env = kernel_env(cache, workdir)
        records = []
        for notebook in selected:
            record = run_chapter(notebook, exe, env)
            records.append(record)
            status = "ok" if record["ok"] else "FAILED"
            print(f"{record['chapter']:<24} {record['seconds'] or 0:7.1f} s {record['peak_mb'] or 0:6} MB  {status}",
                  flush=True)
            if record["error"]:
                print(record["error"], flush=True)
    report = {
        "date": datetime.date.today().isoformat(),
        "cpu": cpu_model(),
        "cpus_used": 1,
        "how": "each chapter top to bottom in a fresh kernel, pinned to one CPU (taskset -c 0)",
        "load_average_at_start": round(load, 2),
        "python": found.pop("python"),
        "versions": found,
        "requirements": str(REQUIREMENTS.relative_to(ROOT)),
        "base_environment": list(BASE_ENVIRONMENT),
        "venv_seconds": round(built, 1),
        **sizes,
        "size_goal_mb": SIZE_GOAL_MB,
        "memory_limit_mb": MEMORY_LIMIT_MB,
        "cifar10_source": cifar_source,
        "chapters": records,
    }
    if args.out:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(json.dumps(report, indent=1) + "\n")
    print()
    print(table(records))
    total = sum(r["seconds"] or 0 for r in records)
    print(f"total {total / 60:.1f} min on one CPU ({report['cpu']}); Python {report['python']}, "
          + ", ".join(f"{k} {v}" for k, v in sorted(found.items())))
    print(f"venv {sizes['venv_mb']} MB installed, of which binder/requirements.txt and its dependencies "
          f"{sizes['requirements_mb']} MB (goal: under {SIZE_GOAL_MB} MB); largest: "
          + ", ".join(f"{k} {v} MB" for k, v in sizes["largest_packages_mb"].items()))
    over = [r["chapter"] for r in records if (r["peak_mb"] or 0) >= MEMORY_LIMIT_MB]
    if over:
        print(f"over {MEMORY_LIMIT_MB} MB peak memory: {', '.join(over)}")
    return 0 if all(r["ok"] for r in records) and not over else 1


if __name__ == "__main__":
    sys.exit(main())
