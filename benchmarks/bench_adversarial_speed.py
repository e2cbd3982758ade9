"""Speed of adversarial training, SeqGAN oracle configuration.

Vocabulary 5000, length 20, batch 64, embedding and hidden size 32 (LSTM
generator), 16 rollouts for SeqGAN; RelGAN with a relational memory of 1 slot,
2 heads of size 256, and a CNN discriminator with 64 representations.

Measures
- the SeqGAN rewards of one batch (16 rollouts x 64 sequences x 20 prefixes),
- one adversarial step (1 generator update + 5 discriminator updates) of each algorithm,
- a maximum-likelihood epoch of the relational-memory generator on 10,000 x 20 tokens.

    python benchmarks/bench_adversarial_speed.py [--repeats 3]

Prints a table and writes ``benchmarks/results/adversarial_speed.json``.
"""

from __future__ import annotations

import argparse
import statistics
import time

import numpy as np
import torch
from _common import oracle_ids_to_model_ids, save
from bench_mle_speed import training_sequences

from sklearn_textgan import TextGAN
from sklearn_textgan.training import rollout_rewards

COMMON = dict(
    batch_size=64,
    max_length=20,
    validation_fraction=0.0,
    pretrain_epochs=0,
    discriminator_pretrain_epochs=0,
    d_steps=5,
    random_state=0,
)
SETTINGS = {
    "seqgan": dict(embedding_dim=32, hidden_dim=32, n_rollouts=16),
    "maligan": dict(embedding_dim=32, hidden_dim=32),
    "dense": dict(embedding_dim=32, hidden_dim=32),
    "relgan": dict(
        generator="rmc",
        embedding_dim=32,
        hidden_dim=512,
        num_heads=2,
        mem_slots=1,
        discriminator_embedding_dim=64,
        num_representations=64,
    ),
}


def adversarial_step_seconds(
    ids: np.ndarray, algorithm: str, repeats: int
) -> tuple[float, TextGAN]:
    gan = TextGAN(
        algorithm=algorithm, adversarial_epochs=repeats + 1, **COMMON, **SETTINGS[algorithm]
    )
    gan.fit(ids)
    seconds = [r["seconds"] for r in gan.history_ if r["phase"] == "adversarial"]
    return statistics.median(seconds[1:]), gan  # the first step pays for warm-up


def seqgan_reward_seconds(gan: TextGAN, repeats: int) -> float:
    generator, discriminator = gan.generator_, gan.discriminator_
    rng = torch.Generator().manual_seed(0)
    samples = torch.as_tensor(gan.sample(64, random_state=0))
    timings = []
    for _ in range(repeats):
        started = time.perf_counter()
        rewards = rollout_rewards(
            generator,
            discriminator,
            samples,
            n_rollouts=16,
            bos_id=1,
            eos_id=2,
            pad_id=0,
            random_generator=rng,
        )
        timings.append(time.perf_counter() - started)
    assert rewards.shape == samples.shape
    return statistics.median(timings)


def rmc_mle_epoch_seconds(ids: np.ndarray) -> float:
    gan = TextGAN(
        algorithm="mle",
        generator="rmc",
        embedding_dim=32,
        hidden_dim=512,
        num_heads=2,
        mem_slots=1,
        batch_size=64,
        max_length=20,
        pretrain_epochs=1,
        validation_fraction=0.0,
        random_state=0,
    ).fit(ids)
    return gan.history_[0]["seconds"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    sequences, source = training_sequences()
    ids = oracle_ids_to_model_ids(sequences)

    steps, gans = {}, {}
    for algorithm in SETTINGS:
        steps[algorithm], gans[algorithm] = adversarial_step_seconds(ids, algorithm, args.repeats)
    rewards = seqgan_reward_seconds(gans["seqgan"], args.repeats)
    rmc_epoch = rmc_mle_epoch_seconds(ids)

    results = {
        "data": source,
        "seqgan_rewards_one_batch_seconds": rewards,
        "adversarial_step_seconds": steps,
        "rmc_mle_epoch_seconds": rmc_epoch,
        "settings": {"common": COMMON, **SETTINGS},
        "targets_seconds": {"seqgan_rewards": 2.5, "relgan_step": 2.0, "rmc_mle_epoch": 40.0},
    }
    path = save("adversarial_speed", results)
    print(f"data: {source}")
    print(f"{'measure':<52}{'seconds':>10}{'target':>10}")
    print(f"{'SeqGAN rewards, 1 batch (16 rollouts x 64 x 20)':<52}{rewards:>10.2f}{2.5:>10.1f}")
    for algorithm, seconds in steps.items():
        target = f"{2.0:>10.1f}" if algorithm == "relgan" else f"{'':>10}"
        print(f"{f'{algorithm}: adversarial step (1 G + 5 D updates)':<52}{seconds:>10.2f}{target}")
    print(f"{'RMC generator, MLE epoch (10,000 x 20 tokens)':<52}{rmc_epoch:>10.2f}{40.0:>10.1f}")
    print(f"saved {path}")


if __name__ == "__main__":
    main()
