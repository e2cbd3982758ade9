import pickle
import warnings

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sklearn.base import clone
from sklearn.exceptions import NotFittedError
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import FunctionTransformer
from sklearn.utils.estimator_checks import (
    check_get_params_invariance,
    check_no_attributes_set_in_init,
    check_parameters_default_constructible,
    check_set_params,
)

from sklearn_textgan._tokenizer import (
    BOS_ID,
    EOS_ID,
    N_SPECIAL_TOKENS,
    PAD_ID,
    SPECIAL_TOKENS,
    UNK_ID,
    UNK_TOKEN,
    TextTokenizer,
)

TEXTS = [
    "The cat sat on the mat.",
    "The dog didn't sit; it ran (fast)!",
    "Is the dog's bowl empty?",
]


def _upper_all(texts):
    return [text.upper() for text in texts]


def test_special_token_constants():
    assert SPECIAL_TOKENS == ("<pad>", "<bos>", "<eos>", "<unk>")
    assert (PAD_ID, BOS_ID, EOS_ID, UNK_ID) == (0, 1, 2, 3)
    assert N_SPECIAL_TOKENS == len(SPECIAL_TOKENS) == 4


def test_fit_returns_self_and_special_ids():
    tokenizer = TextTokenizer()
    assert tokenizer.fit(TEXTS) is tokenizer
    for index, token in enumerate(SPECIAL_TOKENS):
        assert tokenizer.vocabulary_[token] == index
        assert tokenizer.tokens_[index] == token
    assert len(tokenizer.tokens_) == len(tokenizer.vocabulary_)
    for token, index in tokenizer.vocabulary_.items():
        assert tokenizer.tokens_[index] == token


def test_word_tokenize_splits_punctuation_and_keeps_apostrophes():
    tokenizer = TextTokenizer()
    assert tokenizer.tokenize("Don't touch the dog's bowl, Bob!") == [
        "don't",
        "touch",
        "the",
        "dog's",
        "bowl",
        ",",
        "bob",
        "!",
    ]
    assert tokenizer.tokenize("(hi)...end") == ["(", "hi", ")", ".", ".", ".", "end"]
    assert tokenizer.tokenize("rock 'n' roll'") == ["rock", "'", "n", "'", "roll", "'"]
    assert tokenizer.tokenize("") == []
    assert tokenizer.tokenize("   \n\t ") == []


def test_char_tokenize_keeps_every_character():
    tokenizer = TextTokenizer(level="char", lowercase=False)
    assert tokenizer.tokenize("Hi, 😀!") == ["H", "i", ",", " ", "😀", "!"]


def test_tokenize_rejects_non_str():
    with pytest.raises(TypeError):
        TextTokenizer().tokenize(["a list"])


def test_lowercase_on_and_off():
    lower = TextTokenizer().fit(["Cat cat CAT"])
    assert lower.tokens_[N_SPECIAL_TOKENS:] == ["cat"]
    keep = TextTokenizer(lowercase=False).fit(["Cat cat CAT"])
    assert sorted(keep.tokens_[N_SPECIAL_TOKENS:]) == ["CAT", "Cat", "cat"]
    assert keep.transform(["cat"])[0, 0] == keep.vocabulary_["cat"]
    assert keep.transform(["cAt"])[0, 0] == UNK_ID


def test_word_round_trip_with_punctuation():
    tokenizer = TextTokenizer().fit(TEXTS)
    decoded = tokenizer.inverse_transform(tokenizer.transform(TEXTS))
    assert decoded == [
        "the cat sat on the mat.",
        "the dog didn't sit; it ran (fast)!",
        "is the dog's bowl empty?",
    ]
    for text, back in zip(TEXTS, decoded, strict=True):
        assert tokenizer.tokenize(back) == tokenizer.tokenize(text)


def test_word_join_rules():
    tokenizer = TextTokenizer().fit(["a ( b ) , c . [ d ] 50 % ? ! : ; { e }"])
    ids = tokenizer.transform(["a(b), c. [d] 50%? {e}!"])
    assert tokenizer.inverse_transform(ids) == ["a (b), c. [d] 50%? {e}!"]


