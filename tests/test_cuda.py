"""The ``device="cuda"`` paths; skipped on machines without a CUDA GPU."""

import pickle

import numpy as np
import pytest
import torch
from test_adversarial import ADVERSARIAL, CORPUS, DISCRIMINATORS
from test_adversarial import tiny_gan as adversarial_gan
from test_checkpoint import Killed, assert_resumed_from, kill_after, read_checkpoint

from sklearn_textgan import TextGAN
from sklearn_textgan.models import GENERATORS, LSTMGenerator, init_parameters, sample_sequences
from sklearn_textgan.training import gumbel_generate, rollout_rewards

pytestmark = pytest.mark.skipif(not torch.cuda.is_available(), reason="needs a CUDA GPU")


def tiny_gan(**params) -> TextGAN:
    return adversarial_gan(**{"device": "cuda", **params})


def on_cuda(module: torch.nn.Module) -> bool:
    return all(p.device.type == "cuda" for p in module.parameters())


@pytest.mark.parametrize("generator", sorted(GENERATORS))
def test_mle_fits_samples_and_scores_on_cuda(generator):
    gan = tiny_gan(algorithm="mle", generator=generator, pretrain_epochs=2).fit(CORPUS)
    assert gan.device_.type == "cuda" and on_cuda(gan.generator_)
    texts = gan.sample(5, random_state=0)
    assert len(texts) == 5 and all(isinstance(t, str) for t in texts)
    assert texts == gan.sample(5, random_state=0)
    assert np.isfinite(gan.score(CORPUS[:4]))


@pytest.mark.parametrize("discriminator", DISCRIMINATORS)
@pytest.mark.parametrize("generator", sorted(GENERATORS))
@pytest.mark.parametrize("algorithm", ADVERSARIAL)
def test_every_combination_fits_on_cuda(algorithm, generator, discriminator):
    gan = tiny_gan(algorithm=algorithm, generator=generator, discriminator=discriminator)
    if algorithm == "dense" and discriminator == "cnn":
        with pytest.raises(ValueError, match="judges every prefix"):
            gan.fit(CORPUS)
        return
    gan.fit(CORPUS)
    assert on_cuda(gan.generator_) and on_cuda(gan.discriminator_)
    assert len(gan.sample(3, random_state=0)) == 3
    last = gan.history_[-1]
    for key in ("generator_loss", "discriminator_loss", "d_real_accuracy", "d_fake_accuracy"):
        assert np.isfinite(last[key]), key


@pytest.mark.parametrize(
    "loss", ["minimax", "non_saturating", "rsgan", "wgan_gp", "hinge", "lsgan"]
)
def test_every_loss_trains_on_cuda(loss):
    gan = tiny_gan(algorithm="relgan", generator="lstm", loss=loss).fit(CORPUS)
    assert np.isfinite(gan.history_[-1]["discriminator_loss"])


def test_auto_device_picks_the_gpu():
    gan = tiny_gan(algorithm="mle", device="auto").fit(CORPUS)
    assert gan.device_.type == "cuda"


def test_a_model_fitted_on_cuda_unpickles_on_a_cpu_only_machine(monkeypatch):
    gan = tiny_gan(algorithm="seqgan").fit(CORPUS)
    payload = pickle.dumps(gan)
    monkeypatch.setattr(torch.cuda, "is_available", lambda: False)
    monkeypatch.setattr(torch.cuda, "device_count", lambda: 0)
    restored = pickle.loads(payload)
    assert restored.device_.type == "cpu"
    assert all(p.device.type == "cpu" for p in restored.generator_.parameters())
    # cuDNN's TF32 products (on by default) would round the GPU's side to ~1e-3.
    with torch.backends.cudnn.flags(enabled=True, allow_tf32=False):
        on_gpu = gan.score_samples(CORPUS[:4])
    np.testing.assert_allclose(restored.score_samples(CORPUS[:4]), on_gpu, rtol=1e-4, atol=1e-4)
    assert len(restored.sample(3, random_state=0)) == 3


def test_building_blocks_run_on_cuda():
    device = torch.device("cuda")
    generator = LSTMGenerator(30, 8, 16)
    init_parameters(generator, torch.Generator().manual_seed(0))
    generator = generator.to(device)
    rng = torch.Generator(device=device).manual_seed(0)
    samples = sample_sequences(
        generator, 6, max_steps=7, bos_id=1, eos_id=2, pad_id=0, random_generator=rng
    )
    assert samples.device.type == "cuda" and samples.shape == (6, 7)

    class Judge(torch.nn.Module):
        def forward(self, x):
            return torch.zeros(x.shape[0], 1, device=x.device)

    rewards = rollout_rewards(
        generator,
        Judge(),
        samples,
        n_rollouts=3,
        bos_id=1,
        eos_id=2,
        pad_id=0,
        random_generator=rng,
    )
    assert rewards.device.type == "cuda" and rewards.shape == samples.shape
    relaxed = gumbel_generate(
        generator,
        4,
        7,
        beta=5.0,
        bos_id=1,
        eos_id=2,
        pad_id=0,
        random_generator=rng,
        device=device,
    )
    relaxed.sum().backward()
    assert generator.output.weight.grad is not None


