"""Tests of sklearn_textgan.datasets."""

import hashlib
import os
import pickle
import re
from collections import Counter
from pathlib import Path

import numpy as np
import pytest

from sklearn_textgan import datasets
from sklearn_textgan.datasets import (
    EnglishGrammar,
    LSTMOracle,
    _registry,
    get_data_home,
    load_emnlp_news,
    load_image_coco,
    load_seqgan_data,
    load_seqgan_oracle,
    load_text,
    make_grammar_corpus,
    make_lstm_oracle,
)
from sklearn_textgan.datasets._oracle import PARAMETER_NAMES
from sklearn_textgan.datasets._registry import BENCHMARK_FILES, BenchmarkFile, _benchmark_file

ENV = "SKLEARN_TEXTGAN_DATA"


def test_public_names():
    assert sorted(datasets.__all__) == sorted(
        [
            "EnglishGrammar",
            "LSTMOracle",
            "get_data_home",
            "load_emnlp_news",
            "load_image_coco",
            "load_seqgan_data",
            "load_seqgan_oracle",
            "load_text",
            "make_grammar_corpus",
            "make_lstm_oracle",
        ]
    )
    for name in datasets.__all__:
        assert getattr(datasets, name).__doc__


# --------------------------------------------------------------------------- load_text


def test_load_text_strips_trailing_whitespace_and_drops_empty_lines(tmp_path):
    path = tmp_path / "corpus.txt"
    path.write_bytes(b"a cat .  \n\n   \n  indented\t \nlast line")
    assert load_text(path) == ["a cat .", "  indented", "last line"]
    assert load_text(str(path), skip_empty=False) == ["a cat .", "", "", "  indented", "last line"]


def test_load_text_final_newline_adds_no_empty_text(tmp_path):
    path = tmp_path / "corpus.txt"
    path.write_text("one\ntwo\n", encoding="utf-8")
    assert load_text(path, skip_empty=False) == ["one", "two"]


def test_load_text_unicode_and_line_endings(tmp_path):
    path = tmp_path / "corpus.txt"
    text = "café crème \r\nnaïve\u2028still one line 中文 🙂\rend"
    path.write_bytes(text.encode("utf-8"))
    assert load_text(path) == ["café crème", "naïve\u2028still one line 中文 🙂", "end"]
    latin = tmp_path / "latin.txt"
    latin.write_bytes("déjà vu\n".encode("latin-1"))
    assert load_text(latin, encoding="latin-1") == ["déjà vu"]


def test_load_text_missing_file_names_the_path(tmp_path):
    path = tmp_path / "nowhere" / "corpus.txt"
    with pytest.raises(FileNotFoundError, match=re.escape(str(path))):
        load_text(path)
    with pytest.raises(TypeError):
        load_text(3)


def test_load_text_in_another_encoding_names_the_file_and_line(tmp_path):
    path = tmp_path / "latin.txt"
    path.write_bytes("first line\nsecond line\nd\u00e9j\u00e0 vu\n".encode("latin-1"))
    with pytest.raises(ValueError, match=r"latin.txt is not utf-8 text: byte 0xe9 on line 3"):
        load_text(path)
    # Far into a file too (a reader decodes in chunks; the line is the file's).
    path.write_bytes(b"plain ascii line\n" * 5000 + "caf\u00e9\n".encode("latin-1"))
    with pytest.raises(ValueError, match=r"byte 0xe9 on line 5001 "):
        load_text(path)
    with pytest.raises(ValueError, match="Unknown text encoding 'utf-9'"):
        load_text(path, encoding="utf-9")
    # Codecs that exist but do not decode bytes to text.
    for codec in ("rot13", "hex", "zlib"):
        with pytest.raises(ValueError, match=f"Unknown text encoding '{codec}' .not a codec, or"):
            load_text(path, encoding=codec)
    with pytest.raises(TypeError, match="encoding must be a str"):
        load_text(path, encoding=None)


def test_load_text_drops_a_byte_order_mark(tmp_path):
    path = tmp_path / "bom.txt"
    path.write_bytes(b"\xef\xbb\xbfhi there\nsecond\n")
    assert load_text(path) == ["hi there", "second"]
    # Only at the start of the file: elsewhere it is text.
    path.write_bytes(b"first\n\xef\xbb\xbfsecond\n")
    assert load_text(path) == ["first", "\ufeffsecond"]
    path.write_text("hi\n", encoding="utf-16")  # its codec drops its own mark
    assert load_text(path, encoding="utf-16") == ["hi"]


