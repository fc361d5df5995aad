"""The Neocognitron: its layers against the course's convolution and pooling, its learning,
saving, inputs, the shift-robustness result on real MNIST, the explorer, charts and checks."""

from __future__ import annotations

import json

import ipywidgets as widgets
import numpy as np
import pandas as pd
import pytest
from chart_testing import drawn_texts
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from cnn_course.convolution import conv2d_layer
from cnn_course.exercises import IncorrectAnswer
from cnn_course.exercises import neocognitron as check
from cnn_course.neocognitron import (
    DEFAULT_STAGES,
    Neocognitron,
    PixelTemplateMatcher,
    Stage,
    add_noise,
    c_layer,
    competitive_learning,
    competitive_step,
    deform_images,
    s_cell_response,
    s_layer,
    s_layer_loops,
    sample_patches,
    shift_accuracy,
    shift_images,
)
from cnn_course.neocognitron import charts
from cnn_course.neocognitron.explorers import (
    NeocognitronExplorer,
    NeocognitronView,
    neocognitron_explorer,
    neocognitron_view,
    render_view_html,
    tile_planes,
)
from cnn_course.pooling import avg_pool2d, max_pool2d
from cnn_course.viz.widgets import Explorer, View

BUDGET = 250_000  # bytes of JSON per chart
TINY_STAGES = (Stage(4, 3, 0.5, 3, 2), Stage(6, 3, 0.4, 3, 2))


