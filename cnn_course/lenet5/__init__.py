"""The chapter "LeNet-5" (``chapters/lenet5.ipynb``): looking inside the network LeCun et
al. (1998) trained on MNIST.

Re-exported here, from :mod:`~cnn_course.lenet5.inside`: the paper's parameter count
(:func:`paper_parameter_count`, :data:`PAPER_TOTAL`), the misclassified digits
(:func:`misclassified`), the feature maps of each layer (:func:`feature_maps`), weight
sharing in backpropagation (:func:`shared_and_unshared_gradients`), the model-capacity study
of under- and overfitting (:func:`capacity_study`), per-epoch histories as a table
(:func:`history_frame`) and how Gabor-like the learned kernels are (:func:`gabor_match`).
From :mod:`~cnn_course.lenet5.paper`, what the paper fixes as NumPy data: C3's connection
table (:data:`C3_TABLE`, :func:`c3_connections`), the RBF prototypes (:func:`digit_bitmaps`)
and the input scaling (:func:`prepare_images`); the Keras models are built from these.
The functions that take a model need Keras; importing the package does not.

Elsewhere:

* :mod:`cnn_course.models.lenet` - the three LeNet-5 networks (Keras), and
  :func:`cnn_course.models.layer_table`;
* :mod:`cnn_course.metrics` - accuracy and the confusion matrix;
* :mod:`~cnn_course.lenet5.charts` - the chapter's kernel-free Altair charts and matplotlib
  picture grids (not imported here);
* :mod:`~cnn_course.lenet5.explorers` - its ipywidgets explorer of the feature maps (not
  imported here).

Examples
--------
>>> from cnn_course.lenet5 import PAPER_TOTAL, paper_parameter_count
>>> int(paper_parameter_count()["parameters"].sum()) == PAPER_TOTAL
True
"""


from __future__ import annotations

from cnn_course.lenet5 import inside, paper
from cnn_course.lenet5.inside import *  # noqa: F403
from cnn_course.lenet5.paper import *  # noqa: F403

# The public names of the science modules (each module's own __all__), nothing else.
__all__ = [*inside.__all__, *paper.__all__]
