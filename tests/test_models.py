"""The PyTorch layer: generators, the fused output layer, sampling, seeded randomness."""

import numpy as np
import pytest
import torch
from torch import nn
from torch.nn import functional as F

from sklearn_textgan.models import (
    DISCRIMINATORS,
    GENERATORS,
    LSTMGenerator,
    SeededDropout,
    build_discriminator,
    build_generator,
    count_parameters,
    init_parameters,
    linear_cross_entropy,
    linear_token_nll,
    sample_sequences,
    set_random_generator,
    summed_nll,
    token_log_likelihood,
)
from sklearn_textgan.models._sequences import StepSampler, _inverse_cdf, draw_tokens


def test_linear_cross_entropy_gradients_match_autograd_in_float64():
    torch.manual_seed(0)
    # More rows than one chunk, so the accumulation across chunks is checked too.
    hidden = torch.randn(150, 3, dtype=torch.float64, requires_grad=True)
    weight = torch.randn(7, 3, dtype=torch.float64, requires_grad=True)
    bias = torch.randn(7, dtype=torch.float64, requires_grad=True)
    targets = torch.randint(0, 7, (150,))
    assert torch.autograd.gradcheck(
        lambda h, w, b: linear_cross_entropy(h, w, b, targets), (hidden, weight, bias)
    )


def test_linear_cross_entropy_matches_reference_in_float32():
    torch.manual_seed(1)
    hidden = torch.randn(517, 16, requires_grad=True)  # not a multiple of the chunk size
    weight = torch.randn(1000, 16, requires_grad=True)
    bias = torch.randn(1000, requires_grad=True)
    targets = torch.randint(0, 1000, (517,))
    reference = F.cross_entropy(F.linear(hidden, weight, bias), targets, reduction="sum")
    expected = torch.autograd.grad(reference, (hidden, weight, bias))
    fused = linear_cross_entropy(hidden, weight, bias, targets)
    got = torch.autograd.grad(fused, (hidden, weight, bias))
    assert fused.item() == pytest.approx(reference.item(), rel=1e-5)
    for a, b in zip(got, expected, strict=True):
        torch.testing.assert_close(a, b, rtol=1e-4, atol=1e-5)


def test_linear_cross_entropy_with_an_unaligned_vocabulary_has_unpadded_gradients():
    torch.manual_seed(6)
    hidden = torch.randn(40, 5, requires_grad=True)
    weight = torch.randn(21, 5, requires_grad=True)  # padded to 32 rows inside
    bias = torch.randn(21, requires_grad=True)
    targets = torch.randint(0, 21, (40,))
    fused = linear_cross_entropy(hidden, weight, bias, targets)
    reference = F.cross_entropy(F.linear(hidden, weight, bias), targets, reduction="sum")
    got = torch.autograd.grad(fused, (hidden, weight, bias))
    expected = torch.autograd.grad(reference, (hidden, weight, bias))
    assert [g.shape for g in got] == [hidden.shape, weight.shape, bias.shape]
    for a, b in zip(got, expected, strict=True):
        torch.testing.assert_close(a, b, rtol=1e-4, atol=1e-5)


def test_linear_token_nll_matches_reference():
    torch.manual_seed(2)
    hidden, weight = torch.randn(200, 8), torch.randn(30, 8)
    targets = torch.randint(0, 30, (200,))
    expected = F.cross_entropy(hidden @ weight.T, targets, reduction="none")
    torch.testing.assert_close(linear_token_nll(hidden, weight, None, targets), expected)


def test_summed_nll_ignores_padding_and_counts_tokens():
    torch.manual_seed(3)
    gen = LSTMGenerator(12, 4, 6)
    targets = torch.tensor([[5, 6, 2, 0, 0], [7, 2, 0, 0, 0]])
    loss, n_tokens = summed_nll(gen, targets, bos_id=1, pad_id=0)
    assert n_tokens == 5
    logits = gen(torch.tensor([[1, 5, 6, 2, 0], [1, 7, 2, 0, 0]]))
    expected = F.cross_entropy(
        logits.reshape(-1, 12), targets.reshape(-1), ignore_index=0, reduction="sum"
    )
    assert loss.item() == pytest.approx(expected.item(), rel=1e-5)
    per_token = token_log_likelihood(gen, targets, bos_id=1, pad_id=0)
    assert per_token.shape == targets.shape
    assert torch.all(per_token[targets == 0] == 0)
    assert -per_token.sum().item() == pytest.approx(expected.item(), rel=1e-5)


def test_step_and_forward_agree():
    torch.manual_seed(4)
    gen = LSTMGenerator(20, 8, 8, num_layers=2).eval()
    inputs = torch.randint(0, 20, (3, 6))
    full = gen(inputs)
    state = gen.initial_state(3, torch.device("cpu"))
    for t in range(6):
        logits, state = gen.step(inputs[:, t], state)
        torch.testing.assert_close(logits, full[:, t], rtol=1e-5, atol=1e-6)


