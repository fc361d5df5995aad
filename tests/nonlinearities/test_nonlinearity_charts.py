"""Tests of cnn_course.nonlinearities.charts and cnn_course.nonlinearities.explorers.

The charts compute their curves in the page; here their Vega expressions are evaluated in
Python and held equal to the package's functions.
"""

from __future__ import annotations

import json
import re

import numpy as np
import pandas as pd
import pytest

from cnn_course.nonlinearities import charts
from cnn_course.nonlinearities import explorers
from cnn_course.nonlinearities.activations import LECUN_A, LECUN_S, relu, relu_grad, scaled_tanh, scaled_tanh_grad, sigmoid, sigmoid_grad
from cnn_course.nonlinearities.outputs import rbf_outputs, softmax_with_temperature


def vega_eval(expr: str, x: np.ndarray, **params: float) -> np.ndarray:
    """Evaluate the small subset of Vega expressions the charts use, with NumPy."""
    m = re.fullmatch(r"(.+?) \? (.+?) : (.+)", expr)
    if m:
        return np.where(vega_eval(m[1], x, **params), vega_eval(m[2], x, **params), vega_eval(m[3], x, **params))
    py = (expr.replace("datum.x", "x").replace("exp(", "np.exp(").replace("pow(", "np.power(")
          .replace("clamp(", "np.clip(").replace("max(", "np.maximum("))
    return eval(py, {"np": np, "x": x, **params})  # noqa: S307 - our own fixed strings


@pytest.mark.parametrize("a, s", [(LECUN_A, LECUN_S), (1.0, 1.0), (2.5, 0.3), (0.5, 3.0)])
def test_page_expressions_match_the_package(a, s):
    x = np.linspace(-20, 20, 401)
    want = {"sigmoid": (sigmoid(x), sigmoid_grad(x)), "scaled tanh": (scaled_tanh(x, a, s), scaled_tanh_grad(x, a, s)),
            "relu": (relu(x), relu_grad(x))}
    for name, (f, df) in want.items():
        for source, reference in ((charts.EXPRESSIONS, f), (charts.DERIVATIVE_EXPRESSIONS, df)):
            expr = charts._clamp_exponent(source[name])
            with np.errstate(over="ignore"):
                got = vega_eval(expr, x, A=a, S=s)
            np.testing.assert_allclose(got, reference, rtol=1e-9, atol=1e-12, err_msg=f"{name}: {expr}")


def spec_of(chart):
    return chart.to_dict()


def test_activation_chart_sliders_and_size():
    spec = spec_of(charts.activation_chart())
    params = {p["name"]: p for p in spec["params"]}
    assert set(params) == {"A", "S", "xmax"}
    assert params["A"]["value"] == LECUN_A and params["S"]["value"] == pytest.approx(LECUN_S, abs=1e-4)
    assert all(p["bind"]["input"] == "range" for p in params.values())
    assert len(json.dumps(spec)) < 20_000
    with pytest.raises(ValueError, match="points"):
        charts.activation_chart(points=1)


def test_softmax_temperature_chart():
    spec = spec_of(charts.softmax_temperature_chart([2.0, 1.0, 0.1], ["a", "b", "c"]))
    assert spec["params"][0]["name"] == "log10T"
    rows = next(iter(spec["datasets"].values()))
    assert [r["class"] for r in rows] == ["a", "b", "c"]
    # the page computes e^{(z - max)/T} / sum: the same as the package
    z = np.array([2.0, 1.0, 0.1])
    for t in (0.1, 1.0, 30.0):
        e = np.exp((z - z.max()) / t)
        np.testing.assert_allclose(e / e.sum(), softmax_with_temperature(z, t))
    with pytest.raises(ValueError, match="labels"):
        charts.softmax_temperature_chart([1.0, 2.0], ["a"])
    with pytest.raises(ValueError, match="at least 2"):
        charts.softmax_temperature_chart([1.0])


