"""Argument checks shared by the modules, so that every size error reads the same."""

from __future__ import annotations

__all__ = ["check_divisible", "check_positive"]


def check_positive(**sizes: int) -> None:
    """Raise ValueError naming the first size that is below 1."""
    for name, value in sizes.items():
        if value < 1:
            raise ValueError(f"{name} must be at least 1, got {value}.")


def check_divisible(name: str, value: int, divisor_name: str, divisor: int) -> None:
    """Raise ValueError when ``value`` is not a multiple of ``divisor``."""
    if value % divisor:
        raise ValueError(f"{name} ({value}) must be divisible by {divisor_name} ({divisor}).")
