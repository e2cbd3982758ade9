"""Every algorithm on Image COCO captions, judged against maximum likelihood across temperatures.

The real-text benchmark of Texygen, LeakGAN and RelGAN. For each seed and
algorithm, one run

1. trains a generator by maximum likelihood on the 10,000 training captions
   (``image_coco.txt``; Adam, learning rate 0.01 as in RelGAN's pretraining,
   10 % held out for early stopping, at most ``--pretrain-epochs``),
2. for a GAN, continues that same model adversarially with the algorithm's
   published setting (below),
3. scores the maximum-likelihood starting point and the GAN at every
   sampling temperature of the sweep (0.6 ... 1.25), each point from
   ``--n-samples`` generated captions (10,000 by default, as many as there
   are references; the same sampling seed at every temperature):

   - BLEU-2..5: each generated caption against all 10,000 test captions
     (``test_coco.txt``), NLTK's smoothing method 1, averaged over the
     captions (quality; higher is better),
   - Self-BLEU-2..5: each generated caption against the other generated
     captions, leave-one-out (diversity; lower is more diverse),
   - NLL_test: mean NLL per token of the 6,810 held-out captions of
     ``nll_test_coco.txt`` under the model at that temperature, the end token
     counted as a token (coverage; lower is better),
   - the mean length of the generated captions and the seconds the point took.

Tokenization, the same on both sides of every comparison. The published
tables ran NLTK's ``word_tokenize`` over lower-cased hypotheses and
references. Here every text goes through ``TextTokenizer(level="word",
lowercase=True)``: lower-cased, a token is a run of letters, digits or
underscores with internal apostrophe parts (``it's``, ``dog's``), and every
other non-space character is a token of its own (``.``, ``,``, ``-``,
``"``). The model is fitted on texts with that tokenizer; its samples (texts
that ``inverse_transform`` rendered with punctuation attached) are split
again by the same tokenizer, which returns exactly the sampled tokens (checked
on all 26,810 captions); references are split by it too, words unknown to the
model included. It differs from NLTK on about 2.5 % of the captions: NLTK
keeps hyphenated words whole (``close-up``), splits clitics off (``dog 's``)
and writes a double quote as two backquotes or two apostrophes.
``nll_test_coco.txt`` was already split by NLTK (``farmer 's``) where the
other two files attach clitics (``farmer's``); its 61 split clitics (``'s``,
``n't``, ...) are re-attached before scoring, so that all three files are
tokenized alike.

Length: as in RelGAN's code for this data (``seq_len = 20``, longer captions
truncated by its loader), the models write at most 20 tokens: the 104
training captions (1 %) and 29 NLL_test captions longer than 20 tokens are
cut to their first 20 before fitting and scoring, and so is a sample that
wrote no end token (``TextGAN.sample`` then gives 21); BLEU references stay
whole.

Settings. The LSTM generator (embedding 32, hidden 32) of Texygen's SeqGAN,
MaliGAN and MLE runs and of RelGAN's own LSTM baseline (``hidden_dim = 32``
in its COCO script) for ``mle``, ``seqgan``, ``maligan`` and ``dense``; RelGAN
with its published COCO configuration (``real/experiments/coco_relgan.py`` of
weilinie/RelGAN): relational memory generator with 1 slot and 2 heads of 256
(``hidden_dim=512``), embedding 32, CNN discriminator with a 64-wide
embedding and 64 representations, RSGAN loss, Gumbel-softmax inverse
temperature rising exponentially to 100 (RelGAN(100)), generator and
discriminator learning rates 1e-4, 5 discriminator steps per generator step,
batch 64, 2,000 adversarial steps. (That script's schedule, ``100 **
(step / 5000)``, reaches only ``100 ** 0.4 = 6.3`` after its 2,000 steps;
the label RelGAN(100) and this run use the full rise to 100.)

The verdict compares each GAN with its own starting point tuned by
temperature: where the GAN's Self-BLEU-4 lies inside the MLE curve's range,
the MLE curve's BLEU-4 is interpolated at that Self-BLEU-4; the GAN wins a
point when its BLEU-4 is higher at equal diversity. Lowering the temperature
alone raises BLEU and Self-BLEU together, so a single point at temperature 1
proves nothing either way.

Published rows, for comparison at temperature 1 (RelGAN paper: Nie,
Narodytska & Patel, "RelGAN: Relational Generative Adversarial Networks for
Text Generation", ICLR 2019, Image COCO table, Table 3): BLEU-2..5 of MLE
0.731 / 0.497 / 0.305 / 0.189 and of RelGAN(100) 0.849 / 0.687 / 0.502 /
0.331. They were measured with NLTK's tokenizer, RelGAN's script scoring the
first 200 of 10,000 generated captions against the whole test set; ours
average all ``--n-samples`` captions (the same expectation, less noise). The
summary also gives BLEU and Self-BLEU of real captions (the first
``--n-samples`` training captions) as a yardstick.

    python benchmarks/bench_coco.py [--seeds 0 1 2] [--algorithms mle seqgan ...]
                                    [--device cuda] [--jobs 6] [--quick]

``--jobs`` runs several (seed, algorithm) runs at once in separate processes
(useful on a GPU, where each small run leaves the device mostly idle).
Needs the benchmark data (``--data-home``, ``SKLEARN_TEXTGAN_DATA`` or the
data folder beside the repository); writes ``benchmarks/results/coco.json``
(``coco_quick.json`` with ``--quick``, a seconds-long smoke run), after every
run so that a run cut short keeps what finished.
"""

