"""AlexNet chapter: model shapes and parameter counts, the augmentation and LRN layers, the
training command (resume after an interruption, the MirroredStrategy option), the shipped
weights on the real CIFAR-10 test set, the chapter's helpers, charts and exercise checks."""

from __future__ import annotations

import json
import os
import re
from pathlib import Path
from unittest import mock

import numpy as np
import pytest
from course_resources import require

tf = require("tensorflow")  # the whole module is about Keras models
keras = require("keras")

from cnn_course.alexnet import charts  # noqa: E402
from cnn_course.alexnet import find_cifar10, spatial_trace
from cnn_course.data import DataError
from cnn_course.data.subsets import balanced_subset
from cnn_course.exercises import IncorrectAnswer
from cnn_course.exercises import alexnet as check
from cnn_course.metrics import confusion_matrix, per_class_accuracy
from cnn_course.models import layer_table
from cnn_course.models.alexnet import (
    LocalResponseNormalization,
    RandomShiftFlip,
    alexnet_cifar,
    alexnet_literal,
    ALEXNET_TRAIN_COMMAND,
    load_alexnet_cifar,
    multiply_adds,
    parameter_split,
    stored_architecture,
    with_ten_view_average,
)
from cnn_course.shipped import load_history
from cnn_course.train import alexnet as train
from cnn_course.viz.charts import confusion_chart

REPO = Path(__file__).resolve().parents[2]


# ---------------------------------------------------------------- models


def test_literal_port_parameters_and_shapes():
    model = alexnet_literal()
    assert model.count_params() == 22_590_346
    assert parameter_split(model)["non_trainable"] == 704
    shapes = {row["layer"]: row["output"] for row in layer_table(model)}
    assert shapes["conv1"] == (6, 6, 96)
    assert shapes["bn1"] == (6, 6, 96)
    assert shapes["pool1"] == (2, 2, 96)
    assert shapes["conv2"] == (2, 2, 256)
    assert shapes["pool2"] == (1, 1, 256)
    for name in ("conv3", "conv4", "conv5", "pool3"):
        assert shapes[name] == (1, 1, 384)
    assert shapes["flatten"] == (384,)
    assert shapes["fc6"] == shapes["fc7"] == (4096,)
    assert shapes["predictions"] == (10,)


def test_adapted_network_keeps_a_4x4_map():
    model = alexnet_cifar()
    assert model.count_params() == 4_620_490
    shapes = {row["layer"]: row["output"] for row in layer_table(model)}
    assert shapes["conv1"] == (32, 32, 64) and shapes["pool1"] == (16, 16, 64)
    assert shapes["pool2"] == (8, 8, 192) and shapes["conv5"] == (8, 8, 256)
    assert shapes["pool3"] == (4, 4, 256) and shapes["flatten"] == (4096,)
    assert sum(isinstance(l, keras.layers.Conv2D) for l in model.layers) == 5
    assert sum(isinstance(l, keras.layers.MaxPooling2D) for l in model.layers) == 3
    assert [l.rate for l in model.layers if isinstance(l, keras.layers.Dropout)] == [0.5, 0.5]


def test_multiply_adds_are_counted_from_the_shapes():
    literal, adapted, half = alexnet_literal(), alexnet_cifar(), alexnet_cifar(width=0.5)
    rows = {row["layer"]: row for row in layer_table(adapted)}
    assert rows["conv2"]["multiply_adds"] == 16 * 16 * 192 * (3 * 3 * 64)
    assert rows["fc6"]["multiply_adds"] == 4096 * 512
    assert rows["pool1"]["multiply_adds"] == rows["bn1"]["multiply_adds"] == 0
    assert multiply_adds(literal) == 25_642_112
    assert multiply_adds(adapted) == 169_284_608
    assert multiply_adds(half) == 42_764_800
    assert half.count_params() == 1_158_250


def test_adapted_network_options():
    lrn = alexnet_cifar(normalization="lrn")
    assert sum(isinstance(l, LocalResponseNormalization) for l in lrn.layers) == 2
    assert not any(isinstance(l, keras.layers.BatchNormalization) for l in lrn.layers)
    plain = alexnet_cifar(augment=False, dropout=0.0, width=0.25)
    assert not any(isinstance(l, RandomShiftFlip) for l in plain.layers)
    assert plain.get_layer("conv1").filters == 16 and plain.get_layer("fc6").units == 128


