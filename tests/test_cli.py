"""The command line: ``python -m sklearn_textgan``."""

import subprocess
import sys

import pytest

from sklearn_textgan.__main__ import main


def test_demo_on_the_builtin_grammar(capsys):
    assert main(["demo", "--epochs", "1", "--n-train", "300", "--n-samples", "3"]) == 0
    out = capsys.readouterr().out
    assert "English grammar" in out
    assert "[mle] epoch   1/1" in out
    assert "NLL_test per token" in out
    assert "true grammar" in out
    assert out.count("\n  ") >= 3  # the printed samples


def test_demo_on_a_user_file(tmp_path, capsys):
    path = tmp_path / "texts.txt"
    path.write_text("\n".join(f"line number {i % 7} says hello." for i in range(60)) + "\n")
    assert main(["demo", "--data", str(path), "--epochs", "1", "--n-samples", "2"]) == 0
    out = capsys.readouterr().out
    assert f"{path}: 54 training and 6 held-out lines" in out
    assert "true grammar" not in out


def test_missing_file_is_one_clear_line(tmp_path, capsys):
    assert main(["demo", "--data", str(tmp_path / "absent.txt")]) == 2
    err = capsys.readouterr().err
    assert err.startswith("sklearn-textgan: error:") and "absent.txt" in err
    assert "Traceback" not in err


def test_module_entry_point_help():
    result = subprocess.run(
        [sys.executable, "-m", "sklearn_textgan", "--help"], capture_output=True, text=True
    )
    assert result.returncode == 0
    assert "demo" in result.stdout


def test_unknown_command_exits_nonzero():
    with pytest.raises(SystemExit) as excinfo:
        main(["frobnicate"])
    assert excinfo.value.code == 2
