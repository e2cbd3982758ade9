"""The temperature-sweep benchmarks run end to end, and judge a GAN against MLE correctly.

``benchmarks/`` is a folder of scripts, not a package: the scripts are
imported from it here, which must run nothing. Each script runs once on its
``--quick`` budget (toy networks, a few hundred texts, one epoch) for one
seed; between them every algorithm is exercised.
"""

import argparse
import importlib
import json
import math
import sys
from pathlib import Path

import pytest
import torch

BENCHMARKS = Path(__file__).resolve().parents[1] / "benchmarks"

# Between the two scripts, every algorithm runs once (and each its own MLE start).
ORACLE_ALGORITHMS = ["mle", "seqgan", "dense"]
COCO_ALGORITHMS = ["mle", "maligan", "relgan"]


@pytest.fixture(scope="module")
def scripts():
    """The two benchmark modules, imported from the benchmarks folder."""
    sys.path.insert(0, str(BENCHMARKS))
    try:
        yield (importlib.import_module("bench_oracle"), importlib.import_module("bench_coco"))
    finally:
        sys.path.remove(str(BENCHMARKS))


@pytest.fixture
def keep_torch_threads():
    """A run sets torch's thread count for itself; give the test session its own back."""
    threads = torch.get_num_threads()
    yield
    torch.set_num_threads(threads)


def all_numbers(value):
    """Every number in a JSON value, walking dicts and lists."""
    if isinstance(value, dict):
        for item in value.values():
            yield from all_numbers(item)
    elif isinstance(value, list):
        for item in value:
            yield from all_numbers(item)
    elif isinstance(value, (int, float)) and not isinstance(value, bool):
        yield value


def check_common_structure(payload: dict, module, algorithms: list[str], tmp_path: Path) -> None:
    assert payload["complete"] is True
    assert {"protocol", "settings", "wall_seconds", "summary", "runs", "environment"} <= set(
        payload
    )
    assert payload["settings"]["quick"] is True
    # Where files were read or written is not part of the results.
    assert "results_dir" not in payload["settings"] and "data_home" not in payload["settings"]
    # One MLE record per run, and one GAN record for each GAN run.
    gans = [a for a in algorithms if a != "mle"]
    assert len(payload["runs"]) == len(algorithms) + len(gans)
    for record in payload["runs"]:
        assert [p["temperature"] for p in record["curve"]] == list(module.TEMPERATURES)
        assert record["seconds"] >= 0
    numbers = list(all_numbers(payload["runs"])) + list(all_numbers(payload["summary"]))
    assert numbers and all(math.isfinite(number) for number in numbers)
    # A row for each GAN and one for the MLE start of each generator.
    rows = {(row["model"], row["generator"]) for row in payload["summary"]}
    generators = {a: module.SETTINGS[a]["generator"] for a in algorithms}
    assert rows == {(a, generators[a]) for a in algorithms} | {
        ("mle", g) for g in generators.values()
    }
    for row in payload["summary"]:
        assert row["seeds"] == 1
        if row["model"] != "mle":
            assert 0 <= row["points_better_than_mle"] <= row["comparable_points"]
            assert row["comparable_points"] <= len(module.TEMPERATURES)


def test_verdict_oracle_compares_nll_oracle_at_equal_nll_test(scripts):
    bench_oracle, _ = scripts
    mle = [  # lower temperature: worse coverage (NLL_test), better quality (NLL_oracle)
        {"nll_test": 9.0, "nll_oracle": 8.0},
        {"nll_test": 8.0, "nll_oracle": 9.0},
        {"nll_test": 7.0, "nll_oracle": 10.0},
    ]
    gan = [
        {"nll_test": 8.5, "nll_oracle": 8.0},  # the MLE curve gives 8.5 here: better by 0.5
        {"nll_test": 7.5, "nll_oracle": 9.7},  # 9.5 here: worse by 0.2
        {"nll_test": 6.0, "nll_oracle": 5.0},  # outside the MLE curve's range: not compared
    ]
    result = bench_oracle.verdict(gan, mle)
    assert result["comparable_points"] == 2
    assert result["points_better_than_mle"] == 1
    assert result["mean_nll_oracle_gap"] == pytest.approx((-0.5 + 0.2) / 2)


