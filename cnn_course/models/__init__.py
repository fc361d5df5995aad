"""Keras models of the course, each built by a function returning a named-layer ``keras.Model``.

- :mod:`cnn_course.models.lenet`: LeNet-5 three ways (the common Keras adaptation, the
  faithful 1998 network, a modern one).
- :mod:`cnn_course.models.alexnet`: AlexNet two ways (the literal port to 32x32 input and
  an AlexNet adapted to CIFAR-10).
- :mod:`cnn_course.models.tables`: :func:`layer_table`, a model's layers with their output
  shapes, parameters and multiply-adds (both chapters show it).

The models read their shipped weights through :mod:`cnn_course.shipped`; they never import
the training commands (:mod:`cnn_course.train`).

Names are looked up lazily, so ``import cnn_course.models`` stays cheap and imports Keras
only when a model is asked for::

    from cnn_course.models import lenet5_keras, layer_table
"""

from __future__ import annotations

import importlib
from typing import Any

_SUBMODULES = ("lenet", "alexnet", "tables")


def _exported(module_name: str) -> tuple[str, ...]:
    module = importlib.import_module(f"{__name__}.{module_name}")
    return tuple(getattr(module, "__all__", ()))


def __getattr__(name: str) -> Any:
    if name.startswith("_"):
        raise AttributeError(name)
    for sub in _SUBMODULES:
        try:
            names = _exported(sub)
        except ModuleNotFoundError as exc:
            if exc.name == f"{__name__}.{sub}":
                continue
            raise
        if name in names:
            return getattr(importlib.import_module(f"{__name__}.{sub}"), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__() -> list[str]:
    names: list[str] = []
    for sub in _SUBMODULES:
        try:
            names.extend(_exported(sub))
        except ModuleNotFoundError:
            continue
    return sorted(set(names) | set(_SUBMODULES))
