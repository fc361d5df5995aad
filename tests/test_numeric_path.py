"""tools/numeric_path.py: the second numeric path is valid on this processor, whatever it is."""

from __future__ import annotations

import importlib.util
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
spec = importlib.util.spec_from_file_location("numeric_path", ROOT / "tools" / "numeric_path.py")
numeric_path = importlib.util.module_from_spec(spec)
spec.loader.exec_module(numeric_path)


def test_it_disables_only_features_this_numpy_dispatches_and_this_processor_has() -> None:
    from numpy._core import _multiarray_umath as umath

    names = numeric_path.numpy_features_to_disable()
    assert set(names) <= set(umath.__cpu_dispatch__)
    assert all(umath.__cpu_features__[name] for name in names)
    settings = numeric_path.settings()
    assert settings["OMP_NUM_THREADS"] == settings["TF_NUM_INTRAOP_THREADS"] == "1"


def test_numpy_starts_cleanly_on_it_and_uses_a_lower_simd_level() -> None:
    # In a clean environment (the suite itself may already run on the second path): the
    # features the tool names must be off in the command it runs, with no warning.
    code = (
        "import os, warnings; warnings.simplefilter('error')\n"
        "from numpy._core import _multiarray_umath as u\n"
        "print(os.environ.get('NPY_DISABLE_CPU_FEATURES', ''))\n"
        "print(' '.join(k for k, v in u.__cpu_features__.items() if v))"
    )
    names = set(numeric_path.ONE_THREAD) | {"NPY_DISABLE_CPU_FEATURES", "ONEDNN_MAX_CPU_ISA"}
    env = {k: v for k, v in os.environ.items() if k not in names}
    command = [sys.executable, str(ROOT / "tools" / "numeric_path.py"), "--", sys.executable, "-c", code]
    result = subprocess.run(command, capture_output=True, text=True, env=env, timeout=120)
    assert result.returncode == 0, result.stderr
    disabled, active = (set(line.split()) for line in result.stdout.splitlines()[-2:])
    assert not disabled & active


def test_it_prints_its_settings() -> None:
    result = subprocess.run([sys.executable, str(ROOT / "tools" / "numeric_path.py")], capture_output=True, text=True)
    assert result.returncode == 0 and "OMP_NUM_THREADS=1" in result.stdout
