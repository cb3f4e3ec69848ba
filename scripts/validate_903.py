"""Run the DfE's SSDA903 validation rules over every quarter drop of a raw folder.

Runs inside `.venv-903/` (see `scripts/validate_903.sh`), where the PyPI package
`csc-validator-be-903` (import name `lac_validator`) is installed; that package
pins pandas < 2, so it cannot share the project's virtual environment.

For each quarter folder `YYYY-YY-Qn` under the raw folder it reads `header`,
`episodes` and `social_worker` (`.csv` or `.xlsx`, columns matched
case-insensitively, see spec/extracts.md), hands them to the package as the
tables `Header`, `Episodes` and `SWEpisodes`, runs every rule of the chosen
rule set except the explicit exclusions below, and prints each failing rule
with the rows it flags. The last line is `903 validation: N quarters, M errors`
(M = failing rules summed over quarters + rules that crashed + files that could
not be loaded); the exit code is 1 when M > 0.

Collection year (see docs/ssda903-validation.md): a quarter of financial year
YYYY-YY is validated as the 903 collection of that financial year
(collectionYear = YYYY+1, collection start = 1 April YYYY) with the quarter end
as the reference date (the package's `collection_end`). The rule set is that
year's own when the package has one; financial years before 2022-23 (the
earliest rule set packaged) use the 2022/23 rules; years after the newest
packaged rule set use the newest. Collection years before 2023/24 had no social
worker table, so they get the social worker rules of 2024/25: the first revision
of the 2023/24 pilot rules, which scoped SW07/SW12 to a reporting period reaching
a year before the collection start (what a drop holding a rolling 12 months of
history needs); the 2023/24 SW12 flags every historic episode of a child who left
care before that period (see the doc, and `--self-test` for the reproductions).
The 2023/24 collection itself runs its own rules with SW07STG2 and SW12STG2 in
those revised 2024/25 versions, for the same reason.

`--self-test` re-runs those reproductions and checks that a copy of a real quarter
with injected faults (ETHNIC XXXX, DEC before DECOM, SW_DEC after the quarter end)
is caught by rules 103, 356 and SW07STG2, while the untouched copy passes.

Usage: python scripts/validate_903.py [RAW_DIR] [--la E09000016] [--examples 5]
       python scripts/validate_903.py [RAW_DIR] --self-test
"""

from __future__ import annotations

import argparse
import contextlib
import importlib
import io
import logging
import re
import sys
import warnings
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pandas as pd

# The package logs every rule at INFO and prints from some rules; keep output ours.
logging.disable(logging.CRITICAL)
warnings.filterwarnings("ignore")

import lac_validator.lac_validator as lac_validator_module  # noqa: E402
from lac_validator.datastore import create_datastore  # noqa: E402
from lac_validator.lac_validator import LacValidator  # noqa: E402
from lac_validator.rule_engine import RuleDefinition  # noqa: E402
from lac_validator.types import UploadedFile  # noqa: E402

QUARTER_DIR = re.compile(r"^(?P<start>\d{4})-(?P<end>\d{2})-Q(?P<q>[1-4])$")
DEFAULT_LA = "E09000016"  # London Borough of Havering (the council of the reference report)

FIRST_RULESET_YEAR = 2023  # lac2022_23: earliest rule set in csc-validator-be-903 0.1.17
LAST_RULESET_YEAR = 2027  # lac2026_27: newest
SW_RULES_FROM_YEAR = 2024  # lac2023_24 introduced the social worker (SWEpisodes) table
# Social worker rules for collection years before the table existed: lac2024_25, the
# first revision of the 2023/24 pilot rules (SW07 and SW12 as in every later year).
SW_RULES_FOR_EARLIER_YEARS = 2025
# The two pilot rules 2024/25 rewrote (docs/ssda903-validation.md): the 2023/24 rule set
# itself runs with their revised versions, since its SW12 cannot pass on a drop holding
# case history (and its SW07 rejects allocations the rolling-12 window needs).
REVISED_SW_RULES = ("SW07STG2", "SW12STG2")

# Our file name -> (package table name, columns the package expects, columns that may be absent)
TABLES: dict[str, tuple[str, list[str], set[str]]] = {
    "header": (
        "Header",
        ["CHILD", "SEX", "DOB", "ETHNIC", "UPN", "MOTHER", "MC_DOB"],
        {"UPN", "MOTHER", "MC_DOB"},
    ),
    "episodes": (
        "Episodes",
        [
            "CHILD",
            "DECOM",
            "RNE",
            "LS",
            "CIN",
            "PLACE",
            "PLACE_PROVIDER",
            "DEC",
            "REC",
            "REASON_PLACE_CHANGE",
            "HOME_POST",
            "PL_POST",
            "URN",
        ],
        set(),
    ),
    "social_worker": (
        "SWEpisodes",
        ["CHILD", "SW_ID", "SW_DECOM", "SW_DEC", "SW_REASON"],
        {"SW_REASON"},
    ),
}
DATE_COLUMNS = {"DOB", "MC_DOB", "DECOM", "DEC", "SW_DECOM", "SW_DEC"}
ID_COLUMNS = {"CHILD", "SW_ID", "URN", "UPN", "SEX", "MOTHER"}

