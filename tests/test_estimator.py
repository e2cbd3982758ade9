"""TextGAN and the scikit-learn contract, ported to string data."""

import copy
import pickle
import re
import warnings

import joblib
import numpy as np
import pytest
import torch
from sklearn.base import clone
from sklearn.exceptions import NotFittedError
from sklearn.model_selection import GridSearchCV, KFold, cross_val_score
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import FunctionTransformer
from sklearn.utils import estimator_checks

from sklearn_textgan import TextGAN, TextTokenizer
from sklearn_textgan.training import ALGORITHMS

CORPUS = [
    "the cat sat on the mat.",
    "the dog sat on the rug.",
    "a cat ran to the door.",
    "a dog ran to the park.",
    "the bird sang in the tree.",
    "a bird flew over the house.",
    "the cat chased the bird.",
    "the dog chased the cat.",
] * 6
HELD_OUT = ["the cat ran to the park.", "a dog sat on the mat.", "the bird sat on the rug."]


def tiny(**params) -> TextGAN:
    defaults = dict(
        embedding_dim=8, hidden_dim=16, pretrain_epochs=2, batch_size=16, random_state=0
    )
    defaults.update(params)
    return TextGAN(**defaults)


@pytest.fixture(scope="module")
def fitted() -> TextGAN:
    return tiny(pretrain_epochs=5).fit(CORPUS)


def state_dicts_equal(a: TextGAN, b: TextGAN) -> bool:
    sa, sb = a.generator_.state_dict(), b.generator_.state_dict()
    return sa.keys() == sb.keys() and all(torch.equal(sa[k], sb[k]) for k in sa)


# ----------------------------------------------------------- data-free checks


@pytest.mark.parametrize(
    "check",
    [
        estimator_checks.check_get_params_invariance,
        estimator_checks.check_set_params,
        estimator_checks.check_no_attributes_set_in_init,
        estimator_checks.check_parameters_default_constructible,
        estimator_checks.check_do_not_raise_errors_in_init_or_set_params,
        estimator_checks.check_estimator_cloneable,
        estimator_checks.check_estimator_repr,
        estimator_checks.check_estimator_tags_renamed,
    ],
    ids=lambda check: check.__name__,
)
def test_data_free_estimator_checks(check):
    check("TextGAN", TextGAN())


def test_tags_declare_raw_text_input():
    tags = TextGAN().__sklearn_tags__()
    assert tags.input_tags.string is True
    assert tags.input_tags.two_d_array is False
    assert tags.target_tags.required is False


def test_init_stores_params_verbatim():
    tokenizer = TextTokenizer(level="char")
    gan = TextGAN(tokenizer=tokenizer, hidden_dim=7, random_state=np.random.RandomState(3))
    params = gan.get_params(deep=False)
    assert params["tokenizer"] is tokenizer
    assert params["hidden_dim"] == 7
    assert not [k for k in vars(gan) if k.endswith("_")]


# ------------------------------------------------------------- fit contract


def test_fit_returns_self_and_sets_fitted_attributes():
    gan = tiny()
    assert gan.fit(CORPUS) is gan
    assert isinstance(gan.tokenizer_, TextTokenizer)
    assert gan.vocabulary_size_ == len(gan.tokenizer_.vocabulary_)
    assert gan.max_length_ == max(len(gan.tokenizer_.tokenize(t)) for t in CORPUS)
    assert len(gan.history_) == 2
    assert gan.device_ == torch.device("cpu")


@pytest.mark.parametrize("method", ["sample", "score", "score_samples"])
def test_not_fitted_error(method):
    gan = tiny()
    args = () if method == "sample" else (HELD_OUT,)
    with pytest.raises(NotFittedError):
        getattr(gan, method)(*args)


def test_fit_does_not_change_params():
    tokenizer = TextTokenizer()
    gan = tiny(tokenizer=tokenizer)
    before = copy.deepcopy(gan.get_params(deep=True))
    gan.fit(CORPUS)
    after = gan.get_params(deep=True)
    assert before.keys() == after.keys()
    for key in before:
        if key == "tokenizer":
            assert after[key] is tokenizer
        else:
            assert before[key] == after[key], key
    assert not hasattr(tokenizer, "vocabulary_"), "the tokenizer parameter must be cloned"


