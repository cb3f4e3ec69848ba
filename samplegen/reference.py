"""Reference files: the indicator catalogue, targets, London benchmarks, population.

Targets and tolerances are the council's: chosen so that, with the tuned world,
every RAG status the sub-committee published comes out (rules.md explains the
tolerance types; known-figures.md how the council states them).
"""

from __future__ import annotations

from datetime import date

from samplegen.config import AREA_CODE

Row = dict[str, object]
COMMITTEE = "Children and Learning"
COMMUNITIES = "Communities making Havering"
OPPORTUNITIES = "Opportunities making Havering"

INDICATOR_COLUMNS = ["CODE", "TITLE", "COMMITTEE", "OBJECTIVE", "SERVICE", "UNIT", "DECIMALS",
                     "POLARITY", "BASIS", "SOURCE"]  # fmt: skip
_CATALOGUE = [
    ("CSC-CIC", "Number of children in care", "count", 0, "none", "snapshot"),
    ("CSC-CICR", "Children in care per 10,000 children aged 0–17", "rate", 1, "none", "snapshot"),
    ("CSC-PERM", "% of children who ceased to be looked after through adoption or a special "
     "guardianship order", "percent", 1, "higher", "ytd"),
    ("CSC-SW2", "% of children in care with 2 or more changes of social worker in the last 12 "
     "months", "percent", 1, "lower", "rolling12"),
    ("CSC-LTPS", "% of children under 16 looked after for 2.5 years or more who have been in the "
     "same placement for 2 years", "percent", 1, "higher", "snapshot"),
    ("CSC-FCR", "Number of new foster carer households approved", "count", 0, "higher", "ytd"),
    ("CSC-ICPC", "% of initial child protection conferences held within 15 working days of the "
     "section 47 enquiry starting", "percent", 1, "higher", "ytd"),
    ("CSC-CPP", "Number of children subject to a child protection plan", "count", 0, "none",
     "snapshot"),
    ("EDU-GOP", "% of primary pupils attending a school judged Good or Outstanding", "percent", 1,
     "higher", "snapshot"),
    ("EDU-GOS", "% of secondary pupils attending a school judged Good or Outstanding", "percent",
     1, "higher", "snapshot"),
    ("EDU-NEET", "% of 16–17 year olds not in education, employment or training, or whose "
     "activity is not known", "percent", 1, "lower", "snapshot"),
    ("EDU-PEX", "Permanent exclusions as a % of the school population", "percent", 2, "lower",
     "annual"),
    ("EDU-SUS", "Suspensions as a % of the school population", "percent", 2, "lower", "annual"),
]  # fmt: skip
MANUAL = frozenset({"EDU-NEET", "EDU-PEX", "EDU-SUS"})


def _service(code: str) -> str:
    if code.startswith("CSC"):
        return "Children's Social Care"
    return "Education" if code != "EDU-NEET" else "Education (Participation and Skills)"


def indicators() -> list[Row]:
    return [
        {"CODE": code, "TITLE": title, "COMMITTEE": COMMITTEE,
         "OBJECTIVE": OPPORTUNITIES if code in ("EDU-GOP", "EDU-GOS", "EDU-PEX", "EDU-SUS")
         else COMMUNITIES,
         "SERVICE": _service(code), "UNIT": unit, "DECIMALS": dp, "POLARITY": polarity,
         "BASIS": basis, "SOURCE": "manual" if code in MANUAL else "computed"}
        for code, title, unit, dp, polarity, basis in _CATALOGUE
    ]  # fmt: skip


TARGET_COLUMNS = [
    "INDICATOR_CODE",
    "FINANCIAL_YEAR",
    "QUARTER",
    "TARGET",
    "TOLERANCE_TYPE",
    "TOLERANCE",
]
# (code, year, quarter or None, target, tolerance type, tolerance). For 2023-24 the
# council raised EDU-GOP's target from 90 to 96 (primary pupils in Good or Outstanding
# schools had been above 90 for four years): an ambition beyond what the last three
# years' process produces, so the signals read it as "consistently fails".
_TARGETS = [
    *[("CSC-PERM", fy, None, t, "percent", "10") for fy, t in
      (("2019-20", "13"), ("2020-21", "14"), ("2021-22", "14"), ("2022-23", "14"),
       ("2023-24", "14"))],
    *[("CSC-SW2", fy, None, t, "points", "2") for fy, t in
      (("2019-20", "12"), ("2020-21", "12"), ("2021-22", "15"), ("2022-23", "15"),
       ("2023-24", "15"))],
    *[("CSC-LTPS", fy, None, "65", "points", "2.5") for fy in ("2019-20", "2020-21", "2021-22",
                                                               "2022-23", "2023-24")],
    # Year-to-date count: phased by quarter in most years; 2021-22 set one target
    # for the year with the annual ambition in Q4 overriding it.
    *[("CSC-FCR", fy, q, t, "percent", "20") for fy in ("2019-20", "2020-21", "2022-23", "2023-24")
      for q, t in ((1, "3"), (2, "6"), (3, "9"), (4, "12"))],
    ("CSC-FCR", "2021-22", None, "5", "points", "1"),
    ("CSC-FCR", "2021-22", 4, "10", "points", "2"),
    *[("CSC-ICPC", fy, None, t, "level", lvl) for fy, t, lvl in
      (("2019-20", "92", "85"), ("2020-21", "92", "85"), ("2021-22", "95", "90"),
       ("2022-23", "95", "90"), ("2023-24", "95", "90"))],
    *[("EDU-GOP", fy, None, t, "points", "2") for fy, t in
      (("2019-20", "88"), ("2020-21", "88"), ("2021-22", "89"), ("2022-23", "90"),
       ("2023-24", "96"))],
    *[("EDU-GOS", fy, None, t, "points", "3") for fy, t in
      (("2019-20", "78"), ("2020-21", "78"), ("2021-22", "79"), ("2022-23", "80"),
       ("2023-24", "80"))],
]  # fmt: skip


