"""Does adversarial training improve on its maximum-likelihood starting point? (SeqGAN oracle)

Trains a generator by maximum likelihood on the SeqGAN oracle's 9,984
training sequences (vocabulary 5000, length 20), then continues the same
model adversarially with each algorithm, and reports beside each other

- NLL_oracle: mean NLL per token of 5,000 generated sequences under the
  oracle (quality; lower is better),
- NLL_test: mean NLL per token of 2,000 fresh held-out oracle sequences under
  the model (coverage; lower is better; the end token's cost is included in
  the numerator, 20 tokens per sequence in the denominator),

at the MLE starting point and after adversarial training, both at sampling
temperature 1. One number at one temperature is not a verdict on a GAN: see
the temperature-sweep benchmarks for that.

    python benchmarks/bench_oracle_adversarial.py [--pretrain-epochs 40] [--adversarial-epochs 60]

Needs the benchmark data (``SKLEARN_TEXTGAN_DATA`` or the data folder beside
the repository); writes ``benchmarks/results/oracle_adversarial.json``.
"""

from __future__ import annotations

import argparse
import copy
import sys
import time

import numpy as np
from _common import default_data_home, model_ids_to_oracle_ids, oracle_ids_to_model_ids, save

from sklearn_textgan import TextGAN
from sklearn_textgan.datasets import load_seqgan_data, load_seqgan_oracle

LENGTH = 20

ADVERSARIAL_SETTINGS = {
    "seqgan": dict(n_rollouts=16, d_steps=5, adversarial_learning_rate=1e-3),
    "relgan": dict(d_steps=5, adversarial_learning_rate=1e-4, gumbel_temperature=100.0),
    "maligan": dict(d_steps=5, adversarial_learning_rate=1e-4),
    "dense": dict(d_steps=5, adversarial_learning_rate=1e-4, discriminator="lstm"),
}


def evaluate(gan: TextGAN, oracle, test_ids: np.ndarray, seed: int) -> dict:
    samples = model_ids_to_oracle_ids(gan.sample(5000, random_state=seed), LENGTH)
    return {
        "nll_oracle": float(oracle.nll(samples)),
        "nll_test": float(-gan.score_samples(test_ids).sum() / (len(test_ids) * LENGTH)),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pretrain-epochs", type=int, default=40)
    parser.add_argument("--adversarial-epochs", type=int, default=60)
    parser.add_argument("--algorithms", nargs="+", default=["seqgan", "relgan"])
    parser.add_argument("--generator", default="lstm")
    parser.add_argument("--hidden-dim", type=int, default=32)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument(
        "--adversarial-learning-rate",
        type=float,
        default=None,
        help="overrides each algorithm's generator learning rate",
    )
    parser.add_argument("--tag", default="", help="suffix of the results file")
    args = parser.parse_args()

    data_home = default_data_home()
    if data_home is None:
        sys.exit("benchmark data not found: set SKLEARN_TEXTGAN_DATA")
    oracle = load_seqgan_oracle(data_home=data_home)
    train = oracle_ids_to_model_ids(load_seqgan_data(data_home=data_home))
    test = oracle_ids_to_model_ids(oracle.sample(2000, random_state=12345))

    started = time.perf_counter()
    mle = TextGAN(
        algorithm="mle",
        generator=args.generator,
        embedding_dim=32,
        hidden_dim=args.hidden_dim,
        batch_size=64,
        max_length=LENGTH,
        pretrain_epochs=args.pretrain_epochs,
        learning_rate=0.01,
        validation_fraction=0.1,
        n_iter_no_change=5,
        random_state=args.seed,
        warm_start=True,
        verbose=1,
    ).fit(train)
    rows = [
        {
            "model": "MLE (starting point)",
            "epochs": len(mle.history_),
            "seconds": time.perf_counter() - started,
            **evaluate(mle, oracle, test, args.seed),
        }
    ]
    print(f"MLE: {rows[0]}")
    for algorithm in args.algorithms:
        gan = copy.deepcopy(mle)
        gan.set_params(
            algorithm=algorithm,
            pretrain_epochs=0,
            discriminator_pretrain_epochs=3,
            adversarial_epochs=args.adversarial_epochs,
            discriminator_learning_rate=1e-4,
            **ADVERSARIAL_SETTINGS[algorithm],
        )
        if args.adversarial_learning_rate is not None:
            gan.set_params(adversarial_learning_rate=args.adversarial_learning_rate)
        started = time.perf_counter()
        gan.fit(train)
        rows.append(
            {
                "model": f"{algorithm} (from the MLE model)",
                "epochs": args.adversarial_epochs,
                "seconds": time.perf_counter() - started,
                **evaluate(gan, oracle, test, args.seed),
                "curve": [
                    {"epoch": r["epoch"], "valid_nll": r["valid_nll"]}
                    for r in gan.history_
                    if r["phase"] == "adversarial"
                ],
            }
        )
        print(f"{algorithm}: { ({k: v for k, v in rows[-1].items() if k != 'curve'}) }")

    path = save(
        f"oracle_adversarial{args.tag}",
        {
            "protocol": __doc__,
            "settings": vars(args),
            "oracle_data_nll": float(oracle.nll(load_seqgan_data(data_home=data_home))),
            "rows": rows,
        },
    )
    print(f"\n{'model':<30}{'NLL_oracle':>12}{'NLL_test':>12}{'seconds':>10}")
    for row in rows:
        print(
            f"{row['model']:<30}{row['nll_oracle']:>12.3f}{row['nll_test']:>12.3f}{row['seconds']:>10.0f}"
        )
    print(f"saved {path}")


if __name__ == "__main__":
    main()
