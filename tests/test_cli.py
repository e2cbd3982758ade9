"""The command line: ``sklearn-textgan`` / ``python -m sklearn_textgan``."""

import importlib.metadata
import json
import sys
from pathlib import Path

import numpy as np
import pytest

import sklearn_textgan
from sklearn_textgan import TextGAN, TextTokenizer
from sklearn_textgan.__main__ import main
from sklearn_textgan._cli import build_parser
from sklearn_textgan._cli._fit import ESTIMATOR_OPTIONS, TOKENIZER_OPTIONS, build_estimator
from sklearn_textgan.datasets import make_grammar_corpus
from sklearn_textgan.metrics import bleu_scores, distinct_n, nll_test, self_bleu_scores

# Small enough that a fit takes a second or two.
TINY = [
    "--embedding-dim",
    "8",
    "--hidden-dim",
    "8",
    "--pretrain-epochs",
    "1",
    "--batch-size",
    "32",
    "--random-state",
    "0",
]


def _one_error_line(err: str) -> str:
    """The error output must be one line, starting with the program name, no traceback."""
    assert "Traceback" not in err
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    assert lines[0].startswith("sklearn-textgan")
    assert "error:" in lines[0]
    return lines[0]


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    folder = tmp_path_factory.mktemp("corpus")
    train, references = folder / "train.txt", folder / "references.txt"
    train.write_text("\n".join(make_grammar_corpus(300, random_state=0)) + "\n")
    references.write_text("\n".join(make_grammar_corpus(60, random_state=1)) + "\n")
    return train, references


@pytest.fixture(scope="module")
def model(corpus, tmp_path_factory):
    """A model fitted and saved by the ``fit`` command."""
    path = tmp_path_factory.mktemp("model") / "model.textgan"
    assert main(["fit", str(corpus[0]), "-o", str(path), *TINY]) == 0
    return path


# ----------------------------------------------------------------------- demo


def test_demo_on_the_builtin_grammar(capsys):
    assert main(["demo", "--epochs", "1", "--n-train", "300", "--n-samples", "3"]) == 0
    out, err = capsys.readouterr()
    assert "English grammar" in out
    # Progress: a bar on stderr with tqdm installed, else a line per epoch.
    assert "[mle] epoch   1/1" in out or "mle: 100%" in err
    assert "NLL_test per token" in out
    assert "true grammar" in out
    assert out.count("\n  ") >= 3  # the printed samples


def test_demo_on_a_user_file(tmp_path, capsys):
    path = tmp_path / "texts.txt"
    path.write_text("\n".join(f"line number {i % 7} says hello." for i in range(60)) + "\n")
    assert main(["demo", "--data", str(path), "--epochs", "1", "--n-samples", "2"]) == 0
    out = capsys.readouterr().out
    assert f"{path}: 54 training and 6 held-out lines" in out
    assert "true grammar" not in out


def test_missing_file_is_one_clear_line(tmp_path, capsys):
    assert main(["demo", "--data", str(tmp_path / "absent.txt")]) == 2
    err = capsys.readouterr().err
    assert err.startswith("sklearn-textgan: error:") and "absent.txt" in err
    assert "Traceback" not in err


def test_a_file_in_another_encoding_is_read_with_encoding(tmp_path, capsys):
    path = tmp_path / "latin.txt"
    texts = [f"le caf\u00e9 num\u00e9ro {i % 7} est ouvert ." for i in range(40)]
    path.write_bytes("\n".join(texts).encode("latin-1"))
    model = tmp_path / "model.textgan"
    assert main(["fit", str(path), "-o", str(model), *TINY]) == 2
    line = _one_error_line(capsys.readouterr().err)
    assert "latin.txt is not utf-8 text" in line and "--encoding" in line
    assert not model.exists()
    assert main(["fit", str(path), "-o", str(model), "--encoding", "latin-1", *TINY]) == 0
    assert "caf\u00e9" in TextGAN.load(model).tokenizer_.vocabulary_
    capsys.readouterr()
    assert main(["evaluate", str(model), str(path), "-n", "20", "--encoding", "latin-1"]) == 0


# ----------------------------------------------------------------- the parser


def test_help_lists_every_command(capsys):
    with pytest.raises(SystemExit) as excinfo:
        main(["--help"])
    assert excinfo.value.code == 0
    out = capsys.readouterr().out
    for command in ("demo", "fit", "sample", "evaluate"):
        assert f"    {command} " in out