# Rules that cannot pass or cannot run on this data because they need a table or
# field the sample does not hold. One line of reason each, from reading the rule's
# code in lac_validator/rules/lac20XX_YY/rule_<code>.py. Anything not listed runs.
EXCLUDED: dict[str, str] = {
    "104": "needs the UASC table / Header.UASC status",
    "105": "checks Header.UASC, present only in XML returns (returns nothing for CSV)",
    "112": "reads the AD1 (adoption) table",
    "113": "reads the AD1 (adoption) table",
    "114": "reads the AD1 (adoption) table",
    "115": "reads the PlacedAdoption (should be placed for adoption) table",
    "116": "reads the PlacedAdoption (should be placed for adoption) table",
    "117": "reads the PlacedAdoption (should be placed for adoption) table",
    "118": "reads the PlacedAdoption (should be placed for adoption) table",
    "119": "reads the PlacedAdoption (should be placed for adoption) table",
    "120": "reads the PlacedAdoption (should be placed for adoption) table",
    "131": "reads the OC3 (care leavers) table",
    "132": "reads the OC3 (care leavers) table",
    "133": "reads the OC3 (care leavers) table",
    "134": "reads the AD1 (adoption) table",
    "151": "reads the AD1 (adoption) table",
    "153": "reads the OC3 (care leavers) table",
    "157": "reads the OC2 (health/offending outcomes) table",
    "158": "reads the OC2 (health/offending outcomes) table",
    "159": "reads the OC2 (health/offending outcomes) table",
    "164": "needs the UASC table / Header.UASC status",
    "165": "reads the OC3 (care leavers) table",
    "166": "reads the Reviews table",
    "167": "reads the Reviews table",
    "175": "reads the AD1 (adoption) table",
    "176": "reads the AD1 (adoption) table",
    "177": "reads the AD1 (adoption) table",
    "180": "reads the OC2 (health/offending outcomes) table",
    "181": "reads the OC2 (health/offending outcomes) table",
    "182": "reads the OC2 (health/offending outcomes) table",
    "184": "reads the PlacedAdoption (should be placed for adoption) table",
    "185": "reads the OC2 (health/offending outcomes) table",
    "186": "reads the OC2 (health/offending outcomes) table",
    "187": "reads the AD1 (adoption) table",
    "188": "reads the OC2 (health/offending outcomes) table",
    "189": "reads the OC2 (health/offending outcomes) table",
    "190": "reads the OC2 (health/offending outcomes) table",
    "191": "reads the OC2 (health/offending outcomes) table",
    "192": "reads the OC2 (health/offending outcomes) table",
    "193": "reads the OC2 (health/offending outcomes) table",
    "196": "reads the OC2 (health/offending outcomes) table",
    "197B": "reads the OC2 (health/offending outcomes) table",
    "197a": "reads the OC2 (health/offending outcomes) table",
    "198": "reads the OC2 (health/offending outcomes) table",
    "202": "compares with the previous year's return (Header_last/Episodes_last)",
    "203": "compares with the previous year's return (Header_last/Episodes_last)",
    "204": "compares with the previous year's return (Header_last/Episodes_last)",
    "205A": "needs the UASC table / Header.UASC status",
    "205B": "needs the UASC table / Header.UASC status",
    "205C": "needs the UASC table / Header.UASC status",
    "205D": "needs the UASC table / Header.UASC status",
    "207": "compares with the previous year's return (Header_last/Episodes_last)",
    "208": "compares with the previous year's return (Header_last/Episodes_last)",
    "215": "reads the OC2 (health/offending outcomes) table",
    "219": "needs the Ofsted children's homes/social care providers URN lookup (metadata provider_info)",
    "221": "needs the Ofsted children's homes/social care providers URN lookup (metadata provider_info)",
    "224": "needs the Ofsted children's homes/social care providers URN lookup (metadata provider_info)",
    "227": "needs the Ofsted children's homes/social care providers URN lookup (metadata provider_info)",
    "228": "needs the Ofsted children's homes/social care providers URN lookup (metadata provider_info)",
    "229": "needs the Ofsted children's homes/social care providers URN lookup (metadata provider_info)",
    "231": "reads Header.UASC_STATUS, a field the sample does not hold (raises KeyError)",
    "233": "reads Episodes.DATE_EPISODE_CEASED, a column no 903 table has (raises KeyError; package bug)",
    "303": "needs the UASC table / Header.UASC status",
    "304": "needs the UASC table / Header.UASC status",
    "331": "reads the AD1 (adoption) table",
    "333": "reads the AD1 (adoption) table",
    "334": "reads the AD1 (adoption) table",
    "335": "reads the AD1 (adoption) table",
    "344": "reads the OC3 (care leavers) table",
    "345": "reads the OC3 (care leavers) table",
    "347": "reads the OC3 (care leavers) table",
    "348": "reads the OC3 (care leavers) table",
    "391": "reads the OC3 (care leavers) table",
    "392a": "needs the UASC table / Header.UASC status",
    "399": "reads the Reviews table",
    "406": "needs the UASC table / Header.UASC status",
    "440": "reads the Reviews table",
    "441": "reads the Reviews table",
    "452": "compares with the previous year's return (Header_last/Episodes_last)",
    "453": "compares with the previous year's return (Header_last/Episodes_last)",
    "502": "compares with the previous year's return (Header_last/Episodes_last)",
    "503A": "compares with the previous year's return (Header_last/Episodes_last)",
    "503B": "compares with the previous year's return (Header_last/Episodes_last)",
    "503C": "compares with the previous year's return (Header_last/Episodes_last)",
    "503D": "compares with the previous year's return (Header_last/Episodes_last)",
    "503E": "compares with the previous year's return (Header_last/Episodes_last)",
    "503F": "compares with the previous year's return (Header_last/Episodes_last)",
    "503G": "compares with the previous year's return (Header_last/Episodes_last)",
    "503H": "compares with the previous year's return (Header_last/Episodes_last)",
    "503J": "compares with the previous year's return (Header_last/Episodes_last)",
    "511": "reads the AD1 (adoption) table",
    "514": "reads the AD1 (adoption) table",
    "517": "reads the AD1 (adoption) table",
    "518": "reads the AD1 (adoption) table",
    "519": "reads the AD1 (adoption) table",
    "520": "reads the AD1 (adoption) table",
    "521": "reads the AD1 (adoption) table",
    "522": "reads the PlacedAdoption (should be placed for adoption) table",
    "523": "reads the AD1 (adoption) table",
    "524": "reads the AD1 (adoption) table",
    "525": "reads the AD1 (adoption) table",
    "542": "reads the OC2 (health/offending outcomes) table",
    "543": "reads the OC2 (health/offending outcomes) table",
    "544": "reads the OC2 (health/offending outcomes) table",
    "545": "reads the OC2 (health/offending outcomes) table",
    "546": "reads the OC2 (health/offending outcomes) table",
    "547": "reads the OC2 (health/offending outcomes) table",
    "551": "reads the PlacedAdoption (should be placed for adoption) table",
    "552": "reads the PlacedAdoption (should be placed for adoption) table",
    "553": "reads the PlacedAdoption (should be placed for adoption) table",
    "554": "reads the PlacedAdoption (should be placed for adoption) table",
    "555": "reads the PlacedAdoption (should be placed for adoption) table",
    "556": "reads the PlacedAdoption (should be placed for adoption) table",
    "557": "reads the PlacedAdoption (should be placed for adoption) table",
    "558": "reads the PlacedAdoption (should be placed for adoption) table",
    "559": "reads the PlacedAdoption (should be placed for adoption) table",
    "560": "reads the PlacedAdoption (should be placed for adoption) table",
    "561": "reads the PlacedAdoption (should be placed for adoption) table",
    "562": "compares with the previous year's return (Header_last/Episodes_last)",
    "563": "reads the PlacedAdoption (should be placed for adoption) table",
    "564": "reads the Missing (missing/away from placement) table",
    "565": "reads the Missing (missing/away from placement) table",
    "566": "reads the Missing (missing/away from placement) table",
    "567": "reads the Missing (missing/away from placement) table",
    "570": "reads the Missing (missing/away from placement) table",
    "571": "reads the Missing (missing/away from placement) table",
    "574": "reads the Missing (missing/away from placement) table",
    "575": "reads the Missing (missing/away from placement) table",
    "576": "reads the Missing (missing/away from placement) table",
    "577": "reads the Missing (missing/away from placement) table",
    "578": "reads the Missing (missing/away from placement) table",
    "579": "reads the PlacedAdoption (should be placed for adoption) table",
    "580": "reads the Missing (missing/away from placement) table",
    "581": "reads the Missing (missing/away from placement) table",
    "582": "reads the AD1 (adoption) table",
    "583": "reads the PlacedAdoption (should be placed for adoption) table",
    "584": "reads the PlacedAdoption (should be placed for adoption) table",
    "586": "reads the Missing (missing/away from placement) table",
    "601": "reads the AD1 (adoption) table",
    "602": "reads the AD1 (adoption) table",
    "624": "compares with the previous year's return (Header_last/Episodes_last)",
    "626": "compares with the previous year's return (Header_last/Episodes_last)",
    "628": "reads the OC3 (care leavers) table",
    "630": "reads the PrevPerm (previous permanence) table",
    "631": "reads the PrevPerm (previous permanence) table",
    "632": "reads the PrevPerm (previous permanence) table",
    "633": "reads the PrevPerm (previous permanence) table",
    "634": "reads the PrevPerm (previous permanence) table",
    "635": "reads the PrevPerm (previous permanence) table",
    "700": "reads the DoLo (deprivation of liberty) table",
    "701": "reads the DoLo (deprivation of liberty) table",
    "702": "reads the DoLo (deprivation of liberty) table",
    "703": "reads the DoLo (deprivation of liberty) table",
    "704": "reads the DoLo (deprivation of liberty) table",
    "705": "reads the DoLo (deprivation of liberty) table",
    "706": "reads the DoLo (deprivation of liberty) table",
    "707": "reads the DoLo (deprivation of liberty) table",
    "708": "reads the DoLo (deprivation of liberty) table",
    "709": "reads the DoLo (deprivation of liberty) table",
    "710": "reads the DoLo (deprivation of liberty) table",
    "1000": "reads the OC3 (care leavers) table",
    "1001": "reads the OC3 (care leavers) table",
    "1002": "reads the OC3 (care leavers) table",
    "1003": "reads the PlacedAdoption (should be placed for adoption) table",
    "1004": "reads the Missing (missing/away from placement) table",
    "1005": "reads the Missing (missing/away from placement) table",
    "1006": "reads the Missing (missing/away from placement) table",
    "1007": "reads the OC3 (care leavers) table",
    "1008": "needs the Ofsted children's homes/social care providers URN lookup (metadata provider_info)",
    "1010": "reads the OC3 (care leavers) table",
    "1011": "reads the OC3 (care leavers) table",
    "1012": "checks only the PlacedAdoption/Missing/Reviews/AD1/PrevPerm/OC2 tables",
    "1014": "reads the OC3 (care leavers) table",
    "1016": "reads the OC3 (care leavers) table",
    "3001": "reads the OC3 (care leavers) table",
    "INT01": "reads the AD1 (adoption) table",
    "INT02": "reads the PlacedAdoption (should be placed for adoption) table",
    "INT04": "reads the Missing (missing/away from placement) table",
    "INT05": "reads the OC2 (health/offending outcomes) table",
    "INT06": "reads the OC3 (care leavers) table",
    "INT07": "reads the PrevPerm (previous permanence) table",
    "INT08": "reads the Reviews table",
    "INT09": "needs the UASC table / Header.UASC status",
    "INT11": "reads the AD1 (adoption) table",
    "INT12": "reads the PlacedAdoption (should be placed for adoption) table",
    "INT13": "reads the Missing (missing/away from placement) table",
    "INT14": "reads the OC2 (health/offending outcomes) table",
    "INT15": "reads the OC3 (care leavers) table",
    "INT16": "reads the PrevPerm (previous permanence) table",
    "INT17": "reads the Reviews table",
    "INT18": "needs the UASC table / Header.UASC status",
    "INT21": "needs the UASC table / Header.UASC status",
    "INT31": "reads the AD1 (adoption) table",
    "INT33": "reads the OC2 (health/offending outcomes) table",
    "INT34": "reads the OC3 (care leavers) table",
    "INT35": "reads the PrevPerm (previous permanence) table",
    "INT36": "needs the UASC table / Header.UASC status",
    "NoE": "compares with the previous year's return (Header_last/Episodes_last)",
}


