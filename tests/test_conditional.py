"""Style-conditioned generation: fit(X, y), sample(..., y=...), classification of style."""

from __future__ import annotations

import os
import pickle
import subprocess
import sys
import warnings
from pathlib import Path

import numpy as np
import pytest
import torch
from scipy.special import logsumexp
from sklearn.model_selection import GridSearchCV, StratifiedKFold
from sklearn.pipeline import Pipeline
from test_checkpoint import Killed, kill_after

from sklearn_textgan import TextGAN, TextTokenizer
from sklearn_textgan.datasets import make_grammar_corpus
from sklearn_textgan.metrics import StyleJudge, class_accuracy
from sklearn_textgan.models import (
    build_discriminator,
    build_generator,
    init_parameters,
    sample_sequences,
    shift_right,
    token_log_likelihood,
)

REPO = Path(__file__).resolve().parents[1]


def market_corpus(n: int, seed: int) -> list[str]:
    """A second style whose words never occur in the grammar corpus."""
    rng = np.random.RandomState(seed)
    companies = ["acme", "globex", "initech", "umbrella", "hooli", "vandelay"]
    moves = ["rose", "fell", "jumped", "slipped", "climbed"]
    amounts = ["two", "three", "five", "eight", "ten"]
    days = ["monday", "tuesday", "friday"]
    return [
        f"shares of {rng.choice(companies)} {rng.choice(moves)} {rng.choice(amounts)} "
        f"percent on {rng.choice(days)}" + (" after earnings" if rng.rand() < 0.5 else "")
        for _ in range(n)
    ]


def corpus(n_per_class: int, seed: int) -> tuple[list[str], np.ndarray]:
    texts = make_grammar_corpus(n_per_class, random_state=seed) + market_corpus(n_per_class, seed)
    labels = np.array(["grammar"] * n_per_class + ["market"] * n_per_class)
    return texts, labels


TEXTS, LABELS = corpus(150, 0)
HELD_OUT, HELD_OUT_LABELS = corpus(40, 1)


def tiny(**params) -> TextGAN:
    defaults = dict(
        embedding_dim=16,
        hidden_dim=32,
        num_filters=8,
        batch_size=32,
        pretrain_epochs=8,
        learning_rate=0.01,
        max_length=16,
        discriminator_pretrain_epochs=1,
        adversarial_epochs=2,
        d_steps=1,
        n_rollouts=2,
        random_state=0,
    )
    defaults.update(params)
    return TextGAN(**defaults)


@pytest.fixture(scope="module")
def conditional() -> TextGAN:
    return tiny().fit(TEXTS, LABELS)


@pytest.fixture(scope="module")
def unconditional() -> TextGAN:
    return tiny(pretrain_epochs=1).fit(TEXTS)


def modules_equal(a: torch.nn.Module, b: torch.nn.Module) -> bool:
    sa, sb = a.state_dict(), b.state_dict()
    return sa.keys() == sb.keys() and all(torch.equal(sa[k], sb[k]) for k in sa)


# ------------------------------------------------------------- the models


@pytest.mark.parametrize("name", ["lstm", "rmc", "transformer"])
def test_num_classes_zero_builds_the_unconditional_generator(name):
    settings = dict(vocab_size=12, embedding_dim=8, hidden_dim=8, max_length=6, num_heads=2)
    plain, zero = (
        build_generator(name, **settings),
        build_generator(name, **settings, num_classes=0),
    )
    init_parameters(plain, torch.Generator().manual_seed(0))
    init_parameters(zero, torch.Generator().manual_seed(0))
    assert modules_equal(plain, zero)
    conditional = build_generator(name, **settings, num_classes=3)
    assert conditional.embedding.weight.shape[0] == 15
    assert conditional.output.out_features == 12


@pytest.mark.parametrize("name", ["lstm", "rmc", "transformer"])
def test_per_row_begin_ids_condition_every_generator(name):
    generator = build_generator(
        name, vocab_size=12, embedding_dim=8, hidden_dim=8, max_length=6, num_classes=2
    )
    init_parameters(generator, torch.Generator().manual_seed(0))
    generator.eval()
    targets = torch.tensor([[5, 6, 2, 0], [7, 2, 0, 0]])
    begin = torch.tensor([12, 13])
    assert torch.equal(shift_right(targets, begin)[:, 0], begin)
    by_row = token_log_likelihood(generator, targets, bos_id=begin, pad_id=0)
    for row in range(2):
        alone = token_log_likelihood(
            generator, targets[row : row + 1], bos_id=int(begin[row]), pad_id=0
        )
        torch.testing.assert_close(by_row[row : row + 1], alone)
    samples = sample_sequences(
        generator,
        2,
        max_steps=5,
        bos_id=begin,
        eos_id=2,
        pad_id=0,
        random_generator=torch.Generator().manual_seed(0),
    )
    assert samples.shape == (2, 5) and int(samples.max()) < 12
    with pytest.raises(ValueError, match="shape"):
        shift_right(targets, torch.tensor([12, 13, 12]))