def test_verdict_coco_compares_bleu_at_equal_self_bleu(scripts):
    _, bench_coco = scripts
    mle = [  # lower temperature: less diverse (higher Self-BLEU-4), higher BLEU-4
        {"self_bleu_4": 0.5, "bleu_4": 0.30},
        {"self_bleu_4": 0.9, "bleu_4": 0.50},  # unordered on purpose
        {"self_bleu_4": 0.7, "bleu_4": 0.40},
    ]
    gan = [
        {"self_bleu_4": 0.8, "bleu_4": 0.50},  # the MLE curve gives 0.45 here: better by 0.05
        {"self_bleu_4": 0.6, "bleu_4": 0.33},  # 0.35 here: worse by 0.02
        {"self_bleu_4": 0.95, "bleu_4": 0.90},  # outside the MLE curve's range: not compared
    ]
    result = bench_coco.verdict(gan, mle)
    assert result["comparable_points"] == 2
    assert result["points_better_than_mle"] == 1
    assert result["mean_bleu_4_gap"] == pytest.approx((0.05 - 0.02) / 2)
    # A GAN point on the MLE curve is no better; no comparable point gives no gap.
    assert bench_coco.verdict(mle, mle)["points_better_than_mle"] == 0
    assert bench_coco.verdict(gan[2:], mle) == {
        "comparable_points": 0,
        "points_better_than_mle": 0,
        "mean_bleu_4_gap": None,
    }


def test_the_mle_row_measures_how_far_apart_its_seeds_curves_lie(scripts):
    # The yardstick for a GAN's gap: one seed's MLE curve judged against another's.
    _, bench_coco = scripts
    # The summary reads every metric; only BLEU-4 and Self-BLEU-4 matter to the verdict.
    other_metrics = dict.fromkeys(
        ["bleu_2", "bleu_3", "bleu_5", "self_bleu_2", "self_bleu_3", "self_bleu_5"], 0.5
    )
    other_metrics.update(nll_test=4.0, mean_length=10.0)
    curve = [
        {**other_metrics, "temperature": t, "self_bleu_4": x, "bleu_4": x / 2}
        for t, x in ((0.6, 0.8), (1.0, 0.4))
    ]
    higher = [{**p, "bleu_4": p["bleu_4"] + 0.03} for p in curve]  # 0.03 above at equal Self-BLEU
    lower = [{**p, "bleu_4": p["bleu_4"] - 0.01} for p in curve]
    common = {"algorithm": "mle", "model": "mle", "generator": "lstm", "seconds": 1.0}
    runs = [{**common, "seed": seed, "curve": c} for seed, c in enumerate((curve, higher, lower))]
    (row,) = bench_coco.summary(runs)
    # Largest in absolute value: the higher seed's curve against the lower one's.
    assert row["largest_seed_to_seed_gap"] == pytest.approx(0.04)
    (one_seed,) = bench_coco.summary(runs[:1])
    assert "largest_seed_to_seed_gap" not in one_seed
    # Curves that share no Self-BLEU range give no gap to measure.
    apart = [{**p, "self_bleu_4": p["self_bleu_4"] + 1.0} for p in curve]
    (row,) = bench_coco.summary([runs[0], {**runs[1], "curve": apart}])
    assert row["largest_seed_to_seed_gap"] is None


