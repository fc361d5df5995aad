"""LeNet-5: parameter counts and shapes of the three models, the C3 table, the subsampling and
RBF layers, the MAP loss, the shipped weights on the real test set, the training command,
the chapter's analysis helpers, charts, explorer and exercise checks."""

from __future__ import annotations

import json

import numpy as np
import pytest
from course_resources import require

tf = require("tensorflow")  # the whole module is about Keras models
keras = require("keras")

from cnn_course import lenet5  # noqa: E402
from cnn_course.data import DataError
from cnn_course.exercises import IncorrectAnswer
from cnn_course.exercises import lenet5 as check
from cnn_course.lenet5 import charts
from cnn_course.lenet5.explorers import FeatureMapExplorer, FeatureMapView, render_maps_html
from cnn_course.metrics import accuracy, confusion_matrix
from cnn_course.models import layer_table
from cnn_course.models.lenet import (
    C3_TABLE,
    SQUASH_A,
    MAPLoss,
    RBFOutput,
    SparseConv2D,
    Subsampling,
    build_lenet5,
    c3_connections,
    digit_bitmaps,
    lenet5_1998,
    lenet5_keras,
    lenet5_modern,
    load_lenet5,
    predict_classes,
    prepare_images,
    rbf_accuracy,
    squash,
)
from cnn_course.train import lenet5 as train_lenet5
from cnn_course.viz.charts import confusion_chart

BUDGET = 250_000  # bytes of JSON per chart


def n_trainable(obj) -> int:
    return sum(int(np.prod(w.shape)) for w in obj.trainable_weights)


# --- models: counts and shapes ---------------------------------------------------------


def test_keras_adaptation_counts_and_shapes():
    m = lenet5_keras()
    assert m.count_params() == n_trainable(m) == 44_426
    shapes = {layer.name: tuple(layer.output.shape[1:]) for layer in m.layers[1:]}
    assert shapes == {
        "C1": (24, 24, 6), "S2": (12, 12, 6), "C3": (8, 8, 16), "S4": (4, 4, 16),
        "flatten": (256,), "F5": (120,), "F6": (84,), "output": (10,),
    }


def test_1998_counts_match_the_paper_layer_by_layer():
    m = lenet5_1998()
    per_layer = {layer.name: n_trainable(layer) for layer in m.layers if layer.weights}
    assert per_layer == {"C1": 156, "S2": 12, "C3": 1516, "S4": 32, "C5": 48120, "F6": 10164, "output": 0}
    assert n_trainable(m) == 60_000
    assert m.count_params() == 60_840  # + the 840 fixed RBF prototypes
    assert m.get_layer("C3").output.shape[1:] == (10, 10, 16)
    assert m.get_layer("pad32").output.shape[1:] == (32, 32, 1)
    assert int(lenet5.paper_parameter_count()["parameters"].sum()) == 60_000
    assert lenet5.paper_parameter_count(C3_TABLE).equals(lenet5.paper_parameter_count())
    assert int(C3_TABLE.sum()) == 60  # Table I: 6x3 + 6x4 + 3x4 + 1x6 connections
    assert int(lenet5.paper_parameter_count(np.ones((6, 16), bool))["parameters"].sum()) == check.FULL_C3_PARAMETERS
    with pytest.raises(ValueError, match="table"):
        lenet5.paper_parameter_count(np.ones((6, 15), bool))


def test_modern_shapes_and_size():
    m = lenet5_modern()
    assert m.output_shape == (None, 10)
    assert m.count_params() * 4 < 2_000_000
    with pytest.raises(ValueError, match="width"):
        lenet5_modern(width=0)


@pytest.mark.parametrize("variant", ["keras", "1998", "modern"])
def test_one_input_contract(variant):
    m = build_lenet5(variant)
    out = keras.ops.convert_to_numpy(m(np.random.default_rng(0).random((3, 28, 28, 1)).astype("float32")))
    assert out.shape == (3, 10) and np.isfinite(out).all()
    if variant == "1998":
        assert (out >= 0).all()  # squared distances
    else:
        np.testing.assert_allclose(out.sum(axis=1), 1, rtol=1e-5)