def test_refit_with_int_random_state_is_bit_identical():
    first = tiny(dropout=0.2).fit(CORPUS)
    second = tiny(dropout=0.2).fit(CORPUS)
    assert state_dicts_equal(first, second)
    assert first.score(HELD_OUT) == second.score(HELD_OUT)
    assert first.history_["train_loss"] == second.history_["train_loss"]
    # Fitting the same object twice is idempotent too.
    state = {k: v.clone() for k, v in first.generator_.state_dict().items()}
    first.fit(CORPUS)
    assert all(torch.equal(state[k], v) for k, v in first.generator_.state_dict().items())


def test_fit_does_not_touch_global_random_state():
    torch.manual_seed(123)
    expected = torch.rand(3)
    torch.manual_seed(123)
    tiny(dropout=0.3).fit(CORPUS).sample(5, random_state=0)
    assert torch.equal(torch.rand(3), expected)


def test_different_seeds_give_different_models():
    assert not state_dicts_equal(tiny(random_state=0).fit(CORPUS), tiny(random_state=1).fit(CORPUS))


def test_y_none_is_the_unconditional_model():
    # y is no longer ignored (labels train a style-conditioned model, see
    # test_conditional.py); y=None must give exactly the unconditional model.
    with_none = tiny().fit(CORPUS, y=None)
    without_y = tiny().fit(CORPUS)
    assert state_dicts_equal(with_none, without_y)
    assert not hasattr(with_none, "classes_")


def test_accepts_tuple_ndarray_and_generator_of_strings():
    reference = tiny().fit(CORPUS)
    for X in (tuple(CORPUS), np.array(CORPUS), (text for text in CORPUS)):
        assert state_dicts_equal(tiny().fit(X), reference)


# ------------------------------------------------------------ bad input


@pytest.mark.parametrize(
    "X, error, message",
    [
        ("the cat sat.", TypeError, "single str"),
        (None, TypeError, "got None"),
        ([], ValueError, "empty"),
        (["a cat", 3], TypeError, "element 1 is int"),
        (["a cat", None], TypeError, "element 1 is NoneType"),
        (["", "   ", "\n"], ValueError, "no tokens"),
        (np.array([["a", "b"]]), TypeError, "1-D"),
        (42, TypeError, "int"),
        ({"text": ["a cat sat."]}, TypeError, "ordered collection"),
        ({"a cat sat.", "a dog ran."}, TypeError, "ordered collection"),
    ],
)
def test_bad_training_input_gives_clear_errors(X, error, message):
    with pytest.raises(error, match=message):
        tiny().fit(X)


def test_bad_scoring_input_gives_clear_errors(fitted):
    with pytest.raises(TypeError, match="single str"):
        fitted.score("the cat sat.")
    with pytest.raises(ValueError, match="empty"):
        fitted.score_samples([])
    with pytest.raises(TypeError, match="element 0"):
        fitted.score([1.5])


@pytest.mark.parametrize(
    "params, match",
    [
        ({"algorithm": "gan9000"}, r"Unknown algorithm 'gan9000'; valid algorithms are .*'mle'"),
        ({"generator": "gru"}, "generator"),
        ({"discriminator": "svm"}, "discriminator"),
        ({"loss": "wasserstein"}, "loss"),
        ({"temperature_schedule": "cosine"}, "temperature_schedule"),
        ({"gumbel_temperature": 0.5}, "gumbel_temperature"),
        ({"n_rollouts": 0}, "n_rollouts"),
        ({"hidden_dim": 0}, "hidden_dim"),
        ({"dropout": 1.0}, "dropout"),
        ({"learning_rate": -1.0}, "learning_rate"),
        # Beyond float32: torch's own overflow error, or NaN losses, without the bound.
        ({"learning_rate": 1e300}, r"'learning_rate' .* range \(0.0, 3.40"),
        ({"adversarial_learning_rate": 1e39}, "adversarial_learning_rate"),
        ({"gumbel_temperature": float("inf")}, "gumbel_temperature"),
        ({"optimizer": "sgd"}, "optimizer"),
        ({"validation_fraction": 1.0}, "validation_fraction"),
        ({"max_length": 0}, "max_length"),
        ({"batch_size": 0}, "batch_size"),
        ({"device": "tpu"}, "device"),
        ({"tokenizer": "word"}, "tokenizer"),
    ],
)
def test_invalid_params_rejected_at_fit(params, match):
    with pytest.raises(ValueError, match=match):
        tiny(**params).fit(CORPUS)


