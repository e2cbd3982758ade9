"""``sklearn-textgan evaluate MODEL REFERENCES``: the metrics table of a saved model."""

from __future__ import annotations

import argparse
import csv
import json
import sys
from collections.abc import Sequence

from ..datasets import load_text
from ..metrics import distinct_n
from ..metrics._bleu import BleuReferences
from ..metrics._curves import curve_point
from ..metrics._sampling import reference_token_lists
from ..metrics._validation import check_orders
from ._parser import add_encoding_argument
from ._sample import load_fitted

__all__ = ["add_parser", "evaluate", "format_table", "run"]

_LABELS = {"bleu": "BLEU-{}", "self_bleu": "Self-BLEU-{}"}


def evaluate(
    gan,
    references: list[str],
    *,
    temperatures: Sequence[float],
    n_samples: int,
    orders: Sequence[int],
    seed: int | None,
) -> list[dict]:
    """One record of metrics per temperature, with the keys of ``quality_diversity_curve``.

    Samples and references are split into tokens by the model's fitted
    tokenizer, as ``quality_diversity_curve`` splits them: a sample is
    lower-cased and has its punctuation split off exactly like a reference,
    so a sample that repeats a reference matches it. The records can be given
    to :func:`sklearn_textgan.plot.plot_quality_diversity`.
    """
    if n_samples < 2:
        raise ValueError(f"--n-samples must be at least 2 (Self-BLEU), got {n_samples}.")
    if not hasattr(gan, "tokenizer_") or gan.tokenizer_ is None:
        raise ValueError(
            "the model was fitted on token ids, not texts, so it cannot be compared with a "
            "text file of references."
        )
    orders = check_orders(orders)
    # The references' n-grams are counted once for every temperature.
    reference_set = BleuReferences(
        reference_token_lists(references, gan, "references"), max(orders)
    )
    records = []
    for temperature in temperatures:
        # The same seed at every temperature (common random numbers): a smoother curve.
        record, samples = curve_point(
            gan,
            temperature,
            seed,
            n_samples=n_samples,
            orders=orders,
            reference_set=reference_set,
            test_texts=references,
        )
        record["distinct_2"] = distinct_n(samples, 2)
        records.append(record)
    return records


def _label(key: str) -> str:
    kind, _, order = key.rpartition("_")
    if kind in _LABELS:
        return _LABELS[kind].format(order)
    return {"nll_test": "NLL_test", "distinct_2": "distinct-2"}.get(key, key)


def format_table(records: list[dict]) -> str:
    """Metrics as rows, temperatures as columns: readable however many orders there are.

    Examples
    --------
    >>> from sklearn_textgan._cli._evaluate import format_table
    >>> print(format_table([{"temperature": 1.0, "n_samples": 2, "bleu_2": 0.5}]))
    metric     T=1.0
    BLEU-2    0.5000
    """
    keys = [key for key in records[0] if key not in ("temperature", "n_samples", "n_references")]
    header = [f"T={float(record['temperature'])}" for record in records]
    rows = [[_label(key)] + [f"{record[key]:.4f}" for record in records] for key in keys]
    first = max(len("metric"), *(len(row[0]) for row in rows))
    width = max(8, *(len(cell) for cell in header))
    lines = ["metric".ljust(first) + "".join(cell.rjust(width + 2) for cell in header)]
    lines += [row[0].ljust(first) + "".join(c.rjust(width + 2) for c in row[1:]) for row in rows]
    return "\n".join(lines)


def run(args: argparse.Namespace) -> int:
    gan = load_fitted(args.model, args.device)
    references = load_text(args.references, encoding=args.encoding)
    if not references:
        raise ValueError(f"{args.references} has no non-empty line: there is nothing to compare.")
    records = evaluate(
        gan,
        references,
        temperatures=args.temperatures,
        n_samples=args.n_samples,
        orders=args.max_n,
        seed=args.seed,
    )
    if args.format == "json":
        print(json.dumps(records, indent=2))
    elif args.format == "csv":
        writer = csv.DictWriter(sys.stdout, fieldnames=list(records[0]), lineterminator="\n")
        writer.writeheader()
        writer.writerows(records)
    else:
        print(
            f"{args.model} against {args.references}: {args.n_samples} samples per temperature "
            f"(seed {args.seed}), {len(references)} references"
        )
        print(format_table(records))
    return 0


def _positive_float(text: str) -> float:
    value = float(text)
    if not value > 0 or value == float("inf"):
        raise argparse.ArgumentTypeError(f"must be a positive number, got {text!r}")
    return value


def add_parser(commands: argparse._SubParsersAction) -> None:
    evaluate_parser = commands.add_parser(
        "evaluate",
        help="print BLEU, Self-BLEU, NLL_test and distinct-2 of a saved model",
        description=(
            "Sample from MODEL at each temperature and print, for each: BLEU-n of the samples "
            "against REFERENCES (quality, higher is better), Self-BLEU-n among the samples "
            "(lower is more diverse), NLL_test of REFERENCES under the model at that "
            "temperature (nats per token, lower is better; use held-out texts, not the "
            "training file) and distinct-2 of the samples (higher is more diverse). One "
            "temperature proves little: compare curves over several, against a "
            "maximum-likelihood model of the same size."
        ),
        epilog=(
            "example: sklearn-textgan evaluate model.textgan held_out.txt "
            "--temperatures 0.8 1.0 1.2"
        ),
    )
    evaluate_parser.add_argument("model", metavar="MODEL", help="a model file written by 'fit'")
    evaluate_parser.add_argument(
        "references", metavar="REFERENCES", help="held-out texts, one text per line"
    )
    add_encoding_argument(evaluate_parser)
    evaluate_parser.add_argument(
        "--temperatures",
        type=_positive_float,
        nargs="+",
        default=[1.0],
        metavar="T",
        help="sampling temperatures (default: 1.0)",
    )
    evaluate_parser.add_argument(
        "-n",
        "--n-samples",
        type=int,
        default=1000,
        help="texts sampled at each temperature (default: 1000)",
    )
    evaluate_parser.add_argument(
        "--max-n",
        type=int,
        nargs="+",
        default=[2, 3, 4, 5],
        metavar="N",
        help="BLEU and Self-BLEU orders (default: 2 3 4 5)",
    )
    evaluate_parser.add_argument(
        "--seed", type=int, default=0, help="seed of the sampling (default: 0)"
    )
    evaluate_parser.add_argument(
        "--format",
        choices=("table", "csv", "json"),
        default="table",
        help="table for reading; csv or json (a list of records) for programs (default: table)",
    )
    evaluate_parser.add_argument(
        "--device", default=None, help="cpu, cuda, cuda:N (default: as saved when available)"
    )
    evaluate_parser.set_defaults(handler=run)