def test_bad_variant_and_images():
    with pytest.raises(ValueError, match="variant"):
        build_lenet5("lenet4")
    with pytest.raises(TypeError, match="variant"):
        load_lenet5(5)
    with pytest.raises(ValueError, match="images"):
        prepare_images(np.zeros((2, 32, 32)))
    with pytest.raises(ValueError, match="images"):
        prepare_images(np.full((1, 28, 28), 3.0))


# --- C3 table and sparse convolution ---------------------------------------------------


def test_c3_table_is_the_papers():
    assert C3_TABLE.shape == (6, 16) and int(C3_TABLE.sum()) == 60
    assert C3_TABLE.sum(axis=0).tolist() == [3] * 6 + [4] * 9 + [6]
    # Rows 0 and 1 of Table I of LeCun et al. (1998).
    assert np.flatnonzero(C3_TABLE[0]).tolist() == [0, 4, 5, 6, 9, 10, 11, 12, 14, 15]
    assert np.flatnonzero(C3_TABLE[1]).tolist() == [0, 1, 5, 6, 7, 10, 11, 12, 13, 15]
    assert np.flatnonzero(C3_TABLE[:, 12]).tolist() == [0, 1, 3, 4]
    assert not C3_TABLE.flags.writeable
    assert len(c3_connections()) == 60


def test_sparse_conv_equals_masked_full_convolution():
    layer = SparseConv2D(activation=None)
    x = np.random.default_rng(1).normal(size=(2, 14, 14, 6)).astype("float32")
    y = keras.ops.convert_to_numpy(layer(x))
    kernel = keras.ops.convert_to_numpy(layer.full_kernel())
    assert np.all(kernel[:, :, ~C3_TABLE] == 0)
    assert np.count_nonzero(kernel) == 1500
    ref = tf.nn.conv2d(x, kernel, strides=1, padding="VALID").numpy() + keras.ops.convert_to_numpy(layer.bias)
    np.testing.assert_allclose(y, ref, rtol=1e-5, atol=1e-5)
    assert n_trainable(layer) == 1516


def test_sparse_conv_other_tables_and_errors():
    full = SparseConv2D(table=np.ones((6, 16), bool))
    full.build((None, 14, 14, 6))
    assert n_trainable(full) == 2416
    assert n_trainable(lenet5_1998(table=np.ones((6, 16), bool))) == check.FULL_C3_PARAMETERS == 60_900
    with pytest.raises(ValueError, match="every output map"):
        SparseConv2D(table=np.zeros((6, 16)))
    with pytest.raises(ValueError, match="channels"):
        SparseConv2D()(np.zeros((1, 14, 14, 5), "float32"))


def test_subsampling_layer():
    layer = Subsampling(activation=None)
    x = np.random.default_rng(2).normal(size=(1, 4, 4, 2)).astype("float32")
    y = keras.ops.convert_to_numpy(layer(x))
    sums = x.reshape(1, 2, 2, 2, 2, 2).sum(axis=(2, 4))
    np.testing.assert_allclose(y, sums / 4, rtol=1e-5)  # coefficient starts at 1/4, bias 0
    assert n_trainable(layer) == 4
    with pytest.raises(ValueError, match="activation"):
        Subsampling(activation="relu")


def test_squash():
    v = keras.ops.convert_to_numpy(squash(np.array([-1.0, 0.0, 1.0, 100.0])))
    np.testing.assert_allclose(v[:3], [-1, 0, 1], atol=1e-5)
    assert v[3] == pytest.approx(SQUASH_A, rel=1e-5)


# --- RBF output and MAP loss -----------------------------------------------------------


def test_digit_bitmaps():
    b = digit_bitmaps()
    assert b.shape == (10, 84) and set(np.unique(b)) == {-1.0, 1.0}
    assert len({row.tobytes() for row in b}) == 10
    assert digit_bitmaps(flat=False).shape == (10, 12, 7)
    with pytest.raises(TypeError):
        digit_bitmaps(flat="yes")


def test_rbf_distances_and_fixed_prototypes():
    layer = RBFOutput()
    x = np.random.default_rng(3).uniform(-1.7, 1.7, size=(5, 84)).astype("float32")
    d = keras.ops.convert_to_numpy(layer(x))
    ref = ((x[:, None, :] - digit_bitmaps()[None]) ** 2).sum(axis=-1)
    np.testing.assert_allclose(d, ref, rtol=1e-4, atol=1e-3)
    assert not layer.trainable_weights and layer.count_params() == 840
    assert keras.ops.convert_to_numpy(layer(digit_bitmaps())).argmin(axis=1).tolist() == list(range(10))
    with pytest.raises(ValueError, match="features"):
        RBFOutput()(np.zeros((1, 80), "float32"))
    with pytest.raises(ValueError, match="prototypes"):
        RBFOutput(prototypes=np.zeros(5))


