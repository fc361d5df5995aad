"""``python -m cnn_course.train MODEL [options]``: dispatch to a model's training command."""

from __future__ import annotations

import importlib
import sys

COMMANDS = {"lenet5": "cnn_course.train.lenet5", "alexnet": "cnn_course.train.alexnet"}


def main(argv: list[str] | None = None) -> int:
    """Run ``python -m cnn_course.train MODEL ...``; return the exit status."""
    args = list(sys.argv[1:] if argv is None else argv)
    if not args or args[0] in {"-h", "--help"}:
        print(f"usage: python -m cnn_course.train {{{','.join(COMMANDS)}}} [options]")
        print("       python -m cnn_course.train MODEL --help   (that model's options)")
        return 0 if args else 2
    if args[0] not in COMMANDS:
        print(f"unknown model {args[0]!r}: expected one of {', '.join(COMMANDS)}", file=sys.stderr)
        return 2
    module = importlib.import_module(COMMANDS[args[0]])
    return int(module.main(args[1:]) or 0)


if __name__ == "__main__":
    raise SystemExit(main())