def test_cuda_request_without_cuda_is_a_clear_error():
    if torch.cuda.is_available():
        pytest.skip("CUDA is available here")
    with pytest.raises(ValueError, match="CUDA is not available"):
        tiny(device="cuda").fit(CORPUS)


def test_an_indexed_cpu_device_is_the_cpu(tmp_path):
    # torch accepts "cpu:0", but torch.load cannot map a file's tensors to it.
    gan = tiny(device="cpu:0").fit(CORPUS)
    assert gan.device_ == torch.device("cpu")
    gan.save(tmp_path / "gan.textgan")
    for device in (None, "cpu:0"):
        loaded = TextGAN.load(tmp_path / "gan.textgan", device=device)
        assert loaded.score(HELD_OUT) == gan.score(HELD_OUT)


def test_auto_device_resolves():
    gan = tiny(device="auto").fit(CORPUS)
    expected = "cuda" if torch.cuda.is_available() else "cpu"
    assert gan.device_.type == expected


@pytest.mark.parametrize(
    "kwargs, error",
    [
        ({"n_samples": 0}, ValueError),
        ({"n_samples": -3}, ValueError),
        ({"n_samples": 2.5}, TypeError),
        ({"n_samples": True}, TypeError),
        ({"temperature": 0.0}, ValueError),
        ({"temperature": float("inf")}, ValueError),
        ({"temperature": "hot"}, TypeError),
        ({"temperature": 1e-45}, ValueError),  # 1 / temperature overflows float32
        ({"random_state": -1}, ValueError),
    ],
)
def test_bad_sample_arguments(fitted, kwargs, error):
    with pytest.raises(error):
        fitted.sample(**kwargs)


def test_more_samples_than_memory_holds_is_refused_before_sampling(fitted):
    # Before, sampling ran batch after batch until the memory was gone.
    with pytest.raises(ValueError, match=r"sample\(1000000000000\) needs .* GiB .* fewer texts"):
        fitted.sample(10**12)


def test_a_max_length_beyond_memory_names_the_longest_text(fitted):
    # Before, numpy's MemoryError ("Unable to allocate 146. TiB").
    with pytest.raises(ValueError, match=r"max_length=10{12} needs .* near the longest text's"):
        tiny(max_length=10**12).fit(CORPUS)


@pytest.mark.parametrize(
    "params, named",
    [
        (dict(embedding_dim=10**9), r"the 'lstm' generator \(.*embedding_dim=1000000000"),
        (dict(hidden_dim=10**7), r"hidden_dim=10000000"),
        # Counted, not built: building 10**8 layers one by one would hang.
        (dict(num_layers=10**8), r"num_layers=100000000"),
        (
            dict(algorithm="seqgan", num_filters=10**8),
            r"the 'lstm' generator and the 'cnn' discriminator .*num_filters=\(100000000",
        ),
    ],
)
def test_a_model_too_large_for_memory_is_refused_naming_its_sizes(params, named):
    # Before, PyTorch's allocator failed ("can't allocate memory: you tried to
    # allocate 40000000000 bytes"), naming no setting; num_layers hung.
    with pytest.raises(ValueError, match=named + r".* parameters: training them needs .* GiB"):
        tiny(**params).fit(CORPUS)


def test_a_too_large_discriminator_for_a_warm_start_keeps_the_pretrained_model():
    gan = tiny(warm_start=True).fit(CORPUS)
    attributes, samples, score = fitted_state(gan)
    gan.set_params(algorithm="seqgan", num_filters=10**8)
    with pytest.raises(ValueError, match="the 'cnn' discriminator"):
        gan.fit(CORPUS)
    after_attributes, after_samples, after_score = fitted_state(gan)
    assert all(after_attributes[key] is value for key, value in attributes.items())
    assert after_samples == samples and after_score == score


