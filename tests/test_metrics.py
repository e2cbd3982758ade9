"""Tests of sklearn_textgan.metrics: hand-computed values, agreement with NLTK, scorers, curves."""

import ast
import math
import pickle
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st
from nltk.translate.bleu_score import SmoothingFunction, sentence_bleu
from sklearn.model_selection import GridSearchCV
from sklearn.utils import check_random_state

from sklearn_textgan import TextGAN, TextTokenizer, metrics
from sklearn_textgan.datasets import (
    load_image_coco,
    load_seqgan_data,
    load_seqgan_oracle,
    make_grammar_corpus,
    make_lstm_oracle,
)
from sklearn_textgan.metrics import (
    bleu,
    bleu_scores,
    copied_ngrams,
    distinct_n,
    lm_score,
    make_bleu_scorer,
    make_nll_oracle_scorer,
    make_nll_scorer,
    make_self_bleu_scorer,
    nll_oracle,
    nll_test,
    quality_diversity_curve,
    reverse_lm_score,
    self_bleu,
    self_bleu_scores,
)
from sklearn_textgan.metrics._precision import (
    closest_lengths,
    leave_one_out_closest_lengths,
)
from sklearn_textgan.models import shift_right

METHOD1 = SmoothingFunction().method1


def nltk_sentence_bleu(references, hypothesis, n):
    return sentence_bleu(references, hypothesis, weights=(1.0 / n,) * n, smoothing_function=METHOD1)


def brute_force_self_bleu(texts, n):
    return [nltk_sentence_bleu(texts[:i] + texts[i + 1 :], texts[i], n) for i in range(len(texts))]


def synthetic_corpus(n_texts, seed, vocab=12, max_length=9):
    """Random token lists over a small vocabulary: many shared n-grams, all lengths, some empty."""
    rng = np.random.default_rng(seed)
    return [
        [f"w{token}" for token in rng.integers(0, vocab, size=rng.integers(0, max_length + 1))]
        for _ in range(n_texts)
    ]


# -------------------------------------------------------------------- package


def test_public_names_have_docstrings():
    assert sorted(metrics.__all__) == sorted(
        [
            "StyleJudge",
            "bleu",
            "bleu_scores",
            "class_accuracy",
            "copied_ngrams",
            "distinct_n",
            "lm_score",
            "make_bleu_scorer",
            "make_nll_oracle_scorer",
            "make_nll_scorer",
            "make_self_bleu_scorer",
            "nll_oracle",
            "nll_test",
            "quality_diversity_curve",
            "reverse_lm_score",
            "self_bleu",
            "self_bleu_scores",
        ]
    )
    for name in metrics.__all__:
        assert "Examples" in getattr(metrics, name).__doc__


def test_metric_modules_do_not_import_torch_at_import_time():
    # The n-gram metrics are numpy-only; torch (and the estimator, which imports
    # it) may only be imported inside the functions that train or rescale a model.
    folder = Path(metrics.__file__).parent
    for path in folder.glob("*.py"):
        tree = ast.parse(path.read_text())
        for node in tree.body:
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                names = [node.module or ""]
            else:
                continue
            for name in names:
                forbidden = name.startswith("torch") or "_estimator" in name
                assert not forbidden and name.split(".")[0] != "models", (path.name, name)


