"""Docs a user reads never link outside the repository (issue 16: the README's
`../shared/spec/` link was broken in every clone), and every link inside it resolves."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
LINK = re.compile(r"\]\((?P<target>[^)\s]+)\)")
PAGES = [REPO / "README.md", *sorted((REPO / "docs").glob("*.md"))]


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.relative_to(REPO).as_posix())
def test_every_link_stays_in_the_repository_and_resolves(page: Path) -> None:
    text = page.read_text(encoding="utf-8")
    assert "../shared" not in text
    for match in LINK.finditer(text):
        target = match["target"].split("#")[0]
        if not target:
            continue  # an anchor on the same page
        assert not re.match(r"[a-z]+:", target), f"{page.name} links outside: {target}"
        resolved = (page.parent / target).resolve()
        assert resolved.is_relative_to(REPO), f"{page.name} links outside: {target}"
        assert resolved.exists(), f"{page.name} links to a missing {target}"
