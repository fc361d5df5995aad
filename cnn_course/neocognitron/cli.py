"""The Neocognitron's command: ``cnn-course neocognitron train --out PATH``.

The same as ``python -m cnn_course.neocognitron train --out PATH``: learn the S-planes and
the readout on MNIST, print the shift table against the pixel template matcher, save the
model (:meth:`~cnn_course.neocognitron.model.Neocognitron.save`).
"""

from __future__ import annotations

import argparse
import time

from cnn_course.neocognitron.baseline import PixelTemplateMatcher
from cnn_course.neocognitron.model import Neocognitron
from cnn_course.neocognitron.robustness import shift_accuracy

__all__ = ["main"]


def main(argv: list[str] | None = None) -> int:
    """``python -m cnn_course.neocognitron train --out PATH``: train on MNIST, report, save."""
    parser = argparse.ArgumentParser(prog="python -m cnn_course.neocognitron", description=main.__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    train = sub.add_parser("train", help="learn the S-planes and the readout on MNIST; save to --out")
    train.add_argument("--out", required=True, help="where to write the .npz")
    train.add_argument("--feature-images", type=int, default=2000, help="training digits for the S-planes (no labels)")
    train.add_argument("--readout-images", type=int, default=5000, help="training digits (with labels) for the readout")
    train.add_argument("--test-images", type=int, default=1000, help="test digits for the shift report")
    train.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)

    from cnn_course.data import load_mnist

    start = time.perf_counter()
    (x_train, y_train), (x_test, y_test) = load_mnist()
    model = Neocognitron(seed=args.seed).fit(x_train[: args.feature_images])
    model.fit_readout(x_train[: args.readout_images], y_train[: args.readout_images])
    matcher = PixelTemplateMatcher().fit(x_train[: args.readout_images], y_train[: args.readout_images])
    path = model.save(args.out)
    table = shift_accuracy({"Neocognitron": model, "pixel template matcher": matcher},
                           x_test[: args.test_images], y_test[: args.test_images])
    print(table.pivot(index="shift", columns="model", values="accuracy").round(3).to_string())
    print(f"saved {path} ({path.stat().st_size / 1024:.0f} KB) in {time.perf_counter() - start:.0f} s")
    return 0

