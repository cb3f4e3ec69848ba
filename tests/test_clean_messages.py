"""Things a user can cause get a message, never a traceback (issue 12)."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from pipeline.cli.summary import format_summary
from pipeline.core.errors import UserError
from pipeline.extracts.discovery import scan_raw_folder
from pipeline.extracts.readers import ExtractError, find_extract, read_extract
from pipeline.publish.history import HistoryError, check_not_shrinking

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "data" / "raw"


def test_a_dangling_link_is_named_as_a_link_not_as_missing(tmp_path: Path) -> None:
    (tmp_path / "schools.csv").symlink_to(tmp_path / "exports" / "schools.csv")
    with pytest.raises(ExtractError) as caught:
        find_extract(tmp_path, "schools")
    assert str(caught.value) == (
        f"schools.csv: the file in {tmp_path} is a link to {tmp_path / 'exports' / 'schools.csv'}"
        ", which does not exist: point the link at the real file, or copy the file in its place"
    )


def test_an_unreadable_file_is_named(tmp_path: Path, monkeypatch) -> None:
    path = tmp_path / "schools.csv"
    path.write_bytes((SAMPLE / "2021-22-Q2" / "schools.csv").read_bytes())

    def denied(self):
        raise PermissionError(13, "Permission denied", str(self))

    monkeypatch.setattr(Path, "read_bytes", denied)
    with pytest.raises(ExtractError) as caught:
        read_extract(path)
    assert str(caught.value) == "schools.csv: the file cannot be read (permission denied)"


def test_an_unreadable_quarter_folder_is_a_message(tmp_path: Path, monkeypatch) -> None:
    quarter = tmp_path / "2021-22-Q2"
    quarter.mkdir()
    real = Path.iterdir

    def iterdir(self):
        if self == quarter:
            raise PermissionError(13, "Permission denied", str(self))
        return real(self)

    monkeypatch.setattr(Path, "iterdir", iterdir)
    with pytest.raises(UserError) as caught:
        scan_raw_folder(tmp_path)
    assert str(caught.value).startswith(
        f"The folder {quarter} cannot be read (permission denied), so its extracts cannot be found."
    )


def test_summary_of_a_damaged_database_is_a_message(tmp_path: Path) -> None:
    (tmp_path / "scorecard.duckdb").write_bytes(b"\x00garbage" * 512)
    with pytest.raises(UserError) as caught:
        format_summary(tmp_path, "2021-22-Q2")
    assert str(caught.value).startswith(
        f"The published database {tmp_path / 'scorecard.duckdb'} cannot be read ("
    )
    assert "Run `scorecard run` (with the same --marts-dir) to publish it again" in str(
        caught.value
    )


def _marts(folder: Path, quarters: list[str]) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    con = duckdb.connect(str(folder / "scorecard.duckdb"))
    con.execute("create table fct_indicator_quarter (quarter_key varchar)")
    con.executemany("insert into fct_indicator_quarter values (?)", [[q] for q in quarters])
    con.close()


def test_publishing_refuses_to_drop_published_quarters(tmp_path: Path) -> None:
    _marts(tmp_path / "marts", ["2021-22-Q1", "2021-22-Q2"])
    warehouse = duckdb.connect()
    warehouse.execute("create table fct_indicator_quarter as select '2021-22-Q2' as quarter_key")
    with pytest.raises(HistoryError) as caught:
        check_not_shrinking(warehouse, tmp_path / "marts")
    assert str(caught.value).startswith(
        f"Publishing would drop 2021-22-Q1 from the published marts in {tmp_path / 'marts'}"
    )
    check_not_shrinking(warehouse, tmp_path / "marts", ["2021-22-Q1"])  # --rebuild allows it
    warehouse.execute("insert into fct_indicator_quarter values ('2021-22-Q1')")
    check_not_shrinking(warehouse, tmp_path / "marts")  # nothing dropped: no error


def test_loading_the_definitions_makes_no_folder_in_the_current_one(
    tmp_path: Path, monkeypatch
) -> None:
    from pipeline.definitions import build_definitions

    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("SCORECARD_WAREHOUSE", raising=False)
    build_definitions(str(tmp_path / "raw"), str(tmp_path / "elsewhere" / "marts"))
    assert sorted(p.name for p in tmp_path.iterdir()) == []
