"""Style-conditioned generation: Image COCO captions versus EMNLP2017 News sentences.

One labelled corpus of two styles, ``--n-per-class`` texts of each (COCO
``train`` captions, label "coco"; EMNLP ``nll_test`` sentences, label "news";
both lower-cased, at most ``--max-length`` words). For each algorithm, one
``TextGAN.fit(texts, labels)`` (the GANs continue the maximum-likelihood
model with ``warm_start``, so all start from the same point), then:

- class accuracy of generated text: ``--n-samples`` samples asked for each
  class, judged by an independent TF-IDF + logistic-regression classifier
  (``sklearn_textgan.metrics.StyleJudge``) trained on real held-out text of
  both styles (COCO ``test``, EMNLP ``test``), as CatGAN reports; chance is 0.5;
- BLEU-2..4 of those samples against that class's references (another
  held-out slice of the same files; counts in the JSON);
- the model as a style classifier of held-out real text: ``predict_proba``
  (Bayes rule on the class-conditional likelihoods), and for GANs the
  discriminator's class head, beside the independent judge's own accuracy.

    python benchmarks/bench_style.py [--algorithms mle relgan] [--quick]
                                     [--device cuda] [--results-dir DIR]

Needs the benchmark data (``--data-home``, ``SKLEARN_TEXTGAN_DATA`` or the
data folder beside the repository); writes ``benchmarks/results/style.json``
(``style_quick.json`` with ``--quick``, a seconds-long smoke run).
"""

from __future__ import annotations

import argparse
import pickle
import sys
import time
import warnings
from pathlib import Path

import numpy as np
from _common import default_data_home, recorded_options, save

from sklearn_textgan import TextGAN, TextTokenizer
from sklearn_textgan.datasets import load_emnlp_news, load_image_coco
from sklearn_textgan.metrics import StyleJudge, bleu_scores

CLASSES = ("coco", "news")

# Settings of each GAN, which continues the MLE model (an LSTM generator: RelGAN's
# relational memory would take far longer on a CPU).
SETTINGS = {
    "mle": {},
    "relgan": {
        "algorithm": "relgan",
        "adversarial_learning_rate": 1e-3,
        "discriminator_learning_rate": 1e-3,
        "num_filters": 64,
        "d_steps": 3,
    },
    "seqgan": {"algorithm": "seqgan", "n_rollouts": 4, "num_filters": 64, "d_steps": 3},
}


def short(texts: list[str], max_length: int) -> list[str]:
    return [text.lower() for text in texts if 0 < len(text.split()) <= max_length]


def load_styles(data_home: str, max_length: int, n_train: int, n_held: int, seed: int) -> dict:
    """Training texts and labels, the judge's real texts, and per-class held-out references."""
    rng = np.random.RandomState(seed)
    sources = {
        "coco": (
            load_image_coco("train", data_home=data_home),
            load_image_coco("test", data_home=data_home),
        ),
        "news": (
            load_emnlp_news("nll_test", data_home=data_home),
            load_emnlp_news("test", data_home=data_home),
        ),
    }
    data = {"train": [], "train_labels": [], "judge": [], "judge_labels": []}
    data["held_out"], data["held_out_labels"], data["references"] = [], [], {}
    for label, (train_file, held_file) in sources.items():
        train = short(train_file, max_length)
        held = short(held_file, max_length)
        train = [train[i] for i in rng.permutation(len(train))[:n_train]]
        held = [held[i] for i in rng.permutation(len(held))[: 3 * n_held]]
        data["train"] += train
        data["train_labels"] += [label] * len(train)
        # Three disjoint held-out slices: the judge's training set, the texts
        # the style classifiers are tested on, and the BLEU references.
        data["judge"] += held[:n_held]
        data["judge_labels"] += [label] * len(held[:n_held])
        data["held_out"] += held[n_held : 2 * n_held]
        data["held_out_labels"] += [label] * len(held[n_held : 2 * n_held])
        data["references"][label] = held[2 * n_held :]
    return data


def evaluate(name: str, gan: TextGAN, data: dict, args: argparse.Namespace, judge) -> dict:
    per_class = {}
    for label in CLASSES:
        samples = gan.sample(args.n_samples, y=label, random_state=args.seed)
        references = data["references"][label]
        per_class[label] = {
            "class_accuracy": judge.class_accuracy(samples, [label] * len(samples)),
            "bleu": {
                str(n): value
                for n, value in bleu_scores(samples, references, max_n=(2, 3, 4)).items()
            },
            "n_hypotheses": len(samples),
            "n_references": len(references),
            "examples": samples[:3],
        }
    held, truth = data["held_out"], np.asarray(data["held_out_labels"])
    record = {
        "algorithm": name,
        "params": {
            key: value for key, value in gan.get_params(deep=False).items() if key != "tokenizer"
        },
        "per_class": per_class,
        "class_accuracy": float(np.mean([c["class_accuracy"] for c in per_class.values()])),
        "predict_proba_accuracy": float(np.mean(gan.predict(held) == truth)),
        "discriminator_head_accuracy": None,
        "held_out_score": gan.score(held, truth),
    }
    if gan.discriminator_ is not None:
        proba = gan._discriminator_class_proba(held)
        record["discriminator_head_accuracy"] = float(
            np.mean(gan.classes_[proba.argmax(axis=1)] == truth)
        )
    return record


