"""Writes rows as CSV or XLSX, byte-identical on every run.

CSV: UTF-8, ``\\n`` line ends, blank for no value. XLSX: openpyxl output is
re-zipped with fixed timestamps and fixed document properties, because a
workbook otherwise carries the time it was saved and would differ on each run.
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from collections.abc import Iterable, Sequence
from datetime import date, datetime
from pathlib import Path

from openpyxl import Workbook

Row = dict[str, object]
FIXED_TIME = (2023, 4, 1, 0, 0, 0)
_STAMP = re.compile(rb"(<dcterms:(?:created|modified)[^>]*>)[^<]*(</dcterms:)")


def _cell(value: object, date_format: str) -> str:
    if value is None:
        return ""
    if isinstance(value, date):
        return value.strftime(date_format)
    return str(value)


def write_csv(
    path: Path, columns: Sequence[str], rows: Iterable[Row], date_format: str = "%Y-%m-%d"
) -> None:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(columns)
    for row in rows:
        writer.writerow([_cell(row.get(c), date_format) for c in columns])
    path.write_bytes(buffer.getvalue().encode("utf-8"))


def write_xlsx(
    path: Path, columns: Sequence[str], rows: Iterable[Row], sheet: str = "Sheet1"
) -> None:
    workbook = Workbook()
    worksheet = workbook.active
    worksheet.title = sheet
    worksheet.append(list(columns))
    for row in rows:
        worksheet.append([_cell(row.get(c), "%Y-%m-%d") or None for c in columns])
    workbook.properties.creator = "samplegen"
    workbook.properties.created = datetime(*FIXED_TIME)
    workbook.properties.modified = datetime(*FIXED_TIME)
    raw = io.BytesIO()
    workbook.save(raw)
    path.write_bytes(_normalise_zip(raw.getvalue()))


def _normalise_zip(data: bytes) -> bytes:
    """Same members in the same order, with fixed timestamps."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w") as target:
        for info in source.infolist():
            content = source.read(info.filename)
            if info.filename == "docProps/core.xml":
                content = _STAMP.sub(rb"\g<1>2023-04-01T00:00:00Z\g<2>", content)
            member = zipfile.ZipInfo(info.filename, date_time=FIXED_TIME)
            member.compress_type = zipfile.ZIP_DEFLATED
            member.external_attr = 0o600 << 16
            target.writestr(member, content)
    return out.getvalue()