@pytest.mark.parametrize(
    "kwargs, match",
    [
        ({"input_shape": (30, 30, 3)}, "divisible by 8"),
        ({"widths": (1, 2, 3)}, "widths"),
        ({"dense": (10,)}, "dense"),
        ({"dropout": 1.0}, "dropout"),
        ({"normalization": "layer"}, "normalization"),
        ({"width": 0}, "width"),
    ],
)
def test_adapted_network_rejects_bad_arguments(kwargs, match):
    with pytest.raises((ValueError, TypeError), match=match):
        alexnet_cifar(**kwargs)


def test_outputs_are_probabilities():
    x = np.random.default_rng(0).random((3, 32, 32, 3), dtype=np.float32)
    for model in (alexnet_literal(), alexnet_cifar(width=0.25)):
        p = np.asarray(model(x, training=False))
        assert p.shape == (3, 10) and np.allclose(p.sum(axis=1), 1, atol=1e-5)


# ---------------------------------------------------------------- layers


def test_shift_flip_moves_whole_images_by_at_most_pad():
    x = np.random.default_rng(1).random((16, 8, 8, 3)).astype("float32")
    layer = RandomShiftFlip(pad=2, seed=3)
    assert np.array_equal(np.asarray(layer(x)), x)  # inference: unchanged
    y = np.asarray(layer(x, training=True))
    for image, moved in zip(x, y):
        found = False
        for flip in (False, True):
            src = image[:, ::-1] if flip else image
            for dy in range(-2, 3):
                for dx in range(-2, 3):
                    ref = np.zeros_like(src)
                    rows = slice(max(0, -dy), 8 - max(0, dy))
                    cols = slice(max(0, -dx), 8 - max(0, dx))
                    ref[rows, cols] = src[max(0, dy) : 8 + min(0, dy), max(0, dx) : 8 + min(0, dx)]
                    found |= np.allclose(ref, moved, atol=1e-6)
        assert found


def test_lrn_layer_matches_numpy_reference():
    x = np.random.default_rng(2).normal(size=(2, 3, 3, 7)).astype("float32") * 40
    got = np.asarray(LocalResponseNormalization()(x))
    assert np.allclose(got, check._lrn_reference(x), rtol=1e-5)
    with pytest.raises(ValueError, match="odd"):
        LocalResponseNormalization(size=4)


def test_lrn_layer_matches_tensorflow():
    x = np.random.default_rng(3).normal(size=(1, 4, 4, 9)).astype("float32") * 30
    ref = tf.nn.local_response_normalization(x, depth_radius=2, bias=2.0, alpha=1e-4, beta=0.75).numpy()
    assert np.allclose(np.asarray(LocalResponseNormalization()(x)), ref, rtol=1e-5)


# ---------------------------------------------------------------- training command


def _run(tmp_path: Path, *extra: str) -> int:
    args = [
        "--synthetic", "--subset", "64", "--test-subset", "32", "--width", "0.125",
        "--batch-size", "32", "--epochs", "2", "--verbose", "0",
        "--checkpoint-dir", str(tmp_path / "ckpt"),
        "--weights", str(tmp_path / "w.weights.h5"),
        "--history", str(tmp_path / "h.json"),
        *extra,
    ]
    return train.main(args)


@pytest.mark.slow
def test_training_resumes_after_an_interruption(tmp_path):
    assert _run(tmp_path, "--stop-after", "1") == 1  # interrupted after epoch 1
    state = json.loads((tmp_path / "ckpt" / "state.json").read_text())
    assert state["epoch"] == 1 and not (tmp_path / "h.json").exists()
    assert _run(tmp_path) == 0  # the same command resumes
    record = load_history(tmp_path / "h.json")
    assert record["epochs"] == 2
    assert len(record["meta"]["epoch_seconds"]) == 2
    assert len(record["history"]["lr"]) == 2
    assert (tmp_path / "w.weights.h5").stat().st_size > 0
    # resuming a finished run trains nothing more
    assert _run(tmp_path) == 0
    assert load_history(tmp_path / "h.json")["epochs"] == 2