@dataclass
class Failure:
    """One rule failing in one quarter."""

    code: str
    message: str
    table: str
    rows: list[int]
    children: list[str]


@dataclass
class QuarterResult:
    """Outcome of one quarter folder."""

    key: str
    ruleset: str
    collection_year: str
    reference_date: str
    failures: list[Failure] = field(default_factory=list)
    crashed: dict[str, str] = field(default_factory=dict)
    load_errors: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    ran: int = 0

    @property
    def errors(self) -> int:
        # one error per failing rule (a rule may flag rows in two tables), crash or load fault
        return len({f.code for f in self.failures}) + len(self.crashed) + len(self.load_errors)


def quarter_end(start_year: int, quarter: int) -> date:
    """Last day of quarter `quarter` (1 = April-June) of financial year starting `start_year`."""
    return {
        1: date(start_year, 6, 30),
        2: date(start_year, 9, 30),
        3: date(start_year, 12, 31),
        4: date(start_year + 1, 3, 31),
    }[quarter]


def _ruleset_name(year: int) -> str:
    return f"lac{year - 1}_{str(year)[2:]}"


def ruleset_for(
    collection_year: int, sw_year: int | None = None
) -> tuple[str, dict[str, RuleDefinition]]:
    """Rule set name and registry for a 903 collection year (2022 = 2021/22).

    Years before the social worker table existed add the social worker (SW*) rules
    of `sw_year` (default SW_RULES_FOR_EARLIER_YEARS); they run after the year's own
    rules, as they do in the package's own registries (so after rule 365, which
    fills blank DEC with the reference date in the shared data store). The year that
    introduced the table (2023/24) keeps its own SW rules but REVISED_SW_RULES from
    `sw_year` (same default; `sw_year` = 2024 keeps the pilot versions), in place.
    """
    year = min(max(collection_year, FIRST_RULESET_YEAR), LAST_RULESET_YEAR)
    name = _ruleset_name(year)
    registry = dict(importlib.import_module(f"lac_validator.rules.{name}").registry)
    sw_name = _ruleset_name(sw_year or SW_RULES_FOR_EARLIER_YEARS)
    if year < SW_RULES_FROM_YEAR:
        sw_registry = importlib.import_module(f"lac_validator.rules.{sw_name}").registry
        added = {c: r for c, r in sw_registry.items() if c.startswith("SW")}
        registry.update(added)
        name = f"{name} + {sw_name} SW rules"
    elif year == SW_RULES_FROM_YEAR and sw_name != name:
        sw_registry = importlib.import_module(f"lac_validator.rules.{sw_name}").registry
        registry.update({c: sw_registry[c] for c in REVISED_SW_RULES})
        name = f"{name} with {' and '.join(REVISED_SW_RULES)} of {sw_name}"
    return name, registry


