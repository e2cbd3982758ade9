"""The adversarial algorithms: every combination fits, and each mechanism does what it claims."""

import copy
import pickle

import numpy as np
import pytest
import torch
from torch import nn

import sklearn_textgan.training._relgan as relgan_module
from sklearn_textgan import TextGAN
from sklearn_textgan._tokenizer import PAD_ID
from sklearn_textgan.models import GENERATORS, CNNDiscriminator, LSTMGenerator, init_parameters
from sklearn_textgan.training import (
    History,
    SeqGAN,
    TrainingConfig,
    TrainingState,
    gumbel_generate,
    inverse_temperature,
    rollout_rewards,
)
from sklearn_textgan.training._dense import discounted_returns

CORPUS = [
    "the cat sat on the mat.",
    "a dog ran to the park.",
    "the bird sang in the tree.",
    "a cat chased the bird.",
] * 5

ADVERSARIAL = ["seqgan", "maligan", "relgan", "dense"]
DISCRIMINATORS = ["cnn", "lstm", "transformer"]


def tiny_gan(**params) -> TextGAN:
    settings = dict(
        embedding_dim=8,
        hidden_dim=16,
        num_heads=2,
        pretrain_epochs=1,
        discriminator_pretrain_epochs=1,
        adversarial_epochs=2,
        d_steps=1,
        batch_size=8,
        n_rollouts=2,
        num_filters=8,
        random_state=0,
    )
    settings.update(params)
    return TextGAN(**settings)


@pytest.mark.parametrize("discriminator", DISCRIMINATORS)
@pytest.mark.parametrize("generator", sorted(GENERATORS))
@pytest.mark.parametrize("algorithm", ADVERSARIAL)
def test_every_combination_fits_and_samples(algorithm, generator, discriminator):
    gan = tiny_gan(algorithm=algorithm, generator=generator, discriminator=discriminator)
    if algorithm == "dense" and discriminator == "cnn":
        with pytest.raises(ValueError, match="judges every prefix"):
            gan.fit(CORPUS)
        return
    gan.fit(CORPUS)
    texts = gan.sample(3, random_state=0)
    assert len(texts) == 3 and all(isinstance(t, str) for t in texts)
    assert np.isfinite(gan.score(CORPUS[:4]))
    phases = gan.history_["phase"]
    assert phases == ["mle", "discriminator", "adversarial", "adversarial"]
    last = gan.history_[-1]
    for key in ("generator_loss", "discriminator_loss", "d_real_accuracy", "d_fake_accuracy"):
        assert np.isfinite(last[key]), key
    assert 0.0 <= last["d_real_accuracy"] <= 1.0
    assert gan.discriminator_ is not None


def test_defaults_follow_the_algorithm():
    relgan = tiny_gan(algorithm="relgan", hidden_dim=16).fit(CORPUS)
    assert relgan._architecture_["generator"] == "rmc"
    assert relgan._architecture_["discriminator"] == "cnn"
    assert relgan.history_[-1]["temperature"] == pytest.approx(100.0)
    dense = tiny_gan(algorithm="dense").fit(CORPUS)
    assert dense._architecture_["discriminator"] == "lstm"
    mle = tiny_gan(algorithm="mle").fit(CORPUS)
    assert mle.discriminator_ is None


@pytest.mark.parametrize(
    "loss", ["minimax", "non_saturating", "rsgan", "wgan_gp", "hinge", "lsgan"]
)
def test_every_loss_trains(loss):
    gan = tiny_gan(algorithm="relgan", generator="lstm", loss=loss).fit(CORPUS)
    assert np.isfinite(gan.history_[-1]["discriminator_loss"])


