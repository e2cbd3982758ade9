"""``sklearn-textgan demo``: train on a built-in corpus, print samples and held-out metrics."""

from __future__ import annotations

import argparse
import time

import numpy as np

from .. import TextGAN, __version__
from ..datasets import EnglishGrammar, load_text
from ..metrics import distinct_n
from ._parser import add_encoding_argument

__all__ = ["add_parser", "run"]


def _split(texts: list[str], held_out: float, seed: int) -> tuple[list[str], list[str]]:
    order = np.random.RandomState(seed).permutation(len(texts))
    n_test = max(1, int(round(held_out * len(texts))))
    return [texts[i] for i in order[n_test:]], [texts[i] for i in order[:n_test]]


def run(args: argparse.Namespace) -> int:
    grammar, max_length = None, None
    if args.data:
        texts = load_text(args.data, encoding=args.encoding)
        if len(texts) < 10:
            raise ValueError(
                f"{args.data} has {len(texts)} non-empty lines; at least 10 are needed."
            )
        train, test = _split(texts, 0.1, args.seed)
        source = f"{args.data}: {len(train)} training and {len(test)} held-out lines"
    else:
        grammar = EnglishGrammar()
        train = grammar.sample(args.n_train, random_state=args.seed)
        test = grammar.sample(1000, random_state=args.seed + 1)
        max_length = grammar.max_length
        source = (
            f"the package's English grammar ({grammar.n_sentences:.2e} possible sentences, "
            f"exact probabilities): {len(train)} training and {len(test)} held-out sentences"
        )
    print(f"sklearn-textgan {__version__} demo")
    print(f"data: {source}")

    gan = TextGAN(
        algorithm="mle",
        embedding_dim=32,
        hidden_dim=128,
        batch_size=64,
        max_length=max_length,
        pretrain_epochs=args.epochs,
        learning_rate=0.005,
        device=args.device,
        random_state=args.seed,
        verbose=1,
    )
    started = time.perf_counter()
    gan.fit(train)
    print(f"trained in {time.perf_counter() - started:.0f} s on {gan.device_}")

    print("\nsamples (temperature 1.0):")
    for text in gan.sample(args.n_samples, random_state=args.seed):
        print(f"  {text}")

    print("\nheld-out evaluation")
    print(f"  NLL_test per token (held-out texts under the model): {-gan.score(test):.3f}")
    samples = {t: gan.sample(1000, temperature=t, random_state=args.seed) for t in (0.7, 1.0)}
    if grammar is not None:
        true_nll = -grammar.log_probability(test).sum() / sum(
            len(gan.tokenizer_.tokenize(t)) + 1 for t in test
        )
        print(f"  same texts under the true grammar (the best possible):  {true_nll:.3f}")
    print(f"  {'temperature':>11}  {'grammatical':>11}  {'distinct-2':>10}  {'novel':>6}")
    seen = set(train)
    for temperature, texts in samples.items():
        grammatical = (
            f"{grammar.is_grammatical(texts).mean():11.1%}" if grammar is not None else f"{'-':>11}"
        )
        novel = np.mean([text not in seen for text in texts])
        print(
            f"  {temperature:>11.1f}  {grammatical}  {distinct_n(texts, 2):>10.3f}  {novel:>6.1%}"
        )
    return 0


def add_parser(commands: argparse._SubParsersAction) -> None:
    demo = commands.add_parser(
        "demo",
        help="train on a built-in corpus (or --data FILE), print samples and held-out metrics",
        description=(
            "Train a word-level LSTM language model on sentences of the package's English "
            "grammar (or on your own file), then print samples, the held-out NLL beside the "
            "true grammar's, and the share of grammatical and novel samples."
        ),
    )
    demo.add_argument("--data", help="text file, one text per line (default: built-in grammar)")
    add_encoding_argument(demo)
    demo.add_argument("--epochs", type=int, default=12, help="maximum-likelihood epochs")
    demo.add_argument("--n-train", type=int, default=20000, help="built-in corpus size")
    demo.add_argument("--n-samples", type=int, default=10, help="samples to print")
    demo.add_argument("--seed", type=int, default=0)
    demo.add_argument("--device", default="cpu", help="cpu, cuda, cuda:N or auto")
    demo.set_defaults(handler=run)
