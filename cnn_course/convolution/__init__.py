"""Convolution and cross-correlation in two dimensions, in NumPy.

It serves the chapter **Convolution** (``chapters/convolution.ipynb``); the chapter on
pooling reuses it. Its modules:

* :mod:`~cnn_course.convolution.ops`: the operations, fast (:func:`convolve2d`,
  :func:`cross_correlate2d`) and as teaching loops (:func:`convolve2d_loops`,
  :func:`cross_correlate2d_loops`); output sizes (:func:`output_size`,
  :func:`output_shape`); a batched multi-channel layer with Keras/TensorFlow semantics
  (:func:`conv2d_layer`, :func:`conv2d_layer_loops`, :func:`same_padding`).
* :mod:`~cnn_course.convolution.indices`: the course's worked example
  (:func:`worked_example`) in Cartesian indices: conversions between Cartesian (x, y) and
  array (row, col) indices (:func:`array_index`, :func:`cartesian_value`, ...) and the
  table of index terms of one output (:func:`index_terms`, :func:`evaluate`).
* :mod:`~cnn_course.convolution.learning`: learning a kernel from examples by gradient
  descent (:func:`fit_kernel`, :func:`apply`, :class:`KernelFit`).
* :mod:`~cnn_course.convolution.window`: the sliding window one position at a time, what
  one frame of the explorer shows (:func:`window_state`, :class:`WindowState`,
  :class:`Term`).

The chapter's figures live in :mod:`cnn_course.convolution.charts` (kernel-free Altair
charts) and :mod:`cnn_course.convolution.explorers` (the ipywidgets explorer); this package
does not import them, so ``import cnn_course.convolution`` needs neither Altair nor
ipywidgets.

Examples
--------
>>> P, K = worked_example()
>>> convolve2d(P, K)
array([[195. , 241. ],
       [142.5, 222. ]])
"""


from __future__ import annotations

from cnn_course.convolution import indices, learning, ops, window
from cnn_course.convolution.indices import *  # noqa: F403
from cnn_course.convolution.learning import *  # noqa: F403
from cnn_course.convolution.ops import *  # noqa: F403
from cnn_course.convolution.window import *  # noqa: F403

# The public names of the science modules (each module's own __all__), nothing else.
__all__ = [*indices.__all__, *learning.__all__, *ops.__all__, *window.__all__]