def test_the_lowest_temperature_samples_the_most_likely_tokens(fitted):
    coldest = fitted.sample(20, temperature=1e-6, random_state=0)
    assert coldest == fitted.sample(20, temperature=1e-6, random_state=1)


# --------------------------------------------------------------- sampling


def test_sample_returns_strings_and_is_seeded(fitted):
    texts = fitted.sample(20, random_state=0)
    assert len(texts) == 20 and all(isinstance(text, str) for text in texts)
    assert texts == fitted.sample(20, random_state=0)
    assert texts != fitted.sample(20, random_state=1)
    for text in texts:
        assert len(fitted.tokenizer_.tokenize(text)) <= fitted.max_length_ + 1


def test_sample_large_n_in_batches(fitted):
    texts = fitted.sample(1500, random_state=0)
    assert len(texts) == 1500


def test_low_temperature_is_less_diverse(fitted):
    cold = fitted.sample(200, temperature=0.2, random_state=0)
    hot = fitted.sample(200, temperature=2.0, random_state=0)
    assert len(set(cold)) < len(set(hot))


def test_trained_model_samples_training_like_text():
    gan = tiny(pretrain_epochs=40, validation_fraction=0.0, learning_rate=0.02).fit(CORPUS)
    samples = gan.sample(100, temperature=0.5, random_state=0)
    # The corpus is tiny and repetitive: a trained model reproduces most of it.
    assert np.mean([text in set(CORPUS) for text in samples]) > 0.5


# ---------------------------------------------------------------- scoring


def test_score_is_mean_token_log_likelihood(fitted):
    per_text = fitted.score_samples(HELD_OUT)
    n_tokens = sum(len(fitted.tokenizer_.tokenize(text)) + 1 for text in HELD_OUT)
    assert per_text.shape == (3,)
    assert fitted.score(HELD_OUT) == pytest.approx(per_text.sum() / n_tokens)
    assert np.all(per_text < 0)


def test_score_matches_a_direct_computation(fitted):
    text = "the cat sat."
    ids = fitted.tokenizer_.transform([text])[0]
    ids = ids[: list(ids).index(2) + 1]  # tokens and the end token
    module = fitted.generator_
    with torch.no_grad():
        inputs = torch.tensor([[1] + list(ids[:-1])])
        log_probs = torch.log_softmax(module(inputs)[0].double(), dim=-1)
        expected = float(log_probs[torch.arange(len(ids)), torch.tensor(ids)].sum())
    assert fitted.score_samples([text])[0] == pytest.approx(expected, rel=1e-5)


def test_training_improves_the_score():
    untrained = tiny(pretrain_epochs=0).fit(CORPUS)
    trained = tiny(pretrain_epochs=10, learning_rate=0.02).fit(CORPUS)
    assert trained.score(HELD_OUT) > untrained.score(HELD_OUT) + 0.5


def test_score_samples_invariant_to_order_and_subsets(fitted):
    texts = CORPUS[:8] + HELD_OUT
    full = fitted.score_samples(texts)
    order = np.random.RandomState(0).permutation(len(texts))
    np.testing.assert_allclose(fitted.score_samples([texts[i] for i in order]), full[order])
    np.testing.assert_allclose(fitted.score_samples(texts[3:5]), full[3:5])


def test_unknown_words_and_long_texts_score_finitely(fitted):
    long_text = " ".join(["cat"] * 100)
    with pytest.warns(UserWarning, match="truncated"):
        scores = fitted.score_samples(["zebra xylophone quantum", long_text, ""])
    assert np.all(np.isfinite(scores))


def test_empty_text_is_the_end_token_alone(fitted):
    assert np.isfinite(fitted.score_samples([""])[0])


# --------------------------------------------------------------- training