def test_rbf_prototypes_stay_fixed_in_training():
    m = lenet5_1998()
    m.compile(optimizer="adam", loss=MAPLoss())
    before = m.get_layer("output").get_weights()[0].copy()
    m.fit(np.random.default_rng(4).random((32, 28, 28, 1)), np.arange(32) % 10, epochs=1, verbose=0)
    np.testing.assert_array_equal(m.get_layer("output").get_weights()[0], before)


def test_map_loss_matches_formula():
    rng = np.random.default_rng(5)
    d = rng.uniform(0, 30, size=(6, 10)).astype("float32")
    y = rng.integers(0, 10, 6)
    j = 1.5
    ref = d[np.arange(6), y] + np.log(np.exp(-j) + np.exp(-d).sum(axis=1))
    got = float(MAPLoss(j=j)(y, d))
    assert got == pytest.approx(ref.mean(), rel=1e-5)
    with pytest.raises(ValueError, match="j"):
        MAPLoss(j=0)
    assert float(rbf_accuracy(np.array([2]), np.array([[3.0, 2.0, 1.0]]))) == 1.0


# --- shipped weights on the real test set ----------------------------------------------


@pytest.fixture(scope="module")
def mnist_test(mnist):
    (_, _), (x, y) = mnist  # the session fixture: a skip without MNIST, a failure in CI
    return x, y


@pytest.mark.parametrize("variant,target", [("keras", 0.987), ("1998", 0.990), ("modern", 0.993)])
def test_shipped_weights_meet_their_accuracy(mnist_test, variant, target):
    x, y = mnist_test
    model = load_lenet5(variant)
    acc = float(np.mean(predict_classes(model, x) == y))
    assert acc >= target, f"{variant}: {acc:.4f} < {target}"


@pytest.mark.parametrize("variant", ["keras", "1998", "modern"])
def test_shipped_files_are_small_and_documented(variant):
    from cnn_course.shipped import load_history, weights_dir

    path = weights_dir() / f"lenet5_{variant}.weights.h5"
    assert path.stat().st_size < 2_000_000
    record = load_history(weights_dir() / f"lenet5_{variant}.history.json")
    assert record["meta"]["command"].startswith("python -m cnn_course.train lenet5 --variant")
    assert "seconds" in record["meta"] and record["epochs"] >= 10


def test_missing_weights_name_the_command(tmp_path, monkeypatch):
    monkeypatch.setenv("CNN_COURSE_WEIGHTS", str(tmp_path))
    with pytest.raises(DataError, match="python -m cnn_course.train lenet5 --variant 1998"):
        load_lenet5("1998")
    (tmp_path / "lenet5_keras.weights.h5").write_bytes(b"not hdf5")
    with pytest.raises(DataError, match="could not read"):
        load_lenet5("keras")


# --- training command ------------------------------------------------------------------


def tiny_data(n=256):
    rng = np.random.default_rng(0)
    x = (rng.random((n, 28, 28)) * 255).astype(np.uint8)
    y = rng.integers(0, 10, n).astype(np.uint8)
    return (x, y), (x[:64], y[:64])


@pytest.mark.parametrize("variant", ["keras", "1998"])
def test_train_runs_and_records(variant):
    model, history, meta = train_lenet5.train(variant, epochs=1, batch_size=64, data=tiny_data(), verbose=0)
    key = "val_rbf_accuracy" if variant == "1998" else "val_accuracy"
    assert len(history[key]) == 1 and len(history["epoch_seconds"]) == 1
    assert meta["variant"] == variant and meta["seed"] == 0


def test_train_augmented_recipe_keeps_the_plain_model():
    model, history, meta = train_lenet5.train("modern", "adam-augment", epochs=1, data=tiny_data(128), verbose=0)
    assert model.name == "lenet5_modern" and meta["augment"]


