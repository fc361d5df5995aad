"""One seed for every random generator the course uses: Python's, NumPy's and Keras'
(and through Keras, TensorFlow's, JAX's or PyTorch's).

Keras is imported only when :func:`set_seed` is called, so importing this module is cheap.
"""

from __future__ import annotations

import numbers
import random

__all__ = ["set_seed"]


def set_seed(seed: int) -> None:
    """Seed Python, NumPy and Keras (and so TensorFlow/JAX/PyTorch) random generators.

    Parameters
    ----------
    seed : int
        A non-negative integer.

    Raises
    ------
    ValueError
        If ``seed`` is not a non-negative int (booleans are refused).

    Examples
    --------
    >>> set_seed(-1)
    Traceback (most recent call last):
    ...
    ValueError: seed must be a non-negative int, got -1
    """
    if isinstance(seed, bool) or not isinstance(seed, numbers.Integral) or seed < 0:
        raise ValueError(f"seed must be a non-negative int, got {seed!r}")
    seed = int(seed)
    import keras
    import numpy as np

    random.seed(seed)
    np.random.seed(seed)
    keras.utils.set_random_seed(seed)