def test_results_name_keeps_smoke_runs_mle_recipes_generators_and_rates_apart(scripts):
    from _sweep import results_name

    def args(quick, recipe, generator=None, rate=None):
        return argparse.Namespace(
            quick=quick, mle_recipe=recipe, generator=generator, adversarial_learning_rate=rate
        )

    assert results_name("oracle", args(False, "early-stopping")) == "oracle"
    assert results_name("oracle", args(False, "fixed")) == "oracle_fixed"
    assert results_name("oracle", args(False, "fixed", "lstm")) == "oracle_fixed_lstm"
    assert results_name("coco", args(False, "early-stopping", "rmc")) == "coco_rmc"
    assert results_name("coco", args(True, "fixed", "lstm")) == "coco_quick"
    # A rerun with another learning rate must not overwrite the default rate's file.
    assert results_name("oracle", args(False, "fixed", None, 0.01)) == "oracle_fixed_lr0.01"
    with_both = args(False, "fixed", "lstm", 1e-4)
    assert results_name("oracle", with_both) == "oracle_fixed_lstm_lr0.0001"


def test_generator_option_overrides_every_algorithms_generator(scripts):
    from _sweep import LSTM_GENERATOR, RMC_GENERATOR, Budget, algorithm_settings

    settings = algorithm_settings(relgan_epochs=10)
    own = Budget(settings, quick=False, pretrain_epochs=1, adversarial_epochs=None)
    assert own.generator("relgan") == RMC_GENERATOR
    assert own.generator("seqgan") == LSTM_GENERATOR
    lstm = Budget(settings, False, 1, None, generator="lstm")
    assert lstm.generator("relgan") == LSTM_GENERATOR  # no relational-memory sizes left over
    assert lstm.adversarial("relgan") == own.adversarial("relgan")
    assert Budget(settings, False, 1, None, generator="rmc").generator("mle") == RMC_GENERATOR


def test_coco_tokenization_helpers(scripts):
    _, bench_coco = scripts
    assert bench_coco.attach_clitics("a farmer 's market ca n't close .") == (
        "a farmer's market can't close ."
    )
    assert bench_coco.attach_clitics("a sign that says ' stop '") == "a sign that says ' stop '"
    long_caption = " ".join(["dog"] * 25) + "."
    assert bench_coco.cut([long_caption, "a cat."]) == [" ".join(["dog"] * 20), "a cat."]


def test_bench_oracle_quick_end_to_end(scripts, data_home, tmp_path, keep_torch_threads):
    bench_oracle, _ = scripts
    # The published scripts' MLE recipe here, early stopping in the COCO test.
    argv = ["--quick", "--seeds", "0", "--algorithms", *ORACLE_ALGORITHMS, "--mle-recipe", "fixed"]
    argv += ["--adversarial-learning-rate", "0.01"]
    path = bench_oracle.main([*argv, "--data-home", str(data_home), "--results-dir", str(tmp_path)])

    assert path == tmp_path / "oracle_quick.json"
    payload = json.loads(path.read_text())
    check_common_structure(payload, bench_oracle, ORACLE_ALGORITHMS, tmp_path)
    starts = [record for record in payload["runs"] if record["model"] == "mle"]
    assert {record["mle_recipe"] for record in starts} == {"fixed"}
    assert {(r["validation_fraction"], r["n_iter_no_change"]) for r in starts} == {(0.0, None)}
    gans = [record for record in payload["runs"] if record["model"] != "mle"]
    assert {record["adversarial_learning_rate"] for record in gans} == {0.01}
    for record in payload["runs"]:
        for point in record["curve"]:
            assert point["nll_oracle"] > 0 and point["nll_test"] > 0
            assert 0 <= point["mean_length"] <= 20
            assert 0 <= point["copied_4grams"] <= 1


