"""The course in Google Colab, with Colab's own packages left as they are.

A chapter opened in Colab starts with none of the course installed.  Its first cell (see
``tools/setup_cell.py``) does two things there, and nothing anywhere else:

1. ``%pip install --no-deps <the course>``: the package alone.  Every package it needs is
   already in Colab's runtime, at versions ``pyproject.toml`` accepts (TensorFlow 2.20,
   Keras 3.13, NumPy 2.1, pandas 2.2, Altair 5.5, ipywidgets 7.7), so nothing of Colab's is
   replaced: replacing its kernel stack or its GPU TensorFlow breaks the runtime.
2. :func:`setup`: charts load their JavaScript from a CDN (small notebooks; Colab is
   online), and MNIST comes from Keras's download (Colab has no npm), checked against the
   canonical checksums like every other route.  CIFAR-10 needs no step: the AlexNet chapter
   falls back to Keras's download by itself.
"""

from __future__ import annotations

import sys
from importlib import metadata

__all__ = ["on_colab", "setup", "unmet_requirements"]

DISTRIBUTION = "cnn-course"


def on_colab() -> bool:
    """Whether this code runs in a Google Colab kernel (which imports ``google.colab``).

    Examples
    --------
    >>> on_colab()
    False
    """
    return "google.colab" in sys.modules


#: Other distributions that provide the same import (TensorFlow's CPU-only and platform builds).
_SAME_PACKAGE = {"tensorflow": ("tensorflow", "tensorflow-cpu", "tensorflow-macos", "tensorflow-intel")}


def _installed_version(name: str) -> str | None:
    for candidate in _SAME_PACKAGE.get(name.lower(), (name,)):
        try:
            return metadata.version(candidate)
        except metadata.PackageNotFoundError:
            continue
    return None


def unmet_requirements(distribution: str = DISTRIBUTION) -> list[str]:
    """The requirements of ``distribution`` that the installed packages do not meet.

    Each entry says what is required and what is installed, e.g.
    ``"ipywidgets>=7.7 (installed: 7.6.5)"``.  Optional extras are not checked; TensorFlow
    counts as installed in any of its builds (``tensorflow-cpu`` too).

    Examples
    --------
    >>> unmet_requirements()  # the course's own environment meets them
    []
    """
    if not isinstance(distribution, str) or not distribution:
        raise TypeError(f"distribution must be a non-empty str (a package name), got {distribution!r}")
    try:
        from packaging.requirements import Requirement
    except ImportError:  # packaging comes with pip's environments; without it, check nothing
        return []
    try:
        required = metadata.requires(distribution) or []
    except metadata.PackageNotFoundError:
        return [f"{distribution} itself is not installed"]
    unmet = []
    for line in required:
        requirement = Requirement(line)
        if requirement.marker is not None and not requirement.marker.evaluate({"extra": ""}):
            continue
        installed = _installed_version(requirement.name)
        if installed is None:
            unmet.append(f"{requirement} (not installed)")
            continue
        if not requirement.specifier.contains(installed, prereleases=True):
            unmet.append(f"{requirement} (installed: {installed})")
    return unmet


def setup(*, mnist: bool = True) -> str:
    """Get a Colab runtime ready for the chapters; return one line saying what was done.

    On Colab: charts switch to loading their JavaScript from a CDN, and (``mnist=True``)
    MNIST is fetched into the course's cache through Keras's download, unless it is there
    already.  Nothing is installed or upgraded.  Anywhere else it does nothing.

    Parameters
    ----------
    mnist : bool
        Fetch MNIST (11 MB; the chapters from the Neocognitron on use it).

    Examples
    --------
    >>> setup()
    'not on Colab: nothing to set up'
    """
    if not isinstance(mnist, bool):
        raise TypeError(f"mnist must be True or False, got {mnist!r}")
    if not on_colab():
        return "not on Colab: nothing to set up"
    from cnn_course.viz import display

    display.setup("cdn")
    done = ["charts load their JavaScript from a CDN"]
    if mnist:
        from cnn_course.data import DataError, fetch_mnist

        try:
            done.append(fetch_mnist(progress=False, route="keras"))
        except DataError as err:
            done.append(f"MNIST could not be fetched now ({err}); the chapters that need it will say what to do")
    unmet = unmet_requirements()
    if unmet:
        done.append(
            "this runtime lacks " + "; ".join(unmet) + ": some cells may fail (the course was tested "
            "with Colab's runtime of August 2026)"
        )
    return "Course ready (no restart needed): " + "; ".join(done) + "."