def test_dropout_draws_its_masks_on_cuda():
    gan = tiny_gan(algorithm="seqgan", dropout=0.2).fit(CORPUS)
    assert on_cuda(gan.generator_)
    assert gan.sample(3, random_state=0) == gan.sample(3, random_state=0)


@pytest.mark.parametrize("discriminator", DISCRIMINATORS)
def test_the_gradient_penalty_runs_on_cuda(discriminator):
    # The LSTM discriminator's double backward runs with cuDNN switched off.
    params = dict(generator="lstm", discriminator=discriminator, loss="wgan_gp")
    gan = tiny_gan(algorithm="relgan", **params).fit(CORPUS)
    assert np.isfinite(gan.history_[-1]["discriminator_loss"])


@pytest.mark.parametrize("algorithm", ["mle", *ADVERSARIAL])
def test_class_conditional_fits_sample_and_classify_on_cuda(algorithm):
    params = {"discriminator": "lstm"} if algorithm == "dense" else {}
    labels = ["cat", "dog"] * (len(CORPUS) // 2)
    gan = tiny_gan(algorithm=algorithm, **params).fit(CORPUS, labels)
    texts, drawn = gan.sample(4, random_state=0, return_labels=True)
    assert len(texts) == 4 and set(drawn) <= {"cat", "dog"}
    assert len(gan.sample(3, y="dog", random_state=0)) == 3
    assert gan.predict_proba(CORPUS[:4]).shape == (4, 2)


def test_a_killed_cuda_fit_resumes_from_its_checkpoint(tmp_path, monkeypatch):
    params = dict(algorithm="seqgan", checkpoint_dir=tmp_path / "checkpoints")
    kill_after("adversarial", 1, monkeypatch)
    with pytest.raises(Killed):
        tiny_gan(**params).fit(CORPUS)
    monkeypatch.undo()
    checkpoint = read_checkpoint(tmp_path / "checkpoints")
    resumed = tiny_gan(**params).fit(CORPUS)
    assert_resumed_from(resumed, checkpoint)
    uninterrupted = tiny_gan(algorithm="seqgan").fit(CORPUS)
    assert list(resumed.history_["phase"]) == list(uninterrupted.history_["phase"])
    assert on_cuda(resumed.generator_) and len(resumed.sample(3, random_state=0)) == 3


def test_a_cpu_model_loads_onto_cuda_and_scores_alike(tmp_path):
    cpu = tiny_gan(algorithm="seqgan", device="cpu").fit(CORPUS)
    cpu.save(tmp_path / "model.textgan")
    gpu = TextGAN.load(tmp_path / "model.textgan", device="cuda")
    assert gpu.device_.type == "cuda" and on_cuda(gpu.generator_) and on_cuda(gpu.discriminator_)
    with torch.backends.cudnn.flags(enabled=True, allow_tf32=False):
        on_gpu = gpu.score_samples(CORPUS[:4])
    np.testing.assert_allclose(on_gpu, cpu.score_samples(CORPUS[:4]), rtol=1e-4, atol=1e-4)
    assert len(gpu.sample(3, random_state=0)) == 3


def test_warm_start_continues_a_cpu_model_on_cuda():
    gan = tiny_gan(algorithm="mle", device="cpu", warm_start=True).fit(CORPUS)
    gan.set_params(algorithm="seqgan", pretrain_epochs=0, device="cuda").fit(CORPUS)
    assert gan.device_.type == "cuda"
    assert on_cuda(gan.generator_) and on_cuda(gan.discriminator_)
    assert [r["phase"] for r in gan.history_][0] == "mle"  # the CPU epochs are kept


@pytest.mark.parametrize("mem_slots, num_layers", [(2, 1), (1, 2)])
def test_relational_memory_general_attention_on_cuda(mem_slots, num_layers):
    # More than one slot, or more than one block, takes the general attention path.
    gan = tiny_gan(algorithm="relgan", generator="rmc", mem_slots=mem_slots, num_layers=num_layers)
    gan.fit(CORPUS)
    assert on_cuda(gan.generator_) and np.isfinite(gan.score(CORPUS[:4]))
