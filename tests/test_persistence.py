"""TextGAN.save / TextGAN.load: a file format that cannot run code, atomic writes."""

import contextlib
import hashlib
import io
import json
import os
import pickle
import re
import subprocess
import sys
import textwrap
import warnings
import zipfile
from pathlib import Path

import numpy as np
import pytest
import torch

from sklearn_textgan import TextGAN, TextTokenizer
from sklearn_textgan._device import loadable_device
from sklearn_textgan.datasets import make_grammar_corpus
from sklearn_textgan.training import atomic_write

TEXTS = make_grammar_corpus(200, random_state=0)
HELD_OUT = make_grammar_corpus(20, random_state=1)


def tiny(**params) -> TextGAN:
    defaults = dict(
        embedding_dim=8, hidden_dim=16, pretrain_epochs=2, batch_size=32, random_state=0
    )
    defaults.update(params)
    return TextGAN(**defaults)


@pytest.fixture(scope="module")
def fitted() -> TextGAN:
    return tiny().fit(TEXTS)


@pytest.fixture(scope="module")
def fitted_gan() -> TextGAN:
    return tiny(
        algorithm="seqgan",
        n_rollouts=2,
        num_filters=4,
        discriminator_pretrain_epochs=1,
        adversarial_epochs=2,
        pretrain_epochs=1,
    ).fit(TEXTS)


def assert_same_modules(a, b) -> None:
    for key in ("generator_", "discriminator_"):
        module_a, module_b = getattr(a, key), getattr(b, key)
        assert (module_a is None) == (module_b is None)
        if module_a is None:
            continue
        state_a, state_b = module_a.state_dict(), module_b.state_dict()
        assert state_a.keys() == state_b.keys()
        for name in state_a:
            assert torch.equal(state_a[name], state_b[name]), name


def rewrite_member(path: Path, name: str, change) -> None:
    """Rewrite one member of a saved model archive through ``change(bytes) -> bytes``."""
    with zipfile.ZipFile(path) as archive:
        members = {member: archive.read(member) for member in archive.namelist()}
    members[name] = change(members[name])
    with zipfile.ZipFile(path, "w") as archive:
        for member, data in members.items():
            archive.writestr(member, data)


def edit_metadata(path: Path, edit) -> None:
    def change(data: bytes) -> bytes:
        metadata = json.loads(data)
        edit(metadata)
        return json.dumps(metadata).encode()

    rewrite_member(path, "textgan.json", change)


# ---------------------------------------------------------------- round trip


def test_round_trip_of_a_fitted_model(fitted, tmp_path):
    path = tmp_path / "model.textgan"
    fitted.save(path)
    loaded = TextGAN.load(path)
    assert loaded.get_params() == fitted.get_params()
    assert_same_modules(loaded, fitted)
    assert loaded.sample(20, random_state=3) == fitted.sample(20, random_state=3)
    assert loaded.score(HELD_OUT) == fitted.score(HELD_OUT)
    assert loaded.tokenizer_.tokens_ == fitted.tokenizer_.tokens_
    assert loaded.tokenizer_.vocabulary_ == fitted.tokenizer_.vocabulary_
    assert loaded.max_length_ == fitted.max_length_
    assert loaded.vocabulary_size_ == fitted.vocabulary_size_
    assert loaded._architecture_ == fitted._architecture_
    assert list(loaded.history_) == list(fitted.history_)
    assert loaded.history_.columns == fitted.history_.columns
    assert loaded.device_ == torch.device("cpu")


def test_round_trip_of_a_gan_keeps_the_discriminator(fitted_gan, tmp_path):
    path = tmp_path / "gan.textgan"
    fitted_gan.save(str(path))
    loaded = TextGAN.load(str(path))
    assert loaded.discriminator_ is not None
    assert_same_modules(loaded, fitted_gan)


def test_loaded_model_can_continue_training(fitted, tmp_path):
    path = tmp_path / "model.textgan"
    fitted.save(path)
    loaded = TextGAN.load(path).set_params(warm_start=True, pretrain_epochs=1)
    loaded.fit(TEXTS)
    assert len(loaded.history_) == len(fitted.history_) + 1
    # The same continuation from the original object gives the same model.
    original = pickle.loads(pickle.dumps(fitted)).set_params(warm_start=True, pretrain_epochs=1)
    assert_same_modules(loaded, original.fit(TEXTS))


