"""Schedules of RelGAN's Gumbel-softmax inverse temperature over adversarial training."""

from __future__ import annotations

from collections.abc import Callable

__all__ = ["TEMPERATURE_SCHEDULES", "inverse_temperature"]

# progress runs from 0 (start of adversarial training) to 1 (end); each returns
# the inverse temperature, starting at 1 and reaching ``maximum``.
TEMPERATURE_SCHEDULES: dict[str, Callable[[float, float], float]] = {
    "exp": lambda progress, maximum: maximum**progress,
    "linear": lambda progress, maximum: 1.0 + (maximum - 1.0) * progress,
    "constant": lambda progress, maximum: maximum,
}


def inverse_temperature(progress: float, maximum: float, schedule: str) -> float:
    """Inverse temperature at ``progress`` in [0, 1] under ``schedule``.

    Examples
    --------
    >>> from sklearn_textgan.training import inverse_temperature
    >>> [round(inverse_temperature(p, 100.0, "exp"), 2) for p in (0.0, 0.5, 1.0)]
    [1.0, 10.0, 100.0]
    >>> [inverse_temperature(p, 100.0, "linear") for p in (0.0, 0.5, 1.0)]
    [1.0, 50.5, 100.0]
    >>> inverse_temperature(1.5, 100.0, "linear")  # progress is clipped to [0, 1]
    100.0
    """
    try:
        rule = TEMPERATURE_SCHEDULES[schedule]
    except KeyError:
        valid = ", ".join(repr(key) for key in sorted(TEMPERATURE_SCHEDULES))
        raise ValueError(f"Unknown temperature schedule {schedule!r}; valid are {valid}.") from None
    return float(rule(min(max(progress, 0.0), 1.0), maximum))
