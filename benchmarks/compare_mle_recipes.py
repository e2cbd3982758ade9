"""Judge one MLE recipe's curves (or the GANs grown from them) against another's, seed by seed.

The sweep scripts save the maximum-likelihood starting point of every run;
``--mle-recipe fixed`` trains it as the published scripts did (every text, a
fixed number of epochs), the default with early stopping on held-out text.
This script reads two results files of the same benchmark and applies the
benchmark's own verdict to the curve of each seed found in both: at equal
coverage (oracle: NLL_test) or diversity (COCO: Self-BLEU-4), is the second
file's model (its MLE model, or with ``--model`` a GAN) better than the first
file's MLE model? The verdict compares only points inside the reference
curve's range; a point outside it may still be dominated: some reference
point is at least as good on both axes (``dominated_points``).

    python benchmarks/compare_mle_recipes.py coco results/coco.json results/coco_fixed.json
    python benchmarks/compare_mle_recipes.py oracle results/oracle.json results/oracle_fixed.json \
        --model seqgan

Prints a table and writes ``results/mle_recipes_<benchmark>[_<model>].json`` (``--name`` chooses
another name, so that judging a second run of the same model keeps the first file).
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


def curves(path: Path, model: str = "mle", generator: str | None = None) -> dict[int, dict]:
    """The first record of ``model`` (of ``generator``, if given) for each seed in a results file.

    Every GAN run of a sweep keeps its MLE start, so one seed's MLE model may be
    recorded once per algorithm: the first stands for all. But a file may also
    hold MLE models of several generators (an LSTM and a relational memory
    start of the same seed): taking either silently would judge the wrong
    curve, so such a seed is refused unless ``generator`` says which.
    """
    found: dict[int, dict] = {}
    for record in json.loads(Path(path).read_text())["runs"]:
        if record["model"] != model:
            continue
        if generator is not None and record.get("generator") != generator:
            continue
        seed = record["seed"]
        if seed in found and found[seed].get("generator") != record.get("generator"):
            both = sorted(str(r.get("generator")) for r in (found[seed], record))
            raise SystemExit(
                f"{Path(path).name} has {model} runs of seed {seed} with generators "
                f"{' and '.join(both)}: say which with --generator / --reference-generator"
            )
        found.setdefault(seed, record)
    return found


def dominated_points(candidate: list[dict], reference: list[dict], axes: dict) -> int:
    """Candidate points for which a reference point is at least as good on both axes."""
    sign = 1.0 if axes["higher_is_better"] else -1.0

    def covers(r: dict, c: dict) -> bool:
        # x is coverage or diversity, where lower is better in both benchmarks.
        return r[axes["x"]] <= c[axes["x"]] and sign * (r[axes["y"]] - c[axes["y"]]) >= 0

    return sum(any(covers(r, c) for r in reference) for c in candidate)


def compare(
    benchmark: str,
    reference: Path,
    candidate: Path,
    model: str = "mle",
    generator: str | None = None,
    reference_generator: str | None = None,
) -> list[dict]:
    """One row per seed present in both files: the candidate's verdict and its point at T = 1."""
    axes = AXES[benchmark]
    first = curves(reference, generator=reference_generator)
    second = curves(candidate, model, generator)
    rows = []
    for seed in sorted(first.keys() & second.keys()):
        at_one = next(p for p in second[seed]["curve"] if p["temperature"] == 1.0)
        rows.append(
            {
                "seed": seed,
                "model": model,
                "reference_epochs": first[seed]["epochs"],
                "candidate_epochs": second[seed]["epochs"],
                "candidate_at_t1": {axes["x"]: at_one[axes["x"]], axes["y"]: at_one[axes["y"]]},
                **verdict(second[seed]["curve"], first[seed]["curve"], **axes),
                "dominated_points": dominated_points(
                    second[seed]["curve"], first[seed]["curve"], axes
                ),
            }
        )
    return rows


def main(argv: list[str] | None = None) -> Path:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("benchmark", choices=sorted(AXES))
    parser.add_argument("reference", type=Path, help="results file of the yardstick curves")
    parser.add_argument("candidate", type=Path, help="results file of the judged curves")
    parser.add_argument("--model", default="mle", help="the candidate file's model to judge")
    parser.add_argument(
        "--generator", default=None, help="the candidate's generator, where its file has several"
    )
    parser.add_argument(
        "--reference-generator",
        default=None,
        help="the reference MLE model's generator, where its file has several",
    )
    parser.add_argument("--results-dir", default=None, help="default: benchmarks/results")
    parser.add_argument(
        "--name", default=None, help="results file name; default mle_recipes_<benchmark>[_<model>]"
    )
    args = parser.parse_args(argv)

    rows = compare(
        args.benchmark,
        args.reference,
        args.candidate,
        args.model,
        args.generator,
        args.reference_generator,
    )
    if not rows:
        raise SystemExit("the two files have no seed in common")
    axes = AXES[args.benchmark]
    gap = f"mean_{axes['y']}_gap"
    print(
        f"{'seed':>4}{'epochs':>10}{axes['x']:>14}{axes['y']:>12}{'better points':>15}"
        f"{'gap':>9}{'dominated':>11}"
    )
    for row in rows:
        point = row["candidate_at_t1"]
        epochs = f"{row['reference_epochs']}/{row['candidate_epochs']}"
        better = f"{row['points_better_than_mle']}/{row['comparable_points']}"
        shown = "" if row[gap] is None else f"{row[gap]:+.3f}"
        print(
            f"{row['seed']:>4}{epochs:>10}{point[axes['x']]:>14.3f}{point[axes['y']]:>12.3f}"
            f"{better:>15}{shown:>9}{row['dominated_points']:>11}"
        )
    suffix = "" if args.model == "mle" else f"_{args.model}"
    path = save(
        args.name or f"mle_recipes_{args.benchmark}{suffix}",
        {
            "protocol": __doc__,
            "reference": args.reference.name,
            "candidate": args.candidate.name,
            "model": args.model,
            "generator": args.generator,
            "reference_generator": args.reference_generator,
            "rows": rows,
        },
        args.results_dir,
    )
    print(f"saved {path}")
    return path


if __name__ == "__main__":
    main()
