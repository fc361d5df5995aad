"""The science of the chapter "The Neocognitron" (``chapters/neocognitron.ipynb``).

A small Neocognitron on NumPy arrays, for MNIST-sized grey images (values 0..255): S-layers
that detect features, C-layers that pool them, learned without labels and without
backpropagation, and the study of its tolerance to shifts, noise and deformations against
a pixel template matcher.

Modules
-------
:mod:`~cnn_course.neocognitron.layers`
    The S-cell, S-layers and C-layers: :func:`s_cell_response`, :func:`s_layer`,
    :func:`s_layer_loops` (the teaching version), :func:`c_layer`.
:mod:`~cnn_course.neocognitron.learning`
    Unsupervised, winner-take-all learning of the S-planes: :func:`sample_patches`,
    :func:`competitive_step`, :func:`competitive_learning`.
:mod:`~cnn_course.neocognitron.model`
    The network: :class:`Stage`, :data:`DEFAULT_STAGES`, :class:`Neocognitron` (fit,
    readouts, shapes and receptive fields, saving).
:mod:`~cnn_course.neocognitron.baseline`
    :class:`PixelTemplateMatcher`, the nearest-template recogniser it is compared with.
:mod:`~cnn_course.neocognitron.robustness`
    :func:`shift_images`, :func:`add_noise`, :func:`deform_images` and the study
    :func:`shift_accuracy`.
:mod:`~cnn_course.neocognitron.cli`
    The command ``cnn-course neocognitron train`` (= ``python -m cnn_course.neocognitron``).

Not imported here: the kernel-free Altair charts (:mod:`cnn_course.neocognitron.charts`)
and the ipywidgets explorer (:mod:`cnn_course.neocognitron.explorers`).
"""


from __future__ import annotations

from cnn_course.neocognitron import baseline, layers, learning, model, robustness
from cnn_course.neocognitron.baseline import *  # noqa: F403
from cnn_course.neocognitron.layers import *  # noqa: F403
from cnn_course.neocognitron.learning import *  # noqa: F403
from cnn_course.neocognitron.model import *  # noqa: F403
from cnn_course.neocognitron.robustness import *  # noqa: F403

# The public names of the science modules (each module's own __all__), nothing else.
__all__ = [*baseline.__all__, *layers.__all__, *learning.__all__, *model.__all__, *robustness.__all__]