def blobs(n: int = 40, side: int = 12, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """Synthetic 'digits': a bright bar, horizontal (class 0) or vertical (class 1), plus speckle."""
    rng = np.random.default_rng(seed)
    images = rng.integers(0, 30, size=(n, side, side)).astype(float)
    labels = np.arange(n) % 2
    for k in range(n):
        at = rng.integers(3, side - 3)
        if labels[k] == 0:
            images[k, at, 2:-2] = 255
        else:
            images[k, 2:-2, at] = 255
    return images, labels


@pytest.fixture(scope="module")
def tiny():
    images, labels = blobs()
    model = Neocognitron(TINY_STAGES, n_patches=400, seed=0).fit(images).fit_readout(images, labels)
    matcher = PixelTemplateMatcher().fit(images, labels)
    return model, matcher, images, labels


# ---------------------------------------------------------------------------------------
# S-cells and S-layers
# ---------------------------------------------------------------------------------------


def test_s_cell_fires_on_shape_not_brightness() -> None:
    w = np.array([[0, 1, 0]] * 3, dtype=float) / np.sqrt(3)
    line = np.array([[0, 1, 0]] * 3, dtype=float)
    assert s_cell_response(line, w, 0.6) == pytest.approx(np.sqrt(3))
    assert s_cell_response(5 * line, w, 0.6) == pytest.approx(5 * np.sqrt(3))  # scales with strength
    assert s_cell_response(np.full((3, 3), 9.0), w, 0.6) == 0.0  # bright but wrong shape
    assert s_cell_response(np.zeros((3, 3)), w, 0.6) == 0.0


@st.composite
def layer_cases(draw):
    n, h, w, c = draw(st.integers(1, 2)), draw(st.integers(3, 7)), draw(st.integers(3, 7)), draw(st.integers(1, 3))
    k = draw(st.sampled_from([1, 3, 5]))
    planes = draw(st.integers(1, 3))
    x = draw(arrays(np.float64, (n, h, w, c), elements=st.floats(0, 1, allow_nan=False)))
    raw = draw(arrays(np.float64, (k, k, c, planes), elements=st.floats(0, 1, allow_nan=False)))
    weights = raw / np.maximum(np.linalg.norm(raw.reshape(-1, planes), axis=0), 1e-6)
    theta = draw(st.sampled_from([0.0, 0.3, 0.7]))
    return x, weights, theta


@given(layer_cases())
def test_s_layer_equals_the_loops_and_the_course_convolution(case) -> None:
    x, w, theta = case
    fast = s_layer(x, w, theta)
    np.testing.assert_allclose(fast, s_layer_loops(x, w, theta), rtol=1e-4, atol=1e-4)
    # independently: excitation and inhibition from the course's conv2d_layer ("same" padding)
    k = w.shape[0]
    excitation = conv2d_layer(x, w, padding="same")
    inhibition = np.sqrt(np.maximum(conv2d_layer(x**2, np.ones((k, k, x.shape[3], 1)), padding="same"), 0))
    np.testing.assert_allclose(fast, np.maximum(excitation - theta * inhibition, 0) / (1 - theta), rtol=1e-4, atol=1e-4)


def test_s_layer_detects_its_feature() -> None:
    x = np.zeros((1, 5, 5, 1))
    x[0, :, 2, 0] = 1.0  # vertical line
    w = np.zeros((3, 3, 1, 2))
    w[:, 1, 0, 0] = w[1, :, 0, 1] = 1 / np.sqrt(3)  # vertical, horizontal detectors
    out = s_layer(x, w, 0.6)
    assert out[0, 2, 2, 0] == pytest.approx(np.sqrt(3), rel=1e-5)
    assert out[0, :, :, 1].max() == 0


# ---------------------------------------------------------------------------------------
# C-layers
# ---------------------------------------------------------------------------------------


@given(
    arrays(np.float64, st.tuples(st.integers(1, 2), st.integers(1, 9), st.integers(1, 9), st.integers(1, 3)),
           elements=st.floats(0, 10, allow_nan=False)),
    st.integers(1, 5),
    st.integers(1, 3),
    st.sampled_from(["max", "average"]),
)
def test_c_layer_is_the_course_pooling_of_every_plane(x, size, stride, mode) -> None:
    pad = (size - 1) // 2
    if size > min(x.shape[1:3]) + 2 * pad:
        with pytest.raises(ValueError):
            c_layer(x, size, stride, mode)
        return
    out = c_layer(x, size, stride, mode)
    pool = max_pool2d if mode == "max" else avg_pool2d
    for b in range(x.shape[0]):
        for p in range(x.shape[3]):
            np.testing.assert_allclose(out[b, :, :, p], pool(x[b, :, :, p], size, stride=stride, padding=pad), rtol=1e-5, atol=1e-5)


def test_c_layer_tolerates_a_shift_the_s_layer_does_not() -> None:
    w = np.zeros((3, 3, 1, 1))
    w[:, 1, 0, 0] = 1 / np.sqrt(3)

    def change(a, b):
        return np.linalg.norm(a - b) / np.linalg.norm(b)

    s_changes, c_changes = [], []
    for column in (4, 5):  # both phases of the line against the 2-cell stride
        line = np.zeros((1, 12, 12, 1))
        line[0, 2:10, column, 0] = 1
        s0, s1 = s_layer(line, w, 0.6), s_layer(np.roll(line, 1, axis=2), w, 0.6)
        s_changes.append(change(s1, s0))
        c_changes.append(change(c_layer(s1, 3, 2), c_layer(s0, 3, 2)))
    assert np.allclose(s_changes, np.sqrt(2))  # every S-cell that fired is silent now, and vice versa
    assert max(c_changes) <= 1.0 + 1e-6 and np.mean(c_changes) < 0.65 * np.mean(s_changes), c_changes


# ---------------------------------------------------------------------------------------
# Shapes and receptive fields
# ---------------------------------------------------------------------------------------


def test_layer_shapes_match_the_responses(tiny) -> None:
    model, _, images, _ = tiny
    responses = model.layer_responses(images[0])
    assert list(responses) == ["input", "S1", "C1", "S2", "C2"]
    for row in model.layer_shapes(images.shape[1:]):
        assert responses[row["layer"]].shape == (row["height"], row["width"], row["planes"])
    assert model.transform(images[:3]).shape == (3, 3, 3, 6)
    np.testing.assert_allclose(model.transform(images[:1])[0], responses["C2"])


def test_default_shapes_and_receptive_fields() -> None:
    rows = Neocognitron().layer_shapes()
    assert [(r["layer"], r["planes"], r["height"]) for r in rows] == [
        ("input", 1, 28), ("S1", 8, 28), ("C1", 8, 14), ("S2", 32, 14), ("C2", 32, 7)]
    fields = {r["layer"]: (r["size"], r["step"], r["start"]) for r in Neocognitron().receptive_fields()}
    assert fields == {"S1": (5, 1, -2), "C1": (7, 2, -3), "S2": (15, 2, -7), "C2": (31, 4, -15)}


def test_receptive_field_is_exactly_the_pixels_that_matter() -> None:
    """Perturb one pixel at a time: a C2-cell changes iff the pixel is in its computed field."""
    stages = (Stage(2, 3, 0.0, 3, 2, "average"), Stage(2, 3, 0.0, 3, 2, "average"))
    model = Neocognitron(stages)
    rng = np.random.default_rng(3)
    model.weights = [rng.uniform(0.1, 1, (3, 3, 1, 2)).astype(np.float32), rng.uniform(0.1, 1, (3, 3, 2, 2)).astype(np.float32)]
    model.image_shape = (16, 16)
    field = model.receptive_fields()[3]
    image = np.full((16, 16), 100.0)
    base = model.transform(image)[0]
    i, j = 2, 1
    rows = range(field["start"] + field["step"] * i, field["start"] + field["step"] * i + field["size"])
    cols = range(field["start"] + field["step"] * j, field["start"] + field["step"] * j + field["size"])
    for r in range(16):
        for c in range(16):
            poked = image.copy()
            poked[r, c] = 200
            changed = not np.isclose(model.transform(poked)[0][i, j, 0], base[i, j, 0], rtol=0, atol=1e-6)
            assert changed == (r in rows and c in cols), (r, c)


# ---------------------------------------------------------------------------------------
# Learning
# ---------------------------------------------------------------------------------------


def test_competitive_step_moves_only_winners_and_keeps_unit_length() -> None:
    w = np.eye(3)
    patches = np.array([[5.0, 1.0, 0.0], [4.0, 0.0, 1.0]])
    new = competitive_step(w, patches, 0.5)
    np.testing.assert_array_equal(new[1:], w[1:])
    np.testing.assert_allclose(np.linalg.norm(new, axis=1), 1.0)
    assert new[0, 0] < 1 and new[0, 1] > 0 and new[0, 2] > 0


def test_competitive_learning_is_deterministic_and_seeded() -> None:
    rng = np.random.default_rng(0)
    data = rng.random((300, 9))
    a = competitive_learning(data, 4, seed=7)
    b = competitive_learning(data, 4, seed=7)
    c = competitive_learning(data, 4, seed=8)
    np.testing.assert_array_equal(a, b)
    assert not np.array_equal(a, c)
    np.testing.assert_allclose(np.linalg.norm(a, axis=1), 1.0, atol=1e-5)


def test_sample_patches_come_from_inked_positions() -> None:
    x = np.zeros((3, 10, 10, 1))
    x[:, 4:6, 4:6] = 1.0
    patches = sample_patches(x, 3, 1000, min_fraction=0.5, seed=0)
    assert patches.shape[1] == 9 and 0 < len(patches) <= 3 * 100
    assert np.all(np.linalg.norm(patches, axis=1) >= 0.5 * 2.0 - 1e-6)  # largest patch length is 2
    np.testing.assert_array_equal(patches, sample_patches(x, 3, 1000, min_fraction=0.5, seed=0))


def test_fit_is_deterministic(tiny) -> None:
    model, _, images, labels = tiny
    again = Neocognitron(TINY_STAGES, n_patches=400, seed=0).fit(images)
    for a, b in zip(model.weights, again.weights):
        np.testing.assert_array_equal(a, b)
    other = Neocognitron(TINY_STAGES, n_patches=400, seed=1).fit(images)
    assert not np.array_equal(model.weights[0], other.weights[0])


def test_readouts_learn_the_toy_task(tiny) -> None:
    model, matcher, images, labels = tiny
    assert model.score(images, labels) == 1.0
    assert matcher.score(images, labels) == 1.0
    nn = Neocognitron(TINY_STAGES, n_patches=400, readout="nearest-neighbour").fit(images).fit_readout(images, labels)
    assert nn.score(images, labels) == 1.0
    with pytest.raises(ValueError, match="decision_scores needs readout='ridge'"):
        nn.decision_scores(images)


# ---------------------------------------------------------------------------------------
# Saving
# ---------------------------------------------------------------------------------------


def test_save_load_round_trip(tiny, tmp_path) -> None:
    model, _, images, _ = tiny
    path = model.save(tmp_path / "sub" / "model.npz")
    loaded = Neocognitron.load(path)
    assert loaded.config() == model.config()
    assert loaded.image_shape == model.image_shape
    for a, b in zip(model.weights, loaded.weights):
        np.testing.assert_array_equal(a, b)
    np.testing.assert_array_equal(loaded.predict(images), model.predict(images))
    np.testing.assert_allclose(loaded.decision_scores(images), model.decision_scores(images))
    with np.load(path, allow_pickle=False) as data:  # no pickles inside
        assert "meta" in data.files
    assert path.stat().st_size < 100_000


def test_load_bad_files(tmp_path) -> None:
    with pytest.raises(FileNotFoundError, match="no such file"):
        Neocognitron.load(tmp_path / "missing.npz")
    junk = tmp_path / "junk.npz"
    junk.write_bytes(b"not a zip")
    with pytest.raises(ValueError, match="not a saved Neocognitron"):
        Neocognitron.load(junk)
    other = tmp_path / "other.npz"
    np.savez(other, x=np.zeros(3))
    with pytest.raises(ValueError, match="no 'meta' entry"):
        Neocognitron.load(other)


# ---------------------------------------------------------------------------------------
# Transformations
# ---------------------------------------------------------------------------------------


@given(st.integers(-5, 5), st.integers(-5, 5))
def test_shift_images_is_a_roll_with_black_fill(dx, dy) -> None:
    image = np.arange(1, 49, dtype=float).reshape(6, 8)
    out = shift_images(image, dx, dy)
    rolled = np.roll(np.roll(image, dy, axis=0), dx, axis=1)
    rows, cols = np.indices(image.shape)
    inside = (rows - dy >= 0) & (rows - dy < 6) & (cols - dx >= 0) & (cols - dx < 8)
    np.testing.assert_array_equal(out[inside], rolled[inside])
    assert np.all(out[~inside] == 0)
    batch = shift_images(np.stack([image, 2 * image]), dx, dy)
    np.testing.assert_array_equal(batch[1], 2 * out)


def test_noise_and_deformation() -> None:
    images = blobs(4)[0]
    np.testing.assert_array_equal(add_noise(images, 0), images)
    noisy = add_noise(images, 50, seed=3)
    np.testing.assert_array_equal(noisy, add_noise(images, 50, seed=3))
    assert noisy.min() >= 0 and noisy.max() <= 255 and not np.array_equal(noisy, images)
    np.testing.assert_array_equal(deform_images(images, 0), images)
    bent = deform_images(images, 1.5, seed=2)
    np.testing.assert_array_equal(bent, deform_images(images, 1.5, seed=2))
    assert bent.shape == images.shape and bent.min() >= 0 and bent.max() <= 255
    assert 0 < np.abs(bent - images).mean() < np.abs(shift_images(images, 4, 0) - images).mean()


# ---------------------------------------------------------------------------------------
# Bad inputs
# ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "make, error, message",
    [
        (lambda: Stage(8, 4, 0.5, 3, 2), ValueError, "kernel must be odd"),
        (lambda: Stage(8, 5, 1.0, 3, 2), ValueError, r"threshold must be in \[0, 1\)"),
        (lambda: Stage(8, 5, 0.5, 3, 2, "median"), ValueError, "pool_mode must be one of"),
        (lambda: Stage(0, 5, 0.5, 3, 2), ValueError, "planes must be >= 1"),
        (lambda: Neocognitron(stages=[]), ValueError, "at least one Stage"),
        (lambda: Neocognitron(stages=[(8, 5, 0.5, 3, 2)]), TypeError, "sequence of Stage"),
        (lambda: Neocognitron(readout="svm"), ValueError, "readout must be one of"),
        (lambda: Neocognitron(ridge=-1), ValueError, "ridge must be in"),
        (lambda: Neocognitron(learning_rate=0), ValueError, "learning_rate must be > 0"),
        (lambda: Neocognitron().transform(np.zeros((2, 28, 28))), RuntimeError, r"not fitted: call fit\(images\)"),
        (lambda: PixelTemplateMatcher().predict(np.zeros((28, 28))), RuntimeError, "not fitted"),
        (lambda: Neocognitron().fit(np.zeros((2, 28))), ValueError, "images must be at least 3x3|images must be a 2-D or 3-D"),
        (lambda: Neocognitron().fit(np.full((2, 28, 28), 300.0)), ValueError, "grey levels between 0 and 255"),
        (lambda: Neocognitron().fit(np.full((2, 28, 28), np.nan)), ValueError, "images must be finite"),
        (lambda: Neocognitron().fit(np.zeros((2, 28, 28))), ValueError, "no non-zero patch"),
        (lambda: PixelTemplateMatcher().fit(np.zeros((3, 5, 5)), [0, 1]), ValueError, r"labels must have shape \(3,\)"),
        (lambda: PixelTemplateMatcher().fit(np.zeros((2, 5, 5)), [0.5, 1]), TypeError, "labels must be integers"),
        (lambda: shift_images(np.zeros((4, 4)), 5, 0), ValueError, "dx and dy must be at most"),
        (lambda: shift_images(np.zeros((4, 4)), 1.5, 0), TypeError, "dx must be an integer"),
        (lambda: add_noise(np.zeros((4, 4)), -1), ValueError, "std must be in"),
        (lambda: s_layer(np.zeros((1, 4, 4, 2)), np.ones((3, 3, 1, 1)), 0.5), ValueError, "weights must have x's 2 channels"),
        (lambda: s_layer(np.zeros((4, 4)), np.ones((3, 3, 1, 1)), 0.5), ValueError, "x must be a 4-D array"),
        (lambda: c_layer(np.zeros((1, 4, 4, 1)), 3, 2, "sum"), ValueError, "mode must be one of"),
        (lambda: s_cell_response(np.ones(3), np.ones(2), 0.5), ValueError, "weights must have the patch's shape"),
        (lambda: competitive_learning(np.ones((2, 3)), 3), ValueError, "at least as many rows as planes"),
        (lambda: shift_accuracy({}, np.zeros((1, 5, 5)), [0]), TypeError, "models must be a non-empty mapping"),
        (lambda: shift_accuracy({"x": object()}, np.zeros((1, 5, 5)), [0]), TypeError, "has no predict method"),
    ],
)
def test_bad_inputs_give_clear_errors(make, error, message) -> None:
    with pytest.raises(error, match=message):
        make()


