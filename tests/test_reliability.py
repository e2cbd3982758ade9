"""Divergence, interruption, mode-collapse monitoring and hostile input."""

import math
import warnings

import numpy as np
import pytest
import torch
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import sklearn_textgan.training._adversarial as adversarial_module
import sklearn_textgan.training._mle as mle_module
from sklearn_textgan import TextGAN, TextTokenizer
from sklearn_textgan._tokenizer import EOS_ID, PAD_ID
from sklearn_textgan.datasets import make_grammar_corpus
from sklearn_textgan.training import (
    DivergenceGuard,
    GANLoss,
    SeqGAN,
    TrainingDivergedError,
    distinct_2,
    mean_length,
    progress_line,
)
from sklearn_textgan.training._guard import MAX_RESTORES, SKIPS_BEFORE_RESTORE

TEXTS = make_grammar_corpus(160, random_state=0)
HELD_OUT = make_grammar_corpus(10, random_state=1)


def tiny(**params) -> TextGAN:
    defaults = dict(
        embedding_dim=8, hidden_dim=16, pretrain_epochs=3, batch_size=32, random_state=0
    )
    defaults.update(params)
    return TextGAN(**defaults)


def tiny_gan(**params) -> TextGAN:
    defaults = dict(
        algorithm="seqgan",
        n_rollouts=2,
        num_filters=4,
        pretrain_epochs=1,
        discriminator_pretrain_epochs=1,
        adversarial_epochs=3,
        d_steps=2,
    )
    defaults.update(params)
    return tiny(**defaults)


def finite_weights(gan: TextGAN) -> bool:
    modules = [gan.generator_, gan.discriminator_]
    return all(
        bool(torch.isfinite(value).all())
        for module in modules
        if module is not None
        for value in module.state_dict().values()
    )


def nan_losses_at(monkeypatch, calls: set[int] | None) -> dict:
    """Make the maximum-likelihood loss NaN at the given training calls (None: always)."""
    original = mle_module.summed_nll
    counter = {"n": 0}

    def summed_nll(generator, targets, **kwargs):
        loss, n_tokens = original(generator, targets, **kwargs)
        if generator.training:  # training steps only, not the validation NLL
            counter["n"] += 1
            if calls is None or counter["n"] in calls:
                loss = loss * float("nan")
        return loss, n_tokens

    monkeypatch.setattr(mle_module, "summed_nll", summed_nll)
    return counter


# --------------------------------------------------------------- divergence


def test_isolated_nan_losses_are_skipped_and_counted(monkeypatch):
    nan_losses_at(monkeypatch, {2, 7})
    gan = tiny().fit(TEXTS)
    assert gan.history_["skipped_steps"] == [1, 1, 0]
    assert finite_weights(gan)
    assert all(math.isfinite(loss) for loss in gan.history_["train_loss"])
    assert gan.history_["learning_rate"][0] == pytest.approx(0.005)  # no restore for two


def test_a_run_of_nan_losses_restores_and_lowers_the_learning_rate(monkeypatch):
    nan_losses_at(monkeypatch, set(range(2, 2 + SKIPS_BEFORE_RESTORE)))
    gan = tiny(validation_fraction=0.0).fit(TEXTS)
    assert gan.history_["skipped_steps"] == [SKIPS_BEFORE_RESTORE, 0, 0]
    assert gan.history_["learning_rate"][0] == pytest.approx(0.0005)
    assert finite_weights(gan)
    assert np.isfinite(gan.score(HELD_OUT))


def test_persistent_nan_loss_stops_with_a_clear_error_and_a_usable_model(monkeypatch):
    nan_losses_at(monkeypatch, None)
    gan = tiny()
    initial = tiny(pretrain_epochs=0).fit(TEXTS)
    with pytest.raises(TrainingDivergedError, match="generator's loss.*maximum-likelihood") as info:
        gan.fit(TEXTS)
    assert (info.value.module, info.value.cause) == ("generator", "loss")
    assert str(MAX_RESTORES) in str(info.value)
    # Never a good epoch: the last good weights are the initial ones, kept and usable.
    for key, value in initial.generator_.state_dict().items():
        assert torch.equal(gan.generator_.state_dict()[key], value)
    assert len(gan.sample(3, random_state=0)) == 3
    assert np.isfinite(gan.score(HELD_OUT))


