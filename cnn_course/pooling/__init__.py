"""Pooling (subsampling) in NumPy: max, average and L2 pooling, and LeNet-5's trainable subsampling.

It serves the chapter **Pooling** (``chapters/pooling.ipynb``). Its module:

* :mod:`~cnn_course.pooling.ops`: :func:`max_pool2d`, :func:`avg_pool2d`, :func:`l2_pool2d`
  (fast) with their teaching loops (:func:`pool2d_loops`, :func:`max_pool2d_loops`,
  :func:`avg_pool2d_loops`, :func:`l2_pool2d_loops`), the pooled size
  (:func:`pool_output_size`) and LeNet-5's subsampling (:func:`lenet_subsample`).

The chapter's figures live in :mod:`cnn_course.pooling.charts` (kernel-free Altair charts)
and :mod:`cnn_course.pooling.explorers` (the ipywidgets pixelation explorer); this package
does not import them, so ``import cnn_course.pooling`` needs neither Altair nor ipywidgets.

Examples
--------
>>> max_pool2d([[195, 241], [142.5, 222]])
array([[241.]])
"""

from __future__ import annotations

from cnn_course.pooling.ops import (
    avg_pool2d,
    avg_pool2d_loops,
    l2_pool2d,
    l2_pool2d_loops,
    lenet_subsample,
    max_pool2d,
    max_pool2d_loops,
    pool2d_loops,
    pool_output_size,
)

__all__ = [
    "avg_pool2d",
    "avg_pool2d_loops",
    "l2_pool2d",
    "l2_pool2d_loops",
    "lenet_subsample",
    "max_pool2d",
    "max_pool2d_loops",
    "pool2d_loops",
    "pool_output_size",
]