def test_bench_coco_quick_end_to_end(scripts, data_home, tmp_path, keep_torch_threads):
    _, bench_coco = scripts
    argv = ["--quick", "--seeds", "0", "--algorithms", *COCO_ALGORITHMS]
    path = bench_coco.main([*argv, "--data-home", str(data_home), "--results-dir", str(tmp_path)])

    assert path == tmp_path / "coco_quick.json"
    payload = json.loads(path.read_text())
    check_common_structure(payload, bench_coco, COCO_ALGORITHMS, tmp_path)
    settings = payload["settings"]
    assert settings["n_train"] == 300 and settings["n_references"] == 300
    scores = [f"{kind}_{n}" for kind in ("bleu", "self_bleu") for n in bench_coco.ORDERS]
    for record in payload["runs"]:
        for point in record["curve"]:
            assert all(0 <= point[key] <= 1 for key in scores)
            assert point["nll_test"] > 0
            assert 0 <= point["mean_length"] <= bench_coco.MAX_LENGTH
    real = payload["real_captions"]
    assert real["n_captions"] == settings["n_samples"]
    assert all(0 < real[key] <= 1 for key in scores)
    rows = {row["model"]: row for row in payload["summary"]}
    assert rows["relgan"]["published_bleu"]["bleu_4"] == 0.502
    assert rows["maligan"]["published_bleu"] is None


def test_compare_mle_recipes_judges_each_common_seed(scripts, tmp_path):
    import compare_mle_recipes

    def results(name, curves):
        runs = [
            {"model": "mle", "seed": seed, "epochs": epochs, "curve": curve}
            for seed, (epochs, curve) in curves.items()
        ]
        # A GAN record of the same seed must not be taken for its MLE start.
        gan_curve = [{"temperature": 1.0, "self_bleu_4": 0.55, "bleu_4": 0.4}]
        runs.append({"model": "seqgan", "seed": 0, "epochs": 7, "curve": gan_curve})
        path = tmp_path / f"{name}.json"
        path.write_text(json.dumps({"runs": runs}))
        return path

    early = [  # lower temperature: less diverse, higher BLEU-4
        {"temperature": 0.8, "self_bleu_4": 0.7, "bleu_4": 0.40},
        {"temperature": 1.0, "self_bleu_4": 0.5, "bleu_4": 0.30},
    ]
    fixed = [
        {"temperature": 0.8, "self_bleu_4": 0.8, "bleu_4": 0.50},  # beyond the yardstick
        {"temperature": 1.0, "self_bleu_4": 0.6, "bleu_4": 0.33},  # 0.35 there: 0.02 worse
        {"temperature": 0.9, "self_bleu_4": 0.75, "bleu_4": 0.35},  # beyond, and dominated
    ]
    reference = results("coco", {0: (15, early), 1: (14, early)})
    candidate = results("coco_fixed", {0: (150, fixed), 2: (150, fixed)})
    path = compare_mle_recipes.main(
        ["coco", str(reference), str(candidate), "--results-dir", str(tmp_path)]
    )
    (row,) = json.loads(path.read_text())["rows"]  # seed 0 only: the one in both files
    assert (row["seed"], row["reference_epochs"], row["candidate_epochs"]) == (0, 15, 150)
    assert row["candidate_at_t1"] == {"self_bleu_4": 0.6, "bleu_4": 0.33}
    assert (row["comparable_points"], row["points_better_than_mle"]) == (1, 0)
    assert row["mean_bleu_4_gap"] == pytest.approx(-0.02)
    # (0.75, 0.35) is less diverse and lower in BLEU-4 than the reference's (0.7, 0.40).
    assert row["dominated_points"] == 1

    argv = ["coco", str(reference), str(candidate), "--results-dir", str(tmp_path)]
    path = compare_mle_recipes.main([*argv, "--model", "seqgan"])
    assert path.name == "mle_recipes_coco_seqgan.json"
    (row,) = json.loads(path.read_text())["rows"]
    assert (row["model"], row["candidate_epochs"]) == ("seqgan", 7)
    assert (row["comparable_points"], row["points_better_than_mle"]) == (1, 1)
    path = compare_mle_recipes.main([*argv, "--model", "seqgan", "--name", "judged_again"])
    assert path.name == "judged_again.json"
    assert json.loads(path.read_text())["rows"][0]["model"] == "seqgan"