@pytest.mark.parametrize("name", ["cnn", "lstm", "transformer"])
def test_discriminators_get_a_class_head_only_when_conditional(name):
    settings = dict(vocab_size=12, embedding_dim=8, hidden_dim=8, max_length=6, num_filters=(4,))
    settings["filter_sizes"] = (2,)
    plain = build_discriminator(name, **settings)
    assert not any("class_output" in key for key in plain.state_dict())
    with pytest.raises(ValueError, match="class head"):
        plain.class_logits(torch.zeros(2, 7, dtype=torch.long))
    judged = build_discriminator(name, **settings, num_classes=3)
    x = torch.randint(0, 12, (4, 7))
    assert judged.class_logits(x).shape == (4, 3)
    assert judged(x).shape[0] == 4
    one_hot = torch.nn.functional.one_hot(x, 12).float()
    judged.eval()
    torch.testing.assert_close(judged.class_logits(one_hot), judged.class_logits(x))


# ------------------------------------------------------------- fit and sample


def test_fit_records_the_classes(conditional):
    assert conditional.classes_.tolist() == ["grammar", "market"]
    np.testing.assert_allclose(conditional.class_prior_, [0.5, 0.5])
    assert conditional._architecture_["settings"]["num_classes"] == 2


def test_samples_are_of_the_requested_class(conditional):
    judge = StyleJudge().fit(HELD_OUT, HELD_OUT_LABELS)
    for label in conditional.classes_:
        samples = conditional.sample(100, y=label, random_state=0)
        # Chance is 0.5; word-disjoint styles make a conditional model near perfect.
        assert judge.class_accuracy(samples, [label] * 100) > 0.9, label
    mixed = ["grammar", "market"] * 50
    assert judge.class_accuracy(conditional.sample(100, y=mixed, random_state=1), mixed) > 0.9


def test_sampling_without_y_follows_the_class_prior(conditional):
    first = conditional.sample(60, random_state=3)
    assert first == conditional.sample(60, random_state=3)
    styles = StyleJudge().fit(HELD_OUT, HELD_OUT_LABELS).predict(first)
    assert 0.2 < np.mean(styles == "market") < 0.8
    # The drawn classes come back on request, with the same texts, and say their style.
    texts, labels = conditional.sample(60, random_state=3, return_labels=True)
    assert texts == first and labels.shape == (60,)
    assert np.mean(labels == styles) > 0.9
    texts, labels = conditional.sample(3, y="market", random_state=0, return_labels=True)
    assert labels.tolist() == ["market"] * 3


def test_predict_proba_classifies_held_out_text(conditional):
    proba = conditional.predict_proba(HELD_OUT)
    assert proba.shape == (len(HELD_OUT), 2)
    np.testing.assert_allclose(proba.sum(axis=1), 1.0)
    predicted = conditional.predict(HELD_OUT)
    assert set(predicted) <= set(conditional.classes_)
    assert np.mean(predicted == HELD_OUT_LABELS) > 0.95
    np.testing.assert_array_equal(conditional.classes_[proba.argmax(axis=1)], predicted)
    np.testing.assert_allclose(np.exp(conditional.predict_log_proba(HELD_OUT)), proba)


def test_score_samples_conditional_and_marginal(conditional):
    texts = HELD_OUT[:5] + HELD_OUT[-5:]
    per_class = np.stack(
        [conditional.score_samples(texts, [label] * len(texts)) for label in conditional.classes_],
        axis=1,
    )
    marginal = conditional.score_samples(texts)
    np.testing.assert_allclose(
        marginal, logsumexp(per_class + np.log(conditional.class_prior_), axis=1)
    )
    own = conditional.score_samples(texts, HELD_OUT_LABELS[:5].tolist() + ["market"] * 5)
    # Given its true (and clearly dominant) class, a text is likelier than on average.
    assert np.all(own > marginal)
    assert conditional.score(HELD_OUT, HELD_OUT_LABELS) > conditional.score(HELD_OUT)


