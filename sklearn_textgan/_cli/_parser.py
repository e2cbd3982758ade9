"""The argument parser shared by every command: errors on one line, no traceback."""

from __future__ import annotations

import argparse
import sys
from typing import NoReturn

__all__ = ["PROG", "OneLineParser", "add_encoding_argument", "one_line", "print_error"]

PROG = "sklearn-textgan"


class OneLineParser(argparse.ArgumentParser):
    """An ``ArgumentParser`` whose usage errors are one line on stderr and exit status 2.

    argparse's own ``error`` prints the whole usage block first, which buries
    the one thing the user needs to read; ``--help`` still shows the usage.
    Subparsers inherit the class (``add_subparsers`` uses ``type(self)``).
    """

    def error(self, message: str) -> NoReturn:
        self.exit(2, f"{self.prog}: error: {message} (see '{self.prog} --help')\n")


def one_line(text: object) -> str:
    """``text`` with every run of whitespace, newlines included, made one space."""
    return " ".join(str(text).split())


def print_error(message: str) -> None:
    print(f"{PROG}: error: {one_line(message)}", file=sys.stderr)


def add_encoding_argument(parser: argparse.ArgumentParser) -> None:
    """``--encoding`` of the text files a command reads."""
    parser.add_argument(
        "--encoding",
        default="utf-8",
        help="text encoding of the input files, such as latin-1 (default: utf-8)",
    )