def test_non_finite_gradient_with_a_finite_loss_is_skipped(monkeypatch):
    original = mle_module.summed_nll

    def summed_nll(generator, targets, **kwargs):
        loss, n_tokens = original(generator, targets, **kwargs)
        if generator.training:
            # sqrt at 0: the value is 0, the gradient is NaN.
            loss = loss + torch.sqrt(generator.output.bias.sum() * 0.0)
        return loss, n_tokens

    monkeypatch.setattr(mle_module, "summed_nll", summed_nll)
    with pytest.raises(TrainingDivergedError, match="gradient") as info:
        tiny().fit(TEXTS)
    assert info.value.cause == "gradient"


def test_discriminator_divergence_names_the_discriminator(monkeypatch):
    get_loss = adversarial_module.get_loss

    def nan_loss(name):
        real = get_loss(name)
        return GANLoss(
            discriminator=lambda r, f: real.discriminator(r, f) * float("nan"),
            generator=real.generator,
        )

    monkeypatch.setattr(adversarial_module, "get_loss", nan_loss)
    gan = tiny_gan(discriminator_pretrain_epochs=3)  # 15 steps: enough to give up
    with pytest.raises(TrainingDivergedError, match="discriminator's loss.*adversarial"):
        gan.fit(TEXTS)
    assert finite_weights(gan)
    assert len(gan.sample(2, random_state=0)) == 2


def test_large_learning_rate_never_puts_non_finite_values_in_the_weights():
    gan = tiny(learning_rate=1e6, clip_norm=None, pretrain_epochs=2)
    try:
        gan.fit(TEXTS)
    except TrainingDivergedError:
        pass
    assert finite_weights(gan)
    assert np.isfinite(gan.score(HELD_OUT))


def test_guard_skips_and_restores_on_its_own():
    layer = torch.nn.Linear(3, 1)
    optimizer = torch.optim.Adam(layer.parameters(), lr=0.5)
    guard = DivergenceGuard("layer", "a test", layer, optimizer, clip_norm=None)
    start = {k: v.clone() for k, v in layer.state_dict().items()}
    assert guard.step(layer(torch.ones(1, 3)).sum())  # moves the weights
    nan = torch.tensor(float("nan"), requires_grad=True)
    for _ in range(SKIPS_BEFORE_RESTORE):
        assert not guard.step(nan * layer.weight.sum())
    # Restored to the last good state (the start: no epoch ended since) with a lower rate.
    assert all(torch.equal(layer.state_dict()[k], v) for k, v in start.items())
    assert optimizer.param_groups[0]["lr"] == pytest.approx(0.05)


# ------------------------------------------------------------- interruption


def interrupt_at(monkeypatch, owner, name: str, call: int) -> None:
    original = getattr(owner, name)
    counter = {"n": 0}

    def interrupted(*args, **kwargs):
        counter["n"] += 1
        if counter["n"] == call:
            raise KeyboardInterrupt
        return original(*args, **kwargs)

    monkeypatch.setattr(owner, name, interrupted)


def test_ctrl_c_in_the_mle_phase_leaves_a_fitted_estimator(monkeypatch):
    # 5 training batches and 1 validation call per epoch: call 14 is in epoch 3.
    interrupt_at(monkeypatch, mle_module, "summed_nll", 14)
    gan = tiny(pretrain_epochs=10)
    with pytest.warns(UserWarning, match="interrupted.*after 2 complete epoch"):
        assert gan.fit(TEXTS) is gan
    assert len(gan.history_) == 2
    assert len(gan.sample(3, random_state=0)) == 3
    assert np.isfinite(gan.score(HELD_OUT))
    assert not gan.generator_.training