from __future__ import annotations

import argparse
import concurrent.futures
import copy
import multiprocessing
import re
import statistics
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import torch
from _common import default_data_home, save

from sklearn_textgan import TextGAN, TextTokenizer
from sklearn_textgan.datasets import load_image_coco
from sklearn_textgan.metrics import bleu_scores, nll_test, self_bleu_scores

MAX_LENGTH = 20
ORDERS = (2, 3, 4, 5)
TEMPERATURES = (0.6, 0.7, 0.8, 0.9, 1.0, 1.1, 1.25)
# The verdict's axes: quality against diversity, both at order 4.
QUALITY, DIVERSITY = "bleu_4", "self_bleu_4"
# One tokenizer for the model, its samples and the references.
TOKENIZER = TextTokenizer(level="word", lowercase=True)

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
        epochs=2000,
    ),
}
PUBLISHED_BLEU = {  # RelGAN paper (Nie et al., 2019), Image COCO, Table 3
    "mle": {"bleu_2": 0.731, "bleu_3": 0.497, "bleu_4": 0.305, "bleu_5": 0.189},
    "relgan": {"bleu_2": 0.849, "bleu_3": 0.687, "bleu_4": 0.502, "bleu_5": 0.331},
}

# A smoke run keeps every code path but shrinks the networks to toys.
QUICK_GENERATOR = dict(embedding_dim=8, hidden_dim=16)
QUICK_ADVERSARIAL = dict(
    num_filters=8, discriminator_embedding_dim=8, num_representations=2, n_rollouts=2, d_steps=1
)

# nll_test_coco.txt splits clitics off as NLTK does ("farmer 's"); the
# training and test files attach them ("farmer's").
_SPLIT_CLITIC = re.compile(r" (?=(?:'(?:s|re|ve|ll|d|m)|n't)\b)")


