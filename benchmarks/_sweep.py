"""What the temperature-sweep benchmarks share (``bench_oracle.py``, ``bench_coco.py``).

The protocol: for each (seed, algorithm), train a maximum-likelihood model,
continue a copy of it adversarially, and score both at every temperature of
the sweep; then judge each GAN against its own starting point's curve. The
scripts only say what data is used and how a model is scored.
"""

from __future__ import annotations

import argparse
import concurrent.futures
import copy
import json
import multiprocessing
import statistics
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np
import torch
from _common import write_json

from sklearn_textgan import TextGAN

TEMPERATURES = (0.6, 0.7, 0.8, 0.9, 1.0, 1.1, 1.25)

# Adversarial epochs between two checkpoints of a run that keeps its progress
# (--resume-dir): a RelGAN checkpoint is about 100 MB, and ten RelGAN epochs
# take minutes on a CPU.
RESUME_CHECKPOINT_EVERY = 10

# The generator of the SeqGAN and Texygen papers (LSTM, embedding and hidden
# 32) for every algorithm but RelGAN, which brings its relational memory (1
# slot, 2 heads of 256) and its 64-representation CNN discriminator.
LSTM_GENERATOR = dict(generator="lstm", embedding_dim=32, hidden_dim=32)
RMC_GENERATOR = dict(generator="rmc", embedding_dim=32, hidden_dim=512, num_heads=2, mem_slots=1)
# What --generator can swap in for every algorithm's own generator.
GENERATORS = {"lstm": LSTM_GENERATOR, "rmc": RMC_GENERATOR}

# A smoke run keeps every code path but shrinks the networks to toys.
QUICK_GENERATOR = dict(embedding_dim=8, hidden_dim=16)
QUICK_ADVERSARIAL = dict(
    num_filters=8, discriminator_embedding_dim=8, num_representations=2, n_rollouts=2, d_steps=1
)


# How the maximum-likelihood starting point is trained. "fixed" is what the
# published scripts did: no held-out data, a fixed number of epochs, so the
# model ends wherever the epoch count leaves it (often past its best NLL_test).
MLE_RECIPES = {
    "early-stopping": dict(validation_fraction=0.1, n_iter_no_change=5),
    "fixed": dict(validation_fraction=0.0, n_iter_no_change=None),
}


def algorithm_settings(relgan_epochs: int, relgan_temperature: float = 100.0) -> dict:
    """Generator, adversarial parameters and rounds of each algorithm.

    RelGAN's rounds and largest Gumbel-softmax inverse temperature differ
    between its published experiments (oracle: 3,000 steps at 1; Image COCO:
    2,000 at up to 100); its discriminator drops a quarter of its features and
    is not pretrained, as in the published code.
    """
    return {
        "mle": dict(**LSTM_GENERATOR),
        "seqgan": dict(
            **LSTM_GENERATOR,
            adversarial=dict(n_rollouts=16, d_steps=5, adversarial_learning_rate=1e-3),
            epochs=200,
        ),
        "maligan": dict(
            **LSTM_GENERATOR,
            adversarial=dict(d_steps=5, adversarial_learning_rate=1e-4),
            epochs=200,
        ),
        "dense": dict(
            **LSTM_GENERATOR,
            adversarial=dict(d_steps=5, adversarial_learning_rate=1e-4, discriminator="lstm"),
            epochs=500,
        ),
        "relgan": dict(
            **RMC_GENERATOR,
            adversarial=dict(
                d_steps=5,
                adversarial_learning_rate=1e-4,
                gumbel_temperature=relgan_temperature,
                temperature_schedule="exp",
                loss="rsgan",
                discriminator_embedding_dim=64,
                num_representations=64,
                discriminator_dropout=0.25,
                discriminator_pretrain_epochs=0,
            ),
            epochs=relgan_epochs,
        ),
    }


