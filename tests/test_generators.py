"""Every generator architecture against the generator interface (see ``models/_sequences.py``)."""

import pytest
import torch

from sklearn_textgan.models import (
    LSTMGenerator,
    init_parameters,
    sample_sequences,
    set_random_generator,
    summed_nll,
)
from sklearn_textgan.models._relational import RelationalMemoryGenerator
from sklearn_textgan.models._transformer import TransformerGenerator

VOCAB = 13
BOS, EOS, PAD = 1, 2, 0
CPU = torch.device("cpu")

FACTORIES = {
    "lstm": lambda **kw: LSTMGenerator(VOCAB, 8, 12, num_layers=2, **kw),
    # One block and one slot: the RelGAN setting, where the input row's query is skipped.
    "relational": lambda **kw: RelationalMemoryGenerator(
        VOCAB, 8, 12, num_layers=1, mem_slots=1, num_heads=2, **kw
    ),
    "relational-deep": lambda **kw: RelationalMemoryGenerator(
        VOCAB, 8, 12, num_layers=2, mem_slots=2, num_heads=3, **kw
    ),
    "transformer": lambda **kw: TransformerGenerator(
        VOCAB, 12, 16, num_layers=2, num_heads=3, max_length=10, **kw
    ),
}
HIDDEN = {"lstm": 12, "relational": 12, "relational-deep": 24, "transformer": 12}
NEW = ["relational", "relational-deep", "transformer"]


def build(name, seed=0, **kwargs):
    """A generator initialised as the estimator does it."""
    module = FACTORIES[name](**kwargs)
    init_parameters(module, torch.Generator().manual_seed(seed))
    return module


def inputs(batch=3, length=7, seed=0):
    ids = torch.randint(3, VOCAB, (batch, length), generator=torch.Generator().manual_seed(seed))
    ids[:, 0] = BOS
    return ids


def run_steps(gen, ids, state=None):
    """Logits (batch, time, vocab) from ``step`` over ``ids``, and the final state."""
    state = gen.initial_state(ids.shape[0], CPU) if state is None else state
    logits = []
    for t in range(ids.shape[1]):
        step_logits, state = gen.step(ids[:, t], state)
        logits.append(step_logits)
    return torch.stack(logits, dim=1), state


def map_tensors(fn, state):
    if isinstance(state, torch.Tensor):
        return fn(state)
    if isinstance(state, (list, tuple)):
        return type(state)(map_tensors(fn, item) for item in state)
    return state


def tensors_of(state):
    found = []
    map_tensors(found.append, state)
    return found


@pytest.mark.parametrize("name", list(FACTORIES))
def test_forward_and_features_shapes(name):
    gen = build(name)
    ids = inputs(batch=3, length=7)
    hidden = gen.features(ids)
    assert hidden.shape == (3, 7, HIDDEN[name])
    assert gen.output.in_features == HIDDEN[name]
    logits = gen(ids)
    assert logits.shape == (3, 7, VOCAB)
    torch.testing.assert_close(logits, gen.output(hidden))
    assert torch.isfinite(logits).all()


@pytest.mark.parametrize("name", list(FACTORIES))
def test_step_matches_forward_position_by_position(name):
    gen = build(name).eval()
    ids = inputs(batch=4, length=8)
    stepped, _ = run_steps(gen, ids)
    torch.testing.assert_close(stepped, gen(ids), rtol=1e-5, atol=1e-5)


@pytest.mark.parametrize("name", list(FACTORIES))
def test_step_features_feed_the_output_layer(name):
    gen = build(name).eval()
    ids = inputs(batch=3, length=4)
    hidden_states = gen.features(ids)
    state = gen.initial_state(3, CPU)
    for t in range(4):
        hidden, state = gen.step_features(ids[:, t], state)
        assert hidden.shape == (3, HIDDEN[name])
        torch.testing.assert_close(hidden, hidden_states[:, t], rtol=1e-5, atol=1e-5)


