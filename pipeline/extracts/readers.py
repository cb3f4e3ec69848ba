"""Reading an extract file (CSV or XLSX) into a frame of text, as the spec allows it.

Everything is read as text so that no value is guessed at: the schemas decide
types. The frame's index is the source row number (header = line 1, first data
row = 2), which every fault report quotes so an officer can find the row.
"""

from __future__ import annotations

import datetime as dt
import io
import os
import threading
from collections.abc import Iterable
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd

from pipeline.extracts.registry import ISO, Extract, extract_for_stem, get_extract
from schemas._common import on_uniques

ROW_NUMBER = "row_number"
SUFFIXES = (".csv", ".xlsx")
ALIEN_DELIMITERS = {";": "semicolons", "\t": "tabs", "|": "vertical bars"}
WHOLE_FLOAT = r"^([+-]?\d+)\.0+$"
TITLE_ROWS_SEARCHED = 10
# What str.strip() removes (every character for which str.isspace() is true), so
# that DuckDB's trim() tidies exactly as the Python path does.
WHITESPACE = (
    "\t\n\x0b\x0c\r\x1c\x1d\x1e\x1f \x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004"
    "\u2005\u2006\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000"
)
WHOLE_FLOAT_SQL = r"^([+-]?\p{Nd}+)\.0+$"  # WHOLE_FLOAT in RE2: \d is any Nd digit in Python
_LOCAL = threading.local()


class ExtractError(Exception):
    """A file that cannot be used at all: missing, unreadable or lacking a column."""

    def __init__(self, file: str | Path, problem: str, column: str | None = None) -> None:
        self.file = Path(file).name
        self.problem = problem
        self.column = column
        super().__init__(f"{self.file}: {problem}")


def find_extract(folder: str | Path, stem: str | Extract) -> Path:
    """The one ``<stem>.csv`` or ``<stem>.xlsx`` in ``folder``, matched ignoring case."""
    folder = Path(folder)
    stem = stem.stem if isinstance(stem, Extract) else stem
    if not folder.is_dir():
        raise ExtractError(f"{stem}.csv", f"the folder {folder} does not exist")
    wanted = {f"{stem}{suffix}".lower() for suffix in SUFFIXES}
    found = sorted(p for p in folder.iterdir() if p.is_file() and p.name.lower() in wanted)
    if not found:
        raise ExtractError(f"{stem}.csv", f"the file is missing from {folder} (no .csv or .xlsx)")
    if len(found) > 1:
        names = " and ".join(p.name for p in found)
        raise ExtractError(found[0], f"both {names} are present; keep only one")
    return found[0]


def read_extract(path: str | Path, extract: Extract | str | None = None) -> pd.DataFrame:
    """The file's cells as text (None for blank), headers renamed to the spec's spelling.

    ``extract`` defaults to the one named by the file stem; unknown stems keep
    all their columns. Columns the spec does not name are left out.
    """
    path = Path(path)
    spec = get_extract(extract) if extract is not None else extract_for_stem(path.stem)
    if not path.is_file():
        raise ExtractError(path, "the file is missing")
    date_format = spec.date_format if spec else ISO
    if path.suffix.lower() == ".xlsx":
        frame = _read_xlsx(path, date_format, spec)
    else:
        fast = _read_plain_csv(path, spec)
        if fast is not None:
            return fast
        frame = _read_csv(path)
    header = [str(name).strip() for name in frame.columns]
    frame = _tidy(_canonical_columns(frame, path, spec), spec.identifiers if spec else ())
    frame.attrs["file"] = path.name
    frame.attrs["header"] = header  # as written, for a "columns found" message
    return frame


def _decode(path: Path) -> str:
    raw = path.read_bytes()
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:
        return raw.decode("cp1252")
    except UnicodeDecodeError as error:
        raise ExtractError(path, "the file is neither UTF-8 nor Windows-1252 text") from error


def _read_csv(path: Path) -> pd.DataFrame:
    text = _decode(path)
    first_line = text.split("\n", 1)[0]
    if not first_line.strip():
        raise ExtractError(path, "the file is empty: it has no header row")
    if "," not in first_line:
        for delimiter, word in ALIEN_DELIMITERS.items():
            if delimiter in first_line:
                raise ExtractError(
                    path, f"the columns are separated by {word}, not commas; save it as CSV"
                )
    try:
        frame = pd.read_csv(io.StringIO(text), dtype=str, na_filter=False, skip_blank_lines=False)
    except (pd.errors.ParserError, ValueError) as error:
        raise ExtractError(path, f"the file cannot be read as CSV ({error})") from error
    frame.index = pd.RangeIndex(2, len(frame) + 2, name=ROW_NUMBER)
    return frame


