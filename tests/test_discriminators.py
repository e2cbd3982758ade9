"""Discriminators: shapes, soft inputs, gradients, causality, multiple representations."""

import pytest
import torch
from torch.nn import functional as F

from sklearn_textgan.models import init_parameters, set_random_generator
from sklearn_textgan.models._discriminators import (
    CNNDiscriminator,
    LSTMDiscriminator,
    TransformerDiscriminator,
)

VOCAB, MAX_LENGTH = 11, 6


def make(name: str, **kwargs):
    torch.manual_seed(0)
    if name == "cnn":
        settings = dict(
            embedding_dim=8, max_length=MAX_LENGTH, filter_sizes=(2, 3), num_filters=(5, 4)
        )
        model = CNNDiscriminator(VOCAB, **{**settings, **kwargs})
    elif name == "lstm":
        model = LSTMDiscriminator(VOCAB, **{**dict(embedding_dim=8, hidden_dim=6), **kwargs})
    else:
        settings = dict(embedding_dim=8, hidden_dim=12, max_length=MAX_LENGTH)
        model = TransformerDiscriminator(VOCAB, **{**settings, **kwargs})
    init_parameters(model, torch.Generator().manual_seed(1))
    return model.eval()


def ids(batch: int = 3, time: int = MAX_LENGTH + 1, seed: int = 2) -> torch.Tensor:
    return torch.randint(0, VOCAB, (batch, time), generator=torch.Generator().manual_seed(seed))


NAMES = ["cnn", "lstm", "transformer"]


@pytest.mark.parametrize("name", NAMES)
@pytest.mark.parametrize("time", [1, 4, MAX_LENGTH + 1])
def test_output_shape_for_ids_and_soft_inputs(name, time):
    model = make(name)
    x = ids(time=time)
    soft = torch.softmax(torch.randn(3, time, VOCAB), dim=-1)
    assert model(x).shape == (3, model.num_outputs) == (3, 1)
    assert model(soft).shape == (3, 1)
    assert torch.isfinite(model(soft)).all()


@pytest.mark.parametrize("name", NAMES)
def test_hard_one_hot_input_equals_ids(name):
    model = make(name, num_representations=4) if name == "cnn" else make(name)
    x = ids()
    torch.testing.assert_close(model(F.one_hot(x, VOCAB).float()), model(x))
    if model.per_token:
        torch.testing.assert_close(
            model.token_logits(F.one_hot(x, VOCAB).float()), model.token_logits(x)
        )


@pytest.mark.parametrize("name", NAMES)
def test_gradients_reach_soft_input_and_every_parameter(name):
    model = make(name, dropout=0.2).train()
    set_random_generator(model, torch.Generator().manual_seed(3))
    soft = torch.softmax(torch.randn(4, MAX_LENGTH + 1, VOCAB), dim=-1).requires_grad_(True)
    model(soft).sum().backward()
    assert soft.grad is not None and soft.grad.abs().sum() > 0
    for parameter_name, parameter in model.named_parameters():
        assert parameter.grad is not None, parameter_name
        assert parameter.grad.abs().sum() > 0, parameter_name


@pytest.mark.parametrize("name", NAMES)
def test_seeded_dropout_is_reproducible(name):
    model = make(name, dropout=0.5).train()
    outputs = []
    for _ in range(2):
        set_random_generator(model, torch.Generator().manual_seed(4))
        outputs.append(model(ids()))
    torch.testing.assert_close(outputs[0], outputs[1])


def test_per_token_flags():
    assert CNNDiscriminator.per_token is False
    assert LSTMDiscriminator.per_token is True
    assert TransformerDiscriminator.per_token is True


@pytest.mark.parametrize("name", ["lstm", "transformer"])
def test_token_logits_are_causal_and_forward_is_last_position(name):
    model = make(name)
    x = ids(time=MAX_LENGTH + 1)
    logits = model.token_logits(x)
    assert logits.shape == x.shape
    torch.testing.assert_close(model(x), logits[:, -1:])
    changed = x.clone()
    changed[:, 4] = (changed[:, 4] + 1) % VOCAB
    changed_logits = model.token_logits(changed)
    torch.testing.assert_close(changed_logits[:, :4], logits[:, :4])
    assert not torch.allclose(changed_logits[:, 4:], logits[:, 4:])


