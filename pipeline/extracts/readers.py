"""Reading an extract file (CSV or XLSX) into a frame of text, as the spec allows it.

Everything is read as text so that no value is guessed at: the schemas decide
types. The frame's index is the source row number (header = line 1, first data
row = 2), which every fault report quotes so an officer can find the row.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import os
import re
import threading
from collections.abc import Iterable
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd

from pipeline.extracts.registry import ISO, Extract, extract_for_stem, get_extract
from schemas._common import TEXT, on_uniques

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
# Control characters no text export holds in a cell (tab, LF and CR are layout).
CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
CONTROL_BYTES = re.compile(b"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
# Every byte but those: deleting them from a file leaves only its control bytes
# (bytes.translate runs at memory speed; a regular expression search does not).
NOT_CONTROL = bytes(b for b in range(256) if not CONTROL_BYTES.match(bytes([b])))
# A multi-byte UTF-8 character: in a file that is not valid UTF-8 as a whole, it
# means two encodings are mixed (Windows-1252 would read it as mojibake, "â€“").
UTF8_MULTIBYTE = re.compile(
    b"[\xc2-\xdf][\x80-\xbf]|[\xe0-\xef][\x80-\xbf]{2}|[\xf0-\xf4][\x80-\xbf]{3}"
)
ROWS_NAMED = 5
NEWLINE = b"\n"
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
    try:
        names = sorted(p for p in folder.iterdir() if p.name.lower() in wanted)
    except OSError as error:
        raise ExtractError(
            f"{stem}.csv", f"the folder {folder} cannot be read ({_why(error)})"
        ) from error
    for link in names:
        if link.is_symlink() and not link.exists():
            raise ExtractError(
                link,
                f"the file in {folder} is a link to {os.readlink(link)}, which does not exist: "
                "point the link at the real file, or copy the file in its place",
            )
    found = [p for p in names if p.is_file()]
    if not found:
        raise ExtractError(f"{stem}.csv", f"the file is missing from {folder} (no .csv or .xlsx)")
    if len(found) > 1:
        names = " and ".join(p.name for p in found)
        raise ExtractError(found[0], f"both {names} are present; keep only one")
    return found[0]


def read_extract(path: str | Path, extract: Extract | str | None = None) -> pd.DataFrame:
    """The file's cells as text (``TEXT``, blank missing), headers renamed to the spec's spelling.

    ``extract`` defaults to the one named by the file stem; unknown stems keep
    all their columns. Columns the spec does not name are left out.
    """
    path = Path(path)
    spec = get_extract(extract) if extract is not None else extract_for_stem(path.stem)
    if path.is_symlink() and not path.exists():
        raise ExtractError(path, f"the file is a link to {os.readlink(path)}, which does not exist")
    if not path.is_file():
        raise ExtractError(path, "the file is missing")
    date_format = spec.date_format if spec else ISO
    try:
        if path.suffix.lower() == ".xlsx":
            frame = _read_xlsx(path, date_format, spec)
        else:
            fast = _read_plain_csv(path, spec)
            if fast is not None:
                return fast
            frame = _read_csv(path)
    except OSError as error:
        raise ExtractError(path, f"the file cannot be read ({_why(error)})") from error
    header = [str(name).strip() for name in frame.columns]
    frame = _tidy(_canonical_columns(frame, path, spec), spec.identifiers if spec else ())
    frame.attrs["file"] = path.name
    frame.attrs["header"] = header  # as written, for a "columns found" message
    return frame


def _why(error: OSError) -> str:
    """An OSError as a few words ("permission denied"), without a traceback's detail."""
    return (error.strerror or type(error).__name__).lower()


def _decode(path: Path) -> str:
    raw = path.read_bytes()
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        utf8 = UTF8_MULTIBYTE.search(raw)
        if utf8:
            raise ExtractError(
                path, _mixed_encoding(raw, error.start, utf8), _column_at(raw, error.start)
            ) from error
    try:
        return raw.decode("cp1252")
    except UnicodeDecodeError as error:
        raise ExtractError(path, "the file is neither UTF-8 nor Windows-1252 text") from error


