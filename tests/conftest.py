"""Shared test fixtures."""

import os
from pathlib import Path

import pytest


@pytest.fixture(scope="session")
def data_home() -> Path:
    """The benchmark data folder, or skip the test when it is absent.

    Taken from the ``SKLEARN_TEXTGAN_DATA`` environment variable when set,
    else the folder ``shared/data`` beside the repository.
    """
    from_env = os.environ.get("SKLEARN_TEXTGAN_DATA")
    folder = Path(from_env) if from_env else Path(__file__).resolve().parents[2] / "shared" / "data"
    if not folder.is_dir():
        pytest.skip(f"benchmark data folder not found at {folder}")
    return folder
