"""Helpers shared by the benchmark scripts: where the data is, how results are saved."""

from __future__ import annotations

import json
import os
import platform
import time
from pathlib import Path

import numpy as np
import torch

import sklearn_textgan
from sklearn_textgan._tokenizer import EOS_ID, N_SPECIAL_TOKENS
from sklearn_textgan.training import atomic_write

RESULTS = Path(__file__).resolve().parent / "results"


def default_data_home() -> Path | None:
    """``SKLEARN_TEXTGAN_DATA``, else the benchmark data folder beside the repository."""
    candidates = [
        os.environ.get("SKLEARN_TEXTGAN_DATA"),
        Path(__file__).resolve().parents[2] / "shared" / "data",
    ]
    for candidate in candidates:
        if candidate and Path(candidate).is_dir():
            return Path(candidate)
    return None


def oracle_ids_to_model_ids(sequences: np.ndarray) -> np.ndarray:
    """Oracle token ids (0..V-1, fixed length) as TextTokenizer-layout ids with an end token."""
    sequences = np.asarray(sequences, dtype=np.int64) + N_SPECIAL_TOKENS
    end = np.full((len(sequences), 1), EOS_ID, dtype=np.int64)
    return np.concatenate([sequences, end], axis=1)


def model_ids_to_oracle_ids(ids: np.ndarray, length: int) -> np.ndarray:
    """Inverse of :func:`oracle_ids_to_model_ids`; special tokens become oracle token 0."""
    tokens = np.asarray(ids)[:, :length] - N_SPECIAL_TOKENS
    return np.where(tokens < 0, 0, tokens)


def environment() -> dict:
    return {
        "sklearn_textgan": sklearn_textgan.__version__,
        "torch": torch.__version__,
        "torch_threads": torch.get_num_threads(),
        "python": platform.python_version(),
        "machine": platform.machine(),
        "cpu_count": os.cpu_count(),
        "date": time.strftime("%Y-%m-%d"),
    }


def recorded_options(args) -> dict:
    """The command-line options worth keeping with results: not where files were read or written."""
    where = ("data_home", "results_dir", "resume_dir")
    return {k: v for k, v in vars(args).items() if k not in where}


def save(name: str, payload: dict, folder: str | Path | None = None) -> Path:
    """Write ``payload`` to ``<folder>/<name>.json`` atomically, with the environment.

    ``folder`` defaults to ``benchmarks/results``. A payload with its own
    ``environment`` (merged results) keeps it.
    """
    folder = Path(folder) if folder is not None else RESULTS
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{name}.json"
    record = dict(payload)
    record.setdefault("environment", environment())
    write_json(path, record)
    return path


def write_json(path: str | Path, value, indent: int = 2) -> None:
    """Write ``value`` as JSON to ``path`` atomically: a kill mid-write leaves the old file."""
    text = json.dumps(value, indent=indent) + "\n"
    atomic_write(path, lambda file: file.write(text.encode()))