def test_fitted_model_checks_image_size_and_readout(tiny) -> None:
    model, _, images, _ = tiny
    with pytest.raises(ValueError, match="must be 12x12 like the training images"):
        model.transform(np.zeros((2, 28, 28)))
    fresh = Neocognitron(TINY_STAGES, n_patches=400).fit(images)
    with pytest.raises(RuntimeError, match=r"readout is not fitted: call fit_readout"):
        fresh.predict(images)
    with pytest.raises(ValueError, match="stage must be between 1 and 2"):
        model.preferred_patches(images, stage=3)


# ---------------------------------------------------------------------------------------
# The central result, on real MNIST (the session fixture ``mnist`` of tests/conftest.py:
# skipped without MNIST, a failure in CI)
# ---------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def mnist_models(mnist):
    (x_train, y_train), (x_test, y_test) = mnist
    model = Neocognitron(seed=0).fit(x_train[:1000]).fit_readout(x_train[:3000], y_train[:3000])
    matcher = PixelTemplateMatcher().fit(x_train[:3000], y_train[:3000])
    return model, matcher, x_test[:300], y_test[:300]


def test_recognition_survives_shifts_where_template_matching_fails(mnist_models) -> None:
    model, matcher, x_test, y_test = mnist_models
    table = shift_accuracy({"neo": model, "pixels": matcher}, x_test, y_test, [0, 3])
    acc = table.set_index(["model", "shift"])["accuracy"]
    assert acc["neo", 0] > 0.90 and acc["pixels", 0] > 0.80, table
    assert acc["neo", 3] > 0.70, table
    assert acc["pixels", 3] < 0.50, table
    assert acc["neo", 0] - acc["neo", 3] < 0.5 * (acc["pixels", 0] - acc["pixels", 3]), table
    assert set(table["n"]) == {4 * 300}


