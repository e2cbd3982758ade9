"""Training curves from ``TextGAN.history_``."""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from ._base import new_axes

__all__ = ["HISTORY_PANELS", "plot_history"]

# Panel name -> (y-axis label, ((history column, legend label), ...)). Columns
# on one panel share a unit, so their values can be compared by eye.
HISTORY_PANELS: dict[str, tuple[str, tuple[tuple[str, str], ...]]] = {
    "nll": (
        "NLL per token",
        (("train_loss", "training"), ("valid_nll", "validation")),
    ),
    "gan_loss": (
        "GAN loss",
        (("generator_loss", "generator"), ("discriminator_loss", "discriminator")),
    ),
    "accuracy": (
        "discriminator\naccuracy",
        (
            ("d_real_accuracy", "on real text"),
            ("d_fake_accuracy", "on generated text"),
            # Conditional GANs: the class head's accuracy on real text.
            ("d_class_accuracy", "class of real text"),
        ),
    ),
    "temperature": ("Gumbel inverse\ntemperature", (("temperature", "beta"),)),
    "diversity": ("distinct-2\nof samples", (("distinct_2", "distinct-2"),)),
    "length": ("tokens per\nsample", (("mean_length", "mean length"),)),
    "learning_rate": ("learning rate", (("learning_rate", "learning rate"),)),
}
_DEFAULT_PANELS = ("nll", "gan_loss", "accuracy", "temperature", "diversity", "length")

# Above this many epochs, markers on every point would hide the lines.
_MAX_MARKED_POINTS = 60


def _records(history: Any) -> list[Mapping]:
    """The list of epoch records of a fitted estimator, a History or a list of dicts."""
    if hasattr(history, "history_"):
        history = history.history_
    elif hasattr(history, "get_params") and not isinstance(history, list):
        raise ValueError(
            f"This {type(history).__name__} has no history_: fit it before plotting its history."
        )
    if isinstance(history, Mapping) or not isinstance(history, Iterable):
        raise TypeError(
            "history must be a fitted TextGAN, its history_, or a list of dicts, got "
            f"{type(history).__name__}."
        )
    records = list(history)
    if not records:
        raise ValueError("The history is empty: there is nothing to plot.")
    for record in records:
        if not isinstance(record, Mapping):
            raise TypeError(
                f"Each record of the history must be a dict, got {type(record).__name__}."
            )
    return records


def _values(records: Sequence[Mapping], column: str) -> list[float]:
    """The column as floats, NaN where a record has no value (matplotlib leaves a gap)."""
    values = []
    for record in records:
        value = record.get(column)
        values.append(math.nan if value is None else float(value))
    return values


def _has_data(records: Sequence[Mapping], panel: str) -> bool:
    return any(
        not math.isnan(value)
        for column, _ in HISTORY_PANELS[panel][1]
        for value in _values(records, column)
    )


def _phase_runs(records: Sequence[Mapping]) -> list[tuple[str, int, int]]:
    """(phase, first, last) for each run of consecutive records of one phase, 1-based."""
    runs: list[tuple[str, int, int]] = []
    for position, record in enumerate(records, start=1):
        phase = str(record.get("phase", ""))
        if runs and runs[-1][0] == phase:
            runs[-1] = (phase, runs[-1][1], position)
        else:
            runs.append((phase, position, position))
    return runs


def _check_panels(panels: Sequence[str] | str | None, records: Sequence[Mapping]) -> list[str]:
    if panels is None:
        chosen = [panel for panel in _DEFAULT_PANELS if _has_data(records, panel)]
        if not chosen:
            raise ValueError(
                "The history has none of the columns plot_history draws: "
                + ", ".join(column for _, cols in HISTORY_PANELS.values() for column, _ in cols)
                + "."
            )
        return chosen
    if isinstance(panels, str):
        panels = [panels]
    chosen = list(panels)
    unknown = [panel for panel in chosen if panel not in HISTORY_PANELS]
    if unknown or not chosen:
        raise ValueError(
            f"Unknown panel(s) {unknown}; valid panels are {sorted(HISTORY_PANELS)}."
            if unknown
            else "panels is empty: name at least one panel."
        )
    return chosen


