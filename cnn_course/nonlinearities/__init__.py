"""The chapter "Non-linearities, outputs and losses" (``chapters/nonlinearities.ipynb``).

The NumPy science, re-exported here (no TensorFlow needed):

* :mod:`~cnn_course.nonlinearities.activations` - sigmoid, LeCun's scaled tanh, ReLU,
  softmax, and their derivatives;
* :mod:`~cnn_course.nonlinearities.outputs` - softmax with a temperature, and LeNet-5's
  Euclidean RBF output units;
* :mod:`~cnn_course.nonlinearities.losses` - cross-entropy and LeNet-5's MAP criterion, by
  hand.

Not re-exported (import them by their full names):

* :mod:`~cnn_course.nonlinearities.study` - the activation study (sigmoid, tanh and ReLU
  networks trained with Keras; ``cnn-course activation-study``), which needs TensorFlow;
* :mod:`~cnn_course.nonlinearities.charts` - the kernel-free Altair charts of the chapter;
* :mod:`~cnn_course.nonlinearities.explorers` - its ipywidgets explorers.

Examples
--------
>>> from cnn_course.nonlinearities import relu, softmax
>>> relu([-1.0, 2.0])
array([0., 2.])
"""


from __future__ import annotations

from cnn_course.nonlinearities import activations, losses, outputs
from cnn_course.nonlinearities.activations import *  # noqa: F403
from cnn_course.nonlinearities.losses import *  # noqa: F403
from cnn_course.nonlinearities.outputs import *  # noqa: F403

# The public names of the science modules (each module's own __all__), nothing else.
__all__ = [*activations.__all__, *losses.__all__, *outputs.__all__]