def _mixed_encoding(raw: bytes, bad: int, utf8: re.Match) -> str:
    """Why a file of UTF-8 text with a stray Windows-1252 byte is refused, and where."""
    stray = raw[bad : bad + 1]
    try:
        shown = f"{stray.decode('cp1252')!r} in Windows-1252"
    except UnicodeDecodeError:
        shown = "not a character in Windows-1252 either"
    column = _column_at(raw, bad)
    where = f"row {raw.count(NEWLINE, 0, bad) + 1}" + (f", column {column}" if column else "")
    return (
        f"{where} holds the "
        f"byte 0x{stray.hex().upper()} ({shown}), which is not UTF-8, while row "
        f"{raw.count(NEWLINE, 0, utf8.start()) + 1} holds UTF-8 text "
        f"({utf8.group().decode('utf-8')!r}): the file mixes two encodings, and reading it as "
        "either would garble some text (such as '0\u201317' becoming '0\u00e2\u20ac\u201c17'). "
        "Rule: a file is UTF-8 or Windows-1252 throughout. Save it again as 'CSV UTF-8' "
        "and check the text around that byte"
    )


def _column_at(raw: bytes, offset: int) -> str | None:
    """The header name of the column that byte ``offset`` of a CSV falls in (best effort)."""
    start = raw.rfind(b"\n", 0, offset) + 1
    prefix = raw[start:offset].decode("cp1252", errors="replace")
    header_line = raw[: max(raw.find(b"\n"), 0) or len(raw)].decode("utf-8-sig", errors="replace")
    try:
        header = next(csv.reader([header_line]))
        fields = next(csv.reader([prefix]), [""])
    except (csv.Error, StopIteration):
        return None
    at = len(fields) - 1 if prefix else 0
    return header[at].strip() if 0 <= at < len(header) else None


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
    _check_records(path, text)
    try:
        frame = pd.read_csv(io.StringIO(text), dtype=str, na_filter=False, skip_blank_lines=False)
    except (pd.errors.ParserError, ValueError) as error:
        raise ExtractError(path, f"the file cannot be read as CSV ({error})") from error
    frame.index = pd.RangeIndex(2, len(frame) + 2, name=ROW_NUMBER)
    return frame


def _check_records(path: Path, text: str) -> None:
    """Refuse what pandas would read silently wrong: see docs/operations.md.

    A column named twice exactly (pandas renames the copy ``X.1``), a row with
    more or fewer fields than the header (pandas shifts every column of a file
    whose data rows all end with a trailing comma, and pads a short row with
    blanks), and a control character in a cell (NUL cuts a cell short).
    """
    try:
        records = list(csv.reader(io.StringIO(text, newline="")))
    except csv.Error as error:
        raise ExtractError(path, f"the file cannot be read as CSV ({error})") from error
    header = [name.strip() for name in records[0]]
    seen: set[str] = set()
    for name in header:
        if name and name in seen:
            raise ExtractError(path, f"row 1: the column {name} appears twice in the header", name)
        seen.add(name)
    if CONTROL.search(text):
        for row, cells in enumerate(records, start=1):
            for at, cell in enumerate(cells):
                found = CONTROL.search(cell)
                if found:
                    raise _control(
                        path, row, header[at] if at < len(header) else None, found.group()
                    )
    unnamed = [at for at, name in enumerate(header) if not name]
    for row, cells in enumerate(records[1:], start=2):
        filled = [at for at in unnamed if at < len(cells) and cells[at].strip()]
        if filled:
            before = next((name for name in reversed(header[: filled[0]]) if name), None)
            raise ExtractError(
                path,
                f"row {row}: the value {cells[filled[0]]!r} is in column {filled[0] + 1}, which "
                f"has no name in the header row (right of {before or 'the first column'}), so "
                "it belongs to no column. Rule: every value sits under a column name in row 1. "
                "Name the column or remove the value",
                before,
            )
    width = len(header)
    ragged = [(row, cells) for row, cells in enumerate(records[1:], start=2)
              if cells and len(cells) != width]  # fmt: skip
    if ragged:
        raise _ragged(path, header, ragged, len(records) - 1)


