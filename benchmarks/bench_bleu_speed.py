"""Speed of BLEU and Self-BLEU against NLTK, Image COCO (10,000 hypotheses, 10,000 references).

The protocol of the published tables (Texygen, RelGAN): BLEU-2 to BLEU-5 of
each of the 10,000 training captions (standing in for generated text) against
the 10,000 test captions, and Self-BLEU-2 to -5 of the 10,000 training
captions, leave-one-out. NLTK's ``sentence_bleu`` (smoothing method 1, what
those papers called) is timed on the first few hypotheses only, since it
takes seconds per hypothesis; the same hypotheses give the agreement figure.

    python benchmarks/bench_bleu_speed.py [--nltk-hypotheses 5] [--repeats 3]

Needs the benchmark data (``SKLEARN_TEXTGAN_DATA`` or the data folder beside
the repository) and nltk; skips when either is missing. Prints a table and
writes ``benchmarks/results/bleu_speed.json``.
"""

from __future__ import annotations

import argparse
import time

from _common import default_data_home, save

from sklearn_textgan.datasets import load_image_coco
from sklearn_textgan.metrics import bleu_scores, self_bleu_scores

ORDERS = (2, 3, 4, 5)


def best_of(repeats: int, function):
    """(result, seconds of each run) of ``function()`` called ``repeats`` times."""
    seconds = []
    for _ in range(repeats):
        started = time.perf_counter()
        result = function()
        seconds.append(time.perf_counter() - started)
    return result, seconds


def nltk_scores(references: list[list[str]], hypotheses: list[list[str]], leave_one_out: bool):
    """NLTK's BLEU-2..5 of each hypothesis, and the seconds it took per hypothesis."""
    from nltk.translate.bleu_score import SmoothingFunction, sentence_bleu

    smoothing = SmoothingFunction().method1
    scores = {n: [] for n in ORDERS}
    started = time.perf_counter()
    for index, hypothesis in enumerate(hypotheses):
        others = references[:index] + references[index + 1 :] if leave_one_out else references
        for n in ORDERS:
            weights = (1.0 / n,) * n
            scores[n].append(sentence_bleu(others, hypothesis, weights, smoothing))
    return scores, (time.perf_counter() - started) / len(hypotheses)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--nltk-hypotheses", type=int, default=5)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()

    data_home = default_data_home()
    if data_home is None:
        print("skipped: benchmark data not found (set SKLEARN_TEXTGAN_DATA)")
        return
    try:
        import nltk  # noqa: F401
    except ImportError:
        print("skipped: nltk is not installed (pip install nltk)")
        return
    hypotheses = load_image_coco("train", data_home=data_home)
    references = load_image_coco("test", data_home=data_home)

    bleu, bleu_seconds = best_of(
        args.repeats, lambda: bleu_scores(hypotheses, references, ORDERS, average=False)
    )
    self_bleu, self_bleu_seconds = best_of(
        args.repeats, lambda: self_bleu_scores(hypotheses, ORDERS, average=False)
    )

    hypothesis_tokens = [text.split() for text in hypotheses]
    reference_tokens = [text.split() for text in references]
    k = args.nltk_hypotheses
    nltk_bleu, nltk_bleu_seconds = nltk_scores(reference_tokens, hypothesis_tokens[:k], False)
    # Leave-one-out over all 10,000 texts, for the first k of them.
    nltk_self, nltk_self_seconds = nltk_scores(hypothesis_tokens, hypothesis_tokens[:k], True)
    bleu_difference = max(abs(nltk_bleu[n][i] - bleu[n][i]) for n in ORDERS for i in range(k))
    self_difference = max(abs(nltk_self[n][i] - self_bleu[n][i]) for n in ORDERS for i in range(k))

    largest_difference = max(bleu_difference, self_difference)
    ours_per_hypothesis = min(bleu_seconds) / len(hypotheses)
    ours_self_per_text = min(self_bleu_seconds) / len(hypotheses)
    results = {
        "configuration": {
            "data": "Image COCO: image_coco.txt (hypotheses) vs test_coco.txt (references)",
            "hypotheses": len(hypotheses),
            "references": len(references),
            "orders": list(ORDERS),
            "tokenization": "str.split()",
            "nltk_hypotheses": k,
            "repeats": args.repeats,
        },
        "bleu": {n: float(bleu[n].mean()) for n in ORDERS},
        "self_bleu": {n: float(self_bleu[n].mean()) for n in ORDERS},
        "bleu_seconds": bleu_seconds,
        "self_bleu_seconds": self_bleu_seconds,
        "nltk_bleu_seconds_per_hypothesis": nltk_bleu_seconds,
        "nltk_self_bleu_seconds_per_text": nltk_self_seconds,
        "bleu_speedup_per_hypothesis": nltk_bleu_seconds / ours_per_hypothesis,
        "self_bleu_speedup_per_text": nltk_self_seconds / ours_self_per_text,
        "max_abs_difference_from_nltk": {"bleu": bleu_difference, "self_bleu": self_difference},
    }
    path = save("bleu_speed", results)

    print(f"{len(hypotheses):,} hypotheses, {len(references):,} references, BLEU-2..5")
    print(f"{'measure':<46}{'value':>14}")
    rows = [
        ("BLEU-2..5, all hypotheses (s, best)", f"{min(bleu_seconds):.3f}"),
        ("Self-BLEU-2..5, all texts (s, best)", f"{min(self_bleu_seconds):.3f}"),
        ("NLTK BLEU-2..5, per hypothesis (s)", f"{nltk_bleu_seconds:.3f}"),
        ("NLTK Self-BLEU-2..5, per text (s)", f"{nltk_self_seconds:.3f}"),
        ("speed-up per hypothesis, BLEU", f"{results['bleu_speedup_per_hypothesis']:,.0f}x"),
        ("speed-up per text, Self-BLEU", f"{results['self_bleu_speedup_per_text']:,.0f}x"),
        (f"largest |difference| from NLTK ({k} texts)", f"{largest_difference:.1e}"),
    ]
    for name, value in rows:
        print(f"{name:<46}{value:>14}")
    for n in ORDERS:
        value = f"{results['bleu'][n]:.3f} / {results['self_bleu'][n]:.3f}"
        print(f"{f'BLEU-{n} / Self-BLEU-{n}':<46}{value:>14}")
    print(f"saved {path}")


if __name__ == "__main__":
    main()