def test_round_trip_of_unusual_parameters(tmp_path):
    gan = TextGAN(
        tokenizer=TextTokenizer(level="char", max_vocabulary=30),
        filter_sizes=(2, 3),
        random_state=np.random.RandomState(7),
        checkpoint_dir=tmp_path / "checkpoints",
        device=torch.device("cpu"),
        max_length=np.int64(12),
    )
    path = tmp_path / "params.textgan"
    gan.save(path)
    loaded = TextGAN.load(path)
    assert not hasattr(loaded, "generator_")
    params = loaded.get_params(deep=False)
    assert params["tokenizer"].get_params() == gan.tokenizer.get_params()
    assert params["filter_sizes"] == (2, 3)
    assert params["random_state"].randint(1000) == np.random.RandomState(7).randint(1000)
    assert params["checkpoint_dir"] == str(tmp_path / "checkpoints")
    assert params["max_length"] == 12


def test_round_trip_of_a_model_fitted_on_token_ids(tmp_path):
    ids = TextTokenizer().fit_transform(TEXTS)
    gan = tiny().fit(ids)
    gan.save(tmp_path / "ids.textgan")
    loaded = TextGAN.load(tmp_path / "ids.textgan")
    assert loaded.tokenizer_ is None
    np.testing.assert_array_equal(loaded.sample(5, random_state=0), gan.sample(5, random_state=0))


def test_round_trip_of_a_hostile_vocabulary(tmp_path):
    texts = ["caf\u00e9 \U0001f600\x00\x07", "\u202etab\there", "\ud800 lone surrogate", "a\r\nb"]
    gan = tiny(tokenizer=TextTokenizer(level="char", lowercase=False), pretrain_epochs=1)
    gan.fit(texts * 3)
    gan.save(tmp_path / "hostile.textgan")
    loaded = TextGAN.load(tmp_path / "hostile.textgan")
    assert loaded.tokenizer_.tokens_ == gan.tokenizer_.tokens_
    assert loaded.sample(5, random_state=1) == gan.sample(5, random_state=1)


def test_custom_tokenizer_is_refused_with_a_pointer_to_pickle(tmp_path):
    class MyTokenizer(TextTokenizer):
        pass

    gan = tiny(tokenizer=MyTokenizer(), pretrain_epochs=1).fit(TEXTS[:20])
    with pytest.raises(TypeError, match="pickle"):
        gan.save(tmp_path / "custom.textgan")
    assert not (tmp_path / "custom.textgan").exists()


def test_docs_say_pickle_is_for_trusted_files_only():
    assert "trust" in TextGAN.__doc__
    assert "trust" in TextGAN.save.__doc__ or "untrusted" in TextGAN.save.__doc__


# ------------------------------------------------------- no code execution


class RunsCode:
    """Unpickling this creates ``marker``: the classic pickle attack, harmless here."""

    def __init__(self, marker: str):
        self.marker = marker

    def __reduce__(self):
        return (open, (self.marker, "w"))


def test_crafted_weights_are_refused_and_nothing_runs(fitted, tmp_path):
    path = tmp_path / "evil.textgan"
    fitted.save(path)
    marker = tmp_path / "code-ran"
    buffer = io.BytesIO()
    torch.save({"generator": RunsCode(str(marker)), "discriminator": None}, buffer)
    evil = buffer.getvalue()
    # The attacker also fixes the checksum, so only the unpickler stands in the way.
    rewrite_member(path, "weights.pt", lambda _: evil)
    edit_metadata(path, lambda m: m["fitted"].update(weights_sha256=_sha256(evil)))

    with pytest.raises(ValueError, match="refused.*Nothing from it was executed"):
        TextGAN.load(path)
    assert not marker.exists()

    # Proof that the crafted weights are a real attack: plain unpickling runs the code.
    proof = tmp_path / "proof"
    buffer = io.BytesIO()
    torch.save({"generator": RunsCode(str(proof))}, buffer)
    buffer.seek(0)
    torch.load(buffer, weights_only=False)
    assert proof.exists()


def test_a_pickle_under_the_model_name_is_refused(tmp_path):
    marker = tmp_path / "code-ran"
    path = tmp_path / "model.textgan"
    path.write_bytes(pickle.dumps(RunsCode(str(marker))))
    with pytest.raises(ValueError, match="not a readable TextGAN model file"):
        TextGAN.load(path)
    assert not marker.exists()


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


# --------------------------------------------------- corrupt and foreign files


