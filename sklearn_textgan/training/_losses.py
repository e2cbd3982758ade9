"""Adversarial losses as functions of the discriminator's logits.

Each loss takes ``real`` and ``fake``, the discriminator's logits on real and
on generated inputs, and returns a scalar: a mean over all their elements.
With ``D(x) = sigmoid(logit)``:

================== ======================================= ===============================
name               discriminator loss                      generator loss
================== ======================================= ===============================
``minimax``        ``-E log D(x) - E log(1 - D(G(z)))``    ``E log(1 - D(G(z)))``
``non_saturating`` as ``minimax``                          ``-E log D(G(z))``
``rsgan``          ``-E log sigmoid(real - fake)``         ``-E log sigmoid(fake - real)``
``wgan_gp``        ``E fake - E real`` (+ penalty)         ``-E fake``
``hinge``          ``E relu(1 - real) + E relu(1 + fake)`` ``-E fake``
``lsgan``          ``E (real - 1)^2 / 2 + E fake^2 / 2``   ``E (fake - 1)^2 / 2``
================== ======================================= ===============================

The relativistic loss pairs ``real`` and ``fake`` element by element, so
their shapes must broadcast. For ``wgan_gp`` the caller adds
:func:`gradient_penalty` to the discriminator loss.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from dataclasses import dataclass

import torch
from torch import nn
from torch.nn import functional as F

__all__ = ["LOSSES", "GANLoss", "get_loss", "gradient_penalty"]

LossFunction = Callable[[torch.Tensor, torch.Tensor], torch.Tensor]


@dataclass(frozen=True)
class GANLoss:
    """The discriminator's and the generator's loss of one GAN objective.

    Both functions take ``(real, fake)`` logits and return a scalar to
    minimise. ``gradient_penalty`` says whether the discriminator's loss is
    meant to be completed by :func:`gradient_penalty`. ``threshold`` is the
    output above which the discriminator calls an input real; ``None`` means
    its outputs only mean something relative to each other (relativistic and
    Wasserstein critics), so an input is called real when it scores above the
    other side's mean.

    Examples
    --------
    A hinge objective written out, and how it scores two batches of logits:

    >>> import torch
    >>> from sklearn_textgan.training import GANLoss
    >>> hinge = GANLoss(
    ...     discriminator=lambda real, fake: (
    ...         torch.relu(1 - real).mean() + torch.relu(1 + fake).mean()
    ...     ),
    ...     generator=lambda real, fake: -fake.mean(),
    ... )
    >>> real, fake = torch.tensor([[2.0], [0.5]]), torch.tensor([[-1.5], [0.5]])
    >>> float(hinge.discriminator(real, fake)), float(hinge.generator(real, fake))
    (1.0, 0.5)
    >>> hinge.accuracy(real, fake)  # real above the threshold 0, generated at or below it
    (1.0, 0.5)
    """

    discriminator: LossFunction
    generator: LossFunction
    gradient_penalty: bool = False
    threshold: float | None = 0.0

    def accuracy(self, real: torch.Tensor, fake: torch.Tensor) -> tuple[float, float]:
        """Share of real inputs called real and of generated inputs called generated."""
        real, fake = real.detach().float(), fake.detach().float()
        if self.threshold is None:
            return float((real > fake.mean()).float().mean()), float(
                (fake < real.mean()).float().mean()
            )
        return float((real > self.threshold).float().mean()), float(
            (fake <= self.threshold).float().mean()
        )


# log sigmoid(x) = -softplus(-x) and log(1 - sigmoid(x)) = -softplus(x), without overflow.


def _minimax_discriminator(real: torch.Tensor, fake: torch.Tensor) -> torch.Tensor:
    return F.softplus(-real).mean() + F.softplus(fake).mean()


def _minimax_generator(real: torch.Tensor, fake: torch.Tensor) -> torch.Tensor:
    return -F.softplus(fake).mean()


def _non_saturating_generator(real: torch.Tensor, fake: torch.Tensor) -> torch.Tensor:
    return F.softplus(-fake).mean()


def _relativistic_discriminator(real: torch.Tensor, fake: torch.Tensor) -> torch.Tensor:
    return F.softplus(fake - real).mean()


def _relativistic_generator(real: torch.Tensor, fake: torch.Tensor) -> torch.Tensor:
    return F.softplus(real - fake).mean()


def _wasserstein_discriminator(real: torch.Tensor, fake: torch.Tensor) -> torch.Tensor:
    return fake.mean() - real.mean()


def _critic_generator(real: torch.Tensor, fake: torch.Tensor) -> torch.Tensor:
    return -fake.mean()


def _hinge_discriminator(real: torch.Tensor, fake: torch.Tensor) -> torch.Tensor:
    return F.relu(1.0 - real).mean() + F.relu(1.0 + fake).mean()


def _least_squares_discriminator(real: torch.Tensor, fake: torch.Tensor) -> torch.Tensor:
    return 0.5 * (real - 1.0).square().mean() + 0.5 * fake.square().mean()


def _least_squares_generator(real: torch.Tensor, fake: torch.Tensor) -> torch.Tensor:
    return 0.5 * (fake - 1.0).square().mean()


LOSSES: dict[str, GANLoss] = {
    "minimax": GANLoss(_minimax_discriminator, _minimax_generator),
    "non_saturating": GANLoss(_minimax_discriminator, _non_saturating_generator),
    "rsgan": GANLoss(_relativistic_discriminator, _relativistic_generator, threshold=None),
    "wgan_gp": GANLoss(
        _wasserstein_discriminator, _critic_generator, gradient_penalty=True, threshold=None
    ),
    "hinge": GANLoss(_hinge_discriminator, _critic_generator),
    # Least squares pushes real outputs to 1 and generated ones to 0.
    "lsgan": GANLoss(_least_squares_discriminator, _least_squares_generator, threshold=0.5),
}


def get_loss(name: str) -> GANLoss:
    """Return the loss registered under ``name``.

    Examples
    --------
    >>> import torch
    >>> from sklearn_textgan.training import get_loss
    >>> rsgan = get_loss("rsgan")
    >>> real, fake = torch.tensor([[2.0], [1.0]]), torch.tensor([[0.0], [1.0]])
    >>> round(float(rsgan.discriminator(real, fake)), 4)  # mean softplus(fake - real)
    0.41
    >>> round(float(rsgan.generator(real, fake)), 4)  # mean softplus(real - fake)
    1.41
    >>> rsgan.threshold is None  # relativistic: only differences of logits mean something
    True
    >>> get_loss("gan")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
        ...
    ValueError: Unknown loss 'gan'; valid losses are 'hinge', 'lsgan', 'minimax', ...
    """
    try:
        return LOSSES[name]
    except KeyError:
        valid = ", ".join(repr(key) for key in sorted(LOSSES))
        raise ValueError(f"Unknown loss {name!r}; valid losses are {valid}.") from None


def gradient_penalty(
    discriminator: nn.Module,
    real_onehot: torch.Tensor,
    fake_onehot: torch.Tensor,
    generator: torch.Generator | None,
    weight: float = 10.0,
) -> torch.Tensor:
    """WGAN-GP penalty ``weight * E (||grad_x critic(x)|| - 1)^2`` at interpolated inputs.

    Parameters
    ----------
    discriminator : nn.Module
        Maps (batch, time, vocab) float inputs to logits (batch, K).
    real_onehot, fake_onehot : Tensor
        Real and generated inputs of the same shape (batch, time, vocab).
    generator : torch.Generator or None
        Draws the interpolation coefficients, one per sequence; None uses the
        global generator.
    weight : float
        Multiplier of the penalty.

    Returns
    -------
    Tensor
        A scalar, differentiable with respect to the discriminator's parameters.

    Notes
    -----
    The losses average all K logits, so the critic they train is the mean of
    the K logits; that mean is the function whose gradient is penalised.

    Examples
    --------
    A linear critic has the same gradient everywhere, here of norm
    ``sqrt(12 * 0.5 ** 2)``, so the penalty is ``10 * (sqrt(3) - 1) ** 2``:

    >>> import torch
    >>> from torch.nn import functional as F
    >>> from sklearn_textgan.training import gradient_penalty
    >>> critic = torch.nn.Sequential(torch.nn.Flatten(), torch.nn.Linear(3 * 4, 1))
    >>> with torch.no_grad():
    ...     _ = critic[1].weight.fill_(0.5)
    >>> real = F.one_hot(torch.tensor([[1, 2, 0], [3, 2, 0]]), 4).float()  # (batch, time, vocab)
    >>> fake = torch.full((2, 3, 4), 0.25)  # relaxed generated text
    >>> penalty = gradient_penalty(critic, real, fake, torch.Generator().manual_seed(0))
    >>> round(penalty.item(), 4), round(10 * (3**0.5 - 1) ** 2, 4)
    (5.359, 5.359)
    >>> penalty.backward()  # it trains the critic's weights toward a unit gradient
    >>> critic[1].weight.grad.shape
    torch.Size([1, 12])
    """
    if real_onehot.shape != fake_onehot.shape or real_onehot.dim() != 3:
        raise ValueError(
            "real_onehot and fake_onehot must have the same shape (batch, time, vocab), got "
            f"{tuple(real_onehot.shape)} and {tuple(fake_onehot.shape)}."
        )
    real, fake = real_onehot.detach(), fake_onehot.detach()
    draw_on = generator.device if generator is not None else real.device
    alpha = torch.rand(real.shape[0], 1, 1, generator=generator, device=draw_on)
    alpha = alpha.to(device=real.device, dtype=real.dtype)
    mixed = (alpha * real + (1.0 - alpha) * fake).requires_grad_(True)
    # cuDNN's recurrent kernels have no second derivative; the native ones do.
    recurrent = any(isinstance(module, nn.RNNBase) for module in discriminator.modules())
    with torch.backends.cudnn.flags(enabled=False) if recurrent else contextlib.nullcontext():
        critic = discriminator(mixed).flatten(1).mean(dim=1)
    (gradient,) = torch.autograd.grad(critic.sum(), mixed, create_graph=True)
    # The small constant keeps the norm differentiable where the gradient vanishes.
    norm = (gradient.flatten(1).square().sum(dim=1) + 1e-12).sqrt()
    return weight * (norm - 1.0).square().mean()