def test_learned_planes_are_unit_length_and_deterministic_on_mnist(mnist, mnist_models) -> None:
    model = mnist_models[0]
    (x_train, _), _ = mnist
    for w in model.weights:
        np.testing.assert_allclose(np.linalg.norm(w.reshape(-1, w.shape[3]), axis=0), 1.0, atol=1e-4)
        assert w.min() >= 0  # learned from non-negative patches: excitatory weights only
    again = Neocognitron(DEFAULT_STAGES[:1], seed=0).fit(x_train[:1000])
    np.testing.assert_array_equal(again.weights[0], model.weights[0])


# ---------------------------------------------------------------------------------------
# Explorer
# ---------------------------------------------------------------------------------------


def test_view_and_explorer_update(tiny) -> None:
    model, matcher, images, labels = tiny
    view = neocognitron_view(model, images[1], dx=2, dy=-1, noise=10, matcher=matcher, label=int(labels[1]))
    np.testing.assert_allclose(view.image, add_noise(shift_images(images[1], 2, -1), 10))
    assert set(view.responses) == {"S1", "C1", "S2", "C2"} and set(view.changes) == {"input", "S1", "C1", "S2", "C2"}
    assert view.prediction == model.predict(view.image)[0]
    explorer = neocognitron_explorer(model, images[:5], labels[:5], matcher=matcher)
    assert isinstance(explorer, NeocognitronExplorer) and isinstance(explorer, Explorer)
    assert isinstance(explorer, widgets.VBox)
    assert explorer.view.changes["input"] == 0 and explorer.view.changes["C2"] == 0
    new = explorer.update(index=3, dx=2, noise=16, layers=("S1", "C2"))
    assert isinstance(new, NeocognitronView) and isinstance(new, View) and new is explorer.view
    assert (new.dx, new.dy, new.noise) == (2, 0, 16.0)
    assert explorer.dx_slider.value == 2 and explorer.index_slider.value == 3
    assert new.html == explorer.output.value
    assert "S1: 4 planes" in explorer.output.value and "C1:" not in explorer.output.value
    explorer.dy_slider.value = -1  # a slider move redraws through the callback
    assert explorer.view.dy == -1
    for bad, message in (({"dx": 99}, "dx must be between"), ({"noise": -3}, "noise must be between"),
                         ({"layers": ("S9",)}, "unknown layer"), ({"index": 50}, "index must be <=")):
        with pytest.raises(ValueError, match=message):
            explorer.update(**bad)
    with pytest.raises(TypeError, match="unknown control 'shift'"):
        explorer.update(shift=1)


