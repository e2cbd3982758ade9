"""The training layer: registry, history, batching."""

import pytest
import torch

from sklearn_textgan.training import (
    ALGORITHMS,
    Algorithm,
    History,
    get_algorithm,
    iter_batches,
    make_optimizer,
    register_algorithm,
)


def test_registry_lookup_and_clear_error():
    assert get_algorithm("mle") is ALGORITHMS["mle"]
    with pytest.raises(ValueError, match=r"Unknown algorithm 'nope'; valid algorithms are .*'mle'"):
        get_algorithm("nope")


def test_registering_twice_is_refused():
    with pytest.raises(ValueError, match="already registered"):

        @register_algorithm("mle")
        class Again(Algorithm):
            pass


def test_history_columns_and_table():
    history = History([{"epoch": 1, "loss": 2.5}, {"epoch": 2, "loss": 1.25, "extra": None}])
    assert history["loss"] == [2.5, 1.25]
    assert history[1:, "loss"] == [1.25]
    assert history[0, "epoch"] == [1]
    assert history[0] == {"epoch": 1, "loss": 2.5}
    assert history.columns == ["epoch", "loss", "extra"]
    lines = history.to_string().splitlines()
    assert lines[0].split() == ["epoch", "loss", "extra"]
    assert lines[1].split() == ["1", "2.5000", "-"]


def test_iter_batches_covers_everything_once_in_a_seeded_order():
    batches = list(iter_batches(10, 3, torch.Generator().manual_seed(0)))
    assert [len(b) for b in batches] == [3, 3, 3, 1]
    assert sorted(torch.cat(batches).tolist()) == list(range(10))
    again = list(iter_batches(10, 3, torch.Generator().manual_seed(0)))
    assert all(torch.equal(a, b) for a, b in zip(batches, again, strict=True))
    ordered = torch.cat(list(iter_batches(5, 2, torch.Generator(), shuffle=False)))
    assert ordered.tolist() == [0, 1, 2, 3, 4]


def test_make_optimizer_by_name():
    parameters = [torch.nn.Parameter(torch.zeros(2))]
    assert isinstance(make_optimizer("adamw", parameters, 0.1), torch.optim.AdamW)
    with pytest.raises(ValueError, match="valid optimizers are 'adam', 'adamw'"):
        make_optimizer("sgd", parameters, 0.1)
