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
import torch
from _common import default_data_home, oracle_ids_to_model_ids, save
from torch import nn
from torch.nn import functional as F

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


def textbook_baseline(ids: np.ndarray, n_samples: int) -> tuple[float, float]:
    """The same model written the usual way, for comparison on this machine.

    nn.Embedding + nn.LSTM + nn.Linear + F.cross_entropy over the full logits
    tensor, Adam, batch 64; sampling with torch.multinomial step by step.
    Returns (seconds per epoch, sampled tokens per second).
    """
    torch.manual_seed(0)
    vocab = int(ids.max()) + 1
    embedding, lstm = nn.Embedding(vocab, 32), nn.LSTM(32, 32, batch_first=True)
    output = nn.Linear(32, vocab)
    parameters = [*embedding.parameters(), *lstm.parameters(), *output.parameters()]
    optimizer = torch.optim.Adam(parameters, lr=0.005)
    data = torch.as_tensor(ids)
    inputs = torch.cat([torch.ones(len(data), 1, dtype=torch.long), data[:, :-1]], dim=1)
    started = time.perf_counter()
    for batch in torch.randperm(len(data)).split(64):
        hidden, _ = lstm(embedding(inputs[batch]))
        logits = output(hidden)
        loss = F.cross_entropy(logits.reshape(-1, vocab), data[batch].reshape(-1))
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
    epoch_seconds = time.perf_counter() - started

    started = time.perf_counter()
    with torch.no_grad():
        for batch in torch.arange(n_samples).split(1000):
            tokens, state = torch.ones(len(batch), 1, dtype=torch.long), None
            for _ in range(20):
                hidden, state = lstm(embedding(tokens), state)
                probs = F.softmax(output(hidden[:, -1]), dim=-1)
                tokens = torch.multinomial(probs, 1)
    return epoch_seconds, n_samples * 20 / (time.perf_counter() - started)


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

    baseline_epoch, baseline_tokens_per_second = textbook_baseline(ids, args.n_samples)

    results = {
        "textbook_baseline": {
            "mle_epoch_seconds": baseline_epoch,
            "sampled_tokens_per_second": baseline_tokens_per_second,
        },
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
    print(f"{'textbook loop: MLE epoch (s)':<38}{baseline_epoch:>12.2f}")
    print(f"{'textbook loop: sampling, tokens/s':<38}{baseline_tokens_per_second:>12,.0f}")
    print(f"{'score 10k sequences (s)':<38}{score_seconds:>12.2f}")
    print(f"saved {path}")


if __name__ == "__main__":
    main()
