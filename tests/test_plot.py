"""Training curves and quality-diversity plots, rendered to PNG with the Agg backend."""

import pytest

matplotlib = pytest.importorskip("matplotlib")
matplotlib.use("Agg")  # no display: render to files only

import matplotlib.pyplot as plt  # noqa: E402

from sklearn_textgan import TextGAN  # noqa: E402
from sklearn_textgan.datasets import make_grammar_corpus  # noqa: E402
from sklearn_textgan.metrics import quality_diversity_curve  # noqa: E402
from sklearn_textgan.plot import HISTORY_PANELS, plot_history, plot_quality_diversity  # noqa: E402

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


@pytest.fixture(autouse=True)
def close_figures():
    yield
    plt.close("all")


@pytest.fixture(scope="module")
def texts():
    return make_grammar_corpus(300, random_state=0)


@pytest.fixture(scope="module")
def mle(texts):
    return TextGAN(
        embedding_dim=8, hidden_dim=8, pretrain_epochs=2, batch_size=32, random_state=0
    ).fit(texts)


@pytest.fixture(scope="module")
def relgan(texts):
    return TextGAN(
        algorithm="relgan",
        generator="lstm",
        embedding_dim=8,
        hidden_dim=8,
        num_filters=4,
        pretrain_epochs=2,
        discriminator_pretrain_epochs=1,
        adversarial_epochs=3,
        batch_size=32,
        random_state=0,
    ).fit(texts)


def _save(figure, path):
    figure.savefig(path, dpi=50)
    assert path.read_bytes().startswith(PNG_SIGNATURE)


# -------------------------------------------------------------------- history


def test_history_of_a_gan_has_every_panel(relgan, tmp_path):
    figure = plot_history(relgan)
    labels = [ax.get_ylabel() for ax in figure.axes]
    assert labels == [HISTORY_PANELS[p][0] for p in HISTORY_PANELS if p != "learning_rate"]
    # The phases are named above the first panel, in order.
    phases = [text.get_text() for text in figure.axes[0].texts]
    assert phases == ["mle", "discriminator", "adversarial"]
    # One point per epoch: gaps (NaN) where an epoch has no such value.
    (train, valid) = figure.axes[0].lines
    assert len(train.get_xdata()) == len(relgan.history_)
    _save(figure, tmp_path / "history.png")


def test_history_of_an_mle_model_leaves_out_empty_panels(mle, tmp_path):
    figure = plot_history(mle)
    assert [ax.get_ylabel() for ax in figure.axes] == [
        HISTORY_PANELS["nll"][0],
        HISTORY_PANELS["diversity"][0],
        HISTORY_PANELS["length"][0],
    ]
    _save(figure, tmp_path / "mle.png")


def test_history_accepts_records_and_chosen_panels(relgan, tmp_path):
    records = [dict(record) for record in relgan.history_]
    figure = plot_history(records, panels=["temperature", "learning_rate"], figsize=(4, 3))
    assert [ax.get_ylabel() for ax in figure.axes] == [
        HISTORY_PANELS["temperature"][0],
        HISTORY_PANELS["learning_rate"][0],
    ]
    assert figure.axes[0].get_yscale() == "log"  # beta rises from 1 to 100
    _save(figure, tmp_path / "chosen.png")


def test_history_draws_on_given_axes(mle):
    figure, axes = plt.subplots(1, 2)
    assert plot_history(mle, panels=["nll", "diversity"], axes=axes) is figure


def test_history_errors(mle):
    with pytest.raises(ValueError, match="Unknown panel"):
        plot_history(mle, panels=["loss"])
    with pytest.raises(ValueError, match="empty"):
        plot_history([])
    with pytest.raises(ValueError, match="fit it"):
        plot_history(TextGAN())
    with pytest.raises(TypeError):
        plot_history({"phase": "mle"})
    with pytest.raises(ValueError, match="none of the columns"):
        plot_history([{"phase": "mle", "epoch": 1, "seconds": 0.1}])
    with pytest.raises(ValueError, match="3 panels"):
        plot_history(mle, axes=plt.subplots(1, 2)[1])


# ------------------------------------------------------- quality and diversity


def test_quality_diversity_of_models_against_mle(mle, relgan, texts, tmp_path):
    references = make_grammar_corpus(100, random_state=1)
    settings = {"temperatures": (1.2, 0.8, 1.0), "n_samples": 30, "max_n": (2, 3)}
    mle_curve = quality_diversity_curve(mle, references, **settings)
    gan_curve = quality_diversity_curve(relgan, references, **settings)
    ax = plot_quality_diversity({"RelGAN": gan_curve, "RelGAN again": gan_curve}, mle=mle_curve)
    assert [text.get_text() for text in ax.get_legend().get_texts()] == [
        "MLE",
        "RelGAN",
        "RelGAN again",
    ]
    assert ax.get_xlabel() == "Self-BLEU-3 (lower is more diverse)"
    assert ax.get_ylabel() == "BLEU-3 (higher is better)"
    # Points are joined in order of temperature, and each is labelled with it.
    mle_line = ax.lines[0]
    by_temperature = sorted(mle_curve, key=lambda record: record["temperature"])
    assert list(mle_line.get_xdata()) == [record["self_bleu_3"] for record in by_temperature]
    assert sorted({text.get_text() for text in ax.texts}) == ["0.8", "1", "1.2"]
    _save(ax.figure, tmp_path / "curves.png")


def test_quality_diversity_on_synthetic_data_inverts_the_nll_axis():
    records = [
        {"temperature": 0.8, "nll_oracle": 8.0, "nll_test": 9.0},
        {"temperature": 1.0, "nll_oracle": 9.0, "nll_test": 8.0},
    ]
    ax = plot_quality_diversity(records, annotate=False)
    assert ax.get_ylabel() == "NLL_oracle (lower is better)"
    assert ax.get_xlabel() == "NLL_test (lower is better)"
    assert ax.yaxis_inverted() and not ax.xaxis_inverted()  # better: up and to the left
    assert len(ax.texts) == 0


def test_quality_diversity_with_chosen_keys_and_axes():
    records = [
        {"temperature": 0.8, "bleu_2": 0.9, "distinct_2": 0.2},
        {"temperature": 1.0, "bleu_2": 0.7, "distinct_2": 0.5},
    ]
    _, ax = plt.subplots()
    assert plot_quality_diversity(records, quality="bleu_2", diversity="distinct_2", ax=ax) is ax
    assert ax.get_xlabel() == "distinct-2 (higher is more diverse)"
    assert ax.xaxis_inverted()  # more diverse is to the left


def test_quality_diversity_errors():
    with pytest.raises(ValueError, match="neither"):
        plot_quality_diversity([{"temperature": 1.0, "score": 1.0}])
    with pytest.raises(ValueError, match="no 'bleu_4'"):
        plot_quality_diversity(
            [{"temperature": 1.0, "bleu_2": 0.5, "self_bleu_2": 0.5}],
            quality="bleu_4",
            diversity="self_bleu_2",
        )
    with pytest.raises(ValueError, match="non-empty"):
        plot_quality_diversity([])
    with pytest.raises(ValueError, match="curves is empty"):
        plot_quality_diversity({})
    with pytest.raises(TypeError, match="list of dicts"):
        plot_quality_diversity("bleu")


def test_missing_matplotlib_is_a_clear_import_error(monkeypatch, mle):
    import sys

    monkeypatch.setitem(sys.modules, "matplotlib.pyplot", None)  # import fails
    with pytest.raises(ImportError, match="sklearn-textgan\\[plot\\]"):
        plot_history(mle)