def test_ngram_metrics_and_datasets_run_without_importing_torch():
    # The check above reads the metric modules; this one runs them in a fresh
    # interpreter, where the package's own __init__ (which used to import the
    # estimator) and the datasets count too.
    script = (
        "import sys\n"
        "from sklearn_textgan import TextTokenizer\n"
        "from sklearn_textgan.datasets import make_grammar_corpus\n"
        "from sklearn_textgan.metrics import bleu, distinct_n, self_bleu\n"
        "texts = make_grammar_corpus(20, random_state=0)\n"
        "TextTokenizer().fit(texts)\n"
        "assert 0 < bleu(texts[:5], texts) <= 1 and 0 < self_bleu(texts) <= 1\n"
        "assert 0 < distinct_n(texts, n=2) <= 1\n"
        "print(sorted(name for name in sys.modules if name.split('.')[0] == 'torch')[:3])\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]"


def test_textgan_is_importable_from_the_package():
    import sklearn_textgan

    assert sklearn_textgan.TextGAN is TextGAN
    assert "TextGAN" in dir(sklearn_textgan)
    namespace = {}
    exec("from sklearn_textgan import *", namespace)
    assert namespace["TextGAN"] is TextGAN
    with pytest.raises(AttributeError, match="no attribute 'TextGan'"):
        sklearn_textgan.TextGan  # noqa: B018


# ----------------------------------------------------------------------- BLEU

# Worked by hand. Hypothesis 1, "the cat sat on the mat", against
#   r1 = "the cat is on the mat", r2 = "there is a cat on the mat", r3 = "a dog ran away":
#   unigrams: the x2 (r1 has it twice: clipped 2), cat, sat (absent), on, mat -> 5 / 6
#   bigrams: "the cat", "cat sat" (absent), "sat on" (absent), "on the", "the mat" -> 3 / 5
#   length 6, reference lengths 6, 7, 4: closest 6, brevity penalty 1
#   BLEU-1 = 5/6, BLEU-2 = sqrt(5/6 * 3/5) = sqrt(1/2)
# Hypothesis 2, "a dog ran": every unigram (3/3) and bigram (2/2) is in r3, but
#   its length 3 is closest to 4: brevity penalty exp(1 - 4/3), so BLEU-1 = BLEU-2 = exp(-1/3).
HYPOTHESES = ["the cat sat on the mat", "a dog ran"]
REFERENCES = ["the cat is on the mat", "there is a cat on the mat", "a dog ran away"]
EXPECTED = {
    1: np.array([5 / 6, math.exp(-1 / 3)]),
    2: np.array([math.sqrt(1 / 2), math.exp(-1 / 3)]),
}


def test_bleu_hand_computed():
    for n, expected in EXPECTED.items():
        np.testing.assert_allclose(bleu(HYPOTHESES, REFERENCES, n, average=False), expected)
        assert bleu(HYPOTHESES, REFERENCES, max_n=n) == pytest.approx(expected.mean())
    scores = bleu_scores(HYPOTHESES, REFERENCES, max_n=(2, 1))
    assert list(scores) == [2, 1]
    assert scores[1] == pytest.approx(EXPECTED[1].mean())


def test_bleu_smoothing_of_orders_longer_than_the_hypothesis():
    # "a b" against "a b c d": p1 = p2 = 1; no trigram or 4-gram, each counts 0.1 / max(1, 0);
    # length 2 against 4: penalty exp(1 - 4/2). BLEU-4 = exp(-1) * (0.1 * 0.1) ** (1/4).
    expected = math.exp(-1) * 0.01**0.25
    assert bleu(["a b"], ["a b c d"], max_n=4) == pytest.approx(expected, rel=1e-12)
    assert expected == pytest.approx(nltk_sentence_bleu([["a", "b", "c", "d"]], ["a", "b"], 4))


def test_bleu_zero_without_unigram_match_and_for_empty_hypothesis():
    scores = bleu(["x y z", "", "a"], ["a b c"], max_n=2, average=False)
    assert scores[0] == 0.0 and scores[1] == 0.0
    # "a": p1 = 1, p2 smoothed 0.1; penalty exp(1 - 3).
    assert scores[2] == pytest.approx(math.exp(-2) * math.sqrt(0.1))


def test_empty_texts_and_references():
    # Nothing to match: 0, as in NLTK, not an error.
    assert bleu(["a b"], [""], max_n=2) == 0.0 == nltk_sentence_bleu([[]], ["a", "b"], 2)
    assert self_bleu(["", ""], max_n=2) == 0.0
    assert distinct_n([""], 1) == 0.0


def test_brevity_penalty_ties_go_to_the_shorter_reference():
    hypothesis = ["a"] * 12
    # 13 and 11 are both one away: NLTK takes 11, so the hypothesis is longer: penalty 1.
    assert bleu([hypothesis], [["a"] * 13, ["a"] * 11], max_n=2) == pytest.approx(1.0)
    # 13 is closer than 2: penalty exp(1 - 13/12).
    assert bleu([hypothesis], [["a"] * 13, ["a"] * 2], max_n=2) == pytest.approx(
        math.exp(1 - 13 / 12)
    )
    np.testing.assert_array_equal(
        closest_lengths(np.array([0, 5, 12, 20]), np.array([2, 11, 13])), [2, 2, 11, 13]
    )


def test_leave_one_out_closest_lengths():
    # 5 is alone: 3 is nearer than 8. 6 is alone between 4 and 8: the tie goes to 4.
    lengths = np.array([3, 5, 8, 8])
    np.testing.assert_array_equal(leave_one_out_closest_lengths(lengths), [5, 3, 8, 8])
    np.testing.assert_array_equal(leave_one_out_closest_lengths(np.array([4, 6, 8])), [6, 4, 6])


def test_bleu_agrees_with_nltk_on_synthetic_corpus():
    hypotheses = synthetic_corpus(80, seed=0)
    references = synthetic_corpus(60, seed=1)
    ours = bleu_scores(hypotheses, references, max_n=(1, 2, 3, 4, 5), average=False)
    for n, scores in ours.items():
        expected = [nltk_sentence_bleu(references, hypothesis, n) for hypothesis in hypotheses]
        np.testing.assert_allclose(scores, expected, rtol=0, atol=1e-9)
    # Some hypotheses score 0, some are smoothed, some match fully: the corpus covers the cases.
    assert (ours[4] == 0).any() and (ours[4] > 0.5).any()


def test_bleu_agrees_with_nltk_on_grammar_sentences():
    hypotheses = make_grammar_corpus(40, random_state=0)
    references = make_grammar_corpus(100, random_state=1)
    reference_tokens = [text.split() for text in references]
    for n in (2, 3, 4):
        expected = np.mean([nltk_sentence_bleu(reference_tokens, h.split(), n) for h in hypotheses])
        assert bleu(hypotheses, references, max_n=n) == pytest.approx(expected, rel=0, abs=1e-9)


def test_bleu_agrees_with_nltk_on_image_coco(data_home):
    hypotheses = load_image_coco("train", data_home=data_home)[:3]
    references = load_image_coco("test", data_home=data_home)
    reference_tokens = [text.split() for text in references]
    ours = bleu_scores(hypotheses, references, max_n=(2, 4), average=False)
    for n in (2, 4):
        expected = [nltk_sentence_bleu(reference_tokens, h.split(), n) for h in hypotheses]
        np.testing.assert_allclose(ours[n], expected, rtol=0, atol=1e-9)


def test_bleu_speed_on_image_coco(data_home):
    # The target of the issue: BLEU-2..5 of 10,000 hypotheses against 10,000 references in
    # under 10 s on two cores (it takes a fraction of a second).
    hypotheses = load_image_coco("train", data_home=data_home)
    references = load_image_coco("test", data_home=data_home)
    started = time.perf_counter()
    scores = bleu_scores(hypotheses, references, max_n=(2, 3, 4, 5))
    assert time.perf_counter() - started < 10
    assert 1 > scores[2] > scores[3] > scores[4] > scores[5] > 0


def test_bleu_accepts_token_lists_and_id_arrays():
    as_text = bleu(["1 2 3 4", "2 3 5"], ["1 2 3", "3 5 6 7"], max_n=3)
    as_lists = bleu([[1, 2, 3, 4], (2, 3, 5)], [[1, 2, 3], [3, 5, 6, 7]], max_n=3)
    assert as_text == as_lists
    rows = np.array([[4, 5, 6, 2], [5, 6, 7, 2]])  # token ids, then the end id
    assert bleu(rows, rows, max_n=3) == pytest.approx(1.0)


def test_bleu_scores_equal_separate_calls_and_averages():
    hypotheses, references = synthetic_corpus(30, seed=2), synthetic_corpus(30, seed=3)
    together = bleu_scores(hypotheses, references, max_n=(2, 3, 5), average=False)
    for n, scores in together.items():
        assert scores.shape == (30,)
        np.testing.assert_array_equal(scores, bleu(hypotheses, references, n, average=False))
        assert bleu(hypotheses, references, n) == pytest.approx(scores.mean())


# Tiny vocabularies and lengths: repeated n-grams, ties in length, texts shorter than n.
token_lists = st.lists(st.lists(st.sampled_from("abc"), max_size=6), min_size=2, max_size=8)


@settings(max_examples=60, deadline=None)
@given(hypotheses=token_lists, references=token_lists, n=st.integers(1, 4))
def test_bleu_and_self_bleu_agree_with_nltk_on_random_corpora(hypotheses, references, n):
    expected = [nltk_sentence_bleu(references, hypothesis, n) for hypothesis in hypotheses]
    np.testing.assert_allclose(
        bleu(hypotheses, references, n, average=False), expected, rtol=0, atol=1e-9
    )
    np.testing.assert_allclose(
        self_bleu(hypotheses, n, average=False),
        brute_force_self_bleu(hypotheses, n),
        rtol=0,
        atol=1e-9,
    )


@pytest.mark.parametrize(
    "call, error, message",
    [
        (lambda: bleu([], ["a"]), ValueError, "hypotheses is empty"),
        (lambda: bleu(["a"], []), ValueError, "references is empty"),
        (lambda: bleu("a b", ["a"]), TypeError, "single str"),
        (lambda: bleu(None, ["a"]), TypeError, "got None"),
        (lambda: bleu(["a", 3], ["a"]), TypeError, "element 1 is int"),
        (lambda: bleu([[["a"]]], ["a"]), TypeError, "hashable"),
        (lambda: bleu(np.zeros((1, 1, 1)), ["a"]), TypeError, "shape"),
        (lambda: bleu(["a"], ["a"], max_n=0), ValueError, "max_n must be from 1 to 100"),
        (lambda: bleu(["a"], ["a"], max_n=10**9), ValueError, "max_n must be from 1 to 100"),
        (lambda: bleu(["a"], ["a"], max_n=2.0), TypeError, "max_n must be an int"),
        (lambda: bleu(["a"], ["a"], average="no"), TypeError, "average must be True or False"),
        (lambda: bleu([[4, 5, 6]], ["4 5 6"]), TypeError, "both as text or both as token ids"),
        (lambda: bleu(["a"], ["a"], max_n=True), TypeError, "max_n must be an int"),
        (lambda: bleu_scores(["a"], ["a"], max_n=4), TypeError, "sequence of int"),
        (lambda: bleu_scores(["a"], ["a"], max_n=()), ValueError, "max_n is empty"),
        (lambda: bleu_scores(["a"], ["a"], max_n=(2, 2)), ValueError, "twice"),
    ],
)
def test_bleu_rejects_bad_input(call, error, message):
    with pytest.raises(error, match=message):
        call()


def test_id_rows_are_cut_at_their_end_token_by_every_metric():
    # The layout TextGAN.sample writes: tokens, the end id (2), padding (0).
    hypotheses = np.array([[4, 5, 2, 0, 0, 0], [6, 7, 5, 2, 0, 0]])
    references = np.array([[4, 5, 6, 2, 0, 0], [5, 6, 7, 5, 2, 0]])
    as_lists = [[4, 5], [6, 7, 5]], [[4, 5, 6], [5, 6, 7, 5]]
    assert bleu(hypotheses, references, 2) == bleu(*as_lists, 2)
    assert self_bleu(hypotheses, 2) == self_bleu(as_lists[0], 2)
    assert distinct_n(hypotheses, 2) == distinct_n(as_lists[0], 2) == 1.0


# ----------------------------------------------------------------- Self-BLEU


def test_self_bleu_hand_computed():
    # "the cat sat" vs the others: 2/3 unigrams, 1/2 bigrams; "the cat ran": 3/3 and 1/2;
    # "a dog ran": 1/3 and no bigram (0.1 / 2). All lengths 3: penalty 1.
    texts = ["the cat sat", "the cat ran", "a dog ran"]
    expected = [math.sqrt(2 / 3 * 1 / 2), math.sqrt(1 / 2), math.sqrt(1 / 3 * 0.05)]
    np.testing.assert_allclose(self_bleu(texts, 2, average=False), expected)
    assert self_bleu(texts, max_n=2) == pytest.approx(np.mean(expected))


def test_self_bleu_agrees_with_brute_force_nltk():
    # Duplicates (the top count is shared), texts that alone hold an n-gram's top count,
    # unique and shared lengths, empty texts.
    texts = synthetic_corpus(70, seed=4, vocab=6) + [["w1", "w2", "w1", "w2"]] * 2
    ours = self_bleu_scores(texts, max_n=(1, 2, 3, 4), average=False)
    for n, scores in ours.items():
        np.testing.assert_allclose(scores, brute_force_self_bleu(texts, n), rtol=0, atol=1e-9)


def test_self_bleu_agrees_with_brute_force_nltk_on_image_coco(data_home):
    texts = [text.split() for text in load_image_coco("train", data_home=data_home)[:80]]
    ours = self_bleu(texts, max_n=3, average=False)
    np.testing.assert_allclose(ours, brute_force_self_bleu(texts, 3), rtol=0, atol=1e-9)


def test_self_bleu_uses_the_second_largest_count_when_a_text_holds_the_largest():
    # "a a a" holds the top count (3) of "a"; against the others its clipped count is 1.
    texts = ["a a a", "a b", "b c"]
    scores = self_bleu(texts, max_n=1, average=False)
    # Lengths 3, 2, 2: for "a a a" the closest other is 2, shorter: penalty 1.
    assert scores[0] == pytest.approx(1 / 3)
    np.testing.assert_allclose(scores, brute_force_self_bleu([t.split() for t in texts], 1))


def test_self_bleu_of_identical_texts_is_one_and_needs_two_texts():
    assert self_bleu(["a b c", "a b c"], max_n=3) == pytest.approx(1.0)
    with pytest.raises(ValueError, match="at least two texts"):
        self_bleu(["a b c"])
    with pytest.raises(ValueError, match="texts is empty"):
        self_bleu([])


def test_self_bleu_is_lower_for_a_more_diverse_set():
    corpus = make_grammar_corpus(200, random_state=0)
    assert self_bleu(corpus[:5] * 40) > self_bleu(corpus)


# ---------------------------------------------------------------- distinct-n


def test_distinct_n_hand_computed():
    # Unigrams: the, cat, sat, the, cat, ran -> 4 distinct of 6; bigrams: "the cat" twice -> 3 of 4.
    texts = ["the cat sat", "the cat ran"]
    assert distinct_n(texts, 1) == pytest.approx(4 / 6)
    assert distinct_n(texts, 2) == pytest.approx(3 / 4)
    # N-grams do not cross texts: "sat the" is not a bigram.
    assert distinct_n(texts, 3) == 1.0
    assert distinct_n(texts, 4) == 0.0
    assert distinct_n([["x", "y", "x", "y"]], 2) == pytest.approx(2 / 3)


def test_distinct_n_rejects_bad_input():
    with pytest.raises(ValueError, match="n must be from 1 to 100"):
        distinct_n(["a"], 0)
    with pytest.raises(ValueError, match="texts is empty"):
        distinct_n([], 1)


# ---------------------------------------------------------------- copied n-grams


def test_copied_ngrams_hand_computed():
    training = ["the cat sat", "a dog ran"]
    # Bigrams of "the cat ran": "the cat" seen, "cat ran" not; "sat a" would cross texts.
    assert copied_ngrams(["the cat ran"], training, n=2) == pytest.approx(1 / 2)
    assert copied_ngrams(["cat sat a dog"], training, n=2) == pytest.approx(2 / 3)
    # Every occurrence counts: "the cat" written twice is copied twice.
    assert copied_ngrams(["the cat", "the cat", "x y"], training, n=2) == pytest.approx(2 / 3)
    assert copied_ngrams(training, training, n=3) == 1.0
    assert copied_ngrams(["the cat"], training, n=3) == 0.0  # no trigram written
    ids = np.array([[5, 6, 7, 2], [5, 9, 2, 0]])  # rows cut at the end id 2, as sampled
    assert copied_ngrams(ids, [[5, 6], [9, 5]], n=2) == pytest.approx(1 / 3)


def test_copied_ngrams_rejects_bad_input():
    with pytest.raises(ValueError, match="n must be from 1 to 100"):
        copied_ngrams(["a b"], ["a b"], n=0)
    with pytest.raises(ValueError, match="training_texts is empty"):
        copied_ngrams(["a b"], [])
    with pytest.raises(TypeError, match="texts hold int tokens and training_texts str"):
        copied_ngrams([[1, 2]], ["a b"], n=1)


def test_copied_ngrams_of_fresh_oracle_texts_are_rare(data_home):
    # The yardstick of the oracle benchmark: texts of the same source, never
    # trained on, share few 4-grams with the training texts; the training texts
    # share all of theirs.
    # Oracle tokens are 0..4999, not the estimator's ids (where 0 and 2 end a
    # row), so they are given as lists, which are taken as they are.
    training = np.asarray(load_seqgan_data(data_home=data_home)).tolist()
    fresh = np.asarray(load_seqgan_oracle(data_home=data_home).sample(500, random_state=1)).tolist()
    assert copied_ngrams(fresh, training, n=4) < 0.01
    assert copied_ngrams(training[:500], training, n=4) == 1.0
    assert copied_ngrams(fresh, training, n=1) > 0.99


# ---------------------------------------------------------------- likelihood

TRAIN = make_grammar_corpus(300, random_state=0)
HELD_OUT = make_grammar_corpus(60, random_state=1)


def tiny(**params) -> TextGAN:
    settings = dict(
        embedding_dim=16, hidden_dim=16, pretrain_epochs=2, batch_size=32, random_state=0
    )
    settings.update(params)
    return TextGAN(**settings)


@pytest.fixture(scope="module")
def gan() -> TextGAN:
    return tiny().fit(TRAIN)


@pytest.fixture(scope="module")
def oracle_setup():
    oracle = make_lstm_oracle(vocab_size=20, sequence_length=6, random_state=0)

    def as_model_ids(sequences):
        # Oracle token t is id t + 4 (after the special tokens), then the end token 2.
        return np.hstack([sequences + 4, np.full((len(sequences), 1), 2)])

    train = as_model_ids(oracle.sample(300, random_state=0))
    test = as_model_ids(oracle.sample(50, random_state=1))
    return oracle, tiny(pretrain_epochs=3).fit(train), train, test


def test_nll_oracle_is_the_oracle_nll():
    oracle = make_lstm_oracle(vocab_size=30, sequence_length=5, random_state=0)
    sequences = oracle.sample(40, random_state=0)
    assert nll_oracle(oracle, sequences) == oracle.nll(sequences)
    with pytest.raises(TypeError, match="nll"):
        nll_oracle(object(), sequences)
    with pytest.raises(ValueError):
        nll_oracle(oracle, np.zeros((0, 5), dtype=int))


def test_nll_test_is_minus_score(gan):
    assert nll_test(gan, HELD_OUT) == -gan.score(HELD_OUT)
    with pytest.raises(TypeError, match="score method"):
        nll_test(object(), HELD_OUT)
    with pytest.raises(ValueError, match="temperature"):
        nll_test(gan, HELD_OUT, temperature=0.0)


def test_nll_test_at_a_temperature_matches_a_direct_computation(gan):
    before = {k: v.clone() for k, v in gan.generator_.state_dict().items()}
    temperature = 0.7
    targets = torch.as_tensor(gan.tokenizer_.transform(HELD_OUT))
    with torch.no_grad():
        logits = gan.generator_(shift_right(targets, 1)) / temperature
        picked = torch.log_softmax(logits.double(), dim=-1).gather(-1, targets.unsqueeze(-1))
    mask = targets != 0
    expected = -float(picked.squeeze(-1)[mask].sum() / mask.sum())
    assert nll_test(gan, HELD_OUT, temperature=temperature) == pytest.approx(expected, rel=1e-5)
    # The estimator itself is untouched.
    after = gan.generator_.state_dict()
    assert all(torch.equal(before[key], after[key]) for key in before)
    assert nll_test(gan, HELD_OUT, temperature=1.0) == -gan.score(HELD_OUT)


def test_nll_test_temperature_needs_a_textgan():
    class Scored:
        def score(self, X):
            return -1.0

    assert nll_test(Scored(), ["a"]) == 1.0
    with pytest.raises(TypeError, match="needs a fitted TextGAN"):
        nll_test(Scored(), ["a"], temperature=2.0)


# ------------------------------------------------------------------ LM scores


def test_lm_score_is_nll_under_a_model_of_the_references():
    settings = dict(embedding_dim=8, hidden_dim=8, pretrain_epochs=1, random_state=0)
    generated = make_grammar_corpus(40, random_state=5)
    # The model covers the longest text of either side.
    longest = max(len(TextTokenizer().tokenize(text)) for text in TRAIN + generated)
    model = TextGAN(max_length=longest, **settings).fit(TRAIN)
    assert lm_score(generated, TRAIN, **settings) == pytest.approx(nll_test(model, generated))
    reverse = TextGAN(max_length=longest, **settings).fit(generated)
    assert reverse_lm_score(generated, TRAIN, **settings) == pytest.approx(nll_test(reverse, TRAIN))


def test_reverse_lm_score_penalises_a_collapsed_generator():
    settings = dict(
        embedding_dim=16, hidden_dim=16, pretrain_epochs=10, batch_size=32,
        learning_rate=0.01, validation_fraction=0.0, random_state=0,
    )  # fmt: skip
    diverse = make_grammar_corpus(300, random_state=2)
    collapsed = make_grammar_corpus(3, random_state=3) * 100
    real = HELD_OUT
    assert reverse_lm_score(diverse, real, **settings) + 0.5 < reverse_lm_score(
        collapsed, real, **settings
    )


def test_lm_scores_reject_other_algorithms_and_empty_input():
    with pytest.raises(ValueError, match="maximum likelihood"):
        lm_score(["a b"], ["a b"], algorithm="seqgan")
    with pytest.raises(ValueError, match="references is empty"):
        lm_score(["a b"], [])
    with pytest.raises(TypeError, match="texts must"):
        reverse_lm_score("a b", ["a b"])
    ids = np.array([[4, 5, 2]])
    for score in (lm_score, reverse_lm_score):
        with pytest.raises(TypeError, match="lists of str or both 2-D arrays"):
            score(ids, ["a b"])
        with pytest.raises(TypeError, match="lists of str or both 2-D arrays"):
            score(["a b"], ids)


# --------------------------------------------------------------------- curves


def test_quality_diversity_curve_on_real_text(gan):
    temperatures = (0.3, 1.0, 2.0)
    records = quality_diversity_curve(
        gan, HELD_OUT, temperatures=temperatures, n_samples=60, test_texts=HELD_OUT,
        max_n=(2, 3), random_state=0,
    )  # fmt: skip
    assert [record["temperature"] for record in records] == list(temperatures)
    for record in records:
        assert set(record) == {
            "temperature", "n_samples", "n_references", "bleu_2", "bleu_3",
            "self_bleu_2", "self_bleu_3", "nll_test",
        }  # fmt: skip
        assert record["n_samples"] == 60 and record["n_references"] == len(HELD_OUT)
        assert 0 <= record["bleu_3"] <= record["bleu_2"] <= 1
        assert 0 <= record["self_bleu_3"] <= record["self_bleu_2"] <= 1
    # Colder sampling: closer to the data, less diverse.
    assert records[0]["bleu_2"] > records[-1]["bleu_2"]
    assert records[0]["self_bleu_2"] > records[-1]["self_bleu_2"]
    # Each figure is the metric of the samples drawn with the curve's seed.
    seed = int(check_random_state(0).randint(0, 2**31 - 1))
    # Both sides are split by the model's own tokenizer.
    split = gan.tokenizer_.tokenize
    samples = [split(text) for text in gan.sample(60, temperature=1.0, random_state=seed)]
    references = [split(text) for text in HELD_OUT]
    assert records[1]["bleu_3"] == pytest.approx(bleu(samples, references, 3))
    assert records[1]["self_bleu_2"] == pytest.approx(self_bleu(samples, 2))
    assert records[2]["nll_test"] == pytest.approx(nll_test(gan, HELD_OUT, temperature=2.0))
    # One-pass iterables (generators) serve every temperature, not just the first.
    again = quality_diversity_curve(
        gan, (text for text in HELD_OUT), temperatures=temperatures, n_samples=60,
        test_texts=(text for text in HELD_OUT), max_n=(2, 3), random_state=0,
    )  # fmt: skip
    assert again == records


def test_quality_diversity_curve_with_an_oracle(oracle_setup):
    oracle, model, _, test = oracle_setup
    records = quality_diversity_curve(
        model, oracle=oracle, test_texts=test, temperatures=(0.5, 1.0), n_samples=100
    )
    assert [sorted(record) for record in records] == [
        ["n_samples", "nll_oracle", "nll_test", "temperature"]
    ] * 2
    # Colder samples are likelier under the oracle; NLL_test is best near temperature 1.
    assert records[0]["nll_oracle"] < records[1]["nll_oracle"]
    assert records[1]["nll_test"] < records[0]["nll_test"]
    assert records[1]["nll_test"] == pytest.approx(nll_test(model, test))


@pytest.mark.parametrize(
    "kwargs, error, message",
    [
        (dict(), ValueError, "references"),
        (dict(oracle="oracle"), ValueError, "test_texts"),
        (dict(references=["a b"], temperatures=()), ValueError, "temperatures is empty"),
        (dict(references=["a b"], temperatures=1.0), TypeError, "sequence"),
        (dict(references=["a b"], temperatures=(1.0, -1.0)), ValueError, "temperatures"),
        (dict(references=["a b"], n_samples=1), ValueError, "n_samples >= 2"),
        (dict(references=["a b"], max_n=0), ValueError, "max_n"),
    ],
)
def test_quality_diversity_curve_rejects_bad_input(gan, kwargs, error, message):
    with pytest.raises(error, match=message):
        quality_diversity_curve(gan, **kwargs)


def test_reference_texts_must_not_be_one_string(gan):
    with pytest.raises(TypeError, match="single str"):
        make_bleu_scorer("the cat sat on the mat")
    with pytest.raises(TypeError, match="single str"):
        quality_diversity_curve(gan, "the cat", temperatures=(1.0,), n_samples=5)
    with pytest.raises(ValueError, match="test_texts is empty"):
        quality_diversity_curve(gan, HELD_OUT, test_texts=[], n_samples=5)


def test_a_model_fitted_on_ids_needs_references_as_ids():
    tokenizer = TextTokenizer().fit(TRAIN)
    gan = tiny(pretrain_epochs=1).fit(tokenizer.transform(TRAIN))
    with pytest.raises(TypeError, match="fitted on token ids"):
        quality_diversity_curve(gan, HELD_OUT, temperatures=(1.0,), n_samples=5)
    with pytest.raises(TypeError, match="fitted on token ids"):
        make_bleu_scorer(HELD_OUT, max_n=2, n_samples=5)(gan, None)
    references = tokenizer.transform(HELD_OUT)
    records = quality_diversity_curve(gan, references, temperatures=(1.0,), n_samples=20, max_n=2)
    seed = int(check_random_state(0).randint(0, 2**31 - 1))
    samples = gan.sample(20, random_state=seed)
    assert records[0]["bleu_2"] == bleu(samples, references, 2) > 0


def test_nll_test_of_an_unfitted_model_at_a_temperature_says_so():
    from sklearn.exceptions import NotFittedError

    with pytest.raises(NotFittedError):
        nll_test(tiny(), HELD_OUT, temperature=2.0)


def test_quality_diversity_curve_needs_a_sampler():
    with pytest.raises(TypeError, match="sample"):
        quality_diversity_curve(object(), ["a b"])


# -------------------------------------------------------------------- scorers


def test_scorers_in_a_grid_search():
    scoring = {
        "bleu": make_bleu_scorer(HELD_OUT, max_n=2, n_samples=30),
        "bleu_fold": make_bleu_scorer(max_n=2, n_samples=30),
        "self_bleu": make_self_bleu_scorer(max_n=2, n_samples=30),
        "nll": make_nll_scorer(),
    }
    search = GridSearchCV(
        tiny(pretrain_epochs=1), {"hidden_dim": [8, 16]}, scoring=scoring, refit="nll", cv=2
    ).fit(TRAIN[:200])
    results = search.cv_results_
    for name in scoring:
        assert np.isfinite(results[f"mean_test_{name}"]).all(), name
    assert ((results["mean_test_bleu"] > 0) & (results["mean_test_bleu"] <= 1)).all()
    assert ((results["mean_test_self_bleu"] >= -1) & (results["mean_test_self_bleu"] < 0)).all()
    assert search.best_index_ == int(np.argmax(results["mean_test_nll"]))
    # The NLL scorer is the estimator's own score, GridSearchCV's default.
    default = GridSearchCV(tiny(pretrain_epochs=1), {"hidden_dim": [8, 16]}, cv=2)
    default.fit(TRAIN[:200])
    np.testing.assert_allclose(results["mean_test_nll"], default.cv_results_["mean_test_score"])


def lowercase(texts):
    return [text.lower() for text in texts]


def shouted(texts):
    return [text.upper() for text in texts]


def test_metrics_of_a_pipeline_are_those_of_its_last_step_on_transformed_texts():
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import FunctionTransformer

    # The pipeline lowercases what it is given: its generator only knows
    # lowercase words, so the shouted references only match once lowered.
    pipe = make_pipeline(FunctionTransformer(lowercase), tiny(pretrain_epochs=1))
    pipe.fit(shouted(TRAIN))
    generator = pipe[-1]
    curve_kwargs = dict(temperatures=(0.8, 1.0), n_samples=30, max_n=2)
    through_pipe = quality_diversity_curve(
        pipe, shouted(HELD_OUT), test_texts=shouted(HELD_OUT), **curve_kwargs
    )
    direct = quality_diversity_curve(generator, HELD_OUT, test_texts=HELD_OUT, **curve_kwargs)
    assert through_pipe == direct
    assert nll_test(pipe, shouted(HELD_OUT), temperature=0.8) == nll_test(
        generator, HELD_OUT, temperature=0.8
    )
    scorers = [
        make_bleu_scorer(shouted(HELD_OUT), max_n=2, n_samples=30),
        make_bleu_scorer(max_n=2, n_samples=30),  # the fold is the reference set
        make_self_bleu_scorer(max_n=2, n_samples=30),
        make_nll_scorer(temperature=0.8),
    ]
    for scorer in scorers:
        assert scorer(pipe, shouted(HELD_OUT)) == scorer(generator, HELD_OUT), scorer


def test_scorers_in_a_grid_search_over_a_pipeline():
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import FunctionTransformer

    pipe = make_pipeline(FunctionTransformer(lowercase), tiny(pretrain_epochs=1))
    scoring = {
        "bleu": make_bleu_scorer(shouted(HELD_OUT), max_n=2, n_samples=30),
        "nll_cool": make_nll_scorer(temperature=0.8),
    }
    search = GridSearchCV(
        pipe, {"textgan__hidden_dim": [8, 16]}, scoring=scoring, refit="nll_cool", cv=2
    ).fit(shouted(TRAIN[:200]))
    for name in scoring:
        assert np.isfinite(search.cv_results_[f"mean_test_{name}"]).all(), name
    # The shouted references are lowercased by the pipeline before the comparison.
    best = search.best_estimator_
    assert scoring["bleu"](best, None) == make_bleu_scorer(HELD_OUT, max_n=2, n_samples=30)(
        best[-1], None
    )


def test_scorers_compute_their_metric(gan, oracle_setup):
    seed = int(check_random_state(0).randint(0, 2**31 - 1))
    split = gan.tokenizer_.tokenize
    samples = [split(text) for text in gan.sample(40, temperature=0.8, random_state=seed)]
    scorer = make_bleu_scorer(HELD_OUT, max_n=3, n_samples=40, temperature=0.8)
    assert scorer(gan, None) == pytest.approx(bleu(samples, [split(t) for t in HELD_OUT], 3))
    from_generator = make_bleu_scorer((t for t in HELD_OUT), max_n=3, n_samples=40, temperature=0.8)
    assert from_generator(gan, None) == scorer(gan, None)
    # Without references, the texts it is called with are the references.
    fold_scorer = make_bleu_scorer(max_n=3, n_samples=40, temperature=0.8)
    assert fold_scorer(gan, HELD_OUT) == scorer(gan, TRAIN)
    diversity = make_self_bleu_scorer(max_n=2, n_samples=40, temperature=0.8)
    assert diversity(gan, HELD_OUT) == pytest.approx(-self_bleu(samples, 2))
    assert make_nll_scorer(temperature=0.8)(gan, HELD_OUT) == pytest.approx(
        -nll_test(gan, HELD_OUT, temperature=0.8)
    )
    oracle, model, _, test = oracle_setup
    # A model of ids: samples and the held-out fold are both cut at their end token.
    ids = model.sample(30, random_state=seed)
    # Cut each row before its first end (2) or padding (0) id.
    cut = [next((row[:i] for i, t in enumerate(row) if t in (0, 2)), row) for row in ids.tolist()]
    expected = bleu(cut, [row[:-1] for row in test.tolist()], 2)
    assert make_bleu_scorer(max_n=2, n_samples=30)(model, test) == pytest.approx(expected)
    oracle_scorer = make_nll_oracle_scorer(oracle, n_samples=50)
    ids = model.sample(50, random_state=seed)[:, :6] - 4
    assert oracle_scorer(model, test) == pytest.approx(-oracle.nll(np.where(ids < 0, 0, ids)))


def test_nll_test_and_its_scorer_score_each_text_given_its_class():
    texts = ["the cat sat.", "a dog ran.", "the cat ran.", "a dog sat."] * 6
    labels = ["cat", "dog", "cat", "dog"] * 6
    gan = TextGAN(embedding_dim=8, hidden_dim=8, pretrain_epochs=2, random_state=0)
    gan.fit(texts, labels)
    given_class, marginal = gan.score(texts, labels), gan.score(texts)
    assert given_class != marginal
    assert nll_test(gan, texts, y=labels) == -given_class
    assert nll_test(gan, texts) == -marginal
    # As GridSearchCV calls it with y: the estimator's own score, not the marginal one.
    assert make_nll_scorer()(gan, texts, labels) == given_class
    assert make_nll_scorer(temperature=0.8)(gan, texts, labels) == pytest.approx(
        -nll_test(gan, texts, y=labels, temperature=0.8)
    )
    assert nll_test(gan, texts, y=labels, temperature=0.8) != nll_test(gan, texts, temperature=0.8)


def test_scorers_pickle_and_print(gan):
    scorer = make_bleu_scorer(HELD_OUT, max_n=2, n_samples=20)
    value = scorer(gan, None)
    copy = pickle.loads(pickle.dumps(scorer))
    assert copy(gan, None) == value
    assert repr(scorer) == (
        "make_bleu_scorer(max_n=2, n_samples=20, temperature=1.0, random_state=0)"
    )
    assert repr(make_nll_scorer()) == "make_nll_scorer(temperature=1.0)"


@pytest.mark.parametrize(
    "call, error, message",
    [
        (lambda: make_bleu_scorer(["a"], max_n=0), ValueError, "max_n"),
        (lambda: make_self_bleu_scorer(random_state="x"), ValueError, "random_state"),
        (lambda: make_bleu_scorer(["a"], random_state=-1), ValueError, "random_state"),
        (lambda: make_bleu_scorer([]), ValueError, "references is empty"),
        (lambda: make_bleu_scorer(n_samples=0), ValueError, "n_samples"),
        (lambda: make_bleu_scorer(temperature="hot"), TypeError, "temperature"),
        (lambda: make_self_bleu_scorer(n_samples=1), ValueError, "n_samples >= 2"),
        (lambda: make_nll_scorer(temperature=-1.0), ValueError, "temperature"),
        (lambda: make_nll_oracle_scorer(None), TypeError, "nll method"),
    ],
)
def test_scorer_factories_reject_bad_input(call, error, message):
    with pytest.raises(error, match=message):
        call()


def test_sampling_scorer_needs_a_sampler():
    with pytest.raises(TypeError, match="sample"):
        make_self_bleu_scorer()(object(), None)


def test_samples_and_references_are_split_by_the_fitted_tokenizer():
    # The model writes "the cat sat." for the tokens "the cat sat ."; references
    # written with spaced punctuation must still match them token for token.
    from sklearn_textgan import TextGAN
    from sklearn_textgan.metrics import make_bleu_scorer, quality_diversity_curve

    texts = ["the cat sat.", "the dog ran."] * 20
    spaced = ["the cat sat .", "the dog ran ."]
    gan = TextGAN(
        embedding_dim=8,
        hidden_dim=16,
        pretrain_epochs=30,
        learning_rate=0.05,
        validation_fraction=0.0,
        random_state=0,
    ).fit(texts)
    samples = gan.sample(20, temperature=0.05, random_state=0)
    assert set(samples) <= set(texts)
    (record,) = quality_diversity_curve(gan, spaced, temperatures=(0.05,), n_samples=20, max_n=2)
    assert record["bleu_2"] == pytest.approx(1.0)
    scorer = make_bleu_scorer(spaced, max_n=2, n_samples=20, temperature=0.05)
    assert scorer(gan, spaced) == pytest.approx(1.0)