# --------------------------------------------------------------------------- data home


def test_get_data_home_precedence(tmp_path, monkeypatch):
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    monkeypatch.delenv(ENV, raising=False)
    assert get_data_home() == tmp_path / "home" / "sklearn_textgan_data"
    monkeypatch.setenv(ENV, "")
    assert get_data_home() == tmp_path / "home" / "sklearn_textgan_data"
    monkeypatch.setenv(ENV, str(tmp_path / "from_env"))
    assert get_data_home() == tmp_path / "from_env"
    assert get_data_home(tmp_path / "explicit") == tmp_path / "explicit"
    assert get_data_home(str(tmp_path / "explicit")) == tmp_path / "explicit"
    assert get_data_home("~/data") == tmp_path / "home" / "data"
    assert isinstance(get_data_home(), Path)
    assert not (tmp_path / "from_env").exists()


def test_registry_matches_the_benchmark_table():
    assert len(BENCHMARK_FILES) == 7
    paths = {entry.path: entry for entry in BENCHMARK_FILES.values()}
    assert set(paths) == {
        "image_coco/image_coco.txt",
        "image_coco/test_coco.txt",
        "image_coco/nll_test_coco.txt",
        "emnlp_news/test_emnlp.txt",
        "emnlp_news/nll_test_emnlp.txt",
        "seqgan_oracle/target_params_arrays.npz",
        "seqgan_oracle/seqgan_real_data_len20.txt",
    }
    assert paths["image_coco/nll_test_coco.txt"].n_lines == 6810
    assert paths["seqgan_oracle/seqgan_real_data_len20.txt"].n_lines == 9984
    for entry in BENCHMARK_FILES.values():
        assert re.fullmatch("[0-9a-f]{64}", entry.sha256)


def test_missing_benchmark_file_message(tmp_path, monkeypatch):
    monkeypatch.delenv(ENV, raising=False)
    expected_path = tmp_path / "image_coco" / "image_coco.txt"
    with pytest.raises(FileNotFoundError) as info:
        load_image_coco(data_home=tmp_path)
    message = str(info.value)
    for part in ("image_coco/image_coco.txt", str(expected_path), "data_home", ENV):
        assert part in message
    monkeypatch.setenv(ENV, str(tmp_path))
    with pytest.raises(FileNotFoundError, match="environment variable"):
        load_seqgan_oracle()


def test_checksum_mismatch(tmp_path):
    wrong = tmp_path / "image_coco" / "test_coco.txt"
    wrong.parent.mkdir()
    wrong.write_text("a dog .\n", encoding="utf-8")
    actual = hashlib.sha256(wrong.read_bytes()).hexdigest()
    with pytest.raises(ValueError) as info:
        load_image_coco("test", data_home=tmp_path)
    message = str(info.value)
    assert "image_coco/test_coco.txt" in message
    assert actual in message
    assert BENCHMARK_FILES["image_coco_test"].sha256 in message


def test_verified_checksums_are_cached(tmp_path, monkeypatch):
    path = tmp_path / "toy" / "toy.txt"
    path.parent.mkdir()
    path.write_text("hello\n", encoding="utf-8")
    digest = hashlib.sha256(b"hello\n").hexdigest()
    entry = BenchmarkFile("toy", "toy/toy.txt", digest, 1, "a toy file")
    monkeypatch.setattr(_registry, "BENCHMARK_FILES", {"toy": entry})
    calls = []
    original = _registry._sha256

    def counting(file):
        calls.append(file)
        return original(file)

    monkeypatch.setattr(_registry, "_sha256", counting)
    assert _benchmark_file("toy", tmp_path) == path
    assert _benchmark_file("toy", tmp_path) == path
    assert len(calls) == 1
    stat = path.stat()
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns + 10**9))
    assert _benchmark_file("toy", tmp_path) == path
    assert len(calls) == 2
    path.write_text("HELLO\n", encoding="utf-8")
    with pytest.raises(ValueError, match=digest):
        _benchmark_file("toy", tmp_path)
    with pytest.raises(KeyError, match="toy"):
        _benchmark_file("unknown", tmp_path)