def test_cli_errors(capsys):
    assert train_lenet5.main(["--variant", "1998", "--recipe", "nope"]) == 2
    assert "must be one of" in capsys.readouterr().err
    with pytest.raises(SystemExit):
        train_lenet5.main(["--variant", "lenet4"])
    with pytest.raises(ValueError, match="recipe"):
        train_lenet5.train("keras", "nope", data=tiny_data())


def test_cli_saves_weights_and_history(tmp_path, monkeypatch):
    monkeypatch.setattr(train_lenet5, "train", lambda *a, **k: _fake_train(*a, **k))
    assert train_lenet5.main(["--variant", "keras", "--out", str(tmp_path)]) == 0
    assert (tmp_path / "lenet5_keras.weights.h5").is_file()
    record = json.loads((tmp_path / "lenet5_keras.history.json").read_text())
    assert record["meta"]["test_accuracy"] == 0.5
    assert train_lenet5.main(["--variant", "keras", "--recipe", "adadelta", "--out", str(tmp_path)]) == 0
    assert (tmp_path / "lenet5_keras_adadelta.history.json").is_file()
    assert not (tmp_path / "lenet5_keras_adadelta.weights.h5").exists()


def _fake_train(variant, recipe, **kwargs):
    return lenet5_keras(), {"accuracy": [0.4], "val_accuracy": [0.5]}, {"seconds": 1.0}


# --- analysis helpers ------------------------------------------------------------------


def test_weight_sharing_gradient_is_the_sum_of_copies():
    rng = np.random.default_rng(6)
    g = lenet5.shared_and_unshared_gradients(rng.normal(size=(7, 9)), rng.normal(size=(3, 3)))
    assert bool(g["outputs_equal"])
    assert g["copies"].shape == (5, 7, 3, 3)
    np.testing.assert_allclose(g["shared"], g["summed"], rtol=1e-10, atol=1e-10)
    with pytest.raises(ValueError, match="upstream"):
        lenet5.shared_and_unshared_gradients(np.zeros((5, 5)), np.ones((3, 3)), upstream=np.zeros((2, 2)))
    with pytest.raises(ValueError, match="kernel"):
        lenet5.shared_and_unshared_gradients(np.zeros((5, 5)), np.ones((2, 3)))


def test_confusion_and_misclassified():
    cm = confusion_matrix([0, 1, 2, 2], [0, 2, 2, 1], n_classes=3)
    assert cm.tolist() == [[1, 0, 0], [0, 0, 1], [0, 1, 1]]
    assert lenet5.misclassified([0, 1, 2, 2], [0, 2, 2, 1]).tolist() == [1, 3]
    with pytest.raises(ValueError, match="labels"):
        confusion_matrix([0, 5], [0, 1], n_classes=3)
    with pytest.raises(ValueError, match="same length"):
        accuracy([1], [1, 2])


def test_capacity_study_under_and_overfits():
    study = lenet5.capacity_study()
    e = study["errors"].set_index("degree")
    assert e.loc[1, "train"] > 0.1 and e.loc[1, "test"] > 0.1
    assert e.loc[12, "train"] < e.loc[3, "train"] and e.loc[12, "test"] > e.loc[study["best_degree"], "test"]
    with pytest.raises(ValueError, match="n_train"):
        lenet5.capacity_study(degrees=[20])


def test_feature_maps_and_layer_table():
    m = lenet5_1998()
    maps = lenet5.feature_maps(m, np.zeros((28, 28)))
    assert {k: v.shape for k, v in maps.items()} == {"C1": (28, 28, 6), "S2": (14, 14, 6), "C3": (10, 10, 16), "S4": (5, 5, 16)}
    batch = lenet5.feature_maps(m, np.zeros((3, 28, 28)))
    assert batch["C3"].shape == (3, 10, 10, 16)
    with pytest.raises(ValueError, match="not in model"):
        lenet5.feature_maps(m, np.zeros((28, 28)), layers=("C7",))
    full = lenet5.feature_maps(m, np.full((28, 28), 255, np.uint8), layers=("C1",))
    np.testing.assert_allclose(full["C1"], lenet5.feature_maps(m, np.ones((28, 28, 1)), layers=("C1",))["C1"])
    with pytest.raises(ValueError, match="image"):
        lenet5.feature_maps(m, np.zeros((32, 32)))
    with pytest.raises(ValueError, match="image"):
        lenet5.feature_maps(m, np.full((28, 28), 2.0))
    rows = {row["layer"]: row for row in layer_table(m, inputs=False)}
    assert rows["output"]["fixed"] == 840 and rows["C1"]["output shape"] == "28x28x6"


