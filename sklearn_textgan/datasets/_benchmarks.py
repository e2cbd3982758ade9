"""Loaders of the public text-GAN benchmark files."""

from __future__ import annotations

import os

import numpy as np

from ._oracle import LSTMOracle
from ._registry import BENCHMARK_FILES, _benchmark_file
from ._text import load_text

__all__ = ["load_image_coco", "load_emnlp_news", "load_seqgan_data", "load_seqgan_oracle"]

_IMAGE_COCO = {
    "train": "image_coco_train",
    "test": "image_coco_test",
    "nll_test": "image_coco_nll_test",
}
_EMNLP_NEWS = {"test": "emnlp_news_test", "nll_test": "emnlp_news_nll_test"}

SEQGAN_SEQUENCE_LENGTH = 20


def _subset_file(dataset: str, subsets: dict[str, str], subset: str) -> str:
    if not isinstance(subset, str):
        raise TypeError(
            f"subset must be a str, one of {', '.join(map(repr, subsets))}; "
            f"got {type(subset).__name__}."
        )
    if subset not in subsets:
        valid = ", ".join(repr(name) for name in subsets)
        raise ValueError(f"Unknown subset {subset!r} of {dataset}; valid subsets are {valid}.")
    return subsets[subset]


def _load_lines(name: str, data_home: str | os.PathLike[str] | None) -> list[str]:
    texts = load_text(_benchmark_file(name, data_home))
    expected = BENCHMARK_FILES[name].n_lines
    if expected is not None and len(texts) != expected:  # pragma: no cover - hash checked
        raise ValueError(
            f"{BENCHMARK_FILES[name].path} has {len(texts)} lines, expected {expected}."
        )
    return texts


def load_image_coco(
    subset: str = "train", *, data_home: str | os.PathLike[str] | None = None
) -> list[str]:
    """Load the Image COCO captions benchmark.

    The lower-cased captions used by Texygen, RelGAN and TextGAN-PyTorch,
    one caption per line, with trailing whitespace removed.

    ========== =================== ======= ================================
    subset     file                texts   use
    ========== =================== ======= ================================
    "train"    image_coco.txt      10,000  training set
    "test"     test_coco.txt       10,000  BLEU references
    "nll_test" nll_test_coco.txt   6,810   held-out set for NLL_test
    ========== =================== ======= ================================

    Parameters
    ----------
    subset : {"train", "test", "nll_test"}, default="train"
        Which file to load.
    data_home : str, path-like or None, default=None
        The benchmark data folder; see :func:`get_data_home`.

    Returns
    -------
    texts : list of str

    Raises
    ------
    ValueError
        If ``subset`` is unknown or the file's checksum does not match.
    FileNotFoundError
        If the file is not in the data folder.

    Examples
    --------
    >>> from sklearn_textgan.datasets import load_image_coco
    >>> load_image_coco("validation")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    ValueError: Unknown subset 'validation' of Image COCO; valid subsets are 'train', ...
    """
    return _load_lines(_subset_file("Image COCO", _IMAGE_COCO, subset), data_home)


def load_emnlp_news(
    subset: str = "test", *, data_home: str | os.PathLike[str] | None = None
) -> list[str]:
    """Load the EMNLP2017 WMT News benchmark.

    Two sets of 10,000 space-tokenized news sentences each, one per line,
    with trailing whitespace removed. The usual 270k-sentence training split
    is not part of the benchmark files; a common substitute is to train on
    ``"nll_test"`` and evaluate on ``"test"``.

    ========== ===================== ======= =================================
    subset     file                  texts   contents
    ========== ===================== ======= =================================
    "test"     test_emnlp.txt        10,000  test split, cased
    "nll_test" nll_test_emnlp.txt    10,000  second held-out set, lower-cased
    ========== ===================== ======= =================================

    Parameters
    ----------
    subset : {"test", "nll_test"}, default="test"
        Which file to load.
    data_home : str, path-like or None, default=None
        The benchmark data folder; see :func:`get_data_home`.

    Returns
    -------
    texts : list of str

    Raises
    ------
    ValueError
        If ``subset`` is unknown or the file's checksum does not match.
    FileNotFoundError
        If the file is not in the data folder.

    Examples
    --------
    >>> from sklearn_textgan.datasets import load_emnlp_news
    >>> load_emnlp_news("train")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    ValueError: Unknown subset 'train' of EMNLP2017 News; valid subsets are 'test', ...
    """
    return _load_lines(_subset_file("EMNLP2017 News", _EMNLP_NEWS, subset), data_home)


def load_seqgan_data(*, data_home: str | os.PathLike[str] | None = None) -> np.ndarray:
    """Load the training sequences of the SeqGAN synthetic benchmark.

    9,984 sequences of 20 token ids in ``[0, 5000)`` sampled from the oracle
    returned by :func:`load_seqgan_oracle`.

    Parameters
    ----------
    data_home : str, path-like or None, default=None
        The benchmark data folder; see :func:`get_data_home`.

    Returns
    -------
    sequences : ndarray of int64 of shape (9984, 20)

    Raises
    ------
    FileNotFoundError
        If the file is not in the data folder.
    ValueError
        If the file's checksum does not match.

    Examples
    --------
    >>> from sklearn_textgan.datasets import load_seqgan_data
    >>> X = load_seqgan_data()  # doctest: +SKIP
    >>> X.shape  # doctest: +SKIP
    (9984, 20)
    """
    lines = _load_lines("seqgan_oracle_data", data_home)
    rows = [line.split() for line in lines]
    if any(len(row) != SEQGAN_SEQUENCE_LENGTH for row in rows):  # pragma: no cover
        raise ValueError("Every line of the SeqGAN data file must hold 20 token ids.")
    return np.array(rows, dtype=np.int64)


def load_seqgan_oracle(*, data_home: str | os.PathLike[str] | None = None) -> LSTMOracle:
    """Load the oracle LSTM of the SeqGAN synthetic benchmark.

    The model that generated :func:`load_seqgan_data`: vocabulary 5000,
    embedding and hidden size 32, sequences of length 20. Its own training
    data scores an NLL_oracle of about 5.76 nats per token and uniformly
    random tokens about 11.4.

    Parameters
    ----------
    data_home : str, path-like or None, default=None
        The benchmark data folder; see :func:`get_data_home`.

    Returns
    -------
    oracle : LSTMOracle

    Raises
    ------
    FileNotFoundError
        If the file is not in the data folder.
    ValueError
        If the file's checksum does not match.

    Examples
    --------
    >>> from sklearn_textgan.datasets import load_seqgan_data, load_seqgan_oracle
    >>> oracle = load_seqgan_oracle()  # doctest: +SKIP
    >>> round(oracle.nll(load_seqgan_data()), 2)  # doctest: +SKIP
    5.76
    """
    path = _benchmark_file("seqgan_oracle_params", data_home)
    with np.load(path, allow_pickle=False) as archive:
        arrays = {name: archive[name] for name in archive.files}
    return LSTMOracle.from_arrays(arrays, sequence_length=SEQGAN_SEQUENCE_LENGTH)
