"""Tests of cnn_course.nonlinearities.study (small synthetic problems; the real study is in data/)."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest
from course_resources import require

require("tensorflow")  # the study trains Keras models

from cnn_course.data import DataError  # noqa: E402
from cnn_course.nonlinearities import study  # noqa: E402


def toy(n=128, d=8, seed=0):
    rng = np.random.default_rng(seed)
    x = rng.random((n, d)).astype("float32")
    y = (x[:, 0] + x[:, 1] > 1.0).astype(np.int64)
    return x, y


def test_build_mlp_names_shapes_and_seeded_weights():
    a = study.build_mlp("sigmoid", hidden=(5, 4), inputs=3, classes=2, seed=1)
    b = study.build_mlp("relu", hidden=(5, 4), inputs=3, classes=2, seed=1)
    assert [layer.name for layer in a.layers[1:]] == ["hidden1", "hidden2", "output"]
    assert a.count_params() == (3 * 5 + 5) + (5 * 4 + 4) + (4 * 2 + 2)
    for wa, wb in zip(a.get_weights(), b.get_weights()):  # same start, whatever the activation
        np.testing.assert_array_equal(wa, wb)


def test_lecun_tanh_layer_computes_the_scaled_tanh():
    from cnn_course.nonlinearities.activations import lecun_tanh

    m = study.build_mlp("lecun_tanh", hidden=(3,), inputs=2, classes=2)
    x = np.array([[0.3, -0.7]], "float32")
    w, b = m.get_layer("hidden1").get_weights()
    import keras

    hidden = keras.Model(m.input, m.get_layer("hidden1").output)
    np.testing.assert_allclose(hidden(x).numpy(), lecun_tanh(x @ w + b), rtol=1e-5)


def test_sigmoid_gradients_shrink_toward_the_input_relu_do_not():
    x, y = toy(256, 20)
    g = {act: study.layer_gradient_rms(study.build_mlp(act, hidden=(32, 32, 32), inputs=20, classes=2), x, y)["grad_rms"].to_numpy()
         for act in ("sigmoid", "relu")}
    assert g["sigmoid"][0] < 0.1 * g["sigmoid"][-1]
    assert g["relu"][0] > 0.1 * g["relu"][-1]


def test_train_until_reaches_target_and_is_deterministic():
    x, y = toy()
    r1 = study.train_until("relu", x, y, x, y, hidden=(16,), target=0.85, max_steps=300, eval_every=10, seed=3)
    r2 = study.train_until("relu", x, y, x, y, hidden=(16,), target=0.85, max_steps=300, eval_every=10, seed=3)
    assert r1.steps_to_target is not None and r1.steps_to_target == r2.steps_to_target
    assert r1.curve["val_accuracy"].iloc[-1] >= 0.85
    assert r1.curve["step"].iloc[0] == 0 and r1.steps_to_target % 10 == 0
    never = study.train_until("relu", x, y, x, y, hidden=(4,), target=1.0, max_steps=5, eval_every=2, stop_at_target=False)
    assert never.curve["step"].tolist() == [0, 2, 4, 5]


def test_compare_activations_tables():
    x, y = toy()
    out = study.compare_activations(x, y, x, y, activations=["sigmoid", "relu"], seeds=[0, 1], hidden=(6, 6), max_steps=20, eval_every=10)
    assert set(out["steps"]["activation"]) == {"sigmoid", "relu"} and len(out["steps"]) == 4
    assert len(out["gradients"]) == 2 * 2 * 3
    assert set(out["curves"].columns) >= {"activation", "seed", "step", "val_accuracy", "train_loss"}


@pytest.mark.parametrize(
    "call, error, match",
    [
        (lambda: study.build_mlp("softplus"), ValueError, "activation"),
        (lambda: study.build_mlp("relu", hidden=()), ValueError, "hidden"),
        (lambda: study.train_until("relu", np.zeros((4, 2)), [0, 1, 0], np.zeros((4, 2)), [0, 1, 0, 1]), ValueError, "y_train"),
        (lambda: study.train_until("relu", np.zeros((4, 2)), [0, 1, 0, 1], np.zeros((4, 3)), [0, 1, 0, 1]), ValueError, "x_val"),
        (lambda: study.train_until("relu", np.zeros((4, 2)), [0, 1, 0, 1], np.zeros((4, 2)), [0, 1, 0, 1], target=1.5), ValueError, "target"),
        (lambda: study.compare_activations(np.zeros((4, 2)), [0, 1, 0, 1], np.zeros((4, 2)), [0, 1, 0, 1], activations="relu"), ValueError, "activations"),
        (lambda: study.prepare_mnist(0, 10), ValueError, "n_train"),
    ],
)
def test_bad_input(call, error, match):
    with pytest.raises(error, match=match):
        call()


def test_shipped_study_loads_and_holds_the_chapter_claims():
    require(f"data:{study.STUDY_FILE}", train_command=study.TRAIN_COMMAND)
    s = study.load_study()
    steps = s["steps"].groupby("activation")["steps_to_target"].median()
    assert steps["sigmoid"] > 2.5 * max(steps["tanh"], steps["relu"])
    g = s["gradients"].groupby(["activation", "depth"])["grad_rms"].median()
    assert g["sigmoid"].iloc[0] < 0.05 * g["sigmoid"].iloc[-1]
    assert s["meta"]["command"].startswith(study.TRAIN_COMMAND)  # the command that makes it
    if "deep_steps" in s:
        deep = s["deep_steps"].groupby("activation")["steps_to_target"].median()
        assert not deep["sigmoid"] < 2 * max(deep["tanh"], deep["relu"])  # NaN (never) passes


def test_load_study_errors_name_the_command(tmp_path):
    with pytest.raises(DataError, match="python -m cnn_course.nonlinearities.study"):
        study.load_study(tmp_path / "missing.json")
    bad = tmp_path / "bad.json"
    bad.write_text("{not json")
    with pytest.raises(DataError, match="python -m cnn_course.nonlinearities.study"):
        study.load_study(bad)
    bad.write_text(json.dumps({"steps": []}))
    with pytest.raises(DataError, match="not a valid"):
        study.load_study(bad)


def test_cli_writes_a_loadable_study(tmp_path, mnist):  # mnist: a skip without it, a failure in CI
    out = tmp_path / "study.json"
    rc = study.main(["--seeds", "1", "--n-train", "200", "--n-val", "100", "--max-steps", "10", "--activations", "relu",
                     "--deep-layers", "2", "--deep-seeds", "1", "--out", str(out)])
    assert rc == 0
    s = study.load_study(out)
    assert isinstance(s["steps"], pd.DataFrame) and s["steps"]["activation"].tolist() == ["relu"]
    assert s["deep_gradients"]["depth"].max() == 3 and s["meta"]["settings"]["deep_layers"] == 2
    assert s["meta"]["command"].startswith("python -m cnn_course.nonlinearities.study")
