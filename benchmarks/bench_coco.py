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
cut to their first 20 before fitting and scoring (``TextGAN.sample`` cuts a
sample that has not ended after 20 tokens the same way); BLEU references
stay whole.

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
import re
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from _common import default_data_home, recorded_options, save
from _sweep import (
    TEMPERATURES,
    Budget,
    add_arguments,
    algorithm_settings,
    print_seed_to_seed,
    results_name,
    run_all,
    summarize,
    train_and_score,
)
from _sweep import verdict as sweep_verdict

from sklearn_textgan import TextGAN, TextTokenizer
from sklearn_textgan.datasets import load_image_coco
from sklearn_textgan.metrics import bleu_scores, nll_test, self_bleu_scores

MAX_LENGTH = 20
ORDERS = (2, 3, 4, 5)
# The verdict's axes: quality against diversity, both at order 4.
QUALITY, DIVERSITY = "bleu_4", "self_bleu_4"
# One tokenizer for the model, its samples and the references.
TOKENIZER = TextTokenizer(level="word", lowercase=True)

SETTINGS = algorithm_settings(relgan_epochs=2000)
PUBLISHED_BLEU = {  # RelGAN paper (Nie et al., 2019), Image COCO, Table 3
    "mle": {"bleu_2": 0.731, "bleu_3": 0.497, "bleu_4": 0.305, "bleu_5": 0.189},
    "relgan": {"bleu_2": 0.849, "bleu_3": 0.687, "bleu_4": 0.502, "bleu_5": 0.331},
}

# nll_test_coco.txt splits clitics off as NLTK does ("farmer 's"); the
# training and test files attach them ("farmer's").
_SPLIT_CLITIC = re.compile(r" (?=(?:'(?:s|re|ve|ll|d|m)|n't)\b)")


def make_budget(args: argparse.Namespace) -> Budget:
    budget = Budget.from_arguments(SETTINGS, args)
    budget.n_references = 300 if args.quick else None
    budget.n_nll_test = 100 if args.quick else None
    budget.n_samples = min(args.n_samples, 40) if args.quick else args.n_samples
    return budget


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
        # The tokenizer that split the references splits the samples.
        token_lists = [TOKENIZER.tokenize(text) for text in samples]
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
    data = load_data(budget, data_home)
    return train_and_score(
        algorithm,
        seed,
        budget,
        device,
        data.train,
        lambda model: curve(model, data, budget, seed),
        tokenizer=TOKENIZER,
        max_length=MAX_LENGTH,
    )


def verdict(gan_curve: list[dict], mle_curve: list[dict]) -> dict:
    """At equal Self-BLEU-4 (diversity), is the GAN's BLEU-4 (quality) above the MLE curve's?"""
    return sweep_verdict(gan_curve, mle_curve, x=DIVERSITY, y=QUALITY, higher_is_better=True)


def summary(records: list[dict]) -> list[dict]:
    metrics = [f"bleu_{n}" for n in ORDERS] + [f"self_bleu_{n}" for n in ORDERS]
    rows = summarize(records, [*metrics, "nll_test", "mean_length"], verdict)
    for row in rows:
        row["published_bleu"] = PUBLISHED_BLEU.get(row["model"])
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
    print_seed_to_seed(rows)


def main(argv: list[str] | None = None) -> Path:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    add_arguments(parser, SETTINGS, pretrain_epochs=150)
    parser.add_argument(
        "--n-samples", type=int, default=10_000, help="captions generated at each temperature"
    )
    args = parser.parse_args(argv)

    data_home = args.data_home or default_data_home()
    if data_home is None:
        sys.exit("benchmark data not found: pass --data-home or set SKLEARN_TEXTGAN_DATA")
    budget = make_budget(args)
    runs = [
        (a, s, budget, args.device, str(data_home)) for s in args.seeds for a in args.algorithms
    ]
    started = time.perf_counter()
    data = load_data(budget, str(data_home))
    real = real_captions(data, budget)

    def save_results(records: list[dict], complete: bool = False) -> Path:
        # Saved after every run, so that a run cut short keeps what finished.
        return save(
            results_name("coco", args),
            {
                "protocol": __doc__,
                "settings": {
                    **recorded_options(args),
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
                "summary": summary(records),
                "runs": records,
            },
            args.results_dir,
        )

    records = run_all(one_run, runs, args.jobs, save_results)
    path = save_results(records, complete=True)
    print_table(summary(records), real)
    print(f"saved {path}")
    return path


if __name__ == "__main__":
    main()