def test_adversarial_fit_is_reproducible_and_pickles():
    first = tiny_gan(algorithm="seqgan", dropout=0.1).fit(CORPUS)
    second = tiny_gan(algorithm="seqgan", dropout=0.1).fit(CORPUS)
    for a, b in (
        (first.generator_, second.generator_),
        (first.discriminator_, second.discriminator_),
    ):
        for key, value in a.state_dict().items():
            assert torch.equal(value, b.state_dict()[key]), key
    restored = pickle.loads(pickle.dumps(first))
    assert restored.sample(4, random_state=1) == first.sample(4, random_state=1)
    real = torch.as_tensor(first._to_targets(first.tokenizer_.transform(CORPUS[:3])))
    torch.testing.assert_close(restored.discriminator_(real), first.discriminator_(real))


def test_adversarial_training_changes_the_generator():
    before = tiny_gan(algorithm="seqgan", adversarial_epochs=0).fit(CORPUS)
    after = tiny_gan(algorithm="seqgan", adversarial_epochs=3, adversarial_learning_rate=0.01).fit(
        CORPUS
    )
    changed = any(
        not torch.equal(v, after.generator_.state_dict()[k])
        for k, v in before.generator_.state_dict().items()
    )
    assert changed


# ------------------------------------------------------------- mechanisms


class ContainsToken(nn.Module):
    """A fixed 'discriminator': sure a sequence is real iff it contains ``token``."""

    per_token = False
    num_outputs = 1

    def __init__(self, token: int):
        super().__init__()
        self.token = token
        self.unused = nn.Parameter(torch.zeros(1))

    def forward(self, x):
        return ((x == self.token).any(dim=1).float() * 20.0 - 10.0)[:, None]


def seqgan_state(vocab=8, width=4, batch=32, seed=0):
    generator = LSTMGenerator(vocab, 8, 16)
    init_parameters(generator, torch.Generator().manual_seed(seed))
    train = torch.randint(4, vocab, (64, width))
    state = TrainingState(
        generator=generator,
        device=torch.device("cpu"),
        train=train,
        valid=None,
        shuffle_generator=torch.Generator().manual_seed(seed),
        random_generator=torch.Generator().manual_seed(seed),
        history=History(),
        discriminator=ContainsToken(5),
    )
    config = TrainingConfig(
        batch_size=batch,
        pretrain_epochs=0,
        discriminator_pretrain_epochs=0,
        adversarial_epochs=0,
        adversarial_learning_rate=0.05,
        n_rollouts=4,
    )
    return state, config


def test_reinforce_moves_probability_toward_rewarded_tokens():
    state, config = seqgan_state()
    algorithm = SeqGAN(config)
    algorithm.fit(state)  # builds optimizers and the rollout policy; no epochs

    def share_with_token():
        samples = algorithm.generate(state, 2000)
        return float((samples == 5).any(dim=1).float().mean())

    before = share_with_token()
    for _ in range(25):
        algorithm.generator_step(state, progress=0.5)
    after = share_with_token()
    assert after > before + 0.15, (before, after)


def seeded_rewards(policy, discriminator, samples, n_rollouts=3):
    """SeqGAN rewards with begin id 1, end id 2, padding 0 and a fixed seed."""
    return rollout_rewards(
        policy,
        discriminator,
        samples,
        n_rollouts=n_rollouts,
        bos_id=1,
        eos_id=2,
        pad_id=0,
        random_generator=torch.Generator().manual_seed(0),
    )


def test_rollout_rewards_are_batched_and_shaped():
    state, config = seqgan_state(width=6, batch=5)
    policy = state.generator
    calls = []
    original = policy.step_features

    def spy(tokens, recurrent_state):
        calls.append(len(tokens))
        return original(tokens, recurrent_state)

    policy.step_features = spy
    samples = torch.tensor([[6, 7, 2, 0, 0, 0]] + [[4, 5, 6, 7, 4, 5]] * 4)
    rewards = seeded_rewards(policy, ContainsToken(5), samples)
    assert rewards.shape == (5, 6)
    # One batch of all rollouts of all sequences per step: never a loop over rollouts or rows.
    assert set(calls) == {3 * 5}
    # Each prefix is read once (one more token per prefix length), then completed:
    # 5 prefix steps and 5 + 4 + 3 + 2 + 1 completion steps.
    assert len(calls) == 5 + 15
    # Row 0 ended at position 2: no reward after its end token.
    assert torch.all(rewards[0, 3:] == 0)
    # Rows 1-4 contain token 5 at position 1: every prefix from there on is surely real.
    assert torch.allclose(rewards[1:, 1:], torch.full((4, 5), torch.sigmoid(torch.tensor(10.0))))
    assert torch.allclose(rewards[1:, -1], torch.sigmoid(torch.tensor(10.0)))