def test_char_round_trip_exact():
    texts = ["Hello, World!", "  spaced  out ", "naïve café ☕ 😀", ""]
    tokenizer = TextTokenizer(level="char", lowercase=False).fit(texts)
    assert tokenizer.inverse_transform(tokenizer.transform(texts)) == texts


def test_min_frequency():
    tokenizer = TextTokenizer(min_frequency=2).fit(["a a b c c c d"])
    assert tokenizer.tokens_[N_SPECIAL_TOKENS:] == ["c", "a"]
    assert tokenizer.transform(["b d"]).tolist() == [[UNK_ID, UNK_ID, EOS_ID]]


def test_min_frequency_too_high_raises():
    with pytest.raises(ValueError, match="min_frequency"):
        TextTokenizer(min_frequency=5).fit(["a b a"])


def test_max_vocabulary_keeps_most_frequent():
    texts = ["x x x x y y y z z w"]
    tokenizer = TextTokenizer(max_vocabulary=2).fit(texts)
    assert len(tokenizer.vocabulary_) == N_SPECIAL_TOKENS + 2
    assert tokenizer.tokens_[N_SPECIAL_TOKENS:] == ["x", "y"]
    assert tokenizer.transform(["x y z w"]).tolist() == [[4, 5, UNK_ID, UNK_ID, EOS_ID]]
    large = TextTokenizer(max_vocabulary=100).fit(texts)
    assert len(large.vocabulary_) == N_SPECIAL_TOKENS + 4


def test_ties_broken_by_token_string():
    first = TextTokenizer().fit(["pear apple fig apple pear fig"])
    second = TextTokenizer().fit(["fig pear apple fig apple pear"])
    assert first.tokens_[N_SPECIAL_TOKENS:] == ["apple", "fig", "pear"]
    assert first.vocabulary_ == second.vocabulary_
    frequent_first = TextTokenizer().fit(["b a b"])
    assert frequent_first.tokens_[N_SPECIAL_TOKENS:] == ["b", "a"]


def test_unknown_words_map_to_unk():
    tokenizer = TextTokenizer().fit(["the cat"])
    ids = tokenizer.transform(["the zebra"])
    assert ids.tolist() == [[tokenizer.vocabulary_["the"], UNK_ID, EOS_ID]]
    assert tokenizer.inverse_transform(ids) == ["the <unk>"]
    assert tokenizer.tokenize("the <unk>") == ["the", UNK_TOKEN]


def test_special_token_strings_in_text_are_not_control_ids():
    tokenizer = TextTokenizer().fit(["a <eos> b <pad> <unk>"])
    assert set(tokenizer.tokens_[N_SPECIAL_TOKENS:]) == {"a", "b", "<", ">", "eos", "pad"}
    ids = tokenizer.transform(["a <eos> b"])[0]
    assert list(ids).count(EOS_ID) == 1 and ids[-1] == EOS_ID
    assert tokenizer.transform(["<unk>"]).tolist() == [[UNK_ID, EOS_ID]]


def test_transform_shape_dtype_and_padding():
    tokenizer = TextTokenizer().fit(["a b c d", "a"])
    ids = tokenizer.transform(["a b c d", "a", ""])
    assert ids.dtype == np.int64
    assert ids.shape == (3, 5)
    assert ids[0, 4] == EOS_ID and PAD_ID not in ids[0]
    assert ids[1].tolist() == [tokenizer.vocabulary_["a"], EOS_ID, PAD_ID, PAD_ID, PAD_ID]
    assert ids[2].tolist() == [EOS_ID, PAD_ID, PAD_ID, PAD_ID, PAD_ID]


def test_transform_all_empty_texts_gives_eos_column():
    tokenizer = TextTokenizer().fit(["a"])
    ids = tokenizer.transform(["", "  "])
    assert ids.tolist() == [[EOS_ID], [EOS_ID]]
    assert tokenizer.inverse_transform(ids) == ["", ""]