def test_console_script_is_declared():
    (script,) = [
        entry
        for entry in importlib.metadata.entry_points(group="console_scripts")
        if entry.name == "sklearn-textgan"
    ]
    assert script.load() is main


def test_unknown_command_exits_nonzero(capsys):
    with pytest.raises(SystemExit) as excinfo:
        main(["frobnicate"])
    assert excinfo.value.code == 2
    assert "frobnicate" in _one_error_line(capsys.readouterr().err)


@pytest.mark.parametrize("command", ["demo", "fit", "sample", "evaluate"])
def test_every_command_has_help(command, capsys):
    with pytest.raises(SystemExit) as excinfo:
        main([command, "--help"])
    assert excinfo.value.code == 0
    out = capsys.readouterr().out
    assert out.startswith(f"usage: sklearn-textgan {command}")


def test_every_parameter_is_an_option(capsys):
    """Options are generated from get_params: a new parameter appears by itself."""
    with pytest.raises(SystemExit):
        main(["fit", "--help"])
    out = capsys.readouterr().out
    for name in TextGAN().get_params(deep=False):
        if name != "tokenizer":  # an object, set through the --tokenizer-* options
            assert f"--{name.replace('_', '-')} " in out, name
    for name in TextTokenizer().get_params(deep=False):
        assert f"--tokenizer-{name.replace('_', '-')}" in out, name
    assert ESTIMATOR_OPTIONS.left_out == ["tokenizer"]
    assert TOKENIZER_OPTIONS.left_out == []


def test_help_shows_the_estimator_defaults_and_docstrings(capsys):
    with pytest.raises(SystemExit):
        main(["fit", "--help"])
    out = " ".join(capsys.readouterr().out.split())
    assert "Epochs of maximum-likelihood training (for GANs: pretraining). (default: 20)" in out
    assert "--algorithm {dense,maligan,mle,relgan,seqgan}" in out


def test_options_are_converted_to_parameter_values():
    args = build_parser().parse_args(
        [
            "fit",
            "texts.txt",
            "-o",
            "model.textgan",
            "--algorithm",
            "relgan",
            "--filter-sizes",
            "2,3",
            "--clip-norm",
            "none",
            "--max-length",
            "7",
            "--learning-rate",
            "1e-3",
            "--random-state",
            "none",
            "--generator",
            "lstm",
            "--no-tokenizer-lowercase",
            "--tokenizer-level",
            "char",
        ]
    )
    gan = build_estimator(args)
    params = gan.get_params(deep=False)
    assert params["algorithm"] == "relgan"
    assert params["filter_sizes"] == (2, 3)
    assert params["clip_norm"] is None
    assert params["max_length"] == 7
    assert params["learning_rate"] == 1e-3
    assert params["random_state"] is None
    assert params["generator"] == "lstm"
    assert (
        params["tokenizer"].get_params()
        == TextTokenizer(level="char", lowercase=False).get_params()
    )
    # Options not typed keep the class defaults.
    assert params["hidden_dim"] == TextGAN().hidden_dim
    assert params["warm_start"] is False


@pytest.mark.parametrize(
    "option, value",
    [
        ("--hidden-dim", "eight"),
        ("--learning-rate", "fast"),
        ("--algorithm", "vae"),
        ("--generator", "gru"),
        ("--filter-sizes", "2,,3"),
    ],
)
def test_bad_option_value_is_one_line(option, value, capsys):
    with pytest.raises(SystemExit) as excinfo:
        main(["fit", "texts.txt", "-o", "m.textgan", option, value])
    assert excinfo.value.code == 2
    line = _one_error_line(capsys.readouterr().err)
    assert option in line and value in line


# ------------------------------------------------------------------------ fit


def test_fit_saves_a_model_with_the_given_parameters(model, corpus, capsys):
    gan = TextGAN.load(model)
    assert gan.hidden_dim == 8 and gan.pretrain_epochs == 1 and gan.random_state == 0
    assert len(gan.sample(2, random_state=0)) == 2
    # Same options, same data, same seed: the same model as the library gives.
    reference = TextGAN(
        embedding_dim=8, hidden_dim=8, pretrain_epochs=1, batch_size=32, random_state=0
    ).fit(make_grammar_corpus(300, random_state=0))
    texts = make_grammar_corpus(20, random_state=5)
    np.testing.assert_array_equal(gan.score_samples(texts), reference.score_samples(texts))