def test_ctrl_c_in_the_adversarial_phase_leaves_a_fitted_estimator(monkeypatch):
    interrupt_at(monkeypatch, SeqGAN, "generator_step", 2)
    gan = tiny_gan()
    with pytest.warns(UserWarning, match="interrupted"):
        gan.fit(TEXTS)
    assert gan.history_["phase"] == ["mle", "discriminator", "adversarial"]
    assert gan.discriminator_ is not None and finite_weights(gan)
    assert len(gan.sample(3, random_state=0)) == 3


# ---------------------------------------------------------- mode collapse


def test_distinct_2_by_hand():
    eos, pad = 2, 0
    collapsed = torch.tensor([[4, 5, 6, 2]] * 8)
    varied = torch.tensor([[4, 5, 6, 2], [6, 5, 4, 2], [5, 5, 2, 0], [7, 8, 9, 4]])
    assert distinct_2(collapsed, eos_id=eos, pad_id=pad) == pytest.approx(2 / 16)
    assert distinct_2(varied, eos_id=eos, pad_id=pad) == 1.0
    assert distinct_2(torch.tensor([[4, 2], [2, 0]]), eos_id=eos, pad_id=pad) == 0.0


def test_mean_length_by_hand():
    eos, pad = 2, 0
    sequences = torch.tensor([[4, 5, 6, 2], [4, 2, 0, 0], [2, 0, 0, 0], [7, 8, 9, 4]])
    # 3, 1 and 0 tokens before the end; the last row never ends and counts all 4.
    assert mean_length(sequences, eos_id=eos, pad_id=pad) == pytest.approx(8 / 4)
    assert mean_length(sequences[:0], eos_id=eos, pad_id=pad) == 0.0


def test_history_records_the_mean_length_of_the_monitor_samples():
    gan = tiny(pretrain_epochs=10, learning_rate=0.01).fit(TEXTS)
    ids = torch.as_tensor(gan.tokenizer_.transform(TEXTS))
    real_length = mean_length(ids, eos_id=EOS_ID, pad_id=PAD_ID)
    first, last = gan.history_["mean_length"][0], gan.history_["mean_length"][-1]
    # After one epoch the model rarely ends a text; once trained, its samples are
    # about as long as the training texts (6.9 tokens).
    assert first > real_length + 3
    assert abs(last - real_length) < 1.5


def test_end_unended_cuts_rows_without_an_end_at_their_last_column():
    from sklearn_textgan.models import end_unended

    ids = torch.tensor([[4, 5, 6, 7], [4, 2, 0, 0], [4, 5, 6, 2]])
    ended = end_unended(ids.clone(), eos_id=2)
    assert ended.tolist() == [[4, 5, 6, 2], [4, 2, 0, 0], [4, 5, 6, 2]]


def test_monitored_length_counts_what_sample_returns_when_texts_do_not_end():
    # After one epoch the model rarely ends a text within 3 tokens, so most
    # monitor rows reach the last column (the room for the end) unended; as
    # sample() does, they count max_length_ tokens, not one more.
    with pytest.warns(UserWarning, match="truncated"):
        gan = tiny(pretrain_epochs=1, max_length=3).fit(TEXTS)
    length = gan.history_["mean_length"][0]
    assert 2.5 < length <= gan.max_length_ == 3
    sampled = gan.sample(200, random_state=0)
    assert max(len(text.split()) for text in sampled) == 3


def test_history_records_diversity_and_verbose_shows_it(capsys):
    gan = tiny_gan(verbose=2).fit(TEXTS)
    phases = gan.history_["phase"]
    values = gan.history_["distinct_2"]
    lengths = gan.history_["mean_length"]
    for phase, value, length in zip(phases, values, lengths, strict=True):
        if phase == "discriminator":
            assert value is None and length is None  # the generator did not change
        else:
            assert 0.0 <= value <= 1.0
            assert 0.0 <= length <= gan.max_length_
    out = capsys.readouterr().out
    assert "distinct_2" in out and "[adversarial]" in out