def run_all(data: dict, args: argparse.Namespace, judge: StyleJudge) -> list[dict]:
    """The MLE model, then each GAN continued from it (the same starting point for all)."""
    params = dict(
        tokenizer=TextTokenizer(max_vocabulary=args.max_vocabulary),
        embedding_dim=32,
        hidden_dim=args.hidden_dim,
        max_length=args.max_length,
        batch_size=64,
        pretrain_epochs=args.pretrain_epochs,
        learning_rate=0.005,
        n_iter_no_change=3,
        device=args.device,
        random_state=args.seed,
    )
    started = time.perf_counter()
    mle = TextGAN(**params).fit(data["train"], data["train_labels"])
    seconds = time.perf_counter() - started
    print(f"mle: fitted in {seconds:.0f} s", flush=True)
    records = [{**evaluate("mle", mle, data, args, judge), "fit_seconds": seconds}]
    for name in args.algorithms:
        if name == "mle":
            continue
        # A copy of the fitted MLE model, continued adversarially (warm start).
        gan = pickle.loads(pickle.dumps(mle)).set_params(
            warm_start=True,
            pretrain_epochs=0,
            discriminator_pretrain_epochs=1,
            adversarial_epochs=args.adversarial_epochs,
            **SETTINGS[name],
        )
        started = time.perf_counter()
        gan.fit(data["train"], data["train_labels"])
        seconds = time.perf_counter() - started
        print(f"{name}: fitted in {seconds:.0f} s (after mle)", flush=True)
        records.append({**evaluate(name, gan, data, args, judge), "fit_seconds": seconds})
    return records


def print_table(records: list[dict], judge_accuracy: float) -> None:
    print(f"independent judge on held-out real text: {judge_accuracy:.3f}")
    header = f"{'algorithm':<10}" + "".join(
        f"{'acc ' + c:>11}{'BLEU-2 ' + c:>14}{'BLEU-4 ' + c:>14}" for c in CLASSES
    )
    print(header + f"{'predict_proba':>15}{'D head':>8}{'fit s':>8}")
    for r in records:
        line = f"{r['algorithm']:<10}"
        for c in CLASSES:
            pc = r["per_class"][c]
            line += f"{pc['class_accuracy']:>11.3f}{pc['bleu']['2']:>14.3f}{pc['bleu']['4']:>14.3f}"
        head = r["discriminator_head_accuracy"]
        line += f"{r['predict_proba_accuracy']:>15.3f}{'-' if head is None else f'{head:.3f}':>8}"
        print(line + f"{r['fit_seconds']:>8.0f}")


def main(argv: list[str] | None = None) -> Path:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--algorithms", nargs="+", default=["mle", "relgan"], choices=SETTINGS)
    parser.add_argument("--n-per-class", type=int, default=3000)
    parser.add_argument("--n-held-out", type=int, default=500, help="per class and slice")
    parser.add_argument("--n-samples", type=int, default=500, help="per class")
    parser.add_argument("--max-length", type=int, default=25)
    parser.add_argument("--max-vocabulary", type=int, default=5000)
    parser.add_argument("--hidden-dim", type=int, default=128)
    parser.add_argument("--pretrain-epochs", type=int, default=6)
    parser.add_argument("--adversarial-epochs", type=int, default=20)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--device", default="cpu")
    parser.add_argument("--data-home", default=None)
    parser.add_argument("--quick", action="store_true", help="tiny budgets: a smoke run")
    parser.add_argument("--results-dir", default=None, help="default: benchmarks/results")
    args = parser.parse_args(argv)
    if args.quick:
        args.n_per_class, args.n_held_out, args.n_samples = 150, 60, 30
        args.max_vocabulary, args.hidden_dim = 1000, 32
        args.pretrain_epochs, args.adversarial_epochs = 2, 2

    data_home = args.data_home or default_data_home()
    if data_home is None:
        sys.exit("benchmark data not found: pass --data-home or set SKLEARN_TEXTGAN_DATA")
    started = time.perf_counter()
    data = load_styles(
        str(data_home), args.max_length, args.n_per_class, args.n_held_out, args.seed
    )
    judge = StyleJudge().fit(data["judge"], data["judge_labels"])
    judge_accuracy = judge.score(data["held_out"], data["held_out_labels"])
    with warnings.catch_warnings():
        # Truncation and similar warnings are expected at these budgets.
        warnings.simplefilter("ignore", UserWarning)
        records = run_all(data, args, judge)
    path = save(
        "style_quick" if args.quick else "style",
        {
            "protocol": __doc__,
            "settings": {
                **recorded_options(args),
                "algorithms": {a: SETTINGS[a] for a in args.algorithms},
            },
            "counts": {
                "train": len(data["train"]),
                "judge_train": len(data["judge"]),
                "held_out": len(data["held_out"]),
                "references": {c: len(r) for c, r in data["references"].items()},
            },
            "judge_accuracy_on_held_out_real": judge_accuracy,
            "wall_seconds": time.perf_counter() - started,
            "runs": records,
        },
        args.results_dir,
    )
    print_table(records, judge_accuracy)
    print(f"saved {path}")
    return path


if __name__ == "__main__":
    main()
