"""Reading plain-text corpora, one text per line."""

from __future__ import annotations

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
    whitespace is kept, except a byte order mark at the start of the file
    (which some editors write before UTF-8 text), which is dropped.

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
        If the file is not text in ``encoding``, or ``encoding`` is not a
        text encoding; the message names the path and the line.
    TypeError
        If ``path`` is not a path or ``encoding`` not a str.

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
    if not isinstance(encoding, str):
        raise TypeError(f"encoding must be a str such as 'utf-8', got {type(encoding).__name__}.")
    try:
        # Decoding a byte (not b"", which skips the codec lookup) also refuses codecs
        # that are not text encodings ('rot13', 'zlib').
        b"a".decode(encoding)
    except UnicodeError:
        pass  # a text encoding that cannot decode this one byte alone (utf-16)
    except LookupError:
        raise ValueError(
            f"Unknown text encoding {encoding!r} (not a codec, or not one for text); "
            "use one such as 'utf-8' or 'latin-1'."
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
    # A byte order mark is not part of the first text (the utf-16 and utf-8-sig
    # codecs drop it themselves; utf-8 keeps it).
    content = content.removeprefix("\ufeff")
    # Universal newlines, as a file opened in text mode reads them.
    texts = [line.rstrip() for line in io.StringIO(content, newline=None)]
    if skip_empty:
        texts = [text for text in texts if text]
    return texts