def test_compare_mle_recipes_refuses_to_guess_between_generators(scripts, tmp_path):
    import compare_mle_recipes

    def run(generator, bleu_4):
        curve = [{"temperature": 1.0, "self_bleu_4": 0.5, "bleu_4": bleu_4}]
        return {"model": "mle", "seed": 0, "epochs": 9, "generator": generator, "curve": curve}

    reference = tmp_path / "reference.json"
    # The same MLE start recorded by two GAN runs of one sweep is one model.
    reference.write_text(json.dumps({"runs": [run("lstm", 0.30), run("lstm", 0.30)]}))
    candidate = tmp_path / "candidate.json"
    candidate.write_text(json.dumps({"runs": [run("lstm", 0.30), run("rmc", 0.25)]}))
    argv = ["coco", str(reference), str(candidate), "--results-dir", str(tmp_path)]
    with pytest.raises(SystemExit, match="generators lstm and rmc"):
        compare_mle_recipes.main(argv)
    path = compare_mle_recipes.main([*argv, "--generator", "rmc"])
    (row,) = json.loads(path.read_text())["rows"]
    assert row["candidate_at_t1"]["bleu_4"] == 0.25
    with pytest.raises(SystemExit, match="candidate.json has mle runs of seed 0"):
        compare_mle_recipes.main(
            ["coco", str(candidate), str(reference), "--results-dir", str(tmp_path)]
        )
    path = compare_mle_recipes.main(
        ["coco", str(candidate), str(reference), "--reference-generator", "rmc"]
        + ["--results-dir", str(tmp_path)]
    )
    assert json.loads(path.read_text())["reference_generator"] == "rmc"


def test_a_run_with_a_resume_folder_picks_up_what_it_finished(scripts, tmp_path, monkeypatch):
    import _sweep
    from test_checkpoint import Killed, kill_after, read_checkpoint

    from sklearn_textgan import TextGAN
    from sklearn_textgan.training import Checkpointer

    train = torch.randint(3, 40, (60, 8), generator=torch.Generator().manual_seed(0)).numpy()
    scored = []

    def score(model):
        scored.append(model.algorithm)
        texts = model.sample(20, random_state=0)
        return [{"temperature": 1.0, "mean_id": float(texts.mean())}]

    def budget():
        settings = _sweep.algorithm_settings(relgan_epochs=2)
        return _sweep.Budget(settings, True, 1, None, resume_dir=str(tmp_path))

    def run():
        return _sweep.train_and_score("seqgan", 0, budget(), "cpu", train, score, max_length=8)

    first = run()
    folder = tmp_path / "seqgan-seed0"
    assert {"settings.json", "mle.json", "mle.textgan", "schedule.json", "records.json"} <= {
        path.name for path in folder.iterdir()
    }
    assert scored == ["mle", "seqgan"]
    # A finished run is read back: nothing is trained or scored again.
    assert run() == first and scored == ["mle", "seqgan"]

    # Stopped after its MLE start: the start is loaded, and the GAN trained
    # from it is the one the uninterrupted run trained.
    (folder / "records.json").unlink()
    fitted = []
    original_fit = TextGAN.fit

    def counting_fit(self, *args, **kwargs):
        fitted.append(self.algorithm)
        return original_fit(self, *args, **kwargs)

    monkeypatch.setattr(TextGAN, "fit", counting_fit)
    again = run()
    assert fitted == ["seqgan"]
    assert again[1]["curve"] == first[1]["curve"] and again[0] == first[0]

    # Killed during its adversarial fit: the fit resumes from its checkpoint
    # (the epochs before it are not trained again) and ends as before.
    (folder / "records.json").unlink()
    monkeypatch.undo()
    original_end = Checkpointer.epoch_end
    kill_after("adversarial", 1, monkeypatch)
    monkeypatch.setattr(_sweep, "RESUME_CHECKPOINT_EVERY", 1)  # a quick run has two rounds
    with pytest.raises(Killed):
        run()
    monkeypatch.setattr(Checkpointer, "epoch_end", original_end)
    checkpoint = read_checkpoint(folder / "gan-checkpoints")
    assert checkpoint["stage"] == "adversarial" and checkpoint["epoch"] == 1
    trained_rounds = []
    original_epoch = Checkpointer.epoch_end

    def counting_end(self, state, stage, epoch, loop_state):
        trained_rounds.append((stage, epoch))
        original_epoch(self, state, stage, epoch, loop_state)

    monkeypatch.setattr(Checkpointer, "epoch_end", counting_end)
    resumed = run()
    assert trained_rounds == [("adversarial", 2)]
    assert resumed[0] == first[0] and resumed[1]["curve"] == first[1]["curve"]
    assert resumed[1]["seconds"] > 0  # its training time, the killed sitting's included

    # Other settings in the same folder are refused, not mixed.
    with pytest.raises(SystemExit, match="other settings"):
        _sweep.train_and_score("seqgan", 0, budget(), "cpu", train, score, max_length=9)