class FixedDistribution(nn.Module):
    """A 'generator' whose next-token logits never change."""

    def __init__(self, logits):
        super().__init__()
        self.logits = nn.Parameter(torch.as_tensor(logits, dtype=torch.float32))

    def initial_state(self, batch_size, device):
        return None

    def step(self, tokens, state):
        return self.logits.expand(len(tokens), -1), state


def first_token_frequencies(logits, temperature, seed, batch_size, n=20000):
    """Frequencies of the first token of ``n`` samples from fixed next-token ``logits``."""
    ids = sample_sequences(
        FixedDistribution(logits),
        n,
        max_steps=1,
        bos_id=0,
        eos_id=len(logits) + 10,  # ids the logits never give
        pad_id=len(logits) + 11,
        temperature=temperature,
        random_generator=torch.Generator().manual_seed(seed),
        batch_size=batch_size,
        never_draw=(),  # every id of these logits is a token
    )
    return np.bincount(ids[:, 0].numpy(), minlength=len(logits)) / n


@pytest.mark.parametrize("temperature", [0.5, 1.0, 2.0])
def test_sampling_follows_the_tempered_distribution(temperature):
    logits = torch.tensor([2.0, 0.0, -1.0, 1.0, -30.0])
    counts = first_token_frequencies(logits, temperature, seed=0, batch_size=3000)
    expected = torch.softmax(logits / temperature, dim=0).numpy()
    np.testing.assert_allclose(counts, expected, atol=0.012)
    assert counts[4] == 0.0  # essentially impossible tokens are never drawn


# At 0.25 the unlikely tokens' scaled logits (-120) fall below the clamp that keeps exp fast.
@pytest.mark.parametrize("temperature", [0.25, 0.7, 1.0])
def test_two_level_sampling_finds_tokens_at_block_edges(temperature):
    # 200 ids: three blocks of 64 and a short last block of 8. The likely
    # tokens sit on both sides of every block edge and in the last block, so
    # choosing the wrong block or an off-by-one offset would show at once.
    logits = torch.full((200,), -30.0)
    likely = [0, 63, 64, 127, 128, 191, 192, 199]
    logits[likely] = torch.tensor([1.0, 0.5, 0.0, 1.5, -0.5, 0.2, 0.8, 1.2])
    counts = first_token_frequencies(logits, temperature, seed=1, batch_size=5000)
    expected = torch.softmax(logits / temperature, dim=0).numpy()
    np.testing.assert_allclose(counts, expected, atol=0.012)
    assert counts.sum() == 1.0 and set(np.flatnonzero(counts)) == set(likely)


def test_inverse_cdf_stays_in_range_at_the_ends_of_the_unit_interval():
    weights = torch.rand(4, 130) + 0.1  # two blocks of 64 and a last block of 2
    weights[1, 100:] = 0.0  # the row's last positive weight is at 99
    u = torch.tensor([[0.0], [1.0 - 2**-24], [1.0 - 2**-24], [0.5]])
    tokens = _inverse_cdf(weights, u)
    assert tokens[0] == 0
    assert tokens[1] == 99
    assert tokens[2] == 129
    cumulative = weights[3].cumsum(0)
    assert tokens[3] == int(torch.searchsorted(cumulative, 0.5 * cumulative[-1], right=True))
    # Zero weights (ids never drawn) are skipped even by u = 0.
    weights[0, :2] = 0.0
    assert _inverse_cdf(weights, u)[0] == 2


@pytest.mark.parametrize("temperature", [1.0, 3.0])
def test_sampling_never_draws_padding_or_the_begin_token(temperature):
    # Padding (0) and begin (1) are the model's favourites here; neither may
    # appear, except the padding written after each text's end token (2).
    logits = torch.tensor([5.0, 5.0, 0.0, 1.0, 0.5])
    ids = sample_sequences(
        FixedDistribution(logits),
        4000,
        max_steps=6,
        bos_id=1,
        eos_id=2,
        pad_id=0,
        temperature=temperature,
        random_generator=torch.Generator().manual_seed(0),
    )
    assert not (ids == 1).any()
    ended_before = (ids == 2).long().cumsum(dim=1) - (ids == 2).long()
    assert not ((ids == 0) & (ended_before == 0)).any()
    first = np.bincount(ids[:, 0].numpy(), minlength=5) / len(ids)
    expected = torch.softmax(logits[2:] / temperature, dim=0).numpy()
    np.testing.assert_allclose(first[2:], expected, atol=0.02)


def test_a_begin_id_outside_the_output_layer_is_not_excluded_twice():
    # A class begin id given as one int lies past the output layer; before,
    # excluding it failed inside torch with an index error.
    generator = LSTMGenerator(10, 4, 8, num_classes=1)
    kwargs = dict(bos_id=10, eos_id=2, pad_id=0)
    ids = sample_sequences(
        generator, 50, max_steps=4, random_generator=torch.Generator().manual_seed(0), **kwargs
    )
    ended_before = (ids == 2).long().cumsum(dim=1) - (ids == 2).long()
    assert not ((ids == 0) & (ended_before == 0)).any()  # padding is still never drawn
    from sklearn_textgan.training import gumbel_generate, rollout_rewards

    class Unsure(nn.Module):
        def forward(self, x):
            return torch.zeros(len(x), 1)

    samples = ids[:4].clone()
    rewards = rollout_rewards(
        generator, Unsure(), samples, n_rollouts=2, random_generator=None, **kwargs
    )
    assert rewards.shape == samples.shape
    relaxed = gumbel_generate(
        generator, 3, 4, beta=1.0, random_generator=None, device=torch.device("cpu"), **kwargs
    )
    assert relaxed.shape == (3, 4, 10)