def test_history_reads_like_a_table(fitted):
    history = fitted.history_
    assert len(history) == 5
    assert history["epoch"] == [1, 2, 3, 4, 5]
    assert history[:, "phase"] == ["mle"] * 5
    assert all(v is not None and np.isfinite(v) for v in history["valid_nll"])
    assert all(s >= 0 for s in history["seconds"])
    table = str(history)
    assert table.splitlines()[0].split() == [
        "phase",
        "epoch",
        "train_loss",
        "valid_nll",
        "distinct_2",
        "mean_length",
        "learning_rate",
        "skipped_steps",
        "seconds",
    ]
    assert len(table.splitlines()) == 6


def test_without_validation_runs_all_epochs():
    gan = tiny(pretrain_epochs=3, validation_fraction=0.0).fit(CORPUS)
    assert len(gan.history_) == 3
    assert gan.history_["valid_nll"] == [None, None, None]


def test_early_stopping_when_validation_stalls():
    gan = tiny(pretrain_epochs=30, learning_rate=1e-9, n_iter_no_change=2).fit(CORPUS)
    assert len(gan.history_) == 3  # the first epoch sets the best, two more without improvement


def test_training_loss_decreases():
    gan = tiny(pretrain_epochs=6, learning_rate=0.01).fit(CORPUS)
    losses = gan.history_["train_loss"]
    assert losses[-1] < losses[0]


def test_warm_start_continues_training():
    gan = tiny(pretrain_epochs=2, warm_start=True).fit(CORPUS)
    vocabulary = gan.tokenizer_.vocabulary_
    before = gan.score(HELD_OUT)
    gan.fit(CORPUS)
    assert len(gan.history_) == 4
    assert gan.tokenizer_.vocabulary_ is vocabulary
    assert gan.score(HELD_OUT) > before
    gan.set_params(hidden_dim=32)
    with pytest.raises(ValueError, match="warm_start"):
        gan.fit(CORPUS)


def test_verbose_prints_progress(capsys):
    tiny(verbose=2).fit(CORPUS)
    out = capsys.readouterr().out
    assert re.search(r"\[mle\] epoch\s+1/2.*train_loss.*valid_nll", out)
    tiny(verbose=0).fit(CORPUS)
    assert capsys.readouterr().out == ""


def test_algorithm_registry_has_mle():
    assert "mle" in ALGORITHMS


# ------------------------------------------------------------ persistence


@pytest.mark.parametrize("dumps, loads", [(pickle.dumps, pickle.loads), (None, None)])
def test_pickle_and_joblib_round_trip(fitted, tmp_path, dumps, loads):
    if dumps is None:
        path = tmp_path / "gan.joblib"
        joblib.dump(fitted, path)
        restored = joblib.load(path)
    else:
        restored = loads(dumps(fitted))
    assert restored.score(HELD_OUT) == fitted.score(HELD_OUT)
    assert restored.sample(10, random_state=3) == fitted.sample(10, random_state=3)
    assert state_dicts_equal(restored, fitted)


def test_unfitted_pickle_round_trip():
    restored = pickle.loads(pickle.dumps(tiny()))
    assert restored.get_params() == tiny().get_params()


def test_clone_of_fitted_is_unfitted(fitted):
    cloned = clone(fitted)
    assert cloned.get_params()["hidden_dim"] == fitted.hidden_dim
    assert not hasattr(cloned, "generator_")


# --------------------------------------------------- scikit-learn tooling


def lowercase_all(texts):
    return [text.lower() for text in texts]


def test_pipeline_with_string_preprocessing():
    pipe = Pipeline([("clean", FunctionTransformer(lowercase_all)), ("gan", tiny())])
    pipe.fit([text.upper() for text in CORPUS])
    assert np.isfinite(pipe.score(HELD_OUT))
    assert pipe.named_steps["gan"].tokenizer_.vocabulary_.get("cat") is not None


