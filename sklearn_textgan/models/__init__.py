"""PyTorch modules: generators and discriminators, and what they share. Imports torch only."""

from ._discriminators import CNNDiscriminator, LSTMDiscriminator, TransformerDiscriminator
from ._lstm import LSTMGenerator
from ._output import linear_cross_entropy, linear_token_nll
from ._random import SeededDropout, init_parameters, set_random_generator
from ._registry import (
    DISCRIMINATORS,
    GENERATORS,
    accepted_arguments,
    build_discriminator,
    build_generator,
    count_parameters,
)
from ._relational import RelationalMemoryGenerator
from ._sequences import (
    begin_tokens,
    class_begin_ids,
    end_unended,
    never_drawn_ids,
    sample_sequences,
    shift_right,
    summed_nll,
    token_log_likelihood,
    token_log_probs,
)
from ._transformer import TransformerGenerator

__all__ = [
    "CNNDiscriminator",
    "DISCRIMINATORS",
    "GENERATORS",
    "LSTMDiscriminator",
    "TransformerDiscriminator",
    "accepted_arguments",
    "begin_tokens",
    "class_begin_ids",
    "build_discriminator",
    "LSTMGenerator",
    "RelationalMemoryGenerator",
    "TransformerGenerator",
    "SeededDropout",
    "build_generator",
    "count_parameters",
    "end_unended",
    "init_parameters",
    "linear_cross_entropy",
    "linear_token_nll",
    "never_drawn_ids",
    "sample_sequences",
    "set_random_generator",
    "shift_right",
    "summed_nll",
    "token_log_likelihood",
    "token_log_probs",
]
