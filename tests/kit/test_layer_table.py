"""One layer table for every Keras model (:func:`cnn_course.models.layer_table`)."""

from __future__ import annotations

import pytest


def test_layer_table_of_lenet_and_alexnet(keras) -> None:
    from cnn_course.models import layer_table, lenet5_1998
    from cnn_course.models.alexnet import alexnet_literal, multiply_adds

    rows = layer_table(lenet5_1998(), inputs=False)
    table = {r["layer"]: r for r in rows}
    assert table["C1"]["output shape"] == "28x28x6" and table["F6"]["output"] == (84,)
    assert sum(r["trainable"] for r in rows) == 60_000 and table["output"]["fixed"] == 840
    assert all(r["parameters"] == r["trainable"] + r["fixed"] for r in rows)
    literal = alexnet_literal()
    full = layer_table(literal)
    assert full[0]["kind"] == "InputLayer" and full[0]["output"] == (32, 32, 3) and full[0]["parameters"] == 0
    assert full[1]["layer"] == "conv1" and full[1]["multiply_adds"] == 6 * 6 * 96 * (11 * 11 * 3)
    assert full[1]["values"] == 6 * 6 * 96
    assert sum(r["parameters"] for r in full) == literal.count_params()
    assert multiply_adds(literal) == 25_642_112
    with pytest.raises(TypeError, match="keras.Model"):
        layer_table(object())
    with pytest.raises(TypeError, match="inputs"):
        layer_table(literal, inputs=1)
