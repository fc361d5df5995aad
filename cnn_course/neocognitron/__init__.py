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

from cnn_course.neocognitron.baseline import PixelTemplateMatcher
from cnn_course.neocognitron.layers import POOL_MODES, c_layer, s_cell_response, s_layer, s_layer_loops
from cnn_course.neocognitron.learning import competitive_learning, competitive_step, sample_patches
from cnn_course.neocognitron.model import DEFAULT_STAGES, READOUTS, Neocognitron, Stage
from cnn_course.neocognitron.robustness import DIRECTIONS, add_noise, deform_images, shift_accuracy, shift_images

__all__ = [
    "DEFAULT_STAGES",
    "DIRECTIONS",
    "POOL_MODES",
    "READOUTS",
    "Neocognitron",
    "PixelTemplateMatcher",
    "Stage",
    "add_noise",
    "c_layer",
    "competitive_learning",
    "competitive_step",
    "deform_images",
    "sample_patches",
    "s_cell_response",
    "s_layer",
    "s_layer_loops",
    "shift_accuracy",
    "shift_images",
]