def test_max_length_truncation_warns_once():
    tokenizer = TextTokenizer(max_length=2).fit(["a b c d"])
    with pytest.warns(UserWarning, match="2 of 3 texts") as record:
        ids = tokenizer.transform(["a b c", "a b c d", "a"])
    assert len(record) == 1
    assert ids.shape == (3, 3)
    assert ids[:, -1].tolist() == [EOS_ID, EOS_ID, PAD_ID]
    assert tokenizer.inverse_transform(ids) == ["a b", "a b", "a"]
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        tokenizer.transform(["a b", "c"])


def test_inverse_stops_at_eos_and_drops_pad_and_bos():
    tokenizer = TextTokenizer().fit(["x y"])
    x, y = tokenizer.vocabulary_["x"], tokenizer.vocabulary_["y"]
    ids = np.array(
        [
            [BOS_ID, x, PAD_ID, y, EOS_ID, x, y],
            [x, EOS_ID, EOS_ID, y, PAD_ID, PAD_ID, PAD_ID],
            [UNK_ID, BOS_ID, y, x, y, x, PAD_ID],
        ]
    )
    assert tokenizer.inverse_transform(ids) == ["x y", "x", "<unk> y x y x"]
    assert tokenizer.inverse_transform([[x], [y, y, EOS_ID], []]) == ["x", "y y", ""]
    assert tokenizer.inverse_transform(ids.astype(np.int32)) == tokenizer.inverse_transform(ids)


@pytest.mark.parametrize("bad_id", [-1, 6, 1000])
def test_inverse_rejects_out_of_range_ids(bad_id):
    tokenizer = TextTokenizer().fit(["x y"])
    assert len(tokenizer.vocabulary_) == 6
    with pytest.raises(ValueError, match=str(bad_id)):
        tokenizer.inverse_transform(np.array([[4, bad_id, EOS_ID]]))
    with pytest.raises(ValueError, match=str(bad_id)):
        tokenizer.inverse_transform([[4, 5], [bad_id]])


@pytest.mark.parametrize(
    "ids, error",
    [
        (np.array([[4.0, 5.0]]), TypeError),
        ([[4.5, 2]], TypeError),
        ([["a", "b"]], TypeError),
        (["ab"], TypeError),
        ("4 5", TypeError),
        (None, TypeError),
        (np.array([4, 5]), ValueError),
        (np.zeros((1, 2, 2), dtype=int), ValueError),
    ],
)
def test_inverse_rejects_bad_input(ids, error):
    tokenizer = TextTokenizer().fit(["x y"])
    with pytest.raises(error):
        tokenizer.inverse_transform(ids)


@pytest.mark.parametrize("method", ["transform", "inverse_transform"])
def test_not_fitted(method):
    with pytest.raises(NotFittedError):
        getattr(TextTokenizer(), method)([[4]] if method == "inverse_transform" else ["a"])


@pytest.mark.parametrize(
    "X, error",
    [
        ("a single string", TypeError),
        (None, TypeError),
        (["ok", 3], TypeError),
        (["ok", None], TypeError),
        (np.array([["a", "b"]]), TypeError),
        ([], ValueError),
    ],
)
@pytest.mark.parametrize("method", ["fit", "transform", "fit_transform"])
def test_bad_text_input(X, error, method):
    tokenizer = TextTokenizer()
    if method == "transform":
        tokenizer.fit(["a"])
    with pytest.raises(error):
        getattr(tokenizer, method)(X)


@pytest.mark.parametrize("level", ["word", "char"])
def test_all_empty_texts_raise(level):
    with pytest.raises(ValueError, match="no tokens found"):
        TextTokenizer(level=level).fit(["", ""])
    if level == "word":
        with pytest.raises(ValueError, match="no tokens found"):
            TextTokenizer().fit([" ", "\n\t"])


@pytest.mark.parametrize(
    "params, name",
    [
        ({"level": "sentence"}, "level"),
        ({"lowercase": "yes"}, "lowercase"),
        ({"min_frequency": 0}, "min_frequency"),
        ({"min_frequency": 1.5}, "min_frequency"),
        ({"max_vocabulary": 0}, "max_vocabulary"),
        ({"max_length": 0}, "max_length"),
        ({"max_length": -3}, "max_length"),
        ({"max_length": 2.0}, "max_length"),
    ],
)
def test_invalid_params_raise_at_fit(params, name):
    tokenizer = TextTokenizer(**params)
    with pytest.raises(ValueError, match=name):
        tokenizer.fit(["a b"])