def add_arguments(parser: argparse.ArgumentParser, settings: dict, pretrain_epochs: int) -> None:
    """The command-line options every sweep script takes."""
    parser.add_argument("--algorithms", nargs="+", default=list(settings), choices=list(settings))
    parser.add_argument("--seeds", nargs="+", type=int, default=[0, 1, 2])
    parser.add_argument("--pretrain-epochs", type=int, default=pretrain_epochs)
    parser.add_argument(
        "--mle-recipe",
        choices=list(MLE_RECIPES),
        default="early-stopping",
        help="early-stopping: 10%% held out, the best epoch kept; fixed: every text trained on "
        "for exactly --pretrain-epochs epochs (the SeqGAN and Texygen scripts' recipe)",
    )
    parser.add_argument(
        "--adversarial-epochs", type=int, default=None, help="overrides every algorithm's"
    )
    parser.add_argument(
        "--adversarial-learning-rate",
        type=float,
        default=None,
        help="overrides every algorithm's generator learning rate in adversarial training",
    )
    parser.add_argument(
        "--generator",
        choices=list(GENERATORS),
        default=None,
        help="overrides every algorithm's generator (lstm: embedding and hidden 32; rmc: 1 slot, "
        "2 heads of 256); the results file's name says so",
    )
    parser.add_argument("--device", default="cpu")
    parser.add_argument("--jobs", type=int, default=1)
    parser.add_argument(
        "--threads",
        type=int,
        default=1,
        help="torch threads of each run (default 1: several runs, or scripts, share the cores)",
    )
    parser.add_argument("--data-home", default=None)
    parser.add_argument("--quick", action="store_true", help="tiny budgets: a smoke run")
    parser.add_argument("--results-dir", default=None, help="default: benchmarks/results")
    parser.add_argument(
        "--run-seconds",
        type=float,
        default=None,
        help="wall-clock budget of one (seed, algorithm) run: fewer adversarial epochs if needed",
    )
    parser.add_argument(
        "--resume-dir",
        default=None,
        help="keep each run's progress here (trained MLE start, adversarial checkpoints, "
        "finished records); the same command run again continues where it stopped",
    )


def results_name(benchmark: str, args: argparse.Namespace) -> str:
    """The results file's name: a smoke run, each non-default MLE recipe, a generator override
    and a learning rate override keep their own (a rerun never overwrites another's file)."""
    if args.quick:
        return f"{benchmark}_quick"
    name = benchmark
    if args.mle_recipe != "early-stopping":
        name = f"{name}_{args.mle_recipe}"
    if getattr(args, "generator", None) is not None:
        name = f"{name}_{args.generator}"
    if getattr(args, "adversarial_learning_rate", None) is not None:
        name = f"{name}_lr{args.adversarial_learning_rate:g}"
    return name