def test_rollout_rewards_use_the_shared_prefix_discriminator_exactly():
    class Plain(nn.Module):
        """The same discriminator without completion_logits."""

        def __init__(self, inner):
            super().__init__()
            self.inner = inner

        def forward(self, x):
            return self.inner(x)

    state, _ = seqgan_state(width=6, batch=4)
    discriminator = CNNDiscriminator(
        vocab_size=8, embedding_dim=8, max_length=5, num_filters=(4,) * 4
    ).eval()
    samples = torch.randint(3, 8, (4, 6), generator=torch.Generator().manual_seed(1))

    torch.testing.assert_close(
        seeded_rewards(state.generator, discriminator, samples),
        seeded_rewards(state.generator, Plain(discriminator), samples),
    )


def test_rollout_rewards_of_a_constant_discriminator_are_constant():
    class Constant(nn.Module):
        def forward(self, x):
            return torch.full((len(x), 2), 0.7)

    state, _ = seqgan_state(width=5, batch=3)
    samples = torch.randint(4, 8, (3, 5))
    rewards = rollout_rewards(
        state.generator,
        Constant(),
        samples,
        n_rollouts=2,
        bos_id=1,
        eos_id=2,
        pad_id=0,
        random_generator=None,
    )
    torch.testing.assert_close(rewards, torch.full((3, 5), float(torch.sigmoid(torch.tensor(0.7)))))


@pytest.mark.parametrize("policy_training, judge_training", [(True, True), (True, False)])
def test_rollout_rewards_give_the_modules_back_in_their_modes(policy_training, judge_training):
    # A generator left in evaluation mode cannot backpropagate through a cuDNN LSTM.
    state, _ = seqgan_state(width=5, batch=3)
    judge = nn.Linear(5, 1)
    state.generator.train(policy_training)
    judge.train(judge_training)
    seen = []

    def forward(x):
        seen.append((state.generator.training, judge.training))
        return torch.zeros(len(x), 1)

    judge.forward = forward
    rollout_rewards(
        state.generator,
        judge,
        torch.randint(4, 8, (3, 5)),
        n_rollouts=2,
        bos_id=1,
        eos_id=2,
        pad_id=0,
        random_generator=None,
    )
    assert seen and set(seen) == {(False, False)}  # judged in evaluation mode
    assert state.generator.training is policy_training and judge.training is judge_training
    assert all(m.training is policy_training for m in state.generator.modules())


@pytest.mark.parametrize("generator_name", sorted(GENERATORS))
def test_gumbel_gradients_reach_the_generator(generator_name):
    from sklearn_textgan.models import CNNDiscriminator, build_generator

    generator = build_generator(
        generator_name, vocab_size=12, embedding_dim=8, hidden_dim=16, num_heads=2, max_length=5
    )
    init_parameters(generator, torch.Generator().manual_seed(0))
    discriminator = CNNDiscriminator(12, embedding_dim=8, max_length=5, num_filters=(4, 4, 4, 4))
    soft = gumbel_generate(
        generator,
        6,
        6,
        beta=2.0,
        bos_id=1,
        eos_id=2,
        pad_id=0,
        random_generator=torch.Generator().manual_seed(0),
        device=torch.device("cpu"),
    )
    assert soft.shape == (6, 6, 12)
    torch.testing.assert_close(soft.sum(dim=-1), torch.ones(6, 6))
    discriminator(soft).mean().backward()
    no_gradient = [
        name
        for name, p in generator.named_parameters()
        if p.grad is None or p.grad.abs().sum() == 0
    ]
    # The embedding rows of tokens never fed back may stay at zero; everything else learns.
    assert [name for name in no_gradient if "embed" not in name] == []


