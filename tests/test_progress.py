"""Verbose output: bars per phase with tqdm, lines per epoch without it."""

import pytest

from sklearn_textgan import TextGAN
from sklearn_textgan.training import _progress

TEXTS = ["the cat sat on the mat.", "a dog ran to the park.", "the bird sang."] * 10


def tiny(**params) -> TextGAN:
    settings = dict(embedding_dim=8, hidden_dim=8, pretrain_epochs=2, random_state=0)
    return TextGAN(**{**settings, **params})


def test_silent_by_default(capsys):
    tiny().fit(TEXTS)
    captured = capsys.readouterr()
    assert captured.out == "" and captured.err == ""


def test_verbose_1_draws_a_bar_per_phase(capsys):
    pytest.importorskip("tqdm")
    tiny(
        algorithm="seqgan",
        discriminator_pretrain_epochs=1,
        adversarial_epochs=2,
        d_steps=1,
        n_rollouts=2,
        num_filters=4,
        verbose=1,
    ).fit(TEXTS)
    err = capsys.readouterr().err
    for phase, total in (("mle", 2), ("discriminator", 1), ("adversarial", 2)):
        assert f"{phase}: 100%" in err and f"{total}/{total}" in err, phase
    assert "g=" in err and "d=" in err  # the latest losses beside the bar


def test_lines_without_tqdm_or_with_verbose_2(capsys, monkeypatch):
    tiny(verbose=2).fit(TEXTS)
    lines = capsys.readouterr().out.splitlines()
    assert [line.split()[0] for line in lines] == ["[mle]", "[mle]"]
    assert lines[1].startswith("[mle] epoch   2/2")
    monkeypatch.setattr(_progress, "_tqdm", lambda: None)
    tiny(verbose=1).fit(TEXTS)
    assert len(capsys.readouterr().out.splitlines()) == 2