def test_truncated_files_give_a_clear_error(fitted, tmp_path):
    path = tmp_path / "model.textgan"
    fitted.save(path)
    data = path.read_bytes()
    for size in (0, 10, len(data) // 3, len(data) // 2, len(data) - 30, len(data) - 1):
        broken = tmp_path / f"cut-{size}.textgan"
        broken.write_bytes(data[:size])
        with pytest.raises(ValueError, match="truncated or corrupt"):
            TextGAN.load(broken)


def test_flipped_bytes_give_a_clear_error(fitted, tmp_path):
    path = tmp_path / "model.textgan"
    fitted.save(path)
    data = bytearray(path.read_bytes())
    with zipfile.ZipFile(path) as archive:
        info = archive.getinfo("weights.pt")
    # A byte in the middle of the stored weights: caught by the zip CRC or the checksum.
    middle = info.header_offset + 30 + len(info.filename) + info.file_size // 2
    data[middle] ^= 0xFF
    path.write_bytes(bytes(data))
    with pytest.raises(ValueError, match="truncated or corrupt"):
        TextGAN.load(path)


def test_checksum_catches_a_consistent_but_altered_archive(fitted, tmp_path):
    path = tmp_path / "model.textgan"
    fitted.save(path)
    rewrite_member(path, "weights.pt", lambda data: data[:-8] + b"\x00" * 8)
    with pytest.raises(ValueError, match="checksum"):
        TextGAN.load(path)


@pytest.mark.parametrize(
    "edit, message",
    [
        (lambda f: f.update(max_length=-5), "disagree with its architecture"),
        (lambda f: f.update(vocabulary_size=5), "disagree with its architecture"),
        (lambda f: f.update(vocabulary_size="abc"), "are not integers"),
        (lambda f: f["tokenizer"].update(tokens=f["tokenizer"]["tokens"][:6]), "has 6 tokens"),
    ],
    ids=["negative length", "smaller vocabulary", "not a number", "tokens cut"],
)
def test_edited_sizes_are_refused_at_load(fitted, tmp_path, edit, message):
    """Only the weights carry a checksum: sizes that disagree with them are caught too."""
    path = tmp_path / "model.textgan"
    fitted.save(path)
    edit_metadata(path, lambda metadata: edit(metadata["fitted"]))
    with pytest.raises(ValueError, match=f"not a readable TextGAN model file: .*{message}"):
        TextGAN.load(path)


def test_deeply_nested_metadata_is_a_corrupt_file(tmp_path):
    path = tmp_path / "nested.textgan"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("textgan.json", "[" * 100_000 + "]" * 100_000)
    with pytest.raises(ValueError, match="is not valid JSON"):
        TextGAN.load(path)


def test_other_json_is_not_a_model(tmp_path):
    path = tmp_path / "other.zip"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("textgan.json", json.dumps({"format": "something else"}))
    with pytest.raises(ValueError, match="does not describe a TextGAN"):
        TextGAN.load(path)


def test_missing_file_is_a_file_not_found_error(tmp_path):
    with pytest.raises(FileNotFoundError):
        TextGAN.load(tmp_path / "nope.textgan")


def test_version_mismatch_warns(fitted, tmp_path):
    path = tmp_path / "model.textgan"
    fitted.save(path)
    edit_metadata(path, lambda m: m["versions"].update(sklearn_textgan="0.0.1"))
    with pytest.warns(UserWarning, match="saved with sklearn_textgan 0.0.1"):
        loaded = TextGAN.load(path)
    assert loaded.score(HELD_OUT) == fitted.score(HELD_OUT)


def test_same_version_does_not_warn(fitted, tmp_path):
    fitted.save(tmp_path / "model.textgan")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        TextGAN.load(tmp_path / "model.textgan")


def test_newer_format_and_unknown_parameters_are_refused(fitted, tmp_path):
    path = tmp_path / "model.textgan"
    fitted.save(path)
    edit_metadata(path, lambda m: m.update(format_version=99))
    with pytest.raises(ValueError, match="newer"):
        TextGAN.load(path)
    fitted.save(path)
    edit_metadata(path, lambda m: m["params"].update(flux_capacitor=1))
    with pytest.raises(ValueError, match="flux_capacitor"):
        TextGAN.load(path)


# ------------------------------------------------------------------ devices


@contextlib.contextmanager
def cuda_tagged_saves():
    """While active, torch.save labels CPU tensors as living on "cuda:0".

    That is what a file saved on a GPU looks like, and it lets a machine
    without one check that such a file still loads.
    """

    def tagger(storage):
        return "cuda:0" if storage.device.type == "cpu" else None

    def deserializer(storage, location):
        return None  # leave the real work to torch's own CUDA deserializer

    torch.serialization.register_package(-100, tagger, deserializer)
    entry = torch.serialization._package_registry[0]
    try:
        yield
    finally:
        torch.serialization._package_registry.remove(entry)


@pytest.mark.skipif(torch.cuda.is_available(), reason="needs a machine without CUDA")
def test_model_saved_on_a_gpu_loads_on_a_cpu_only_machine(fitted, tmp_path):
    path = tmp_path / "gpu.textgan"
    gpu_like = pickle.loads(pickle.dumps(fitted))
    gpu_like.device_ = torch.device("cuda:0")  # what fit on a GPU records
    with cuda_tagged_saves():
        gpu_like.save(path)

    with zipfile.ZipFile(path) as archive:
        weights = archive.read("weights.pt")
    with pytest.raises(RuntimeError, match="CUDA"):
        torch.load(io.BytesIO(weights), weights_only=True)  # no map_location: fails here

    loaded = TextGAN.load(path)
    assert loaded.device_ == torch.device("cpu")
    assert loaded.score(HELD_OUT) == fitted.score(HELD_OUT)
    assert TextGAN.load(path, device="cpu").get_params()["device"] == "cpu"
    with pytest.raises(ValueError, match="CUDA is not available"):
        TextGAN.load(path, device="cuda")


def test_loadable_device_maps_missing_gpus_to_the_cpu():
    assert loadable_device("cpu") == torch.device("cpu")
    assert loadable_device(f"cuda:{torch.cuda.device_count() + 3}") == torch.device("cpu")
    if not torch.cuda.is_available():
        assert loadable_device("cuda") == torch.device("cpu")


# ------------------------------------------------------------ atomic writes


def test_failed_save_leaves_the_previous_file_intact(fitted, fitted_gan, tmp_path, monkeypatch):
    path = tmp_path / "model.textgan"
    fitted.save(path)
    before = path.read_bytes()

    def broken_writestr(self, name, *args, **kwargs):
        if name == "weights.pt":
            raise OSError("disk full")
        return original(self, name, *args, **kwargs)

    original = zipfile.ZipFile.writestr
    monkeypatch.setattr(zipfile.ZipFile, "writestr", broken_writestr)
    with pytest.raises(OSError, match="disk full"):
        fitted_gan.save(path)
    monkeypatch.undo()
    assert path.read_bytes() == before
    assert sorted(os.listdir(tmp_path)) == ["model.textgan"]  # no temporary file left
    assert_same_modules(TextGAN.load(path), fitted)


def test_crash_while_writing_never_leaves_a_half_written_file(tmp_path):
    """A process that dies in the middle of a write (no cleanup at all) leaves the old file."""
    path = tmp_path / "model.bin"
    path.write_bytes(b"old complete content")
    script = textwrap.dedent(
        f"""
        import os
        from sklearn_textgan.training import atomic_write

        def write(file):
            file.write(b"new half")
            file.flush()
            os._exit(3)  # dies like a SIGKILL: no exception handler, no cleanup

        atomic_write({str(path)!r}, write)
        """
    )
    result = subprocess.run([sys.executable, "-c", script], timeout=120)
    assert result.returncode == 3
    assert path.read_bytes() == b"old complete content"


def test_atomic_write_replaces_and_keeps_permissions_sane(tmp_path):
    path = tmp_path / "file.bin"
    atomic_write(path, lambda file: file.write(b"one"))
    atomic_write(path, lambda file: file.write(b"two"))
    assert path.read_bytes() == b"two"
    assert os.listdir(tmp_path) == ["file.bin"]
    if os.name == "posix":
        umask = os.umask(0)
        os.umask(umask)
        assert path.stat().st_mode & 0o777 == 0o666 & ~umask


def test_save_to_a_directory_names_it(tmp_path):
    with pytest.raises(IsADirectoryError, match="is a directory"):
        TextGAN(hidden_dim=8).save(tmp_path)


def test_save_into_a_missing_folder_and_paths_that_are_not_paths_are_named(tmp_path):
    missing = tmp_path / "no" / "such"
    # The folder is named, not the hidden temporary file the write starts with.
    with pytest.raises(FileNotFoundError, match=f"the folder '{re.escape(str(missing))}' does"):
        TextGAN(hidden_dim=8).save(missing / "model.textgan")
    for path in (None, 3):
        with pytest.raises(TypeError, match="path must be a str or path-like"):
            TextGAN(hidden_dim=8).save(path)
        with pytest.raises(TypeError, match="path must be a str or path-like"):
            TextGAN.load(path)
    # An empty name: no file is written next to the working folder.
    with pytest.raises(ValueError, match="path is empty"):
        TextGAN(hidden_dim=8).save("")
    with pytest.raises(ValueError, match="path is empty"):
        TextGAN.load("")
