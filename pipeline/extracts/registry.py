"""The registry of the 13 raw extracts: the one source of truth about each file.

Readers, validation and loading all look an extract up here: where its file is,
which columns it must have, how its dates are written, which columns are keys,
identifiers or personal data, and which are dropped before anything is stored.
Types and rules live in the extract's schema module (``schemas/<name>.py``).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import Literal

import pandera.pandas as pa

from pipeline.core.settings import REFERENCE_FOLDER
from schemas import (
    benchmarks,
    commentary,
    cp_plans,
    episodes,
    foster_approvals,
    header,
    indicators,
    manual_returns,
    population,
    s47_enquiries,
    schools,
    social_worker,
    targets,
)
from schemas._common import Rule, Severity

ISO = "%Y-%m-%d"
SSDA903 = "%d/%m/%Y"


@dataclass(frozen=True)
class Extract:
    """One raw extract: its file, columns, schema and how its rows are treated."""

    name: str
    kind: Literal["reference", "quarter"]
    module: ModuleType
    model_name: str
    required: tuple[str, ...]
    keys: tuple[str, ...]
    optional: tuple[str, ...] = ()
    date_format: str = ISO
    identifiers: tuple[str, ...] = ()
    personal: tuple[str, ...] = ()
    dropped: tuple[str, ...] = ()
    may_be_empty: bool = False

    @property
    def stem(self) -> str:
        """File name without extension (``.csv`` or ``.xlsx``)."""
        return self.name

    @property
    def table(self) -> str:
        """The warehouse table the valid rows are loaded into."""
        return f"raw_{self.name}"

    @property
    def schema(self) -> type[pa.DataFrameModel]:
        """The pandera model that states this extract's types and rules."""
        return getattr(self.module, self.model_name)

    @property
    def rules(self) -> Mapping[str, Rule]:
        """Severity and blamed column of each named check of the schema."""
        return self.module.RULES

    @property
    def severity(self) -> Severity:
        """Severity of a cell that is blank or cannot be read as its type."""
        return self.module.SEVERITY

    @property
    def columns(self) -> tuple[str, ...]:
        """Every column the spec names, in the spec's order of required then optional."""
        return self.required + self.optional

    @property
    def loaded_columns(self) -> tuple[str, ...]:
        """The columns validated and stored: the spec's columns less the dropped ones."""
        return tuple(c for c in self.columns if c not in self.dropped)

    def folder(self, raw_root: Path, quarter_key: str | None) -> Path:
        """Where the file lives: ``<raw>/reference`` or ``<raw>/<quarter_key>``."""
        if self.kind == "reference":
            return Path(raw_root) / REFERENCE_FOLDER
        if not quarter_key:
            raise ValueError(f"{self.name} is a quarter extract: a quarter_key is needed")
        return Path(raw_root) / quarter_key


def _ref(name: str, module: ModuleType, model: str, required: str, keys: str, **kw) -> Extract:
    """A reference extract; ``required`` and ``keys`` are space-separated column names."""
    return Extract(name, "reference", module, model, *_split(required, keys), **kw)


def _qtr(name: str, module: ModuleType, model: str, required: str, keys: str, **kw) -> Extract:
    """A quarter extract; ``required`` and ``keys`` are space-separated column names."""
    return Extract(name, "quarter", module, model, *_split(required, keys), **kw)


def _split(*names: str) -> list[tuple[str, ...]]:
    return [tuple(text.split()) for text in names]


