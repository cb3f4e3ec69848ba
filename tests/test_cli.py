"""`scorecard`'s one convention: `scorecard: error:` paragraphs, exit 2 for a usage
mistake and 1 for a run that failed, and help that gives every option's default."""

from __future__ import annotations

import argparse
import csv
import shutil
from pathlib import Path

import pytest

from pipeline.cli.main import EXIT_FAILED, EXIT_USAGE, _parser, main

REPO = Path(__file__).resolve().parents[1]
RAW = REPO / "data" / "raw"
QUARTER = "2021-22-Q2"


def _subcommands() -> dict[str, argparse.ArgumentParser]:
    parser = _parser()
    (commands,) = [a for a in parser._actions if isinstance(a, argparse._SubParsersAction)]
    return dict(commands.choices)


@pytest.mark.parametrize("name", sorted(_subcommands()))
def test_every_option_has_a_line_of_help_and_its_default(name, capsys) -> None:
    command = _subcommands()[name]
    options = [a for a in command._actions if a.option_strings and a.dest != "help"]
    assert options
    assert main([name, "--help"]) == 0
    text = " ".join(capsys.readouterr().out.split())
    for option in options:
        assert option.help, f"{name} {option.option_strings[0]} has no help"
        rendered = command.formatter_class(name)._expand_help(option)
        assert "default" in rendered, f"{name} {option.option_strings[0]}: {rendered}"
        assert " ".join(rendered.split()) in text


def test_run_help_shows_the_defaults(capsys) -> None:
    assert main(["run", "--help"]) == 0
    text = " ".join(capsys.readouterr().out.split())
    assert "raw drop folder to read (default: data/raw)" in text
    assert "(default: data/marts)" in text


def _err(capsys) -> str:
    return " ".join(capsys.readouterr().err.split())


def test_an_unknown_option_is_a_usage_mistake(capsys) -> None:
    assert main(["run", "--quartre", QUARTER]) == EXIT_USAGE
    err = _err(capsys)
    assert "scorecard: error: unrecognized arguments: --quartre" in err
    assert "(see `scorecard --help`)" in err and "Traceback" not in err


def test_a_missing_required_option_is_a_usage_mistake(capsys) -> None:
    assert main(["report"]) == EXIT_USAGE
    assert "scorecard: error: the following arguments are required: --quarter" in _err(capsys)


def test_a_raw_dir_that_does_not_exist_says_so(tmp_path, capsys, monkeypatch) -> None:
    monkeypatch.setenv("DAGSTER_HOME", str(tmp_path / "home"))
    missing = tmp_path / "no-such-folder"
    assert main(["run", "--raw-dir", str(missing), "--marts-dir", str(tmp_path / "m")]) == 2
    err = _err(capsys)
    assert err == f"scorecard: error: The raw folder {missing} does not exist. Check --raw-dir."


def test_a_malformed_quarter_key_is_the_same_error_in_every_command(capsys) -> None:
    assert main(["summary", "--quarter", "2021/22 Q2"]) == EXIT_USAGE
    summary = _err(capsys)
    assert main(["report", "--quarter", "2021/22 Q2"]) == EXIT_USAGE
    report = _err(capsys)
    assert main(["run", "--quarter", "2021/22 Q2", "--raw-dir", str(RAW)]) == EXIT_USAGE
    run = _err(capsys)
    for err in (summary, report, run):
        assert err.startswith("scorecard: error: ") and "is not a quarter key" in err, err


def test_an_unknown_committee_is_a_usage_mistake(sample_history, capsys) -> None:
    marts = str(sample_history.marts)
    code = main(["report", "--quarter", QUARTER, "--committee", "Nope", "--marts-dir", marts])
    assert code == EXIT_USAGE
    assert _err(capsys).startswith("scorecard: error: ")


def test_a_run_blocked_by_bad_data_is_a_failed_run(tmp_path, capsys, monkeypatch) -> None:
    """Issue 16: LS=ZZ loaded without a word; now it blocks the quarter, exit 1."""
    raw = tmp_path / "raw"
    shutil.copytree(RAW / "reference", raw / "reference")
    shutil.copytree(RAW / QUARTER, raw / QUARTER)
    path = raw / QUARTER / "episodes.csv"
    rows = list(csv.reader(path.open(newline="", encoding="utf-8")))
    column = rows[0].index("LS")
    rows[5][column] = "ZZ"  # line 6 of the file
    with path.open("w", newline="", encoding="utf-8") as handle:
        csv.writer(handle, lineterminator="\n").writerows(rows)
    monkeypatch.setenv("DAGSTER_HOME", str(tmp_path / "home"))
    monkeypatch.setenv("SCORECARD_WAREHOUSE", str(tmp_path / "work" / "warehouse.duckdb"))
    code = main(["run", "--raw-dir", str(raw), "--marts-dir", str(tmp_path / "marts")])
    assert code == EXIT_FAILED
    err = _err(capsys)
    assert err.startswith("scorecard: error: ") and "Traceback" not in err
    assert "episodes.csv" in err and "row 6" in err and "LS" in err and "ZZ" in err
    assert not (tmp_path / "marts" / "scorecard.duckdb").exists()


def test_the_readme_states_the_convention() -> None:
    readme = " ".join((REPO / "README.md").read_text(encoding="utf-8").split())
    assert "`scorecard: error:`" in readme
    for line in ("`0`", "`1`", "`2`", "`130`"):
        assert line in readme[readme.index("### Errors and exit codes") :]
