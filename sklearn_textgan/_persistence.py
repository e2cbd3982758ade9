"""Saving and loading a :class:`TextGAN` without pickle: nothing in the file can run code.

A model file is a zip archive with two members:

``textgan.json``
    The format name and version, the versions of the libraries that wrote it,
    the estimator's parameters, and what ``fit`` learned besides the weights:
    the tokenizer's parameters and vocabulary, the architecture, ``max_length_``,
    the device and the history.
``weights.pt``
    The state dicts of the generator and discriminator, written by
    ``torch.save`` and read with ``torch.load(weights_only=True)``, which
    accepts tensors and plain containers only; its SHA-256 is in the JSON.

Pickle (and joblib) can run arbitrary code while loading, so they are fit only
for files you made yourself; these files are safe to load from anywhere.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import platform
import warnings
import zipfile
from numbers import Integral, Real
from typing import Any

import numpy as np
import sklearn
import torch

from ._device import loadable_device, resolve_device
from ._tokenizer import SPECIAL_TOKENS, TextTokenizer
from ._validation import check_path
from .models import build_discriminator, build_generator
from .training import History, atomic_write

__all__ = ["FORMAT_NAME", "FORMAT_VERSION", "fit_fingerprint", "load_estimator", "save_estimator"]

FORMAT_NAME = "sklearn_textgan.TextGAN"
# Bumped when a reader of the previous version would misread a new file.
FORMAT_VERSION = 1
_METADATA = "textgan.json"
_WEIGHTS = "weights.pt"
# Far above any real model's metadata (vocabulary and history), far below
# what would exhaust memory: a corrupt or hostile size field is refused early.
_MAX_METADATA_BYTES = 1 << 30

_FITTED_ATTRIBUTES = (
    "tokenizer_",
    "vocabulary_size_",
    "max_length_",
    "generator_",
    "discriminator_",
    "_architecture_",
    "device_",
    "history_",
)


# Parameters newer than some pickles, files and checkpoints, with the default
# that reproduces the behaviour from before they existed.
PARAMETERS_ADDED_LATER = {"discriminator_dropout": None}


class _Unsupported(TypeError):
    pass


# ------------------------------------------------------------------ values


def _encode(value: Any, where: str) -> Any:
    """A JSON value for ``value``; tuples, tokenizers and RandomStates are tagged."""
    if value is None or isinstance(value, (bool, str)):
        return value
    if isinstance(value, np.bool_):
        return bool(value)
    if isinstance(value, Integral):
        return int(value)
    if isinstance(value, Real):
        return float(value)
    if isinstance(value, tuple):
        return {"__tuple__": [_encode(item, where) for item in value]}
    if isinstance(value, list):
        return [_encode(item, where) for item in value]
    if isinstance(value, dict) and all(isinstance(key, str) for key in value):
        if any(key.startswith("__") for key in value):
            raise _Unsupported(f"{where} has a key starting with '__'")
        return {key: _encode(item, f"{where}[{key!r}]") for key, item in value.items()}
    if isinstance(value, torch.device):
        return str(value)
    if isinstance(value, os.PathLike):
        return os.fspath(value)
    if type(value) is TextTokenizer:
        return {"__tokenizer__": _encode(value.get_params(deep=False), f"{where}.get_params()")}
    if isinstance(value, np.random.RandomState):
        name, keys, position, has_gauss, cached = value.get_state(legacy=True)
        return {
            "__random_state__": {
                "keys": [int(key) for key in keys],
                "position": int(position),
                "has_gauss": int(has_gauss),
                "cached_gaussian": float(cached),
            }
        }
    raise _Unsupported(f"{where} is a {type(value).__name__}")


def _decode(value: Any) -> Any:
    if isinstance(value, list):
        return [_decode(item) for item in value]
    if not isinstance(value, dict):
        return value
    if "__tuple__" in value:
        return tuple(_decode(item) for item in value["__tuple__"])
    if "__tokenizer__" in value:
        return TextTokenizer(**_decode(value["__tokenizer__"]))
    if "__random_state__" in value:
        saved = value["__random_state__"]
        random_state = np.random.RandomState()
        random_state.set_state(
            (
                "MT19937",
                np.asarray(saved["keys"], dtype=np.uint32),
                int(saved["position"]),
                int(saved["has_gauss"]),
                float(saved["cached_gaussian"]),
            )
        )
        return random_state
    return {key: _decode(item) for key, item in value.items()}


def _lenient(value: Any) -> Any:
    """Like :func:`_encode`, but any other object becomes its class name (for fingerprints)."""
    try:
        return _encode(value, "value")
    except _Unsupported:
        pass
    if isinstance(value, (list, tuple)):
        return [_lenient(item) for item in value]
    if isinstance(value, dict):
        return {str(key): _lenient(item) for key, item in value.items()}
    if hasattr(value, "get_params"):
        return {
            "__class__": f"{type(value).__module__}.{type(value).__qualname__}",
            "params": _lenient(value.get_params(deep=False)),
        }
    # The class name, not the repr: a repr often holds a memory address.
    return f"<{type(value).__module__}.{type(value).__qualname__}>"


def _versions() -> dict[str, str]:
    # Imported here: the package's __init__ is still running when this module loads.
    from . import __version__

    return {
        "sklearn_textgan": __version__,
        "torch": torch.__version__,
        "scikit-learn": sklearn.__version__,
        "numpy": np.__version__,
        "python": platform.python_version(),
    }


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


# -------------------------------------------------------------------- save


def save_estimator(estimator, path: str | os.PathLike) -> None:
    """Write ``estimator`` (fitted or not) to ``path`` atomically; see :meth:`TextGAN.save`."""
    # Paths only: a file object would work with zipfile, but not with the atomic
    # write or the messages that name the file.
    check_path(path)
    folder = os.path.dirname(os.path.abspath(path))
    if not os.path.isdir(folder):
        raise FileNotFoundError(
            f"Cannot save to {os.fspath(path)!r}: the folder {folder!r} does not exist; "
            "create it first."
        )
    if os.path.isdir(path):
        raise IsADirectoryError(
            f"{os.fspath(path)!r} is a directory: give save the path of a file inside it."
        )
    try:
        params = {
            name: _encode(value, f"parameter {name}")
            for name, value in estimator.get_params(deep=False).items()
        }
    except _Unsupported as error:
        raise TypeError(
            f"Cannot save this TextGAN safely: {error}, which has no safe file format. "
            "Use a TextTokenizer and plain values, or pickle/joblib (for trusted files only)."
        ) from None
    metadata: dict[str, Any] = {
        "format": FORMAT_NAME,
        "format_version": FORMAT_VERSION,
        "versions": _versions(),
        "params": params,
        "fitted": None,
    }
    weights = None
    if hasattr(estimator, "generator_"):
        tokenizer = estimator.tokenizer_
        if tokenizer is not None and type(tokenizer) is not TextTokenizer:
            raise TypeError(
                f"Cannot save this TextGAN safely: its tokenizer is a {type(tokenizer).__name__}; "
                "only TextTokenizer has a safe file format. Use pickle/joblib "
                "(for trusted files only)."
            )
        modules = {"generator": estimator.generator_, "discriminator": estimator.discriminator_}
        buffer = io.BytesIO()
        # CPU tensors: the file loads on machines without the device it was trained on.
        torch.save(
            {
                name: None
                if module is None
                else {key: value.detach().cpu() for key, value in module.state_dict().items()}
                for name, module in modules.items()
            },
            buffer,
        )
        weights = buffer.getvalue()
        metadata["fitted"] = {
            "tokenizer": None
            if tokenizer is None
            else {
                "params": _encode(tokenizer.get_params(deep=False), "tokenizer parameters"),
                "tokens": list(tokenizer.tokens_),
            },
            "vocabulary_size": int(estimator.vocabulary_size_),
            "max_length": int(estimator.max_length_),
            "architecture": _encode(estimator._architecture_, "architecture"),
            "device": str(estimator.device_),
            "history": _encode([dict(record) for record in estimator.history_], "history"),
            "weights_sha256": _sha256(weights),
        }
        if hasattr(estimator, "classes_"):
            metadata["fitted"]["classes"] = _encode_classes(estimator)
    # ensure_ascii: any vocabulary (control characters, lone surrogates) stays valid UTF-8.
    text = json.dumps(metadata, ensure_ascii=True, allow_nan=True)

    def write(file) -> None:
        with zipfile.ZipFile(file, "w") as archive:
            archive.writestr(_METADATA, text, compress_type=zipfile.ZIP_DEFLATED)
            if weights is not None:
                # Stored, not deflated: weights hardly compress and load faster this way.
                archive.writestr(_WEIGHTS, weights, compress_type=zipfile.ZIP_STORED)

    atomic_write(path, write)


# -------------------------------------------------------------------- load


def _corrupt(path, reason: str) -> ValueError:
    return ValueError(
        f"{os.fspath(path)!r} is not a readable TextGAN model file: {reason}. "
        "It may be truncated or corrupt, or not written by TextGAN.save."
    )


def _read_archive(path) -> tuple[dict, bytes | None]:
    try:
        with zipfile.ZipFile(path) as archive:
            names = set(archive.namelist())
            if _METADATA not in names:
                raise _corrupt(path, f"it has no {_METADATA}")
            if archive.getinfo(_METADATA).file_size > _MAX_METADATA_BYTES:
                raise _corrupt(path, f"its {_METADATA} is implausibly large")
            text = archive.read(_METADATA)
            weights = archive.read(_WEIGHTS) if _WEIGHTS in names else None
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, NotImplementedError) as error:
        raise _corrupt(path, f"the archive cannot be read ({error})") from None
    try:
        metadata = json.loads(text.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError, RecursionError) as error:
        # RecursionError: nesting deeper than the decoder's stack, never written by save.
        raise _corrupt(path, f"its {_METADATA} is not valid JSON ({error!r})") from None
    if not isinstance(metadata, dict) or metadata.get("format") != FORMAT_NAME:
        raise _corrupt(path, f"its {_METADATA} does not describe a TextGAN")
    return metadata, weights


def _check_versions(path, metadata: dict) -> None:
    version = metadata.get("format_version")
    if not isinstance(version, int) or version < 1:
        raise _corrupt(path, f"unknown format version {version!r}")
    if version > FORMAT_VERSION:
        raise ValueError(
            f"{os.fspath(path)!r} was written in format version {version} by a newer "
            f"sklearn_textgan; this one reads versions up to {FORMAT_VERSION}. "
            "Upgrade sklearn_textgan to load it."
        )
    saved = metadata.get("versions") or {}
    current = _versions()
    if saved.get("sklearn_textgan") != current["sklearn_textgan"]:
        warnings.warn(
            f"{os.fspath(path)!r} was saved with sklearn_textgan "
            f"{saved.get('sklearn_textgan')} (torch {saved.get('torch')}) and is loaded with "
            f"sklearn_textgan {current['sklearn_textgan']} (torch {current['torch']}). "
            "The format is understood, but check the model (e.g. its score) before relying "
            "on it.",
            UserWarning,
            stacklevel=4,
        )


def _load_weights(path, data: bytes, expected_sha256: str, device: torch.device) -> dict:
    if _sha256(data) != expected_sha256:
        raise _corrupt(path, "the weights do not match their checksum")
    try:
        weights = torch.load(io.BytesIO(data), map_location=device, weights_only=True)
    except Exception as error:  # noqa: BLE001 - every refusal gets the same clear message
        if "weights_only" in str(error) or "Unsupported global" in str(error):
            raise ValueError(
                f"{os.fspath(path)!r} is refused: its weights hold objects other than "
                "tensors, which only pickle could rebuild, by running code from the file. "
                "Nothing from it was executed. If you wrote this file yourself with pickle, "
                "load it with pickle or joblib."
            ) from None
        raise _corrupt(path, f"the weights cannot be read ({type(error).__name__})") from None
    return weights


def _state_dict(path, weights: Any, name: str) -> dict[str, torch.Tensor] | None:
    if not isinstance(weights, dict) or name not in weights:
        raise _corrupt(path, f"the weights have no {name}")
    state = weights[name]
    if state is None:
        return None
    if not isinstance(state, dict) or not all(
        isinstance(key, str) and isinstance(value, torch.Tensor) for key, value in state.items()
    ):
        raise _corrupt(path, f"the {name} weights are not a state dict")
    return state


def _tokenizer(path, saved: dict | None) -> TextTokenizer | None:
    if saved is None:
        return None
    tokens = saved.get("tokens")
    if (
        not isinstance(tokens, list)
        or not all(isinstance(token, str) for token in tokens)
        or tuple(tokens[: len(SPECIAL_TOKENS)]) != SPECIAL_TOKENS
        or len(set(tokens)) != len(tokens)
    ):
        raise _corrupt(path, "the tokenizer vocabulary is malformed")
    tokenizer = TextTokenizer(**_decode(saved["params"]))
    tokenizer.tokens_ = tokens
    tokenizer.vocabulary_ = {token: index for index, token in enumerate(tokens)}
    return tokenizer


def load_estimator(cls, path: str | os.PathLike, device=None):
    """Read a file written by :func:`save_estimator`; see :meth:`TextGAN.load`."""
    check_path(path)
    metadata, weights_data = _read_archive(path)
    _check_versions(path, metadata)
    params = metadata.get("params")
    if not isinstance(params, dict):
        raise _corrupt(path, "it has no parameters")
    estimator = cls()
    known = set(estimator.get_params(deep=False))
    unknown = sorted(set(params) - known)
    if unknown:
        raise ValueError(
            f"{os.fspath(path)!r} has parameters this version of TextGAN does not know: "
            f"{', '.join(unknown)}. Upgrade sklearn_textgan to load it."
        )
    try:
        estimator.set_params(**{name: _decode(value) for name, value in params.items()})
    except (TypeError, ValueError, KeyError) as error:
        raise _corrupt(path, f"its parameters cannot be restored ({error})") from None
    if device is not None:
        # Where the model goes is also where it trains next (warm start, refit).
        estimator.set_params(device=device)
    fitted = metadata.get("fitted")
    if fitted is None:
        return estimator
    try:
        _restore_fitted(path, estimator, fitted, weights_data, device)
    except (KeyError, TypeError, AttributeError, RuntimeError) as error:
        raise _corrupt(path, f"its fitted state cannot be restored ({error})") from None
    return estimator


def _restore_fitted(path, estimator, fitted: dict, weights_data: bytes | None, device) -> None:
    if weights_data is None:
        raise _corrupt(path, f"a fitted model without {_WEIGHTS}")
    target = resolve_device(device) if device is not None else loadable_device(fitted["device"])
    weights = _load_weights(path, weights_data, fitted["weights_sha256"], target)
    architecture = _decode(fitted["architecture"])
    vocabulary_size, max_length = _fitted_sizes(path, fitted, architecture)
    tokenizer = _tokenizer(path, fitted["tokenizer"])
    if tokenizer is not None and len(tokenizer.tokens_) != vocabulary_size:
        raise _corrupt(
            path,
            f"its tokenizer has {len(tokenizer.tokens_)} tokens for a vocabulary of "
            f"{vocabulary_size}",
        )
    modules = {}
    for name, build in (("generator", build_generator), ("discriminator", build_discriminator)):
        state = _state_dict(path, weights, name)
        if state is None or architecture[name] is None:
            if (state is None) != (architecture[name] is None):
                raise _corrupt(path, f"the {name} weights do not match the architecture")
            modules[name] = None
            continue
        module = build(architecture[name], **architecture["settings"])
        module.load_state_dict(state)
        modules[name] = module.to(target).eval()
    estimator.tokenizer_ = tokenizer
    estimator.vocabulary_size_ = vocabulary_size
    estimator.max_length_ = max_length
    estimator.generator_ = modules["generator"]
    estimator.discriminator_ = modules["discriminator"]
    estimator._architecture_ = architecture
    estimator.device_ = target
    estimator.history_ = History(_decode(fitted["history"]))
    if fitted.get("classes") is not None:
        estimator.classes_, estimator.class_prior_ = _decode_classes(path, fitted["classes"])


def _fitted_sizes(path, fitted: dict, architecture: dict) -> tuple[int, int]:
    """The vocabulary size and length, checked against the architecture they built.

    The weights carry a checksum, the metadata does not: a hand-edited size
    would otherwise load and score every id past it as unknown.
    """
    sizes = (fitted["vocabulary_size"], fitted["max_length"])
    if not all(isinstance(size, int) and not isinstance(size, bool) for size in sizes):
        raise _corrupt(path, f"its vocabulary size and length {sizes} are not integers")
    vocabulary_size, max_length = sizes
    settings = architecture.get("settings", {})
    if (
        max_length < 1
        or settings.get("vocab_size") != vocabulary_size
        or settings.get("max_length", max_length) != max_length
    ):
        raise _corrupt(
            path,
            f"its vocabulary size {vocabulary_size} and length {max_length} disagree with "
            f"its architecture ({settings.get('vocab_size')}, {settings.get('max_length')})",
        )
    return vocabulary_size, max_length


# ----------------------------------------------------------------- classes


def _encode_classes(estimator) -> dict:
    """``classes_`` and ``class_prior_`` as JSON; only str, int, float and bool labels."""
    classes = estimator.classes_
    values = classes.tolist()
    if not all(isinstance(value, (str, int, float, bool)) for value in values):
        kinds = sorted({type(value).__name__ for value in values})
        raise TypeError(
            f"Cannot save this TextGAN safely: its class labels are of type(s) {kinds}; "
            "the file format keeps str, int, float and bool labels only. Use such labels, "
            "or pickle/joblib (for trusted files only)."
        )
    return {
        "values": values,
        # The dtype brings back the same array ("<U5", "int64", "object", ...).
        "dtype": classes.dtype.str if classes.dtype != object else "object",
        "prior": [float(p) for p in estimator.class_prior_],
    }


def _decode_classes(path, saved: dict) -> tuple[np.ndarray, np.ndarray]:
    try:
        classes = np.asarray(saved["values"], dtype=np.dtype(saved["dtype"]))
        prior = np.asarray(saved["prior"], dtype=np.float64)
    except (KeyError, TypeError, ValueError):
        raise _corrupt(path, "unreadable class labels") from None
    if classes.ndim != 1 or prior.shape != classes.shape:
        raise _corrupt(path, "class labels and priors of different lengths")
    return classes, prior


# ------------------------------------------------------------- fingerprint


def fit_fingerprint(
    estimator,
    targets: np.ndarray,
    device: torch.device,
    start_modules: dict | None,
    labels: np.ndarray | None = None,
) -> str:
    """Hex digest of everything that determines a fit: parameters, data, starting weights.

    Parameters that do not change the trained model (``verbose``, where and
    how often checkpoints are written) are left out, and the device counts by
    its type only, so a checkpoint resumes across ``"cuda:0"``/``"cuda:1"``.
    """
    params = estimator.get_params(deep=False)
    for name in ("verbose", "checkpoint_dir", "checkpoint_every", "device"):
        params.pop(name, None)
    for name, default in PARAMETERS_ADDED_LATER.items():
        # At their default, newer parameters leave the fingerprints of older
        # versions as they were, so their checkpoints still resume.
        if params.get(name, default) == default:
            params.pop(name, None)
    digest = hashlib.sha256()
    tokenizer = getattr(estimator, "tokenizer_", None)
    description = {
        "params": _lenient(params),
        "device": device.type,
        "vocabulary": list(tokenizer.tokens_)
        if hasattr(tokenizer, "tokens_")
        else int(estimator.vocabulary_size_),
        "max_length": int(estimator.max_length_),
        "data_shape": list(targets.shape),
    }
    digest.update(json.dumps(description, sort_keys=True, ensure_ascii=True).encode())
    digest.update(np.ascontiguousarray(targets, dtype=np.int64).tobytes())
    if labels is not None:
        # Only for a fit with labels: unconditional fingerprints stay as they were.
        digest.update(b"labels")
        digest.update(np.ascontiguousarray(labels, dtype=np.int64).tobytes())
    for name, module in sorted((start_modules or {}).items()):
        if module is None:
            continue
        digest.update(name.encode())
        for key, value in module.state_dict().items():
            digest.update(key.encode())
            digest.update(value.detach().cpu().contiguous().reshape(-1).view(torch.uint8).numpy())
    return digest.hexdigest()
