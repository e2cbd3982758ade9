"""The documentation: it builds without warnings, and every example in it runs.

- every public class and function has an Examples section that pytest's
  ``--doctest-modules`` runs;
- the Sphinx site builds with warnings as errors (when Sphinx and numpydoc
  are installed: the ``docs`` or ``test`` extra);
- the code of every page of ``docs/`` and the example scripts run.
"""

import doctest
import importlib
import inspect
import runpy
import sys
import warnings
from pathlib import Path

import pytest

DOCS = Path(__file__).resolve().parents[1] / "docs"
PUBLIC_MODULES = [
    "sklearn_textgan",
    "sklearn_textgan.datasets",
    "sklearn_textgan.metrics",
    "sklearn_textgan.models",
    "sklearn_textgan.plot",
    "sklearn_textgan.training",
]


def _public_objects():
    for module_name in PUBLIC_MODULES:
        module = importlib.import_module(module_name)
        for name in module.__all__:
            value = getattr(module, name)
            if inspect.isclass(value) or inspect.isfunction(inspect.unwrap(value)):
                yield pytest.param(value, id=f"{module_name}.{name}")


def _doctest_of(value) -> doctest.DocTest | None:
    """The doctest that ``--doctest-modules`` finds for ``value`` in its own module."""
    module = sys.modules[value.__module__]
    qualname = f"{module.__name__}.{value.__qualname__}"
    for test in doctest.DocTestFinder().find(module):
        if test.name == qualname:
            return test
    return None


@pytest.mark.parametrize("value", _public_objects())
def test_public_object_has_a_runnable_examples_section(value):
    docstring = inspect.getdoc(value) or ""
    assert "\nExamples\n--------\n" in docstring, f"{value.__qualname__} has no Examples section"
    test = _doctest_of(value)
    # Found where pytest's doctest collection looks, with at least one example.
    assert test is not None and test.examples, f"{value.__qualname__}: no doctest found"


def test_the_api_reference_covers_every_public_module():
    api = (DOCS / "api.rst").read_text()
    for module_name in PUBLIC_MODULES:
        assert f".. public-api:: {module_name}\n" in api, module_name


def test_every_page_is_in_a_table_of_contents():
    pages = {path.relative_to(DOCS).with_suffix("").as_posix() for path in DOCS.rglob("*.rst")}
    listed = {"index"}
    for path in DOCS.rglob("*.rst"):
        text = path.read_text()
        if ".. toctree::" in text:
            folder = path.parent.relative_to(DOCS)
            for line in text.split(".. toctree::", 1)[1].splitlines()[1:]:
                entry = line.strip()
                if entry and not entry.startswith(":"):
                    listed.add((folder / entry).as_posix())
                elif not line.startswith(" ") and line:
                    break
    assert pages <= listed, pages - listed


def test_every_example_script_is_shown():
    shown = (DOCS / "examples" / "index.rst").read_text()
    for script in (DOCS / "examples").glob("*.py"):
        assert f".. literalinclude:: {script.name}" in shown, script.name


@pytest.mark.parametrize(
    "page",
    sorted(str(path.relative_to(DOCS)) for path in DOCS.rglob("*.rst")),
)
def test_the_code_of_each_page_runs(page, monkeypatch):
    text = (DOCS / page).read_text()
    if "matplotlib" in text:
        pytest.importorskip("matplotlib")
    # Dropped with the doctest: pages must not need a display, nor leave files.
    monkeypatch.setenv("MPLBACKEND", "Agg")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # truncation notices in cross-validation folds
        result = doctest.testfile(
            str(DOCS / page),
            module_relative=False,
            optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE,
            verbose=False,
            report=True,
        )
    assert result.failed == 0, f"{result.failed} example(s) of {page} failed (see above)"


# Each script with a budget small enough for the tests.
TINY_BUDGETS = {
    "train_sample_evaluate.py": {"n_train": 300, "epochs": 1, "hidden_dim": 8, "n_samples": 20},
    "gan_against_mle.py": {
        "n_train": 300,
        "pretrain_epochs": 1,
        "adversarial_epochs": 1,
        "hidden_dim": 8,
        "n_samples": 10,
        "temperatures": (0.8, 1.2),
    },
    "training_curves.py": {"n_train": 300, "pretrain_epochs": 1, "adversarial_epochs": 2},
    "grid_search.py": {"n_train": 150, "hidden_dims": (4, 8), "epochs": 1, "n_samples": 10},
}


def test_every_example_script_has_a_tiny_budget():
    assert sorted(TINY_BUDGETS) == sorted(path.name for path in (DOCS / "examples").glob("*.py"))


@pytest.mark.parametrize("script", sorted(TINY_BUDGETS))
def test_example_script_runs(script, tmp_path, monkeypatch, capsys):
    source = (DOCS / "examples" / script).read_text()
    if "matplotlib" in source:
        pytest.importorskip("matplotlib")
    monkeypatch.chdir(tmp_path)  # the pictures go here
    namespace = runpy.run_path(str(DOCS / "examples" / script), run_name="example")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        namespace["main"](**TINY_BUDGETS[script])
    assert capsys.readouterr().out
    for picture in tmp_path.glob("*.png"):
        assert picture.read_bytes().startswith(b"\x89PNG")


def test_the_site_builds_without_warnings(tmp_path, capsys):
    pytest.importorskip("sphinx")
    pytest.importorskip("numpydoc")
    from sphinx.cmd.build import build_main

    # -W turns every warning (a broken reference, a malformed docstring) into
    # a failure. In this process: starting another one would import torch again.
    arguments = ["-W", "--keep-going", "-q", "-b", "html", "-d", str(tmp_path / "doctrees")]
    status = build_main([*arguments, str(DOCS), str(tmp_path / "html")])
    output = capsys.readouterr()
    assert status == 0, output.err + output.out
    api = (tmp_path / "html" / "api.html").read_text()
    for name in ("TextGAN", "quality_diversity_curve", "plot_history", "make_grammar_corpus"):
        assert name in api
