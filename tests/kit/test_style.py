"""The shared chart style (:mod:`cnn_course.viz.style`) and confusion chart (:mod:`cnn_course.viz.charts`)."""

from __future__ import annotations

import json
import sys

import altair as alt
import numpy as np
import pytest

from cnn_course.viz.charts import confusion_chart, confusion_parts
from cnn_course.viz.style import NO_FRAME, TITLE_STYLE, title


def test_title() -> None:
    assert title("A").to_dict() == {"text": "A", **TITLE_STYLE}
    assert title(["line 1", "line 2"]).to_dict()["text"] == ["line 1", "line 2"]
    expr = title(alt.expr("'size ' + size")).to_dict()
    assert expr["text"] == {"expr": "'size ' + size"} and expr["fontSize"] == 12
    big = title("Figure", fontSize=13, fontWeight=None).to_dict()
    assert big == {"text": "Figure", "anchor": "start", "fontSize": 13}
    given = alt.Title("as it is")
    assert title(given) is given
    with pytest.raises(TypeError, match="text must be"):
        title(None)  # type: ignore[arg-type]


def test_no_frame() -> None:
    spec = alt.Chart().mark_point().properties(view=NO_FRAME).to_dict()
    assert spec["view"] == {"stroke": None}


def test_confusion_chart_both_colourings() -> None:
    matrix = np.eye(10, dtype=int) * 900 + 1
    share = confusion_chart(matrix, [f"c{i}" for i in range(10)]).to_dict()
    errors = confusion_chart(matrix, color="errors", size=300, title="Errors").to_dict()
    assert share["layer"][0]["encoding"]["color"]["field"] == "share" and share["width"] == 360
    assert errors["layer"][0]["encoding"]["color"]["field"] == "error" and errors["height"] == 300
    assert errors["title"] == "Errors"
    assert len(json.dumps(share)) < 50_000
    frame, *_ = confusion_parts([[3, 1], [0, 2]], ["cat", "dog"])
    assert frame.to_dict("records")[1] == {"true": "cat", "predicted": "dog", "count": 1, "share": 0.25, "error": 1}


@pytest.mark.parametrize(
    "args, kwargs, error, match",
    [
        (([[1, 2]],), {}, ValueError, "square"),
        (([[1, 0], [0, 1]], ["a"]), {}, ValueError, "2x2|1x1"),
        (([[1, 0], [0, 1]], ["a", "a"]), {}, ValueError, "repeat"),
        (([[1, 0], [0, 1]], "ab"), {}, TypeError, "class_names"),
        (([[1.5, 0], [0, 1]],), {}, ValueError, "counts"),
        (([[1, 0], [0, 1]],), {"color": "red"}, ValueError, "color"),
        (([[1, 0], [0, 1]],), {"size": 10}, ValueError, "size"),
    ],
)
def test_confusion_chart_checks(args, kwargs, error, match) -> None:
    with pytest.raises(error, match=match):
        confusion_chart(*args, **kwargs)


def test_viz_charts_needs_no_widgets() -> None:
    import subprocess

    code = "import sys, cnn_course.viz.charts, cnn_course.viz.html, cnn_course.viz.view; print('ipywidgets' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "False"