def test_relgan_runs_with_its_published_discriminator_settings(scripts, monkeypatch):
    import _sweep

    from sklearn_textgan import TextGAN

    bench_oracle, bench_coco = scripts
    relgan = bench_oracle.SETTINGS["relgan"]
    assert (relgan["epochs"], relgan["adversarial"]["gumbel_temperature"]) == (3000, 1.0)
    assert bench_coco.SETTINGS["relgan"]["adversarial"]["gumbel_temperature"] == 100.0
    fitted = []
    original_fit = TextGAN.fit

    def recording_fit(self, X, y=None):
        params = ("algorithm", "discriminator_pretrain_epochs", "dropout", "discriminator_dropout")
        fitted.append(tuple(getattr(self, name) for name in params))
        return original_fit(self, X, y)

    monkeypatch.setattr(TextGAN, "fit", recording_fit)
    train = torch.randint(3, 40, (60, 8), generator=torch.Generator().manual_seed(0)).numpy()
    for algorithm in ("relgan", "seqgan"):
        budget = _sweep.Budget(bench_oracle.SETTINGS, True, 1, None)
        _sweep.train_and_score(algorithm, 0, budget, "cpu", train, lambda model: [], max_length=8)
    # The published RelGAN code neither pretrains its discriminator nor drops the
    # generator's units, and drops a quarter of the discriminator's features.
    assert fitted == [
        ("mle", 3, 0.0, None), ("relgan", 0, 0.0, 0.25),
        ("mle", 3, 0.0, None), ("seqgan", 1, 0.0, None),
    ]  # fmt: skip


