"""Command line: ``python -m samplegen --out data/raw [--seed N]``."""

from __future__ import annotations

import argparse
import shutil
from pathlib import Path

from samplegen import commentary, reference, snapshot
from samplegen.config import DEFAULT_SEED, QUARTERS, XLSX_QUARTERS, Quarter
from samplegen.manual_returns import COLUMNS as MANUAL_COLUMNS
from samplegen.manual_returns import manual_returns
from samplegen.model import World
from samplegen.scorecard import figures
from samplegen.world import build_world
from samplegen.writer import write_csv, write_xlsx

SSDA903_DATE = "%d/%m/%Y"
HEADER = ["CHILD", "SEX", "DOB", "ETHNIC", "UPN", "MOTHER", "MC_DOB"]
EPISODES = ["CHILD", "DECOM", "RNE", "LS", "CIN", "PLACE", "PLACE_PROVIDER", "DEC", "REC",
            "REASON_PLACE_CHANGE", "HOME_POST", "PL_POST", "URN"]  # fmt: skip
SOCIAL_WORKER = ["CHILD", "SW_ID", "SW_DECOM", "SW_DEC", "SW_REASON"]
S47 = ["LAchildID", "S47ActualStartDate", "InitialCPCtarget", "DateOfInitialCPC", "ICPCnotRequired"]
CP_PLANS = ["LAchildID", "CPPstartDate", "CPPendDate", "InitialCategoryOfAbuse"]
FOSTER = ["HOUSEHOLD_ID", "APPROVAL_DATE", "CARER_TYPE"]
SCHOOLS = ["URN", "SCHOOL_NAME", "PHASE", "OVERALL_EFFECTIVENESS", "INSPECTION_DATE", "PUPILS"]


def write_reference(out: Path) -> None:
    folder = out / "reference"
    folder.mkdir(parents=True, exist_ok=True)
    write_csv(folder / "indicators.csv", reference.INDICATOR_COLUMNS, reference.indicators())
    write_csv(folder / "targets.csv", reference.TARGET_COLUMNS, reference.targets())
    write_csv(folder / "benchmarks.csv", reference.BENCHMARK_COLUMNS, reference.benchmarks())
    write_csv(folder / "population.csv", reference.POPULATION_COLUMNS, reference.population())


def write_quarter(out: Path, world: World, quarter: Quarter, manual: list[dict]) -> None:
    folder = out / quarter.key
    folder.mkdir(parents=True, exist_ok=True)
    qe = quarter.end
    header, episodes, workers = snapshot.header_episodes_sw(world, qe, quarter.fy_start)
    write_csv(folder / "header.csv", HEADER, header, SSDA903_DATE)
    write_csv(folder / "episodes.csv", EPISODES, episodes, SSDA903_DATE)
    write_csv(folder / "social_worker.csv", SOCIAL_WORKER, workers, SSDA903_DATE)
    enquiries, plans = snapshot.s47_and_plans(world, qe)
    write_csv(folder / "s47_enquiries.csv", S47, enquiries)
    write_csv(folder / "cp_plans.csv", CP_PLANS, plans)
    write_csv(folder / "foster_approvals.csv", FOSTER, snapshot.foster_approvals(world, qe))
    write_csv(folder / "schools.csv", SCHOOLS, snapshot.schools(world, qe))
    label = f"{quarter.financial_year[:4]}/{quarter.financial_year[5:]} Q{quarter.number}"
    notes = commentary.commentary(quarter.key, label, figures(world, quarter, manual))
    if quarter.key in XLSX_QUARTERS:
        write_xlsx(folder / "manual_returns.xlsx", MANUAL_COLUMNS, manual, "Manual returns")
        write_xlsx(folder / "commentary.xlsx", commentary.COLUMNS, notes, "Commentary")
    else:
        write_csv(folder / "manual_returns.csv", MANUAL_COLUMNS, manual)
        write_csv(folder / "commentary.csv", commentary.COLUMNS, notes)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="samplegen", description=__doc__)
    parser.add_argument("--out", type=Path, default=Path("data/raw"))
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
    args = parser.parse_args(argv)
    world = build_world(args.seed)
    for stale in [*args.out.glob("20??-??-Q?"), args.out / "reference"]:
        if stale.is_dir():
            shutil.rmtree(stale)
    write_reference(args.out)
    manual = manual_returns()
    for quarter in QUARTERS:
        write_quarter(args.out, world, quarter, manual[quarter.key])


if __name__ == "__main__":
    main()