def test_sampling_draws_the_ids_it_is_told_to_avoid_only_when_allowed():
    ids = sample_sequences(
        FixedDistribution([5.0, 5.0, 0.0, 1.0]),
        200,
        max_steps=1,
        bos_id=1,
        eos_id=2,
        pad_id=0,
        random_generator=torch.Generator().manual_seed(0),
        never_draw=(3,),
    )
    assert set(ids[:, 0].tolist()) <= {0, 1, 2} and (ids == 0).any() and (ids == 1).any()


def test_step_sampler_pads_the_output_layer_and_draws_from_the_step_logits():
    torch.manual_seed(5)
    gen = LSTMGenerator(21, 4, 8).eval()  # 21 ids: an unaligned row width
    rows = 600
    never = torch.tensor([0, 1])
    sampler = StepSampler(
        gen,
        rows,
        torch.device("cpu"),
        never=never,
        random_generator=torch.Generator().manual_seed(3),
    )
    assert sampler.buffer.shape == (rows, 32) and sampler.weight.shape == (32, 8)
    tokens = torch.randint(2, 21, (rows,), generator=torch.Generator().manual_seed(0))
    state = gen.initial_state(rows, torch.device("cpu"))
    with torch.no_grad():  # decoding never trains
        drawn, new_state = sampler(tokens, state)
        logits, expected_state = gen.step(tokens, state)
    expected = draw_tokens(logits, 1.0, torch.Generator().manual_seed(3), never=never)
    assert torch.equal(drawn, expected)
    for got, want in zip(new_state, expected_state, strict=True):
        torch.testing.assert_close(got, want)


def test_sampling_pads_after_the_end_token_and_is_seeded():
    module = FixedDistribution([0.0] * 5)  # token 2 is the end token, 3 and 4 words
    draw = lambda seed: sample_sequences(  # noqa: E731
        module,
        50,
        max_steps=30,
        bos_id=1,
        eos_id=2,
        pad_id=0,
        random_generator=torch.Generator().manual_seed(seed),
        batch_size=16,
    )
    ids = draw(0)
    assert ids.shape == (50, 30)
    for row in ids.tolist():
        if 2 in row:
            end = row.index(2)
            assert all(token == 0 for token in row[end + 1 :])
    assert torch.equal(ids, draw(0))
    assert not torch.equal(ids, draw(1))


def test_init_parameters_is_reproducible_and_leaves_global_state_alone():
    torch.manual_seed(5)
    expected = torch.rand(2)
    torch.manual_seed(5)
    first = build_generator("lstm", vocab_size=30, embedding_dim=4, hidden_dim=5)
    init_parameters(first, torch.Generator().manual_seed(7))
    second = build_generator("lstm", vocab_size=30, embedding_dim=4, hidden_dim=5)
    init_parameters(second, torch.Generator().manual_seed(7))
    assert torch.equal(torch.rand(2), expected)
    for (name, a), b in zip(first.state_dict().items(), second.state_dict().values(), strict=True):
        assert torch.equal(a, b), name
        if "bias" in name:
            assert torch.all(a == 0)


def test_seeded_dropout_uses_its_generator():
    layer = SeededDropout(0.5).train()
    x = torch.ones(1000)
    set_random_generator(layer, torch.Generator().manual_seed(0))
    a = layer(x)
    set_random_generator(layer, torch.Generator().manual_seed(0))
    b = layer(x)
    assert torch.equal(a, b)
    assert set(a.unique().tolist()) == {0.0, 2.0}
    assert 400 < int((a == 0).sum()) < 600
    assert torch.equal(layer.eval()(x), x)
    with pytest.raises(ValueError, match="dropout"):
        SeededDropout(1.0)


def test_unknown_generator_lists_valid_names():
    with pytest.raises(ValueError, match="valid generators are 'lstm'"):
        build_generator("gru", vocab_size=5)
    assert "lstm" in GENERATORS


@pytest.mark.parametrize(
    "build, names",
    [(build_generator, sorted(GENERATORS)), (build_discriminator, sorted(DISCRIMINATORS))],
)
def test_count_parameters_counts_deep_stacks_without_building_them(build, names):
    settings = dict(
        vocab_size=13,
        embedding_dim=8,
        hidden_dim=16,
        num_heads=2,
        max_length=5,
        filter_sizes=(2, 3),
        num_filters=(4, 4),
    )
    for name in names:
        for depth in (1, 2, 5):
            module = build(name, **settings, num_layers=depth)
            expected = sum(parameter.numel() for parameter in module.parameters())
            assert count_parameters(build, name, **settings, num_layers=depth) == expected, (
                name,
                depth,
            )
