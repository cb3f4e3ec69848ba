"""Which quarter drops are in the raw folder, and whether each is complete.

A quarter folder is named by its quarter key (`2021-22-Q2`) and is complete when
every quarter extract of spec/extracts.md is there as `.csv` or `.xlsx`. Folders
with other names are reported, never silently skipped.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path

from pipeline.core.errors import UserError
from pipeline.core.periods import Quarter, sort_keys
from pipeline.core.settings import REFERENCE_FOLDER
from pipeline.extracts.registry import EXTRACTS

EXTRACT_SUFFIXES = (".csv", ".xlsx")


@dataclass
class RawFolder:
    """What a scan of the raw folder found."""

    complete: dict[str, Path] = field(default_factory=dict)
    incomplete: dict[str, list[str]] = field(default_factory=dict)
    misnamed: list[str] = field(default_factory=list)


def quarter_extract_stems() -> list[str]:
    return [e.stem for e in EXTRACTS if e.kind == "quarter"]


def missing_extracts(folder: Path) -> list[str]:
    """Quarter extracts with neither a .csv nor an .xlsx file in `folder`."""
    present = {p.stem.lower() for p in _entries(folder) if p.suffix.lower() in EXTRACT_SUFFIXES}
    return [stem for stem in quarter_extract_stems() if stem.lower() not in present]


def _entries(folder: Path) -> list[Path]:
    """The folder's entries; `UserError` (a message, not a traceback) when it cannot be read."""
    try:
        return list(folder.iterdir())
    except OSError as error:
        why = (error.strerror or type(error).__name__).lower()
        raise UserError(
            f"The folder {folder} cannot be read ({why}), so its extracts cannot be found. "
            "Give the account that runs `scorecard` read access to it, or move it out of the "
            "raw folder."
        ) from error


def scan_raw_folder(raw_dir: Path) -> RawFolder:
    found = RawFolder()
    if not raw_dir.is_dir():
        return found
    folders = {}
    for path in _entries(raw_dir):
        if not path.is_dir() or path.name.startswith(".") or path.name == REFERENCE_FOLDER:
            continue
        if Quarter.is_key(path.name):
            folders[path.name] = path
        else:
            found.misnamed.append(path.name)
    for key in sort_keys(set(folders)):
        missing = missing_extracts(folders[key])
        if missing:
            found.incomplete[key] = missing
        else:
            found.complete[key] = folders[key]
    found.misnamed.sort()
    return found


def complete_quarter_folders(raw_dir: Path) -> dict[str, Path]:
    """Complete quarter folders, oldest first."""
    return scan_raw_folder(raw_dir).complete


def folder_signature(folder: Path) -> str:
    """A short fingerprint of a folder's files, changing whenever one is replaced."""
    digest = hashlib.sha256()
    for path in sorted(folder.iterdir()):
        if path.is_file():
            stat = path.stat()
            digest.update(f"{path.name}:{stat.st_size}:{stat.st_mtime_ns};".encode())
    return digest.hexdigest()[:16]
