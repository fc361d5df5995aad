"""The precomputed study shipped with the course (``data/adversarial_lenet5_<variant>.json``).

* :func:`success_study` - :func:`~cnn_course.failures.evaluation.success_rates` plus which
  images each attack fooled;
* :func:`load_study` - read a shipped study, or None if it is missing or was computed
  with other weights.

The command that writes the study, ``cnn-course adversarial`` (``python -m
cnn_course.failures``), is :func:`cnn_course.failures.cli.main`.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from numpy.typing import ArrayLike

from cnn_course._validation import as_int
from cnn_course.failures.attacks import METHODS, Output, _check_images, _check_labels, _check_model, check_eps
from cnn_course.failures.evaluation import _success

__all__ = ["load_study", "success_study"]

#: How the study is recomputed (also recorded in the study's ``meta``).
COMMAND = "python -m cnn_course.failures"


def _sha256(path: Any) -> str:
    import hashlib
    from pathlib import Path

    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def success_study(
    model: Any,
    x: ArrayLike,
    y: ArrayLike,
    eps_values: Sequence[float],
    *,
    steps: int = 10,
    output: Output = "probabilities",
    batch_size: int = 1000,
) -> dict[str, Any]:
    """:func:`~cnn_course.failures.evaluation.success_rates` plus, for every attack and ``eps``,
    which images were fooled.

    Returns
    -------
    dict
        ``"table"``: the rows of :func:`~cnn_course.failures.evaluation.success_rates`;
        ``"fooled"``: ``{"FGSM 0.1": "0010..."}``, one character per image of ``x`` (``1``:
        right before, wrong after the attack; images wrong before are ``0``); ``"eps"``,
        ``"steps"``, ``"images"``.

    Examples
    --------
    >>> import keras
    >>> import numpy as np
    >>> model = keras.Sequential([keras.Input((2,)), keras.layers.Dense(2, activation="softmax")])
    >>> model.set_weights([np.array([[4.0, -4.0], [0.0, 0.0]]), np.array([-2.0, 2.0])])
    >>> study = success_study(model, np.array([[0.9, 0.5], [0.1, 0.5]]), [0, 1], [0.5], steps=2)
    >>> study["fooled"]["FGSM 0.5"], study["fooled"]["PGD 0.5"]
    ('11', '11')
    """
    images = _check_images(x)
    _check_model(model, images)
    labels = _check_labels(y, len(images))
    eps_list = [check_eps(e, "eps_values") for e in eps_values]
    rows, flags = _success(model, images, labels, eps_list, METHODS, as_int(steps, "steps", 1), output,
                           as_int(batch_size, "batch_size", 1))
    fooled = {key: "".join("1" if f else "0" for f in mask) for key, mask in flags.items()}
    return {"table": rows, "fooled": fooled, "eps": eps_list, "steps": steps,
            "images": int(len(images))}


def load_study(path: Any, weights: Any) -> dict[str, Any] | None:
    """Read a study written by ``python -m cnn_course.failures``; None if missing or stale.

    Parameters
    ----------
    path : path-like
        The JSON file.
    weights : path-like
        The weights file the study must have been computed with (its SHA-256 is compared
        with the one recorded): a study of other weights is stale.

    Returns
    -------
    dict or None
        The study (see :func:`success_study`) with ``"meta"``; None, with the reason
        printed, if the file is missing, unreadable or made with other weights.
    """
    import json
    from pathlib import Path

    file = Path(path)
    if not file.is_file():
        print(f"{file.name} is missing: computing the study here instead (slower)")
        return None
    try:
        study = json.loads(file.read_text())
        recorded = study["meta"]["weights_sha256"]
    except (ValueError, KeyError, TypeError) as exc:
        print(f"{file.name} is unreadable ({exc}): computing the study here instead (slower)")
        return None
    if recorded != _sha256(weights):
        print(f"{file.name} was computed with other weights than {Path(weights).name}: "
              f"computing the study here instead (slower); refresh it with `{COMMAND}` (or `cnn-course adversarial`)")
        return None
    return study
