"""The course's shipped files (:mod:`cnn_course.shipped`) and seeding (:mod:`cnn_course.seeding`)."""

from __future__ import annotations

import subprocess
import sys

import pytest

from cnn_course.data import DataError
from cnn_course.seeding import set_seed
from cnn_course.shipped import load_history, save_history, shipped_file, weights_dir


def test_weights_dir_is_the_checkouts_data_folder(monkeypatch, tmp_path) -> None:
    monkeypatch.delenv("CNN_COURSE_WEIGHTS", raising=False)
    assert weights_dir().name == "data" and (weights_dir().parent / "pyproject.toml").is_file()
    monkeypatch.setenv("CNN_COURSE_WEIGHTS", str(tmp_path))
    assert weights_dir() == tmp_path


def test_shipped_file(monkeypatch, tmp_path) -> None:
    monkeypatch.setenv("CNN_COURSE_WEIGHTS", str(tmp_path))
    (tmp_path / "here.json").write_text("{}")
    assert shipped_file("here.json", train_command="make it") == tmp_path / "here.json"
    with pytest.raises(DataError, match="make it"):
        shipped_file("gone.json", train_command="make it")
    with pytest.raises(ValueError, match="plain file name"):
        shipped_file("a/b", train_command="make it")
    with pytest.raises(TypeError, match="train_command"):
        shipped_file("here.json", train_command="")


def test_history_round_trip_and_errors(tmp_path) -> None:
    path = save_history(tmp_path / "sub" / "h.json", "tiny", {"loss": [1, 0.5], "acc": [0.1, 0.2]}, {"seed": 3})
    record = load_history(path)
    assert record == {"model": "tiny", "epochs": 2, "history": {"loss": [1.0, 0.5], "acc": [0.1, 0.2]},
                      "meta": {"seed": 3}}
    with pytest.raises(ValueError, match="one value per epoch"):
        save_history(tmp_path / "x.json", "tiny", {"loss": [1], "acc": [1, 2]})
    with pytest.raises(TypeError, match="history"):
        save_history(tmp_path / "x.json", "tiny", [1, 2])  # type: ignore[arg-type]
    with pytest.raises(DataError, match="missing"):
        load_history(tmp_path / "none.json")
    (tmp_path / "bad.json").write_text("{")
    with pytest.raises(DataError, match="not valid JSON"):
        load_history(tmp_path / "bad.json")
    (tmp_path / "odd.json").write_text("[]")
    with pytest.raises(DataError, match="'history'"):
        load_history(tmp_path / "odd.json")


def test_the_shipped_histories_load() -> None:
    for path in sorted(weights_dir().glob("*.history.json")):
        assert load_history(path)["epochs"] >= 1, path


def test_importing_shipped_and_seeding_needs_no_keras() -> None:
    code = "import sys, cnn_course.shipped, cnn_course.seeding, cnn_course.metrics; print('keras' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "False"


@pytest.mark.parametrize("seed", [-1, 1.5, True, "0"])
def test_set_seed_checks_its_seed(seed) -> None:
    with pytest.raises(ValueError, match="seed"):
        set_seed(seed)


def test_set_seed_repeats_numpy_and_python(keras) -> None:
    import random

    import numpy as np

    set_seed(5)
    first = (random.random(), np.random.rand())
    set_seed(5)
    assert (random.random(), np.random.rand()) == first