def test_int_labels_and_labels_from_a_generator(conditional):
    ints = np.where(LABELS == "market", 7, 3)
    gan = tiny(pretrain_epochs=1).fit(TEXTS, ints)
    assert gan.classes_.tolist() == [3, 7]
    from_generator = tiny(pretrain_epochs=1).fit(TEXTS, (int(label) for label in ints))
    assert from_generator.score(HELD_OUT[:3], ints[:3]) == gan.score(HELD_OUT[:3], ints[:3])
    assert len(gan.sample(2, y=7, random_state=0)) == 2
    assert gan.predict(HELD_OUT[:3]).dtype.kind == "i"


# ------------------------------------------------------------- bad input


def test_unknown_labels_are_rejected(conditional):
    with pytest.raises(ValueError, match="Unknown label"):
        conditional.sample(2, y="poetry")
    with pytest.raises(ValueError, match="Unknown label"):
        conditional.sample(2, y=["grammar", 3])
    with pytest.raises(ValueError, match="Unknown label"):
        conditional.score_samples(HELD_OUT[:2], ["grammar", "poetry"])


def test_labels_of_the_wrong_length_are_rejected(conditional):
    with pytest.raises(ValueError, match="one label per text"):
        tiny().fit(TEXTS, LABELS[:-1])
    with pytest.raises(ValueError, match="labels but 3 are needed"):
        conditional.sample(3, y=["grammar", "market"])
    with pytest.raises(ValueError, match="labels but 2 are needed"):
        conditional.score_samples(HELD_OUT[:2], ["grammar"])
    with pytest.raises(ValueError, match="1-D"):
        conditional.sample(2, y=[["grammar"], ["market"]])
    with pytest.raises(TypeError, match="a label or a list of labels, got set"):
        conditional.sample(2, y={"grammar"})


