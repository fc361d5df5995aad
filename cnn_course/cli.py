"""``cnn-course``: one command in front of the course's command-line tools.

Each subcommand forwards the rest of the command line, untouched, to an existing entry
point, which keeps its own options and its own ``--help``::

    cnn-course data fetch mnist          # = python -m cnn_course.data fetch mnist
    cnn-course train lenet5 --help       # = python -m cnn_course.train lenet5 --help

The modules are imported only when their subcommand runs, so ``cnn-course --help`` is fast
and needs no TensorFlow. (A forwarded ``--help`` names the tool as ``python -m ...``: the
same command, spelled the other way.)
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence
from typing import NamedTuple

__all__ = ["COMMANDS", "build_parser", "main"]


class Command(NamedTuple):
    module: str  # the module whose ``main(argv)`` runs the subcommand
    help: str  # one line for ``cnn-course --help``


COMMANDS: dict[str, Command] = {
    "data": Command("cnn_course.data._cli", "fetch the datasets (MNIST, CIFAR-10) into the cache, or list it"),
    "train": Command("cnn_course.train.__main__", "train a model (lenet5, alexnet); saves its weights and history"),
    "student": Command("cnn_course.student", "write the student edition of the chapters (solutions replaced by nbgrader's stubs)"),
    "adversarial": Command("cnn_course.failures.cli", "rerun the FGSM/PGD study against the shipped LeNet-5"),
    "activation-study": Command("cnn_course.nonlinearities.study", "rerun the study of sigmoid, tanh and ReLU training speed"),
    "neocognitron": Command("cnn_course.neocognitron.cli", "train the Neocognitron on MNIST and save it"),
}


def build_parser() -> argparse.ArgumentParser:
    """The top-level parser: one subparser per command, which takes no options itself.

    Examples
    --------
    >>> sorted(build_parser().parse_known_args(["data", "info", "--help"])[1])
    ['--help', 'info']
    """
    from cnn_course import __version__

    parser = argparse.ArgumentParser(
        prog="cnn-course",
        description="Command-line tools of the course 'Convolutional Neural Networks, from the cat's cortex to AlexNet'.",
        epilog="Each command has its own options: cnn-course COMMAND --help.",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", title="commands")
    for name, command in COMMANDS.items():
        # add_help=False: -h/--help after the command belongs to the command itself.
        commands.add_parser(name, help=command.help, add_help=False)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run ``cnn-course COMMAND [ARGS...]``; return the exit status.

    Without a command: the help, exit status 2. An unknown command: argparse's usage error
    (exit status 2, via :class:`SystemExit`, as the forwarded commands do on bad options).

    Examples
    --------
    >>> main([])  # doctest: +ELLIPSIS
    usage: cnn-course [-h] [--version] COMMAND ...
    ...
    2
    """
    argv = list(sys.argv[1:] if argv is None else argv)
    parser = build_parser()
    args, extras = parser.parse_known_args(argv)
    if args.command is None:
        parser.print_help()
        return 2
    # Everything after the command goes to it; anything unknown *before* it is an error.
    forwarded = argv[argv.index(args.command) + 1 :]
    if extras != forwarded:
        parser.error(f"unrecognized arguments: {' '.join(extras[: len(extras) - len(forwarded)])}")
    module = importlib.import_module(COMMANDS[args.command].module)
    return int(module.main(forwarded) or 0)


if __name__ == "__main__":
    raise SystemExit(main())
