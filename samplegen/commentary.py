"""Service commentary per indicator and quarter, with corrective action for Reds.

Written the way officers write it: what the figure is, against what, and for a
Red what is being done. The 2021/22 Q2 social-worker text is the one the
sub-committee received (shared/reference/known-figures.md).
"""

from __future__ import annotations

from samplegen.scorecard import Figure

Row = dict[str, object]
COLUMNS = ["INDICATOR_CODE", "COMMENTARY", "CORRECTIVE_ACTION", "OWNER"]

OWNERS = {
    "CSC": "Head of Children's Social Care",
    "CSC-FCR": "Head of Fostering and Adoption",
    "CSC-ICPC": "Head of Safeguarding and Quality Assurance",
    "CSC-CPP": "Head of Safeguarding and Quality Assurance",
    "EDU": "Assistant Director, Education Services",
    "EDU-NEET": "Head of Participation and Skills",
}
SW2_Q2_2021_22 = (
    "There was a significant turnover of staff over the summer. 36 agency staff are covering "
    "posts and there are 2 vacant posts. A well established programme to recruit new social "
    "workers is in place, and frontline teams are now about two-thirds permanent."
)
CORRECTIVE = {
    "CSC-PERM": "Permanence planning meetings now review every child with a plan for adoption "
    "or special guardianship monthly; court timescales are tracked with the legal team.",
    "CSC-SW2": "Recruitment and retention plan for frontline social workers; children are "
    "allocated within teams so that a change of worker stays within a known team.",
    "CSC-LTPS": "Placement stability meetings for every child at risk of a move; additional "
    "support to long-term foster carers.",
    "CSC-FCR": "Targeted recruitment campaign for foster carers, with faster assessment.",
    "CSC-ICPC": "Daily tracking of section 47 enquiries against the 15 working day target; "
    "extra conference chair capacity.",
    "EDU-GOP": "School improvement partners are working with schools judged Requires Improvement.",
    "EDU-GOS": "School improvement partners are working with schools judged Requires Improvement.",
}


def owner(code: str) -> str:
    return OWNERS.get(code, OWNERS[code[:3]])


def text(figure: Figure, label: str) -> str:
    value = "not available" if figure.value is None else str(figure.value)
    if figure.rag is None:
        return f"{label}: {value}. Context indicator with no target; monitored for demand."
    wording = {"Green": "on or better than", "Amber": "just outside", "Red": "outside"}[figure.rag]
    return f"{label}: {value} against a target of {figure.target}, {wording} target."


def commentary(quarter_key: str, label: str, figures: list[Figure]) -> list[Row]:
    rows = []
    for figure in figures:
        action = None
        if figure.rag == "Red":
            if figure.code == "CSC-SW2" and quarter_key == "2021-22-Q2":
                action = SW2_Q2_2021_22
            else:
                action = CORRECTIVE.get(figure.code)
        rows.append({"INDICATOR_CODE": figure.code, "COMMENTARY": text(figure, label),
                     "CORRECTIVE_ACTION": action, "OWNER": owner(figure.code)})  # fmt: skip
    return rows
