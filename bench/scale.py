"""Scaled raw drops for benchmarks: the sample replicated N times, deterministically.

Every record-level extract of every quarter is written N times over; replica 0
is the sample's rows unchanged, replica r ≥ 1 has its identifiers re-keyed
(CHILD, LAchildID, SW_ID, HOUSEHOLD_ID and the schools' URN prefixed ``R<rrr>``)
so each replica is a consistent copy of the sample council: its episodes and
social-worker rows still find their header row, its plans their enquiries.
Reference files are copied with the population × N (so CSC-CICR stays the
sample's rate) and manual returns and commentary are copied as they are. Dates,
codes and the file layout (spec/extracts.md) are the sample's own, so a scaled
drop validates exactly as the sample does, and every count indicator is N × the
sample's while every percentage equals it - a check on the scaled run for free.

The replica order is shuffled by ``--seed`` (rows of one replica stay together),
so two drops of one seed are byte-identical. DuckDB reads and writes the CSVs:
×330 of the 16-quarter sample (≈ 80 million rows, 4 GB) takes a few minutes.

    .venv/bin/python bench/scale.py --factor 100            # → bench/scaled/x100
    .venv/bin/python bench/scale.py --factor 10 --out DIR --raw-dir data/raw
"""

from __future__ import annotations

import argparse
import hashlib
import random
import shutil
import time
from pathlib import Path

import duckdb

BENCH_DIR = Path(__file__).resolve().parent
REPO_ROOT = BENCH_DIR.parent
DEFAULT_RAW = REPO_ROOT / "data" / "raw"
SCALED_DIR = BENCH_DIR / "scaled"

# Columns re-keyed per replica, by extract (the join keys of spec/extracts.md "Keys").
RE_KEYED = {
    "header": ("CHILD",),
    "episodes": ("CHILD",),
    "social_worker": ("CHILD", "SW_ID"),
    "s47_enquiries": ("LAchildID",),
    "cp_plans": ("LAchildID",),
    "foster_approvals": ("HOUSEHOLD_ID",),
    "schools": ("URN",),
}
COPIED = ("manual_returns", "commentary")  # one figure per quarter: not scaled
DONE_MARKER = ".scale-complete"


def scaled_dir(factor: int, seed: int = 0) -> Path:
    """Where ``bench/scale.py`` writes the drop of ``factor`` (git-ignored)."""
    return SCALED_DIR / (f"x{factor}" if seed == 0 else f"x{factor}-seed{seed}")


def replica_order(factor: int, seed: int) -> list[int]:
    """Replica numbers in file order: replica 0 (the sample) first, the rest shuffled."""
    rest = list(range(1, factor))
    random.Random(seed).shuffle(rest)
    return [0, *rest]


def _rekey(column: str) -> str:
    """SQL for one re-keyed identifier: unchanged in replica 0, ``R<rrr>`` + trimmed ID else."""
    trimmed = f"regexp_replace(trim(\"{column}\"), '^([+-]?[0-9]+)\\.0+$', '\\1')"
    return (
        f'case when replica = 0 or "{column}" is null then "{column}" '
        f"else 'R' || lpad(replica::varchar, 3, '0') || {trimmed} end"
    )


def _csv_sql(path: Path) -> str:
    text = str(path).replace("'", "''")
    return (
        f"read_csv('{text}', all_varchar = true, header = true, delim = ',', quote = '\"', "
        "escape = '\"', null_padding = true, encoding = 'utf-8')"
    )


def scale_csv(
    con: duckdb.DuckDBPyConnection, source: Path, target: Path, stem: str, order: list[int]
) -> int:
    """Write ``source`` replicated in ``order`` with identifiers re-keyed; returns rows."""
    columns = [r[0] for r in con.execute(f"describe select * from {_csv_sql(source)}").fetchall()]
    keyed = {c.lower() for c in RE_KEYED.get(stem, ())}
    selects = ", ".join(
        f'{_rekey(c)} as "{c}"' if c.strip().lower() in keyed else f'"{c}"' for c in columns
    )
    con.execute("create or replace temp table _order as select * from unnest(?) with ordinality "
                "as t(replica, position)", [order])  # fmt: skip
    con.execute(f"create or replace temp table _source as select *, row_number() over () as _line "
                f"from {_csv_sql(source)}")  # fmt: skip
    target_sql = str(target).replace("'", "''")
    con.execute(
        f"copy (select {selects} from _source cross join _order "
        f"order by _order.position, _source._line) "
        f"to '{target_sql}' (header true, delimiter ',', quote '\"')"
    )
    return con.execute("select count(*) * (select count(*) from _order) from _source").fetchone()[0]


