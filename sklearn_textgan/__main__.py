"""Command line: ``python -m sklearn_textgan COMMAND`` (the same as ``sklearn-textgan``).

The commands live in :mod:`sklearn_textgan._cli`.
"""

import sys

from ._cli import build_parser, main

__all__ = ["build_parser", "main"]

if __name__ == "__main__":
    sys.exit(main())
