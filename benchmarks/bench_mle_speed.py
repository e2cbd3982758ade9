"""Speed of maximum-likelihood training and of sampling, SeqGAN oracle configuration.

Vocabulary 5000, length 20, 10,000 training sequences, batch 64, embedding and
hidden size 32 (the SeqGAN paper's synthetic benchmark). Uses the oracle's own
training file when the benchmark data is present, else sequences sampled from
a seeded random oracle of the same shape (the timing does not depend on which).

    python benchmarks/bench_mle_speed.py [--epochs 3] [--generator lstm]

Prints a table and writes ``benchmarks/results/mle_speed_<generator>.json``.
"""

from __future__ import annotations

import argparse
import time

import numpy as np
from _common import default_data_home, oracle_ids_to_model_ids, save

from sklearn_textgan import TextGAN
from sklearn_textgan.datasets import load_seqgan_data, make_lstm_oracle


def training_sequences() -> tuple[np.ndarray, str]:
    data_home = default_data_home()
    if data_home is not None:
        try:
            return load_seqgan_data(data_home=data_home)[:10_000], "seqgan_real_data_len20.txt"
        except (FileNotFoundError, ValueError):
            pass
    oracle = make_lstm_oracle(vocab_size=5000, random_state=0)
    return oracle.sample(10_000, random_state=0), "random oracle (seed 0)"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--epochs", type=int, default=3)
    parser.add_argument("--generator", default="lstm")
    parser.add_argument("--n-samples", type=int, default=10_000)
    args = parser.parse_args()

    sequences, source = training_sequences()
    ids = oracle_ids_to_model_ids(sequences)
    gan = TextGAN(
        generator=args.generator,
        embedding_dim=32,
        hidden_dim=32,
        batch_size=64,
        max_length=20,
        pretrain_epochs=args.epochs,
        validation_fraction=0.0,
        random_state=0,
    ).fit(ids)
    epoch_seconds = gan.history_["seconds"]

    started = time.perf_counter()
    samples = gan.sample(args.n_samples, random_state=0)
    sample_seconds = time.perf_counter() - started
    sampled_tokens = int(args.n_samples * 20)

    started = time.perf_counter()
    gan.score(ids)
    score_seconds = time.perf_counter() - started

    results = {
        "configuration": {
            "generator": args.generator,
            "vocabulary": 5000,
            "length": 20,
            "training_sequences": len(ids),
            "batch_size": 64,
            "embedding_dim": 32,
            "hidden_dim": 32,
            "data": source,
        },
        "mle_epoch_seconds": epoch_seconds,
        "mle_epoch_seconds_best": min(epoch_seconds),
        "sample_sequences": args.n_samples,
        "sample_seconds": sample_seconds,
        "sampled_tokens_per_second": sampled_tokens / sample_seconds,
        "score_seconds_10k": score_seconds,
        "sample_shape": list(samples.shape),
    }
    path = save(f"mle_speed_{args.generator}", results)
    print(f"data: {source}")
    print(f"{'measure':<38}{'value':>12}")
    for epoch, seconds in enumerate(epoch_seconds, 1):
        print(f"{f'MLE epoch {epoch} (s)':<38}{seconds:>12.2f}")
    print(f"{'sampling, tokens/s':<38}{results['sampled_tokens_per_second']:>12,.0f}")
    print(f"{'score 10k sequences (s)':<38}{score_seconds:>12.2f}")
    print(f"saved {path}")


if __name__ == "__main__":
    main()
