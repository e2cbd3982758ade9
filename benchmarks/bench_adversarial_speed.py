"""Speed of adversarial training, SeqGAN oracle configuration.

Vocabulary 5000, length 20, batch 64, embedding and hidden size 32 (LSTM
generator), 16 rollouts for SeqGAN; RelGAN with a relational memory of 1 slot,
2 heads of size 256, and a CNN discriminator with 64 representations.

Measures
- the SeqGAN rewards of one batch (16 rollouts x 64 sequences x 20 prefixes),
- one adversarial step (1 generator update + 5 discriminator updates) of each algorithm,
- a maximum-likelihood epoch of the relational-memory generator on 10,000 x 20 tokens.

Beside each time it prints a floor: the floating-point operations of the
matrix products that the measured code runs (counted by PyTorch's
``FlopCounterMode`` on the real run, not estimated by hand) divided by the best
rate this machine reaches on one large square matrix product: float32 code
that runs these products cannot be faster than that floor, which leaves out
everything else (exponentials, sampling, elementwise work).

    python benchmarks/bench_adversarial_speed.py [--repeats 3] [--device cuda]

Prints a table and writes ``benchmarks/results/adversarial_speed.json``
(``adversarial_speed_cuda.json`` on a GPU).
"""

from __future__ import annotations

import argparse
import statistics
import time

import numpy as np
import torch
from _common import oracle_ids_to_model_ids, save
from bench_mle_speed import training_sequences
from torch.utils.flop_counter import FlopCounterMode

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


def synchronize(device: str) -> None:
    """Wait for queued GPU work, so that wall-clock times include it."""
    if device.startswith("cuda"):
        torch.cuda.synchronize()


def peak_gflops(device: str, size: int = 2048, repeats: int = 5) -> float:
    """Best float32 GFLOP/s of one large square matrix product on ``device``."""
    a, b = torch.randn(size, size, device=device), torch.randn(size, size, device=device)
    a @ b
    best = float("inf")
    for _ in range(repeats):
        synchronize(device)
        started = time.perf_counter()
        a @ b
        synchronize(device)
        best = min(best, time.perf_counter() - started)
    return 2 * size**3 / best / 1e9


def counted_gflop(function) -> float:
    """GFLOP of the matrix products (mm, bmm, convolutions, attention) that ``function`` runs."""
    with FlopCounterMode(display=False) as counter:
        function()
    return counter.get_total_flops() / 1e9


def adversarial_step_seconds(
    ids: np.ndarray, algorithm: str, repeats: int, device: str
) -> tuple[float, TextGAN]:
    gan = TextGAN(
        algorithm=algorithm,
        adversarial_epochs=repeats + 1,
        device=device,
        **COMMON,
        **SETTINGS[algorithm],
    )
    gan.fit(ids)
    seconds = [r["seconds"] for r in gan.history_ if r["phase"] == "adversarial"]
    return statistics.median(seconds[1:]), gan  # the first step pays for warm-up


def adversarial_step_gflop(ids: np.ndarray, algorithm: str, device: str) -> float:
    """GFLOP of one adversarial step (a fit with nothing but that step)."""
    gan = TextGAN(
        algorithm=algorithm, adversarial_epochs=1, device=device, **COMMON, **SETTINGS[algorithm]
    )
    return counted_gflop(lambda: gan.fit(ids))


def seqgan_reward_seconds(gan: TextGAN, repeats: int) -> tuple[float, float]:
    """Median seconds of the rewards of one batch, and their GFLOP."""
    generator, discriminator = gan.generator_, gan.discriminator_
    rng = torch.Generator(device=gan.device_).manual_seed(0)
    samples = torch.as_tensor(gan.sample(64, random_state=0), device=gan.device_)

    def rewards() -> torch.Tensor:
        return rollout_rewards(
            generator,
            discriminator,
            samples,
            n_rollouts=16,
            bos_id=1,
            eos_id=2,
            pad_id=0,
            random_generator=rng,
        )

    timings = []
    rewards()  # warm-up
    for _ in range(repeats):
        synchronize(str(gan.device_))
        started = time.perf_counter()
        assert rewards().shape == samples.shape
        synchronize(str(gan.device_))
        timings.append(time.perf_counter() - started)
    return statistics.median(timings), counted_gflop(rewards)


def rmc_mle_epoch(ids: np.ndarray, device: str) -> TextGAN:
    return TextGAN(
        device=device,
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
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--device", default="cpu")
    args = parser.parse_args()
    sequences, source = training_sequences()
    ids = oracle_ids_to_model_ids(sequences)

    device = args.device
    peak = peak_gflops(device)
    steps, gans, step_gflop = {}, {}, {}
    for algorithm in SETTINGS:
        steps[algorithm], gans[algorithm] = adversarial_step_seconds(
            ids, algorithm, args.repeats, device
        )
        step_gflop[algorithm] = adversarial_step_gflop(ids, algorithm, device)
    rewards, rewards_gflop = seqgan_reward_seconds(gans["seqgan"], args.repeats)
    rmc = rmc_mle_epoch(ids, device)
    rmc_epoch = rmc.fit(ids).history_[0]["seconds"]
    rmc_gflop = counted_gflop(lambda: rmc.fit(ids))

    results = {
        "data": source,
        "seqgan_rewards_one_batch_seconds": rewards,
        "adversarial_step_seconds": steps,
        "rmc_mle_epoch_seconds": rmc_epoch,
        "matrix_product_gflop": {
            "seqgan_rewards": rewards_gflop,
            "adversarial_step": step_gflop,
            "rmc_mle_epoch": rmc_gflop,
        },
        "peak_matmul_gflops": peak,
        "settings": {"common": COMMON, **SETTINGS},
        "targets_seconds": {"seqgan_rewards": 2.5, "relgan_step": 2.0, "rmc_mle_epoch": 40.0},
    }
    name = "adversarial_speed" if device == "cpu" else f"adversarial_speed_{device.split(':')[0]}"
    path = save(name, {**results, "device": device})
    print(f"data: {source}; best matrix product rate on {device}: {peak:.0f} GFLOP/s")
    print(f"{'measure':<52}{'seconds':>9}{'GFLOP':>9}{'floor s':>9}{'target':>8}")

    def row(label: str, seconds: float, gflop: float, target: float | None) -> None:
        goal = f"{target:>8.1f}" if target else f"{'':>8}"
        print(f"{label:<52}{seconds:>9.2f}{gflop:>9.1f}{gflop / peak:>9.2f}{goal}")

    row("SeqGAN rewards, 1 batch (16 rollouts x 64 x 20)", rewards, rewards_gflop, 2.5)
    for algorithm, seconds in steps.items():
        target = 2.0 if algorithm == "relgan" else None
        label = f"{algorithm}: adversarial step (1 G + 5 D updates)"
        row(label, seconds, step_gflop[algorithm], target)
    row("RMC generator, MLE epoch (10,000 x 20 tokens)", rmc_epoch, rmc_gflop, 40.0)
    print(f"saved {path}")


if __name__ == "__main__":
    main()
