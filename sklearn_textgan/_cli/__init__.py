"""The command line, ``sklearn-textgan`` (or ``python -m sklearn_textgan``).

One module per command (``demo``, ``fit``, ``sample``, ``evaluate``), each with
``add_parser`` and ``run``. Errors are one line on stderr with a non-zero exit
status, never a traceback: 2 for a bad argument, file or model, 1 for a
failure while running (a diverged training), 130 when interrupted.
"""

from __future__ import annotations

import os
import sys
import warnings
from collections.abc import Sequence

from .. import __version__
from . import _demo, _evaluate, _fit, _sample
from ._parser import PROG, OneLineParser, one_line, print_error

__all__ = ["build_parser", "main"]

_COMMANDS = (_demo, _fit, _sample, _evaluate)


def build_parser() -> OneLineParser:
    """The parser of every command.

    Examples
    --------
    >>> from sklearn_textgan._cli import build_parser
    >>> args = build_parser().parse_args(["sample", "model.textgan", "-n", "3"])
    >>> args.command, args.n_samples, args.temperature
    ('sample', 3, 1.0)
    """
    parser = OneLineParser(
        prog=PROG,
        description="Train, sample and evaluate text generators (text GANs).",
        epilog=f"'{PROG} COMMAND --help' describes each command.",
    )
    parser.add_argument("--version", action="version", version=__version__)
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for command in _COMMANDS:
        command.add_parser(commands)
    return parser


def _show_warning(message, category, filename, lineno, file=None, line=None) -> None:
    # One line, without the source line that warnings prints by default.
    print(f"{PROG}: warning: {one_line(message)}", file=sys.stderr)


def _silence_stdout() -> None:
    """Point stdout at the null device, so that flushing it at exit raises nothing more."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError, AttributeError):
        pass


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit status.

    Parameters
    ----------
    argv : sequence of str, default=None
        The arguments; ``None`` reads ``sys.argv[1:]``.

    Returns
    -------
    status : int
        0 on success, 2 for a bad argument, file or model, 1 for a failure
        while running, 130 when interrupted. Usage errors and ``--help`` exit
        through ``SystemExit``, as argparse does.
    """
    args = build_parser().parse_args(argv)
    with warnings.catch_warnings():
        warnings.showwarning = _show_warning
        try:
            return args.handler(args)
        except KeyboardInterrupt:
            print_error("interrupted")
            return 130
        except BrokenPipeError:
            # The reader stopped reading (``sample | head``): nothing to report.
            _silence_stdout()
            return 1
        except (ValueError, TypeError, OSError, LookupError) as error:
            print_error(error)
            return 2
        except Exception as error:  # noqa: BLE001 - the promise is: never a traceback
            print_error(f"{type(error).__name__}: {error}")
            return 1
