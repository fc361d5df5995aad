"""How fast do the two AlexNets train and predict?  Run: ``python bench/bench_alexnet.py``.

For the literal port (:func:`cnn_course.models.alexnet_literal`), the adapted network
(:func:`cnn_course.models.alexnet_cifar`) at full width and at half width (the shipped
network, trained on a 2-core CPU), side by side, on whatever this machine has (CPU,
or GPU with mixed precision as the training command uses by default), on any Keras backend
(``KERAS_BACKEND=jax python bench/bench_alexnet.py`` on a GPU machine without TensorFlow):

* training images/s: timed SGD steps (augmentation and dropout active) at ``--batch``,
  after warm-up steps that compile the step;
* inference images/s: timed ``predict_on_batch`` calls at ``--infer-batch``;
* the time of one CIFAR-10 epoch these imply (50,000 training images plus the 10,000 test
  images evaluated).

Random images stand in for CIFAR-10 (speed does not depend on the pixels). Each figure is
the median of ``--repeats`` timed runs. One run prints the table; ``--json`` also writes
the figures. No assertions.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # run from a checkout without installing
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import numpy as np  # noqa: E402


def measure(model, x, y, *, steps: int, warmup: int, infer_batch: int, repeats: int) -> dict:
    """Training and inference images/s of a compiled model on the arrays ``x``, ``y``."""
    batch = len(x)
    for _ in range(warmup):
        model.train_on_batch(x, y)
    train = []
    for _ in range(repeats):
        start = time.perf_counter()
        for _ in range(steps):
            logs = model.train_on_batch(x, y, return_dict=True)
        float(logs["loss"])  # wait for the device
        train.append(steps * batch / (time.perf_counter() - start))
    xi = np.resize(x, (infer_batch,) + x.shape[1:])
    for _ in range(warmup):
        np.asarray(model.predict_on_batch(xi))
    infer = []
    for _ in range(repeats):
        start = time.perf_counter()
        for _ in range(steps):
            out = np.asarray(model.predict_on_batch(xi))
        infer.append(steps * infer_batch / (time.perf_counter() - start))
    assert out.shape == (infer_batch, 10)
    return {"train_images_per_s": statistics.median(train), "inference_images_per_s": statistics.median(infer)}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--batch", type=int, default=128, help="training batch size")
    parser.add_argument("--infer-batch", type=int, default=512, help="inference batch size")
    parser.add_argument("--steps", type=int, default=None, help="timed steps per repeat (default 5 on CPU, 50 on GPU)")
    parser.add_argument("--warmup", type=int, default=2, help="untimed steps first (compilation)")
    parser.add_argument("--repeats", type=int, default=3, help="timed repeats; the median is reported")
    parser.add_argument("--precision", default="auto", help="auto (mixed_float16 on a GPU), float32, mixed_float16, mixed_bfloat16")
    parser.add_argument("--json", default=None, help="also write the figures to this JSON file")
    args = parser.parse_args(argv)

    import keras

    from cnn_course.models.alexnet import alexnet_cifar, alexnet_literal
    from cnn_course.train.alexnet import choose_precision, gpu_present
    from cnn_course.seeding import set_seed
    from cnn_course.shipped import machine_description

    gpu = gpu_present()
    policy = choose_precision(args.precision, gpu)
    keras.config.set_dtype_policy(policy)
    steps = args.steps or (50 if gpu else 5)
    set_seed(0)
    rng = np.random.default_rng(0)
    x = rng.random((args.batch, 32, 32, 3), dtype=np.float32)
    y = rng.integers(0, 10, args.batch).astype(np.int32)
    machine = machine_description()
    print(f"AlexNet speed on {machine}; {policy}; training batch {args.batch}, inference batch {args.infer_batch}, "
          f"{steps} steps x {args.repeats} repeats (median)")

    results = {}
    builds = (("alexnet_literal", alexnet_literal), ("alexnet_cifar", alexnet_cifar),
              ("alexnet_cifar 0.5", lambda: alexnet_cifar(width=0.5)))
    for name, build in builds:
        model = build()
        model.compile(optimizer=keras.optimizers.SGD(0.01, momentum=0.9, nesterov=True),
                      loss="sparse_categorical_crossentropy", metrics=["accuracy"])
        r = measure(model, x, y, steps=steps, warmup=args.warmup, infer_batch=args.infer_batch, repeats=args.repeats)
        r["parameters"] = int(model.count_params())
        r["epoch_seconds"] = 50_000 / r["train_images_per_s"] + 10_000 / r["inference_images_per_s"]
        results[name] = r
        del model
        keras.backend.clear_session()

    rows = [
        ("parameters", "{:,.0f}", "parameters"),
        ("training, images/s", "{:,.0f}", "train_images_per_s"),
        ("inference, images/s", "{:,.0f}", "inference_images_per_s"),
        ("one epoch (50k train + 10k test), s", "{:,.1f}", "epoch_seconds"),
    ]
    names = list(results)
    print(f"{'':38}" + "".join(f"{n:>18}" for n in names))
    for label, fmt, key in rows:
        print(f"{label:38}" + "".join(f"{fmt.format(results[n][key]):>18}" for n in names))
    for name, epochs in (("alexnet_cifar", 50), ("alexnet_cifar 0.5", 20)):
        total = epochs * results[name]["epoch_seconds"]
        print(f"{epochs} epochs of {name} would take about {total / 60:,.0f} min here")
    if args.json:
        Path(args.json).write_text(json.dumps({"machine": machine, "precision": policy, "batch": args.batch,
                                               "infer_batch": args.infer_batch, "steps": steps,
                                               "repeats": args.repeats, "models": results}, indent=1) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