@pytest.mark.parametrize("name", NEW)
def test_state_is_batch_aligned(name):
    gen = build(name).eval()
    ids = inputs(batch=4, length=6)
    full, _ = run_steps(gen, ids)
    _, state = run_steps(gen, ids[:, :3])
    for tensor in tensors_of(state):
        assert tensor.shape[0] == 4
    rows = torch.tensor([2, 0])
    state = map_tensors(lambda tensor: tensor[rows], state)
    rest, _ = run_steps(gen, ids[rows, 3:], state)
    torch.testing.assert_close(rest, full[rows, 3:], rtol=1e-5, atol=1e-5)


@pytest.mark.parametrize("name", list(FACTORIES))
def test_sample_sequences_respects_max_steps(name):
    gen = build(name)
    gen.train()
    ids = sample_sequences(
        gen,
        10,
        max_steps=6,
        bos_id=BOS,
        eos_id=EOS,
        pad_id=PAD,
        random_generator=torch.Generator().manual_seed(0),
        batch_size=4,
    )
    assert ids.shape == (10, 6)
    assert ids.dtype == torch.long
    assert ((ids >= 0) & (ids < VOCAB)).all()
    for row in ids.tolist():
        if EOS in row:
            assert all(token == PAD for token in row[row.index(EOS) + 1 :])
    assert gen.training  # restored


@pytest.mark.parametrize("name", list(FACTORIES))
def test_summed_nll_learns_a_repetitive_batch(name):
    torch.manual_seed(0)
    gen = build(name)
    targets = torch.tensor([[5, 6, 7, 8, 9, EOS], [9, 8, 7, EOS, PAD, PAD]]).repeat(4, 1)
    optimizer = torch.optim.Adam(gen.parameters(), lr=5e-2)
    losses = []
    for _ in range(30):
        loss, n_tokens = summed_nll(gen, targets, bos_id=BOS, pad_id=PAD)
        assert n_tokens == 40
        optimizer.zero_grad()
        (loss / n_tokens).backward()
        optimizer.step()
        losses.append(loss.item() / n_tokens)
    assert losses[0] > 2.0  # about log(VOCAB) at the start
    assert losses[-1] < 0.4 * losses[0]  # the floor is 8 * log(2) / 40 = 0.14


@pytest.mark.parametrize("name", list(FACTORIES))
def test_gradients_reach_every_parameter_through_step(name):
    gen = build(name)
    ids = inputs(batch=3, length=5)
    logits, _ = run_steps(gen, ids)
    (logits.log_softmax(-1)[..., 3] ** 2).sum().backward()
    for pname, parameter in gen.named_parameters():
        assert parameter.grad is not None, pname
        assert parameter.grad.abs().sum() > 0, pname


@pytest.mark.parametrize("name", NEW)
def test_features_and_step_give_the_same_gradients(name):
    gen = build(name).double().eval()
    ids = inputs(batch=3, length=5)
    weights = torch.randn(3, 5, VOCAB, dtype=torch.float64)
    (gen(ids) * weights).sum().backward()
    expected = {pname: p.grad.clone() for pname, p in gen.named_parameters()}
    gen.zero_grad()
    logits, _ = run_steps(gen, ids)
    (logits * weights).sum().backward()
    for pname, parameter in gen.named_parameters():
        torch.testing.assert_close(parameter.grad, expected[pname], msg=pname)


def test_invalid_head_counts_raise():
    with pytest.raises(ValueError, match="divisible by num_heads"):
        RelationalMemoryGenerator(VOCAB, 8, hidden_dim=10, num_heads=3)
    with pytest.raises(ValueError, match="divisible by num_heads"):
        TransformerGenerator(VOCAB, embedding_dim=10, num_heads=4)
    with pytest.raises(ValueError, match="num_heads"):
        TransformerGenerator(VOCAB, embedding_dim=10, num_heads=0)


def test_relational_memory_output_is_the_flattened_memory():
    gen = build("relational-deep").eval()
    ids = inputs(batch=2, length=3)
    _, memory = run_steps(gen, ids)
    assert memory.shape == (2, 2, 12)
    torch.testing.assert_close(gen.features(ids)[:, -1], memory.flatten(1))