@pytest.mark.parametrize(
    "y, match",
    [
        (["a"] * len(TEXTS), "single class"),
        (np.linspace(0, 1, len(TEXTS)), "continuous values such as 0.0"),
        ("ab" * (len(TEXTS) // 2), "single str"),
        ([("a", 1), ("b", 2)] * (len(TEXTS) // 2), r"1-D array-like .* shape \(\d+, 2\)"),
        (["a", 1] * (len(TEXTS) // 2), "mixed types"),
        ([1, "a"] * (len(TEXTS) // 2), "mixed types"),  # not taken for continuous values
        ([["a"], ["b", "c"]] * (len(TEXTS) // 2), "nested sequences of different"),
        (["a", "b"] * (len(TEXTS) // 2 - 1) + ["a", None], "missing labels.*position"),
        ([1.0, 2.0] * (len(TEXTS) // 2 - 1) + [1.0, float("nan")], "missing labels"),
    ],
    ids=[
        "one class",
        "continuous",
        "a str",
        "tuples",
        "mixed",
        "int first",
        "ragged",
        "None",
        "NaN",
    ],
)
def test_bad_training_labels_are_rejected(y, match):
    with pytest.raises(ValueError, match=match):
        tiny().fit(TEXTS, y)


def test_labels_on_a_model_fitted_without_them_are_an_error(unconditional):
    with pytest.raises(ValueError, match="fitted without labels"):
        unconditional.sample(2, y="grammar")
    with pytest.raises(ValueError, match="fitted without labels"):
        unconditional.sample(2, return_labels=True)
    with pytest.raises(ValueError, match="fitted without labels"):
        unconditional.score_samples(HELD_OUT[:2], ["grammar", "market"])
    with pytest.raises(ValueError, match="fitted without labels"):
        unconditional.predict_proba(HELD_OUT[:2])
    with pytest.raises(ValueError, match="fitted without labels"):
        unconditional.predict(HELD_OUT[:2])


def test_warm_start_keeps_the_labelling(conditional, unconditional):
    gan = pickle.loads(pickle.dumps(conditional)).set_params(warm_start=True, pretrain_epochs=1)
    with pytest.raises(ValueError, match="fitted with labels"):
        gan.fit(TEXTS)
    with pytest.raises(ValueError, match="cannot change the classes"):
        gan.fit(TEXTS, np.where(LABELS == "market", "m", "g"))
    gan.fit(TEXTS, LABELS)
    plain = pickle.loads(pickle.dumps(unconditional)).set_params(warm_start=True)
    with pytest.raises(ValueError, match="fitted without labels"):
        plain.fit(TEXTS, LABELS)


def test_refit_without_labels_forgets_the_classes():
    gan = tiny(pretrain_epochs=1).fit(TEXTS, LABELS)
    gan.fit(TEXTS)
    assert not hasattr(gan, "classes_") and not hasattr(gan, "class_prior_")


# ------------------------------------------------------------- y=None unchanged


def test_y_none_is_bit_identical_to_no_labels():
    for algorithm in ("mle", "relgan"):
        a = tiny(algorithm=algorithm, pretrain_epochs=1, generator="lstm").fit(TEXTS)
        b = tiny(algorithm=algorithm, pretrain_epochs=1, generator="lstm").fit(TEXTS, None)
        assert modules_equal(a.generator_, b.generator_)
        assert "num_classes" not in a._architecture_["settings"]
        assert a.sample(5, random_state=0) == b.sample(5, random_state=0)


# ------------------------------------------------------------- every algorithm


@pytest.mark.parametrize(
    "algorithm, extra",
    [
        ("seqgan", {}),
        ("maligan", {}),
        ("relgan", {"generator": "lstm"}),
        ("dense", {"discriminator": "transformer"}),
    ],
)
def test_every_gan_trains_conditionally(algorithm, extra):
    gan = tiny(algorithm=algorithm, pretrain_epochs=2, **extra).fit(TEXTS, LABELS)
    adversarial = [r for r in gan.history_ if r["phase"] == "adversarial"]
    assert len(adversarial) == 2
    assert all(0.0 <= r["d_class_accuracy"] <= 1.0 for r in adversarial)
    assert gan.discriminator_.class_logits(torch.zeros(1, 17, dtype=torch.long)).shape == (1, 2)
    proba = gan._discriminator_class_proba(HELD_OUT[:4])
    np.testing.assert_allclose(proba.sum(axis=1), 1.0)
    assert len(gan.sample(3, y="market", random_state=0)) == 3


def test_conditional_gan_is_reproducible():
    a = tiny(algorithm="seqgan", pretrain_epochs=1).fit(TEXTS, LABELS)
    b = tiny(algorithm="seqgan", pretrain_epochs=1).fit(TEXTS, LABELS)
    assert modules_equal(a.generator_, b.generator_)
    assert modules_equal(a.discriminator_, b.discriminator_)


# ------------------------------------------------------------- model selection


def test_pipeline_and_grid_search_with_labels():
    texts, labels = corpus(40, 2)
    pipe = Pipeline(
        [("tok", TextTokenizer()), ("gan", tiny(pretrain_epochs=2, validation_fraction=0.0))]
    )
    pipe.fit(texts, labels)
    assert pipe.predict(HELD_OUT[:4]).shape == (4,)
    assert np.isfinite(pipe.score(HELD_OUT, HELD_OUT_LABELS))
    search = GridSearchCV(
        tiny(pretrain_epochs=2, validation_fraction=0.0),
        {"hidden_dim": [8, 16]},
        cv=StratifiedKFold(n_splits=2, shuffle=True, random_state=0),
    )
    search.fit(texts, labels)
    assert np.isfinite(search.cv_results_["mean_test_score"]).all()
    assert search.best_estimator_.classes_.tolist() == ["grammar", "market"]


# ------------------------------------------------------------- persistence


def test_save_load_and_pickle_round_trips(conditional, tmp_path):
    path = tmp_path / "model.textgan"
    conditional.save(path)
    for copy in (TextGAN.load(path), pickle.loads(pickle.dumps(conditional))):
        np.testing.assert_array_equal(copy.classes_, conditional.classes_)
        assert copy.classes_.dtype == conditional.classes_.dtype
        np.testing.assert_allclose(copy.class_prior_, conditional.class_prior_)
        assert copy.sample(4, y="market", random_state=0) == conditional.sample(
            4, y="market", random_state=0
        )
        np.testing.assert_allclose(
            copy.predict_proba(HELD_OUT[:5]), conditional.predict_proba(HELD_OUT[:5])
        )


def test_int_labels_survive_save_and_labels_without_a_safe_format_are_refused(tmp_path):
    gan = tiny(pretrain_epochs=1).fit(TEXTS, np.where(LABELS == "market", 1, 0))
    gan.save(tmp_path / "ints.textgan")
    loaded = TextGAN.load(tmp_path / "ints.textgan")
    assert loaded.classes_.tolist() == [0, 1] and loaded.classes_.dtype.kind == "i"
    gan.classes_ = np.array([b"g", b"m"])
    with pytest.raises(TypeError, match="class labels"):
        gan.save(tmp_path / "bytes.textgan")


def test_checkpoint_resume_of_a_conditional_fit(tmp_path, monkeypatch, capsys):
    params = dict(algorithm="seqgan", pretrain_epochs=2, checkpoint_dir=tmp_path)
    reference = tiny(**{**params, "checkpoint_dir": None}).fit(TEXTS, LABELS)
    kill_after("adversarial", 1, monkeypatch)
    with pytest.raises(Killed):
        tiny(**params).fit(TEXTS, LABELS)
    monkeypatch.undo()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        # Other labels: another fingerprint, so the checkpoint is not resumed.
        other = tiny(**params).fit(TEXTS, LABELS[::-1].copy())
    assert not modules_equal(other.generator_, reference.generator_)
    # The killed fit resumes from its checkpoint and ends with the same model.
    assert any(tmp_path.iterdir())
    capsys.readouterr()
    resumed = tiny(**params, verbose=1).fit(TEXTS, LABELS)
    assert "resuming from" in capsys.readouterr().out
    assert modules_equal(resumed.generator_, reference.generator_)
    assert modules_equal(resumed.discriminator_, reference.discriminator_)
    assert not any(tmp_path.iterdir())
    assert len(resumed.history_) == len(reference.history_)


# ------------------------------------------------------------- metrics


def test_class_accuracy_and_style_judge():
    samples = market_corpus(10, 5) + make_grammar_corpus(10, random_state=5)
    requested = ["market"] * 10 + ["grammar"] * 10
    assert class_accuracy(samples, requested, HELD_OUT, HELD_OUT_LABELS) == 1.0
    swapped = requested[::-1]
    assert class_accuracy(samples, swapped, HELD_OUT, HELD_OUT_LABELS) == 0.0
    judge = StyleJudge().fit(HELD_OUT, HELD_OUT_LABELS)
    assert judge.class_accuracy(samples, requested, per_class=True) == {
        "grammar": 1.0,
        "market": 1.0,
    }
    assert judge.score(samples, requested) == 1.0
    # Labels in an object array, as pandas gives them.
    as_objects = np.array(requested, dtype=object)
    objects_judge = StyleJudge().fit(HELD_OUT, np.asarray(HELD_OUT_LABELS, dtype=object))
    assert objects_judge.class_accuracy(samples, as_objects, per_class=True) == {
        "grammar": 1.0,
        "market": 1.0,
    }
    tokens = [text.split() for text in samples]
    assert judge.class_accuracy(tokens, requested) == 1.0
    with pytest.raises(ValueError, match="19 labels but 20 are needed"):
        judge.class_accuracy(samples, requested[:-1])
    with pytest.raises(ValueError, match="at least two"):
        StyleJudge().fit(HELD_OUT, ["a"] * len(HELD_OUT))
    # A class the judge never saw, or labels of another type, are errors, not 0 % accuracy.
    with pytest.raises(ValueError, match=r"Unknown label\(s\) \['poetry'\]"):
        judge.class_accuracy(samples, ["poetry"] * 20)
    with pytest.raises(ValueError, match=r"Unknown label\(s\) \[0, 1\]"):
        class_accuracy(samples, [0, 1] * 10, HELD_OUT, HELD_OUT_LABELS)
    with pytest.raises(ValueError, match="missing labels"):
        StyleJudge().fit(HELD_OUT, [None, *HELD_OUT_LABELS[1:]])
    with pytest.raises(TypeError, match="single str"):
        judge.predict("a text")
    # Nothing to fit or judge, or not texts at all: named, not a numpy or sklearn error.
    with pytest.raises(ValueError, match="X is empty"):
        StyleJudge().fit([], [])
    with pytest.raises(ValueError, match="X is empty"):
        judge.predict([])
    for call in (lambda: StyleJudge().fit(None, requested), lambda: judge.predict(5)):
        with pytest.raises(TypeError, match="X must be a list of texts, got"):
            call()
    for ngram_range in ((1,), ("a", "b"), (0, 1), (2, 1), (True, 2)):
        with pytest.raises(ValueError, match="ngram_range must be two int"):
            StyleJudge(ngram_range=ngram_range).fit(HELD_OUT, HELD_OUT_LABELS)
    assert StyleJudge(ngram_range=(1, 1)).fit(HELD_OUT, HELD_OUT_LABELS).score(samples, requested)
    with pytest.raises(TypeError, match="per_class must be True or False"):
        judge.class_accuracy(samples, requested, per_class="no")


# ------------------------------------------------------------- benchmark smoke


def test_bench_style_quick(data_home, tmp_path):
    result = subprocess.run(
        [
            sys.executable,
            str(REPO / "benchmarks" / "bench_style.py"),
            "--quick",
            "--data-home",
            str(data_home),
            "--results-dir",
            str(tmp_path),
        ],
        capture_output=True,
        text=True,
        timeout=300,
        env={**os.environ, "OMP_NUM_THREADS": "1"},
    )
    assert result.returncode == 0, result.stderr[-2000:]
    assert (tmp_path / "style_quick.json").exists()
