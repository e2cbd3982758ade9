"""Reading plain-text corpora, one text per line."""

from __future__ import annotations

import codecs
import io
import os
from pathlib import Path

from .._validation import check_path

__all__ = ["load_text"]


def load_text(
    path: str | os.PathLike[str], *, encoding: str = "utf-8", skip_empty: bool = True
) -> list[str]:
    """Read a text file holding one text per line.

    Lines are split on ``"\\n"``, ``"\\r\\n"`` and ``"\\r"`` (and on nothing
    else, so unusual Unicode separators inside a line are kept), and trailing
    whitespace is removed from each line with :meth:`str.rstrip`. Leading
    whitespace is kept.

    Parameters
    ----------
    path : str or path-like
        The file to read.
    encoding : str, default="utf-8"
        Text encoding of the file.
    skip_empty : bool, default=True
        Whether to drop lines that are empty once their trailing whitespace
        is removed. A final newline never produces an empty last text.

    Returns
    -------
    texts : list of str
        The lines of the file, in order.

    Raises
    ------
    FileNotFoundError
        If ``path`` does not exist; the message names the path.
    ValueError
        If the file is not text in ``encoding``; the message names the path and
        the line.

    Examples
    --------
    >>> import tempfile
    >>> from pathlib import Path
    >>> from sklearn_textgan.datasets import load_text
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     path = Path(folder) / "corpus.txt"
    ...     _ = path.write_text("a cat sleeps .  \\n\\na dog barks .", encoding="utf-8")
    ...     load_text(path)
    ['a cat sleeps .', 'a dog barks .']
    """
    check_path(path)
    path = Path(path)
    try:
        codecs.lookup(encoding)
    except LookupError:
        raise ValueError(
            f"Unknown text encoding {encoding!r}; use one such as 'utf-8' or 'latin-1'."
        ) from None
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise FileNotFoundError(f"Text file not found: {path}") from None
    try:
        # Decoded whole, so that an error's position is the file's.
        content = data.decode(encoding)
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        raise ValueError(
            f"{path} is not {encoding} text: byte {error.object[error.start]:#04x} on line "
            f"{line} cannot be decoded. Give the file's encoding (encoding=..., or --encoding "
            "on the command line), or re-encode the file."
        ) from None
    # Universal newlines, as a file opened in text mode reads them.
    texts = [line.rstrip() for line in io.StringIO(content, newline=None)]
    if skip_empty:
        texts = [text for text in texts if text]
    return texts