def test_unknown_subsets():
    with pytest.raises(ValueError, match="'train', 'test', 'nll_test'"):
        load_image_coco("valid")
    with pytest.raises(ValueError, match="'test', 'nll_test'"):
        load_emnlp_news("train")
    # Several subsets at once is not a thing: one str.
    with pytest.raises(TypeError, match="subset must be a str, one of 'train'"):
        load_image_coco(["train"])


# --------------------------------------------------------------------------- real data


def _require(data_home, name):
    if not (data_home / BENCHMARK_FILES[name].path).is_file():
        pytest.skip(f"{BENCHMARK_FILES[name].path} is not in the benchmark data folder")


@pytest.mark.parametrize(
    "loader, subset, name, n_lines",
    [
        (load_image_coco, "train", "image_coco_train", 10_000),
        (load_image_coco, "test", "image_coco_test", 10_000),
        (load_image_coco, "nll_test", "image_coco_nll_test", 6_810),
        (load_emnlp_news, "test", "emnlp_news_test", 10_000),
        (load_emnlp_news, "nll_test", "emnlp_news_nll_test", 10_000),
    ],
)
def test_text_benchmarks(data_home, loader, subset, name, n_lines):
    _require(data_home, name)
    texts = loader(subset, data_home=data_home)
    assert len(texts) == n_lines
    assert all(text and text == text.rstrip() for text in texts)


def test_text_benchmark_contents(data_home, monkeypatch):
    _require(data_home, "image_coco_train")
    _require(data_home, "emnlp_news_test")
    monkeypatch.setenv(ENV, str(data_home))
    coco = load_image_coco()
    assert coco[0] == "a bicycle replica with a clock as the front wheel."
    assert coco == [text.lower() for text in coco]
    news = load_emnlp_news("test")
    assert any(not text.isascii() for text in news)
    assert any(text != text.lower() for text in news)


def test_seqgan_oracle_check_values(data_home):
    _require(data_home, "seqgan_oracle_data")
    _require(data_home, "seqgan_oracle_params")
    data = load_seqgan_data(data_home=data_home)
    assert data.shape == (9984, 20) and data.dtype == np.int64
    assert data.min() >= 0 and data.max() < 5000
    oracle = load_seqgan_oracle(data_home=data_home)
    assert (oracle.vocab_size, oracle.hidden_dim, oracle.embedding_dim) == (5000, 32, 32)
    assert (oracle.sequence_length, oracle.start_token) == (20, 0)
    data_nll = oracle.nll(data)
    assert round(data_nll, 2) == 5.76
    uniform = np.random.default_rng(0).integers(0, 5000, size=(1000, 20))
    assert abs(oracle.nll(uniform) - 11.4) < 0.2
    samples = oracle.sample(1000, random_state=0)
    assert abs(oracle.nll(samples) - data_nll) < 0.1


# --------------------------------------------------------------------------- LSTM oracle


def _reference_log_likelihood(arrays, sequences):
    """Direct float64 transcription of the oracle's equations."""
    p = {name: np.asarray(value, dtype=np.float64) for name, value in arrays.items()}

    def sigmoid(x):
        return 1.0 / (1.0 + np.exp(-x))

    total = []
    for sequence in sequences:
        h = np.zeros(p["Ui"].shape[0])
        c = np.zeros_like(h)
        x = p["g_embeddings"][0]
        score = 0.0
        for token in sequence:
            i = sigmoid(x @ p["Wi"] + h @ p["Ui"] + p["bi"])
            f = sigmoid(x @ p["Wf"] + h @ p["Uf"] + p["bf"])
            o = sigmoid(x @ p["Wog"] + h @ p["Uog"] + p["bog"])
            c = f * c + i * np.tanh(x @ p["Wc"] + h @ p["Uc"] + p["bc"])
            h = o * np.tanh(c)
            logits = h @ p["Wo"] + p["bo"]
            top = logits.max()
            score += logits[token] - top - np.log(np.exp(logits - top).sum())
            x = p["g_embeddings"][token]
        total.append(score)
    return np.array(total)