@pytest.mark.slow
def test_a_finished_run_can_be_extended(tmp_path):
    budget = ("--epochs", "3", "--time-budget", "0.001")  # the plan after epoch 2: stop there
    assert _run(tmp_path, *budget) == 0
    assert load_history(tmp_path / "h.json")["epochs"] == 2
    with pytest.raises(SystemExit, match="more than the 2 epochs"):
        _run(tmp_path, *budget, "--extend-to", "2")
    assert _run(tmp_path, *budget, "--extend-to", "3") == 0
    record = load_history(tmp_path / "h.json")
    assert record["epochs"] == 3 and record["meta"]["extensions"] == [{"from": 2, "to": 3}]
    assert len(record["meta"]["commands"]) == 2 and "--extend-to 3" in record["meta"]["command"]
    assert record["history"]["lr"][2] > 0
    assert _run(tmp_path, *budget, "--extend-to", "4") == 0  # beyond --epochs is allowed
    assert load_history(tmp_path / "h.json")["epochs"] == 4
    with pytest.raises(SystemExit, match="no checkpoint to extend"):
        _run(tmp_path / "new", *budget, "--extend-to", "3")


@pytest.mark.slow
def test_resume_refuses_a_different_run(tmp_path):
    assert _run(tmp_path, "--stop-after", "1") == 1
    with pytest.raises(SystemExit, match="different run"):
        _run(tmp_path, "--seed", "5")


@pytest.mark.slow
def test_mirrored_strategy_builds_the_model_on_cpu(tmp_path):
    if keras.backend.backend() != "tensorflow":  # a choice (KERAS_BACKEND), not a missing resource
        pytest.skip("tf.distribute needs the TensorFlow backend")
    strategy = train.make_strategy("mirrored")
    assert isinstance(strategy, tf.distribute.MirroredStrategy)
    args = train.build_parser().parse_args(["--width", "0.125"])
    with strategy.scope():
        model = train.build_and_compile(args, steps_per_epoch=2)
        assert isinstance(model.get_layer("conv1").kernel.value, tf.distribute.DistributedValues) or \
            strategy.extended.variable_created_in_scope(model.get_layer("conv1").kernel.value)
    # and the whole command runs under it
    assert _run(tmp_path, "--strategy", "mirrored", "--epochs", "1") == 0
    assert load_history(tmp_path / "h.json")["meta"]["strategy"] == "mirrored"


def test_adam_option_and_its_default_learning_rates():
    parser = train.build_parser()
    args = parser.parse_args(["--optimizer", "adam", "--width", "0.125"])
    model = train.build_and_compile(args, steps_per_epoch=2)
    assert isinstance(model.optimizer, keras.optimizers.Adam)
    assert train.peak_lr(args) == 1e-3
    assert train.peak_lr(parser.parse_args(["--optimizer", "adam", "--model", "literal"])) == 1e-4
    assert train.peak_lr(parser.parse_args(["--model", "literal", "--batch-size", "256"])) == pytest.approx(0.02)
    assert isinstance(train.build_and_compile(parser.parse_args(["--width", "0.125"]), 2).optimizer, keras.optimizers.SGD)
    assert train._fingerprint(args)["optimizer"] == "adam"


def test_weights_stored_as_float16_load_into_a_float32_model(tmp_path):
    model = alexnet_cifar(width=0.125)
    path = train.save_weights_as(model, tmp_path / "m.weights.h5", "float16")
    other = alexnet_cifar(width=0.125)
    other.load_weights(path)
    x = np.random.default_rng(4).random((2, 32, 32, 3), dtype=np.float32)
    assert np.allclose(np.asarray(model(x)), np.asarray(other(x)), atol=2e-3)


def test_one_cycle_schedule():
    lrs = [train.one_cycle_lr(e, 10, 0.1, 2) for e in range(10)]
    assert lrs[1] == pytest.approx(0.1) and lrs[0] < lrs[1]
    assert all(a >= b for a, b in zip(lrs[1:], lrs[2:])) and lrs[-1] < 0.01


