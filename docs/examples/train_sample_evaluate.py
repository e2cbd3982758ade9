"""Train a language model on the English grammar, sample it, and check the samples.

The package's grammar gives the exact probability of every sentence, so the
model's held-out NLL can be compared with the best possible one, and every
sample can be checked for grammaticality.
"""

import os
import tempfile

import numpy as np

from sklearn_textgan import TextGAN
from sklearn_textgan.datasets import EnglishGrammar


def main(n_train=20000, epochs=12, hidden_dim=128, n_samples=1000, random_state=0):
    grammar = EnglishGrammar()
    train = grammar.sample(n_train, random_state=random_state)
    test = grammar.sample(1000, random_state=random_state + 1)

    gan = TextGAN(
        embedding_dim=32,
        hidden_dim=hidden_dim,
        max_length=grammar.max_length,
        pretrain_epochs=epochs,
        random_state=random_state,
    ).fit(train)

    # NLL per token (the end token included) of held-out sentences: the model's
    # against the grammar's own, the floor no model can go under.
    n_tokens = sum(len(gan.tokenizer_.tokenize(text)) + 1 for text in test)
    true_nll = -grammar.log_probability(test).sum() / n_tokens
    print(f"held-out NLL per token: model {-gan.score(test):.3f}, true grammar {true_nll:.3f}")

    seen = set(train)
    for temperature in (0.7, 1.0, 1.3):
        samples = gan.sample(n_samples, temperature=temperature, random_state=random_state)
        grammatical = grammar.is_grammatical(samples).mean()
        novel = np.mean([text not in seen for text in samples])
        print(
            f"temperature {temperature}: {grammatical:.1%} grammatical, {novel:.1%} novel, "
            f"e.g. {samples[0]!r}"
        )

    # A file that loads without running code, on any machine.
    path = os.path.join(tempfile.mkdtemp(), "grammar.textgan")
    gan.save(path)
    assert TextGAN.load(path).sample(3, random_state=0) == gan.sample(3, random_state=0)
    return gan


if __name__ == "__main__":
    main()
