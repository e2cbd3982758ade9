"""Device handling in one place: every torch tensor and module is moved with these helpers."""

from __future__ import annotations

import torch

__all__ = ["device_memory_bytes", "resolve_device", "loadable_device"]


def resolve_device(device: str | torch.device) -> torch.device:
    """Turn the ``device`` parameter into a :class:`torch.device`, checking it exists.

    ``"auto"`` picks the first CUDA device when one is available and the CPU
    otherwise. Asking for CUDA on a machine without it is an error rather than
    a silent fall-back, so that a long run never ends up on the wrong device.
    """
    if isinstance(device, torch.device):
        device = str(device)
    if device == "auto":
        return torch.device("cuda" if torch.cuda.is_available() else "cpu")
    try:
        resolved = torch.device(device)
    except RuntimeError as exc:
        raise ValueError(
            f"device={device!r} is not a valid device; use 'cpu', 'cuda', 'cuda:N' or 'auto'."
        ) from exc
    if resolved.type == "cpu":
        # One CPU device: "cpu:0" would be recorded, and torch.load cannot map to it.
        return torch.device("cpu")
    if resolved.type != "cuda":
        raise ValueError(
            f"device={device!r} is not supported; use 'cpu', 'cuda', 'cuda:N' or 'auto'."
        )
    if not torch.cuda.is_available():
        raise ValueError(
            f"device={device!r} was requested but CUDA is not available on this machine; "
            "use device='cpu' or device='auto'."
        )
    if resolved.index is not None and resolved.index >= torch.cuda.device_count():
        raise ValueError(
            f"device={device!r} does not exist: this machine has "
            f"{torch.cuda.device_count()} CUDA device(s)."
        )
    return resolved


def loadable_device(device: str | torch.device) -> torch.device:
    """Where to put tensors saved on ``device`` when loading them here.

    A model trained on a GPU must still load on a CPU-only machine, so a CUDA
    device that does not exist here maps to the CPU.
    """
    device = torch.device(device)
    if device.type == "cpu":
        return torch.device("cpu")
    if device.type == "cuda":
        count = torch.cuda.device_count() if torch.cuda.is_available() else 0
        if count == 0 or (device.index is not None and device.index >= count):
            return torch.device("cpu")
    return device


def device_memory_bytes(device: torch.device) -> int | None:
    """The memory of ``device`` in bytes (a CPU: the machine's), or None where unknown."""
    if device.type == "cuda":
        return int(torch.cuda.get_device_properties(device).total_memory)
    from ._validation import physical_memory_bytes

    return physical_memory_bytes()
