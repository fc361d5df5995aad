"""The chapter's command, ``cnn-course adversarial`` (= ``python -m cnn_course.failures``).

It attacks the course's trained LeNet-5 with untargeted FGSM and PGD on the first MNIST
test digits and writes the study the chapter reads,
``data/adversarial_lenet5_<variant>.json`` (see :mod:`cnn_course.failures.study`).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from cnn_course.failures.study import COMMAND, _sha256, success_study

__all__ = ["main"]


def main(argv: Sequence[str] | None = None) -> int:
    """``cnn-course adversarial`` (``python -m cnn_course.failures``): attack the shipped LeNet-5, save the study."""
    import argparse
    import json
    import sys
    import time
    from pathlib import Path

    parser = argparse.ArgumentParser(prog=COMMAND, description=(
        "Untargeted FGSM and PGD against the course's trained LeNet-5 on the first MNIST test "
        "images; writes data/adversarial_lenet5_<variant>.json for the chapter 'Where CNNs fail'."))
    parser.add_argument("--variant", default="modern", choices=["modern", "keras"])
    parser.add_argument("--images", type=int, default=1000)
    parser.add_argument("--steps", type=int, default=10)
    parser.add_argument("--eps", type=float, nargs="+", default=[0.0, 0.05, 0.1, 0.15, 0.2, 0.25, 0.3])
    parser.add_argument("--out", default=None, help="default: data/adversarial_lenet5_<variant>.json")
    args = parser.parse_args(argv)

    from cnn_course.data import load_mnist
    from cnn_course.models.lenet import load_lenet5, train_command, weights_file
    from cnn_course.shipped import machine_description, shipped_file, weights_dir

    model = load_lenet5(args.variant)
    weights = shipped_file(weights_file(args.variant), train_command=train_command(args.variant))
    (_, _), (x_test, y_test) = load_mnist()
    x = x_test[: args.images, :, :, None].astype(np.float32) / 255
    y = y_test[: args.images].astype(np.int64)
    start = time.perf_counter()
    study = success_study(model, x, y, args.eps, steps=args.steps)
    seconds = time.perf_counter() - start
    study["meta"] = {"model": f"lenet5_{args.variant}", "weights": weights.name, "weights_sha256": _sha256(weights),
                     "seconds": round(seconds, 1), "machine": machine_description(),
                     "command": " ".join([COMMAND, *(sys.argv[1:] if argv is None else argv)])}
    out = Path(args.out) if args.out else weights_dir() / f"adversarial_lenet5_{args.variant}.json"
    out.write_text(json.dumps(study, separators=(",", ":")) + "\n")
    table = pd.DataFrame(study["table"]).pivot(index="eps", columns="method", values="success_rate")
    print(table.to_string(float_format=lambda v: f"{v:.1%}"))
    print(f"{study['table'][0]['n']} correctly classified digits of {args.images}; {seconds:.0f} s; wrote {out}")
    return 0