def plot_history(
    history: Any,
    *,
    panels: Sequence[str] | str | None = None,
    axes: Sequence[Any] | None = None,
    figsize: tuple[float, float] | None = None,
) -> Any:
    """Plot training curves: one panel per kind of figure, the phases marked.

    The x axis counts epochs of all phases in order (maximum-likelihood
    pretraining, discriminator pretraining, adversarial rounds), and each
    phase is shaded and named. A value an epoch does not have (no validation
    NLL in the discriminator phase, say) leaves a gap.

    Parameters
    ----------
    history : fitted TextGAN, History or list of dict
        The estimator (its ``history_`` is used) or the records themselves,
        one dict per epoch with a ``"phase"`` key and the columns below.
    panels : str or list of str, default=None
        Which panels to draw, in order, from :data:`HISTORY_PANELS`:
        ``"nll"`` (``train_loss``, ``valid_nll``), ``"gan_loss"``
        (``generator_loss``, ``discriminator_loss``), ``"accuracy"``
        (``d_real_accuracy``, ``d_fake_accuracy``, and for a conditional
        GAN ``d_class_accuracy``), ``"temperature"``
        (RelGAN's Gumbel inverse temperature), ``"diversity"``
        (``distinct_2``: a fall warns of mode collapse), ``"length"``
        (``mean_length``: a drift says the generator learned to end its texts
        earlier or later), ``"learning_rate"``. ``None`` draws each of the
        first six that has data.
    axes : sequence of matplotlib Axes, default=None
        One per panel; ``None`` makes a new figure.
    figsize : tuple of float, default=None
        Size of the new figure in inches; ``None`` gives 7 wide and 1.9 per
        panel. Unused with ``axes``.

    Returns
    -------
    figure : matplotlib.figure.Figure
        The figure, for ``figure.savefig("history.png")``.

    Raises
    ------
    ImportError
        If matplotlib is not installed.
    ValueError
        If the history is empty, has nothing to draw, a panel name is
        unknown, or ``axes`` has another length than the panels.
    TypeError
        If ``history`` is not one of the accepted types.

    See Also
    --------
    plot_quality_diversity : Quality against diversity over temperatures.

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> from sklearn_textgan import TextGAN
    >>> from sklearn_textgan.plot import plot_history
    >>> texts = ["the cat sat.", "the dog ran.", "a cat ran.", "a dog sat."] * 10
    >>> gan = TextGAN(algorithm="seqgan", embedding_dim=8, hidden_dim=8, num_filters=4,
    ...               pretrain_epochs=2, discriminator_pretrain_epochs=1,
    ...               adversarial_epochs=2, n_rollouts=2, random_state=0).fit(texts)
    >>> figure = plot_history(gan)
    >>> for ax in figure.axes:
    ...     print(ax.get_ylabel().replace("\\n", " "))
    NLL per token
    GAN loss
    discriminator accuracy
    distinct-2 of samples
    tokens per sample
    """
    records = _records(history)
    chosen = _check_panels(panels, records)
    if axes is None:
        size = figsize if figsize is not None else (7.0, 0.6 + 1.9 * len(chosen))
        axes = new_axes("plot_history", len(chosen), figsize=size)
    elif len(axes) != len(chosen):
        raise ValueError(f"axes has {len(axes)} Axes for {len(chosen)} panels {chosen}.")
    epochs = list(range(1, len(records) + 1))
    marker = "o" if len(records) <= _MAX_MARKED_POINTS else None
    runs = _phase_runs(records)

    for ax, panel in zip(axes, chosen, strict=True):
        label, columns = HISTORY_PANELS[panel]
        for column, legend in columns:
            values = _values(records, column)
            if not all(math.isnan(value) for value in values):
                ax.plot(epochs, values, marker=marker, markersize=3, label=legend)
        if panel == "accuracy":
            # Accuracy near one half on both sides: the discriminator cannot tell.
            ax.axhline(0.5, color="0.5", linewidth=0.8, linestyle=":")
            ax.set_ylim(-0.05, 1.05)
        if panel in ("temperature", "learning_rate"):
            finite = [v for c, _ in columns for v in _values(records, c) if not math.isnan(v)]
            if finite and min(finite) > 0 and max(finite) / min(finite) > 20:
                ax.set_yscale("log")
        ax.set_ylabel(label)
        if len(columns) > 1 and ax.lines:
            ax.legend(fontsize="small", loc="best")
        for index, (_, first, last) in enumerate(runs):
            if index % 2:
                ax.axvspan(first - 0.5, last + 0.5, color="0.93", zorder=0)
        ax.grid(True, linewidth=0.3)
    top = axes[0]
    if len(runs) > 1 or runs[0][0]:
        for phase, first, last in runs:
            top.text(
                (first + last) / 2,
                1.02,
                phase,
                transform=top.get_xaxis_transform(),
                ha="center",
                va="bottom",
                fontsize="small",
            )
    axes[-1].set_xlabel("epoch (all phases, in order)")
    axes[-1].set_xlim(0.5, len(records) + 0.5)
    figure = top.figure
    figure.align_ylabels(list(axes))
    return figure
