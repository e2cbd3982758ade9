"""A GAN against the maximum-likelihood model it started from, over temperatures.

Both models share their pretraining: the GANs continue the MLE model
(``warm_start=True``). Each is sampled at several temperatures, and quality
(BLEU-4 against held-out sentences) is plotted against diversity (Self-BLEU-4):
a GAN is better only where its curve passes above and to the left of the MLE
curve.
"""

import copy

import matplotlib

matplotlib.use("Agg")  # files only, no window

from sklearn_textgan import TextGAN
from sklearn_textgan.datasets import make_grammar_corpus
from sklearn_textgan.metrics import quality_diversity_curve
from sklearn_textgan.plot import plot_quality_diversity


def main(
    n_train=10000,
    pretrain_epochs=10,
    adversarial_epochs=50,
    hidden_dim=64,
    n_samples=500,
    temperatures=(0.6, 0.8, 1.0, 1.2, 1.4),
    output="gan_against_mle.png",
    random_state=0,
):
    texts = make_grammar_corpus(n_train, random_state=random_state)
    references = make_grammar_corpus(1000, random_state=random_state + 1)

    mle = TextGAN(
        embedding_dim=32,
        hidden_dim=hidden_dim,
        pretrain_epochs=pretrain_epochs,
        random_state=random_state,
    ).fit(texts)

    gans = {}
    for name, params in {
        "SeqGAN": {"algorithm": "seqgan", "n_rollouts": 8},
        "RelGAN (LSTM generator)": {"algorithm": "relgan", "adversarial_learning_rate": 1e-3},
    }.items():
        # A copy of the fitted model, continued adversarially: no second pretraining.
        gan = copy.deepcopy(mle).set_params(
            warm_start=True,
            pretrain_epochs=0,
            discriminator_pretrain_epochs=1,
            adversarial_epochs=adversarial_epochs,
            num_filters=64,
            **params,
        )
        gans[name] = gan.fit(texts)

    sweep = {"temperatures": temperatures, "n_samples": n_samples, "max_n": (2, 3, 4)}
    mle_curve = quality_diversity_curve(mle, references, test_texts=references, **sweep)
    curves = {
        name: quality_diversity_curve(gan, references, test_texts=references, **sweep)
        for name, gan in gans.items()
    }
    for name, records in {"MLE": mle_curve, **curves}.items():
        for record in records:
            print(
                f"{name:>24}  T={record['temperature']:<4}  BLEU-4 {record['bleu_4']:.3f}  "
                f"Self-BLEU-4 {record['self_bleu_4']:.3f}  NLL_test {record['nll_test']:.3f}"
            )
    ax = plot_quality_diversity(curves, mle=mle_curve)
    ax.figure.savefig(output, dpi=120)
    print(f"plot saved to {output}")
    return curves


if __name__ == "__main__":
    main()