def _read_plain_csv(path: Path, spec: Extract | None) -> pd.DataFrame | None:
    """``read_extract``'s frame of a plain UTF-8 CSV, read and tidied by DuckDB.

    None when the file is anything else (Windows-1252, quotes, blank lines, a
    lone CR, a row with more or fewer cells than the header, ...): ``_read_csv``
    then reads it, and reports its problems, exactly as before.
    """
    raw = path.read_bytes()
    first = _plain_header(raw)
    if first is None:
        return None
    names = list(pd.read_csv(io.StringIO(first), dtype=str, nrows=0).columns)
    header = [str(name).strip() for name in names]
    try:
        canonical = _canonical_names(names, path, spec)
    except ExtractError:  # raised by the usual path, after it has parsed the file
        return None
    picked = [i for i, name in enumerate(canonical) if not spec or name in spec.columns]
    if not picked:
        return None
    identifiers = spec.identifiers if spec else ()
    cells = {f"c{i}": _tidy_sql(f"c{i}", canonical[i] in identifiers) for i in picked}
    selects = ", ".join(f"{cell} as {name}" for name, cell in cells.items())
    keep = " or ".join(f"({cell}) is not null" for cell in cells.values())
    columns = ", ".join(f"'c{i}': 'VARCHAR'" for i in range(len(names)))
    sql = (
        f"select {selects}, "
        f"{keep} as __keep from read_csv($path, delim = ',', quote = '\"', escape = '\"', "
        f"header = true, auto_detect = false, strict_mode = true, null_padding = false, "
        f"columns = {{{columns}}})"
    )
    try:
        frame = _duckdb().execute(sql, {"path": str(path), "ws": WHITESPACE}).df()
    except duckdb.Error:
        return None
    keep_rows = frame.pop("__keep").to_numpy(dtype=bool)
    frame.columns = [canonical[i] for i in picked]
    frame.index = pd.RangeIndex(2, len(frame) + 2, name=ROW_NUMBER)
    frame = frame[pd.Series(keep_rows, index=frame.index)]
    frame.attrs["file"] = path.name
    frame.attrs["header"] = header
    return frame


def _plain_header(raw: bytes) -> str | None:
    """The header line of a CSV that DuckDB reads as pandas does, else None.

    Plain means: no quotes, NULs or lone CRs, and every line has the header's
    number of commas (DuckDB would accept a trailing comma that pandas rejects).
    """
    if b'"' in raw or b"\x00" in raw:
        return None
    if b"\r" in raw and raw.count(b"\r") != raw.count(b"\r\n"):
        return None
    end = raw.find(b"\n")
    try:
        first = raw[: end if end >= 0 else len(raw)].decode("utf-8-sig")
        if not raw.isascii():
            raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        return None
    first = first.removesuffix("\r")
    if not first.strip() or "," not in first or "\r" in first:
        return None
    return first if _regular_rows(raw, first.count(",")) else None


def _regular_rows(raw: bytes, commas: int) -> bool:
    """True when every line of ``raw`` (without quotes) holds exactly ``commas`` commas."""
    data = np.frombuffer(raw, dtype=np.uint8)
    ends = np.flatnonzero(data == ord("\n"))
    if not raw.endswith(b"\n"):
        ends = np.append(ends, len(data))
    before = np.searchsorted(np.flatnonzero(data == ord(",")), ends)
    return bool((np.diff(before, prepend=0) == commas).all())


def _tidy_sql(column: str, identifier: bool) -> str:
    """``_tidy_text`` in SQL: trim as str.strip() does, blank → NULL, ``1234.0`` → ``1234``."""
    # trim() with a set of characters is slow: skip it for cells with a printable
    # ASCII first and last character, which have nothing to trim and are not blank.
    plain = f"{column}[1] between '!' and '~' and {column}[-1] between '!' and '~'"
    cell = f"case when {plain} then {column} else nullif(trim({column}, $ws), '') end"
    if identifier:
        cell = f"regexp_replace({cell}, '{WHOLE_FLOAT_SQL}', '\\1')"
    return cell


def _duckdb() -> duckdb.DuckDBPyConnection:
    """This thread's in-memory DuckDB connection (connecting costs more than a small read)."""
    if getattr(_LOCAL, "pid", None) != os.getpid():
        _LOCAL.con, _LOCAL.pid = duckdb.connect(), os.getpid()
    return _LOCAL.con