def _find_file(folder: Path, stem: str) -> Path | None:
    for path in sorted(folder.iterdir()):
        if (
            path.is_file()
            and path.stem.lower() == stem
            and path.suffix.lower() in (".csv", ".xlsx")
        ):
            return path
    return None


def _read_raw(path: Path) -> pd.DataFrame:
    """Read a CSV (UTF-8 with/without BOM, else Windows-1252) or the first sheet of an XLSX as text."""
    if path.suffix.lower() == ".xlsx":
        df = pd.read_excel(path, sheet_name=0, dtype=object, engine="openpyxl")
    else:
        try:
            df = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
        except UnicodeDecodeError:
            df = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="cp1252")
    df.columns = [str(c).strip().upper() for c in df.columns]
    return df


def _clean_value(value: Any, column: str) -> Any:
    """Text as the package's own CSV reader gives it: trimmed, upper-cased, blank = NaN."""
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return float("nan")
    if isinstance(value, (datetime, pd.Timestamp, date)):
        return value.strftime("%d/%m/%Y")
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = str(value).strip()
    if text == "":
        return float("nan")
    if column in ID_COLUMNS and re.fullmatch(r"\d+\.0", text):
        text = text[:-2]
    if column in DATE_COLUMNS:
        match = re.fullmatch(r"(\d{4})-(\d{2})-(\d{2})(?:[ T]00:00:00)?", text)
        if match:  # a spreadsheet that turned the date into ISO
            text = f"{match[3]}/{match[2]}/{match[1]}"
    return text.upper()