def test_merge_results_adds_comparable_runs_and_recomputes_the_summary(scripts, tmp_path):
    import merge_results

    bench_oracle, _ = scripts

    def record(algorithm, seed, model, generator, nll_oracle):
        curve = [
            {"temperature": t, "nll_oracle": nll_oracle - 2 * (1 - t), "nll_test": 9 + 4 * (1 - t)}
            for t in (0.8, 1.0)
        ]
        return {
            "algorithm": algorithm,
            "seed": seed,
            "model": model,
            "generator": generator,
            "epochs": 3,
            "seconds": 1.0,
            "curve": curve,
        }

    def results(name, runs, complete=True, **settings):
        algorithms = {r["algorithm"]: {"generator": r["generator"]} for r in runs}
        payload = {
            "protocol": "p",
            "settings": {
                "seeds": [],
                "mle_recipe": "fixed",
                "pretrain_epochs": 80,
                "temperatures": [0.8, 1.0],
                "threads": 1,
                "algorithms": algorithms,
                **settings,
            },
            "complete": complete,
            "wall_seconds": 5.0,
            "summary": [],
            "runs": runs,
            "note": "First invocation.",
            "environment": {"date": name},
        }
        path = tmp_path / f"{name}.json"
        path.write_text(json.dumps(payload))
        return path

    target = results(
        "target",
        [record("seqgan", 0, "mle", "lstm", 9.0), record("seqgan", 0, "seqgan", "lstm", 8.9)],
    )
    relgan = [record("relgan", 0, "mle", "rmc", 9.1), record("relgan", 0, "relgan", "rmc", 8.0)]
    # Threads and run time may differ between invocations.
    source = results("source", relgan, complete=False, threads=2, run_seconds=60.0)
    argv = ["oracle", str(target), str(source), "--output", str(tmp_path / "merged.json")]
    path = merge_results.main([*argv, "--note", "RelGAN from a second invocation."])

    merged = json.loads(path.read_text())
    assert list(map(merge_results.run_key, merged["runs"])) == [
        ("seqgan", 0, "mle", "lstm"),
        ("seqgan", 0, "seqgan", "lstm"),
        ("relgan", 0, "mle", "rmc"),
        ("relgan", 0, "relgan", "rmc"),
    ]
    assert merged["summary"] == bench_oracle.summary(merged["runs"])
    rows = {(row["model"], row["generator"]): row for row in merged["summary"]}
    assert rows[("relgan", "rmc")]["nll_oracle"] == 8.0
    # Judged against its own start (the rmc MLE run), 1.1 nats better at both temperatures.
    assert rows[("relgan", "rmc")]["mean_nll_oracle_gap"] == pytest.approx(-1.1)
    assert merged["note"] == "First invocation. RelGAN from a second invocation."
    assert merged["environment"] == {"date": "target"}
    assert merged["complete"] is False and merged["wall_seconds"] is None
    assert merged["settings"]["seeds"] == [0]
    assert merged["settings"]["algorithms"]["relgan"] == {"generator": "rmc"}
    assert json.loads(target.read_text())["runs"] == merged["runs"][:2]  # --output: untouched

    # A run already there is refused, or replaced on request; in place by default.
    again = results("again", [record("seqgan", 0, "seqgan", "lstm", 8.5)])
    with pytest.raises(SystemExit, match=r"already holds .*\('seqgan', 0, 'seqgan', 'lstm'\)"):
        merge_results.main(["oracle", str(target), str(again), "--note", "n"])
    merge_results.main(["oracle", str(target), str(again), "--note", "n", "--replace"])
    replaced = json.loads(target.read_text())
    assert [r["curve"][1]["nll_oracle"] for r in replaced["runs"]] == [9.0, 8.5]

    # Runs made with another recipe, or another algorithm setting, are not comparable.
    other = results("other", relgan, mle_recipe="early-stopping")
    with pytest.raises(SystemExit, match="mle_recipe: 'fixed' in the target, 'early-stopping'"):
        merge_results.main(["oracle", str(target), str(other), "--note", "n"])
    lstm_seqgan = results("lstm", [record("seqgan", 1, "mle", "rmc", 9.0)])
    with pytest.raises(SystemExit, match="the settings of seqgan"):
        merge_results.main(["oracle", str(target), str(lstm_seqgan), "--note", "n"])


