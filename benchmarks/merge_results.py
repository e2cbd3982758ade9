"""Merge the runs of one sweep's results file into another's, with the summary computed again.

A full sweep rarely fits one sitting on a CPU: seeds and algorithms are run by
separate invocations (``--seeds 1 2``, ``--algorithms dense``, a long RelGAN
run resumed with ``--resume-dir``), each writing its own results file. This
script adds the runs of each source file to the target file, after checking
that they were made with the same benchmark settings (MLE recipe, pretraining
epochs, temperatures, sample counts, and the settings of every algorithm with
runs in both files), and recomputes the summary table with the benchmark's own code. A run
(algorithm, seed, model, generator) already in the target is refused unless
``--replace`` is given. ``--note`` is required and appended to the target's
note: it says how the added runs were made, which the numbers alone do not.

    python benchmarks/merge_results.py oracle results/oracle_fixed.json NEW/oracle_fixed.json \
        --note "RelGAN, seed 0, from ... (two threads, two cores to itself)"

Writes the merged target in place (or ``--output``), keeping its environment.
"""

from __future__ import annotations

import argparse
import importlib
import json
from pathlib import Path

from _common import save

BENCHMARK_MODULES = {"oracle": "bench_oracle", "coco": "bench_coco"}

# Options that may differ between invocations whose runs are comparable: what
# was run, where, and with how much time or how many rounds (each record keeps
# its own epochs).
MAY_DIFFER = {
    "seeds",
    "algorithms",
    "device",
    "jobs",
    "threads",
    "run_seconds",
    "adversarial_epochs",
}
# Options added to the scripts after some results were saved: their value then.
DEFAULTS = {
    "mle_recipe": "early-stopping",
    "generator": None,
    "adversarial_learning_rate": None,
}


def run_key(record: dict) -> tuple:
    return (record["algorithm"], record["seed"], record["model"], record["generator"])


def option(settings: dict, key: str):
    return settings.get(key, DEFAULTS.get(key, "absent"))


def settings_differences(target: dict, source: dict, algorithms: set[str]) -> list[str]:
    """What in ``source``'s settings makes its runs incomparable with ``target``'s.

    ``algorithms`` are those with runs in both files: only their own settings
    must agree (a results file lists the settings of every algorithm, run or not).
    """
    differences = []
    for key in sorted((target.keys() | source.keys()) - MAY_DIFFER - {"algorithms"}):
        ours, theirs = option(target, key), option(source, key)
        if ours != theirs:
            differences.append(f"{key}: {ours!r} in the target, {theirs!r} in the source")
    for algorithm in sorted(algorithms):
        ours, theirs = target["algorithms"][algorithm], source["algorithms"].get(algorithm)
        if ours != theirs:
            differences.append(
                f"the settings of {algorithm}: {ours!r} in the target, {theirs!r} in the source"
            )
    return differences


def merge(benchmark: str, target: dict, sources: list[dict], note: str, replace: bool) -> dict:
    """The target payload with every source's runs added and its summary computed again."""
    module = importlib.import_module(BENCHMARK_MODULES[benchmark])
    runs = list(target["runs"])
    settings = json.loads(json.dumps(target["settings"]))
    for number, source in enumerate(sources, start=1):
        algorithms = {record["algorithm"] for record in source["runs"]}
        shared = algorithms & {record["algorithm"] for record in runs}
        differences = settings_differences(settings, source["settings"], shared)
        if differences:
            raise SystemExit(
                f"source {number} was run with other settings than the target; its runs are "
                "not comparable:\n  " + "\n  ".join(differences)
            )
        added = {run_key(record) for record in source["runs"]}
        present = sorted(added & {run_key(record) for record in runs})
        if present and not replace:
            raise SystemExit(
                f"source {number} has runs the target already holds (algorithm, seed, model, "
                f"generator): {present}; pass --replace to take the source's"
            )
        runs = [record for record in runs if run_key(record) not in added] + source["runs"]
        for algorithm in algorithms:
            settings.setdefault("algorithms", {})[algorithm] = source["settings"]["algorithms"][
                algorithm
            ]
    settings["seeds"] = sorted({record["seed"] for record in runs})
    return {
        **target,
        "settings": settings,
        "complete": all(payload["complete"] for payload in [target, *sources]),
        # The runs were made at different times, often sharing the machine: no single wall time.
        "wall_seconds": None,
        "summary": module.summary(runs),
        "runs": runs,
        "note": f"{target.get('note', '')} {note}".strip(),
    }


def main(argv: list[str] | None = None) -> Path:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("benchmark", choices=sorted(BENCHMARK_MODULES))
    parser.add_argument("target", type=Path, help="results file the runs are added to")
    parser.add_argument("sources", type=Path, nargs="+", help="results files whose runs are added")
    parser.add_argument("--note", required=True, help="how the added runs were made")
    parser.add_argument(
        "--replace", action="store_true", help="a run already in the target takes the source's"
    )
    parser.add_argument("--output", type=Path, default=None, help="default: the target, in place")
    args = parser.parse_args(argv)

    target = json.loads(args.target.read_text())
    sources = [json.loads(path.read_text()) for path in args.sources]
    merged = merge(args.benchmark, target, sources, args.note, args.replace)
    output = args.output or args.target
    path = save(output.stem, merged, output.parent)
    module = importlib.import_module(BENCHMARK_MODULES[args.benchmark])
    if args.benchmark == "coco":
        module.print_table(merged["summary"], merged["real_captions"])
    else:
        module.print_table(merged["summary"])
    print(f"saved {path}")
    return path


if __name__ == "__main__":
    main()