def test_command_rejects_bad_options(capsys):
    with pytest.raises(SystemExit):
        train.main(["--epochs", "0"])
    assert "--epochs must be >= 1" in capsys.readouterr().err


# ---------------------------------------------------------------- shipped files


@pytest.mark.slow
def test_shipped_weights_on_a_fifth_of_the_test_set(cifar10):
    # The AlexNet chapter scores all 10,000 test images, one look and ten views, and asserts
    # the figures it states (85% with ten views) on both numeric paths of the suite; this
    # test does not score them a third time.  It checks the shipped network on every fifth
    # test image (200 per class), against figures measured here: 84.15% with one look and
    # 85.30% with ten views, the same on the AVX-512 and the AVX2 one-thread path.
    # Tolerance: 6 images of 2,000 (0.3 points); another CPU's float32 kernels can flip the
    # few images whose two best scores are nearly tied (7 within 0.01 here).
    data = cifar10  # a skip without a copy, a failure in CI (`make data` imports one)
    x, y = data.x_test[::5], data.y_test[::5]
    assert np.bincount(y).tolist() == [200] * 10
    model = load_alexnet_cifar()
    one_look = float(np.mean(model.predict(x, batch_size=500, verbose=0).argmax(axis=1) == y))
    ten_views = float(np.mean(with_ten_view_average(model).predict(x, batch_size=500, verbose=0).argmax(axis=1) == y))
    assert abs(one_look - 0.8415) <= 0.003, one_look
    assert abs(ten_views - 0.8530) <= 0.003, ten_views
    # the README states the ten-view figure of the whole test set, measured when the
    # weights were shipped: it must be the 85% this network was trained to reach
    stated = re.search(r"(\d\d\.\d\d)% averaged over ten views", (REPO / "README.md").read_text())
    assert stated and float(stated.group(1)) >= 85.0


def test_shipped_files_are_small_and_described():
    weights = REPO / "data" / "alexnet_cifar.weights.h5"
    assert weights.is_file(), f"{weights} is missing: {ALEXNET_TRAIN_COMMAND}"
    assert weights.stat().st_size <= 20e6
    for name in ("alexnet_cifar", "alexnet_literal"):
        path = REPO / "data" / f"{name}.history.json"
        assert path.is_file(), f"{path} is not shipped yet (written by python -m cnn_course.train alexnet)"
        record = load_history(path)
        assert record["meta"]["machine"] and record["meta"]["epoch_seconds"]
        assert "CIFAR-10" in record["meta"]["data"]
    # the figures the README states are the shipped run's
    readme = (REPO / "README.md").read_text()
    run = load_history(REPO / "data" / "alexnet_cifar.history.json")
    assert run["meta"]["seconds"] < 2 * 3600
    assert f"{run['meta']['test_accuracy']:.2%} with one look" in readme
    assert f"{run['epochs']} epochs in {round(run['meta']['seconds'] / 60)} minutes" in readme
    assert f"{weights.stat().st_size / 1e6:.1f} MB" in readme


def test_shipped_weights_are_the_half_width_network():
    arch = stored_architecture(str(REPO / "data" / "alexnet_cifar.weights.h5"))
    assert arch == {"widths": (32, 96, 192, 128, 128), "dense": (256, 256), "normalization": "batch"}
    assert load_alexnet_cifar().count_params() == 1_158_250


@pytest.mark.parametrize("width", [0.25, 0.5])
def test_a_weights_file_of_any_width_loads_at_its_size(tmp_path, width):
    source = alexnet_cifar(width=width, seed=0)
    file = tmp_path / "any.weights.h5"
    train.save_weights_as(source, file, "float16")
    loaded = load_alexnet_cifar(str(file))
    assert loaded.count_params() == source.count_params()
    x = np.random.default_rng(0).random((4, 32, 32, 3)).astype("float32")
    np.testing.assert_allclose(loaded.predict(x, verbose=0), source.predict(x, verbose=0), atol=2e-2)