def _ragged(
    path: Path, header: list[str], ragged: list[tuple[int, list[str]]], data_rows: int
) -> ExtractError:
    """The error for rows whose number of fields is not the header's."""
    width = len(header)
    row, cells = f" {ragged[0][0]}", ragged[0][1]
    others = [str(r) for r, _ in ragged[1:ROWS_NAMED]]
    more = len(ragged) - 1 - len(others)
    also = f" (also row{'s' if len(ragged) > 2 else ''} {', '.join(others)}" if others else ""
    also += f" and {more} more)" if more > 0 else (")" if others else "")
    trailing = all(len(c) == width + 1 and not c[-1].strip() for _, c in ragged)
    if len(cells) > width:
        column = header[-1]
        if trailing and len(ragged) == data_rows:
            cause = (
                "every data row ends with a comma that the header row does not have (a "
                "trailing comma), so each value would slide one column along. Remove the "
                "trailing commas, or re-export the file"
            )
        else:
            cause = (
                f"the row has {len(cells)} fields but the header has {width}: a value holds an "
                "unquoted comma, or cells were added past the last column. Quote values "
                "that contain commas (re-export the file), or remove the extra cells"
            )
    else:
        column = header[len(cells)]
        cause = (
            f"the row has {len(cells)} field{'s' if len(cells) != 1 else ''} but the header has "
            f"{width}: the row stops before column {column}, as when an export is cut off "
            "or a value holds a line break. Re-export the file"
        )
    if trailing and len(ragged) == data_rows and data_rows > 1:
        row, also = f"s 2 to {data_rows + 1}", ""
    return ExtractError(
        path,
        f"row{row}{also}, column {column}: {cause}. Rule: every row has exactly as many "
        "fields as the header",
        column,
    )


def _control(path: Path, row: int, column: str | None, char: str) -> ExtractError:
    where = f"row {row}, column {column}" if column else f"row {row}"
    name = "NUL" if char == "\x00" else f"U+{ord(char):04X}"
    return ExtractError(
        path,
        f"{where}: the value holds the control character {name}, which no text export "
        "contains (a NUL often cuts a number short). Rule: cells hold printable text only. "
        "The file is damaged or was saved by the wrong program: re-export it",
        column,
    )


def _read_plain_csv(path: Path, spec: Extract | None) -> pd.DataFrame | None:
    """``read_extract``'s frame of a plain UTF-8 CSV, read and tidied by DuckDB.

    None when the file is anything else (Windows-1252, quotes, blank lines, a
    lone CR, a row with more or fewer cells than the header, ...): ``_read_csv``
    then reads it, and reports its problems, exactly as before.
    """
    first = _plain_header(path.read_bytes())  # the bytes are let go before DuckDB reads
    if first is None:
        return None
    written = [name.strip() for name in next(csv.reader([first]))]
    if len(set(written) - {""}) < len([name for name in written if name]) or "" in written:
        return None  # a column named twice, or one unnamed: the usual path checks them
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
        table = _duckdb().sql(sql, params={"path": str(path), "ws": WHITESPACE}).to_arrow_table()
    except duckdb.Error:
        return None
    # Arrow's strings become the frame's columns as they are (no Python object a cell).
    frame = table.to_pandas(types_mapper=_text_type)
    keep_rows = frame.pop("__keep").to_numpy(dtype=bool)
    frame.columns = [canonical[i] for i in picked]
    frame.index = pd.RangeIndex(2, len(frame) + 2, name=ROW_NUMBER)
    if not keep_rows.all():
        frame = frame[keep_rows]
    frame.attrs["file"] = path.name
    frame.attrs["header"] = header
    return frame


def _text_type(arrow_type):
    """Arrow string columns as ``TEXT``; anything else as pandas would convert it."""
    import pyarrow as pa

    strings = (pa.types.is_string, pa.types.is_large_string, pa.types.is_string_view)
    return TEXT if any(is_kind(arrow_type) for is_kind in strings) else None