def test_make_lstm_oracle_is_deterministic():
    first = make_lstm_oracle(vocab_size=50, hidden_dim=6, embedding_dim=5, random_state=3)
    second = make_lstm_oracle(vocab_size=50, hidden_dim=6, embedding_dim=5, random_state=3)
    other = make_lstm_oracle(vocab_size=50, hidden_dim=6, embedding_dim=5, random_state=4)
    a, b, c = first.to_arrays(), second.to_arrays(), other.to_arrays()
    assert set(a) == set(PARAMETER_NAMES)
    assert all(np.array_equal(a[name], b[name]) for name in a)
    assert not np.array_equal(a["Wo"], c["Wo"])
    assert a["Wo"].dtype == np.float32 and a["Wo"].shape == (6, 50)
    assert a["g_embeddings"].shape == (50, 5) and a["Wi"].shape == (5, 6)
    assert 0.8 < np.std(np.concatenate([v.ravel() for v in a.values()])) < 1.2


def test_oracle_matches_reference_equations():
    oracle = make_lstm_oracle(vocab_size=40, hidden_dim=7, embedding_dim=5, random_state=0)
    sequences = np.random.default_rng(1).integers(0, 40, size=(30, 20))
    expected = _reference_log_likelihood(oracle.to_arrays(), sequences)
    np.testing.assert_allclose(oracle.log_likelihood(sequences), expected, atol=1e-4)


def test_oracle_probabilities_are_normalised():
    oracle = make_lstm_oracle(
        vocab_size=5, hidden_dim=4, embedding_dim=3, sequence_length=2, random_state=0
    )
    pairs = np.array([[a, b] for a in range(5) for b in range(5)])
    joint = np.exp(oracle.log_likelihood(pairs))
    assert joint.sum() == pytest.approx(1.0, abs=1e-6)
    first = np.exp(oracle.log_likelihood(np.arange(5).reshape(-1, 1)))
    np.testing.assert_allclose(joint.reshape(5, 5).sum(axis=1), first, atol=1e-6)
    assert oracle.log_likelihood(np.zeros((3, 0), dtype=int)).tolist() == [0.0, 0.0, 0.0]


def test_oracle_samples_follow_its_probabilities():
    oracle = make_lstm_oracle(
        vocab_size=3, hidden_dim=4, embedding_dim=3, sequence_length=2, random_state=5
    )
    n = 20_000
    samples = oracle.sample(n, random_state=0)
    pairs = np.array([[a, b] for a in range(3) for b in range(3)])
    expected = n * np.exp(oracle.log_likelihood(pairs))
    counts = np.array([np.all(samples == pair, axis=1).sum() for pair in pairs])
    assert np.all(np.abs(counts - expected) <= 5 * np.sqrt(expected) + 1)


def test_oracle_sample_shapes_and_seeding():
    oracle = make_lstm_oracle(vocab_size=300, sequence_length=7, random_state=0)
    samples = oracle.sample(1500, random_state=1)  # more rows than one chunk
    assert samples.shape == (1500, 7) and samples.dtype == np.int64
    assert samples.min() >= 0 and samples.max() < 300
    assert np.array_equal(samples, oracle.sample(1500, random_state=1))
    assert not np.array_equal(samples, oracle.sample(1500, random_state=2))
    assert np.array_equal(
        oracle.sample(5, random_state=np.random.default_rng(4)),
        oracle.sample(5, random_state=np.random.default_rng(4)),
    )
    assert np.array_equal(
        oracle.sample(5, random_state=np.random.RandomState(4)),
        oracle.sample(5, random_state=np.random.RandomState(4)),
    )
    assert oracle.sample(0).shape == (0, 7)
    with pytest.raises(ValueError):
        oracle.sample(-1)
    with pytest.raises(TypeError):
        oracle.sample(3, random_state="seed")


def test_oracle_log_likelihood_and_nll_agree():
    oracle = make_lstm_oracle(vocab_size=200, sequence_length=9, random_state=0)
    sequences = oracle.sample(1500, random_state=0)  # more rows than one chunk
    scores = oracle.log_likelihood(sequences)
    assert scores.shape == (1500,) and scores.dtype == np.float64
    assert np.all(scores < 0)
    assert -scores.sum() == pytest.approx(oracle.nll(sequences) * sequences.size, rel=1e-12)
    # Chunking does not change any row's score.
    np.testing.assert_allclose(scores[-7:], oracle.log_likelihood(sequences[-7:]), atol=1e-5)
    # Shorter sequences score prefixes.
    prefix = oracle.log_likelihood(sequences[:50, :4])
    assert np.all(prefix > scores[:50])
    assert oracle.nll(sequences.tolist()) == pytest.approx(oracle.nll(sequences))
    restored = pickle.loads(pickle.dumps(oracle))
    np.testing.assert_allclose(restored.log_likelihood(sequences[:5]), scores[:5], atol=1e-5)