def _read_xlsx(path: Path, date_format: str, spec: Extract | None = None) -> pd.DataFrame:
    from openpyxl import load_workbook

    try:
        book = load_workbook(path, read_only=True, data_only=True)
    except Exception as error:  # openpyxl raises many kinds for a damaged file
        raise ExtractError(path, f"the workbook cannot be opened ({error})") from error
    try:
        rows = book.worksheets[0].iter_rows(values_only=True)
        header = next(rows, None)
        if header is None or all(cell is None for cell in header):
            raise ExtractError(path, "the first sheet is empty: it has no header row")
        names = ["" if cell is None else str(cell) for cell in header]
        body = [_row_text(row, len(names), date_format) for row in rows]
        if spec:
            _no_title_rows(path, spec, names, body)
    finally:
        book.close()
    frame = pd.DataFrame(body, columns=names, dtype=object)
    frame.index = pd.RangeIndex(2, len(frame) + 2, name=ROW_NUMBER)
    return frame.loc[:, [name.strip() != "" for name in names]]


def _no_title_rows(
    path: Path, spec: Extract, names: list[str], body: list[list[str | None]]
) -> None:
    """Raise when the header sits below a title: spec/extracts.md says first row = header."""

    def has_header(cells: Iterable[object]) -> bool:
        found = {str(cell).strip().lower() for cell in cells if cell is not None}
        return all(column.lower() in found for column in spec.required)

    if has_header(names):
        return
    # A title's row holds one cell, so the rows below it were cut to that width:
    # look for the header again in the sheet's own rows.
    for line, row in enumerate(_sheet_rows(path)[1:TITLE_ROWS_SEARCHED], start=2):
        if has_header(row):
            raise ExtractError(
                path,
                f"the header is on row {line}, not row 1: delete the title row(s) above it "
                f"(the first row must hold the column names {', '.join(spec.required)})",
                spec.required[0],
            )


def _sheet_rows(path: Path) -> list[tuple[object, ...]]:
    from openpyxl import load_workbook

    book = load_workbook(path, read_only=True, data_only=True)
    try:
        rows = book.worksheets[0].iter_rows(values_only=True, max_row=TITLE_ROWS_SEARCHED)
        return list(rows)
    finally:
        book.close()


def _row_text(row: Iterable[object], width: int, date_format: str) -> list[str | None]:
    cells = [_cell_text(cell, date_format) for cell in row][:width]
    return cells + [None] * (width - len(cells))


def _cell_text(cell: object, date_format: str) -> str | None:
    """An Excel value as the text a CSV export of it would hold."""
    if cell is None or isinstance(cell, str):
        return cell
    if isinstance(cell, bool):
        return "true" if cell else "false"
    if isinstance(cell, dt.datetime):
        if cell.time() == dt.time(0):
            return cell.strftime(date_format)
        return cell.isoformat(sep=" ")
    if isinstance(cell, dt.date):
        return cell.strftime(date_format)
    if isinstance(cell, float):
        if cell.is_integer():
            return str(int(cell))
        return np.format_float_positional(cell, trim="-")
    return str(cell)


def _canonical_columns(frame: pd.DataFrame, path: Path, spec: Extract | None) -> pd.DataFrame:
    names = _canonical_names(frame.columns, path, spec)
    frame.columns = names
    if spec:
        frame = frame[[name for name in names if name in spec.columns]]
    return frame


def _canonical_names(columns: Iterable[object], path: Path, spec: Extract | None) -> list[str]:
    """Header names trimmed and spelled as the spec spells them; a repeated one raises."""
    trimmed = [str(name).strip() for name in columns]
    canonical = {c.lower(): c for c in spec.columns} if spec else {}
    names = [canonical.get(name.lower(), name) for name in trimmed]
    seen: set[str] = set()
    for name in names:
        if name.lower() in seen:
            raise ExtractError(path, f"the column {name} appears twice in the header", name)
        seen.add(name.lower())
    return names


def _tidy(frame: pd.DataFrame, identifiers: Iterable[str]) -> pd.DataFrame:
    """Trim cells, blank → None, drop empty rows, ``1234.0`` → ``1234`` in identifiers."""
    tidy = {
        column: on_uniques(
            frame[column], lambda cells, i=column in identifiers: _tidy_text(cells, i)
        )
        for column in frame.columns
    }
    result = pd.DataFrame(tidy, index=frame.index, columns=list(frame.columns))
    if len(result.columns):
        result = result[result.notna().any(axis=1)]
    return result


def _tidy_text(cells: pd.Series, identifier: bool) -> pd.Series:
    text = cells.astype("object").str.strip()
    if identifier:
        text = text.str.replace(WHOLE_FLOAT, r"\1", regex=True)
    return text.where(text.notna() & (text != ""), None)