class Budget:
    """Epochs and sizes: the real benchmark, or a seconds-long smoke run (``quick``).

    The scripts add their own data and sample counts as attributes.
    """

    def __init__(
        self,
        settings: dict,
        quick: bool,
        pretrain_epochs: int,
        adversarial_epochs: int | None,
        run_seconds: float | None = None,
        mle_recipe: str = "early-stopping",
        adversarial_learning_rate: float | None = None,
        generator: str | None = None,
        resume_dir: str | None = None,
        threads: int = 1,
    ) -> None:
        self.settings = settings
        self.resume_dir = resume_dir
        self.threads = threads
        self.generator_override = generator
        self.mle_recipe = mle_recipe
        self.adversarial_learning_rate = adversarial_learning_rate
        self.quick = quick
        self.run_seconds = run_seconds
        self.pretrain_epochs = 1 if quick else pretrain_epochs
        self.adversarial_epochs = 2 if quick else adversarial_epochs
        self.discriminator_pretrain_epochs = 1 if quick else 3
        self.n_train = 300 if quick else None

    @classmethod
    def from_arguments(cls, settings: dict, args: argparse.Namespace) -> Budget:
        """The budget that the options of :func:`add_arguments` ask for."""
        return cls(
            settings,
            args.quick,
            args.pretrain_epochs,
            args.adversarial_epochs,
            args.run_seconds,
            args.mle_recipe,
            args.adversarial_learning_rate,
            args.generator,
            getattr(args, "resume_dir", None),
            getattr(args, "threads", 1),
        )

    def epochs(self, algorithm: str) -> int:
        return self.adversarial_epochs or self.settings[algorithm]["epochs"]

    def run_folder(self, algorithm: str, seed: int) -> Path | None:
        """Where the (algorithm, seed) run keeps its progress; None without ``resume_dir``."""
        if self.resume_dir is None:
            return None
        return Path(self.resume_dir) / f"{algorithm}-seed{seed}"

    def affordable_epochs(self, algorithm: str, gan: TextGAN, train, seconds_left: float) -> dict:
        """The adversarial epochs that fit in ``seconds_left``, timed on a throw-away copy.

        Without a time budget, the algorithm's epochs. With one, three
        adversarial epochs of a copy give the seconds per epoch; the
        discriminator's pretraining (one discriminator update per batch,
        about 1 / (d_steps + 1) of an epoch's work each) is set aside first.
        """
        planned = self.epochs(algorithm)
        if self.run_seconds is None:
            return {"epochs": planned}
        probe = copy.deepcopy(gan).set_params(discriminator_pretrain_epochs=0, adversarial_epochs=3)
        probe.fit(train)
        per_epoch = statistics.median(r["seconds"] for r in probe.history_[-2:])
        n_fitted = int((1 - gan.validation_fraction) * len(train))
        batches = -(-n_fitted // gan.batch_size)
        pretraining = gan.discriminator_pretrain_epochs * batches * per_epoch / (gan.d_steps + 1)
        affordable = int((seconds_left - pretraining) / per_epoch)
        return {
            "epochs": max(1, min(planned, affordable)),
            "planned_epochs": planned,
            "probe_seconds_per_epoch": per_epoch,
        }

    def generator(self, algorithm: str) -> dict:
        """The generator's parameters of ``algorithm`` (toy sizes in a smoke run)."""
        if self.generator_override is not None:
            params = dict(GENERATORS[self.generator_override])
        else:
            params = {
                k: v
                for k, v in self.settings[algorithm].items()
                if k not in ("adversarial", "epochs")
            }
        return {**params, **QUICK_GENERATOR} if self.quick else params

    def adversarial(self, algorithm: str) -> dict:
        """The adversarial parameters of ``algorithm`` (toy sizes in a smoke run)."""
        params = dict(self.settings[algorithm]["adversarial"])
        if self.adversarial_learning_rate is not None:
            params["adversarial_learning_rate"] = self.adversarial_learning_rate
        return {**params, **QUICK_ADVERSARIAL} if self.quick else params


class RunProgress:
    """What one (algorithm, seed) run has finished, kept in ``folder`` so that it can resume.

    The same command run again after it was stopped (killed, or the machine
    gone) picks each run up where it was: a finished run's records are read
    back, a trained MLE starting point is loaded instead of trained again, and
    an adversarial fit continues from its last checkpoint (bit-identical on
    the CPU to a run never stopped). ``settings`` must match those the folder
    was started with. Without a folder nothing is kept.
    """

    def __init__(self, folder: str | Path | None, settings: dict) -> None:
        self.folder = None if folder is None else Path(folder)
        if self.folder is None:
            return
        self.folder.mkdir(parents=True, exist_ok=True)
        settings = json.loads(json.dumps(settings, default=repr))
        kept = self.load("settings")
        if kept is not None and kept != settings:
            raise SystemExit(
                f"{self.folder} holds a run with other settings; pass another --resume-dir.\n"
                f"kept: {kept}\nnow:  {settings}"
            )
        self.store("settings", settings)

    def path(self, name: str) -> Path | None:
        return None if self.folder is None else self.folder / name

    def load(self, name: str):
        """The JSON value stored as ``name``, or None."""
        path = self.path(f"{name}.json")
        return None if path is None or not path.exists() else json.loads(path.read_text())

    def store(self, name: str, value) -> None:
        if self.folder is None:
            return
        write_json(self.folder / f"{name}.json", value, indent=1)


def training_seconds(history: list[dict]) -> float:
    """Seconds of the epochs in ``history``: the training time, however many sittings it took."""
    return float(sum(record["seconds"] for record in history))


def train_and_score(
    algorithm: str,
    seed: int,
    budget: Budget,
    device: str,
    train,
    score: Callable[[TextGAN], list[dict]],
    **mle_params,
) -> list[dict]:
    """Train the MLE starting point (and the GAN from a copy of it); the curve of each.

    ``score(model)`` returns the model's curve, one record per temperature;
    ``mle_params`` are extra TextGAN parameters (tokenizer, max_length).
    With ``budget.resume_dir``, the run keeps its progress there
    (:class:`RunProgress`).
    """
    torch.set_num_threads(budget.threads)
    run_started = time.perf_counter()
    architecture = budget.generator(algorithm)
    progress = RunProgress(
        budget.run_folder(algorithm, seed),
        {
            "algorithm": algorithm,
            "seed": seed,
            "architecture": architecture,
            "mle_params": mle_params,
            "pretrain_epochs": budget.pretrain_epochs,
            "mle_recipe": budget.mle_recipe,
            "adversarial": budget.adversarial(algorithm) if algorithm != "mle" else None,
            "epochs": budget.epochs(algorithm) if algorithm != "mle" else None,
            "run_seconds": budget.run_seconds,
            "n_train": budget.n_train,
            "device": device,
        },
    )
    finished = progress.load("records")
    if finished is not None:
        return finished
    base = {"algorithm": algorithm, "seed": seed, "generator": architecture["generator"]}
    start = progress.load("mle")
    if start is not None:
        mle = TextGAN.load(progress.path("mle.textgan"), device=device)
    else:
        mle = TextGAN(
            algorithm="mle",
            **architecture,
            **mle_params,
            batch_size=64,
            pretrain_epochs=budget.pretrain_epochs,
            learning_rate=0.01,
            **MLE_RECIPES[budget.mle_recipe],
            random_state=seed,
            device=device,
            warm_start=True,
            checkpoint_dir=progress.path("mle-checkpoints"),
        ).fit(train)
        started = time.perf_counter()
        mle_curve = score(mle)
        start = {
            **base,
            "model": "mle",
            "epochs": len(mle.history_),
            "mle_recipe": budget.mle_recipe,
            "validation_fraction": mle.validation_fraction,
            "n_iter_no_change": mle.n_iter_no_change,
            "seconds": training_seconds(mle.history_),
            "evaluation_seconds": time.perf_counter() - started,
            "curve": mle_curve,
        }
        if progress.folder is not None:
            mle.save(progress.path("mle.textgan"))
            progress.store("mle", start)
    records = [start]
    if algorithm == "mle":
        progress.store("records", records)
        return records
    gan = copy.deepcopy(mle)
    gan.set_params(
        **{
            "algorithm": algorithm,
            "pretrain_epochs": 0,
            "discriminator_pretrain_epochs": budget.discriminator_pretrain_epochs,
            "adversarial_epochs": budget.epochs(algorithm),
            "discriminator_learning_rate": 1e-4,
            # An algorithm's own settings come last (RelGAN pretrains no discriminator).
            **budget.adversarial(algorithm),
        }
    )
    schedule = progress.load("schedule")
    if schedule is None:
        # The GAN's own evaluation will take about as long as the MLE model's did.
        seconds_left = (budget.run_seconds or 0) - (time.perf_counter() - run_started)
        seconds_left -= start["evaluation_seconds"]
        schedule = budget.affordable_epochs(algorithm, gan, train, seconds_left)
        progress.store("schedule", schedule)
    gan.set_params(
        adversarial_epochs=schedule["epochs"],
        checkpoint_dir=progress.path("gan-checkpoints"),
        checkpoint_every=RESUME_CHECKPOINT_EVERY,
    )
    gan.fit(train)
    started = time.perf_counter()
    gan_curve = score(gan)
    records.append(
        {
            **base,
            "model": algorithm,
            "adversarial_learning_rate": gan.adversarial_learning_rate,
            **schedule,
            "seconds": training_seconds(gan.history_[len(mle.history_) :]),
            "evaluation_seconds": time.perf_counter() - started,
            "curve": gan_curve,
        }
    )
    progress.store("records", records)
    return records


def verdict(
    gan_curve: list[dict], mle_curve: list[dict], *, x: str, y: str, higher_is_better: bool
) -> dict:
    """How the GAN's points compare with the MLE curve at equal ``x``.

    A gap is the GAN's ``y`` minus the MLE curve's, linearly interpolated at
    the GAN point's ``x``; a point is better when its gap has the good sign.
    Points outside the MLE curve's ``x`` range are not compared:
    extrapolating a curve says nothing.
    """
    ordered = sorted(mle_curve, key=lambda p: p[x])
    xs = [p[x] for p in ordered]
    ys = [p[y] for p in ordered]
    gaps = [p[y] - float(np.interp(p[x], xs, ys)) for p in gan_curve if xs[0] <= p[x] <= xs[-1]]
    sign = 1.0 if higher_is_better else -1.0
    return {
        "comparable_points": len(gaps),
        "points_better_than_mle": sum(sign * gap > 0 for gap in gaps),
        f"mean_{y}_gap": statistics.fmean(gaps) if gaps else None,
    }


def summarize(
    records: list[dict], metrics: list[str], judge: Callable[[list[dict], list[dict]], dict]
) -> list[dict]:
    """One row per model and generator: mean and spread over seeds at temperature 1, verdict.

    Every run trains its own maximum-likelihood starting point; the MLE row of
    a generator takes one per seed, and with several seeds the largest gap
    between two of their curves (:func:`seed_to_seed`). ``judge(gan_curve,
    mle_curve)`` is the script's :func:`verdict`.
    """
    rows = []
    starts = {(r["algorithm"], r["seed"]): r for r in records if r["model"] == "mle"}
    groups: dict[tuple[str, str], dict[int, dict]] = {}
    for record in records:
        groups.setdefault((record["model"], record["generator"]), {}).setdefault(
            record["seed"], record
        )
    for (model, generator), by_seed in groups.items():
        runs = list(by_seed.values())
        at_one = [next(p for p in r["curve"] if p["temperature"] == 1.0) for r in runs]
        row = {"model": model, "generator": generator, "seeds": len(runs)}
        for key in metrics:
            values = [p[key] for p in at_one]
            row[key] = statistics.fmean(values)
            row[f"{key}_std"] = statistics.pstdev(values)
        row["seconds"] = statistics.fmean(r["seconds"] for r in runs)
        if model == "mle" and len(runs) > 1:
            row.update(seed_to_seed(runs, judge))
        if model != "mle":
            verdicts = [
                judge(r["curve"], starts[(r["algorithm"], r["seed"])]["curve"]) for r in runs
            ]
            row["points_better_than_mle"] = sum(v["points_better_than_mle"] for v in verdicts)
            row["comparable_points"] = sum(v["comparable_points"] for v in verdicts)
            gap_key = gap_name(verdicts[0])
            gaps = [v[gap_key] for v in verdicts if v[gap_key] is not None]
            row[gap_key] = statistics.fmean(gaps) if gaps else None
        rows.append(row)
    return rows


def gap_name(verdict: dict) -> str:
    """The key of a verdict's mean gap (``mean_nll_oracle_gap``, ``mean_bleu_4_gap``)."""
    (key,) = (key for key in verdict if key.endswith("_gap"))
    return key


def seed_to_seed(runs: list[dict], judge: Callable[[list[dict], list[dict]], dict]) -> dict:
    """How far apart the MLE models of different seeds lie, by the verdict a GAN gets.

    Each seed's curve is judged against every other seed's; the largest mean
    gap in absolute value is the yardstick for a GAN's gap over its own start:
    a GAN that moves its model less than this moves it less than a new seed does.
    """
    gaps = []
    for run in runs:
        for other in runs:
            if other is not run:
                verdict = judge(run["curve"], other["curve"])
                gap = verdict[gap_name(verdict)]
                if gap is not None:
                    gaps.append(abs(gap))
    return {"largest_seed_to_seed_gap": max(gaps) if gaps else None}


def print_seed_to_seed(rows: list[dict]) -> None:
    """The yardstick of :func:`seed_to_seed` under a results table, one line per generator."""
    for row in rows:
        if row.get("largest_seed_to_seed_gap") is not None:
            print(
                f"largest gap between two {row['generator']} MLE seeds' curves: "
                f"{row['largest_seed_to_seed_gap']:.3f} (a GAN's gap smaller than this is within "
                "the spread between seeds)"
            )


def run_all(one_run: Callable, runs: list[tuple], jobs: int, on_result: Callable) -> list[dict]:
    """Every run's records; ``on_result(records)`` after each run (to save what finished)."""
    records: list[dict] = []
    if jobs > 1:
        # "spawn": CUDA cannot be used in a forked child.
        context = multiprocessing.get_context("spawn")
        with concurrent.futures.ProcessPoolExecutor(jobs, mp_context=context) as pool:
            futures = [pool.submit(one_run, *run) for run in runs]
            for future in concurrent.futures.as_completed(futures):
                records.extend(future.result())
                on_result(records)
    else:
        for run in runs:
            records.extend(one_run(*run))
            on_result(records)
    return records