def test_oracle_rejects_bad_sequences():
    oracle = make_lstm_oracle(vocab_size=10, sequence_length=4, random_state=0)
    with pytest.raises(ValueError, match=r"\[0, 10\)"):
        oracle.log_likelihood([[1, 2, 10]])
    with pytest.raises(ValueError, match=r"\[0, 10\)"):
        oracle.nll([[1, -1]])
    with pytest.raises(ValueError, match="2-D"):
        oracle.log_likelihood([1, 2, 3])
    with pytest.raises(ValueError, match="sequence_length"):
        oracle.log_likelihood(np.zeros((2, 5), dtype=int))
    with pytest.raises(TypeError, match="integer"):
        oracle.log_likelihood(np.zeros((2, 3)))
    with pytest.raises(ValueError, match="at least one token"):
        oracle.nll(np.zeros((0, 4), dtype=int))
    with pytest.raises(ValueError, match="rows have different lengths"):
        oracle.nll([[1, 2], [3]])


def test_oracle_from_arrays_validation():
    arrays = make_lstm_oracle(
        vocab_size=12, hidden_dim=3, embedding_dim=2, random_state=0
    ).to_arrays()
    oracle = LSTMOracle.from_arrays(arrays, sequence_length=6)
    assert (oracle.vocab_size, oracle.hidden_dim, oracle.embedding_dim) == (12, 3, 2)
    assert oracle.sequence_length == 6
    missing = dict(arrays)
    del missing["bo"]
    with pytest.raises(ValueError, match="missing: \\['bo'\\]"):
        LSTMOracle.from_arrays(missing)
    with pytest.raises(ValueError, match="unexpected: \\['extra'\\]"):
        LSTMOracle.from_arrays({**arrays, "extra": np.zeros(3)})
    with pytest.raises(ValueError, match="Wc has shape"):
        LSTMOracle.from_arrays({**arrays, "Wc": np.zeros((3, 3))})
    with pytest.raises(ValueError, match="non-finite"):
        LSTMOracle.from_arrays({**arrays, "bi": np.array([0.0, np.nan, 0.0])})
    with pytest.raises(ValueError, match="sequence_length"):
        LSTMOracle.from_arrays(arrays, sequence_length=0)
    # The oracle keeps its own copy.
    arrays["Wo"][:] = 0.0
    assert np.any(oracle.to_arrays()["Wo"] != 0.0)


# --------------------------------------------------------------------------- grammar

CANONICAL = re.compile(r"[a-z]+( [a-z]+)*[.!?]")


def _arc(grammar, state, word):
    for arc_word, next_state, probability in grammar.arcs[state]:
        if arc_word == word:
            return next_state, probability
    raise AssertionError(f"no arc for {word!r} from {state!r}")


def _path_probability(grammar, words):
    state, probability = grammar.start_state, 1.0
    for word in words:
        state, arc_probability = _arc(grammar, state, word)
        probability *= arc_probability
    assert state == grammar.final_state
    return probability


def test_grammar_structure():
    grammar = EnglishGrammar()
    vocabulary = grammar.vocabulary
    assert vocabulary == sorted(set(vocabulary))
    assert {".", "!", "?", "and", "the", "a"} <= set(vocabulary)
    assert 100 < len(vocabulary) <= 400
    assert all(re.fullmatch("[a-z]+|[.!?]", word) for word in vocabulary)
    assert grammar.n_sentences > 10**6
    assert 15 <= grammar.max_length <= 30
    assert grammar.final_state not in grammar.arcs
    for state, arcs in grammar.arcs.items():
        words = [word for word, _, _ in arcs]
        assert len(words) == len(set(words)), state
        assert all(probability > 0 for _, _, probability in arcs)
        assert sum(probability for _, _, probability in arcs) == pytest.approx(1.0, abs=1e-12)
        for word, next_state, _ in arcs:
            if word == "a":  # "a", never "an": the next word starts with a consonant
                assert all(w[0] not in "aeiou" for w, _, _ in grammar.arcs[next_state])