def load_quarter(folder: Path) -> tuple[dict[str, pd.DataFrame], list[str]]:
    """The quarter's three 903 tables under the package's names, and any load errors."""
    tables: dict[str, pd.DataFrame] = {}
    errors: list[str] = []
    for stem, (name, columns, optional) in TABLES.items():
        path = _find_file(folder, stem)
        if path is None:
            errors.append(f"{stem}.csv/.xlsx is missing")
            continue
        try:
            raw = _read_raw(path)
        except Exception as exc:  # unreadable file
            errors.append(f"{path.name}: cannot be read ({exc})")
            continue
        missing = [c for c in columns if c not in raw.columns and c not in optional]
        if missing:
            errors.append(f"{path.name}: missing column(s) {', '.join(missing)}")
            continue
        df = pd.DataFrame(index=raw.index)
        for col in columns:
            src = raw[col] if col in raw.columns else pd.Series([None] * len(raw), index=raw.index)
            df[col] = [_clean_value(v, col) for v in src]
        tables[name] = df.astype(object)
    if "SWEpisodes" in tables and "Header" in tables:
        # The package's social worker table also carries DOB; take it from the header.
        dob = tables["Header"].drop_duplicates("CHILD").set_index("CHILD")["DOB"]
        tables["SWEpisodes"].insert(1, "DOB", tables["SWEpisodes"]["CHILD"].map(dob))
    return tables, errors


