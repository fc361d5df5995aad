"""``python -m cnn_course.train lenet5 --variant {keras,1998,modern} [options]``: train LeNet-5 on MNIST.

Trains one variant of :mod:`cnn_course.models.lenet` on the 60,000 MNIST training images,
seeded, with Keras progress bars, reports the accuracy on the 10,000 test images after each
epoch (recorded only; the final weights are kept, no model selection on the test set), and
saves ``data/lenet5_<variant>.weights.h5`` and ``data/lenet5_<variant>.history.json``.

Recipes (``--recipe``; the default is the one whose weights ship with the course):

- ``keras``: ``adam`` (default; Adam 3e-3 with cosine decay, batch 128, 12 epochs),
  ``adadelta`` (the reference recipe: Adadelta with learning rate 1.0, as old Keras had,
  batch 128, 12 epochs), ``adadelta-tf2`` (the same with TensorFlow 2's default learning
  rate 0.001: the trap). A non-default recipe saves only its history,
  ``lenet5_<variant>_<recipe>.history.json``.
- ``1998``: ``map-distorted`` (default; MAP loss, Adam 2e-3 with cosine decay, batch 64,
  20 epochs, small random affine distortions of the training images as in the paper's
  distorted-data run: shifts of up to 2 pixels, rotations of up to 8 degrees) and ``map``
  (the same without distortions, like the paper's 0.95% run).
- ``modern``: ``adam`` (default; cross-entropy, Adam 3e-3 with cosine decay, batch 128,
  15 epochs, batch normalisation and dropout in the model, no augmentation) and
  ``adam-augment`` (the same with random shifts of up to 2 pixels and rotations of up to
  8 degrees).
"""

from __future__ import annotations

import argparse
import math
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

__all__ = ["Recipe", "RECIPES", "build_parser", "main", "compile_for", "train"]


@dataclass(frozen=True)
class Recipe:
    """How to train one variant: optimiser, learning rate and schedule, batch, epochs, augmentation."""

    optimizer: str
    learning_rate: float
    epochs: int
    batch_size: int = 128
    cosine: bool = True
    augment: bool = False


#: Recipes per variant; the first one listed is the default.
RECIPES: dict[str, dict[str, Recipe]] = {
    "keras": {
        "adam": Recipe("adam", 3e-3, 12),
        "adadelta": Recipe("adadelta", 1.0, 12, cosine=False),
        "adadelta-tf2": Recipe("adadelta", 0.001, 12, cosine=False),
    },
    "1998": {
        "map-distorted": Recipe("adam", 2e-3, 20, batch_size=64, augment=True),
        "map": Recipe("adam", 2e-3, 25, batch_size=64),
    },
    "modern": {
        "adam": Recipe("adam", 3e-3, 15),
        "adam-augment": Recipe("adam", 3e-3, 15, augment=True),
    },
}


def build_parser() -> argparse.ArgumentParser:
    """The command-line options of ``python -m cnn_course.train lenet5``."""
    p = argparse.ArgumentParser(
        prog="python -m cnn_course.train lenet5",
        description="Train a LeNet-5 variant on MNIST; save weights and history into data/.",
    )
    p.add_argument("--variant", choices=tuple(RECIPES), default="modern")
    p.add_argument("--recipe", default=None, help="training recipe (default: the variant's shipped one)")
    p.add_argument("--epochs", type=int, default=None, help="number of epochs (default: the recipe's)")
    p.add_argument("--batch-size", type=int, default=None)
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--out", default=None, help="folder for the weights and history (default: data/)")
    p.add_argument("--verbose", type=int, default=1, choices=(0, 1, 2), help="Keras progress bar style")
    p.add_argument("--no-save", action="store_true", help="train and report, save nothing")
    return p


def _optimizer(recipe: Recipe, steps: int) -> Any:
    import keras

    lr: Any = recipe.learning_rate
    if recipe.cosine:
        lr = keras.optimizers.schedules.CosineDecay(recipe.learning_rate, decay_steps=max(steps, 1), alpha=0.01)
    if recipe.optimizer == "adam":
        return keras.optimizers.Adam(lr)
    if recipe.optimizer == "adadelta":
        return keras.optimizers.Adadelta(lr)
    if recipe.optimizer == "sgd":
        return keras.optimizers.SGD(lr, momentum=0.9)
    raise ValueError(f"unknown optimizer {recipe.optimizer!r}")


def compile_for(model: Any, variant: str, recipe: Recipe, steps: int, jit_compile: Any = "auto") -> Any:
    """Compile ``model`` with the recipe's optimiser and the variant's loss and accuracy metric."""
    from cnn_course.models.lenet import MAPLoss, rbf_accuracy

    if variant == "1998":
        loss: Any = MAPLoss()
        metrics: list[Any] = [rbf_accuracy]
    else:
        loss = "sparse_categorical_crossentropy"
        metrics = ["accuracy"]
    model.compile(optimizer=_optimizer(recipe, steps), loss=loss, metrics=metrics, jit_compile=jit_compile)
    return model


def augmenter(seed: int = 0) -> Any:
    """Small random affine distortions: shifts up to 2 pixels, rotations up to 8 degrees."""
    import keras

    return keras.Sequential(
        [
            keras.layers.RandomRotation(8 / 360, fill_mode="constant", seed=seed),
            keras.layers.RandomTranslation(2 / 28, 2 / 28, fill_mode="constant", seed=seed + 1),
        ],
        name="augment",
    )


