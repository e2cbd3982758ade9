"""Checkpoints: a killed fit, started again, ends with the model of an uninterrupted one."""

import json
import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest
import torch

from sklearn_textgan import TextGAN
from sklearn_textgan.datasets import make_grammar_corpus
from sklearn_textgan.training import Checkpointer

N_TEXTS = 160
TEXTS = make_grammar_corpus(N_TEXTS, random_state=0)

BASE = dict(
    embedding_dim=8,
    hidden_dim=16,
    batch_size=32,
    dropout=0.1,  # dropout masks come from the device random stream, which must resume too
    num_filters=4,
    n_rollouts=2,
    pretrain_epochs=3,
    discriminator_pretrain_epochs=2,
    adversarial_epochs=3,
    d_steps=2,
    random_state=0,
)


def params(**overrides) -> dict:
    return {**BASE, **overrides}


def assert_same_model(a: TextGAN, b: TextGAN) -> None:
    for key in ("generator_", "discriminator_"):
        module_a, module_b = getattr(a, key), getattr(b, key)
        assert (module_a is None) == (module_b is None), key
        if module_a is None:
            continue
        state_a, state_b = module_a.state_dict(), module_b.state_dict()
        for name in state_a:
            assert torch.equal(state_a[name], state_b[name]), f"{key}{name}"


def checkpoint_files(folder: Path) -> list[Path]:
    return sorted(folder.glob("textgan-*.ckpt"))


def read_checkpoint(folder: Path) -> dict:
    (path,) = checkpoint_files(folder)
    return torch.load(path, map_location="cpu", weights_only=True)


def assert_resumed_from(gan: TextGAN, checkpoint: dict) -> None:
    """The records up to the checkpoint are the killed run's own (same seconds): not redone."""
    saved = checkpoint["history"]
    assert len(gan.history_) > len(saved) or checkpoint["stage"] == "adversarial"
    assert list(gan.history_[: len(saved)]) == saved


@pytest.fixture(scope="module")
def references() -> dict:
    """Uninterrupted fits without checkpoints, by algorithm."""
    return {}


def reference(references: dict, **overrides) -> TextGAN:
    key = json.dumps(overrides, sort_keys=True)
    if key not in references:
        references[key] = TextGAN(**params(**overrides)).fit(TEXTS)
    return references[key]


# ----------------------------------------------------- killed for real (SIGKILL)

CHILD = textwrap.dedent(
    """
    import sys, json, time
    import torch

    # Same thread count as the test process: float sums must run in the same order.
    torch.set_num_threads(int(sys.argv[3]))
    from sklearn_textgan import TextGAN
    from sklearn_textgan.datasets import make_grammar_corpus
    from sklearn_textgan.training import Checkpointer

    params, ready = json.loads(sys.argv[1]), sys.argv[2]
    stage, epoch = sys.argv[4], int(sys.argv[5])
    original = Checkpointer.epoch_end
    passed = []

    def epoch_end(self, state, stage_now, epoch_now, loop_state):
        original(self, state, stage_now, epoch_now, loop_state)
        if (stage_now, epoch_now) == (stage, epoch):
            passed.append(True)
            open(ready, "w").close()  # tells the test that it may kill now
        if passed:
            # Slow from here on (nothing else changes), so the kill lands mid-training.
            time.sleep(5.0)

    Checkpointer.epoch_end = epoch_end
    TextGAN(**params).fit(make_grammar_corpus(int(sys.argv[6]), random_state=0))
    print("finished without being killed")
    """
)


def run_child_until_killed(fit_params: dict, stage: str, epoch: int, tmp_path: Path) -> None:
    """Start a fit in a child process and SIGKILL it once it wrote the given checkpoint."""
    ready = tmp_path / f"ready-{stage}-{epoch}"
    threads = str(torch.get_num_threads())
    process = subprocess.Popen(
        [sys.executable, "-c", CHILD, json.dumps(fit_params), str(ready), threads, stage]
        + [str(epoch), str(N_TEXTS)],
        env={**os.environ, "OMP_NUM_THREADS": threads},
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    try:
        deadline = time.monotonic() + 120
        while not ready.exists():
            if process.poll() is not None:
                pytest.fail(f"the child ended early:\n{process.stdout.read().decode()}")
            if time.monotonic() > deadline:
                pytest.fail("the child wrote no checkpoint in time")
            time.sleep(0.02)
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=60)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
    assert process.returncode == -signal.SIGKILL


def test_fit_killed_by_sigkill_twice_resumes_bit_identically(tmp_path, references):
    """Killed in the maximum-likelihood phase, resumed and killed in the adversarial phase,
    resumed again: the final model is bit for bit the uninterrupted one."""
    folder = tmp_path / "checkpoints"
    fit_params = params(algorithm="seqgan", checkpoint_dir=str(folder))

    run_child_until_killed(fit_params, "mle", 1, tmp_path)
    first = read_checkpoint(folder)
    assert first["stage"] == "mle"

    run_child_until_killed(fit_params, "adversarial", 1, tmp_path)
    second = read_checkpoint(folder)
    # The second child resumed: it kept the first child's records (their timings too).
    assert second["history"][: len(first["history"])] == first["history"]
    # The kill may land after a later checkpoint than the one that said "ready".
    assert second["stage"] == "adversarial"

    resumed = TextGAN(**fit_params).fit(TEXTS)
    assert_resumed_from(resumed, second)
    assert_same_model(resumed, reference(references, algorithm="seqgan"))
    assert checkpoint_files(folder) == []  # a completed fit removes its checkpoint