class ConstantLogits(nn.Module):
    """A generator whose next-token logits are always ``logits``, whatever it has read."""

    def __init__(self, logits):
        super().__init__()
        self.logits = nn.Parameter(torch.tensor(logits))

    def initial_state(self, n, device):
        return None

    def step_features(self, tokens, state):
        return None, state

    def step(self, tokens, state):
        return self.logits.expand(len(tokens), -1), state


# Padding (0) and begin (1) are this generator's favourite next tokens.
FAVOURS_SPECIAL_TOKENS = [6.0, 6.0, 0.0, 1.0, 0.5, 0.2]


def test_gumbel_samples_follow_the_generator_distribution():
    """argmax(logits + Gumbel) is an exact sample, whatever the inverse temperature."""

    soft = gumbel_generate(
        ConstantLogits([0.0, 0.0, -20.0, 1.0, 0.5]),
        20000,
        2,  # the first row is drawn; the last is always the end
        beta=1000.0,
        bos_id=0,
        eos_id=2,
        pad_id=0,
        random_generator=torch.Generator().manual_seed(0),
        device=torch.device("cpu"),
        never_draw=(),  # every id of these logits is a token
    )
    frequencies = soft[:, 0].argmax(dim=1).bincount(minlength=5).float() / 20000
    torch.testing.assert_close(
        frequencies, torch.softmax(torch.tensor([0.0, 0.0, -20.0, 1.0, 0.5]), 0), atol=0.012, rtol=0
    )


def test_gumbel_samples_end_at_the_last_row_as_real_texts_do():
    """A real text's last row is its end or padding: a relaxed one's too, never a token."""
    # The end is this generator's least likely token: most rows would not end by themselves.
    generator = ConstantLogits([0.0, 0.0, -3.0, 1.0, 0.5, 0.2])
    soft = gumbel_generate(
        generator, 300, 4, beta=1.0, bos_id=1, eos_id=2, pad_id=0,
        random_generator=torch.Generator().manual_seed(0), device=torch.device("cpu"),
    )  # fmt: skip
    last = soft[:, -1]
    ended_before = soft[:, :-1, 2].sum(dim=1)
    torch.testing.assert_close(last[:, 2], 1 - ended_before)
    torch.testing.assert_close(last[:, 0], ended_before)
    assert torch.all(last[:, 3:] == 0)  # drawn, it would mostly be tokens 3 to 5


def assert_no_padding_or_begin_token_before_the_end(ids):
    ended_before = (ids == 2).long().cumsum(dim=1) - (ids == 2).long()
    assert not (ids == 1).any()
    assert not ((ids == 0) & (ended_before == 0)).any()


def test_rollout_completions_never_draw_padding_or_the_begin_token():
    seen = []

    class Recorder(nn.Module):
        def forward(self, sequences):
            seen.append(sequences.clone())
            return torch.zeros(len(sequences), 1)

    samples = torch.tensor([[3, 4, 5, 3, 4, 5]] * 8)
    seeded_rewards(ConstantLogits(FAVOURS_SPECIAL_TOKENS), Recorder(), samples, n_rollouts=4)
    assert len(seen) == 6  # the samples, then the completions of 5 prefix lengths
    for completions in seen:
        assert_no_padding_or_begin_token_before_the_end(completions)


