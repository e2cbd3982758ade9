"""Where the benchmark data folder is looked for."""

from __future__ import annotations

import os
from pathlib import Path

__all__ = ["DATA_HOME_ENV", "get_data_home"]

#: Environment variable naming the benchmark data folder.
DATA_HOME_ENV = "SKLEARN_TEXTGAN_DATA"

_DEFAULT_DATA_HOME = "~/sklearn_textgan_data"


def _resolve_data_home(data_home: str | os.PathLike[str] | None) -> tuple[Path, str]:
    """Return the data folder and a few words saying where it came from."""
    if data_home is not None:
        if not isinstance(data_home, (str, os.PathLike)):
            raise TypeError(
                f"data_home must be None, a str or a path-like object, "
                f"got {type(data_home).__name__}."
            )
        return Path(data_home).expanduser(), "the data_home argument"
    from_env = os.environ.get(DATA_HOME_ENV)
    if from_env:
        return Path(from_env).expanduser(), f"the {DATA_HOME_ENV} environment variable"
    return Path(_DEFAULT_DATA_HOME).expanduser(), "the default location"


def get_data_home(data_home: str | os.PathLike[str] | None = None) -> Path:
    """Return the folder where the benchmark data files are looked for.

    The folder is, in order of precedence: ``data_home`` when given, else the
    value of the environment variable ``SKLEARN_TEXTGAN_DATA`` when it is set
    and not empty, else ``~/sklearn_textgan_data``. A leading ``~`` is
    expanded. The folder is not created.

    Parameters
    ----------
    data_home : str, path-like or None, default=None
        Explicit location of the benchmark data folder.

    Returns
    -------
    data_home : pathlib.Path
        The folder (it may not exist).

    Examples
    --------
    >>> from sklearn_textgan.datasets import get_data_home
    >>> get_data_home("/data/textgan").as_posix()
    '/data/textgan'
    """
    return _resolve_data_home(data_home)[0]