def test_diversity_monitoring_leaves_training_unchanged(monkeypatch):
    monitored = tiny_gan(dropout=0.1).fit(TEXTS)
    for module in (mle_module, adversarial_module):
        monkeypatch.setattr(
            module, "epoch_monitor", lambda state, config: {"distinct_2": None, "mean_length": None}
        )
    unmonitored = tiny_gan(dropout=0.1).fit(TEXTS)
    assert unmonitored.history_["distinct_2"][0] is None
    assert unmonitored.history_["mean_length"][0] is None
    for key in ("generator_", "discriminator_"):
        a, b = getattr(monitored, key).state_dict(), getattr(unmonitored, key).state_dict()
        assert all(torch.equal(a[name], b[name]) for name in a)


def test_progress_line_shows_skipped_steps_only_when_there_are_some():
    record = {"phase": "mle", "epoch": 1, "train_loss": 1.0, "skipped_steps": 0, "seconds": 0.1}
    assert "skipped" not in progress_line(record, 3)
    assert "skipped 4" in progress_line({**record, "skipped_steps": 4}, 3)


# ------------------------------------------------------------ hostile input

# Any text: control characters, emoji, combining and right-to-left marks, whitespace
# of all kinds (hypothesis leaves out lone surrogates), plus a few chosen cases.
hostile_text = st.text(max_size=40) | st.sampled_from(
    ["", " ", "\t\n\r", "\x00", "<pad> <eos>", "\U0001f600" * 5, "a" * 300]
)

FAST = settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)


@FAST
@given(
    texts=st.lists(hostile_text, min_size=1, max_size=8), level=st.sampled_from(["word", "char"])
)
def test_tokenizer_on_hostile_text_works_or_raises_value_error(texts, level):
    tokenizer = TextTokenizer(level=level, max_vocabulary=20)
    try:
        ids = tokenizer.fit_transform(texts)
    except ValueError as error:
        assert "no tokens" in str(error)
        return
    assert ids.dtype == np.int64 and ids.shape[0] == len(texts)
    assert ids.min() >= 0 and ids.max() < len(tokenizer.vocabulary_)
    assert len(tokenizer.vocabulary_) <= 20 + 4  # max_vocabulary respected
    decoded = tokenizer.inverse_transform(ids)
    assert len(decoded) == len(texts) and all(isinstance(text, str) for text in decoded)


@FAST
@given(texts=st.lists(hostile_text, min_size=1, max_size=6))
def test_char_tokenizer_round_trips_any_text(texts):
    tokenizer = TextTokenizer(level="char", lowercase=False)
    if not any(texts):
        return
    assert tokenizer.fit(texts).inverse_transform(tokenizer.transform(texts)) == texts


mixed_items = st.one_of(
    hostile_text,
    st.integers(),
    st.floats(allow_nan=True),
    st.none(),
    st.binary(max_size=5),
    st.lists(st.text(max_size=3), max_size=2),
)


@FAST
@given(items=st.lists(mixed_items, max_size=6), wrap=st.sampled_from(["list", "array", "gen"]))
def test_mixed_types_give_clear_errors(items, wrap):
    if wrap == "array":
        X = np.array(items, dtype=object)
    elif wrap == "gen":
        X = (item for item in items)
    else:
        X = items
    try:
        TextTokenizer().fit(X)
    except (TypeError, ValueError) as error:
        assert str(error)  # a message, not a bare exception from deep inside
        return
    assert items and all(isinstance(item, str) for item in items)