def test_pipeline_tokenizer_then_gan_works_on_ids():
    pipe = Pipeline([("tok", TextTokenizer()), ("gan", tiny())])
    pipe.fit(CORPUS)
    gan = pipe.named_steps["gan"]
    assert gan.tokenizer_ is None
    assert gan.vocabulary_size_ <= len(pipe.named_steps["tok"].vocabulary_)
    score = pipe.score(HELD_OUT)
    assert np.isfinite(score) and score < 0
    ids = gan.sample(5, random_state=0)
    assert ids.shape == (5, gan.max_length_ + 1) and np.issubdtype(ids.dtype, np.integer)
    texts = pipe.named_steps["tok"].inverse_transform(ids)
    assert len(texts) == 5 and all(isinstance(text, str) for text in texts)
    # Same model on texts directly: the same score, since the vocabulary is the same.
    direct = tiny().fit(CORPUS)
    assert direct.score(HELD_OUT) == pytest.approx(score)
    with pytest.raises(TypeError, match="token ids"):
        gan.score(HELD_OUT)


@pytest.mark.parametrize("n_jobs", [1, 2])
def test_grid_search_on_unlabelled_text(n_jobs):
    search = GridSearchCV(
        tiny(pretrain_epochs=3, learning_rate=0.02),
        {"hidden_dim": [2, 32]},
        cv=KFold(3, shuffle=True, random_state=0),
        n_jobs=n_jobs,
    )
    search.fit(CORPUS)
    scores = search.cv_results_["mean_test_score"]
    assert np.all(np.isfinite(scores))
    assert search.best_params_ == {"hidden_dim": 32}
    assert search.best_estimator_.sample(2, random_state=0)


def test_tokenizer_parameters_can_be_tuned_when_the_tokenizer_is_the_default():
    # tokenizer=None stands for TextTokenizer(): its parameters are settable too.
    gan = tiny().set_params(tokenizer__level="char", tokenizer__lowercase=False)
    assert gan.get_params()["tokenizer__level"] == "char"
    assert gan.get_params()["tokenizer__lowercase"] is False
    # An explicit None in the same call is the default tokenizer as well.
    assert tiny().set_params(tokenizer=None, tokenizer__level="char").tokenizer.level == "char"
    search = GridSearchCV(tiny(pretrain_epochs=1), {"tokenizer__level": ["word", "char"]}, cv=2)
    search.fit(CORPUS)
    assert np.all(np.isfinite(search.cv_results_["mean_test_score"]))
    best = search.best_estimator_
    assert best.tokenizer_.level == search.best_params_["tokenizer__level"]


def test_cross_val_score():
    scores = cross_val_score(tiny(), CORPUS, cv=3)
    assert scores.shape == (3,) and np.all(np.isfinite(scores)) and np.all(scores < 0)


def test_diverged_model_scores_finitely(fitted):
    broken = pickle.loads(pickle.dumps(fitted))
    with torch.no_grad():
        broken.generator_.output.bias.fill_(float("nan"))
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        score = broken.score(HELD_OUT)
    assert np.isfinite(score) and score < -1e9
    assert any("diverged" in str(w.message) for w in caught)


def test_sample_never_writes_more_than_max_length_tokens():
    # Near-uniform sampling (a huge temperature) rarely draws the end token,
    # so most samples run to the last step, which may only end them.
    ids = TextTokenizer().fit_transform(CORPUS)
    gan = TextGAN(embedding_dim=8, hidden_dim=8, pretrain_epochs=1, random_state=0).fit(ids)
    sampled = gan.sample(50, temperature=1e4, random_state=0)
    assert sampled.shape == (50, gan.max_length_ + 1)
    has_end = sampled == 2
    assert has_end.any(axis=1).all()  # every row ends, after at most max_length_ tokens
    assert has_end[:, -1].sum() > 25  # most of them were cut at the limit
    texts = gan.set_params(tokenizer=None).fit(CORPUS).sample(50, temperature=1e4, random_state=0)
    tokenizer = gan.tokenizer_
    assert max(len(tokenizer.tokenize(text)) for text in texts) <= gan.max_length_