def test_a_weights_file_of_another_network_is_refused(tmp_path):
    file = tmp_path / "lenet.weights.h5"
    keras.Sequential([keras.Input((4,)), keras.layers.Dense(2, name="fc6")]).save_weights(file)
    with pytest.raises(DataError, match="no conv1"):
        stored_architecture(str(file))
    with pytest.raises(DataError, match="could not load"):
        load_alexnet_cifar(str(file))
    with pytest.raises(DataError, match="not a readable"):
        stored_architecture(str(tmp_path / "absent.weights.h5"))


def test_missing_weights_say_how_to_make_them(tmp_path):
    with mock.patch.dict(os.environ, {"CNN_COURSE_WEIGHTS": str(tmp_path)}):
        with pytest.raises(DataError, match="python -m cnn_course.train alexnet"):
            load_alexnet_cifar()
    bad = tmp_path / "alexnet_cifar.weights.h5"
    bad.write_bytes(b"not an h5 file")
    with mock.patch.dict(os.environ, {"CNN_COURSE_WEIGHTS": str(tmp_path)}):
        with pytest.raises(DataError, match="could not load"):
            load_alexnet_cifar()


# ---------------------------------------------------------------- chapter helpers


def test_no_cifar_copy_gives_a_message_not_an_error(tmp_path):
    env = {"CNN_COURSE_CACHE": str(tmp_path), "CNN_COURSE_OFFLINE": "1"}
    for name in ("CNN_COURSE_DATA", "CNN_COURSE_CIFAR10"):
        env[name] = ""
    with mock.patch.dict(os.environ, env):
        os.environ.pop("CNN_COURSE_DATA"), os.environ.pop("CNN_COURSE_CIFAR10")
        data = find_cifar10()
    assert not data.available
    assert "make data" in data.message and "fetch cifar10" in data.message


def test_confusion_and_per_class():
    m = confusion_matrix([0, 1, 1, 2, 2, 2], [0, 1, 2, 2, 2, 0], 3)
    assert m.tolist() == [[1, 0, 0], [0, 1, 1], [1, 0, 2]]
    assert per_class_accuracy(m).tolist() == pytest.approx([1, 0.5, 2 / 3])
    with pytest.raises(ValueError, match="predicted"):
        confusion_matrix([0, 1], [0, 3], 3)


def test_balanced_subset():
    y = np.repeat(np.arange(10), 100)
    idx = balanced_subset(y, 55)
    counts = np.bincount(y[idx], minlength=10)
    assert counts.sum() == 55 and counts.max() - counts.min() <= 1
    assert len(set(idx.tolist())) == 55
    with pytest.raises(ValueError, match="n must be"):
        balanced_subset(y, 0)


def test_charts_are_small_json():
    trace = spatial_trace({"a": alexnet_literal(), "b": alexnet_cifar(width=0.25)})
    h = {"accuracy": [0.3, 0.5], "val_accuracy": [0.3, 0.4], "loss": [2, 1.5], "val_loss": [2, 1.8]}
    imgs = np.random.default_rng(0).integers(0, 255, (12, 32, 32, 3), dtype=np.uint8)
    p = np.random.default_rng(1).dirichlet(np.ones(10), 12)
    for chart in (
        charts.spatial_chart(trace),
        charts.history_chart({"x": h, "y": h}),
        charts.per_class_chart(np.linspace(0.5, 0.9, 10), [str(i) for i in range(10)]),
        confusion_chart(np.eye(10, dtype=int) * 5, [str(i) for i in range(10)]),
        charts.predictions_chart(imgs, np.arange(12) % 10, p, [str(i) for i in range(10)]),
    ):
        assert len(json.dumps(chart.to_dict())) < 250_000
    with pytest.raises(ValueError, match="probabilities"):
        charts.predictions_chart(imgs, np.arange(12) % 10, p[:3], [str(i) for i in range(10)])


# ---------------------------------------------------------------- exercise checks