def test_cnn_multiple_representations_give_independent_outputs():
    model = make("cnn", num_representations=4)
    x = ids(batch=5)
    out = model(x)
    assert out.shape == (5, 4) and model.num_outputs == 4
    # Different embedding matrices read by the same network give different logits.
    assert (out[:, 1:] - out[:, :1]).abs().min() > 0
    # Each logit depends only on its own representation's embedding.
    with torch.no_grad():
        model.embedding.weight[2].add_(1.0)
    changed = model(x)
    torch.testing.assert_close(changed[:, [0, 1, 3]], out[:, [0, 1, 3]])
    assert not torch.allclose(changed[:, 2], out[:, 2])


def test_cnn_padding_to_full_width_does_not_change_output():
    model = make("cnn")
    x = ids(time=3)
    padded = torch.cat([x, torch.zeros(3, MAX_LENGTH + 1 - 3, dtype=torch.long)], dim=1)
    torch.testing.assert_close(model(x), model(padded))


@pytest.mark.parametrize("name", NAMES)
def test_padding_id_embeds_padding_as_zeros_for_ids_and_soft_rows(name):
    extra = dict(num_representations=4) if name == "cnn" else {}
    model = make(name, padding_id=0, **extra).train()
    assert torch.count_nonzero(model.embedding(torch.zeros(2, 3, dtype=torch.long))) == 0
    # A soft row's weight on padding counts for nothing: (1 - e) s + e pad reads as (1 - e) s.
    soft = torch.softmax(torch.randn(3, MAX_LENGTH + 1, VOCAB), dim=-1)
    ended = torch.rand(3, MAX_LENGTH + 1, 1, generator=torch.Generator().manual_seed(4))
    padding = F.one_hot(torch.zeros(3, MAX_LENGTH + 1, dtype=torch.long), VOCAB).float()
    model.eval()
    torch.testing.assert_close(
        model((1 - ended) * soft + ended * padding), model((1 - ended) * soft)
    )
    # The row is zeroed on the way in: it gets no gradient, and its stored values never count.
    model.train()
    model(soft.requires_grad_(True)).sum().backward()
    assert torch.count_nonzero(model.embedding.weight.grad[:, 0]) == 0
    assert torch.count_nonzero(model.embedding.weight.grad[:, 1:]) > 0
    with torch.no_grad():
        model.embedding.weight[:, 0] = 100.0
    model.eval()
    x = ids()
    x[:, -2:] = 0
    torch.testing.assert_close(model(x), make(name, padding_id=0, **extra)(x))


@pytest.mark.parametrize("name", NAMES)
def test_without_padding_id_padding_is_learned_like_any_id(name):
    model = make(name)
    assert model.embedding.padding_id is None
    assert torch.count_nonzero(model.embedding(torch.zeros(1, 1, dtype=torch.long))) > 0


def test_cnn_pads_short_inputs_with_the_padding_embedding():
    model = make("cnn", padding_id=0)
    x = ids(time=3)
    padded = torch.cat([x, torch.zeros(3, MAX_LENGTH + 1 - 3, dtype=torch.long)], dim=1)
    torch.testing.assert_close(model(x), model(padded))
    soft = F.one_hot(x, VOCAB).float()
    torch.testing.assert_close(model(soft), model(padded))


@pytest.mark.parametrize("padding_id", [-1, VOCAB])
def test_padding_id_outside_the_vocabulary_is_named(padding_id):
    with pytest.raises(ValueError, match="padding_id must be an id of the vocabulary"):
        make("cnn", padding_id=padding_id)


def test_cnn_skips_filters_wider_than_its_input():
    model = make("cnn", max_length=2, filter_sizes=(2, 3, 5), num_filters=(3, 3, 3))
    assert model.filter_sizes == (2, 3)
    assert model(ids(time=1)).shape == (3, 1)
    clipped = make("cnn", max_length=2, filter_sizes=(5, 4), num_filters=(3, 2))
    assert clipped.filter_sizes == (3,)
    assert clipped(ids(time=3)).shape == (3, 1)


@pytest.mark.parametrize("name", ["cnn", "transformer"])
def test_too_wide_input_raises(name):
    with pytest.raises(ValueError, match="at most 7 positions"):
        make(name)(ids(time=MAX_LENGTH + 2))


def test_invalid_head_count_raises():
    with pytest.raises(ValueError, match="divisible by num_heads"):
        TransformerDiscriminator(VOCAB, embedding_dim=10, num_heads=3)


