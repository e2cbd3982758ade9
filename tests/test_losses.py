"""GAN losses against their closed forms, and the WGAN gradient penalty."""

import math

import pytest
import torch
from torch import nn
from torch.nn import functional as F

from sklearn_textgan.models._discriminators import (
    CNNDiscriminator,
    LSTMDiscriminator,
    TransformerDiscriminator,
)
from sklearn_textgan.training._losses import LOSSES, GANLoss, get_loss, gradient_penalty

REAL = [2.0, -1.0]
FAKE = [0.5, -3.0]


def sigmoid(x: float) -> float:
    return 1.0 / (1.0 + math.exp(-x))


def mean(values) -> float:
    values = list(values)
    return sum(values) / len(values)


def expected_losses() -> dict[str, tuple[float, float]]:
    """(discriminator, generator) losses on REAL and FAKE, written out by hand."""
    minimax_d = -mean(math.log(sigmoid(r)) for r in REAL) - mean(
        math.log(1.0 - sigmoid(f)) for f in FAKE
    )
    pairs = list(zip(REAL, FAKE, strict=True))
    return {
        "minimax": (minimax_d, mean(math.log(1.0 - sigmoid(f)) for f in FAKE)),
        "non_saturating": (minimax_d, -mean(math.log(sigmoid(f)) for f in FAKE)),
        "rsgan": (
            -mean(math.log(sigmoid(r - f)) for r, f in pairs),
            -mean(math.log(sigmoid(f - r)) for r, f in pairs),
        ),
        "wgan_gp": (mean(FAKE) - mean(REAL), -mean(FAKE)),
        "hinge": (
            mean(max(0.0, 1.0 - r) for r in REAL) + mean(max(0.0, 1.0 + f) for f in FAKE),
            -mean(FAKE),
        ),
        "lsgan": (
            0.5 * mean((r - 1.0) ** 2 for r in REAL) + 0.5 * mean(f**2 for f in FAKE),
            0.5 * mean((f - 1.0) ** 2 for f in FAKE),
        ),
    }


def test_registry_names():
    assert set(LOSSES) == set(expected_losses())
    assert all(isinstance(loss, GANLoss) for loss in LOSSES.values())
    assert [name for name, loss in LOSSES.items() if loss.gradient_penalty] == ["wgan_gp"]


@pytest.mark.parametrize("name", sorted(expected_losses()))
def test_loss_matches_closed_form(name):
    real = torch.tensor(REAL, dtype=torch.float64)
    fake = torch.tensor(FAKE, dtype=torch.float64)
    expected_d, expected_g = expected_losses()[name]
    loss = get_loss(name)
    d, g = loss.discriminator(real, fake), loss.generator(real, fake)
    assert d.dim() == 0 and g.dim() == 0
    assert d.item() == pytest.approx(expected_d, rel=1e-12)
    assert g.item() == pytest.approx(expected_g, rel=1e-12)


@pytest.mark.parametrize("name", sorted(expected_losses()))
def test_losses_average_over_all_elements(name):
    real = torch.tensor([REAL, REAL, REAL]).T  # (2, 3): three identical logits per sequence
    fake = torch.tensor([FAKE, FAKE, FAKE]).T
    expected_d, expected_g = expected_losses()[name]
    loss = get_loss(name)
    assert loss.discriminator(real, fake).item() == pytest.approx(expected_d, rel=1e-6)
    assert loss.generator(real, fake).item() == pytest.approx(expected_g, rel=1e-6)


@pytest.mark.parametrize("name", ["minimax", "non_saturating", "rsgan", "hinge", "lsgan"])
def test_discriminator_loss_is_lower_when_discriminator_is_right(name):
    high, low = torch.full((4,), 5.0), torch.full((4,), -5.0)
    loss = get_loss(name).discriminator
    assert loss(high, low) < loss(low, high)


def test_losses_are_stable_for_extreme_logits():
    real = torch.tensor([1e4, -1e4], requires_grad=True)
    fake = torch.tensor([-1e4, 1e4], requires_grad=True)
    for name, loss in LOSSES.items():
        total = loss.discriminator(real, fake) + loss.generator(real, fake)
        (grad_real, grad_fake) = torch.autograd.grad(total, (real, fake))
        assert torch.isfinite(total), name
        assert torch.isfinite(grad_real).all() and torch.isfinite(grad_fake).all(), name


def test_get_loss_error_message():
    with pytest.raises(ValueError) as info:
        get_loss("x")
    assert str(info.value) == (
        "Unknown loss 'x'; valid losses are 'hinge', 'lsgan', 'minimax', "
        "'non_saturating', 'rsgan', 'wgan_gp'."
    )


