"""Command-line options generated from an estimator's parameters.

Every parameter of ``get_params()`` becomes an option whose type, choices and
default come from the estimator's ``_parameter_constraints`` and whose help is
the first sentence of its entry in the class docstring. A parameter added to
the estimator therefore appears on the command line without editing this file.
"""

from __future__ import annotations

import argparse
import inspect
import os
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from numbers import Integral
from typing import Any

from sklearn.utils._param_validation import HasMethods, Interval, StrOptions

__all__ = ["EstimatorOptions", "parameter_help"]

# A value that means None on the command line, for parameters that accept None.
_NONE = "none"


def parameter_help(estimator_class: type) -> dict[str, str]:
    """First sentence of each entry of the "Parameters" section of a numpydoc docstring.

    Examples
    --------
    >>> from sklearn_textgan import TextTokenizer
    >>> from sklearn_textgan._cli._params import parameter_help
    >>> parameter_help(TextTokenizer)["lowercase"]
    'Whether to lower-case texts before tokenizing.'
    """
    lines = (inspect.getdoc(estimator_class) or "").splitlines()
    try:
        start = lines.index("Parameters") + 2
    except ValueError:
        return {}
    entries: dict[str, list[str]] = {}
    name = None
    for index in range(start, len(lines)):
        line = lines[index]
        underline = lines[index + 1] if index + 1 < len(lines) else ""
        if line and set(underline) == {"-"}:
            break  # the next section
        match = re.match(r"^(\w+) : ", line)
        if match:
            name = match.group(1)
            entries[name] = []
        elif name is not None and line.startswith(" "):
            entries[name].append(line.strip())
    helps = {}
    for key, description in entries.items():
        text = " ".join(description).replace("``", "")
        # Cut after the first full stop that ends a sentence (not one inside "e.g.").
        match = re.search(r"(?<!\be\.g)(?<!\bi\.e)\.(\s|$)", text)
        helps[key] = text[: match.start() + 1] if match else text
    return helps


def _parse_none(text: str) -> None:
    if text.lower() != _NONE:
        raise ValueError(text)
    return None


def _parse_int(text: str) -> int:
    return int(text)


def _parse_float(text: str) -> float:
    return float(text)


@dataclass(eq=False)
class _Converter:
    """Turns one command-line string into a parameter value, trying each parser in turn."""

    parsers: tuple[Callable[[str], Any], ...]
    metavar: str

    def __call__(self, text: str) -> Any:
        for parse in self.parsers:
            try:
                return parse(text)
            except ValueError:
                continue
        # argparse prefixes the option: "argument --x: invalid value 'y', expected INT".
        raise argparse.ArgumentTypeError(f"invalid value {text!r}, expected {self.metavar}")


def _sequence_parser(default: Any) -> Callable[[str], tuple]:
    """Comma-separated values of the type of the default's elements: "2,3,4" -> (2, 3, 4)."""
    element = type(default[0]) if len(default) else str
    element = int if element is bool else element

    def parse(text: str) -> tuple:
        parts = [part.strip() for part in text.split(",")]
        if not all(parts):
            raise ValueError(text)
        return tuple(element(part) for part in parts)

    return parse


