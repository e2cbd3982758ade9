"""PyTorch modules: generators (and, later, discriminators). Imports torch only."""

from ._lstm import LSTMGenerator
from ._output import linear_cross_entropy, linear_token_nll
from ._random import SeededDropout, init_parameters, set_random_generator
from ._registry import GENERATORS, build_generator
from ._sequences import sample_sequences, shift_right, summed_nll, token_log_likelihood

__all__ = [
    "GENERATORS",
    "LSTMGenerator",
    "SeededDropout",
    "build_generator",
    "init_parameters",
    "linear_cross_entropy",
    "linear_token_nll",
    "sample_sequences",
    "set_random_generator",
    "shift_right",
    "summed_nll",
    "token_log_likelihood",
]
