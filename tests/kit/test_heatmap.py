"""The kit's shared chart pieces: :func:`cnn_course.viz.charts.heatmap` and the number format
of every chart and explorer, :func:`cnn_course.viz.style.format_number`."""

from __future__ import annotations

import numpy as np
import pytest

from cnn_course.convolution import worked_example
from cnn_course.viz.charts import heatmap
from cnn_course.viz.style import format_number


def test_format_number() -> None:
    assert [format_number(v) for v in (255.0, -2.0, 1 / 9, 86.44444, -0.0, -1e-5, 0.5)] == [
        "255", "-2", "0.111", "86.444", "0", "0", "0.5",
    ]


def test_heatmap_of_the_worked_example() -> None:
    P, K = worked_example()
    left = heatmap(P, title="input P", x_labels=[-1, 0, 1], y_labels=[1, 0, -1])
    right = heatmap(K, title="kernel K", x_labels=[0, 1], y_labels=[1, 0])
    spec = (left | right).to_dict()
    rows = [row for data in spec["datasets"].values() for row in data]
    assert [row["t"] for row in rows] == ["0", "200", "210", "100", "0", "220", "110", "120", "0", "0.25", "0.75", "0.6", "0.3"]
    p_rows = rows[:9]
    assert (p_rows[0]["x"], p_rows[0]["y"]) == ("-1", "1")  # top-left of P is p(-1, 1)
    assert p_rows[0]["f"] == "#000000" and p_rows[5]["f"] == "#ffffff"  # 0 black, 220 white
    assert spec["hconcat"][0]["layer"][0]["encoding"]["x"]["sort"] == ["-1", "0", "1"]


def test_heatmap_options_and_errors() -> None:
    spec = heatmap([[-2, 0, 2]], color="diverging", text=False).to_dict()
    (rows,) = spec["datasets"].values()
    assert [row["f"] for row in rows] == ["#2166ac", "#ffffff", "#d6604d"]
    assert len(spec["layer"]) == 1
    with pytest.raises(ValueError, match="x_labels must have one label per column"):
        heatmap(np.ones((2, 3)), x_labels=[0, 1])
    with pytest.raises(ValueError, match="color must be one of"):
        heatmap(np.ones((2, 2)), color="viridis")
    with pytest.raises(ValueError, match="array must be a 2-D array"):
        heatmap([1, 2, 3])