def _as_upload(name: str, df: pd.DataFrame) -> UploadedFile:
    """A table as the package's CSV upload: exactly its columns, text, blank = empty."""
    buffer = io.StringIO()
    df.to_csv(buffer, index=False)
    return UploadedFile(
        name=f"{name}.csv", description="This year", file_content=buffer.getvalue().encode("utf-8")
    )


def run_rules(
    tables: dict[str, pd.DataFrame],
    registry: dict[str, RuleDefinition],
    collection_year: int,
    reference_date: date,
    local_authority: str,
    result: QuarterResult,
) -> None:
    """Run every non-excluded rule through the package's own entry point, LacValidator.

    The package derives collection_start/collection_end (1 April / 31 March) from
    collectionYear inside LacValidator; the wrapper below moves collection_end to
    the quarter end, the drop's reference date. Rules run in registry order on
    shallow copies of one data store, exactly as in the DfE tool.
    """
    metadata: dict[str, Any] = {
        "collectionYear": str(collection_year),
        "localAuthority": local_authority,
    }
    uploads = [_as_upload(name, df) for name, df in tables.items()]
    selected = [code for code in registry if code not in EXCLUDED]

    def datastore_at_reference_date(data: dict[str, Any], meta: dict[str, Any]) -> dict[str, Any]:
        store = create_datastore(data, meta)
        store["metadata"]["collection_end"] = reference_date.strftime("%d/%m/%Y")
        return store

    original = lac_validator_module.create_datastore
    lac_validator_module.create_datastore = datastore_at_reference_date
    try:
        with contextlib.redirect_stdout(io.StringIO()):  # some rules print()
            validator = LacValidator(
                metadata=metadata, files=uploads, registry=registry, selected_rules=selected
            )
    finally:
        lac_validator_module.create_datastore = original

    result.ran = len(validator.dones) + len(validator.skips)
    result.skipped = list(validator.skips)
    for code in validator.fails:
        result.crashed[code] = "the rule raised an exception on this data"
    for code in selected:
        for table, df in validator.ds_results.items():
            if table == "metadata" or f"ERR_{code}" not in df.columns:
                continue
            flagged = df.index[df[f"ERR_{code}"] == True].tolist()  # noqa: E712
            if flagged:
                children = [str(df.at[i, "CHILD"]) for i in flagged]
                result.failures.append(
                    Failure(code, registry[code].message or "", table, flagged, children)
                )


def validate_quarter(
    folder: Path, local_authority: str, sw_year: int | None = None
) -> QuarterResult:
    """Load and validate one quarter folder (`sw_year`: see ruleset_for)."""
    match = QUARTER_DIR.match(folder.name)
    assert match is not None
    start_year, quarter = int(match["start"]), int(match["q"])
    collection_year = start_year + 1
    ref = quarter_end(start_year, quarter)
    ruleset, registry = ruleset_for(collection_year, sw_year)
    result = QuarterResult(
        key=folder.name,
        ruleset=ruleset,
        collection_year=f"{start_year}/{str(collection_year)[2:]}",
        reference_date=ref.strftime("%d/%m/%Y"),
    )
    tables, result.load_errors = load_quarter(folder)
    if not result.load_errors:
        run_rules(tables, registry, collection_year, ref, local_authority, result)
    return result


TABLE_FILE = {"Header": "header", "Episodes": "episodes", "SWEpisodes": "social_worker"}


def print_result(result: QuarterResult, examples: int) -> None:
    """Print one quarter's findings."""
    print(
        f"== {result.key}: collection {result.collection_year}, reference date "
        f"{result.reference_date}, rules {result.ruleset}; {result.ran} rules ran, "
        f"{result.errors} error(s)"
    )
    for err in result.load_errors:
        print(f"  LOAD  {err}")
    for code, why in sorted(result.crashed.items()):
        print(f"  CRASH {code}: rule raised {why}")
    for f in result.failures:
        sample = ", ".join(
            f"row {i} (line {i + 2}) CHILD {c}"
            for i, c in list(zip(f.rows, f.children, strict=False))[:examples]
        )
        print(
            f"  {f.code:<10} {TABLE_FILE.get(f.table, f.table)}: {len(f.rows)} row(s) — {f.message.strip()}"
        )
        print(f"             e.g. {sample}")
    unexpected = [c for c in result.skipped if c not in EXCLUDED]
    if unexpected:
        print(
            f"  note: rules that found none of their tables (skipped by the package): {', '.join(unexpected)}"
        )