def test_sample_never_draws_padding_or_the_begin_token():
    # Near-uniform sampling would draw each of them about once in every
    # vocabulary-size tokens: padding inside a text, a begin token mid-text.
    ids = TextTokenizer().fit_transform(CORPUS)
    gan = TextGAN(embedding_dim=8, hidden_dim=8, pretrain_epochs=1, random_state=0).fit(ids)
    sampled = gan.sample(500, temperature=1e4, random_state=0)
    ended_before = np.cumsum(sampled == 2, axis=1) - (sampled == 2)
    assert not (sampled == 1).any()
    assert not ((sampled == 0) & (ended_before == 0)).any()
    assert (sampled >= 3).mean() > 0.5  # the texts are made of real tokens


OTHER_CORPUS = ["zebra quagga unicorn yak", "llama alpaca emu okapi", "ibis heron crane stork"] * 4


def fitted_state(gan):
    """What a refit must leave alone when it fails: the fitted attributes and the samples."""
    attributes = {key: value for key, value in vars(gan).items() if key.endswith("_")}
    return attributes, gan.sample(5, random_state=0), gan.score(HELD_OUT)


@pytest.mark.parametrize(
    "change, error",
    [
        # Each fails after the new texts were encoded, late in fit.
        (dict(y=["a"] * len(OTHER_CORPUS)), ValueError),  # one class only
        (dict(params=dict(algorithm="dense", discriminator="cnn")), ValueError),
        (dict(params=dict(generator="rmc", num_heads=3)), ValueError),
        (dict(params=dict(max_length=10**12)), ValueError),  # more ids than memory
    ],
)
def test_a_failed_refit_leaves_the_fitted_model_as_it_was(change, error):
    gan = tiny().fit(CORPUS)
    attributes, samples, score = fitted_state(gan)
    gan.set_params(**change.get("params", {}))
    with pytest.raises(error):
        gan.fit(OTHER_CORPUS, change.get("y"))
    after_attributes, after_samples, after_score = fitted_state(gan)
    assert after_attributes.keys() == attributes.keys()
    assert all(after_attributes[key] is value for key, value in attributes.items())
    assert after_samples == samples and after_score == score


def test_an_error_while_training_a_new_model_keeps_the_old_one(monkeypatch):
    from sklearn_textgan.training import MaximumLikelihood

    gan = tiny().fit(CORPUS)
    attributes, samples, score = fitted_state(gan)

    def broken(self, state):
        raise RuntimeError("disk full")

    monkeypatch.setattr(MaximumLikelihood, "fit", broken)
    with pytest.raises(RuntimeError, match="disk full"):
        gan.fit(OTHER_CORPUS, ["x", "y"] * 6)  # labels: the refit would add classes_
    assert not hasattr(gan, "classes_")
    after_attributes, after_samples, after_score = fitted_state(gan)
    assert all(after_attributes[key] is value for key, value in attributes.items())
    assert after_samples == samples and after_score == score


def test_an_error_in_a_warm_start_puts_back_the_weights_and_history(monkeypatch):
    from sklearn_textgan.training import MaximumLikelihood

    gan = tiny(pretrain_epochs=2).fit(CORPUS)
    attributes, samples, score = fitted_state(gan)
    n_records = len(gan.history_)
    real_fit = MaximumLikelihood.fit

    def fails_after_training(self, state):
        real_fit(self, state)  # the weights and history change in place...
        raise RuntimeError("disk full")  # ...then something fails

    monkeypatch.setattr(MaximumLikelihood, "fit", fails_after_training)
    with pytest.raises(RuntimeError, match="disk full"):
        gan.set_params(warm_start=True).fit(CORPUS)
    after_attributes, after_samples, after_score = fitted_state(gan)
    assert all(after_attributes[key] is value for key, value in attributes.items())
    assert len(gan.history_) == n_records
    assert after_samples == samples and after_score == score
    # The same warm start without the failure does change the model.
    monkeypatch.setattr(MaximumLikelihood, "fit", real_fit)
    assert gan.fit(CORPUS).score(HELD_OUT) != score and len(gan.history_) == 2 * n_records


