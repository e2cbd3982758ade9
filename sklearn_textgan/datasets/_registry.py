"""Registry of the benchmark data files and their integrity check."""

from __future__ import annotations

import hashlib
import os
import threading
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType

from ._home import DATA_HOME_ENV, _resolve_data_home

__all__ = ["BENCHMARK_FILES", "BenchmarkFile"]


@dataclass(frozen=True)
class BenchmarkFile:
    """One file of the benchmark data folder.

    Attributes
    ----------
    name : str
        Registry key.
    path : str
        Location relative to the data folder, with ``/`` separators.
    sha256 : str
        Expected SHA-256 digest of the file, in hexadecimal.
    n_lines : int or None
        Number of lines of a text file; None for binary files.
    description : str
        What the file holds.
    """

    name: str
    path: str
    sha256: str
    n_lines: int | None
    description: str


_FILES = (
    BenchmarkFile(
        "image_coco_train",
        "image_coco/image_coco.txt",
        "2c0fd1f0f43aac6a9dc3926a535516ccf395de535e15ac1fd17cd569420736f5",
        10_000,
        "Image COCO captions, training split",
    ),
    BenchmarkFile(
        "image_coco_test",
        "image_coco/test_coco.txt",
        "72e25c9fb4d2cd43182ac602c92f6ffc377762147f9709572943b0b09174bcae",
        10_000,
        "Image COCO captions, test split (BLEU references)",
    ),
    BenchmarkFile(
        "image_coco_nll_test",
        "image_coco/nll_test_coco.txt",
        "36e2984cf6474398b3a8707f0f0b9d002a26ae5accced0d3be7e00e7df2e1fcf",
        6_810,
        "Image COCO held-out captions for NLL_test",
    ),
    BenchmarkFile(
        "emnlp_news_test",
        "emnlp_news/test_emnlp.txt",
        "03c646d08f766f4140443db4419b1f0ee292bc0db514208873e9f2e166b95bd2",
        10_000,
        "EMNLP2017 WMT News, test split",
    ),
    BenchmarkFile(
        "emnlp_news_nll_test",
        "emnlp_news/nll_test_emnlp.txt",
        "b8838401972c3e86a118433a34346126ea3ea8dd11bae6773e0702592f17ba5c",
        10_000,
        "EMNLP2017 WMT News, second held-out set",
    ),
    BenchmarkFile(
        "seqgan_oracle_params",
        "seqgan_oracle/target_params_arrays.npz",
        "73efebc06a9310d4f3a65500145cae16e63bd357114389c80fa54bee0b4b6572",
        None,
        "Parameters of the SeqGAN oracle LSTM",
    ),
    BenchmarkFile(
        "seqgan_oracle_data",
        "seqgan_oracle/seqgan_real_data_len20.txt",
        "c0338b2bc2a29802154c81058b8aafed488ee55bda3aaba3849289c59a7a8e22",
        9_984,
        "Sequences of 20 token ids sampled from the SeqGAN oracle",
    ),
)

#: Read-only mapping from file name to :class:`BenchmarkFile`.
BENCHMARK_FILES = MappingProxyType({entry.name: entry for entry in _FILES})

# Files whose digest already matched, keyed by (path, size, mtime, digest), so
# that loading the same unchanged file again does not hash it again.
_verified: set[tuple[str, int, int, str]] = set()
_verified_lock = threading.Lock()


def _sha256(path: Path) -> str:
    """Return the hexadecimal SHA-256 digest of a file."""
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _benchmark_file(name: str, data_home: str | os.PathLike[str] | None = None) -> Path:
    """Return the verified path of a benchmark file.

    Parameters
    ----------
    name : str
        Key of :data:`BENCHMARK_FILES`.
    data_home : str, path-like or None, default=None
        Benchmark data folder; see :func:`get_data_home`.

    Returns
    -------
    path : pathlib.Path

    Raises
    ------
    FileNotFoundError
        If the file is missing; the message names the file, where it was
        looked for and how to point the package at the data folder.
    ValueError
        If the file's SHA-256 digest is not the expected one.
    """
    try:
        entry = BENCHMARK_FILES[name]
    except KeyError:
        raise KeyError(
            f"Unknown benchmark file {name!r}; known files are {sorted(BENCHMARK_FILES)}."
        ) from None
    home, source = _resolve_data_home(data_home)
    path = home.joinpath(*entry.path.split("/"))
    if not path.is_file():
        raise FileNotFoundError(
            f"Benchmark file {entry.path!r} ({entry.description}) was not found at {path} "
            f"(data folder {home}, taken from {source}). Pass the location of the "
            f"benchmark data folder as data_home=... or set the {DATA_HOME_ENV} "
            f"environment variable to it."
        )
    stat = path.stat()
    key = (str(path.resolve()), stat.st_size, stat.st_mtime_ns, entry.sha256)
    with _verified_lock:
        if key in _verified:
            return path
    actual = _sha256(path)
    if actual != entry.sha256:
        raise ValueError(
            f"Benchmark file {entry.path!r} at {path} is corrupt or a different version: "
            f"its sha256 is {actual}, expected {entry.sha256}."
        )
    with _verified_lock:
        _verified.add(key)
    return path