def _option_kwargs(
    name: str, constraints: list, default: Any, choices: Mapping | None
) -> dict[str, Any] | None:
    """The ``add_argument`` keywords for one parameter, or None to leave it out."""
    if any(isinstance(constraint, HasMethods) for constraint in constraints):
        return None  # an object (a tokenizer): its own options stand for it
    if "boolean" in constraints:
        return {"action": argparse.BooleanOptionalAction}
    parsers: list[Callable[[str], Any]] = []
    names: list[str] = []
    option_choices: list[str] = []

    def accept(parser: Callable[[str], Any], metavar: str) -> None:
        if metavar not in names:
            parsers.append(parser)
            names.append(metavar)

    for constraint in constraints:
        if isinstance(constraint, StrOptions):
            option_choices += sorted(constraint.options)
        elif isinstance(constraint, Interval):
            if constraint.type is Integral:
                accept(_parse_int, "INT")
            else:
                accept(_parse_float, "FLOAT")
        elif constraint in ("random_state", "verbose"):
            accept(_parse_int, "INT")
        elif constraint in (tuple, list):
            accept(_sequence_parser(default), "N,N,...")
        elif constraint is str and choices is not None:
            option_choices += sorted(choices)
        elif constraint in (str, os.PathLike) or (
            isinstance(constraint, type) and constraint.__module__.startswith("torch")
        ):
            accept(str, "STR")
    if option_choices:
        parsers.insert(0, lambda text: _pick(text, option_choices))
        names.insert(0, "{" + ",".join(option_choices) + "}")
    if None in constraints or "random_state" in constraints:
        # Tried first, so that "none" is never taken for a str.
        parsers.insert(0, _parse_none)
        names.append(_NONE)
    if not parsers:
        # A parameter of a kind one cannot type (a new object-valued one): left
        # out rather than breaking every command; the tests list what is left out.
        return None
    metavar = "|".join(names)
    return {"type": _Converter(tuple(parsers), metavar), "metavar": metavar}


def _pick(text: str, choices: list[str]) -> str:
    if text not in choices:
        raise ValueError(text)
    return text


def _format_default(value: Any) -> str:
    if value is None:
        return _NONE
    if isinstance(value, tuple | list):
        return ",".join(str(item) for item in value)
    return str(value)


class EstimatorOptions:
    """Options for every parameter of an estimator class, and the estimator they describe.

    Parameters
    ----------
    estimator_class : type
        A scikit-learn estimator with ``_parameter_constraints``.
    prefix : str, default=""
        Put before every option name (``"tokenizer-"`` gives
        ``--tokenizer-level``), so that two estimators' options never clash.
    choices : mapping of str to mapping, default=None
        For parameters declared as a plain ``str`` but looked up in a
        registry (``algorithm``): the registry, whose keys become the choices.

    Examples
    --------
    >>> import argparse
    >>> from sklearn_textgan import TextTokenizer
    >>> from sklearn_textgan._cli._params import EstimatorOptions
    >>> options = EstimatorOptions(TextTokenizer, prefix="tokenizer-")
    >>> parser = argparse.ArgumentParser()
    >>> options.add_to(parser)
    >>> args = parser.parse_args(["--tokenizer-level", "char", "--tokenizer-max-length", "none"])
    >>> options.given(args)
    {'level': 'char', 'max_length': None}
    """

    def __init__(
        self,
        estimator_class: type,
        *,
        prefix: str = "",
        choices: Mapping[str, Mapping] | None = None,
    ) -> None:
        self.estimator_class = estimator_class
        self.prefix = prefix
        self.choices = dict(choices or {})
        # Filled by add_to: name -> argparse dest, and the parameters without an option.
        self.dests: dict[str, str] = {}
        self.left_out: list[str] = []

    def add_to(self, parser: argparse.ArgumentParser | Any) -> None:
        """Add one option per parameter to ``parser`` (or an argument group)."""
        defaults = self.estimator_class().get_params(deep=False)
        constraints = self.estimator_class._parameter_constraints
        helps = parameter_help(self.estimator_class)
        for name, default in defaults.items():
            kwargs = _option_kwargs(
                name, list(constraints.get(name, [])), default, self.choices.get(name)
            )
            if kwargs is None:
                if name not in self.left_out:
                    self.left_out.append(name)
                continue
            flag = "--" + (self.prefix + name).replace("_", "-")
            dest = (self.prefix + name).replace("-", "_")
            help_text = helps.get(name, "").replace("%", "%%")
            parser.add_argument(
                flag,
                dest=dest,
                # SUPPRESS: an option not typed is not passed, so the estimator's
                # own default applies (one source of truth for defaults).
                default=argparse.SUPPRESS,
                help=f"{help_text} (default: {_format_default(default)})".strip(),
                **kwargs,
            )
            self.dests[name] = dest

    def given(self, args: argparse.Namespace) -> dict[str, Any]:
        """The parameters typed on the command line, by parameter name."""
        return {
            name: getattr(args, dest) for name, dest in self.dests.items() if hasattr(args, dest)
        }
