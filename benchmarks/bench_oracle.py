"""Every algorithm on the SeqGAN oracle, judged against maximum likelihood over a temperature sweep.

The synthetic benchmark of SeqGAN, LeakGAN and RelGAN: a fixed random LSTM
(the oracle, vocabulary 5000) wrote the 9,984 training sequences of length 20.
For each seed and algorithm, one run

1. trains a generator by maximum likelihood (Adam, learning rate 0.01, 10 %
   of the training data held out for early stopping),
2. for a GAN, continues that same model adversarially with the algorithm's
   published setting (below),
3. scores the maximum-likelihood starting point and the GAN at every
   sampling temperature of the sweep:

   - NLL_oracle: mean NLL per token of 5,000 generated sequences
     under the oracle (quality; lower is better; 5.76 is the oracle's own
     training data, about 11.4 uniform tokens),
   - NLL_test: mean NLL per token, under the model at that temperature, of
     2,000 fresh sequences drawn from the oracle, never seen in training
     (coverage; lower is better; the end token's cost is in the numerator, 20
     tokens per sequence in the denominator).

The verdict compares each GAN with its own starting point tuned by
temperature: where the GAN's NLL_test lies inside the MLE curve's range, the
MLE curve's NLL_oracle is interpolated at that NLL_test; the GAN wins a point
when it has the lower NLL_oracle at equal coverage. Lowering the temperature
alone trades coverage for quality, so a single point at temperature 1 proves
nothing either way.

    python benchmarks/bench_oracle.py [--seeds 0 1 2] [--algorithms mle seqgan ...]
                                      [--device cuda] [--jobs 6] [--quick]

``--jobs`` runs several (seed, algorithm) runs at once in separate processes
(useful on a GPU, where each small run leaves the device mostly idle).
Needs the benchmark data (``--data-home``, ``SKLEARN_TEXTGAN_DATA`` or the
data folder beside the repository); writes ``benchmarks/results/oracle.json``
(``oracle_quick.json`` with ``--quick``, a seconds-long smoke run).
"""

from __future__ import annotations

import argparse
import concurrent.futures
import copy
import multiprocessing
import statistics
import sys
import time
from pathlib import Path

import numpy as np
import torch
from _common import default_data_home, model_ids_to_oracle_ids, oracle_ids_to_model_ids, save

from sklearn_textgan import TextGAN
from sklearn_textgan._tokenizer import BOS_ID
from sklearn_textgan.datasets import load_seqgan_data, load_seqgan_oracle
from sklearn_textgan.models import shift_right

LENGTH = 20
TEMPERATURES = (0.6, 0.7, 0.8, 0.9, 1.0, 1.1, 1.25)

# The generator of the SeqGAN paper (LSTM, embedding and hidden 32) for every
# algorithm but RelGAN, which brings its relational memory (1 slot, 2 heads of
# 256) and its 64-representation CNN discriminator, as in its paper.
LSTM_GENERATOR = dict(generator="lstm", embedding_dim=32, hidden_dim=32)
RMC_GENERATOR = dict(generator="rmc", embedding_dim=32, hidden_dim=512, num_heads=2, mem_slots=1)
SETTINGS = {
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
            gumbel_temperature=100.0,
            temperature_schedule="exp",
            loss="rsgan",
            discriminator_embedding_dim=64,
            num_representations=64,
        ),
        epochs=1000,
    ),
}
PUBLISHED_NLL_ORACLE = {  # RelGAN paper (Nie et al., 2019), Table 1, length 20
    "mle": 9.038,
    "seqgan": 8.736,
    "relgan": 6.680,
}


# A smoke run keeps every code path but shrinks the networks to toys.
QUICK_GENERATOR = dict(embedding_dim=8, hidden_dim=16)
QUICK_ADVERSARIAL = dict(
    num_filters=8, discriminator_embedding_dim=8, num_representations=2, n_rollouts=2, d_steps=1
)


