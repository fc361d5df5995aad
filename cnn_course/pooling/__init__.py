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

from cnn_course.pooling import ops
from cnn_course.pooling.ops import *  # noqa: F403

# The public names of the science modules (each module's own __all__), nothing else.
__all__ = [*ops.__all__]