def test_gumbel_samples_never_draw_or_weigh_padding_or_the_begin_token():
    soft = gumbel_generate(
        ConstantLogits(FAVOURS_SPECIAL_TOKENS),
        500,
        6,
        beta=1.0,
        bos_id=1,
        eos_id=2,
        pad_id=0,
        random_generator=torch.Generator().manual_seed(0),
        device=torch.device("cpu"),
    )
    # No relaxed weight on the begin token; padding weighs exactly the relaxed
    # probability that the text has ended before: the end weights of the rows before.
    assert torch.all(soft[..., 1] == 0)
    # (A row's end weight is what its step adds to that probability.)
    ended_before = soft[..., 2].cumsum(dim=1) - soft[..., 2]
    torch.testing.assert_close(soft[..., 0], ended_before)
    torch.testing.assert_close(soft.sum(dim=2), torch.ones(500, 6))
    # In the one-hot limit the rows are the drawn tokens, padding after the end.
    ids = gumbel_generate(
        ConstantLogits(FAVOURS_SPECIAL_TOKENS), 500, 6, beta=1e4, bos_id=1, eos_id=2, pad_id=0,
        random_generator=torch.Generator().manual_seed(0), device=torch.device("cpu"),
    ).argmax(dim=2)  # fmt: skip
    assert_no_padding_or_begin_token_before_the_end(ids)
    assert (ids == 2).any() and (ids == 0).any()


def test_gumbel_padding_answers_to_the_end_probability():
    """Padding after a soft end is soft and differentiable: ending early buys no free rows.

    With exact one-hot padding after a drawn end, the rows after it were
    constants that looked like real text, and a RelGAN generator learned to
    end early to get them.
    """
    generator = ConstantLogits([0.0, 0.0, 0.5, 1.0, 0.5, 0.2])
    soft = gumbel_generate(
        generator, 200, 5, beta=1.0, bos_id=1, eos_id=2, pad_id=0,
        random_generator=torch.Generator().manual_seed(0), device=torch.device("cpu"),
    )  # fmt: skip
    # After a drawn end, padding weighs as much as the end was likely: often far below 1
    # (it was exactly 1 when padding rows were one-hot).
    drawn = torch.stack([row.argmax(dim=1) for row in soft.detach().unbind(1)], dim=1) == 2
    after_end = (drawn.long().cumsum(dim=1) - drawn.long()) > 0
    assert after_end.any() and soft[..., 0][after_end].min() < 0.5
    # The padding weight moves with the end token's logit.
    soft[..., 0].sum().backward()
    assert generator.logits.grad[2] > 0


def test_gumbel_samples_never_end_before_min_length():
    # The end token is this generator's favourite: without min_length most rows end at once.
    generator = ConstantLogits([0.0, 0.0, 3.0, 1.0, 0.5, 0.2])

    def relaxed(min_length):
        return gumbel_generate(
            generator, 300, 6, beta=1.0, bos_id=1, eos_id=2, pad_id=0, min_length=min_length,
            random_generator=torch.Generator().manual_seed(0), device=torch.device("cpu"),
        )  # fmt: skip

    assert (relaxed(0)[:, 0].argmax(dim=1) == 2).float().mean() > 0.5
    soft = relaxed(4)
    # No end weight, hence no padding weight, in the first four rows; then the end is free.
    assert torch.all(soft[:, :4, 2] == 0) and torch.all(soft[:, :5, 0] == 0)
    assert (soft[:, 4].argmax(dim=1) == 2).float().mean() > 0.5
    torch.testing.assert_close(soft.sum(dim=2), torch.ones(300, 6))


def test_relgan_relaxed_samples_are_as_long_as_the_shortest_training_text(monkeypatch):
    seen = []
    original = relgan_module.gumbel_generate

    def recording(*args, **kwargs):
        seen.append(kwargs["min_length"])
        return original(*args, **kwargs)

    monkeypatch.setattr(relgan_module, "gumbel_generate", recording)
    fixed = ["a b c d", "b c d a", "c d a b", "d a b c"] * 5
    tiny_gan(algorithm="relgan", generator="lstm", discriminator_pretrain_epochs=0).fit(fixed)
    assert seen and set(seen) == {4}
    seen.clear()
    tiny_gan(algorithm="relgan", generator="lstm", discriminator_pretrain_epochs=0).fit(CORPUS)
    # "the cat sat on the mat." is 7 tokens, "a cat chased the bird." the shortest, 6.
    assert set(seen) == {6}