# ---------------------------------------------------------------------------
# Self-test: the reproductions behind the rule-version choice, and a fault drill.

_HEADER_ROW = {"SEX": "1", "DOB": "01/01/2010", "ETHNIC": "WBRI", "UPN": "A123456789012"}
_EPISODE_ROW = {
    "LS": "C2", "CIN": "N1", "PLACE": "U1", "PLACE_PROVIDER": "PR1",
    "HOME_POST": "RM7 1PU", "PL_POST": "RM5 3BU", "URN": "SC123456",
}  # fmt: skip

# Minimal cases, each one child: (name, header CHILD, episodes (DECOM, RNE, DEC, REC),
# social worker rows (SW_ID, SW_DECOM, SW_DEC)).
SW_CASES: dict[str, tuple[list[tuple[str, str, str, str]], list[tuple[str, str, str]]]] = {
    # left care in 2016, so (rightly, SW07) no social worker rows in the reporting period
    "1": ([("01/05/2015", "S", "01/06/2016", "E4A")], []),
    # the generator author's two-row case: S ended X1, then an open P episode
    "2": (
        [("01/01/2022", "S", "10/01/2022", "X1"), ("10/01/2022", "P", "", "")],
        [("SW100001", "01/01/2022", "")],
    ),
    # in care since 2021; an allocation that ended in the previous year (June 2021)
    "3": (
        [("01/03/2021", "S", "", "")],
        [("SW100002", "01/03/2021", "15/06/2021"), ("SW100003", "15/06/2021", "")],
    ),
}


def _write_quarter(folder: Path, cases: dict) -> None:
    folder.mkdir(parents=True)
    header, episodes, workers = [], [], []
    for child, (eps, sws) in cases.items():
        header.append({"CHILD": child, **_HEADER_ROW})
        for decom, rne, dec, rec in eps:
            row = {"CHILD": child, "DECOM": decom, "RNE": rne, "DEC": dec, "REC": rec}
            episodes.append({**row, **_EPISODE_ROW})
        for sw_id, sw_decom, sw_dec in sws:
            workers.append({
                "CHILD": child, "SW_ID": sw_id, "SW_DECOM": sw_decom, "SW_DEC": sw_dec,
                "SW_REASON": "FCONTA",
            })  # fmt: skip
    for stem, rows in (("header", header), ("episodes", episodes), ("social_worker", workers)):
        columns = TABLES[stem][1]
        pd.DataFrame(rows, columns=columns).to_csv(folder / f"{stem}.csv", index=False)


def _flagged(result: QuarterResult, code: str) -> set[str]:
    """CHILD ids a rule flagged in one result."""
    return {c for f in result.failures if f.code == code for c in f.children}