def test_numpy_and_tuple_input():
    tokenizer = TextTokenizer().fit(np.array(["a b", "b"]))
    assert tokenizer.transform(("a", "b")).tolist() == [[5, 2], [4, 2]]


def test_fit_transform_matches_fit_then_transform_and_accepts_generators():
    expected = TextTokenizer().fit(TEXTS).transform(TEXTS)
    np.testing.assert_array_equal(TextTokenizer().fit_transform(TEXTS), expected)
    np.testing.assert_array_equal(TextTokenizer().fit_transform(text for text in TEXTS), expected)


def test_clone():
    tokenizer = TextTokenizer(level="char", min_frequency=2, max_length=7).fit(TEXTS)
    cloned = clone(tokenizer)
    assert cloned.get_params() == tokenizer.get_params()
    assert not hasattr(cloned, "vocabulary_")


def test_pickle_round_trip():
    tokenizer = TextTokenizer(max_vocabulary=5).fit(TEXTS)
    restored = pickle.loads(pickle.dumps(tokenizer))
    np.testing.assert_array_equal(restored.transform(TEXTS), tokenizer.transform(TEXTS))
    assert restored.vocabulary_ == tokenizer.vocabulary_


def test_tags():
    tags = TextTokenizer().__sklearn_tags__()
    assert tags.input_tags.string is True
    assert tags.input_tags.two_d_array is False
    assert tags.requires_fit is True


@pytest.mark.parametrize(
    "check",
    [
        check_get_params_invariance,
        check_set_params,
        check_no_attributes_set_in_init,
        check_parameters_default_constructible,
    ],
)
def test_sklearn_data_free_checks(check):
    check("TextTokenizer", TextTokenizer())


def test_in_pipeline():
    pipeline = Pipeline(
        [
            ("upper", FunctionTransformer(_upper_all)),
            ("tokens", TextTokenizer(lowercase=False)),
        ]
    )
    ids = pipeline.fit_transform(["ab cd", "cd"])
    tokenizer = pipeline.named_steps["tokens"]
    assert tokenizer.tokens_[N_SPECIAL_TOKENS:] == ["CD", "AB"]
    assert ids.tolist() == [[5, 4, 2], [4, 2, 0]]
    assert pipeline.transform(["cd ef"]).tolist() == [[4, UNK_ID, EOS_ID]]
    assert tokenizer.inverse_transform(ids) == ["AB CD", "CD"]


@settings(max_examples=50, deadline=None)
@given(st.lists(st.text(), min_size=1))
def test_property_char_round_trip(texts):
    tokenizer = TextTokenizer(level="char", lowercase=False)
    if all(text == "" for text in texts):
        with pytest.raises(ValueError):
            tokenizer.fit(texts)
        return
    ids = tokenizer.fit(texts).transform(texts)
    assert ids.dtype == np.int64
    assert ids.shape == (len(texts), max(len(text) for text in texts) + 1)
    assert tokenizer.inverse_transform(ids) == texts


@settings(max_examples=50, deadline=None)
@given(st.lists(st.text(), min_size=1), st.booleans())
def test_property_word_round_trip_tokens(texts, lowercase):
    tokenizer = TextTokenizer(lowercase=lowercase)
    # Fitting on part of the texts leaves some words out of the vocabulary.
    train = texts[: max(1, len(texts) // 2)]
    train_tokens = [t for text in train for t in tokenizer.tokenize(text) if t != UNK_TOKEN]
    if not train_tokens:
        with pytest.raises(ValueError, match="no tokens found"):
            tokenizer.fit(train)
        return
    tokenizer.fit(train)
    decoded = tokenizer.inverse_transform(tokenizer.transform(texts))
    assert len(decoded) == len(texts)
    for text, back in zip(texts, decoded, strict=True):
        expected = [
            t if t in tokenizer.vocabulary_ else UNK_TOKEN for t in tokenizer.tokenize(text)
        ]
        assert tokenizer.tokenize(back) == expected