class Budget:
    """Epochs and sample counts: the real benchmark, or a seconds-long smoke run."""

    def __init__(
        self,
        quick: bool,
        pretrain_epochs: int,
        adversarial_epochs: int | None,
        run_seconds: float | None = None,
    ) -> None:
        self.quick = quick
        self.run_seconds = run_seconds
        self.pretrain_epochs = 1 if quick else pretrain_epochs
        self.adversarial_epochs = 2 if quick else adversarial_epochs
        self.discriminator_pretrain_epochs = 1 if quick else 3
        self.n_train = 300 if quick else None
        self.n_samples = 100 if quick else 5000
        self.n_test = 50 if quick else 2000

    def epochs(self, algorithm: str) -> int:
        return self.adversarial_epochs or SETTINGS[algorithm]["epochs"]

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
        batches = -(-int(0.9 * len(train)) // 64)
        pretraining = self.discriminator_pretrain_epochs * batches * per_epoch / (gan.d_steps + 1)
        affordable = int((seconds_left - pretraining) / per_epoch)
        return {
            "epochs": max(1, min(planned, affordable)),
            "planned_epochs": planned,
            "probe_seconds_per_epoch": per_epoch,
        }

    def generator(self, params: dict) -> dict:
        return {**params, **QUICK_GENERATOR} if self.quick else params

    def adversarial(self, params: dict) -> dict:
        return {**params, **QUICK_ADVERSARIAL} if self.quick else params


@torch.no_grad()
def nll_test_at(gan: TextGAN, ids: np.ndarray, temperature: float) -> float:
    """Mean NLL per oracle token of ``ids`` under the model sampled at ``temperature``."""
    generator = gan.generator_.eval()
    targets = torch.as_tensor(ids, device=gan.device_)
    total = 0.0
    for chunk in targets.split(250):
        logits = generator(shift_right(chunk, BOS_ID)).float() / temperature
        picked = torch.log_softmax(logits, dim=-1).gather(-1, chunk.unsqueeze(-1))
        total -= float(picked.sum())  # no padding: every row is 20 tokens and an end token
    return total / (len(ids) * LENGTH)


def curve(gan: TextGAN, oracle, test_ids: np.ndarray, budget: Budget, seed: int) -> list[dict]:
    points = []
    for temperature in TEMPERATURES:
        samples = gan.sample(budget.n_samples, temperature=temperature, random_state=seed)
        points.append(
            {
                "temperature": temperature,
                "nll_oracle": float(oracle.nll(model_ids_to_oracle_ids(samples, LENGTH))),
                "nll_test": nll_test_at(gan, test_ids, temperature),
            }
        )
    return points


def one_run(algorithm: str, seed: int, budget: Budget, device: str, data_home: str) -> list[dict]:
    """Train the MLE starting point (and the GAN from it); its curve records."""
    torch.set_num_threads(1)  # several runs share the machine's cores
    run_started = time.perf_counter()
    oracle = load_seqgan_oracle(data_home=data_home)
    train = oracle_ids_to_model_ids(load_seqgan_data(data_home=data_home))[: budget.n_train]
    test = oracle_ids_to_model_ids(oracle.sample(budget.n_test, random_state=12345))
    setting = SETTINGS[algorithm]
    architecture = budget.generator(
        {k: v for k, v in setting.items() if k not in ("adversarial", "epochs")}
    )
    started = time.perf_counter()
    mle = TextGAN(
        algorithm="mle",
        **architecture,
        batch_size=64,
        max_length=LENGTH,
        pretrain_epochs=budget.pretrain_epochs,
        learning_rate=0.01,
        validation_fraction=0.1,
        n_iter_no_change=5,
        random_state=seed,
        device=device,
        warm_start=True,
    ).fit(train)
    base = {"algorithm": algorithm, "seed": seed, "generator": architecture["generator"]}
    seconds = time.perf_counter() - started
    started = time.perf_counter()
    mle_curve = curve(mle, oracle, test, budget, seed)
    evaluation_seconds = time.perf_counter() - started
    records = [
        {
            **base,
            "model": "mle",
            "epochs": len(mle.history_),
            "seconds": seconds,
            "curve": mle_curve,
        }
    ]
    if algorithm != "mle":
        gan = copy.deepcopy(mle)
        gan.set_params(
            algorithm=algorithm,
            pretrain_epochs=0,
            discriminator_pretrain_epochs=budget.discriminator_pretrain_epochs,
            adversarial_epochs=budget.epochs(algorithm),
            discriminator_learning_rate=1e-4,
            **budget.adversarial(setting["adversarial"]),
        )
        seconds_left = (budget.run_seconds or 0) - (time.perf_counter() - run_started)
        schedule = budget.affordable_epochs(
            algorithm, gan, train, seconds_left - evaluation_seconds
        )
        gan.set_params(adversarial_epochs=schedule["epochs"])
        started = time.perf_counter()
        gan.fit(train)
        seconds = time.perf_counter() - started
        records.append(
            {
                **base,
                "model": algorithm,
                **schedule,
                "seconds": seconds,
                "curve": curve(gan, oracle, test, budget, seed),
            }
        )
    return records


def verdict(gan_curve: list[dict], mle_curve: list[dict]) -> dict:
    """How the GAN's points compare with the MLE curve at equal NLL_test."""
    ordered = sorted(mle_curve, key=lambda p: p["nll_test"])
    xs = [p["nll_test"] for p in ordered]
    ys = [p["nll_oracle"] for p in ordered]
    gaps = [
        p["nll_oracle"] - float(np.interp(p["nll_test"], xs, ys))
        for p in gan_curve
        if xs[0] <= p["nll_test"] <= xs[-1]
    ]
    return {
        "comparable_points": len(gaps),
        "points_better_than_mle": sum(gap < 0 for gap in gaps),
        "mean_nll_oracle_gap": statistics.fmean(gaps) if gaps else None,
    }


def summarize(records: list[dict]) -> list[dict]:
    """One row per model and generator: mean and spread over seeds at temperature 1, verdict.

    Every run trains its own maximum-likelihood starting point; the MLE row of
    a generator takes one per seed.
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
        for key in ("nll_oracle", "nll_test"):
            values = [p[key] for p in at_one]
            row[key] = statistics.fmean(values)
            row[f"{key}_std"] = statistics.pstdev(values)
        row["best_nll_oracle_any_temperature"] = statistics.fmean(
            min(p["nll_oracle"] for p in r["curve"]) for r in runs
        )
        row["seconds"] = statistics.fmean(r["seconds"] for r in runs)
        if model != "mle":
            verdicts = [
                verdict(r["curve"], starts[(r["algorithm"], r["seed"])]["curve"]) for r in runs
            ]
            row["points_better_than_mle"] = sum(v["points_better_than_mle"] for v in verdicts)
            row["comparable_points"] = sum(v["comparable_points"] for v in verdicts)
            gaps = [v["mean_nll_oracle_gap"] for v in verdicts]
            gaps = [gap for gap in gaps if gap is not None]
            row["mean_nll_oracle_gap"] = statistics.fmean(gaps) if gaps else None
        row["published_nll_oracle"] = PUBLISHED_NLL_ORACLE.get(model)
        rows.append(row)
    return rows


def print_table(rows: list[dict]) -> None:
    print(
        f"\n{'model':<10}{'gen':>5}{'seeds':>6}{'NLL_oracle':>16}{'NLL_test':>16}"
        f"{'best T':>8}{'published':>10}{'beats MLE':>11}{'seconds':>9}"
    )
    for row in rows:
        published = row["published_nll_oracle"]
        beats = (
            f"{row['points_better_than_mle']}/{row['comparable_points']}"
            if "comparable_points" in row
            else ""
        )
        print(
            f"{row['model']:<10}{row['generator']:>5}{row['seeds']:>6}"
            f"{row['nll_oracle']:>10.3f}±{row['nll_oracle_std']:<5.3f}"
            f"{row['nll_test']:>10.3f}±{row['nll_test_std']:<5.3f}"
            f"{row['best_nll_oracle_any_temperature']:>8.3f}"
            f"{published if published else '':>10}{beats:>11}{row['seconds']:>9.0f}"
        )


def main(argv: list[str] | None = None) -> Path:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--algorithms", nargs="+", default=list(SETTINGS), choices=list(SETTINGS))
    parser.add_argument("--seeds", nargs="+", type=int, default=[0, 1, 2])
    parser.add_argument("--pretrain-epochs", type=int, default=80)
    parser.add_argument(
        "--adversarial-epochs", type=int, default=None, help="overrides every algorithm's"
    )
    parser.add_argument("--device", default="cpu")
    parser.add_argument("--jobs", type=int, default=1)
    parser.add_argument("--data-home", default=None)
    parser.add_argument("--quick", action="store_true", help="tiny budgets: a smoke run")
    parser.add_argument("--results-dir", default=None, help="default: benchmarks/results")
    parser.add_argument(
        "--run-seconds",
        type=float,
        default=None,
        help="wall-clock budget of one (seed, algorithm) run: fewer adversarial epochs if needed",
    )
    args = parser.parse_args(argv)

    data_home = args.data_home or default_data_home()
    if data_home is None:
        sys.exit("benchmark data not found: pass --data-home or set SKLEARN_TEXTGAN_DATA")
    budget = Budget(args.quick, args.pretrain_epochs, args.adversarial_epochs, args.run_seconds)
    runs = [
        (a, s, budget, args.device, str(data_home)) for s in args.seeds for a in args.algorithms
    ]
    started = time.perf_counter()
    records: list[dict] = []

    def save_results(complete: bool) -> Path:
        # Saved after every run, so that a run cut short keeps what finished.
        return save(
            "oracle_quick" if args.quick else "oracle",
            {
                "protocol": __doc__,
                "settings": {**vars(args), "temperatures": TEMPERATURES, "algorithms": SETTINGS},
                "complete": complete,
                "wall_seconds": time.perf_counter() - started,
                "summary": summarize(records),
                "runs": records,
            },
            args.results_dir,
        )

    if args.jobs > 1:
        # "spawn": CUDA cannot be used in a forked child.
        context = multiprocessing.get_context("spawn")
        with concurrent.futures.ProcessPoolExecutor(args.jobs, mp_context=context) as pool:
            futures = [pool.submit(one_run, *run) for run in runs]
            for future in concurrent.futures.as_completed(futures):
                records.extend(future.result())
                save_results(complete=False)
    else:
        for run in runs:
            records.extend(one_run(*run))
            save_results(complete=False)
    path = save_results(complete=True)
    print_table(summarize(records))
    print(f"saved {path}")
    return path


if __name__ == "__main__":
    main()