def test_checks_accept_right_answers_and_reject_slips():
    import math

    def right(n, k, s, p):
        return math.ceil(n / s) if p == "same" else (n - k) // s + 1

    assert check.output_size(right)
    with pytest.raises(IncorrectAnswer, match="ceil"):
        check.output_size(lambda n, k, s, p: (n - k) // s + 1 if p == "valid" else n // s)
    assert check.lrn(check._lrn_reference)
    with pytest.raises(IncorrectAnswer, match="alpha"):
        check.lrn(lambda a, size=5, k=2.0, alpha=1e-4, beta=0.75: check._lrn_reference(a, size, k, alpha / size, beta))
    assert check.dense_share(18_399_242 / 22_590_346)
    with pytest.raises(IncorrectAnswer):
        check.dense_share(0.5)


def test_dropout_check(tmp_path):
    model = alexnet_cifar(width=0.125, dropout=0.0, augment=False)
    model.compile("sgd", "sparse_categorical_crossentropy", metrics=["accuracy"])
    rng = np.random.default_rng(0)
    x, y = rng.random((32, 32, 32, 3), dtype=np.float32), rng.integers(0, 10, 32)
    xt, yt = rng.random((16, 32, 32, 3), dtype=np.float32), rng.integers(0, 10, 16)
    _, a = model.evaluate(x, y, verbose=0)
    _, b = model.evaluate(xt, yt, verbose=0)
    assert check.dropout_gap(model, a - b, x, y, xt, yt)
    with pytest.raises(IncorrectAnswer, match="gap"):
        check.dropout_gap(model, a - b + 0.5, x, y, xt, yt)
    with_dropout = alexnet_cifar(width=0.125)
    with pytest.raises(IncorrectAnswer, match="dropout"):
        check.dropout_gap(with_dropout, 0.0, x, y, xt, yt)


def test_ten_views_are_the_image_and_four_diagonal_shifts_each_mirrored():
    inputs = keras.Input((4, 4, 1))
    flat = keras.layers.Flatten()(inputs)
    probe = keras.Model(inputs, keras.layers.Dense(2, activation="softmax")(flat))
    ten = with_ten_view_average(probe, shift=1)
    names = sorted(l.name for l in ten.layers if l.name.startswith("shift") or l.name == "mirror")
    assert names == sorted(["mirror"] + [f"shift_{a}_{b}{t}" for a in ("m1", "1") for b in ("m1", "1") for t in ("", "_mirror")])
    x = np.random.default_rng(1).random((3, 4, 4, 1)).astype("float32")
    views = [x, x[:, :, ::-1]]
    expected = []
    for v in views:
        padded = np.pad(v, [(0, 0), (1, 1), (1, 1), (0, 0)])
        expected.append(probe.predict(v, verbose=0))
        for dy, dx in ((-1, -1), (-1, 1), (1, -1), (1, 1)):
            expected.append(probe.predict(padded[:, 1 + dy : 5 + dy, 1 + dx : 5 + dx], verbose=0))
    np.testing.assert_allclose(ten.predict(x, verbose=0), np.mean(expected, axis=0), atol=1e-6)


def test_mistakes_explorer_shows_the_most_confident_mistakes_of_the_selected_cell():
    images = np.zeros((6, 32, 32, 3), "uint8")
    labels = [0, 0, 0, 1, 1, 2]
    p = np.array(
        [
            [0.1, 0.8, 0.1],  # 0 taken for 1, confidence 0.8
            [0.2, 0.7, 0.1],  # 0 taken for 1, 0.7
            [0.9, 0.05, 0.05],
            [0.1, 0.1, 0.8],  # 1 taken for 2
            [0.1, 0.8, 0.1],
            [0.1, 0.1, 0.8],
        ]
    )
    spec = charts.mistakes_explorer_chart(images, labels, p, ["a", "b", "c"], per_cell=1).to_dict()
    datasets = spec["datasets"]
    gallery = next(rows for rows in datasets.values() if rows and "url" in rows[0])
    assert [(r["true"], r["predicted"], r["test image"]) for r in gallery] == [("a", "b", 0), ("b", "c", 3)]
    assert gallery[0]["url"].startswith("data:image/jpeg;base64,")
    assert spec["params"][0]["value"] == [{"true": "a", "predicted": "b"}]
    with pytest.raises(ValueError, match="probabilities"):
        charts.mistakes_explorer_chart(images, labels, p[:, :2], ["a", "b", "c"])
    with pytest.raises(ValueError, match="per_cell"):
        charts.mistakes_explorer_chart(images, labels, p, ["a", "b", "c"], per_cell=0)
