"""``sklearn-textgan fit TEXTS -o MODEL``: train a TextGAN on a text file and save it."""

from __future__ import annotations

import argparse
import time
from pathlib import Path

from sklearn.base import clone

from .. import TextGAN, TextTokenizer
from ..datasets import load_text
from ..training import ALGORITHMS
from ._params import EstimatorOptions
from ._parser import add_encoding_argument

__all__ = ["add_parser", "run"]

# Built once: the options (and their help) come from the classes themselves.
ESTIMATOR_OPTIONS = EstimatorOptions(TextGAN, choices={"algorithm": ALGORITHMS})
TOKENIZER_OPTIONS = EstimatorOptions(TextTokenizer, prefix="tokenizer-")


def check_output(path: Path) -> None:
    """Fail before training, not after it, when the model could not be written."""
    if path.is_dir():
        raise ValueError(f"{path} is a folder; give the path of the model file to write.")
    if not path.parent.is_dir():
        raise ValueError(f"cannot write {path}: the folder {path.parent} does not exist.")


def build_estimator(args: argparse.Namespace) -> TextGAN:
    """The TextGAN the options describe.

    Options not given keep the class defaults, or with ``--start-from`` the
    saved model's parameters (and, with ``--warm-start``, its weights).
    """
    params = ESTIMATOR_OPTIONS.given(args)
    tokenizer_params = TOKENIZER_OPTIONS.given(args)
    if args.start_from is None:
        if params.get("warm_start"):
            raise ValueError("--warm-start continues a saved model: give it with --start-from.")
        if tokenizer_params:
            params["tokenizer"] = TextTokenizer(**tokenizer_params)
        return TextGAN(**params)
    gan = TextGAN.load(args.start_from)
    if tokenizer_params:
        tokenizer = gan.tokenizer if gan.tokenizer is not None else TextTokenizer()
        params["tokenizer"] = clone(tokenizer).set_params(**tokenizer_params)
    return gan.set_params(**params)


def read_training_data(
    texts_path: str, labels_path: str | None, encoding: str = "utf-8"
) -> tuple[list, list | None]:
    """The non-empty texts and, with a labels file, the label on the same line of each."""
    if labels_path is None:
        texts, labels = load_text(texts_path, encoding=encoding), None
    else:
        lines = load_text(texts_path, encoding=encoding, skip_empty=False)
        all_labels = load_text(labels_path, encoding=encoding, skip_empty=False)
        if len(all_labels) != len(lines):
            raise ValueError(
                f"{labels_path} has {len(all_labels)} lines but {texts_path} has {len(lines)}: "
                "give one label per text, on the same line."
            )
        kept = [(text, label) for text, label in zip(lines, all_labels, strict=True) if text]
        if any(not label.strip() for _, label in kept):
            raise ValueError(f"{labels_path} has an empty line where a text has a label.")
        texts = [text for text, _ in kept]
        labels = [label.strip() for _, label in kept]
    if not texts:
        raise ValueError(f"{texts_path} has no non-empty line: there is nothing to train on.")
    return texts, labels


def run(args: argparse.Namespace) -> int:
    output = Path(args.output)
    check_output(output)
    gan = build_estimator(args)
    texts, labels = read_training_data(args.texts, args.labels, args.encoding)
    started = time.perf_counter()
    gan.fit(texts, labels)
    seconds = time.perf_counter() - started
    gan.save(output)
    print(
        f"trained {gan.algorithm!r} on {len(texts)} texts from {args.texts} in {seconds:.0f} s "
        f"({len(gan.history_)} epoch(s), vocabulary of {gan.vocabulary_size_} tokens); "
        f"saved to {output}"
    )
    return 0


def add_parser(commands: argparse._SubParsersAction) -> None:
    fit = commands.add_parser(
        "fit",
        help="train a TextGAN on a text file (one text per line) and save it",
        description=(
            "Train a TextGAN on TEXTS (one text per line) and save it to MODEL with "
            "TextGAN.save, a file that loads without running code. Every TextGAN parameter "
            "is an option, with the same default; --tokenizer-* options set the tokenizer. "
            "Pass 'none' for a parameter that accepts None."
        ),
        epilog=(
            "example: sklearn-textgan fit texts.txt -o model.textgan "
            "--algorithm relgan --pretrain-epochs 5 --random-state 0 --verbose 1"
        ),
    )
    fit.add_argument("texts", metavar="TEXTS", help="text file, one text per line")
    fit.add_argument(
        "-o", "--output", metavar="MODEL", required=True, help="file to write the model to"
    )
    fit.add_argument(
        "--labels",
        metavar="LABELS",
        help=(
            "a file with the style label of each text on the same line: trains a "
            "class-conditional model ('sample --label' then chooses the style)"
        ),
    )
    add_encoding_argument(fit)
    fit.add_argument(
        "--start-from",
        metavar="SAVED",
        help=(
            "a saved model whose parameters replace the defaults; with --warm-start, training "
            "continues from its weights (pretrain once by maximum likelihood, then start "
            "several GANs from it)"
        ),
    )
    ESTIMATOR_OPTIONS.add_to(fit.add_argument_group("TextGAN parameters"))
    TOKENIZER_OPTIONS.add_to(fit.add_argument_group("tokenizer parameters (TextTokenizer)"))
    fit.set_defaults(handler=run)