def test_fit_reports_what_it_saved(corpus, tmp_path, capsys):
    path = tmp_path / "m.textgan"
    assert main(["fit", str(corpus[0]), "-o", str(path), *TINY]) == 0
    out = capsys.readouterr().out
    assert "300 texts" in out and str(path) in out


def test_fit_continues_a_saved_model(model, corpus, tmp_path, capsys):
    path = tmp_path / "gan.textgan"
    argv = ["fit", str(corpus[0]), "-o", str(path), "--start-from", str(model), "--warm-start"]
    argv += ["--algorithm", "seqgan", "--pretrain-epochs", "0", "--adversarial-epochs", "1"]
    argv += ["--discriminator-pretrain-epochs", "1", "--n-rollouts", "2", "--num-filters", "4"]
    assert main(argv) == 0
    gan = TextGAN.load(path)
    assert gan.algorithm == "seqgan" and gan.hidden_dim == 8  # the rest from the saved model
    assert gan.history_["phase"][0] == "mle"  # the saved model's history goes on
    assert "adversarial" in gan.history_["phase"]


@pytest.mark.parametrize(
    "extra, message",
    [
        (["--hidden-dim", "0"], "hidden_dim"),
        (["--warm-start"], "--start-from"),
        (["--device", "tpu"], "tpu"),
    ],
)
def test_fit_errors_are_one_line(corpus, tmp_path, capsys, extra, message):
    status = main(["fit", str(corpus[0]), "-o", str(tmp_path / "m.textgan"), *TINY, *extra])
    assert status == 2
    assert message in _one_error_line(capsys.readouterr().err)
    assert not (tmp_path / "m.textgan").exists()


def test_fit_checks_the_output_before_training(corpus, tmp_path, capsys):
    assert main(["fit", str(corpus[0]), "-o", str(tmp_path / "no" / "m.textgan")]) == 2
    assert "does not exist" in _one_error_line(capsys.readouterr().err)
    assert main(["fit", str(corpus[0]), "-o", str(tmp_path)]) == 2
    assert "folder" in _one_error_line(capsys.readouterr().err)


def test_fit_on_an_empty_file(tmp_path, capsys):
    empty = tmp_path / "empty.txt"
    empty.write_text("\n\n")
    assert main(["fit", str(empty), "-o", str(tmp_path / "m.textgan")]) == 2
    assert "nothing to train on" in _one_error_line(capsys.readouterr().err)


# --------------------------------------------------------------------- sample


