"""The science of the chapter "Where CNNs fail" (``chapters/where_cnns_fail.ipynb``).

* :mod:`~cnn_course.failures.attacks` - FGSM and PGD (untargeted or targeted, bounded in
  the L-infinity norm, on Keras's TensorFlow backend), and FGSM written out with NumPy for
  a softmax regression;
* :mod:`~cnn_course.failures.evaluation` - the network's answers, the attacks' success
  rates against ``eps``, the class scores along the FGSM direction;
* :mod:`~cnn_course.failures.study` - the precomputed study shipped in ``data/`` (success
  rates and which digits each attack fooled), and how the chapter reads it;
* :mod:`~cnn_course.failures.foveation` - a toy foveated eye: sharp at the fixation point,
  blurred around it, and a classifier's accuracy as the fixation moves.

Not imported here: the chapter's Altair charts (:mod:`cnn_course.failures.charts`), its
ipywidgets explorer (:mod:`cnn_course.failures.explorers`) and its command
(:mod:`cnn_course.failures.cli`: ``cnn-course adversarial``, ``python -m cnn_course.failures``,
which recomputes the study). Importing this package does not import TensorFlow or Keras:
the attacks import them when they run.
"""


from __future__ import annotations

from cnn_course.failures import attacks, evaluation, foveation, study
from cnn_course.failures.attacks import *  # noqa: F403
from cnn_course.failures.evaluation import *  # noqa: F403
from cnn_course.failures.foveation import *  # noqa: F403
from cnn_course.failures.study import *  # noqa: F403

# The public names of the science modules (each module's own __all__), nothing else.
__all__ = [*attacks.__all__, *evaluation.__all__, *foveation.__all__, *study.__all__]