def self_test(raw: Path, local_authority: str) -> int:
    """Reproductions of the SW rule-version choice, and an injected-fault drill."""
    import tempfile

    checks: list[tuple[str, bool]] = []
    with tempfile.TemporaryDirectory() as tmp:
        base = Path(tmp)
        # 1. SW12/SW07: 2023/24 pilot versions against the 2024/25 versions chosen.
        q = base / "cases" / "2022-23-Q4"
        _write_quarter(q, SW_CASES)
        pilot = validate_quarter(q, local_authority, sw_year=SW_RULES_FROM_YEAR)
        chosen = validate_quarter(q, local_authority)
        checks += [
            ("2023/24 SW12 flags child 1, who left care in 2016 and has no SW row",
             _flagged(pilot, "SW12STG2") == {"1"}),
            ("2024/25 SW12 flags none of children 1-3", not _flagged(chosen, "SW12STG2")),
            ("2023/24 SW07 flags child 3's allocation that ended 15/06/2021",
             _flagged(pilot, "SW07STG2") == {"3"}),
            ("2024/25 SW07 flags none of children 1-3", not _flagged(chosen, "SW07STG2")),
        ]  # fmt: skip
        # The two-row case alone: the rule function flags the open P episode (blank
        # REC counts as "not X1", blank DEC fails SW_DECOM <= DEC) in both versions;
        # in a full run rule 365 has first filled that DEC with the reference date.
        tables, _ = load_quarter(q)
        meta = {"collection_start": "01/04/2022", "collection_end": "31/03/2023"}
        for year in (SW_RULES_FROM_YEAR, SW_RULES_FOR_EARLIER_YEARS):
            rule = importlib.import_module(
                f"lac_validator.rules.{_ruleset_name(year)}.rule_SW12STG2"
            )
            dfs = {k: v.copy() for k, v in tables.items()} | {"metadata": meta}
            rows = rule.validate(dfs).get("Episodes", [])
            children = {str(tables["Episodes"].at[i, "CHILD"]) for i in rows}
            checks.append((
                f"{_ruleset_name(year)} SW12 run alone (no rule 365) flags child 2's open "
                "P episode", "2" in children,
            ))  # fmt: skip
        # SW07 2024/25 takes "a year" as 365.2425 days: across 29 February an
        # allocation ending on 1 April of the previous year is rejected.
        leap = {"4": ([("01/01/2019", "S", "", "")],
                      [("SW100004", "01/01/2019", "01/04/2019"), ("SW100005", "01/04/2019", "")]),
                "5": ([("01/01/2019", "S", "", "")],
                      [("SW100006", "01/01/2019", "02/04/2019"), ("SW100007", "02/04/2019", "")])}  # fmt: skip
        q = base / "leap" / "2020-21-Q4"
        _write_quarter(q, leap)
        checks.append(("2024/25 SW07 in 2020/21 rejects SW_DEC 01/04/2019, takes 02/04/2019",
                       _flagged(validate_quarter(q, local_authority), "SW07STG2") == {"4"}))  # fmt: skip

        # 2. Fault drill on a copy of the newest quarter of RAW.
        folders = sorted(p for p in raw.iterdir() if p.is_dir() and QUARTER_DIR.match(p.name))
        if not folders:
            checks.append((f"{raw} holds a quarter folder for the fault drill", False))
        else:
            source = folders[-1]
            clean = validate_quarter(source, local_authority)
            checks.append((f"{source.name} as shipped: 0 errors", clean.errors == 0))
            bad = base / "drill" / source.name
            bad.mkdir(parents=True)
            frames = {}
            for stem in TABLES:
                path = _find_file(source, stem)
                assert path is not None, f"{source.name}: no {stem} file"
                frames[stem] = _read_raw(path)
            h, e, w = frames["header"], frames["episodes"], frames["social_worker"]
            h.loc[h.index[0], "ETHNIC"] = "XXXX"
            ended = e.index[e["DEC"].astype(str).str.strip() != ""][0]
            decom = datetime.strptime(e.at[ended, "DECOM"], "%d/%m/%Y")
            e.loc[ended, "DEC"] = (decom - pd.Timedelta(days=1)).strftime("%d/%m/%Y")
            sw_row = w.index[w["SW_DEC"].astype(str).str.strip() != ""][0]
            late = quarter_end(int(source.name[:4]), int(source.name[-1])) + pd.Timedelta(days=10)
            w.loc[sw_row, "SW_DEC"] = late.strftime("%d/%m/%Y")
            for stem, df in frames.items():
                df.to_csv(bad / f"{stem}.csv", index=False)
            drilled = validate_quarter(bad, local_authority)
            for code, table, row in (
                ("103", "Header", h.index[0]),
                ("356", "Episodes", ended),
                ("SW07STG2", "SWEpisodes", sw_row),
            ):
                hit = any(f.code == code and f.table == table and row in f.rows
                          for f in drilled.failures)  # fmt: skip
                checks.append((f"injected fault caught by {code} at {table} row {row}", hit))
            checks.append(("injected faults make the quarter fail", drilled.errors > 0))

    for text, ok in checks:
        print(f"  {'ok  ' if ok else 'FAIL'} {text}")
    failed = sum(not ok for _, ok in checks)
    print(f"903 self-test: {len(checks)} checks, {failed} failed")
    return 1 if failed else 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("raw_dir", nargs="?", default="data/raw", type=Path)
    parser.add_argument("--la", default=DEFAULT_LA, help="LA code (UTLA, e.g. E09000016)")
    parser.add_argument("--examples", type=int, default=5, help="example rows per rule")
    parser.add_argument(
        "--self-test",
        action="store_true",
        help="re-run the SW rule-version reproductions and an injected-fault drill on RAW_DIR",
    )
    args = parser.parse_args(argv)

    raw: Path = args.raw_dir
    if not raw.is_dir():
        print(f"903 validation: {raw} is not a folder", file=sys.stderr)
        return 2
    if args.self_test:
        return self_test(raw, args.la)
    folders = sorted(p for p in raw.iterdir() if p.is_dir() and QUARTER_DIR.match(p.name))
    total = 0
    for folder in folders:
        result = validate_quarter(folder, args.la)
        print_result(result, args.examples)
        total += result.errors
    print(f"903 validation: {len(folders)} quarters, {total} errors")
    return 1 if total > 0 else 0


if __name__ == "__main__":
    sys.exit(main())