@pytest.mark.parametrize("num_heads", [1, 2, 4])
def test_two_key_attention_is_attention_over_the_two_keys(num_heads):
    from sklearn_textgan.models._relational import attention, two_key_attention

    rng = torch.Generator().manual_seed(num_heads)
    query, *rows = (torch.randn(5, 1, 8, generator=rng, requires_grad=True) for _ in range(5))
    keys, values = tuple(rows[:2]), tuple(rows[2:])
    fast = two_key_attention(query, keys, values, num_heads)
    general = attention(query, torch.cat(keys, dim=1), torch.cat(values, dim=1), num_heads)
    torch.testing.assert_close(fast, general)
    weights = torch.randn(fast.shape, generator=rng)
    fast_grads = torch.autograd.grad((fast * weights).sum(), [query, *rows])
    general_grads = torch.autograd.grad((general * weights).sum(), [query, *rows])
    for fast_grad, general_grad in zip(fast_grads, general_grads, strict=True):
        torch.testing.assert_close(fast_grad, general_grad)


def test_single_slot_memory_matches_the_general_attention_path(monkeypatch):
    from sklearn_textgan.models import _relational

    gen = build("relational").eval()
    ids = inputs(batch=3, length=5)
    fast = gen(ids)

    def general(query, keys, values, num_heads):
        cat = torch.cat
        return _relational.attention(query, cat(keys, dim=1), cat(values, dim=1), num_heads)

    monkeypatch.setattr(_relational, "two_key_attention", general)
    torch.testing.assert_close(fast, gen(ids))


def test_reset_special_parameters_restores_layer_norms():
    for gen in (build("relational-deep"), build("transformer")):
        norms = [m for m in gen.modules() if isinstance(m, torch.nn.LayerNorm)]
        assert norms
        for norm in norms:
            assert torch.equal(norm.weight, torch.ones_like(norm.weight))
            assert torch.equal(norm.bias, torch.zeros_like(norm.bias))


def test_transformer_rejects_too_long_inputs():
    gen = build("transformer")  # max_length=10: 11 positions
    gen(inputs(batch=2, length=11))
    with pytest.raises(ValueError, match="max_length"):
        gen(inputs(batch=2, length=12))
    _, state = run_steps(gen, inputs(batch=2, length=11))
    with pytest.raises(ValueError, match="max_length"):
        gen.step(torch.full((2,), 3), state)


def test_transformer_step_uses_the_cache_instead_of_the_prefix():
    gen = build("transformer").eval()
    seen = []
    for block in gen.blocks:
        block.qkv.register_forward_hook(lambda module, args, out: seen.append(args[0].shape))
    ids = inputs(batch=3, length=6)
    state = gen.initial_state(3, CPU)
    for t in range(6):
        seen.clear()
        _, state = gen.step(ids[:, t], state)
        # Each layer projects only the new token...
        assert seen == [torch.Size([3, 1, 12])] * len(gen.blocks)
        position, caches = state
        assert torch.equal(position, torch.full((3,), t + 1))
        # ...and its keys and values grow by one position per step.
        for key, value in caches:
            assert key.shape == value.shape == (3, 3, t + 1, 4)


@pytest.mark.parametrize("name", list(FACTORIES))
def test_dropout_is_active_in_train_mode_only(name):
    plain = build(name, seed=1)
    gen = build(name, seed=1, dropout=0.5)
    gen.load_state_dict(plain.state_dict())
    ids = inputs(batch=4, length=6)

    def train_logits(seed):
        set_random_generator(gen, torch.Generator().manual_seed(seed))
        return gen.train()(ids)

    first, again, other = train_logits(0), train_logits(0), train_logits(1)
    torch.testing.assert_close(first, again)  # the masks come from the seeded generator
    assert not torch.allclose(first, other)
    assert not torch.allclose(first, plain.eval()(ids))
    torch.testing.assert_close(gen.eval()(ids), plain.eval()(ids))
    stepped, _ = run_steps(gen.eval(), ids)
    torch.testing.assert_close(stepped, plain(ids), rtol=1e-5, atol=1e-5)