def targets() -> list[Row]:
    return [
        {"INDICATOR_CODE": c, "FINANCIAL_YEAR": fy, "QUARTER": q, "TARGET": t,
         "TOLERANCE_TYPE": tt, "TOLERANCE": tol}
        for c, fy, q, t, tt, tol in sorted(_TARGETS, key=lambda r: (r[0], r[1], r[2] or 0))
    ]  # fmt: skip


BENCHMARK_COLUMNS = ["INDICATOR_CODE", "AREA", "PERIOD_LABEL", "PERIOD_END", "VALUE", "SOURCE"]
_LA_STATS = "DfE Children looked after in England"
_CIN_STATS = "DfE Characteristics of children in need"
_OFSTED = "Ofsted state-funded schools inspections and outcomes"
_BENCHMARKS = {
    # code: (source, month-day of period end, {year label: (London, England)})
    "CSC-CICR": (_LA_STATS, (3, 31), {"2018-19": ("50", "65"), "2019-20": ("49", "67"),
                                      "2020-21": ("49", "67"), "2021-22": ("47", "70")}),
    "CSC-PERM": (_LA_STATS, (3, 31), {"2018-19": ("16", "23"), "2019-20": ("15", "22"),
                                      "2020-21": ("15", "21"), "2021-22": ("14", "20")}),
    "CSC-SW2": (_LA_STATS, (3, 31), {"2019-20": ("14.3", "13.8"), "2020-21": ("13.1", "12.9"),
                                     "2021-22": ("13.9", "14.2")}),
    "CSC-LTPS": (_LA_STATS, (3, 31), {"2018-19": ("67", "69"), "2019-20": ("68", "70"),
                                      "2020-21": ("69", "71"), "2021-22": ("68", "70")}),
    "CSC-ICPC": (_CIN_STATS, (3, 31), {"2018-19": ("79.6", "78.7"), "2019-20": ("80.4", "79.3"),
                                       "2020-21": ("82.1", "81.2"), "2021-22": ("80.7", "79.6")}),
    "EDU-GOP": (_OFSTED, (8, 31), {"2018-19": ("90.2", "87.6"), "2019-20": ("90.4", "87.9"),
                                   "2020-21": ("90.5", "88.1"), "2021-22": ("90.9", "88.4")}),
    "EDU-GOS": (_OFSTED, (8, 31), {"2018-19": ("83.1", "77.4"), "2019-20": ("83.6", "78.0"),
                                   "2020-21": ("83.8", "78.3"), "2021-22": ("84.4", "79.1")}),
    "EDU-NEET": ("DfE NEET and participation", (3, 31), {"2019-20": ("3.9", "5.5"),
                 "2020-21": ("3.6", "4.8"), "2021-22": ("3.7", "4.7")}),
    "EDU-PEX": ("DfE Permanent exclusions and suspensions", (8, 31), {"2018-19": ("0.06", "0.10"),
                "2019-20": ("0.05", "0.06"), "2020-21": ("0.04", "0.05")}),
    "EDU-SUS": ("DfE Permanent exclusions and suspensions", (8, 31), {"2018-19": ("3.34", "5.36"),
                "2019-20": ("2.54", "3.76"), "2020-21": ("2.92", "4.25")}),
}  # fmt: skip


def _period_end(label: str, month_day: tuple[int, int]) -> date:
    year = int(label[:4]) + (1 if month_day[0] <= 3 else 0)
    return date(year, *month_day) if month_day[0] <= 3 else date(year + 1, *month_day)


def benchmarks() -> list[Row]:
    rows = []
    for code, (source, month_day, values) in sorted(_BENCHMARKS.items()):
        for label, (london, england) in values.items():
            end = _period_end(label, month_day)
            for area, value in (("London", london), ("England", england)):
                rows.append({"INDICATOR_CODE": code, "AREA": area, "PERIOD_LABEL": label,
                             "PERIOD_END": end, "VALUE": value, "SOURCE": source})  # fmt: skip
    return rows


POPULATION_COLUMNS = ["AREA_CODE", "MID_YEAR", "AGE_BAND", "POPULATION"]
_POPULATION = {2017: 57320, 2018: 58105, 2019: 58890, 2020: 59610, 2021: 60240, 2022: 60905}


def population() -> list[Row]:
    return [
        {"AREA_CODE": AREA_CODE, "MID_YEAR": y, "AGE_BAND": "0-17", "POPULATION": p}
        for y, p in sorted(_POPULATION.items())
    ]
