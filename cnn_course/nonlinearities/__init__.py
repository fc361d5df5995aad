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

from cnn_course.nonlinearities.activations import (
    LECUN_A,
    LECUN_S,
    amplitude_for_unit_output,
    lecun_tanh,
    lecun_tanh_grad,
    relu,
    relu_grad,
    scaled_tanh,
    scaled_tanh_grad,
    scaled_tanh_second,
    sigmoid,
    sigmoid_grad,
    softmax,
    softmax_jacobian,
)
from cnn_course.nonlinearities.losses import cross_entropy, cross_entropy_loops, logsumexp, map_loss, map_loss_loops
from cnn_course.nonlinearities.outputs import (
    rbf_outputs,
    rbf_outputs_loops,
    rbf_predict,
    rbf_probabilities,
    softmax_with_temperature,
)

__all__ = [
    # activations
    "LECUN_A",
    "LECUN_S",
    "amplitude_for_unit_output",
    "lecun_tanh",
    "lecun_tanh_grad",
    "relu",
    "relu_grad",
    "scaled_tanh",
    "scaled_tanh_grad",
    "scaled_tanh_second",
    "sigmoid",
    "sigmoid_grad",
    "softmax",
    "softmax_jacobian",
    # outputs
    "rbf_outputs",
    "rbf_outputs_loops",
    "rbf_predict",
    "rbf_probabilities",
    "softmax_with_temperature",
    # losses
    "cross_entropy",
    "cross_entropy_loops",
    "logsumexp",
    "map_loss",
    "map_loss_loops",
]