def test_render_and_tiles(tiny) -> None:
    model, matcher, images, labels = tiny
    view = neocognitron_view(model, images[0], matcher=matcher, label=int(labels[0]))
    page = render_view_html(view)
    assert page == view.html  # the view carries its drawing (the C-layers by default)
    assert page.count("<img") == 3 and "Neocognitron" in page and "template matcher" in page
    assert tile_planes(np.ones((3, 4, 5)), 2).shape == (3 * 3 + 2, 2 * 4 + 1)  # 5 planes of 3x4 in 3 rows of 2
    with pytest.raises(ValueError, match="unknown layer"):
        render_view_html(view, layers=("C7",))
    with pytest.raises(TypeError, match="fitted Neocognitron"):
        neocognitron_view("model", images[0])


# ---------------------------------------------------------------------------------------
# Charts
# ---------------------------------------------------------------------------------------


def test_shift_curve_chart(tiny) -> None:
    model, matcher, images, labels = tiny
    table = shift_accuracy({"Neocognitron": model, "pixel template matcher": matcher}, images, labels, [0, 1, 2])
    spec = charts.shift_curve_chart(table).to_dict()
    values = next(iter(spec["datasets"].values()))
    assert len(values) == 6 and {v["model"] for v in values} == {"Neocognitron", "pixel template matcher"}
    assert len(json.dumps(spec)) < 20_000
    with pytest.raises(ValueError, match="missing"):
        charts.shift_curve_chart(pd.DataFrame({"model": ["a"]}))


