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

from cnn_course.failures.attacks import METHODS, OUTPUTS, attack, check_eps, fgsm, fgsm_linear, pgd
from cnn_course.failures.evaluation import logit_path, predict, success_rates
from cnn_course.failures.foveation import blur_sigma, centre_of_mass, eccentricity, fixation_accuracy, foveate
from cnn_course.failures.study import load_study, success_study

__all__ = [
    "METHODS",
    "OUTPUTS",
    "attack",
    "blur_sigma",
    "centre_of_mass",
    "check_eps",
    "eccentricity",
    "fgsm",
    "fgsm_linear",
    "fixation_accuracy",
    "foveate",
    "load_study",
    "logit_path",
    "pgd",
    "predict",
    "success_rates",
    "success_study",
]
