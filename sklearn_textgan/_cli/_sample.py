"""``sklearn-textgan sample MODEL``: print texts written by a saved model, one a line."""

from __future__ import annotations

import argparse

import numpy as np

from .. import TextGAN
from .._tokenizer import PAD_ID

__all__ = ["add_parser", "load_fitted", "run"]


def load_fitted(path: str, device: str | None) -> TextGAN:
    """Load a model saved by ``fit`` (or ``TextGAN.save``), refusing an unfitted one."""
    gan = TextGAN.load(path, device=device)
    if not hasattr(gan, "generator_"):
        raise ValueError(
            f"{path} holds an unfitted TextGAN (parameters only); train one with "
            "'sklearn-textgan fit'."
        )
    return gan


def _as_class(gan: TextGAN, label: str):
    """The class of ``gan`` written ``label`` on the command line (classes may be numbers)."""
    classes = getattr(gan, "classes_", None)
    if classes is None:
        raise ValueError("this model was trained without labels, so --label cannot choose a style.")
    for known in classes.tolist():
        if str(known) == label:
            return known
    raise ValueError(
        f"unknown label {label!r}; this model knows {', '.join(map(str, classes.tolist()))}."
    )


def run(args: argparse.Namespace) -> int:
    gan = load_fitted(args.model, args.device)
    label = None if args.label is None else _as_class(gan, args.label)
    samples = gan.sample(
        args.n_samples, temperature=args.temperature, random_state=args.seed, y=label
    )
    if isinstance(samples, np.ndarray):
        # A model fitted on token ids writes ids: one row a line, without the padding.
        samples = [" ".join(str(token) for token in row if token != PAD_ID) for row in samples]
    print("\n".join(samples))
    return 0


def add_parser(commands: argparse._SubParsersAction) -> None:
    sample = commands.add_parser(
        "sample",
        help="print texts sampled from a saved model, one a line",
        description="Print N_SAMPLES texts sampled from MODEL, one text a line.",
        epilog="example: sklearn-textgan sample model.textgan -n 5 --temperature 0.8 --seed 0",
    )
    sample.add_argument("model", metavar="MODEL", help="a model file written by 'fit'")
    sample.add_argument(
        "-n", "--n-samples", type=int, default=10, help="number of texts (default: 10)"
    )
    sample.add_argument(
        "--temperature",
        type=float,
        default=1.0,
        help="below 1 favours likely words (quality), above 1 diversity (default: 1.0)",
    )
    sample.add_argument(
        "--seed", type=int, default=None, help="the same seed gives the same texts (default: none)"
    )
    sample.add_argument(
        "--label",
        default=None,
        help="the style to write, for a model trained with 'fit --labels' (default: mixed)",
    )
    sample.add_argument(
        "--device",
        default=None,
        help="cpu, cuda, cuda:N (default: where it was trained when available, else cpu)",
    )
    sample.set_defaults(handler=run)
