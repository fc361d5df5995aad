"""FGSM and PGD: the norm bound and the pixel range on random models (Hypothesis), agreement
with a NumPy version, targeted attacks, argument errors, success on the shipped LeNet-5,
the charts, the explorer and the exercise checks."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest
from course_resources import missing, require
from hypothesis import given, settings
from hypothesis import strategies as st

require("tensorflow")  # Keras's backend: the whole module is about Keras models
keras = require("keras")

from cnn_course import failures as adv  # noqa: E402
from cnn_course.data import DataError
from cnn_course.exercises import IncorrectAnswer
from cnn_course.exercises import failures as check
from cnn_course.failures import charts
from cnn_course.failures.explorers import (
    AdversarialExplorer,
    AdversarialView,
    adversarial_explorer,
    adversarial_view,
    render_view_html,
)
from cnn_course.nonlinearities.activations import softmax
from cnn_course.viz.widgets import Explorer

BUDGET = 250_000  # bytes of JSON per chart


def small_cnn(seed: int, classes: int = 3, side: int = 6, channels: int = 1) -> keras.Model:
    keras.utils.set_random_seed(seed)
    return keras.Sequential([
        keras.Input((side, side, channels)),
        keras.layers.Conv2D(2, 3, activation="relu"),
        keras.layers.Flatten(),
        keras.layers.Dense(classes, activation="softmax"),
    ])


def dense_softmax(w: np.ndarray, b: np.ndarray) -> keras.Model:
    model = keras.Sequential([keras.Input((w.shape[0],)), keras.layers.Dense(w.shape[1], activation="softmax")])
    model.set_weights([w.astype("float32"), b.astype("float32")])
    return model


MODELS = {seed: small_cnn(seed) for seed in range(3)}


# ---------------------------------------------------------------------------------------
# Properties on random models
# ---------------------------------------------------------------------------------------


@settings(max_examples=25)
@given(
    seed=st.integers(0, 2),
    n=st.integers(1, 5),
    eps=st.one_of(st.sampled_from([0.0, 1e-7, 0.1, 1 / 3, 0.5, 1.0]), st.floats(0, 1, allow_nan=False)),
    data_seed=st.integers(0, 2**16),
    saturate=st.booleans(),
    method=st.sampled_from(["FGSM", "PGD"]),
    targeted=st.booleans(),
    dtype=st.sampled_from(["float32", "float64"]),
)
def test_norm_bound_and_range(seed, n, eps, data_seed, saturate, method, targeted, dtype):
    rng = np.random.default_rng(data_seed)
    x = rng.random((n, 6, 6, 1))
    if saturate:  # many pixels at the edges of the range, where clipping acts
        x = np.round(x)
    x = x.astype(dtype)
    y = rng.integers(0, 3, n)
    options = {"steps": 3, "random_start": bool(data_seed % 2)} if method == "PGD" else {}
    x_adv = adv.attack(MODELS[seed], x, y, eps, method, targeted=targeted, **options)
    assert x_adv.shape == x.shape and x_adv.dtype == x.dtype
    assert np.abs(x_adv.astype(np.float64) - x.astype(np.float64)).max() <= eps
    assert x_adv.min() >= 0 and x_adv.max() <= 1


@settings(max_examples=20)
@given(n=st.integers(1, 6), features=st.integers(2, 8), classes=st.integers(2, 5),
       eps=st.floats(0.01, 0.5), seed=st.integers(0, 2**16), targeted=st.booleans())
def test_fgsm_matches_numpy_softmax_regression(n, features, classes, eps, seed, targeted):
    rng = np.random.default_rng(seed)
    w, b = rng.normal(size=(features, classes)), rng.normal(size=classes)
    x = rng.random((n, features))
    y = rng.integers(0, classes, n)
    model = dense_softmax(w, b)
    w32, b32 = (a.astype(np.float32).astype(np.float64) for a in (w, b))
    expected = adv.fgsm_linear(w32, b32, x, y, eps, targeted=targeted)
    got = adv.fgsm(model, x, y, eps, targeted=targeted)
    # float32 gradients can flip the sign of components that are ~0; compare the rest
    gradient = (softmax(x @ w32 + b32, axis=1) - np.eye(classes)[y]) @ w32.T
    clear = np.abs(gradient) > 1e-5
    np.testing.assert_allclose(got[clear], expected[clear], atol=1e-12)


def test_fgsm_linear_by_hand():
    w = np.array([[2.0, -1.0], [0.0, 1.0], [-1.0, 0.0]])
    x = np.array([[0.5, 0.5, 0.95]])
    # p_0 > 0; gradient for y=0 is (p - [1, 0]) @ w.T, whose sign is (-, +, +)
    out = adv.fgsm_linear(w, np.zeros(2), x, [0], 0.1)
    np.testing.assert_allclose(out, [[0.4, 0.6, 1.0]])


def test_logits_are_used_for_softmax_models_so_saturated_networks_still_have_gradients():
    w = np.array([[40.0, -40.0], [0.0, 0.0]])
    model = dense_softmax(w, np.zeros(2))
    x = np.array([[0.9, 0.5]])
    assert model.predict(x, verbose=0)[0, 0] == 1.0  # saturated in float32
    x_adv = adv.fgsm(model, x, [0], 0.1)
    np.testing.assert_allclose(x_adv, [[0.8, 0.5]], atol=1e-7)


def test_targeted_moves_toward_the_target():
    rng = np.random.default_rng(0)
    w, b = rng.normal(size=(20, 4)), np.zeros(4)
    model = dense_softmax(w, b)
    x = rng.random((30, 20))
    target = np.full(30, 2)
    before = model.predict(x, verbose=0)[:, 2]
    after_fgsm = model.predict(adv.fgsm(model, x, target, 0.05, targeted=True), verbose=0)[:, 2]
    after_pgd = adv.predict(model, adv.pgd(model, x, 2, 0.5, steps=20, targeted=True))[0]
    assert np.all(after_fgsm > before)
    assert np.mean(after_pgd == 2) > 0.9


def test_untargeted_pgd_lowers_the_true_class_at_least_as_much_as_fgsm():
    model = MODELS[0]
    rng = np.random.default_rng(1)
    x = rng.random((20, 6, 6, 1)).astype("float32")
    y = model.predict(x, verbose=0).argmax(1)
    p = lambda z: model.predict(z, verbose=0)[np.arange(20), y]  # noqa: E731
    assert p(adv.pgd(model, x, y, 0.2, steps=10)).mean() <= p(adv.fgsm(model, x, y, 0.2)).mean() + 1e-6
    assert p(adv.fgsm(model, x, y, 0.2)).mean() < p(x).mean()


def test_eps_zero_changes_nothing():
    x = np.random.default_rng(0).random((3, 6, 6, 1)).astype("float32")
    np.testing.assert_array_equal(adv.fgsm(MODELS[0], x, [0, 1, 2], 0.0), x)
    np.testing.assert_array_equal(adv.pgd(MODELS[0], x, [0, 1, 2], 0.0, steps=2), x)


def test_distances_output_uses_a_margin():
    # "distances": the smaller, the better; class 0 is nearest, attack must push it away
    inputs = keras.Input((2,))
    d = keras.layers.Lambda(lambda v: keras.ops.stack([(v[:, 0] - 0.0) ** 2 * 50, (v[:, 0] - 1.0) ** 2 * 50], axis=1))(inputs)
    model = keras.Model(inputs, d)
    x = np.array([[0.4, 0.5]])
    x_adv = adv.pgd(model, x, [0], 0.2, steps=5, output="distances")
    classes, _ = adv.predict(model, x_adv, output="distances")
    assert x_adv[0, 0] > 0.5 and classes.tolist() == [1]


def test_batches_give_the_same_answer():
    rng = np.random.default_rng(2)
    x = rng.random((7, 6, 6, 1)).astype("float32")
    y = rng.integers(0, 3, 7)
    np.testing.assert_array_equal(adv.pgd(MODELS[1], x, y, 0.1, steps=3, batch_size=2),
                                  adv.pgd(MODELS[1], x, y, 0.1, steps=3, batch_size=100))


def test_success_rates_table():
    rng = np.random.default_rng(3)
    x = rng.random((40, 6, 6, 1)).astype("float32")
    y = MODELS[2].predict(x, verbose=0).argmax(1)
    y[:5] = (y[:5] + 1) % 3  # five wrong labels: left out
    table = adv.success_rates(MODELS[2], x, y, [0.0, 0.1, 0.3], steps=3)
    assert list(table.columns) == ["method", "eps", "n", "fooled", "success_rate", "accuracy", "confidence"]
    assert (table["n"] == 35).all()
    assert (table[table.eps == 0].success_rate == 0).all()
    pgd = table[table.method == "PGD"].set_index("eps").success_rate
    # the PGD rows equal separate pgd() runs
    x_right, y_right = x[5:], y[5:]
    alone = adv.predict(MODELS[2], adv.pgd(MODELS[2], x_right, y_right, 0.3, steps=3))[0] != y_right
    assert pgd[0.3] == pytest.approx(alone.mean())


# ---------------------------------------------------------------------------------------
# Errors
# ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("eps, error, words", [
    (-0.1, ValueError, "eps must be >= 0"),
    (1.5, ValueError, "divide by 255"),
    (8, ValueError, "between 0 and 1"),
    (float("nan"), ValueError, "finite"),
    (float("inf"), ValueError, "finite"),
    ("0.1", TypeError, "real number"),
    (True, TypeError, "real number"),
])
def test_bad_eps(eps, error, words):
    with pytest.raises(error, match=words):
        adv.fgsm(MODELS[0], np.zeros((1, 6, 6, 1)), [0], eps)


def test_bad_images_and_labels():
    model = MODELS[0]
    good = np.zeros((2, 6, 6, 1))
    with pytest.raises(ValueError, match=r"divide 8-bit images by 255"):
        adv.fgsm(model, good + 255, [0, 1], 0.1)
    with pytest.raises(ValueError, match=r"x must hold pixel values in \[0, 1\]"):
        adv.pgd(model, good - 0.5, [0, 1], 0.1)
    with pytest.raises(ValueError, match=r"x\[\.\.\., None\]"):
        adv.fgsm(model, np.zeros((2, 6, 6)), [0, 1], 0.1)
    with pytest.raises(ValueError, match=r"x\[None\]"):
        adv.fgsm(model, np.zeros((6, 6, 1)), [0], 0.1)
    with pytest.raises(ValueError, match="finite"):
        adv.fgsm(model, np.full((2, 6, 6, 1), np.nan), [0, 1], 0.1)
    with pytest.raises(TypeError, match="dtype"):
        adv.fgsm(model, np.zeros((2, 6, 6, 1), dtype=bool), [0, 1], 0.1)
    with pytest.raises(ValueError, match="one label per image: 2 images but 3 labels"):
        adv.fgsm(model, good, [0, 1, 2], 0.1)
    with pytest.raises(ValueError, match=r"y\.argmax\(axis=1\)"):
        adv.fgsm(model, good, np.eye(3)[:2], 0.1)
    with pytest.raises(ValueError, match="from 0 to 2"):
        adv.fgsm(model, good, [0, 3], 0.1)
    with pytest.raises(TypeError, match="integer class indices"):
        adv.fgsm(model, good, [0.5, 1], 0.1)
    with pytest.raises(ValueError, match="output must be one of"):
        adv.fgsm(model, good, [0, 1], 0.1, output="scores")
    with pytest.raises(ValueError, match="steps must be >= 1"):
        adv.pgd(model, good, [0, 1], 0.1, steps=0)
    with pytest.raises(ValueError, match="step_size must be a positive"):
        adv.pgd(model, good, [0, 1], 0.1, step_size=-1.0)
    with pytest.raises(TypeError, match="Keras model"):
        adv.fgsm("model", good, [0, 1], 0.1)
    with pytest.raises(ValueError, match="methods must be one of"):
        adv.success_rates(model, good, [0, 1], [0.1], methods=["CW"])
    with pytest.raises(ValueError, match="eps_values must"):
        adv.success_rates(model, good, [0, 1], [2.0])


# ---------------------------------------------------------------------------------------
# The shipped LeNet-5
# ---------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def lenet():
    from cnn_course.models.lenet import load_lenet5

    for variant in ("modern", "keras"):
        try:
            return variant, load_lenet5(variant)
        except DataError:
            continue
    missing("no trained LeNet-5 weights in data/ (lenet5_modern or lenet5_keras.weights.h5): "
            "train them with `python -m cnn_course.train lenet5 --variant modern`")


@pytest.fixture(scope="module")
def mnist_200(mnist):
    (_, _), (x, y) = mnist  # the session fixture: a skip without MNIST, a failure in CI
    return x[:200, :, :, None].astype("float32") / 255, y[:200].astype(int)


def test_pgd_fools_the_shipped_lenet(lenet, mnist_200):
    """Success on the shipped LeNet-5 above measured thresholds.

    Measured on the modern LeNet-5 (data/lenet5_modern.weights.h5, 2026-11-24), first 200 test
    digits, the ones it gets right: PGD (10 steps) at eps = 0.3 fools 92.5%, at 0.1 about half;
    FGSM at 0.3 about 60% (on 1,000 digits: 94.8%, 54.2%, 59.9%). The classic Keras variant is
    weaker still (>= 95% at 0.3). Thresholds leave a margin: PGD >= 88% at 0.3, >= 30% at 0.1,
    FGSM >= 30% at 0.3."""
    variant, model = lenet
    x, y = mnist_200
    table = adv.success_rates(model, x, y, [0.1, 0.3], steps=10).set_index(["method", "eps"])
    assert table.loc[("PGD", 0.3), "success_rate"] >= 0.88, (variant, table)
    assert table.loc[("PGD", 0.1), "success_rate"] >= 0.30, (variant, table)
    assert table.loc[("FGSM", 0.3), "success_rate"] >= 0.30, (variant, table)
    x_adv = adv.pgd(model, x[:20], y[:20], 0.3, steps=5)
    assert np.abs(x_adv - x[:20]).max() <= 0.3 and 0 <= x_adv.min() and x_adv.max() <= 1


def test_targeted_pgd_on_the_shipped_lenet(lenet, mnist_200):
    _, model = lenet
    x, y = mnist_200
    targets = (y[:30] + 1) % 10
    hit = adv.predict(model, adv.pgd(model, x[:30], targets, 0.3, steps=20, targeted=True))[0] == targets
    assert hit.mean() >= 0.8, hit.mean()


# ---------------------------------------------------------------------------------------
# Charts, explorer, checks
# ---------------------------------------------------------------------------------------


def test_success_rate_chart_and_errors():
    table = adv.success_rates(MODELS[0], np.random.default_rng(0).random((10, 6, 6, 1)),
                              MODELS[0].predict(np.random.default_rng(0).random((10, 6, 6, 1)), verbose=0).argmax(1),
                              [0, 0.2], steps=2)
    spec = charts.success_rate_chart(table).to_dict()
    assert len(json.dumps(spec)) < BUDGET
    with pytest.raises(ValueError, match="missing"):
        charts.success_rate_chart(pd.DataFrame({"eps": [0.1]}))


def test_examples_chart_has_a_slider_and_stays_small():
    rng = np.random.default_rng(0)
    x = rng.random((3, 6, 6, 1)).astype("float32")
    y = MODELS[0].predict(x, verbose=0).argmax(1)
    rows = charts.examples_data(MODELS[0], x, y, [0.0, 0.1, 0.3], method="PGD", steps=2)
    assert len(rows) == 3 + 3 * 3 * 2
    spec = charts.examples_chart(rows).to_dict()
    assert spec["params"][0]["bind"]["input"] == "range"
    assert len(json.dumps(spec)) < BUDGET
    pert = [r for r in rows if r["kind"] == "perturbation"]
    assert max(r["conf"] for r in pert if r["eps"] == 0.1) <= 0.1


def test_targeted_and_logit_path_charts():
    rng = np.random.default_rng(0)
    x = rng.random((6, 6, 1)).astype("float32")
    chart, table = charts.targeted_chart(MODELS[0], x, 0, 0.5, steps=5)
    assert list(table["target"]) == [0, 1, 2] and len(json.dumps(chart.to_dict())) < BUDGET
    path = adv.logit_path(MODELS[0], x, 0, [0.0, 0.1, 0.2])
    assert len(path) == 9
    assert charts.logit_path_chart(path, 0).to_dict()["layer"][0]["mark"]["type"] == "line"


def _pixels(uri: str) -> np.ndarray:
    import base64
    import io

    from PIL import Image

    assert uri.startswith("data:image/png;base64,")
    return np.asarray(Image.open(io.BytesIO(base64.b64decode(uri.split(",", 1)[1]))))


def test_perturbation_pictures_are_amplified_around_mid_grey():
    delta = np.array([[-0.2, -0.1, 0.0, 0.1, 0.2]])
    assert _pixels(charts.perturbation_uri(delta, 0.2, scale=1)).tolist() == [[0, 64, 128, 191, 255]]
    assert _pixels(charts.perturbation_uri(np.zeros((2, 2)), 0.0, scale=2)).tolist() == [[128] * 4] * 4
    with pytest.raises(ValueError, match="grey"):
        charts.perturbation_uri(np.zeros((2, 2, 2)), 0.1)


def test_explorer_view_and_widgets():
    rng = np.random.default_rng(0)
    x = rng.random((4, 6, 6, 1)).astype("float32")
    y = MODELS[0].predict(x, verbose=0).argmax(1)
    view = adversarial_view(MODELS[0], x[0], int(y[0]), eps=0.2, method="FGSM")
    assert np.abs(view.perturbation).max() <= 0.2 + 1e-7
    assert "perturbation" in render_view_html(view) and view.html == render_view_html(view)
    explorer = adversarial_explorer(MODELS[0], x, y, eps=0.1)
    assert isinstance(explorer, AdversarialExplorer) and isinstance(explorer, Explorer)
    assert isinstance(explorer.view, AdversarialView) and explorer.output.value == explorer.view.html
    v2 = explorer.update(index=2, eps=0.3, method="PGD", target=1)
    assert isinstance(v2, AdversarialView) and explorer.view is v2
    assert v2.target == 1 and v2.label == int(y[2]) and explorer.output.value == v2.html
    assert "class 1" in v2.html
    v3 = explorer.update(target=None)
    assert v3.target is None and "any wrong class" in v3.html
    with pytest.raises(TypeError, match="index"):
        explorer.update(image=1)
    with pytest.raises(ValueError, match="index must be"):
        adversarial_explorer(MODELS[0], x, y, index=9)


def test_exercise_checks_accept_right_and_name_slips():
    def right(w, b, x, y, eps):
        return adv.fgsm_linear(w, b, x, y, eps)

    def unclipped(w, b, x, y, eps):
        w, b, x = (np.asarray(a, float) for a in (w, b, x))
        g = (softmax(x @ w + b, axis=1) - np.eye(w.shape[1])[np.asarray(y)]) @ w.T
        return x + eps * np.sign(g)

    assert check.fgsm_by_hand(right).passed
    with pytest.raises(IncorrectAnswer, match="clip"):
        check.fgsm_by_hand(unclipped)
    assert check.largest_change(lambda w, eps: eps * np.abs(w).sum()).passed
    with pytest.raises(IncorrectAnswer, match="Euclidean"):
        check.largest_change(lambda w, eps: eps * np.linalg.norm(w))


def test_fixate_check():
    from cnn_course.failures.foveation import centre_of_mass, foveate

    model = keras.Sequential([keras.Input((28, 28, 1)), keras.layers.Flatten(), keras.layers.Dense(10, activation="softmax")])
    rng = np.random.default_rng(0)
    digits = rng.random((5, 28, 28))
    labels = np.arange(5)
    seen = np.clip(foveate(digits, centre_of_mass(digits)), 0, 1)
    accuracy = np.mean(adv.predict(model, seen[..., None].astype("float32"))[0] == labels)
    assert check.fixate_on_ink(centre_of_mass, accuracy, model, digits, labels).passed
    with pytest.raises(IncorrectAnswer, match="row"):
        check.fixate_on_ink(lambda im: centre_of_mass(im)[:, ::-1], accuracy, model, digits, labels)