def test_merge_results_takes_a_relgan_run_into_the_committed_oracle_table(scripts, tmp_path):
    # The README's command, on the committed file as it was before its RelGAN
    # row: every algorithm's settings listed, RelGAN's from before its published
    # oracle setting, and no RelGAN run.
    import merge_results

    bench_oracle, _ = scripts
    committed = json.loads((BENCHMARKS / "results" / "oracle_fixed.json").read_text())
    target = {
        **committed,
        "runs": [record for record in committed["runs"] if record["algorithm"] != "relgan"],
    }
    relgan = bench_oracle.SETTINGS["relgan"]
    old_relgan = {**relgan, "adversarial": {**relgan["adversarial"], "gumbel_temperature": 100.0}}
    target["settings"] = {
        **committed["settings"],
        "algorithms": {**committed["settings"]["algorithms"], "relgan": old_relgan},
    }
    before = tmp_path / "before.json"
    before.write_text(json.dumps(target))
    curve = [{"temperature": t, "nll_oracle": 8.0, "nll_test": 9.0 + t} for t in (0.8, 1.0)]
    common = {"algorithm": "relgan", "seed": 0, "generator": "rmc", "epochs": 1, "seconds": 1.0}
    runs = [{**common, "model": model, "curve": curve} for model in ("mle", "relgan")]
    settings = {**target["settings"], "seeds": [0], "adversarial_epochs": 1000, "threads": 2}
    settings["algorithms"] = bench_oracle.SETTINGS
    source = tmp_path / "oracle_fixed.json"
    source.write_text(json.dumps({**target, "settings": settings, "runs": runs}))
    argv = ["oracle", str(before), str(source), "--output", str(tmp_path / "merged.json")]
    merged = json.loads(merge_results.main([*argv, "--note", "n"]).read_text())
    assert merged["settings"]["algorithms"]["relgan"] == bench_oracle.SETTINGS["relgan"]
    assert {("relgan", "rmc"), ("mle", "rmc")} <= {
        (row["model"], row["generator"]) for row in merged["summary"]
    }


def by_benchmark(scripts) -> dict:
    """The benchmark modules by the name their results files start with."""
    bench_oracle, bench_coco = scripts
    return {"oracle": bench_oracle, "coco": bench_coco}


@pytest.mark.parametrize("script, name", [("oracle", "oracle_fixed"), ("coco", "coco")])
def test_the_committed_relgan_rows_ran_with_the_current_settings(scripts, script, name):
    # A results row is only rerunnable by the README's command if the settings
    # it records are the script's own.
    module = by_benchmark(scripts)[script]
    committed = json.loads((BENCHMARKS / "results" / f"{name}.json").read_text())
    assert committed["settings"]["algorithms"]["relgan"] == module.SETTINGS["relgan"]
    relgan = [record for record in committed["runs"] if record["algorithm"] == "relgan"]
    assert {(record["model"], record["generator"]) for record in relgan} == {
        ("mle", "rmc"),
        ("relgan", "rmc"),
    }


def committed_sweep_results() -> list[Path]:
    """The committed results files of the two sweep scripts (and of merges into them)."""
    return sorted(
        path
        for path in (BENCHMARKS / "results").glob("*.json")
        if path.stem.split("_")[0] in ("oracle", "coco") and "runs" in json.loads(path.read_text())
    )


@pytest.mark.parametrize("path", committed_sweep_results(), ids=lambda path: path.stem)
def test_committed_summaries_are_what_the_scripts_compute_from_the_runs(scripts, path):
    # The tables in the READMEs are read off these summaries: a summary edited
    # by hand, or left behind by a merge that replaced runs, would not match.
    module = by_benchmark(scripts)[path.stem.split("_")[0]]
    committed = json.loads(path.read_text())
    recomputed = json.loads(json.dumps(module.summary(committed["runs"])))
    assert_same_values(committed["summary"], recomputed)


def assert_same_values(committed, recomputed, where="summary"):
    """Equal JSON values, floats up to rounding (a last digit may differ between Pythons)."""
    if isinstance(committed, dict):
        assert isinstance(recomputed, dict) and committed.keys() == recomputed.keys(), where
        for key in committed:
            assert_same_values(committed[key], recomputed[key], f"{where}.{key}")
    elif isinstance(committed, list):
        assert isinstance(recomputed, list) and len(committed) == len(recomputed), where
        for index, (ours, theirs) in enumerate(zip(committed, recomputed, strict=True)):
            assert_same_values(ours, theirs, f"{where}[{index}]")
    elif isinstance(committed, float):
        assert recomputed == pytest.approx(committed, rel=1e-9, abs=1e-12), where
    else:
        assert committed == recomputed, where