def _plain_header(raw: bytes) -> str | None:
    """The header line of a CSV that DuckDB reads as pandas does, else None.

    Plain means: no quotes, NULs or lone CRs, and every line has the header's
    number of commas (DuckDB would accept a trailing comma that pandas rejects).
    """
    if b'"' in raw or raw.translate(None, NOT_CONTROL):  # what is left are control bytes
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
        _check_sheet(path, names, body)
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
    """The row's cells as text, cut or padded to the header's width.

    A value beyond the header's last column is kept as one more cell, for
    ``_check_sheet`` to refuse (cutting it off would drop it silently).
    """
    cells = [_cell_text(cell, date_format) for cell in row]
    extra = [cell for cell in cells[width:] if cell is not None and cell.strip()]
    cells = cells[:width] + [None] * (width - len(cells))
    return cells + extra[:1]


def _check_sheet(path: Path, names: list[str], body: list[list[str | None]]) -> None:
    """Refuse a value with no column name, a control character, or an unsaved formula."""
    width = len(names)
    named = [name.strip() for name in names]
    for row, cells in enumerate(body, start=2):
        unnamed = [
            at
            for at, cell in enumerate(cells)
            if at >= width or (not named[at] and cell is not None and cell.strip())
        ]
        if unnamed:
            at = unnamed[0]
            before = next((name for name in reversed(named[:at]) if name), None)
            raise ExtractError(
                path,
                f"row {row}, column {_letters(at + 1)}: the value {cells[at]!r} is in a column "
                f"with no name in row 1 (right of {before or 'the first column'}), so it "
                "belongs to no column. Rule: every value sits under a column name in row 1. "
                "Move it into its column or delete it",
                before,
            )
        for at, cell in enumerate(cells):
            found = cell is not None and CONTROL.search(cell)
            if found:
                raise _control(path, row, names[at].strip() or None, found.group())
    _no_unsaved_formulas(path, names, body)


def _letters(number: int) -> str:
    """A spreadsheet column's letters: 1 → A, 27 → AA."""
    letters = ""
    while number:
        number, rest = divmod(number - 1, 26)
        letters = chr(ord("A") + rest) + letters
    return letters


def _no_unsaved_formulas(path: Path, names: list[str], body: list[list[str | None]]) -> None:
    """Refuse formulas whose results were never saved (openpyxl reads them as blank).

    A workbook written by a program other than Excel (or by a script) may hold
    formulas without the value Excel computes and stores when it saves: the
    cell would read as blank, a figure silently missing.
    """
    from openpyxl import load_workbook

    blanks = {(row, at) for row, cells in enumerate(body, start=2)
              for at, cell in enumerate(cells) if cell is None}  # fmt: skip
    if not blanks:
        return
    book = load_workbook(path, read_only=True, data_only=False)
    try:
        rows = book.worksheets[0].iter_rows(min_row=2, max_col=len(names), values_only=True)
        for row, cells in enumerate(rows, start=2):
            for at, cell in enumerate(cells):
                formula = (isinstance(cell, str) and cell.startswith("=")) or type(
                    cell
                ).__name__ in ("ArrayFormula", "DataTableFormula")
                if formula and (row, at) in blanks:
                    raise ExtractError(
                        path,
                        f"row {row}, column {names[at].strip()}: the cell holds a formula "
                        f"({cell if isinstance(cell, str) else 'an array formula'}) whose "
                        "result was never saved, so it reads as blank although Excel shows a "
                        "figure. Rule: formulas need their saved results. Open the workbook "
                        "in Excel and save it (or paste the values), then run again",
                        names[at].strip() or None,
                    )
    finally:
        book.close()


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
            raise ExtractError(path, f"row 1: the column {name} appears twice in the header", name)
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
    return result.astype(TEXT)


def _tidy_text(cells: pd.Series, identifier: bool) -> pd.Series:
    text = cells.astype("object").str.strip()
    if identifier:
        text = text.str.replace(WHOLE_FLOAT, r"\1", regex=True)
    return text.where(text.notna() & (text != ""), None)