EXTRACTS: tuple[Extract, ...] = (
    _ref("indicators", indicators, "Indicators",
         "CODE TITLE COMMITTEE OBJECTIVE SERVICE UNIT DECIMALS POLARITY BASIS SOURCE", "CODE"),
    _ref("targets", targets, "Targets",
         "INDICATOR_CODE FINANCIAL_YEAR QUARTER TARGET TOLERANCE_TYPE TOLERANCE",
         "INDICATOR_CODE FINANCIAL_YEAR QUARTER", may_be_empty=True),
    _ref("benchmarks", benchmarks, "Benchmarks",
         "INDICATOR_CODE AREA PERIOD_LABEL PERIOD_END VALUE SOURCE",
         "INDICATOR_CODE AREA PERIOD_END", may_be_empty=True),
    _ref("population", population, "Population",
         "AREA_CODE MID_YEAR AGE_BAND POPULATION", "AREA_CODE MID_YEAR AGE_BAND"),
    _qtr("header", header, "Header", "CHILD SEX DOB ETHNIC", "CHILD",
         optional=("UPN", "MOTHER", "MC_DOB"), date_format=SSDA903, identifiers=("CHILD",),
         personal=("CHILD", "DOB", "ETHNIC", "UPN", "MOTHER", "MC_DOB")),
    _qtr("episodes", episodes, "Episodes",
         "CHILD DECOM RNE LS CIN PLACE PLACE_PROVIDER DEC REC REASON_PLACE_CHANGE URN",
         "CHILD DECOM", optional=("HOME_POST", "PL_POST"), date_format=SSDA903,
         identifiers=("CHILD", "URN"), personal=("CHILD", "HOME_POST", "PL_POST"),
         dropped=("HOME_POST", "PL_POST")),
    _qtr("social_worker", social_worker, "SocialWorker", "CHILD SW_ID SW_DECOM SW_DEC",
         "CHILD SW_ID SW_DECOM", optional=("SW_REASON",), date_format=SSDA903,
         identifiers=("CHILD", "SW_ID"), personal=("CHILD", "SW_ID"), may_be_empty=True),
    _qtr("s47_enquiries", s47_enquiries, "S47Enquiries",
         "LAchildID S47ActualStartDate InitialCPCtarget DateOfInitialCPC ICPCnotRequired",
         "LAchildID S47ActualStartDate", identifiers=("LAchildID",), personal=("LAchildID",),
         may_be_empty=True),
    _qtr("cp_plans", cp_plans, "CpPlans",
         "LAchildID CPPstartDate CPPendDate InitialCategoryOfAbuse", "LAchildID CPPstartDate",
         identifiers=("LAchildID",), personal=("LAchildID",), may_be_empty=True),
    _qtr("foster_approvals", foster_approvals, "FosterApprovals",
         "HOUSEHOLD_ID APPROVAL_DATE CARER_TYPE", "HOUSEHOLD_ID APPROVAL_DATE",
         identifiers=("HOUSEHOLD_ID",), personal=("HOUSEHOLD_ID",), may_be_empty=True),
    _qtr("schools", schools, "Schools",
         "URN SCHOOL_NAME PHASE OVERALL_EFFECTIVENESS INSPECTION_DATE PUPILS", "URN",
         identifiers=("URN",)),
    _qtr("manual_returns", manual_returns, "ManualReturns",
         "INDICATOR_CODE NUMERATOR DENOMINATOR VALUE NOTE", "INDICATOR_CODE", may_be_empty=True),
    _qtr("commentary", commentary, "Commentary",
         "INDICATOR_CODE COMMENTARY CORRECTIVE_ACTION OWNER", "INDICATOR_CODE",
         optional=("VALUE_SEEN",), may_be_empty=True),
)  # fmt: skip

BY_NAME: Mapping[str, Extract] = {extract.name: extract for extract in EXTRACTS}
REFERENCE: tuple[Extract, ...] = tuple(e for e in EXTRACTS if e.kind == "reference")
QUARTER: tuple[Extract, ...] = tuple(e for e in EXTRACTS if e.kind == "quarter")


def get_extract(name: str | Extract) -> Extract:
    """The registry entry called ``name`` (an ``Extract`` is returned unchanged)."""
    if isinstance(name, Extract):
        return name
    try:
        return BY_NAME[name]
    except KeyError:
        raise KeyError(f"no extract called {name!r}; known: {', '.join(BY_NAME)}") from None


def extract_for_stem(stem: str) -> Extract | None:
    """The extract whose file stem is ``stem`` (any letter case), if there is one."""
    return next((e for e in EXTRACTS if e.stem.lower() == stem.lower()), None)