def scale_population(source: Path, target: Path, factor: int) -> None:
    """population.csv with POPULATION × factor (thousands separators allowed in the sample)."""
    con = duckdb.connect()
    columns = [r[0] for r in con.execute(f"describe select * from {_csv_sql(source)}").fetchall()]
    selects = ", ".join(
        f"(replace(\"{c}\", ',', '')::bigint * {factor})::varchar as \"{c}\""
        if c.strip().upper() == "POPULATION"
        else f'"{c}"'
        for c in columns
    )
    target_sql = str(target).replace("'", "''")
    con.execute(f"copy (select {selects} from {_csv_sql(source)}) to '{target_sql}' (header true)")
    con.close()


def scale_drop(raw_dir: Path, out_dir: Path, factor: int, seed: int = 0, echo=print) -> dict:
    """Write the whole scaled drop to ``out_dir`` (replaced); returns rows written per extract."""
    if factor < 1:
        raise ValueError("the factor is a whole number ≥ 1")
    if out_dir.exists():
        shutil.rmtree(out_dir)
    out_dir.mkdir(parents=True)
    order = replica_order(factor, seed)
    rows: dict[str, int] = {}
    reference = out_dir / "reference"
    shutil.copytree(raw_dir / "reference", reference)
    scale_population(raw_dir / "reference" / "population.csv", reference / "population.csv", factor)
    con = duckdb.connect()
    con.execute("set preserve_insertion_order = true")
    for folder in sorted(p for p in raw_dir.iterdir() if p.is_dir() and p.name != "reference"):
        started = time.perf_counter()
        (out_dir / folder.name).mkdir()
        for source in sorted(folder.iterdir()):
            stem, suffix = source.stem.lower(), source.suffix.lower()
            if stem in COPIED or stem not in RE_KEYED:
                shutil.copy2(source, out_dir / folder.name / source.name)
                continue
            if suffix != ".csv":  # a record-level workbook: written out as CSV, scaled
                source = _xlsx_as_csv(source, out_dir / folder.name / f".{stem}.csv")
            target = out_dir / folder.name / f"{stem}.csv"
            rows[stem] = rows.get(stem, 0) + scale_csv(con, source, target, stem, order)
            if source.parent == out_dir / folder.name:
                source.unlink()
        echo(f"  {folder.name}: {time.perf_counter() - started:.1f} s")
    con.close()
    (out_dir / DONE_MARKER).write_text(_marker(raw_dir, factor, seed))
    return rows


def _marker(raw_dir: Path, factor: int, seed: int) -> str:
    """What a complete drop was made from: a drop of an older sample is made again."""
    files = sorted(
        f"{path.relative_to(raw_dir)}:{path.stat().st_size}"
        for path in raw_dir.rglob("*")
        if path.is_file()
    )
    digest = hashlib.sha256("\n".join(files).encode()).hexdigest()[:16]
    return f"factor={factor} seed={seed} sample={digest}\n"


def _xlsx_as_csv(source: Path, target: Path) -> Path:
    import pandas as pd

    pd.read_excel(source, dtype=str, keep_default_na=False).to_csv(target, index=False)
    return target


def ensure_scaled(factor: int, raw_dir: Path = DEFAULT_RAW, seed: int = 0, echo=print) -> Path:
    """The drop of ``factor``, generated unless a complete one of the same seed is there."""
    out = scaled_dir(factor, seed)
    marker = out / DONE_MARKER
    if marker.exists() and marker.read_text() == _marker(raw_dir, factor, seed):
        return out
    echo(f"Generating ×{factor} drop in {out}")
    scale_drop(raw_dir, out, factor, seed, echo)
    return out


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--factor", type=int, required=True, help="replicas of the sample")
    parser.add_argument("--raw-dir", type=Path, default=DEFAULT_RAW)
    parser.add_argument("--out", type=Path, help="default: bench/scaled/x<factor>")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    out = args.out or scaled_dir(args.factor, args.seed)
    started = time.perf_counter()
    rows = scale_drop(args.raw_dir, out, args.factor, args.seed)
    total = sum(rows.values())
    print(f"Wrote {total:,} rows to {out} in {time.perf_counter() - started:.1f} s")
    for stem, n in sorted(rows.items()):
        print(f"  {stem:18} {n:>12,}")


if __name__ == "__main__":
    main()