def test_inverse_temperature_schedules():
    assert inverse_temperature(0.0, 100.0, "exp") == pytest.approx(1.0)
    assert inverse_temperature(0.5, 100.0, "exp") == pytest.approx(10.0)
    assert inverse_temperature(1.0, 100.0, "exp") == pytest.approx(100.0)
    assert inverse_temperature(0.5, 101.0, "linear") == pytest.approx(51.0)
    assert inverse_temperature(0.1, 7.0, "constant") == 7.0
    with pytest.raises(ValueError, match="valid are 'constant', 'exp', 'linear'"):
        inverse_temperature(0.5, 10.0, "cosine")


def test_discounted_returns_by_hand():
    rewards = torch.tensor([[1.0, 0.0, 2.0, 5.0]])
    mask = torch.tensor([[1.0, 1.0, 1.0, 0.0]])
    returns = discounted_returns(rewards * mask, mask, 0.5)
    torch.testing.assert_close(returns, torch.tensor([[1.5, 1.0, 2.0, 0.0]]))


def test_warm_start_from_mle_into_a_gan_keeps_the_pretrained_generator():
    gan = tiny_gan(algorithm="mle", pretrain_epochs=2, warm_start=True).fit(CORPUS)
    pretrained = {k: v.clone() for k, v in gan.generator_.state_dict().items()}
    gan.set_params(algorithm="seqgan", pretrain_epochs=0, adversarial_epochs=0)
    gan.fit(CORPUS)
    assert gan.discriminator_ is not None and gan._architecture_["discriminator"] == "cnn"
    assert all(torch.equal(v, gan.generator_.state_dict()[k]) for k, v in pretrained.items())
    assert gan.history_["phase"] == ["mle", "mle", "discriminator"]
    gan.set_params(adversarial_epochs=1, adversarial_learning_rate=0.05)
    gan.fit(CORPUS)
    assert gan.history_["phase"][-1] == "adversarial"
    assert any(not torch.equal(v, gan.generator_.state_dict()[k]) for k, v in pretrained.items())
    gan.set_params(discriminator="lstm")
    with pytest.raises(ValueError, match="cannot change the trained architecture"):
        gan.fit(CORPUS)
    gan.set_params(discriminator="cnn", num_filters=4)
    with pytest.raises(ValueError, match=r"architecture \(settings\)"):
        gan.fit(CORPUS)


def test_warm_start_into_a_gan_may_shape_the_new_discriminator():
    gan = tiny_gan(algorithm="mle", generator="lstm", warm_start=True).fit(CORPUS)
    gan.set_params(
        algorithm="relgan",
        pretrain_epochs=0,
        adversarial_epochs=1,
        discriminator_embedding_dim=16,
        num_representations=4,
    )
    gan.fit(CORPUS)
    assert gan.discriminator_.num_outputs == 4
    gan.set_params(hidden_dim=8)
    with pytest.raises(ValueError, match=r"architecture \(settings\)"):
        gan.fit(CORPUS)


def test_models_from_before_discriminator_dropout_still_work():
    from sklearn_textgan._persistence import fit_fingerprint

    gan = tiny_gan(algorithm="seqgan", adversarial_epochs=1).fit(CORPUS)
    # A pickle from before the parameter existed has no such attribute.
    state = gan.__getstate__()
    del state["discriminator_dropout"]
    old = TextGAN.__new__(TextGAN)
    old.__setstate__(state)
    assert old.get_params()["discriminator_dropout"] is None
    assert old.sample(3, random_state=0) == gan.sample(3, random_state=0)

    # At its default the parameter leaves checkpoint fingerprints as they were.
    def fingerprint(estimator, drop=False):
        if drop:
            params = TextGAN.get_params(estimator, deep=False)
            del params["discriminator_dropout"]
            estimator.get_params = lambda deep=False: params
        targets = np.zeros((2, 3), dtype=np.int64)
        return fit_fingerprint(estimator, targets, torch.device("cpu"), None)

    unset = tiny_gan(algorithm="seqgan").fit(CORPUS)
    assert fingerprint(unset) == fingerprint(copy.copy(unset), drop=True)
    assert fingerprint(unset.set_params(discriminator_dropout=0.25)) != fingerprint(
        copy.copy(unset), drop=True
    )