def test_grammar_sampling_is_deterministic_and_grammatical():
    grammar = EnglishGrammar()
    texts = grammar.sample(3000, random_state=0)
    assert texts == grammar.sample(3000, random_state=0)
    assert texts != grammar.sample(3000, random_state=1)
    assert grammar.sample(50, random_state=0) == make_grammar_corpus(50, random_state=0)
    assert grammar.sample(4, random_state=np.random.RandomState(2)) == grammar.sample(
        4, random_state=np.random.RandomState(2)
    )
    assert all(CANONICAL.fullmatch(text) for text in texts)
    lengths = [len(text.split()) + 1 for text in texts]
    assert min(lengths) >= 4 and max(lengths) <= grammar.max_length
    assert np.mean([4 <= n <= 20 for n in lengths]) > 0.95
    assert len(set(texts)) > 2000
    scores = grammar.log_probability(texts)
    assert scores.dtype == np.float64 and scores.shape == (3000,)
    assert np.all(np.isfinite(scores)) and np.all(scores < 0)
    assert grammar.is_grammatical(texts).all()
    assert len(make_grammar_corpus(random_state=0)) == 5000
    assert grammar.sample(0) == []


def test_grammar_probabilities_match_sampling_frequencies():
    grammar = EnglishGrammar()
    n = 20_000
    counts = Counter(grammar.sample(n, random_state=123))
    distinct = list(counts)
    probabilities = np.exp(grammar.log_probability(distinct))
    expected = n * probabilities
    frequent = expected >= 10
    assert frequent.sum() >= 5
    observed = np.array([counts[text] for text in distinct])
    assert np.all(np.abs(observed - expected)[frequent] <= 5 * np.sqrt(expected[frequent]) + 1)
    total_p = probabilities[frequent].sum()
    assert abs(observed[frequent].sum() - n * total_p) <= 5 * np.sqrt(n * total_p * (1 - total_p))
    # Questions start with one of four words; their share matches the arcs.
    question_p = sum(_arc(grammar, grammar.start_state, w)[1] for w in ("does", "do", "is", "are"))
    share = sum(count for text, count in counts.items() if text.endswith("?")) / n
    assert abs(share - question_p) <= 5 * np.sqrt(question_p * (1 - question_p) / n)


def test_grammar_hand_derived_probabilities():
    grammar = EnglishGrammar()

    def probability(text):
        return float(np.exp(grammar.log_probability([text])[0]))

    for text in (
        "a cat sleeps.",
        "the small dog chases a red ball in the park.",
        "is the dog happy?",
    ):
        words = re.findall(r"\w+|[^\w\s]", text)
        assert probability(text) == pytest.approx(_path_probability(grammar, words), rel=1e-12)
    # Nouns of a class have weights proportional to 1 / rank: "dog" is first, "cat" second.
    assert probability("the dog sleeps.") / probability("the cat sleeps.") == pytest.approx(2.0)
    # After "the" 30% of the nouns are plural; singular and plural verbs weigh the same.
    assert probability("the dogs sleep.") / probability("the dog sleeps.") == pytest.approx(3 / 7)
    # Determiner weights "a" 5 (singular only) and "the" 9 (either number).
    assert probability("a dog sleeps.") / probability("the dog sleeps.") == pytest.approx(
        5 / 9 / 0.7
    )
    # Case and spacing do not matter.
    assert probability("The  dog sleeps .") == probability("the dog sleeps.")


def test_grammar_rejects_ungrammatical_sentences():
    grammar = EnglishGrammar()
    bad = [
        "sleeps cat a.",
        "the dog sleeps",
        "the dog sleeps. the",
        "the dogs sleeps.",
        "a dogs sleep.",
        "the dog sleeps?",
        "",
        "the dog's ball sleeps.",
        "the unicorn sleeps.",
    ]
    scores = grammar.log_probability(bad)
    assert np.all(scores == -np.inf)
    assert not grammar.is_grammatical(bad).any()
    assert grammar.log_probability([]).shape == (0,)
    with pytest.raises(TypeError):
        grammar.log_probability("a cat sleeps.")
    with pytest.raises(TypeError):
        grammar.is_grammatical([1, 2])