def test_responses_chart_data_and_params(tiny) -> None:
    model, matcher, images, labels = tiny
    chart = charts.responses_chart(model, images[1], label=int(labels[1]), matcher=matcher, shifts=[0, 2, 4],
                                   noise_levels=[0, 50])
    spec = chart.to_dict()  # validates against the Vega-Lite schema
    params = {p["name"]: p for p in spec["params"]}
    assert set(params) == {"shift", "noise"}
    assert (params["shift"]["bind"]["min"], params["shift"]["bind"]["max"]) == (0, 4)
    assert params["noise"]["bind"]["max"] == 1
    assert len(json.dumps(spec)) < BUDGET
    data = charts.responses_data(model, images[1], label=int(labels[1]), matcher=matcher, shifts=[0, 2, 4],
                                 noise_levels=[0, 50])
    assert len(data["summary"]) == 6 and len(data["pictures"]) == 6 * 3
    assert data["shapes"] == {"input": [1, 12, 12], "C1": [4, 6, 6], "C2": [6, 3, 3]}
    # the stored C2 planes: each plane scaled by its largest value over all settings
    settings = [(s, n) for n in (0, 50) for s in (0, 2, 4)]
    c2 = np.stack([model.layer_responses(add_noise(shift_images(images[1], s, 0), n))["C2"].transpose(2, 0, 1)
                   for s, n in settings])
    c2 = c2.astype(np.float64)
    expected = np.floor(c2 / c2.max(axis=(0, 2, 3), keepdims=True) * (charts.LEVELS - 1) + 0.5)
    for k, (s, n) in enumerate(settings):
        row = next(r for r in data["pictures"] if (r["s"], r["n"], r["l"]) == (s, [0, 50].index(n), "C2"))
        np.testing.assert_array_equal(np.array(charts.unpack(row["t"])).reshape(c2.shape[1:]), expected[k])
    summary = next(r for r in data["summary"] if (r["s"], r["n"]) == (4, 1))
    moved = add_noise(shift_images(images[1], 4, 0), 50)
    assert summary["neo"] == model.predict(moved)[0] and summary["pix"] == matcher.predict(moved)[0]
    texts = drawn_texts(spec, shift=4, noise=1)
    assert any(t.startswith(f"Neocognitron: {summary['neo']}") for t in texts), texts
    assert any(t.startswith("shift 4 px, noise 50 grey levels. Change from the untouched digit: input")
               for t in texts), texts


