"""Quality against diversity over sampling temperatures, one curve per model."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any

from ._base import new_axes

__all__ = ["plot_quality_diversity"]

_BLEU = re.compile(r"^bleu_(\d+)$")


def _records(records: Any, name: str) -> list[Mapping]:
    if hasattr(records, "to_dict") and not isinstance(records, Mapping):
        records = records.to_dict("records")  # a pandas DataFrame
    if isinstance(records, (str, bytes, Mapping)) or not isinstance(records, Sequence):
        raise TypeError(
            f"{name} must be a list of dicts as returned by quality_diversity_curve, got "
            f"{type(records).__name__}."
        )
    records = list(records)
    if not records or not all(isinstance(record, Mapping) for record in records):
        raise ValueError(f"{name} must be a non-empty list of dicts (one per temperature).")
    return records


def _default_keys(records: Sequence[Mapping]) -> tuple[str, str]:
    """(quality, diversity): NLL_oracle and NLL_test on synthetic data, else the largest BLEU."""
    if all("nll_oracle" in r and "nll_test" in r for r in records):
        return "nll_oracle", "nll_test"
    orders = [
        int(match.group(1))
        for key in records[0]
        if (match := _BLEU.match(key)) and f"self_bleu_{match.group(1)}" in records[0]
    ]
    if orders:
        n = max(orders)
        return f"bleu_{n}", f"self_bleu_{n}"
    raise ValueError(
        "The records have neither nll_oracle and nll_test nor bleu_n and self_bleu_n; "
        "name the columns to plot with quality= and diversity=."
    )


def _lower_is_better(key: str) -> bool:
    """NLLs, Self-BLEU and LM scores fall as a model improves; BLEU and distinct-n rise."""
    return key.startswith(("nll", "self_bleu", "lm_score", "reverse_lm_score"))


def _axis_label(key: str, *, diversity: bool) -> str:
    names = {"nll_oracle": "NLL_oracle", "nll_test": "NLL_test"}
    match = re.match(r"^(self_bleu|bleu|distinct)_(\d+)$", key)
    if match:
        kind = {"self_bleu": "Self-BLEU", "bleu": "BLEU", "distinct": "distinct"}[match.group(1)]
        name = f"{kind}-{match.group(2)}"
    else:
        name = names.get(key, key)
    lower = _lower_is_better(key)
    if diversity and key.startswith(("self_bleu", "distinct")):
        return f"{name} ({'lower' if lower else 'higher'} is more diverse)"
    return f"{name} ({'lower' if lower else 'higher'} is better)"


def plot_quality_diversity(
    curves: Any,
    *,
    mle: Sequence[Mapping] | None = None,
    quality: str | None = None,
    diversity: str | None = None,
    annotate: bool = True,
    ax: Any = None,
) -> Any:
    """Plot quality against diversity, one curve per model, beside the MLE model's.

    Each point is one sampling temperature; the axes are oriented so that a
    better model lies up and to the left (an axis whose figure is better when
    lower is inverted). A GAN beats maximum likelihood only where its curve
    passes above and to the left of the MLE curve, not where one of its
    points beats one MLE point (Caccia et al. 2020).

    Parameters
    ----------
    curves : list of dict, or dict of str to list of dict
        The records of :func:`~sklearn_textgan.metrics.quality_diversity_curve`
        (one dict per temperature, with a ``"temperature"`` key) of one
        model, or a mapping from model names (the legend) to such records.
        A pandas DataFrame of records works too.
    mle : list of dict, default=None
        The records of a maximum-likelihood model of the same size trained on
        the same data, drawn as a black dashed reference curve.
    quality : str, default=None
        Record key of the y axis. ``None`` takes ``"nll_oracle"`` when every
        record has it and ``"nll_test"`` (synthetic data), else
        ``"bleu_<n>"`` for the largest n that also has ``"self_bleu_<n>"``.
    diversity : str, default=None
        Record key of the x axis; ``None`` takes ``"nll_test"`` or
        ``"self_bleu_<n>"`` to match ``quality``.
    annotate : bool, default=True
        Whether to write each point's temperature beside it.
    ax : matplotlib Axes, default=None
        Where to draw; ``None`` makes a new figure.

    Returns
    -------
    ax : matplotlib Axes
        The axes, for ``ax.figure.savefig("curves.png")``.

    Raises
    ------
    ImportError
        If matplotlib is not installed.
    ValueError
        If a set of records is empty or lacks a key to plot.
    TypeError
        If ``curves`` or ``mle`` is not a list of dicts (or a mapping of them).

    See Also
    --------
    sklearn_textgan.metrics.quality_diversity_curve : Computes the records.
    plot_history : Training curves.

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> from sklearn_textgan.plot import plot_quality_diversity
    >>> mle = [{"temperature": 0.8, "bleu_2": 0.80, "self_bleu_2": 0.70},
    ...        {"temperature": 1.0, "bleu_2": 0.72, "self_bleu_2": 0.55}]
    >>> gan = [{"temperature": 0.8, "bleu_2": 0.84, "self_bleu_2": 0.78},
    ...        {"temperature": 1.0, "bleu_2": 0.77, "self_bleu_2": 0.66}]
    >>> ax = plot_quality_diversity({"RelGAN": gan}, mle=mle)
    >>> ax.get_xlabel(), ax.get_ylabel()
    ('Self-BLEU-2 (lower is more diverse)', 'BLEU-2 (higher is better)')
    >>> [text.get_text() for text in ax.get_legend().get_texts()]
    ['MLE', 'RelGAN']
    """
    if isinstance(curves, Mapping):
        named = {
            str(name): _records(records, f"curves[{name!r}]") for name, records in curves.items()
        }
        if not named:
            raise ValueError("curves is empty: give the records of at least one model.")
    else:
        named = {"model": _records(curves, "curves")}
    if mle is not None:
        # The baseline is drawn first, so that the legend names it first.
        named = {"MLE": _records(mle, "mle"), **named}
    first = next(iter(named.values()))
    if quality is None or diversity is None:
        default_quality, default_diversity = _default_keys(first)
        quality = default_quality if quality is None else quality
        diversity = default_diversity if diversity is None else diversity
    for name, records in named.items():
        for key in ("temperature", quality, diversity):
            missing = [i for i, record in enumerate(records) if record.get(key) is None]
            if missing:
                raise ValueError(f"The records of {name!r} have no {key!r} (record {missing[0]}).")

    if ax is None:
        ax = new_axes("plot_quality_diversity", figsize=(6.0, 4.5))[0]
    for name, records in named.items():
        records = sorted(records, key=lambda record: float(record["temperature"]))
        x = [float(record[diversity]) for record in records]
        y = [float(record[quality]) for record in records]
        style = (
            {"color": "black", "linestyle": "--", "marker": "s"}
            if name == "MLE" and mle is not None
            else {"marker": "o"}
        )
        (line,) = ax.plot(x, y, label=name, markersize=4, **style)
        if annotate:
            for record, x_value, y_value in zip(records, x, y, strict=True):
                ax.annotate(
                    f"{float(record['temperature']):g}",
                    (x_value, y_value),
                    textcoords="offset points",
                    xytext=(4, 4),
                    fontsize="x-small",
                    color=line.get_color(),
                )
    # Better is up and to the left, whatever the metrics.
    if _lower_is_better(quality) and not ax.yaxis_inverted():
        ax.invert_yaxis()
    if not _lower_is_better(diversity) and not ax.xaxis_inverted():
        ax.invert_xaxis()
    ax.set_xlabel(_axis_label(diversity, diversity=True))
    ax.set_ylabel(_axis_label(quality, diversity=False))
    ax.set_title(
        "quality against diversity (better: up and left; labels: temperature)", fontsize="small"
    )
    ax.legend(fontsize="small")
    ax.grid(True, linewidth=0.3)
    return ax