class LinearCritic(nn.Module):
    """critic(x) = <direction, x> with a unit-norm direction: its gradient has norm 1."""

    def __init__(self, shape: tuple[int, int]) -> None:
        super().__init__()
        direction = torch.randn(shape, generator=torch.Generator().manual_seed(0))
        self.direction = nn.Parameter(direction / direction.norm())

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return (x * self.direction).sum(dim=(1, 2)).unsqueeze(1)


def one_hot_batch(seed: int, batch: int = 4, time: int = 5, vocab: int = 7) -> torch.Tensor:
    ids = torch.randint(0, vocab, (batch, time), generator=torch.Generator().manual_seed(seed))
    return F.one_hot(ids, vocab).float()


def test_gradient_penalty_vanishes_for_unit_gradient_critic():
    critic = LinearCritic((5, 7))
    penalty = gradient_penalty(
        critic, one_hot_batch(1), one_hot_batch(2), torch.Generator().manual_seed(3)
    )
    assert penalty.item() == pytest.approx(0.0, abs=1e-8)
    with torch.no_grad():
        critic.direction.mul_(3.0)  # gradient norm 3: penalty 10 * (3 - 1)^2
    penalty = gradient_penalty(
        critic, one_hot_batch(1), one_hot_batch(2), torch.Generator().manual_seed(3)
    )
    assert penalty.item() == pytest.approx(40.0, rel=1e-5)


def test_gradient_penalty_matches_explicit_computation_and_is_reproducible():
    torch.manual_seed(0)
    critic = CNNDiscriminator(
        7, embedding_dim=4, max_length=4, filter_sizes=(2,), num_filters=(3,), dropout=0.0
    )
    real, fake = one_hot_batch(1), one_hot_batch(2)
    penalty = gradient_penalty(critic, real, fake, torch.Generator().manual_seed(5), weight=2.0)
    again = gradient_penalty(critic, real, fake, torch.Generator().manual_seed(5), weight=2.0)
    other = gradient_penalty(critic, real, fake, torch.Generator().manual_seed(6), weight=2.0)
    assert penalty.item() == again.item()
    assert penalty.item() != other.item()

    alpha = torch.rand(4, 1, 1, generator=torch.Generator().manual_seed(5))
    expected = 0.0
    for i in range(4):
        point = (alpha[i] * real[i] + (1 - alpha[i]) * fake[i]).unsqueeze(0).requires_grad_(True)
        (grad,) = torch.autograd.grad(critic(point).sum(), point)
        expected += 2.0 * (grad.norm().item() - 1.0) ** 2 / 4
    assert penalty.item() == pytest.approx(expected, rel=1e-5)

    penalty.backward()
    assert critic.embedding.weight.grad is not None
    assert critic.embedding.weight.grad.abs().sum() > 0


def test_gradient_penalty_penalises_the_mean_of_several_logits():
    class TwoLogits(LinearCritic):
        def forward(self, x):
            one = super().forward(x)
            return torch.cat([3.0 * one, -one], dim=1)  # mean = one: gradient norm 1

    penalty = gradient_penalty(
        TwoLogits((5, 7)), one_hot_batch(1), one_hot_batch(2), torch.Generator().manual_seed(3)
    )
    assert penalty.item() == pytest.approx(0.0, abs=1e-8)


@pytest.mark.parametrize("name", ["lstm", "transformer"])
def test_gradient_penalty_trains_sequence_discriminators(name):
    torch.manual_seed(0)
    if name == "lstm":
        critic = LSTMDiscriminator(7, embedding_dim=4, hidden_dim=3)
    else:
        critic = TransformerDiscriminator(7, embedding_dim=4, hidden_dim=6, max_length=4)
    penalty = gradient_penalty(
        critic, one_hot_batch(1), one_hot_batch(2), torch.Generator().manual_seed(3)
    )
    penalty.backward()
    assert torch.isfinite(penalty)
    assert critic.embedding.weight.grad.abs().sum() > 0


def test_accuracy_follows_each_loss_decision_rule():
    from sklearn_textgan.training._losses import LOSSES

    real = torch.tensor([[2.0], [0.7], [-1.0]])
    fake = torch.tensor([[0.6], [-3.0], [0.2]])
    # Logit losses call an input real above 0.
    assert LOSSES["minimax"].accuracy(real, fake) == pytest.approx((2 / 3, 1 / 3))
    # Least squares targets 1 for real and 0 for generated: the boundary is 0.5.
    assert LOSSES["lsgan"].accuracy(real, fake) == pytest.approx((2 / 3, 2 / 3))
    # Relativistic outputs are compared with the other side's mean (fake -0.733, real 0.567).
    assert LOSSES["rsgan"].accuracy(real, fake) == pytest.approx((2 / 3, 2 / 3))
    assert LOSSES["wgan_gp"].accuracy(real, fake) == LOSSES["rsgan"].accuracy(real, fake)