def test_history_frame():
    rec = {"history": {"rbf_accuracy": [0.9], "val_rbf_accuracy": [0.95]}}
    f = lenet5.history_frame({"1998": rec})
    assert sorted(f["split"]) == ["test", "train"]
    with pytest.raises(ValueError):
        lenet5.history_frame({"x": {"history": {}}})


# --- charts and explorer ---------------------------------------------------------------


def _size(chart) -> int:
    return len(json.dumps(chart.to_dict()))


def test_charts_are_small_and_interactive():
    study = lenet5.capacity_study()
    cap = charts.capacity_chart(study)
    spec = cap.to_dict()
    assert spec["params"][0]["name"] == "degree" and _size(cap) < BUDGET
    assert _size(confusion_chart(np.eye(10, dtype=int) * 900 + 1, color="errors", size=300)) < BUDGET
    assert _size(charts.rbf_distances_chart(np.arange(10.0), label=0)) < BUDGET
    m = lenet5_1998()
    images = np.random.default_rng(7).random((8, 28, 28))
    maps = lenet5.feature_maps(m, images)
    fm = charts.feature_maps_chart(images, maps, list(range(8)), list(range(8)))
    assert fm.to_dict()["params"][0]["name"] == "digit" and _size(fm) < BUDGET
    with pytest.raises(ValueError, match="same length"):
        charts.feature_maps_chart(images, maps, [0], [0])


def test_explorer_updates():
    models = {"keras": lenet5_keras(), "1998": lenet5_1998()}
    images = np.random.default_rng(8).random((4, 28, 28))
    ex = FeatureMapExplorer(models, images, [0, 1, 2, 3])
    first = ex.view
    assert isinstance(first, FeatureMapView) and (first.index, first.model, first.label) == (0, "keras", 0)
    assert first.shapes["C1"] == (24, 24, 6) and ex.output.value == first.html
    view = ex.update(index=2, model="1998")
    assert isinstance(view, FeatureMapView) and view is ex.view
    assert view.html != first.html and "C3" in view.html and ex.output.value == view.html
    assert (view.index, view.model, view.label) == (2, "1998", 2) and view.shapes["C1"] == (28, 28, 6)
    assert f"answer: {view.answer}" in view.html and 0 <= view.answer <= 9
    ex.index.value = 1  # a learner's move: recomputed once, through the same path
    assert ex.view.index == 1 and ex.output.value == ex.view.html
    with pytest.raises(TypeError, match="unknown control 'digit'"):
        ex.update(digit=1)
    with pytest.raises(ValueError, match="model must be one of"):
        ex.update(model="lenet4")
    with pytest.raises(ValueError):
        FeatureMapExplorer({}, images, [0, 1, 2, 3])
    assert "answer" in render_maps_html(models["keras"], images[0])


# --- exercise checks -------------------------------------------------------------------


def test_exercise_checks(monkeypatch):
    monkeypatch.setenv("CNN_COURSE_STRICT_CHECKS", "0")
    assert check.full_c3_parameters(60_900).passed
    assert "paper's table" in check.full_c3_parameters(60_000).message
    floor = float((digit_bitmaps()[1] < 0).sum())
    assert check.relu_rbf_floor(floor).passed and not check.relu_rbf_floor(0.0).passed
    assert not check.no_pooling_model(lenet5_keras()).passed
    monkeypatch.setenv("CNN_COURSE_STRICT_CHECKS", "1")
    with pytest.raises(IncorrectAnswer):
        check.full_c3_parameters(1)


def test_gabor_match():
    from cnn_course.vision import gabor

    k = np.stack([gabor(size=5, orientation=90, spatial_frequency=0.25, phase=np.pi / 2), np.ones((5, 5))], axis=-1)
    m = lenet5.gabor_match(k)
    assert m["similarity"][0] == pytest.approx(1.0, abs=1e-6) and m["orientation"][0] == 90
    assert m["similarity"][1] == 0.0  # a flat kernel has no pattern
    with pytest.raises(ValueError):
        lenet5.gabor_match(np.zeros((5, 5)))
