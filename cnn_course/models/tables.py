"""What a Keras model is made of, layer by layer: :func:`layer_table`.

Both the LeNet-5 and the AlexNet chapters show such a table; this one function serves both
(each picks the columns it shows, e.g. ``pd.DataFrame(rows)[["layer", "kind", "output shape"]]``).
"""

from __future__ import annotations

import math
from typing import Any

__all__ = ["layer_table"]


def _count(weights: Any) -> int:
    return int(sum(math.prod(int(d) for d in w.shape) for w in weights))


def _multiply_adds(layer: Any) -> int:
    """Products per image of a Conv2D or Dense layer (0 for the others)."""
    from keras import layers

    if isinstance(layer, layers.Conv2D):
        kh, kw, cin, _ = (int(d) for d in layer.kernel.shape)
        return int(math.prod(layer.output.shape[1:])) * kh * kw * cin
    if isinstance(layer, layers.Dense):
        return int(layer.kernel.shape[0]) * int(layer.kernel.shape[1])
    return 0


def layer_table(model: Any, *, inputs: bool = True) -> list[dict[str, Any]]:
    """One row per layer of a built Keras model: what it is, what it outputs, what it costs.

    Read from the model itself, so it always matches what Keras computes. The multiply-adds
    count the products of convolutions and dense layers (output values times the inputs each
    one sums over), the bulk of the arithmetic of a forward pass; the other layers count 0.

    Parameters
    ----------
    model : keras.Model
    inputs : bool
        Include the input layer's row (default; its output is the image shape, it costs
        nothing). False: only the layers that compute something.

    Returns
    -------
    list of dict
        One dict per layer, in order, with the keys

        - ``"layer"``: its name; ``"kind"``: its class name (``"Conv2D"``, ...);
        - ``"output"``: its output shape without the batch axis, a tuple of ints (None if
          the layer has no single output); ``"output shape"``: the same as text, ``"24x24x6"``;
        - ``"values"``: the number of values it outputs per image;
        - ``"parameters"``: all its weights; ``"trainable"`` and ``"fixed"`` (not trained:
          batch-norm statistics, fixed prototypes), which add up to ``"parameters"``;
        - ``"multiply_adds"``: products per image (see above).

        Make it a table with ``pandas.DataFrame(rows)``.

    Examples
    --------
    >>> from cnn_course.models.lenet import lenet5_keras
    >>> rows = layer_table(lenet5_keras(), inputs=False)
    >>> rows[0]["layer"], rows[0]["output"], rows[0]["output shape"]
    ('C1', (24, 24, 6), '24x24x6')
    >>> sum(r["trainable"] for r in rows), sum(r["fixed"] for r in rows)
    (44426, 0)
    >>> layer_table("LeNet")
    Traceback (most recent call last):
    ...
    TypeError: model must be a keras.Model, got str
    """
    import keras

    if not isinstance(model, keras.Model):
        raise TypeError(f"model must be a keras.Model, got {type(model).__name__}")
    if not isinstance(inputs, bool):
        raise TypeError(f"inputs must be True or False, got {inputs!r}")
    rows = []
    for layer in model.layers:
        if not inputs and isinstance(layer, keras.layers.InputLayer):
            continue
        try:
            shape: tuple[int, ...] | None = tuple(int(d) for d in layer.output.shape[1:])
        except (AttributeError, ValueError, TypeError):  # no single, fully known output
            shape = None
        total = int(layer.count_params())
        trainable = _count(layer.trainable_weights)
        rows.append(
            {
                "layer": layer.name,
                "kind": type(layer).__name__,
                "output": shape,
                "output shape": None if shape is None else "x".join(str(d) for d in shape),
                "values": None if shape is None else math.prod(shape),
                "parameters": total,
                "trainable": trainable,
                "fixed": total - trainable,
                "multiply_adds": _multiply_adds(layer),
            }
        )
    return rows