class EpochTimer:
    """A Keras callback (built lazily) recording wall-clock seconds per epoch."""

    def __new__(cls) -> Any:
        import keras

        class _Timer(keras.callbacks.Callback):
            def on_train_begin(self, logs: Any = None) -> None:
                self.seconds: list[float] = []

            def on_epoch_begin(self, epoch: int, logs: Any = None) -> None:
                self._t = time.perf_counter()

            def on_epoch_end(self, epoch: int, logs: Any = None) -> None:
                self.seconds.append(time.perf_counter() - self._t)

        return _Timer()


def train(
    variant: str,
    recipe_name: str | None = None,
    *,
    epochs: int | None = None,
    batch_size: int | None = None,
    seed: int = 0,
    verbose: int = 1,
    data: Any = None,
    validation: bool = True,
) -> tuple[Any, dict[str, list[float]], dict[str, Any]]:
    """Train a variant; return ``(model, history, meta)``.

    ``data`` is ``((x_train, y_train), (x_test, y_test))`` as from
    :func:`cnn_course.data.load_mnist` (default: load it). Test accuracy is measured after
    every epoch when ``validation`` is True (recorded as ``val_*``; nothing is selected on it).
    """
    import keras

    from cnn_course.models.lenet import build_lenet5, prepare_images
    from cnn_course.seeding import set_seed

    if variant not in RECIPES:
        raise ValueError(f"variant must be one of {', '.join(RECIPES)}, got {variant!r}")
    recipes = RECIPES[variant]
    recipe_name = recipe_name or next(iter(recipes))
    if recipe_name not in recipes:
        raise ValueError(f"recipe for variant {variant!r} must be one of {', '.join(recipes)}, got {recipe_name!r}")
    recipe = recipes[recipe_name]
    epochs = recipe.epochs if epochs is None else epochs
    batch_size = recipe.batch_size if batch_size is None else batch_size
    if epochs < 1 or batch_size < 1:
        raise ValueError(f"epochs and batch size must be positive, got {epochs} and {batch_size}")
    if data is None:
        from cnn_course.data import load_mnist

        data = load_mnist()
    (x_train, y_train), (x_test, y_test) = data
    x_train, x_test = prepare_images(x_train), prepare_images(x_test)
    y_train, y_test = np.asarray(y_train, np.int32), np.asarray(y_test, np.int32)

    set_seed(seed)
    model = build_lenet5(variant)
    steps = epochs * math.ceil(len(x_train) / batch_size)
    trainer = model
    if recipe.augment:
        # The distortions are layers in front of the model, active only while training, so
        # the same code runs on every Keras backend; the weights saved are the model's.
        trainer = keras.Sequential([keras.Input((28, 28, 1)), augmenter(seed), model], name=f"{model.name}_trainer")
    compile_for(trainer, variant, recipe, steps)
    timer = EpochTimer()
    start = time.perf_counter()
    hist = trainer.fit(
        x_train,
        y_train,
        batch_size=batch_size,
        epochs=epochs,
        shuffle=True,
        validation_data=(x_test, y_test) if validation else None,
        validation_batch_size=1000,
        callbacks=[timer],
        verbose=verbose,
    )
    seconds = time.perf_counter() - start
    history = {k: [float(v) for v in vals] for k, vals in hist.history.items()}
    history["epoch_seconds"] = list(timer.seconds)
    meta = {
        "variant": variant,
        "recipe": recipe_name,
        "optimizer": recipe.optimizer,
        "learning_rate": recipe.learning_rate,
        "cosine_decay": recipe.cosine,
        "augment": recipe.augment,
        "batch_size": batch_size,
        "seed": seed,
        "seconds": round(seconds, 1),
    }
    return model, history, meta


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command; return the exit status."""
    args = build_parser().parse_args(list(sys.argv[1:] if argv is None else argv))
    recipes = RECIPES[args.variant]
    recipe = args.recipe or next(iter(recipes))
    if recipe not in recipes:
        print(f"--recipe for --variant {args.variant} must be one of {', '.join(recipes)}", file=sys.stderr)
        return 2
    from pathlib import Path

    from cnn_course.shipped import machine_description, save_history, weights_dir

    model, history, meta = train(
        args.variant, recipe, epochs=args.epochs, batch_size=args.batch_size, seed=args.seed, verbose=args.verbose
    )
    meta["machine"] = machine_description()
    meta["command"] = "python -m cnn_course.train lenet5 " + " ".join(
        list(sys.argv[1:] if argv is None else argv)
    )
    acc_key = "val_rbf_accuracy" if args.variant == "1998" else "val_accuracy"
    final = history[acc_key][-1]
    meta["test_accuracy"] = final
    print(f"test accuracy after {len(history[acc_key])} epochs: {final:.4f} ({meta['seconds']:.0f} s)")
    if args.no_save:
        return 0
    out = Path(args.out) if args.out else weights_dir()
    out.mkdir(parents=True, exist_ok=True)
    stem = f"lenet5_{args.variant}" if recipe == next(iter(recipes)) else f"lenet5_{args.variant}_{recipe}"
    if recipe == next(iter(recipes)):  # only the shipped recipe's weights are kept
        model.save_weights(out / f"{stem}.weights.h5")
        print(f"saved {out / (stem + '.weights.h5')}")
    save_history(out / f"{stem}.history.json", f"lenet5_{args.variant}", history, meta)
    print(f"saved {out / (stem + '.history.json')}")
    return 0


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
