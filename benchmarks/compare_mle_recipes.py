"""Judge one MLE recipe's curves against another's, seed by seed.

The sweep scripts save the maximum-likelihood starting point of every run;
``--mle-recipe fixed`` trains it as the published scripts did (every text, a
fixed number of epochs), the default with early stopping on held-out text.
This script reads two results files of the same benchmark and applies the
benchmark's own verdict to the MLE curve of each seed found in both: at equal
coverage (oracle: NLL_test) or diversity (COCO: Self-BLEU-4), is the second
recipe's quality better than the first's?

    python benchmarks/compare_mle_recipes.py coco results/coco.json results/coco_fixed.json

Prints a table and writes ``results/mle_recipes_<benchmark>.json``.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from _common import save
from _sweep import verdict

# x (held equal), y (quality) and whether a higher y is better, as in each script's verdict.
AXES = {
    "oracle": dict(x="nll_test", y="nll_oracle", higher_is_better=False),
    "coco": dict(x="self_bleu_4", y="bleu_4", higher_is_better=True),
}


def mle_curves(path: Path) -> dict[int, dict]:
    """The first MLE record of each seed in a results file."""
    curves: dict[int, dict] = {}
    for record in json.loads(Path(path).read_text())["runs"]:
        if record["model"] == "mle":
            curves.setdefault(record["seed"], record)
    return curves


def compare(benchmark: str, reference: Path, candidate: Path) -> list[dict]:
    """One row per seed present in both files: the candidate's verdict and its point at T = 1."""
    axes = AXES[benchmark]
    first, second = mle_curves(reference), mle_curves(candidate)
    rows = []
    for seed in sorted(first.keys() & second.keys()):
        at_one = next(p for p in second[seed]["curve"] if p["temperature"] == 1.0)
        rows.append(
            {
                "seed": seed,
                "reference_epochs": first[seed]["epochs"],
                "candidate_epochs": second[seed]["epochs"],
                "candidate_at_t1": {axes["x"]: at_one[axes["x"]], axes["y"]: at_one[axes["y"]]},
                **verdict(second[seed]["curve"], first[seed]["curve"], **axes),
            }
        )
    return rows


def main(argv: list[str] | None = None) -> Path:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("benchmark", choices=sorted(AXES))
    parser.add_argument("reference", type=Path, help="results file of the yardstick curves")
    parser.add_argument("candidate", type=Path, help="results file of the judged curves")
    parser.add_argument("--results-dir", default=None, help="default: benchmarks/results")
    args = parser.parse_args(argv)

    rows = compare(args.benchmark, args.reference, args.candidate)
    if not rows:
        raise SystemExit("the two files have no seed in common")
    axes = AXES[args.benchmark]
    gap = f"mean_{axes['y']}_gap"
    print(f"{'seed':>4}{'epochs':>10}{axes['x']:>14}{axes['y']:>12}{'better points':>15}{'gap':>9}")
    for row in rows:
        point = row["candidate_at_t1"]
        epochs = f"{row['reference_epochs']}/{row['candidate_epochs']}"
        better = f"{row['points_better_than_mle']}/{row['comparable_points']}"
        shown = "" if row[gap] is None else f"{row[gap]:+.3f}"
        print(
            f"{row['seed']:>4}{epochs:>10}{point[axes['x']]:>14.3f}{point[axes['y']]:>12.3f}"
            f"{better:>15}{shown:>9}"
        )
    path = save(
        f"mle_recipes_{args.benchmark}",
        {
            "protocol": __doc__,
            "reference": args.reference.name,
            "candidate": args.candidate.name,
            "rows": rows,
        },
        args.results_dir,
    )
    print(f"saved {path}")
    return path


if __name__ == "__main__":
    main()
