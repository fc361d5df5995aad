"""AlexNet chapter: model shapes and parameter counts, the augmentation and LRN layers, the
training command (resume after an interruption, the MirroredStrategy option), the shipped
weights on the real CIFAR-10 test set, the chapter's helpers, charts and exercise checks."""

from __future__ import annotations

import json
import os
from pathlib import Path
from unittest import mock

import keras
import numpy as np
import pytest

from cnn_course import alexnet_charts as charts
from cnn_course.alexnet_lab import confusion_matrix, find_cifar10, per_class_accuracy, spatial_trace
from cnn_course.data import DataError
from cnn_course.exercises import IncorrectAnswer
from cnn_course.exercises import alexnet as check
from cnn_course.models.alexnet import (
    LocalResponseNormalization,
    RandomShiftFlip,
    alexnet_cifar,
    alexnet_literal,
    layer_table,
    load_alexnet_cifar,
    parameter_split,
)
from cnn_course.train import alexnet as train
from cnn_course.train.common import load_history

REPO = Path(__file__).resolve().parents[1]


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
    tf = pytest.importorskip("tensorflow")
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


def test_resume_refuses_a_different_run(tmp_path):
    assert _run(tmp_path, "--stop-after", "1") == 1
    with pytest.raises(SystemExit, match="different run"):
        _run(tmp_path, "--seed", "5")


def test_mirrored_strategy_builds_the_model_on_cpu(tmp_path):
    tf = pytest.importorskip("tensorflow")
    if keras.backend.backend() != "tensorflow":
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


@pytest.mark.xfail(
    not (REPO / "data" / "alexnet_cifar.weights.h5").is_file(),
    reason="issue 5 is open: data/alexnet_cifar.weights.h5 is not trained yet (python -m cnn_course.train alexnet)",
    strict=True,
)
def test_shipped_weights_reach_85_percent_on_the_test_set():
    data = find_cifar10()
    if not data.available:
        pytest.skip("no CIFAR-10 copy here (CI imports one with `make data`)")
    model = load_alexnet_cifar()
    p = model.predict(data.x_test, batch_size=500, verbose=0)
    assert p.shape == (10_000, 10)
    accuracy = float(np.mean(p.argmax(axis=1) == data.y_test))
    assert accuracy >= 0.85, accuracy


@pytest.mark.xfail(
    not (REPO / "data" / "alexnet_cifar.weights.h5").is_file(),
    reason="issue 5 is open: data/alexnet_cifar.weights.h5 is not trained yet (python -m cnn_course.train alexnet)",
    strict=True,
)
def test_shipped_files_are_small_and_described():
    weights = REPO / "data" / "alexnet_cifar.weights.h5"
    assert weights.is_file(), f"{weights} is not shipped yet: python -m cnn_course.train alexnet (on a GPU)"
    assert weights.stat().st_size <= 20e6
    for name in ("alexnet_cifar", "alexnet_literal"):
        path = REPO / "data" / f"{name}.history.json"
        assert path.is_file(), f"{path} is not shipped yet (written by python -m cnn_course.train alexnet)"
        record = load_history(path)
        assert record["meta"]["machine"] and record["meta"]["epoch_seconds"]
        assert "CIFAR-10" in record["meta"]["data"]


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
    with pytest.raises(ValueError, match="y_pred"):
        confusion_matrix([0, 1], [0, 3], 3)


def test_balanced_subset():
    y = np.repeat(np.arange(10), 100)
    idx = train.balanced_subset(y, 55)
    counts = np.bincount(y[idx], minlength=10)
    assert counts.sum() == 55 and counts.max() - counts.min() <= 1
    assert len(set(idx.tolist())) == 55
    with pytest.raises(ValueError, match="n must be"):
        train.balanced_subset(y, 0)


def test_charts_are_small_json():
    trace = spatial_trace({"a": alexnet_literal(), "b": alexnet_cifar(width=0.25)})
    h = {"accuracy": [0.3, 0.5], "val_accuracy": [0.3, 0.4], "loss": [2, 1.5], "val_loss": [2, 1.8]}
    imgs = np.random.default_rng(0).integers(0, 255, (12, 32, 32, 3), dtype=np.uint8)
    p = np.random.default_rng(1).dirichlet(np.ones(10), 12)
    for chart in (
        charts.spatial_chart(trace),
        charts.history_chart({"x": h, "y": h}),
        charts.per_class_chart(np.linspace(0.5, 0.9, 10), [str(i) for i in range(10)]),
        charts.confusion_chart(np.eye(10, dtype=int) * 5, [str(i) for i in range(10)]),
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