# ------------------------------------------- killed in-process, at every stage


class Killed(BaseException):
    """Stands for a kill: fit does not catch it, nothing after it runs."""


def kill_after(stage: str, epoch: int, monkeypatch) -> None:
    """Make every fit raise :class:`Killed` once the checkpoint of (stage, epoch) is written."""
    original = Checkpointer.epoch_end

    def epoch_end(self, state, stage_now, epoch_now, loop_state):
        original(self, state, stage_now, epoch_now, loop_state)
        if (stage_now, epoch_now) == (stage, epoch):
            raise Killed

    monkeypatch.setattr(Checkpointer, "epoch_end", epoch_end)


def fit_killed_after(gan: TextGAN, stage: str, epoch: int, monkeypatch) -> None:
    kill_after(stage, epoch, monkeypatch)
    with pytest.raises(Killed):
        gan.fit(TEXTS)
    monkeypatch.undo()


@pytest.mark.parametrize(
    "overrides, stage, epoch",
    [
        ({"algorithm": "mle"}, "mle", 1),
        ({"algorithm": "mle", "validation_fraction": 0.0}, "mle", 2),
        ({"algorithm": "seqgan"}, "mle", 3),  # the last pretraining epoch
        ({"algorithm": "seqgan"}, "discriminator", 1),
        ({"algorithm": "seqgan"}, "adversarial", 2),
        ({"algorithm": "maligan"}, "discriminator", 2),
        ({"algorithm": "relgan", "generator": "lstm"}, "adversarial", 1),
        ({"algorithm": "dense", "pretrain_epochs": 0}, "adversarial", 2),
        ({"algorithm": "seqgan", "checkpoint_every": 2}, "adversarial", 1),
    ],
)
def test_resume_at_every_stage_is_bit_identical(
    overrides, stage, epoch, tmp_path, monkeypatch, references
):
    folder = tmp_path / "checkpoints"
    fit_params = params(**overrides, checkpoint_dir=folder)
    fit_killed_after(TextGAN(**fit_params), stage, epoch, monkeypatch)
    checkpoint = read_checkpoint(folder)
    resumed = TextGAN(**fit_params).fit(TEXTS)
    assert_resumed_from(resumed, checkpoint)
    expected = {k: v for k, v in overrides.items() if k != "checkpoint_every"}
    assert_same_model(resumed, reference(references, **expected))
    assert list(resumed.history_["epoch"]) == list(
        reference(references, **expected).history_["epoch"]
    )


def test_checkpoint_every_sets_how_often(tmp_path, monkeypatch):
    written = []
    original = Checkpointer.epoch_end

    def epoch_end(self, state, stage, epoch, loop_state):
        # Every write is a new file (written aside, then renamed over the old one).
        before = self.path.stat().st_ino if self.path.exists() else None
        original(self, state, stage, epoch, loop_state)
        after = self.path.stat().st_ino if self.path.exists() else None
        written.append(after is not None and after != before)

    monkeypatch.setattr(Checkpointer, "epoch_end", epoch_end)
    gan = TextGAN(
        **params(
            algorithm="mle",
            pretrain_epochs=5,
            validation_fraction=0.0,
            checkpoint_dir=tmp_path,
            checkpoint_every=2,
        )
    )
    gan.fit(TEXTS)
    assert written == [False, True, False, True, False]


def test_random_state_none_resumes_with_the_killed_runs_seeds(tmp_path, monkeypatch):
    fit_params = params(algorithm="mle", random_state=None, checkpoint_dir=tmp_path)
    fit_killed_after(TextGAN(**fit_params), "mle", 1, monkeypatch)
    checkpoint = read_checkpoint(tmp_path)
    resumed = TextGAN(**fit_params).fit(TEXTS)
    assert_resumed_from(resumed, checkpoint)
    assert len(resumed.history_) == BASE["pretrain_epochs"]


# ---------------------------------------------------- checkpoints of other fits


def test_checkpoint_of_other_parameters_is_not_resumed(tmp_path, monkeypatch, references):
    fit_killed_after(
        TextGAN(**params(learning_rate=0.05, checkpoint_dir=tmp_path)), "mle", 2, monkeypatch
    )
    with pytest.warns(UserWarning, match="other parameters or data"):
        fresh = TextGAN(**params(checkpoint_dir=tmp_path)).fit(TEXTS)
    assert_same_model(fresh, reference(references))
    assert len(checkpoint_files(tmp_path)) == 1  # the other fit's checkpoint is left alone


