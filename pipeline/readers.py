"""Reading an extract file (CSV or XLSX) into a frame of text, as the spec allows it.

Everything is read as text so that no value is guessed at: the schemas decide
types. The frame's index is the source row number (header = line 1, first data
row = 2), which every fault report quotes so an officer can find the row.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Iterable
from pathlib import Path

import numpy as np
import pandas as pd

from pipeline.extracts import ISO, Extract, extract_for_stem, get_extract
from schemas._common import on_uniques

ROW_NUMBER = "row_number"
SUFFIXES = (".csv", ".xlsx")
ALIEN_DELIMITERS = {";": "semicolons", "\t": "tabs", "|": "vertical bars"}
WHOLE_FLOAT = r"^([+-]?\d+)\.0+$"
TITLE_ROWS_SEARCHED = 10


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
    trimmed = [str(name).strip() for name in frame.columns]
    canonical = {c.lower(): c for c in spec.columns} if spec else {}
    names = [canonical.get(name.lower(), name) for name in trimmed]
    seen: set[str] = set()
    for name in names:
        if name.lower() in seen:
            raise ExtractError(path, f"the column {name} appears twice in the header", name)
        seen.add(name.lower())
    frame.columns = names
    if spec:
        frame = frame[[name for name in names if name in spec.columns]]
    return frame


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