def test_responses_chart_default_size_on_mnist_scale() -> None:
    """28x28 digits, the default network's layers, 5 shifts x 3 noise levels: under budget."""
    images, labels = blobs(60, side=28)
    model = Neocognitron(n_patches=2000).fit(images).fit_readout(images, labels)
    spec = charts.responses_chart(model, images[0], label=int(labels[0])).to_dict()
    assert len(json.dumps(spec)) < BUDGET


def test_planes_chart() -> None:
    w = np.random.default_rng(0).random((5, 5, 1, 8))
    spec = charts.planes_chart(w, "S1", cell_px=10).to_dict()
    stored = spec["data"]["values"][0]["t"]
    assert len(stored) == 8 * 25 and set(stored) <= set("0123456789")
    first = np.array(charts.unpack(stored[:25])).reshape(5, 5)
    expected = np.floor(w[:, :, 0, 0] / w[:, :, 0, 0].max() * (charts.LEVELS - 1) + 0.5)
    np.testing.assert_array_equal(first, expected)
    with pytest.raises(ValueError, match="one input channel"):
        charts.planes_chart(np.ones((5, 5, 2, 8)))


# ---------------------------------------------------------------------------------------
# Exercise checks
# ---------------------------------------------------------------------------------------


def test_exercise_checks_accept_the_solutions() -> None:
    assert check.s_cell(s_cell_response)
    assert check.competitive_update(competitive_step)
    assert check.c2_receptive_field(31)


def test_exercise_checks_name_the_slips(monkeypatch) -> None:
    monkeypatch.delenv("CNN_COURSE_STRICT_CHECKS", raising=False)

    def no_rescale(x, w, t):
        return max(0.0, float(np.sum(w * np.asarray(x))) - t * float(np.linalg.norm(x)))

    assert "divide by (1 - threshold)" in check.s_cell(no_rescale).message

    def no_renormalise(w, p, r):
        w, p = np.asarray(w, float), np.asarray(p, float)
        p = p / np.linalg.norm(p, axis=1, keepdims=True)
        winners = np.argmax(p @ w.T, axis=1)
        new = w.copy()
        for k in range(len(w)):
            if np.any(winners == k):
                new[k] = (1 - r) * w[k] + r * p[winners == k].mean(axis=0)
        return new

    assert "back to unit length" in check.competitive_update(no_renormalise).message
    assert "one S2-cell's field" in check.c2_receptive_field(15).message
    monkeypatch.setenv("CNN_COURSE_STRICT_CHECKS", "1")
    with pytest.raises(IncorrectAnswer):
        check.c2_receptive_field(9)


def test_no_pooling_check(tiny, monkeypatch) -> None:
    monkeypatch.delenv("CNN_COURSE_STRICT_CHECKS", raising=False)
    model, _, images, labels = tiny
    assert "pool=1" in check.no_pooling(model, 0.5, images, labels).message
    stages = [Stage(s.planes, s.kernel, s.threshold, 1, s.stride) for s in DEFAULT_STAGES]
    unfitted = Neocognitron(stages)
    assert "train it first" in check.no_pooling(unfitted, 0.5, images, labels).message
    small = [Stage(4, 3, 0.5, 1, 2)]
    assert "keep the default stages" in check.no_pooling(Neocognitron(small), 0.5, images, labels).message