@FAST
@given(
    texts=st.lists(hostile_text, min_size=1, max_size=8),
    wrap=st.sampled_from(["list", "tuple", "array", "gen"]),
    level=st.sampled_from(["word", "char"]),
)
def test_textgan_on_hostile_text_works_or_raises_clearly(texts, wrap, level):
    X = {
        "list": texts,
        "tuple": tuple(texts),
        "array": np.array(texts, dtype=str),  # numpy string array
        "gen": (text for text in texts),
    }[wrap]
    gan = TextGAN(
        tokenizer=TextTokenizer(level=level),
        embedding_dim=4,
        hidden_dim=8,
        pretrain_epochs=1,
        max_length=12,
        random_state=0,
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # truncation warnings are expected here
        try:
            gan.fit(X)
        except ValueError as error:
            assert "no tokens" in str(error) or "empty" in str(error)
            return
        samples = gan.sample(3, random_state=0)
        scores = gan.score_samples(list(texts) + ["\x00\U0001f600 unseen"])
    assert len(samples) == 3 and all(isinstance(text, str) for text in samples)
    assert np.all(np.isfinite(scores))
    assert gan.max_length_ == 12


@FAST
@given(
    ids=st.lists(
        st.lists(st.integers(min_value=0, max_value=60), min_size=1, max_size=6),
        min_size=1,
        max_size=6,
    )
)
def test_textgan_on_arbitrary_token_ids_works_or_raises_clearly(ids):
    width = max(len(row) for row in ids)
    X = np.array([row + [0] * (width - len(row)) for row in ids], dtype=np.int64)
    gan = TextGAN(embedding_dim=4, hidden_dim=8, pretrain_epochs=1, random_state=0)
    try:
        gan.fit(X)
    except ValueError as error:
        assert "empty" in str(error)
        return
    assert gan.sample(2, random_state=0).shape == (2, gan.max_length_ + 1)
    assert np.all(np.isfinite(gan.score_samples(X)))


@pytest.mark.parametrize(
    "X, error, match",
    [
        (np.array([[0, 5, 2**40]]), ValueError, "too large"),
        (np.array([[1.5, 2.0]]), TypeError, "1-D"),
        (np.array([[True, False]]), TypeError, "1-D"),
        (np.array([b"bytes", b"more"]), TypeError, "element 0 is bytes"),
        (np.array([["a", "b"], ["c", "d"]]), TypeError, "1-D"),
        ([["nested"], ["lists"]], TypeError, "element 0 is list"),
        ({"a": 1}.values(), TypeError, "element 0 is int"),
    ],
)
def test_malformed_containers_give_clear_errors(X, error, match):
    with pytest.raises(error, match=match):
        TextGAN(embedding_dim=4, hidden_dim=8, pretrain_epochs=1).fit(X)


# ----------------------------------------------------------- bounded memory


def test_long_texts_are_truncated_with_one_warning_and_bounded_memory():
    huge = " ".join(["word"] * 200_000)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        gan = tiny(max_length=10, pretrain_epochs=1).fit(TEXTS[:20] + [huge])
    truncation = [w for w in caught if "truncated" in str(w.message)]
    assert len(truncation) == 1
    assert gan.max_length_ == 10
    # The id matrix never had 200,000 columns: the tokenizer truncates while encoding.
    assert gan.tokenizer_.max_length == 10
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        assert np.isfinite(gan.score_samples([huge, "the cat"])).all()
    assert len([w for w in caught if "truncated" in str(w.message)]) == 1


def test_vocabulary_respects_max_vocabulary():
    texts = [" ".join(f"w{i}_{j}" for j in range(50)) for i in range(40)]  # 2,000 words
    gan = tiny(tokenizer=TextTokenizer(max_vocabulary=100), pretrain_epochs=1).fit(texts)
    assert gan.vocabulary_size_ == 100 + 4
    assert gan.generator_.output.out_features == 100 + 4


def test_sample_of_a_large_n_runs_in_bounded_batches(monkeypatch):
    gan = tiny(pretrain_epochs=1).fit(TEXTS)
    sizes = []
    original = type(gan.generator_).initial_state

    def initial_state(self, batch_size, device):
        sizes.append(batch_size)
        return original(self, batch_size, device)

    monkeypatch.setattr(type(gan.generator_), "initial_state", initial_state)
    texts = gan.sample(3000, random_state=0)
    assert len(texts) == 3000
    assert max(sizes) <= 512 and sum(sizes) == 3000
