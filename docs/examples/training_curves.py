"""Watch a RelGAN train: losses, discriminator accuracy, temperature, diversity."""

import matplotlib

matplotlib.use("Agg")  # files only, no window

from sklearn_textgan import TextGAN
from sklearn_textgan.datasets import make_grammar_corpus
from sklearn_textgan.plot import plot_history


def main(
    n_train=5000,
    pretrain_epochs=8,
    adversarial_epochs=100,
    hidden_dim=64,
    output="training_curves.png",
    random_state=0,
):
    texts = make_grammar_corpus(n_train, random_state=random_state)
    gan = TextGAN(
        algorithm="relgan",
        generator="lstm",
        embedding_dim=32,
        hidden_dim=hidden_dim,
        num_filters=64,
        pretrain_epochs=pretrain_epochs,
        discriminator_pretrain_epochs=2,
        adversarial_epochs=adversarial_epochs,
        adversarial_learning_rate=1e-3,
        random_state=random_state,
        verbose=1,
    ).fit(texts)
    figure = plot_history(gan)
    figure.savefig(output, dpi=120)
    print(f"plot saved to {output}")
    return gan


if __name__ == "__main__":
    main()