def test_rbf_softmax_chart_and_view_agree():
    w = np.array([[1.5, 0.0], [-1.5, 0.0], [0.0, 2.0]])
    spec = spec_of(charts.rbf_softmax_chart(w, ["A", "B", "C"], j=4.0))
    assert sorted(p["name"] for p in spec["params"]) == ["a1", "a2"]
    assert len(json.dumps(spec)) < 20_000
    for a in ([0.5, 0.5], [5.0, -5.0], [-1.5, 0.1]):
        view = explorers.output_view(a, w, j=4.0)
        np.testing.assert_allclose(view.distances, rbf_outputs(a, w))
        # the linear layer z = w.a - |w|^2/2 has the same arg-max as the RBF arg-min
        assert np.argmax(view.softmax) == np.argmin(view.distances)
        np.testing.assert_allclose(view.softmax, softmax_with_temperature(-view.distances / 2))
        assert view.map_shares.sum() == pytest.approx(1.0) and len(view.map_shares) == 4
    far = explorers.output_view([6.0, -6.0], w, j=4.0)
    assert far.map_shares[-1] > 0.99 and far.softmax.max() > 0.99
    with pytest.raises(ValueError, match="prototypes"):
        charts.rbf_softmax_chart(np.ones((3, 3)))


def test_study_charts():
    g = pd.DataFrame({"activation": ["relu", "relu", "sigmoid", "sigmoid"], "seed": 0, "layer": ["hidden1", "output"] * 2,
                      "depth": [1, 2] * 2, "grad_rms": [0.1, 0.2, 0.001, 0.02]})
    assert "layer" in spec_of(charts.gradient_chart(g))
    c = pd.DataFrame({"activation": ["relu"] * 3, "seed": 0, "step": [0, 25, 50], "val_accuracy": [0.1, 0.5, 0.9]})
    assert "layer" in spec_of(charts.training_curves_chart(c, 0.9))
    s = pd.DataFrame({"activation": ["relu", "sigmoid"], "seed": [0, 0], "steps_to_target": [100.0, np.nan]})
    assert "layer" in spec_of(charts.steps_chart(s))
    with pytest.raises(ValueError, match="missing"):
        charts.gradient_chart(g.drop(columns="grad_rms"))
    with pytest.raises(TypeError, match="DataFrame"):
        charts.steps_chart([1, 2])


def test_activation_curves_and_explorer():
    t = explorers.activation_curves(LECUN_A, LECUN_S, 3.0, points=7)
    tanh = t[t["function"] == "scaled tanh"]
    np.testing.assert_allclose(tanh["value"], scaled_tanh(np.linspace(-3, 3, 7)))
    e = explorers.activation_explorer()
    view = e.update(a=2.0, s=0.5, x_max=10.0)
    assert isinstance(view, explorers.ActivationView) and e.view is view
    assert e.a_slider.value == 2.0 and view.table["x"].max() == 10.0
    assert view.f_at_one == pytest.approx(float(scaled_tanh(1.0, 2.0, 0.5))) and view.slope_at_zero == pytest.approx(1.0)
    assert "<svg" in view.html and "A tanh(S·1) = " in view.html and e.output.value == view.html
    e.s_slider.value = 1.0  # a learner's move recomputes too
    assert e.view.slope_at_zero == pytest.approx(2.0) and e.view.table["x"].max() == 10.0
    with pytest.raises(TypeError, match="x_max"):
        e.update(xmax=3.0)
    with pytest.raises(ValueError, match="x_max"):
        explorers.activation_curves(x_max=-1.0)
    with pytest.raises(ValueError, match="column"):
        explorers.render_curves_svg(t, "other")


def test_output_explorer():
    e = explorers.output_explorer([[1.5, 0], [-1.5, 0], [0, 2]], ["A", "B", "C"])
    view = e.update(a1=-1.5, a2=0.0, log_t=1.0)
    assert isinstance(view, explorers.OutputView) and e.view is view
    assert np.argmin(view.distances) == 1 and e.log_t.value == 1.0
    assert "softmax, T = 10.00" in view.html and e.output.value == view.html
    assert view.html == explorers.output_view([-1.5, 0.0], [[1.5, 0], [-1.5, 0], [0, 2]], labels=["A", "B", "C"], temperature=10.0).html
    with pytest.raises(ValueError, match="2 columns"):
        explorers.output_explorer(np.ones((3, 3)))
    with pytest.raises(ValueError, match="labels"):
        explorers.output_explorer(np.ones((3, 2)), ["a"])