def test_errors_name_the_discriminator_setting_that_was_given():
    from sklearn_textgan.models import build_discriminator

    # The module checks embedding_dim; the user set discriminator_embedding_dim.
    with pytest.raises(ValueError, match=r"^discriminator_embedding_dim \(6\) must be divisible"):
        build_discriminator(
            "transformer", vocab_size=VOCAB, max_length=MAX_LENGTH, embedding_dim=8,
            discriminator_embedding_dim=6, num_heads=4,
        )  # fmt: skip
    with pytest.raises(ValueError, match=r"^embedding_dim \(6\) must be divisible"):
        build_discriminator(
            "transformer", vocab_size=VOCAB, max_length=MAX_LENGTH, embedding_dim=6, num_heads=4
        )


def test_mismatched_filter_lists_raise():
    with pytest.raises(ValueError, match="same length"):
        CNNDiscriminator(VOCAB, filter_sizes=(2, 3), num_filters=(4,))


def test_cnn_representations_split_the_embedding_and_must_divide_it():
    model = CNNDiscriminator(VOCAB, embedding_dim=8, max_length=MAX_LENGTH, num_representations=8)
    assert model.embedding.weight.shape == (8, VOCAB, 1)
    with pytest.raises(ValueError, match="divisible by num_representations"):
        CNNDiscriminator(VOCAB, embedding_dim=8, max_length=MAX_LENGTH, num_representations=3)


def test_relgan_embedding_starts_at_its_published_scale():
    """Several representations: normal, std 1/sqrt(vocab), cut at 2 std (RelGAN's code)."""
    vocab = 5000
    model = CNNDiscriminator(vocab, embedding_dim=64, max_length=MAX_LENGTH, num_representations=64)
    init_parameters(model, torch.Generator().manual_seed(0))
    weight = model.embedding.weight
    std = 1 / vocab**0.5
    assert weight.abs().max() <= 2 * std
    # A normal cut at two standard deviations keeps 88 % of its spread.
    assert abs(weight.std().item() - 0.880 * std) < 0.02 * std
    again = CNNDiscriminator(vocab, embedding_dim=64, max_length=MAX_LENGTH, num_representations=64)
    init_parameters(again, torch.Generator().manual_seed(0))
    assert torch.equal(again.embedding.weight, weight)
    # One representation keeps the embedding rule: uniform, bound 1/sqrt(width).
    single = CNNDiscriminator(vocab, embedding_dim=64, max_length=MAX_LENGTH)
    init_parameters(single, torch.Generator().manual_seed(0))
    assert single.embedding.weight.abs().max() > 0.9 / 8
    assert single.embedding.weight.abs().max() <= 1 / 8


def test_cnn_window_products_equal_a_convolution():
    from sklearn_textgan.models._discriminators import _convolve_and_pool

    torch.manual_seed(0)
    conv = torch.nn.Conv2d(1, 5, kernel_size=(3, 4))
    sequences = torch.randn(6, 9, 4, requires_grad=True)
    expected = F.relu(conv(sequences[:, None])).squeeze(3).amax(dim=2)
    upstream = torch.randn_like(expected)
    expected_grads = torch.autograd.grad((expected * upstream).sum(), (sequences, conv.weight))
    got = _convolve_and_pool(sequences, conv)
    torch.testing.assert_close(got, expected)
    got_grads = torch.autograd.grad((got * upstream).sum(), (sequences, conv.weight))
    for a, b in zip(got_grads, expected_grads, strict=True):
        torch.testing.assert_close(a, b)
    with torch.no_grad():
        torch.testing.assert_close(_convolve_and_pool(sequences, conv), expected)


@pytest.mark.parametrize("representations", [1, 2])
def test_cnn_completion_logits_share_the_prefix_windows_exactly(representations):
    torch.manual_seed(7)
    discriminator = make("cnn", num_representations=representations).eval()
    groups, rows = 3, 4
    first = ids(batch=rows, seed=8)
    for shared in [1, 2, 4, MAX_LENGTH]:
        rest = ids(batch=groups * rows, seed=shared)
        x = torch.cat([first[:, :shared].repeat(groups, 1), rest[:, shared:]], dim=1)
        with torch.no_grad():
            got = discriminator.completion_logits(x, shared=shared, groups=groups)
            expected = discriminator(x)
        torch.testing.assert_close(got, expected, rtol=1e-5, atol=1e-5)


def test_cnn_completion_logits_need_whole_groups():
    with pytest.raises(ValueError, match="groups"):
        make("cnn").completion_logits(ids(batch=5), shared=2, groups=2)