def test_checkpoint_of_other_data_is_not_resumed(tmp_path, monkeypatch, references):
    gan = TextGAN(**params(checkpoint_dir=tmp_path))
    original = Checkpointer.epoch_end

    def epoch_end(self, state, stage_now, epoch_now, loop_state):
        original(self, state, stage_now, epoch_now, loop_state)
        raise Killed

    monkeypatch.setattr(Checkpointer, "epoch_end", epoch_end)
    with pytest.raises(Killed):
        gan.fit(TEXTS[:-1])
    monkeypatch.undo()
    with pytest.warns(UserWarning, match="other parameters or data"):
        fresh = TextGAN(**params(checkpoint_dir=tmp_path)).fit(TEXTS)
    assert_same_model(fresh, reference(references))


def test_checkpoint_with_a_wrong_fingerprint_is_refused(tmp_path, monkeypatch, references):
    other = tmp_path / "other"
    fit_killed_after(
        TextGAN(**params(learning_rate=0.05, checkpoint_dir=other)), "mle", 2, monkeypatch
    )
    # Copied under the name this fit looks for: the fingerprint inside still differs.
    fit_killed_after(TextGAN(**params(checkpoint_dir=tmp_path)), "mle", 1, monkeypatch)
    (ours,) = checkpoint_files(tmp_path)
    ours.write_bytes(checkpoint_files(other)[0].read_bytes())
    with pytest.warns(UserWarning, match="refused.*other parameters or data"):
        fresh = TextGAN(**params(checkpoint_dir=tmp_path)).fit(TEXTS)
    assert_same_model(fresh, reference(references))


def test_unreadable_checkpoint_is_ignored_with_a_warning(tmp_path, monkeypatch, references):
    fit_killed_after(TextGAN(**params(checkpoint_dir=tmp_path)), "mle", 1, monkeypatch)
    (path,) = checkpoint_files(tmp_path)
    path.write_bytes(path.read_bytes()[:100])
    with pytest.warns(UserWarning, match="cannot be read"):
        fresh = TextGAN(**params(checkpoint_dir=tmp_path)).fit(TEXTS)
    assert_same_model(fresh, reference(references))


def test_checkpoint_is_safe_to_load_and_holds_what_resuming_needs(tmp_path, monkeypatch):
    fit_killed_after(
        TextGAN(**params(algorithm="seqgan", checkpoint_dir=tmp_path)),
        "adversarial",
        1,
        monkeypatch,
    )
    checkpoint = read_checkpoint(tmp_path)  # weights_only=True: tensors and plain values
    assert checkpoint["stage"] == "adversarial" and checkpoint["epoch"] == 1
    loop = checkpoint["loop"]
    assert {"generator_optimizer", "discriminator_optimizer", "algorithm"} <= set(loop)
    assert "rollout_policy" in loop["algorithm"]  # SeqGAN's slowly moving copy
    assert {"shuffle", "random"} == set(checkpoint["rng"])
    assert (
        len(checkpoint["history"])
        == BASE["pretrain_epochs"] + BASE["discriminator_pretrain_epochs"] + 1
    )


def test_keyboard_interrupt_keeps_the_checkpoint_for_a_resume(tmp_path, monkeypatch, references):
    import sklearn_textgan.training._mle as mle

    calls = {"n": 0}
    original = mle.summed_nll

    def interrupted_nll(*args, **kwargs):
        calls["n"] += 1
        # Inside the third epoch: 5 batches and one validation call per epoch.
        if calls["n"] == 14:
            raise KeyboardInterrupt
        return original(*args, **kwargs)

    monkeypatch.setattr(mle, "summed_nll", interrupted_nll)
    with pytest.warns(UserWarning, match="interrupted.*resume from the last checkpoint"):
        gan = TextGAN(**params(checkpoint_dir=tmp_path)).fit(TEXTS)
    monkeypatch.undo()
    assert len(gan.history_) == 2
    assert len(checkpoint_files(tmp_path)) == 1
    resumed = TextGAN(**params(checkpoint_dir=tmp_path)).fit(TEXTS)
    assert_same_model(resumed, reference(references))


def test_a_checkpoint_dir_that_cannot_be_a_folder_fails_before_training(tmp_path):
    a_file = tmp_path / "notes.txt"
    a_file.write_text("not a folder")
    gan = TextGAN(**params(algorithm="mle", pretrain_epochs=1, warm_start=True)).fit(TEXTS)
    weights = {k: v.clone() for k, v in gan.generator_.state_dict().items()}
    n_records = len(gan.history_)
    for folder in (a_file, a_file / "inside"):
        gan.set_params(checkpoint_dir=folder, checkpoint_every=1)
        with pytest.raises(
            ValueError, match="checkpoint_dir=.*notes.txt.* cannot be used as a folder"
        ):
            gan.fit(TEXTS)
        # Refused before the warm start trained anything.
        assert len(gan.history_) == n_records
        for key, value in gan.generator_.state_dict().items():
            assert torch.equal(value, weights[key])