@pytest.mark.parametrize(
    "ids, message",
    [
        (np.array([[4, 2**64 - 1, 2]], dtype=np.uint64), "too large"),
        (np.zeros((3, 0), dtype=np.int64), "no columns"),
    ],
)
def test_bad_id_arrays_get_clear_errors(ids, message):
    with pytest.raises(ValueError, match=message):
        tiny().fit(ids)
    fitted = tiny(pretrain_epochs=1).fit(TextTokenizer().fit_transform(CORPUS))
    with pytest.raises(ValueError, match=message):
        fitted.score_samples(ids)


@pytest.mark.parametrize(
    "change, message",
    [
        (dict(max_length=3), "max_length"),
        (dict(tokenizer=TextTokenizer(level="char")), "tokenizer"),
    ],
)
def test_warm_start_refuses_a_new_encoding(change, message):
    gan = tiny(warm_start=True, pretrain_epochs=1).fit(CORPUS)
    samples = gan.sample(3, random_state=0)
    with pytest.raises(ValueError, match=message):
        gan.set_params(**change).fit(CORPUS)
    assert gan.sample(3, random_state=0) == samples


def test_warm_start_accepts_the_same_encoding_and_warns_on_unknown_text():
    gan = tiny(warm_start=True, pretrain_epochs=1, max_length=12).fit(CORPUS)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        gan.set_params(tokenizer=TextTokenizer()).fit(CORPUS)  # the default, spelled out
    with pytest.warns(UserWarning, match="unknown to the fitted vocabulary"):
        gan.fit(OTHER_CORPUS)


@pytest.mark.parametrize(
    "tokenizer, parameter",
    [
        (TextTokenizer(level="chars"), "level"),
        (TextTokenizer(max_vocabulary=0), "max_vocabulary"),
        (TextTokenizer(max_vocabulary=2.5), "max_vocabulary"),
        (TextTokenizer(max_length=-1), "max_length"),
    ],
)
def test_bad_tokenizer_parameters_are_refused_by_fit(tokenizer, parameter):
    # As when the tokenizer is fitted alone; not a model of the wrong level or vocabulary.
    with pytest.raises(ValueError, match=f"'{parameter}' parameter of TextTokenizer"):
        tiny(tokenizer=tokenizer).fit(CORPUS)


def test_mle_builds_no_discriminator_even_when_one_is_named():
    # The documented workflow: pretrain by MLE, then warm-start a GAN with any discriminator.
    gan = tiny(algorithm="mle", discriminator="cnn", warm_start=True).fit(CORPUS)
    assert gan.discriminator_ is None and gan._architecture_["discriminator"] is None
    gan.set_params(algorithm="seqgan", discriminator="lstm", adversarial_epochs=1).fit(CORPUS)
    assert type(gan.discriminator_).__name__ == "LSTMDiscriminator"
    # Continuing by MLE keeps the trained discriminator, whatever is named.
    gan.set_params(algorithm="mle", discriminator="cnn").fit(CORPUS)
    assert type(gan.discriminator_).__name__ == "LSTMDiscriminator"


def fixed_ids(texts):
    return np.array([[5, 6, 2]] * len(texts))


class SmallVocabularyTokenizer(TextTokenizer):
    """Gives ids beyond the vocabulary it reports."""

    def fit_transform(self, X, y=None, **fit_params):
        ids = super().fit_transform(X)
        self.vocabulary_ = dict(list(self.vocabulary_.items())[:5])
        return ids


def test_a_tokenizer_without_a_fitting_vocabulary_is_named():
    with pytest.raises(TypeError, match="FunctionTransformer has none"):
        tiny(tokenizer=FunctionTransformer(fixed_ids)).fit(CORPUS)
    with pytest.raises(ValueError, match="vocabulary_ has 5 entries"):
        tiny(tokenizer=SmallVocabularyTokenizer()).fit(CORPUS)


def test_bad_filter_sizes_and_tokenizers_are_named():
    from sklearn.feature_extraction.text import CountVectorizer

    for sizes in [(2.5,), ("2",), (True,), ()]:
        with pytest.raises(ValueError, match="filter_sizes"):
            tiny(algorithm="seqgan", filter_sizes=sizes).fit(CORPUS)
    with pytest.raises(TypeError, match="tokenizer must turn texts into a 2-D int array"):
        tiny(tokenizer=CountVectorizer()).fit(CORPUS)
