"""Text corpora, benchmark files and synthetic sources with known probabilities.

Plain-text corpora load with :func:`load_text`. The public benchmark files of
the text-GAN literature (Image COCO captions, EMNLP2017 News, the SeqGAN
oracle) are read from a data folder given by ``data_home``, the environment
variable ``SKLEARN_TEXTGAN_DATA`` or ``~/sklearn_textgan_data``, and checked
against their published SHA-256 digests. Two sources need no file and give
exact likelihoods: random LSTM oracles (:func:`make_lstm_oracle`) and a
probabilistic grammar of English-like sentences (:class:`EnglishGrammar`).
"""

from ._benchmarks import load_emnlp_news, load_image_coco, load_seqgan_data, load_seqgan_oracle
from ._grammar import EnglishGrammar, make_grammar_corpus
from ._home import get_data_home
from ._oracle import LSTMOracle, make_lstm_oracle
from ._text import load_text

__all__ = [
    "EnglishGrammar",
    "LSTMOracle",
    "get_data_home",
    "load_emnlp_news",
    "load_image_coco",
    "load_seqgan_data",
    "load_seqgan_oracle",
    "load_text",
    "make_grammar_corpus",
    "make_lstm_oracle",
]
