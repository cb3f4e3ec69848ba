"""Small edits of a copied sample file, each the way a person or a spreadsheet makes them.

Row numbers are the file's line numbers (header = 1), as every fault report quotes
them. Files are rewritten with the ``csv`` module so the untouched cells keep their
text exactly.
"""

from __future__ import annotations

import csv
import io
import shutil
from collections.abc import Callable
from pathlib import Path

from openpyxl import Workbook

Rows = list[list[str]]


def read_rows(path: Path, encoding: str = "utf-8-sig") -> Rows:
    return list(csv.reader(io.StringIO(path.read_text(encoding=encoding), newline="")))


def write_rows(path: Path, rows: Rows, encoding: str = "utf-8", delimiter: str = ",") -> None:
    buffer = io.StringIO(newline="")
    csv.writer(buffer, lineterminator="\n", delimiter=delimiter).writerows(rows)
    path.write_bytes(buffer.getvalue().encode(encoding))


def edit(path: Path, change: Callable[[Rows], None]) -> None:
    rows = read_rows(path)
    change(rows)
    write_rows(path, rows)


def set_cell(path: Path, line: int, column: str, value: str) -> None:
    def change(rows: Rows) -> None:
        rows[line - 1][rows[0].index(column)] = value

    edit(path, change)


def replace_in_column(path: Path, column: str, old: str, new: str) -> int:
    """Every cell of ``column`` equal to ``old`` becomes ``new``; returns how many."""
    changed = []

    def change(rows: Rows) -> None:
        at = rows[0].index(column)
        for row in rows[1:]:
            if row[at] == old:
                row[at] = new
                changed.append(row)

    edit(path, change)
    return len(changed)


def duplicate_line(path: Path, line: int) -> None:
    """Line ``line`` again right below itself (so the copy is line ``line + 1``)."""
    edit(path, lambda rows: rows.insert(line, list(rows[line - 1])))


def drop_column(path: Path, column: str) -> None:
    def change(rows: Rows) -> None:
        at = rows[0].index(column)
        for row in rows:
            del row[at]

    edit(path, change)


def rename_column(path: Path, column: str, new: str) -> None:
    edit(path, lambda rows: rows[0].__setitem__(rows[0].index(column), new))


def keep_lines(path: Path, keep: Callable[[list[str], list[str]], bool]) -> None:
    """Keep the header and the rows for which ``keep(header, row)`` is true."""

    def change(rows: Rows) -> None:
        rows[1:] = [row for row in rows[1:] if keep(rows[0], row)]

    edit(path, change)


def header_only(path: Path) -> None:
    edit(path, lambda rows: rows.__delitem__(slice(1, None)))


def empty(path: Path) -> None:
    path.write_bytes(b"")


def delimiter(path: Path, sep: str) -> None:
    write_rows(path, read_rows(path), delimiter=sep)


def encoding(path: Path, name: str) -> None:
    path.write_bytes(path.read_text(encoding="utf-8").encode(name))


def to_xlsx(path: Path, title: str | None = None, numeric: tuple[str, ...] = ()) -> Path:
    """The CSV as an .xlsx workbook (CSV removed); ``numeric`` columns as Excel numbers."""
    rows = read_rows(path)
    book = Workbook()
    sheet = book.active
    if title:
        sheet.append([title])
        sheet.append([])
    sheet.append(rows[0])
    at = {rows[0].index(name) for name in numeric}
    for row in rows[1:]:
        sheet.append([float(v) if i in at and v else (v or None) for i, v in enumerate(row)])
    target = path.with_suffix(".xlsx")
    book.save(target)
    path.unlink()
    return target


def save_as(source: Path, target: Path) -> None:
    """``source``'s content saved under ``target``'s name (the wrong file dropped in)."""
    shutil.copyfile(source, target)


# --- byte-level edits: what a careless export or a damaged file does -----------------


def edit_bytes(path: Path, change: Callable[[bytes], bytes]) -> None:
    path.write_bytes(change(path.read_bytes()))


def edit_lines(path: Path, change: Callable[[int, str], str]) -> None:
    """Each line (header = 1) replaced by ``change(line_number, text)``, as raw text."""
    lines = path.read_text(encoding="utf-8").split("\n")
    path.write_text(
        "\n".join(change(n, line) if line else line for n, line in enumerate(lines, start=1)),
        encoding="utf-8",
    )


def trailing_comma(path: Path) -> None:
    """A comma after the last cell of every data row (not of the header)."""
    edit_lines(path, lambda n, line: line if n == 1 else line + ",")


def cut_line(path: Path, line: int, fields: int) -> None:
    """Line ``line`` cut after its first ``fields`` cells (an export stopped mid-row)."""
    edit_lines(path, lambda n, text: ",".join(text.split(",")[:fields]) if n == line else text)


def append_to_line(path: Path, line: int, text: str) -> None:
    edit_lines(path, lambda n, old: old + text if n == line else old)


def replace_in_line(path: Path, line: int, old: str, new: str) -> None:
    """``old`` → ``new`` within line ``line`` only, written as is (no CSV quoting)."""
    edit_lines(path, lambda n, text: text.replace(old, new, 1) if n == line else text)


def replace_bytes(path: Path, old: bytes, new: bytes) -> None:
    edit_bytes(path, lambda raw: raw.replace(old, new, 1))


def repeat_column(path: Path, column: str) -> None:
    """``column`` once more at the end of every row, with the same name and values."""

    def change(rows: Rows) -> None:
        at = rows[0].index(column)
        for row in rows:
            row.append(row[at])

    edit(path, change)


def xlsx_cells(path: Path, cells: dict[str, object]) -> Path:
    """The CSV as an .xlsx workbook (CSV removed) with ``cells`` ({"F3": value}) set."""
    target = to_xlsx(path)
    from openpyxl import load_workbook

    book = load_workbook(target)
    for ref, value in cells.items():
        book.active[ref] = value
    book.save(target)
    return target
