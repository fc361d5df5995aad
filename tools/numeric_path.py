"""Run a command on the suite's second numeric path: older SIMD kernels, one thread.

The book is built on the machine's own numeric path (NumPy's best SIMD kernels, oneDNN's
best instruction set, every core).  The test suite then executes the chapters on another
one, the path an older or smaller computer would take, so that a number which depends on
the last bit of a float, or on how threads split a sum, fails here before a reader meets
it:

* NumPy: the highest level of run-time SIMD dispatch this processor has is switched off
  (``NPY_DISABLE_CPU_FEATURES``): on an AVX-512 machine ``X86_V4`` and the ``AVX512_*``
  targets, so NumPy runs its AVX2 kernels; on an AVX2 machine ``X86_V3``, so it runs its
  SSE4.2 ones.  Only names this NumPy dispatches and this processor has are named, so the
  setting is never an error (NumPy refuses names it cannot disable);
* TensorFlow's oneDNN: on a processor with AVX-512, ``ONEDNN_MAX_CPU_ISA=AVX2``, the
  kernels of an older CPU.  On an AVX2 processor oneDNN keeps its kernels: the ones below
  (SSE4.1) are several times slower, and no computer this course meets lacks AVX2; the
  single thread and NumPy's lower level still make the path a different one;
* one thread: ``OMP_NUM_THREADS``, ``TF_NUM_INTRAOP_THREADS``, ``TF_NUM_INTEROP_THREADS``
  (and the BLAS libraries' own variables) set to 1.

Usage::

    python tools/numeric_path.py                 # print the settings for this machine
    python tools/numeric_path.py -- pytest ...   # run a command with them

Settings already in the environment are kept (so a run can choose its own).
"""

from __future__ import annotations

import os
import platform
import sys

ONE_THREAD = ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS", "TF_NUM_INTRAOP_THREADS", "TF_NUM_INTEROP_THREADS")


def numpy_features_to_disable() -> list[str]:
    """The highest SIMD dispatch level this NumPy uses on this processor, by its names."""
    from numpy._core import _multiarray_umath as umath

    available = {name for name, on in umath.__cpu_features__.items() if on}
    dispatched = [name for name in umath.__cpu_dispatch__ if name in available]
    # NumPy names its x86 levels X86_V2 < X86_V3 (AVX2, FMA) < X86_V4 (AVX-512), with
    # AVX512_* targets above X86_V4; on other processors it has its own names.
    if "X86_V4" in dispatched:
        return [name for name in dispatched if name == "X86_V4" or name.startswith("AVX512")]
    if "X86_V3" in dispatched:
        return ["X86_V3"]
    return []


def processor_has_avx512() -> bool:
    """Whether the processor itself has AVX-512 (whatever NumPy was told to use)."""
    try:
        with open("/proc/cpuinfo") as info:
            return any(line.startswith("flags") and " avx512f" in line for line in info)
    except OSError:
        from numpy._core import _multiarray_umath as umath

        return bool(umath.__cpu_features__.get("AVX512F"))


def settings() -> dict[str, str]:
    """Environment variables of the second numeric path on this machine."""
    out: dict[str, str] = {}
    disable = numpy_features_to_disable()
    if disable:
        out["NPY_DISABLE_CPU_FEATURES"] = " ".join(disable)
    if platform.machine().lower() in ("x86_64", "amd64") and processor_has_avx512():
        out["ONEDNN_MAX_CPU_ISA"] = "AVX2"
    out.update({name: "1" for name in ONE_THREAD})
    return out


def main(argv: list[str]) -> int:
    chosen = {name: os.environ.get(name, value) for name, value in settings().items()}
    if "--" not in argv:
        for name, value in chosen.items():
            print(f"{name}={value!r}" if " " in value else f"{name}={value}")
        return 0
    command = argv[argv.index("--") + 1 :]
    if not command:
        print("usage: python tools/numeric_path.py [-- COMMAND ...]", file=sys.stderr)
        return 2
    print("second numeric path: " + ", ".join(f"{k}={v}" for k, v in chosen.items()), flush=True)
    os.environ.update(chosen)
    os.execvp(command[0], command)
    return 1  # not reached


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