class Budget:
    """Epochs and data and sample counts: the real benchmark, or a seconds-long smoke run."""

    def __init__(
        self,
        quick: bool,
        pretrain_epochs: int,
        adversarial_epochs: int | None,
        n_samples: int,
        run_seconds: float | None = None,
    ) -> None:
        self.quick = quick
        self.run_seconds = run_seconds
        self.pretrain_epochs = 1 if quick else pretrain_epochs
        self.adversarial_epochs = 2 if quick else adversarial_epochs
        self.discriminator_pretrain_epochs = 1 if quick else 3
        self.n_train = 300 if quick else None
        self.n_references = 300 if quick else None
        self.n_nll_test = 100 if quick else None
        self.n_samples = min(n_samples, 40) if quick else n_samples

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
        n_fitted = int((1 - gan.validation_fraction) * len(train))
        batches = -(-n_fitted // gan.batch_size)
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


@dataclass
class CocoData:
    """The three caption files, prepared as the protocol says."""

    train: list[str]  # cut to MAX_LENGTH tokens
    references: list[list[str]]  # token lists, whole
    nll_test: list[str]  # clitics re-attached, cut to MAX_LENGTH tokens


def cut(texts: list[str], length: int = MAX_LENGTH) -> list[str]:
    """Texts longer than ``length`` tokens cut to their first ``length``, as RelGAN's loader does.

    The cut text is its tokens joined by spaces, which the tokenizer splits
    back into the same tokens; shorter texts are returned unchanged.
    """
    cut_texts = []
    for text in texts:
        tokens = TOKENIZER.tokenize(text)
        cut_texts.append(" ".join(tokens[:length]) if len(tokens) > length else text)
    return cut_texts


def attach_clitics(text: str) -> str:
    """``"a farmer 's market"`` -> ``"a farmer's market"``, as the other COCO files write it."""
    return _SPLIT_CLITIC.sub("", text)


def load_data(budget: Budget, data_home: str) -> CocoData:
    train = load_image_coco("train", data_home=data_home)[: budget.n_train]
    references = load_image_coco("test", data_home=data_home)[: budget.n_references]
    held_out = load_image_coco("nll_test", data_home=data_home)[: budget.n_nll_test]
    return CocoData(
        train=cut(train),
        references=[TOKENIZER.tokenize(text) for text in references],
        nll_test=cut([attach_clitics(text) for text in held_out]),
    )


def text_scores(token_lists: list[list[str]], references: list[list[str]]) -> dict:
    """BLEU-2..5 against ``references`` and Self-BLEU-2..5 of one set of captions."""
    quality = bleu_scores(token_lists, references, ORDERS)
    diversity = self_bleu_scores(token_lists, ORDERS)
    return {
        **{f"bleu_{n}": float(quality[n]) for n in ORDERS},
        **{f"self_bleu_{n}": float(diversity[n]) for n in ORDERS},
        "mean_length": float(np.mean([len(tokens) for tokens in token_lists])),
    }


def curve(gan: TextGAN, data: CocoData, budget: Budget, seed: int) -> list[dict]:
    points = []
    for temperature in TEMPERATURES:
        started = time.perf_counter()
        samples = gan.sample(budget.n_samples, temperature=temperature, random_state=seed)
        # The tokenizer that split the references splits the samples. A sample
        # that wrote no end token has max_length + 1 tokens: cut it like the
        # training captions.
        token_lists = [TOKENIZER.tokenize(text)[:MAX_LENGTH] for text in samples]
        points.append(
            {
                "temperature": temperature,
                **text_scores(token_lists, data.references),
                "nll_test": nll_test(gan, data.nll_test, temperature=temperature),
                "seconds": time.perf_counter() - started,
            }
        )
    return points


def one_run(algorithm: str, seed: int, budget: Budget, device: str, data_home: str) -> list[dict]:
    """Train the MLE starting point (and the GAN from it); its curve records."""
    torch.set_num_threads(1)  # several runs share the machine's cores
    run_started = time.perf_counter()
    data = load_data(budget, data_home)
    setting = SETTINGS[algorithm]
    architecture = budget.generator(
        {k: v for k, v in setting.items() if k not in ("adversarial", "epochs")}
    )
    started = time.perf_counter()
    mle = TextGAN(
        algorithm="mle",
        tokenizer=TOKENIZER,
        **architecture,
        batch_size=64,
        max_length=MAX_LENGTH,
        pretrain_epochs=budget.pretrain_epochs,
        learning_rate=0.01,
        validation_fraction=0.1,
        n_iter_no_change=5,
        random_state=seed,
        device=device,
        warm_start=True,
    ).fit(data.train)
    base = {"algorithm": algorithm, "seed": seed, "generator": architecture["generator"]}
    seconds = time.perf_counter() - started
    started = time.perf_counter()
    mle_curve = curve(mle, data, budget, seed)
    evaluation_seconds = time.perf_counter() - started
    records = [
        {
            **base,
            "model": "mle",
            "epochs": len(mle.history_),
            "seconds": seconds,
            "evaluation_seconds": evaluation_seconds,
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
        # The GAN's own evaluation will take about as long as the MLE model's did.
        seconds_left = (budget.run_seconds or 0) - (time.perf_counter() - run_started)
        schedule = budget.affordable_epochs(
            algorithm, gan, data.train, seconds_left - evaluation_seconds
        )
        gan.set_params(adversarial_epochs=schedule["epochs"])
        started = time.perf_counter()
        gan.fit(data.train)
        seconds = time.perf_counter() - started
        started = time.perf_counter()
        gan_curve = curve(gan, data, budget, seed)
        records.append(
            {
                **base,
                "model": algorithm,
                **schedule,
                "seconds": seconds,
                "evaluation_seconds": time.perf_counter() - started,
                "curve": gan_curve,
            }
        )
    return records


def verdict(gan_curve: list[dict], mle_curve: list[dict]) -> dict:
    """How the GAN's points compare with the MLE curve at equal Self-BLEU-4.

    A gap is the GAN's BLEU-4 minus the MLE curve's, linearly interpolated at
    the GAN point's Self-BLEU-4; positive means better quality at equal
    diversity. Points outside the MLE curve's Self-BLEU-4 range are not
    compared: extrapolating a curve says nothing.
    """
    ordered = sorted(mle_curve, key=lambda p: p[DIVERSITY])
    xs = [p[DIVERSITY] for p in ordered]
    ys = [p[QUALITY] for p in ordered]
    gaps = [
        p[QUALITY] - float(np.interp(p[DIVERSITY], xs, ys))
        for p in gan_curve
        if xs[0] <= p[DIVERSITY] <= xs[-1]
    ]
    return {
        "comparable_points": len(gaps),
        "points_better_than_mle": sum(gap > 0 for gap in gaps),
        f"mean_{QUALITY}_gap": statistics.fmean(gaps) if gaps else None,
    }


def mean_and_spread(row: dict, points: list[dict], keys: list[str]) -> None:
    """Add ``key`` (mean over ``points``) and ``key_std`` (population spread) to ``row``."""
    for key in keys:
        values = [p[key] for p in points]
        row[key] = statistics.fmean(values)
        row[f"{key}_std"] = statistics.pstdev(values)


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
    metrics = [f"bleu_{n}" for n in ORDERS] + [f"self_bleu_{n}" for n in ORDERS]
    for (model, generator), by_seed in groups.items():
        runs = list(by_seed.values())
        at_one = [next(p for p in r["curve"] if p["temperature"] == 1.0) for r in runs]
        row = {"model": model, "generator": generator, "seeds": len(runs)}
        mean_and_spread(row, at_one, [*metrics, "nll_test", "mean_length"])
        row["seconds"] = statistics.fmean(r["seconds"] for r in runs)
        if model != "mle":
            verdicts = [
                verdict(r["curve"], starts[(r["algorithm"], r["seed"])]["curve"]) for r in runs
            ]
            row["points_better_than_mle"] = sum(v["points_better_than_mle"] for v in verdicts)
            row["comparable_points"] = sum(v["comparable_points"] for v in verdicts)
            gaps = [v[f"mean_{QUALITY}_gap"] for v in verdicts]
            gaps = [gap for gap in gaps if gap is not None]
            row[f"mean_{QUALITY}_gap"] = statistics.fmean(gaps) if gaps else None
        row["published_bleu"] = PUBLISHED_BLEU.get(model)
        rows.append(row)
    return rows


def real_captions(data: CocoData, budget: Budget) -> dict:
    """BLEU and Self-BLEU of real training captions: what a perfect model would score."""
    token_lists = [TOKENIZER.tokenize(text) for text in data.train[: budget.n_samples]]
    return {"n_captions": len(token_lists), **text_scores(token_lists, data.references)}


def print_table(rows: list[dict], real: dict) -> None:
    bleus = "".join(f"{f'BLEU-{n}':>14}" for n in ORDERS)
    print(
        f"\n{'model':<9}{'gen':>5}{'seeds':>6}{bleus}{'Self-BLEU-4':>14}{'NLL_test':>14}"
        f"{'beats MLE':>11}{'seconds':>9}"
    )
    for row in rows:
        beats = (
            f"{row['points_better_than_mle']}/{row['comparable_points']}"
            if "comparable_points" in row
            else ""
        )
        cells = "".join(
            f"{row[key]:>8.3f}±{row[f'{key}_std']:<5.3f}"
            for key in [*(f"bleu_{n}" for n in ORDERS), DIVERSITY, "nll_test"]
        )
        print(
            f"{row['model']:<9}{row['generator']:>5}{row['seeds']:>6}{cells}"
            f"{beats:>11}{row['seconds']:>9.0f}"
        )
    real_cells = "".join(f"{real[f'bleu_{n}']:>8.3f}{'':6}" for n in ORDERS)
    print(f"{'real captions':<20}{real_cells}{real[DIVERSITY]:>8.3f}")
    for model, published in PUBLISHED_BLEU.items():
        cells = "".join(f"{published[f'bleu_{n}']:>8.3f}{'':6}" for n in ORDERS)
        print(f"{f'published {model}':<20}{cells}".rstrip())


def main(argv: list[str] | None = None) -> Path:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--algorithms", nargs="+", default=list(SETTINGS), choices=list(SETTINGS))
    parser.add_argument("--seeds", nargs="+", type=int, default=[0, 1, 2])
    parser.add_argument("--pretrain-epochs", type=int, default=150)
    parser.add_argument(
        "--adversarial-epochs", type=int, default=None, help="overrides every algorithm's"
    )
    parser.add_argument(
        "--n-samples", type=int, default=10_000, help="captions generated at each temperature"
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
    budget = Budget(
        args.quick, args.pretrain_epochs, args.adversarial_epochs, args.n_samples, args.run_seconds
    )
    runs = [
        (a, s, budget, args.device, str(data_home)) for s in args.seeds for a in args.algorithms
    ]
    started = time.perf_counter()
    data = load_data(budget, str(data_home))
    real = real_captions(data, budget)
    records: list[dict] = []

    def save_results(complete: bool) -> Path:
        # Saved after every run, so that a run cut short keeps what finished.
        return save(
            "coco_quick" if args.quick else "coco",
            {
                "protocol": __doc__,
                "settings": {
                    **vars(args),
                    "temperatures": TEMPERATURES,
                    "orders": ORDERS,
                    "max_length": MAX_LENGTH,
                    "tokenizer": TOKENIZER.get_params(),
                    "n_train": len(data.train),
                    "n_references": len(data.references),
                    "n_nll_test": len(data.nll_test),
                    "n_samples": budget.n_samples,
                    "algorithms": SETTINGS,
                },
                "complete": complete,
                "wall_seconds": time.perf_counter() - started,
                "real_captions": real,
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
    print_table(summarize(records), real)
    print(f"saved {path}")
    return path


if __name__ == "__main__":
    main()