def test_discriminator_dropout_is_its_own_or_the_generators(tmp_path):
    def dropouts(module):
        return {type(m).__name__: m.p for m in module.modules() if hasattr(m, "p")}

    shared = tiny_gan(algorithm="seqgan", adversarial_epochs=1, dropout=0.1).fit(CORPUS)
    assert set(dropouts(shared.discriminator_).values()) == {0.1}
    own = tiny_gan(
        algorithm="seqgan", adversarial_epochs=1, dropout=0.1, discriminator_dropout=0.25
    ).fit(CORPUS)
    assert set(dropouts(own.discriminator_).values()) == {0.25}
    assert set(dropouts(own.generator_).values()) == {0.1}
    own.save(tmp_path / "own.textgan")
    loaded = TextGAN.load(tmp_path / "own.textgan")
    assert set(dropouts(loaded.discriminator_).values()) == {0.25}
    # A trained discriminator keeps its dropout; an MLE model has none to keep.
    loaded.set_params(warm_start=True, discriminator_dropout=None)
    with pytest.raises(ValueError, match=r"architecture \(settings\)"):
        loaded.fit(CORPUS)
    # Spelling out what a trained discriminator already drops is no change.
    shared.set_params(warm_start=True, discriminator_dropout=0.1, adversarial_epochs=1)
    shared.fit(CORPUS)
    gan = tiny_gan(algorithm="mle", warm_start=True, discriminator_dropout=0.5).fit(CORPUS)
    gan.set_params(algorithm="seqgan", adversarial_epochs=1, discriminator_dropout=0.25)
    gan.fit(CORPUS)
    assert set(dropouts(gan.discriminator_).values()) == {0.25}


def test_relgan_discriminator_embeds_padding_as_zeros_and_keeps_it(tmp_path):
    def padding(gan):
        return gan.discriminator_.embedding.padding_id

    relgan = tiny_gan(algorithm="relgan", generator="lstm", adversarial_epochs=1).fit(CORPUS)
    assert padding(relgan) == PAD_ID
    assert relgan._architecture_["settings"]["padding_id"] == PAD_ID
    # Ids-based GANs learn padding like any token, as every model saved before did.
    seqgan = tiny_gan(algorithm="seqgan", adversarial_epochs=1).fit(CORPUS)
    assert padding(seqgan) is None and "padding_id" not in seqgan._architecture_["settings"]
    relgan.save(tmp_path / "relgan.textgan")
    loaded = TextGAN.load(tmp_path / "relgan.textgan")
    assert padding(loaded) == PAD_ID
    real = torch.as_tensor(relgan._to_targets(relgan.tokenizer_.transform(CORPUS[:3])))
    torch.testing.assert_close(loaded.discriminator_(real), relgan.discriminator_(real))
    # A trained discriminator keeps the padding it learned with, whatever trains next.
    loaded.set_params(warm_start=True, algorithm="seqgan")
    loaded.fit(CORPUS)
    assert padding(loaded) == PAD_ID
    seqgan.set_params(warm_start=True, algorithm="relgan", generator="lstm")
    seqgan.fit(CORPUS)
    assert padding(seqgan) is None
    # A maximum-likelihood model has none: the GAN continued from it builds RelGAN's.
    mle = tiny_gan(algorithm="mle", generator="lstm", warm_start=True).fit(CORPUS)
    mle.set_params(algorithm="relgan", pretrain_epochs=0, adversarial_epochs=1)
    mle.fit(CORPUS)
    assert padding(mle) == PAD_ID
