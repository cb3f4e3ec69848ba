"""The shipped sample is what the generator makes, and it shows the published figures.

Figures are computed by the independent pandas baseline (bench/pandas_baseline.py)
from the files in data/raw, and compared with shared/reference/known-figures.md.
"""

from __future__ import annotations

import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import pytest
from benchfixtures import load_pandas_baseline

ROOT = Path(__file__).resolve().parents[1]
RAW = ROOT / "data" / "raw"


baseline = load_pandas_baseline()


@pytest.fixture(scope="module")
def q2() -> dict[str, dict]:
    return baseline.scorecard(RAW, "2021-22-Q2")


@pytest.fixture(scope="module")
def q1() -> dict[str, dict]:
    return baseline.scorecard(RAW, "2021-22-Q1")


def test_regenerating_gives_byte_identical_files(tmp_path: Path) -> None:
    subprocess.run(
        [sys.executable, "-m", "samplegen", "--out", str(tmp_path)], cwd=ROOT, check=True
    )
    shipped = sorted(p.relative_to(RAW) for p in RAW.rglob("*") if p.is_file())
    made = sorted(p.relative_to(tmp_path) for p in tmp_path.rglob("*") if p.is_file())
    assert made == shipped
    different = [str(p) for p in shipped if (RAW / p).read_bytes() != (tmp_path / p).read_bytes()]
    assert different == []


def test_the_later_quarter_changes_no_file_of_an_earlier_one(tmp_path: Path) -> None:
    """2023-24 Q1 continues the world after WORLD_END; without it, the first sixteen
    quarters' files come out byte for byte as shipped (so adding it changed none)."""
    from samplegen.__main__ import write_quarter
    from samplegen.config import DEFAULT_SEED, QUARTERS, WORLD_END
    from samplegen.manual_returns import manual_returns
    from samplegen.world import build_world

    world = build_world(DEFAULT_SEED, continued=False)
    manual = manual_returns()
    earlier = [q for q in QUARTERS if q.end <= WORLD_END]
    assert len(earlier) == 16 and len(QUARTERS) == 17
    for quarter in earlier:
        write_quarter(tmp_path, world, quarter, manual[quarter.key])
    made = sorted(p.relative_to(tmp_path) for p in tmp_path.rglob("*") if p.is_file())
    assert len(made) == 16 * 9
    different = [str(p) for p in made if (RAW / p).read_bytes() != (tmp_path / p).read_bytes()]
    assert different == []


def test_layout_has_seventeen_quarters_and_excel_for_two() -> None:
    quarters = sorted(p.name for p in RAW.iterdir() if p.is_dir() and p.name != "reference")
    assert len(quarters) == 17 and quarters[0] == "2019-20-Q1" and quarters[-1] == "2023-24-Q1"
    for key in ("2022-23-Q3", "2022-23-Q4"):
        assert (RAW / key / "manual_returns.xlsx").exists() and (
            RAW / key / "commentary.xlsx"
        ).exists()


def _rag_counts(figures: dict[str, dict]) -> dict[str, int]:
    statuses = [f["rag"] for f in figures.values() if f["rag"]]
    return {s: statuses.count(s) for s in ("Green", "Amber", "Red")} | {"with_rag": len(statuses)}


def test_q2_2021_22_published_figures(q2: dict[str, dict]) -> None:
    assert len(q2) == 13 and all(f["value"] is not None for f in q2.values())
    assert q2["CSC-SW2"]["value"] == Decimal("22.4") and q2["CSC-SW2"]["target"] == 15
    assert q2["CSC-SW2"]["rag"] == "Red"
    assert q2["CSC-PERM"]["value"] == Decimal("10.2") and q2["CSC-PERM"]["target"] == 14
    assert q2["CSC-PERM"]["rag"] == "Red"
    assert q2["CSC-LTPS"]["value"] == Decimal("65.2") and q2["CSC-LTPS"]["target"] == 65
    assert q2["CSC-LTPS"]["rag"] == "Green"
    assert q2["CSC-FCR"]["value"] == 11 and 11 > 2 * q2["CSC-FCR"]["target"]
    assert q2["CSC-FCR"]["rag"] == "Green"
    assert q2["CSC-ICPC"]["rag"] == "Green"
    for code in ("EDU-GOP", "EDU-GOS"):
        assert q2[code]["value"] > q2[code]["target"] and q2[code]["rag"] == "Green"
    assert _rag_counts(q2) == {"Green": 5, "Amber": 0, "Red": 2, "with_rag": 7}


def test_q1_2021_22_and_year_ago(q1: dict[str, dict]) -> None:
    assert all(f["value"] is not None for f in q1.values())
    assert q1["CSC-SW2"]["value"] == Decimal("10.9") and q1["CSC-SW2"]["rag"] == "Green"
    assert _rag_counts(q1) == {"Green": 5, "Amber": 1, "Red": 1, "with_rag": 7}
    year_ago = baseline.compute_indicators(RAW, "2020-21-Q2")
    assert year_ago["CSC-SW2"]["value"] == Decimal("11.7")


def _london(code: str, quarter_end: str) -> Decimal:
    bench = baseline.read_extract(RAW / "reference", "benchmarks")
    rows = bench[(bench["INDICATOR_CODE"] == code) & (bench["AREA"] == "London")]
    rows = rows[rows["PERIOD_END"] <= quarter_end].sort_values("PERIOD_END")
    return Decimal(rows.iloc[-1]["VALUE"])


def test_london_comparisons(q2: dict[str, dict]) -> None:
    assert _london("CSC-PERM", "2021-09-30") == 15
    assert q2["EDU-GOP"]["value"] > _london("EDU-GOP", "2021-09-30")


def test_every_quarter_has_all_thirteen_and_the_sw2_corrective_action() -> None:
    for folder in sorted(p for p in RAW.iterdir() if p.name != "reference"):
        figures = baseline.compute_indicators(RAW, folder.name)
        assert all(f["value"] is not None for f in figures.values()), folder.name
    notes = baseline.read_extract(RAW / "2021-22-Q2", "commentary").set_index("INDICATOR_CODE")
    action = notes.loc["CSC-SW2", "CORRECTIVE_ACTION"]
    for phrase in ("turnover of staff over the summer", "36 agency staff", "2 vacant posts",
                   "programme to recruit new social workers", "two-thirds permanent"):  # fmt: skip
        assert phrase in action


def test_series_shows_every_tolerance_type_an_amber_an_improvement_and_a_same() -> None:
    keys = sorted(p.name for p in RAW.iterdir() if p.name != "reference")
    cards = {k: baseline.scorecard(RAW, k) for k in keys}
    used = {f["tolerance_type"] for c in cards.values() for f in c.values() if f["rag"]}
    assert used == {"points", "percent", "level"}
    assert any(f["rag"] == "Amber" for c in cards.values() for f in c.values())
    pairs = list(zip(keys, keys[1:], strict=False))
    assert any(cards[b]["CSC-SW2"]["value"] < cards[a]["CSC-SW2"]["value"] for a, b in pairs)
    assert any(cards[b]["EDU-PEX"]["value"] == cards[a]["EDU-PEX"]["value"] for a, b in pairs)


def test_keys_of_the_903_files_are_unique() -> None:
    keys = {"header": ["CHILD"], "episodes": ["CHILD", "DECOM"],
            "social_worker": ["CHILD", "SW_ID", "SW_DECOM"]}  # fmt: skip
    for folder in sorted(p for p in RAW.iterdir() if p.name != "reference"):
        for name, key in keys.items():
            frame = baseline.read_extract(folder, name)
            assert not frame.duplicated(key).any(), (folder.name, name)