def test_sample_prints_one_text_per_line(model, capsys):
    assert main(["sample", str(model), "-n", "4", "--seed", "3", "--temperature", "0.7"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines == TextGAN.load(model).sample(4, temperature=0.7, random_state=3)
    assert main(["sample", str(model), "-n", "4", "--seed", "3", "--temperature", "0.7"]) == 0
    assert capsys.readouterr().out.splitlines() == lines


def test_sample_defaults_to_ten_texts(model, capsys):
    assert main(["sample", str(model)]) == 0
    assert len(capsys.readouterr().out.splitlines()) == 10


def test_sample_from_a_model_fitted_on_ids(tmp_path, capsys):
    ids = TextTokenizer().fit_transform(make_grammar_corpus(100, random_state=0))
    path = tmp_path / "ids.textgan"
    TextGAN(embedding_dim=4, hidden_dim=8, pretrain_epochs=1, random_state=0).fit(ids).save(path)
    assert main(["sample", str(path), "-n", "3", "--seed", "0"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 3
    assert all(token.isdigit() for line in lines for token in line.split())


@pytest.mark.parametrize(
    "argv, message",
    [
        (["-n", "0"], "n_samples"),
        (["--temperature", "0"], "temperature"),
        (["--device", "cuda:99"], "cuda:99"),
    ],
)
def test_sample_errors_are_one_line(model, capsys, argv, message):
    assert main(["sample", str(model), *argv]) == 2
    assert message in _one_error_line(capsys.readouterr().err)


def test_sample_refuses_bad_model_files(tmp_path, corpus, capsys):
    unfitted = tmp_path / "unfitted.textgan"
    TextGAN(hidden_dim=8).save(unfitted)
    assert main(["sample", str(unfitted)]) == 2
    assert "unfitted" in _one_error_line(capsys.readouterr().err)
    # A text file is not a model.
    assert main(["sample", str(corpus[0])]) == 2
    assert "not a readable TextGAN model file" in _one_error_line(capsys.readouterr().err)
    assert main(["sample", str(tmp_path / "absent.textgan")]) == 2
    _one_error_line(capsys.readouterr().err)


def test_module_entry_point_exits_with_the_status(tmp_path, monkeypatch, capsys):
    """``python -m sklearn_textgan`` runs ``main`` and exits with its status.

    The module's code is run here as ``-m`` runs it, as ``__main__`` of the
    package: a new interpreter would spend seconds importing torch again.
    """
    argv = ["sklearn-textgan", "sample", str(tmp_path / "absent.textgan")]
    monkeypatch.setattr(sys, "argv", argv)
    path = Path(sklearn_textgan.__file__).with_name("__main__.py")
    code = compile(path.read_text(), str(path), "exec")
    with pytest.raises(SystemExit) as excinfo:
        exec(code, {"__name__": "__main__", "__package__": "sklearn_textgan"})
    assert excinfo.value.code == 2
    out, err = capsys.readouterr()
    assert out == ""
    assert "absent.textgan" in _one_error_line(err)


# ------------------------------------------------------------------- evaluate


def test_evaluate_prints_the_metrics_table(model, corpus, capsys):
    argv = ["evaluate", str(model), str(corpus[1]), "-n", "40", "--temperatures", "0.8", "1.2"]
    assert main(argv) == 0
    lines = capsys.readouterr().out.splitlines()
    assert "40 samples per temperature" in lines[0] and "60 references" in lines[0]
    assert lines[1].split() == ["metric", "T=0.8", "T=1.2"]
    names = [line.split()[0] for line in lines[2:]]
    assert names == [f"BLEU-{n}" for n in (2, 3, 4, 5)] + [
        f"Self-BLEU-{n}" for n in (2, 3, 4, 5)
    ] + ["NLL_test", "distinct-2"]
    for line in lines[2:]:
        assert all(np.isfinite(float(value)) for value in line.split()[1:])


def test_evaluate_json_matches_the_metrics_module(model, corpus, capsys):
    argv = ["evaluate", str(model), str(corpus[1]), "-n", "30", "--seed", "4"]
    argv += ["--temperatures", "0.9", "--max-n", "2", "3", "--format", "json"]
    assert main(argv) == 0
    (record,) = json.loads(capsys.readouterr().out)
    gan = TextGAN.load(model)
    references = corpus[1].read_text().splitlines()
    # Both sides split by the fitted tokenizer, as quality_diversity_curve splits them.
    tokenize = gan.tokenizer_.tokenize
    samples = [tokenize(text) for text in gan.sample(30, temperature=0.9, random_state=4)]
    reference_tokens = [tokenize(text) for text in references]
    assert record["temperature"] == 0.9
    assert record["n_samples"] == 30 and record["n_references"] == 60
    quality = bleu_scores(samples, reference_tokens, (2, 3))
    diversity = self_bleu_scores(samples, (2, 3))
    for n in (2, 3):
        assert record[f"bleu_{n}"] == pytest.approx(quality[n], abs=1e-12)
        assert record[f"self_bleu_{n}"] == pytest.approx(diversity[n], abs=1e-12)
    assert record["nll_test"] == pytest.approx(nll_test(gan, references, temperature=0.9))
    assert record["distinct_2"] == pytest.approx(distinct_n(samples, 2))
    assert "bleu_4" not in record


def test_evaluate_tokenizes_samples_like_the_references(tmp_path, capsys):
    """Cased, punctuated references: a model that writes them back scores BLEU 1.

    Split on whitespace, the samples ("the cat sat .", lower-cased by the
    tokenizer) would share almost no bigram with "The cat sat." and BLEU-2
    would say the model writes badly.
    """
    texts = ["The cat sat.", "The dog ran.", "A cat ran.", "A dog sat."]
    path = tmp_path / "texts.txt"
    path.write_text("\n".join(texts * 10) + "\n")
    model = tmp_path / "model.textgan"
    argv = ["fit", str(path), "-o", str(model), "--embedding-dim", "8", "--hidden-dim", "16"]
    assert main([*argv, "--pretrain-epochs", "40", "--batch-size", "8", "--random-state", "0"]) == 0
    capsys.readouterr()
    argv = ["evaluate", str(model), str(path), "-n", "40", "--max-n", "2", "--format", "json"]
    assert main([*argv, "--temperatures", "0.5"]) == 0
    (record,) = json.loads(capsys.readouterr().out)
    # The model recombines the sentences ("the dog sat."), every bigram of
    # which is in some reference once both are split alike...
    assert record["bleu_2"] == pytest.approx(1.0)
    # ...while split on whitespace, "the dog sat." and "The dog ran." share nothing.
    written = TextGAN.load(model).sample(40, temperature=0.5, random_state=0)
    assert bleu_scores(written, texts, (2,))[2] < 0.8


def test_evaluate_csv(model, corpus, capsys):
    argv = ["evaluate", str(model), str(corpus[1]), "-n", "20", "--format", "csv"]
    assert main([*argv, "--temperatures", "0.5", "1"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].startswith("temperature,n_samples,n_references,bleu_2,")
    assert len(lines) == 3


@pytest.mark.parametrize(
    "argv, message",
    [
        (["-n", "1"], "--n-samples"),
        (["--max-n", "0"], "max_n"),
    ],
)
def test_evaluate_errors_are_one_line(model, corpus, capsys, argv, message):
    assert main(["evaluate", str(model), str(corpus[1]), *argv]) == 2
    assert message in _one_error_line(capsys.readouterr().err)


def test_evaluate_rejects_a_bad_temperature(model, corpus, capsys):
    with pytest.raises(SystemExit) as excinfo:
        main(["evaluate", str(model), str(corpus[1]), "--temperatures", "-1"])
    assert excinfo.value.code == 2
    assert "--temperatures" in _one_error_line(capsys.readouterr().err)


def test_warnings_are_one_line(model, corpus, tmp_path, capsys):
    long_line = tmp_path / "long.txt"
    long_line.write_text(" ".join(["word"] * 50) + "\n")
    assert main(["evaluate", str(model), str(long_line), "-n", "5", "--max-n", "2"]) == 0
    err = capsys.readouterr().err
    assert err.startswith("sklearn-textgan: warning:") and "truncated" in err
    assert len(err.strip().splitlines()) == 1


# ------------------------------------------------------------------ labels


def test_fit_with_labels_and_sample_a_style(tmp_path, capsys):
    texts = ["the cat sat .", "a dog ran ."] * 15 + ["buy now , save big !"] * 30
    labels = ["story"] * 30 + ["ad"] * 30
    text_file, label_file = tmp_path / "texts.txt", tmp_path / "labels.txt"
    # An empty text line is skipped together with its label.
    text_file.write_text("\n".join(texts[:5] + [""] + texts[5:]) + "\n")
    label_file.write_text("\n".join(labels[:5] + ["story"] + labels[5:]) + "\n")
    path = tmp_path / "styled.textgan"
    fit = ["fit", str(text_file), "--labels", str(label_file), "-o", str(path)]
    assert main([*fit, *TINY[:-4], "--pretrain-epochs", "8", "--random-state", "0"]) == 0
    gan = TextGAN.load(path)
    assert gan.classes_.tolist() == ["ad", "story"]
    capsys.readouterr()
    assert main(["sample", str(path), "-n", "5", "--label", "ad", "--seed", "0"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines == gan.sample(5, y="ad", random_state=0)
    assert main(["sample", str(path), "--label", "poem"]) == 2
    assert "unknown label 'poem'" in _one_error_line(capsys.readouterr().err)


def test_labels_must_match_the_texts_line_for_line(corpus, tmp_path, capsys):
    labels = tmp_path / "labels.txt"
    labels.write_text("a\nb\n")
    argv = ["fit", str(corpus[0]), "--labels", str(labels), "-o", str(tmp_path / "m"), *TINY]
    assert main(argv) == 2
    assert "one label per text" in _one_error_line(capsys.readouterr().err)


def test_label_on_a_model_without_labels(model, capsys):
    assert main(["sample", str(model), "--label", "ad"]) == 2
    assert "trained without labels" in _one_error_line(capsys.readouterr().err)
