"""The support package of the course "Convolutional Neural Networks, from the cat's cortex to AlexNet".

One subpackage per chapter, each holding that chapter's science (re-exported by the
package), ``charts`` (kernel-free Altair, what the HTML book shows) and ``explorers``
(ipywidgets, for a live notebook):

- Simple and complex cells (notebook ``simple_complex_cells``): :mod:`cnn_course.vision`
- The Neocognitron: :mod:`cnn_course.neocognitron`
- Convolution and cross-correlation: :mod:`cnn_course.convolution`
- Pooling: :mod:`cnn_course.pooling`
- Non-linearities, outputs and losses: :mod:`cnn_course.nonlinearities`
- LeNet-5 on MNIST: :mod:`cnn_course.lenet5`
- AlexNet on CIFAR-10: :mod:`cnn_course.alexnet`
- Where CNNs fail (notebook ``where_cnns_fail``): :mod:`cnn_course.failures`

Each chapter's exercise checks are in ``cnn_course.exercises.<package name>`` and its tests
in ``tests/<package name>/``.

Below the chapters, shared by all: :mod:`cnn_course._validation` (input checks),
:mod:`cnn_course.shipped` (the course's own weights and histories in ``data/``),
:mod:`cnn_course.seeding`, :mod:`cnn_course.metrics`, :mod:`cnn_course.images` (sample
images and kernels), :mod:`cnn_course.data` (MNIST and CIFAR-10 loaders) and
:mod:`cnn_course.viz` (display, style, shared charts, HTML pieces, the explorer base class).

The Keras side: :mod:`cnn_course.models` (the networks) and :mod:`cnn_course.train` (the
training commands).  On top: :mod:`cnn_course.exercises`, :mod:`cnn_course.student` (the
student edition), :mod:`cnn_course.colab` (the chapters' setup on Google Colab) and
:mod:`cnn_course.cli` (the ``cnn-course`` command).

The layer rules (what may import what) are in CONTRIBUTING.md and checked by
``tests/test_layers.py``.
"""

__version__ = "0.1.0"
