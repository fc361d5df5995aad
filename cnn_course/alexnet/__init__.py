"""The chapter "AlexNet" (``chapters/alexnet.ipynb``): AlexNet ported to CIFAR-10's 32x32
images, literally and adapted.

Re-exported here, from :mod:`~cnn_course.alexnet.lab`: finding CIFAR-10 or saying how to get
it (:func:`find_cifar10`, :class:`Cifar10`, :func:`class_names`), the feature maps' size
layer after layer (:func:`spatial_trace`) and the chapter's short, seeded training runs
(:func:`train_demo`, :class:`DemoRun`). Importing the package needs neither Keras nor
Altair; :func:`spatial_trace` and :func:`train_demo` use Keras.

Elsewhere:

* :mod:`cnn_course.models.alexnet` - the two networks (Keras), and
  :func:`cnn_course.models.layer_table`;
* :mod:`cnn_course.train.alexnet` - the training command (``python -m cnn_course.train alexnet``);
* :mod:`cnn_course.metrics` - the confusion matrix and per-class accuracy;
  :mod:`cnn_course.data.subsets` - class-balanced subsets;
* :mod:`~cnn_course.alexnet.charts` - the chapter's kernel-free Altair charts (not imported here).

Examples
--------
>>> from cnn_course.alexnet import class_names
>>> class_names()[:3]
('airplane', 'automobile', 'bird')
"""


from __future__ import annotations

from cnn_course.alexnet import lab
from cnn_course.alexnet.lab import *  # noqa: F403

# The public names of the science modules (each module's own __all__), nothing else.
__all__ = [*lab.__all__]
