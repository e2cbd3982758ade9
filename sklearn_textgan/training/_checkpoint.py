"""Checkpoints: everything needed to resume a killed ``fit`` exactly where it was.

A checkpoint is written at the end of an epoch (every ``every`` epochs) and
holds the modules, the optimizers and schedulers of the running phase, the
states of the random number generators, the history, the phase and epoch
reached, and whatever the running loop keeps between epochs (best weights,
patience counters, a SeqGAN rollout policy, ...). A fit started again with the
same parameters and data finds it and continues from there; with the same
random state on the CPU, the final model is bit-identical to that of a run
that was never interrupted.

Files are written atomically (temporary file in the same folder, fsync,
rename), so a crash while writing leaves the previous checkpoint intact. They
are read with ``torch.load(weights_only=True)``, which cannot run code. Each
holds a fingerprint of the parameters and data it belongs to, and its name is
derived from it, so fits with other parameters never resume from it.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import warnings
from collections.abc import Callable
from pathlib import Path
from typing import IO, Any

import torch

from ._base import TrainingState

__all__ = [
    "CHECKPOINT_FORMAT",
    "Checkpointer",
    "atomic_write",
    "resume_stage",
    "take_resume",
]

# Bumped whenever the content changes in a way an older reader would misread.
CHECKPOINT_FORMAT = 1
_PREFIX = "textgan-"
_SUFFIX = ".ckpt"


def atomic_write(path: str | os.PathLike, write: Callable[[IO[bytes]], Any]) -> None:
    """Write a file so that ``path`` holds either its old content or the complete new one.

    ``write`` receives a binary file object. The bytes go to a temporary file
    in the same folder (so the final rename never crosses file systems), are
    flushed to disk, and only then replace ``path`` with :func:`os.replace`,
    which is atomic. On any error the temporary file is removed and ``path``
    is left as it was.

    Examples
    --------
    >>> import os, tempfile
    >>> from sklearn_textgan.training import atomic_write
    >>> path = os.path.join(tempfile.mkdtemp(), "note.txt")
    >>> atomic_write(path, lambda file: file.write(b"done"))
    >>> open(path, "rb").read()
    b'done'
    """
    path = os.fspath(path)
    folder = os.path.dirname(os.path.abspath(path))
    temporary = os.path.join(folder, f".{os.path.basename(path)}.{secrets.token_hex(6)}.tmp")
    # os.open applies the umask, unlike tempfile.mkstemp's fixed 0o600.
    descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
    try:
        with os.fdopen(descriptor, "wb") as file:
            write(file)
            file.flush()
            os.fsync(file.fileno())
        os.replace(temporary, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise
    _fsync_folder(folder)


def _fsync_folder(folder: str) -> None:
    """Make the rename itself durable; not possible (nor needed) everywhere, e.g. Windows."""
    flags = os.O_RDONLY | getattr(os, "O_DIRECTORY", 0)
    try:
        descriptor = os.open(folder, flags)
    except OSError:
        return
    try:
        os.fsync(descriptor)
    except OSError:
        pass
    finally:
        os.close(descriptor)


class Checkpointer:
    """Writes and finds the checkpoint of one fit.

    Parameters
    ----------
    directory : str or path-like
        Folder of the checkpoint; created when missing.
    every : int
        Write a checkpoint every ``every`` completed epochs (all phases counted).
    fingerprint : str
        Hex digest of the parameters and data of the fit; a checkpoint with
        another one is never resumed from.
    metadata : dict
        Small extra values stored with every checkpoint and given back on resume
        (e.g. the seeds of the fit).

    Examples
    --------
    >>> import tempfile
    >>> from sklearn_textgan.training import Checkpointer
    >>> checkpointer = Checkpointer(tempfile.mkdtemp(), every=1, fingerprint="ab" * 32, metadata={})
    >>> checkpointer.path.name
    'textgan-abababababababab.ckpt'
    >>> checkpointer.load() is None  # nothing to resume from yet
    True
    """

    def __init__(
        self, directory: str | os.PathLike, *, every: int, fingerprint: str, metadata: dict
    ) -> None:
        self.directory = Path(directory)
        self.every = int(every)
        self.fingerprint = fingerprint
        self.metadata = metadata
        self.path = self.directory / f"{_PREFIX}{fingerprint[:16]}{_SUFFIX}"
        self.completed = 0

    def prepare(self) -> None:
        """Create the folder now, so that a path that cannot be one fails before training."""
        try:
            self.directory.mkdir(parents=True, exist_ok=True)
        except OSError as error:
            raise ValueError(
                f"checkpoint_dir={str(self.directory)!r} cannot be used as a folder "
                f"({error.strerror or type(error).__name__}); pass a folder path, or None."
            ) from error
        if not os.access(self.directory, os.W_OK | os.X_OK):
            raise ValueError(
                f"checkpoint_dir={str(self.directory)!r} is not writable; pass another folder, "
                "or None."
            )

    def load(self) -> dict | None:
        """The checkpoint of this fit, or None (with a warning when one was refused)."""
        if not self.path.exists():
            others = [
                path.name
                for path in self.directory.glob(f"{_PREFIX}*{_SUFFIX}")
                if path != self.path
            ]
            if others:
                warnings.warn(
                    f"checkpoint_dir={str(self.directory)!r} holds checkpoint(s) "
                    f"{', '.join(sorted(others))} written with other parameters or data; "
                    "they are not resumed from (training starts afresh).",
                    UserWarning,
                    stacklevel=3,
                )
            return None
        try:
            payload = torch.load(self.path, map_location="cpu", weights_only=True)
        except Exception as error:  # noqa: BLE001 - any unreadable file is refused the same way
            warnings.warn(
                f"The checkpoint {str(self.path)!r} cannot be read ({type(error).__name__}: "
                f"{str(error)[:200]}); it is ignored and training starts afresh.",
                UserWarning,
                stacklevel=3,
            )
            return None
        problem = _check_payload(payload, self.fingerprint)
        if problem:
            warnings.warn(
                f"The checkpoint {str(self.path)!r} is refused: {problem}. Training starts afresh.",
                UserWarning,
                stacklevel=3,
            )
            return None
        self.completed = int(payload["completed"])
        return payload

    def epoch_end(
        self, state: TrainingState, stage: str, epoch: int, loop_state: Callable[[], dict]
    ) -> None:
        """Count a completed epoch and write a checkpoint when one is due."""
        self.completed += 1
        if self.completed % self.every:
            return
        payload = {
            "format": CHECKPOINT_FORMAT,
            "fingerprint": self.fingerprint,
            "metadata": self.metadata,
            "stage": stage,
            "epoch": int(epoch),
            "completed": self.completed,
            "generator": state.generator.state_dict(),
            "discriminator": (
                None if state.discriminator is None else state.discriminator.state_dict()
            ),
            "rng": {
                "shuffle": state.shuffle_generator.get_state(),
                "random": state.random_generator.get_state(),
            },
            "history": [dict(record) for record in state.history],
            "loop": loop_state(),
        }
        self.directory.mkdir(parents=True, exist_ok=True)
        atomic_write(self.path, lambda file: torch.save(payload, file))

    def remove(self) -> None:
        """Delete the checkpoint (after a fit that completed), and any half-written one."""
        leftovers = list(self.directory.glob(f".{self.path.name}.*.tmp"))
        for path in [self.path, *leftovers]:
            with contextlib.suppress(FileNotFoundError):
                path.unlink()


def _check_payload(payload: object, fingerprint: str) -> str | None:
    if not isinstance(payload, dict) or "fingerprint" not in payload:
        return "it is not a TextGAN checkpoint"
    if payload.get("format") != CHECKPOINT_FORMAT:
        return f"it has format {payload.get('format')!r}, this version reads {CHECKPOINT_FORMAT}"
    if payload["fingerprint"] != fingerprint:
        return "it was written with other parameters or data (its fingerprint differs)"
    missing = {"stage", "epoch", "completed", "generator", "rng", "history", "loop"} - set(payload)
    if missing:
        return f"it lacks {', '.join(sorted(missing))}"
    return None


def restore_common(state: TrainingState, payload: dict) -> None:
    """Put the modules, random states and history of ``payload`` into ``state``."""
    state.generator.load_state_dict(payload["generator"])
    if state.discriminator is not None and payload["discriminator"] is not None:
        state.discriminator.load_state_dict(payload["discriminator"])
    state.shuffle_generator.set_state(payload["rng"]["shuffle"])
    state.random_generator.set_state(payload["rng"]["random"])
    state.history[:] = payload["history"]
    state.resume = payload


def resume_stage(state: TrainingState) -> str | None:
    """The stage a resumed fit continues in, or None when nothing is resumed."""
    return None if state.resume is None else state.resume["stage"]


def take_resume(state: TrainingState, stage: str) -> tuple[int, dict] | None:
    """``(epochs done, loop state)`` when the fit resumes inside ``stage``; used once.

    The loop of ``stage`` calls this when it starts: it then continues after
    the epoch reached, from the loop state it saved.
    """
    if state.resume is None or state.resume["stage"] != stage:
        return None
    payload, state.resume = state.resume, None
    return int(payload["epoch"]), payload["loop"]
