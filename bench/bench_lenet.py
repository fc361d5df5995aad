"""LeNet-5 training speed on this machine, side by side in one run.

1. Time to reach 99.0% MNIST test accuracy (or the best reached in 12 epochs) for the
   reference recipe (the Keras adaptation, Adadelta with learning rate 1.0, batch 128,
   12 epochs) and for fast LeNet recipes (batch-normalised ReLU LeNets with Adam and a
   short cosine schedule), stopping at 99.0%. Training time only: the test accuracy is
   measured after every epoch, outside the timed part.
2. Training throughput (images/s) and achieved GFLOP/s as a share of the CPU's fp32 peak,
   for several settings: batch size, XLA (``jit_compile``), NumPy arrays vs a ``tf.data``
   pipeline with prefetching.

The fp32 peak is estimated as cores x clock x 32 FLOPs per cycle (two 256-bit FMA units:
2 x 8 lanes x 2 FLOPs), with the clock read from /proc/cpuinfo or lscpu ("cpu MHz", else
BogoMIPS / 2). FLOPs per image come from the layer shapes (2 per multiply-add of the
convolutions and dense layers; pooling, activations and batch norm ignored), and a
training step is counted as 3x the forward pass.

Run: ``python bench/bench_lenet.py`` (about 5 minutes on 2 idle cores; ``--quick`` for a
smoke run). Timings taken while other jobs run are inflated.
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import time

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import keras  # noqa: E402
import numpy as np  # noqa: E402

from cnn_course.data import load_mnist  # noqa: E402
from cnn_course.models.lenet import lenet5_keras, lenet5_modern, prepare_images  # noqa: E402
from cnn_course.seeding import set_seed  # noqa: E402

TARGET = 0.990


def cpu_peak_gflops() -> tuple[float, str]:
    """fp32 peak estimate and how it was made."""
    cores = os.cpu_count() or 1
    mhz = None
    how = ""
    try:
        text = open("/proc/cpuinfo").read()
        m = re.search(r"cpu MHz\s*:\s*([\d.]+)", text)
        if m:
            mhz, how = float(m.group(1)), "cpu MHz from /proc/cpuinfo"
    except OSError:
        text = ""
    if mhz is None:
        out = subprocess.run(["lscpu"], capture_output=True, text=True).stdout
        m = re.search(r"BogoMIPS:\s*([\d.]+)", out) or re.search(r"bogomips\s*:\s*([\d.]+)", text)
        if m:
            mhz, how = float(m.group(1)) / 2, "BogoMIPS / 2 from lscpu"
    mhz = mhz or 2500.0
    peak = cores * mhz / 1000 * 32
    return peak, f"{cores} cores x {mhz / 1000:.2f} GHz ({how}) x 32 fp32 FLOPs/cycle (AVX2, 2 FMA units)"


def forward_flops(model: keras.Model) -> int:
    """Multiply-adds x 2 of the Conv2D, SparseConv2D and Dense layers, per image."""
    total = 0
    for layer in model.layers:
        out = layer.output.shape
        if isinstance(layer, keras.layers.Conv2D):
            k = layer.kernel.shape
            total += 2 * out[1] * out[2] * out[3] * k[0] * k[1] * k[2]
        elif type(layer).__name__ == "SparseConv2D":
            total += 2 * out[1] * out[2] * int(np.prod(layer.kernel.shape))
        elif isinstance(layer, keras.layers.Dense):
            total += 2 * int(np.prod(layer.kernel.shape))
    return int(total)


def recipes(epochs_ref: int) -> dict[str, dict]:
    return {
        "reference: Keras adaptation, Adadelta(1.0), batch 128": dict(
            build=lenet5_keras, opt=lambda steps: keras.optimizers.Adadelta(1.0), batch=128, epochs=epochs_ref, stop=False
        ),
        "fast A: modern LeNet (12/32 maps, BN), Adam 4e-3 cosine over 4 epochs, batch 256": dict(
            build=lambda: lenet5_modern(width=2),
            opt=lambda steps: keras.optimizers.Adam(keras.optimizers.schedules.CosineDecay(4e-3, steps, alpha=0.01)),
            batch=256, epochs=4, stop=True,
        ),
        "fast B: modern LeNet (6/16 maps, BN), Adam 4e-3 cosine over 4 epochs, batch 256": dict(
            build=lambda: lenet5_modern(width=1),
            opt=lambda steps: keras.optimizers.Adam(keras.optimizers.schedules.CosineDecay(4e-3, steps, alpha=0.01)),
            batch=256, epochs=4, stop=True,
        ),
        "fast C: modern LeNet (6/16 maps, BN), Adam 4e-3 cosine over 5 epochs, batch 256, XLA": dict(
            build=lambda: lenet5_modern(width=1),
            opt=lambda steps: keras.optimizers.Adam(keras.optimizers.schedules.CosineDecay(4e-3, steps, alpha=0.01)),
            batch=256, epochs=5, stop=True, jit=True,
        ),
        "fast D: Keras-size LeNet with ReLU and max pooling (44,426 params), Adam 3e-3 cosine over 8 epochs, batch 128, XLA": dict(
            build=lambda: lenet5_keras(conv_activation="relu", pooling="max", dense_activation="relu"),
            opt=lambda steps: keras.optimizers.Adam(keras.optimizers.schedules.CosineDecay(3e-3, steps, alpha=0.01)),
            batch=128, epochs=8, stop=True, jit=True,
        ),
    }


def time_to_target(spec: dict, data, seed: int = 0) -> dict:
    (x, y), (xt, yt) = data
    set_seed(seed)
    model = spec["build"]()
    steps = spec["epochs"] * int(np.ceil(len(x) / spec["batch"]))
    model.compile(optimizer=spec["opt"](steps), loss="sparse_categorical_crossentropy", metrics=["accuracy"],
                  jit_compile=spec.get("jit", "auto"))
    elapsed, accs, times = 0.0, [], []
    for epoch in range(spec["epochs"]):
        t = time.perf_counter()
        model.fit(x, y, batch_size=spec["batch"], epochs=epoch + 1, initial_epoch=epoch, verbose=0)
        elapsed += time.perf_counter() - t
        acc = float(model.evaluate(xt, yt, batch_size=1000, verbose=0)[1])
        accs.append(acc)
        times.append(elapsed)
        print(f"    epoch {epoch + 1}: test {100 * acc:.2f}% after {elapsed:.1f} s of training", flush=True)
        if spec["stop"] and acc >= TARGET:
            break
    reached = next((i for i, a in enumerate(accs) if a >= TARGET), None)
    best = int(np.argmax(accs))
    at = reached if reached is not None else best
    return {
        "accuracies": accs,
        "reached": reached is not None,
        "seconds_to_target": times[at],
        "accuracy_at": accs[at],
        "epoch_at": at + 1,
        "images_per_s": len(x) * len(accs) / elapsed,
        "flops": forward_flops(model),
    }


def throughput(build, x, y, batch: int, jit, use_tfdata: bool, steps: int = 60) -> float:
    import tensorflow as tf

    set_seed(0)
    model = build()
    model.compile(optimizer=keras.optimizers.Adam(1e-3), loss="sparse_categorical_crossentropy", jit_compile=jit)
    n = batch * steps
    xs, ys = x[:n], y[:n]
    if use_tfdata:
        ds = tf.data.Dataset.from_tensor_slices((xs, ys)).batch(batch).prefetch(tf.data.AUTOTUNE).cache()
        model.fit(ds.take(5), epochs=1, verbose=0)  # warm up (tracing)
        t = time.perf_counter()
        model.fit(ds, epochs=1, verbose=0)
    else:
        model.fit(xs[: 5 * batch], ys[: 5 * batch], batch_size=batch, epochs=1, verbose=0)
        t = time.perf_counter()
        model.fit(xs, ys, batch_size=batch, epochs=1, verbose=0, shuffle=False)
    return n / (time.perf_counter() - t)


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--quick", action="store_true", help="2 reference epochs, fewer settings")
    p.add_argument("--recipes", default="", help="comma-separated recipe letters to run besides the reference, e.g. 'C'")
    p.add_argument("--no-throughput", action="store_true", help="skip part 2")
    args = p.parse_args()
    (x_raw, y), (xt_raw, yt) = load_mnist()
    data = ((prepare_images(x_raw), y.astype(np.int32)), (prepare_images(xt_raw), yt.astype(np.int32)))
    peak, how = cpu_peak_gflops()
    print(f"fp32 peak estimate: {peak:.0f} GFLOP/s = {how}")
    print(f"Keras {keras.__version__}, backend {keras.backend.backend()}, load average {os.getloadavg()[0]:.1f}\n")

    print("1. Time to 99.0% test accuracy (training time only)")
    results = {}
    chosen = {k: v for k, v in recipes(2 if args.quick else 12).items()
              if k.startswith("reference") or not args.recipes or k.split(":")[0].split()[-1] in args.recipes.split(",")}
    for name, spec in chosen.items():
        print(f"  {name}")
        r = time_to_target(spec, data)
        results[name] = r
        gflops = r["images_per_s"] * 3 * r["flops"] / 1e9
        what = "reached 99.0%" if r["reached"] else "did not reach 99.0%; best"
        print(f"    -> {what} {100 * r['accuracy_at']:.2f}% at epoch {r['epoch_at']}, {r['seconds_to_target']:.1f} s; "
              f"{r['images_per_s']:.0f} images/s, {r['flops'] / 1e6:.2f} MFLOP/image forward, "
              f"{gflops:.1f} GFLOP/s = {100 * gflops / peak:.1f}% of peak")
    ref = next(iter(results.values()))
    print()
    for name, r in list(results.items())[1:]:
        print(f"  speed-up of '{name.split(':')[0]}' over the reference: {ref['seconds_to_target'] / r['seconds_to_target']:.1f}x "
              f"({r['seconds_to_target']:.1f} s to {100 * r['accuracy_at']:.2f}% vs {ref['seconds_to_target']:.1f} s to "
              f"{100 * ref['accuracy_at']:.2f}%)")

    if args.no_throughput:
        return
    print("\n2. Training throughput by setting (60 steps after a warm-up)")
    settings = [(128, False, False), (256, False, False), (512, False, False), (256, True, False), (256, False, True)]
    if args.quick:
        settings = settings[:2]
    x, yy = data[0]
    for build, label in ((lenet5_keras, "Keras adaptation"), (lambda: lenet5_modern(width=2), "modern (12/32 maps)")):
        flops = forward_flops(build())
        for batch, jit, tfdata in settings:
            ips = throughput(build, x, yy, batch, jit, tfdata)
            g = ips * 3 * flops / 1e9
            print(f"  {label:22s} batch {batch:4d} jit_compile={str(jit):5s} tf.data={str(tfdata):5s}: "
                  f"{ips:7.0f} images/s, {g:5.1f} GFLOP/s = {100 * g / peak:4.1f}% of peak")


if __name__ == "__main__":
    main()
