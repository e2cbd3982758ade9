"""Choose a model size by held-out likelihood, with quality and diversity alongside."""

from sklearn.model_selection import GridSearchCV

from sklearn_textgan import TextGAN
from sklearn_textgan.datasets import make_grammar_corpus
from sklearn_textgan.metrics import make_bleu_scorer, make_nll_scorer, make_self_bleu_scorer


def main(n_train=4000, hidden_dims=(32, 64, 128), epochs=8, n_samples=200, random_state=0):
    texts = make_grammar_corpus(n_train, random_state=random_state)
    references = make_grammar_corpus(1000, random_state=random_state + 1)
    search = GridSearchCV(
        TextGAN(embedding_dim=32, pretrain_epochs=epochs, random_state=random_state),
        {"hidden_dim": list(hidden_dims)},
        scoring={
            "nll": make_nll_scorer(),  # minus NLL_test: coverage
            "bleu": make_bleu_scorer(references, max_n=4, n_samples=n_samples),
            "self_bleu": make_self_bleu_scorer(max_n=4, n_samples=n_samples),
        },
        refit="nll",
        cv=3,
    ).fit(texts)
    results = search.cv_results_
    print(f"{'hidden_dim':>10}  {'NLL_test':>8}  {'BLEU-4':>6}  {'Self-BLEU-4':>11}")
    for index, params in enumerate(results["params"]):
        print(
            f"{params['hidden_dim']:>10}  {-results['mean_test_nll'][index]:>8.3f}  "
            f"{results['mean_test_bleu'][index]:>6.3f}  "
            f"{-results['mean_test_self_bleu'][index]:>11.3f}"
        )
    print(f"best by held-out likelihood: {search.best_params_}")
    return search


if __name__ == "__main__":
    main()
