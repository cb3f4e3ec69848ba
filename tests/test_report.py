"""The committee report (issue #3): text, files, errors, PDF and the page in a real browser."""

from __future__ import annotations

import base64
import json
import os
import re
import shutil
import subprocess
import tempfile
import time
from html.parser import HTMLParser
from pathlib import Path

import duckdb
import pytest
from chartcheck import charts_of, label_problems, overlap
from pypdf import PdfReader
from reportfixtures import (
    COMMITTEE,
    INDICATORS,
    PERM_ACTION,
    PREVIOUS,
    QUARTER,
    SW2_ACTION,
    build_marts,
)

from pipeline.report import (
    CommitteeNotFoundError,
    MartsNotFoundError,
    QuarterNotFoundError,
    ReportError,
    render_report,
)

CODES = [row[0] for row in INDICATORS]
TITLES = {row[0]: row[1] for row in INDICATORS}
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
IN_CI = os.environ.get("CI", "").lower() == "true"


class _Text(HTMLParser):
    """Visible text of the page (no <style>, no chart SVG), and the text of each section."""

    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self.sections: dict[str, list[str]] = {}
        self._skip = 0
        self._section: str | None = None

    def handle_starttag(self, tag, attrs):
        if tag in ("style", "svg", "script"):
            self._skip += 1
        attributes = dict(attrs)
        if tag == "section" and "indicator" in (attributes.get("class") or ""):
            self._section = attributes["id"]
            self.sections[self._section] = []

    def handle_endtag(self, tag):
        if tag in ("style", "svg", "script"):
            self._skip -= 1
        if tag == "section" and self._section:
            self._section = None

    def handle_data(self, data):
        if self._skip:
            return
        self.parts.append(data)
        if self._section:
            self.sections[self._section].append(data)


def squash(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def page_text(html: str) -> tuple[str, dict[str, str]]:
    parser = _Text()
    parser.feed(html)
    sections = {key: squash(" ".join(parts)) for key, parts in parser.sections.items()}
    return squash(" ".join(parser.parts)), sections


def section_id(code: str) -> str:
    return f"ind-{code.lower()}"


@pytest.fixture(scope="module")
def marts(tmp_path_factory) -> Path:
    return build_marts(tmp_path_factory.mktemp("marts"))


@pytest.fixture(scope="module")
def q2(marts):
    files = render_report(marts, QUARTER, COMMITTEE)
    assert len(files) == 1
    html = files[0].html.read_text(encoding="utf-8")
    text, sections = page_text(html)
    return files[0], html, text, sections


@pytest.fixture(scope="module")
def q1(marts, tmp_path_factory):
    files = render_report(marts, PREVIOUS, COMMITTEE, out_dir=tmp_path_factory.mktemp("out"))
    return page_text(files[0].html.read_text(encoding="utf-8"))


# --- files and errors ---------------------------------------------------------------------


def test_writes_html_and_pdf_under_reports_folder(marts, q2):
    files = q2[0]
    folder = marts / "reports" / "children-and-learning"
    assert files.html == folder / f"{QUARTER}.html"
    assert files.pdf == folder / f"{QUARTER}.pdf"
    assert files.pdf.read_bytes().startswith(b"%PDF")
    assert not [p for p in folder.iterdir() if p.name.endswith(".tmp")], "temp files left"


def test_committee_none_renders_every_committee_of_the_quarter(marts, tmp_path):
    files = render_report(marts, QUARTER, out_dir=tmp_path)
    assert [(f.committee, f.html.parent.name) for f in files] == [
        (COMMITTEE, "children-and-learning")
    ]
    assert files[0].html.is_file() and files[0].pdf.is_file()


def test_unknown_quarter_committee_or_folder_raise_our_errors(marts, tmp_path):
    with pytest.raises(QuarterNotFoundError, match="2030-31-Q1"):
        render_report(marts, "2030-31-Q1", COMMITTEE, out_dir=tmp_path)
    with pytest.raises(QuarterNotFoundError):
        render_report(marts, "2030-31-Q1", out_dir=tmp_path)
    with pytest.raises(CommitteeNotFoundError, match="Highways"):
        render_report(marts, QUARTER, "Highways", out_dir=tmp_path)
    with pytest.raises(MartsNotFoundError):
        render_report(tmp_path / "empty", QUARTER)
    assert issubclass(CommitteeNotFoundError, ReportError)
    assert not list(tmp_path.rglob("*.html"))


def test_reads_parquet_copies_when_the_database_is_absent(tmp_path):
    marts = build_marts(tmp_path / "marts", duckdb_file=False)
    assert not (marts / "scorecard.duckdb").exists()
    files = render_report(marts, QUARTER, COMMITTEE)
    text, _ = page_text(files[0].html.read_text(encoding="utf-8"))
    assert "5 (71%) have a status of Green" in text


def test_fixture_is_typed_as_the_marts_contract(marts):
    con = duckdb.connect(str(marts / "scorecard.duckdb"), read_only=True)
    types = dict(
        con.execute(
            "select column_name, data_type from information_schema.columns "
            "where table_name = 'fct_indicator_quarter'"
        ).fetchall()
    )
    summary = dict(
        con.execute(
            "select column_name, data_type from information_schema.columns "
            "where table_name = 'mart_rag_summary'"
        ).fetchall()
    )
    con.close()
    assert types["value"] == types["amber_threshold"] == "DECIMAL(18,6)"
    assert types["loaded_at"] == "TIMESTAMP WITH TIME ZONE"
    assert summary["red_indicators"] == "VARCHAR[]" and summary["green_pct"] == "INTEGER"


# --- the covering report ------------------------------------------------------------------


def test_covering_report_reproduces_the_summary_wording(q2):
    text = q2[2]
    assert "Quarter 2 (July to September 2021)" in text
    assert (
        "In total, 13 performance indicators have been selected for the sub-committee to "
        "monitor and all 13 are available for reporting this quarter. Seven indicators have "
        "also been assigned a RAG status." in text
    )
    assert "In summary, of the 7 indicators:" in text
    for sentence in (
        "5 (71%) have a status of Green",
        "0 (0%) have a status of Amber",
        "2 (29%) have a status of Red",
    ):
        assert sentence in text
    assert "against the 13 performance indicators" in text
    assert "in 2021/22" in text


def test_covering_report_explains_rag_and_the_compared_quarters(q2):
    text = q2[2]
    assert "Red = outside of the quarterly target and outside of the agreed target" in text
    assert "Amber = outside of the quarterly target, but within the agreed target" in text
    assert "Green = on or better than the quarterly target" in text
    assert "with the previous quarter (Quarter 1, 2021/22; 2021/22 Q1)" in text
    assert "with the same time the previous year (Quarter 2, 2020/21; 2020/21 Q2)" in text
    assert "latest available London average" in text


def test_equalities_section_names_the_red_indicators(q2):
    text = q2[2]
    equalities = text.split("Equalities implications and risks", 1)[1]
    red_part = equalities.split("Background papers", 1)[0]
    assert TITLES["CSC-PERM"] in red_part and TITLES["CSC-SW2"] in red_part
    assert TITLES["CSC-LTPS"] not in red_part


# --- Appendix 1 ---------------------------------------------------------------------------


def test_indicator_sections_in_catalogue_order(q2):
    html = q2[1]
    found = re.findall(r'<section class="indicator" id="ind-([a-z0-9-]+)"', html)
    assert found == [code.lower() for code in CODES]


def test_red_indicators_carry_their_corrective_action(q2):
    sections = q2[3]
    sw2, perm = sections[section_id("CSC-SW2")], sections[section_id("CSC-PERM")]
    assert "Red – off track" in sw2 and "Red – off track" in perm
    assert squash(SW2_ACTION) in sw2
    assert squash(PERM_ACTION) in perm
    others = [code for code in CODES if code not in ("CSC-SW2", "CSC-PERM")]
    assert not [code for code in others if "Corrective action" in sections[section_id(code)]]


def test_red_without_corrective_action_says_so(q1):
    text, sections = q1
    assert "5 (71%) have a status of Green" in text and "1 (14%) have a status of Red" in text
    perm = sections[section_id("CSC-PERM")]
    assert "Red – off track" in perm
    assert "Corrective action not supplied" in perm


def test_values_targets_and_tolerances_are_formatted_in_their_units(q2):
    sections = q2[3]
    sw2 = sections[section_id("CSC-SW2")]
    assert "Value, 2021/22 Q2 22.4%" in sw2
    assert "Target 15% Polarity Lower is better" in sw2
    assert "within 2.5 percentage points of the target" in sw2 and "threshold 17.5%" in sw2
    assert "Worse than 2021/22 Q1 (10.9%)" in sw2
    assert "Worse than 2020/21 Q2 (11.7%)" in sw2
    perm = sections[section_id("CSC-PERM")]
    assert "10.2%" in perm and "Target 14%" in perm
    assert "within 10% of the target value" in perm and "threshold 12.6%" in perm
    assert "London average (latest) 15% (2020/21)" in perm
    assert "tolerance level of 60% or better" in sections[section_id("CSC-LTPS")]
    assert "Value, 2021/22 Q2 11 " in sections[section_id("CSC-FCR")]
    assert "Value, 2021/22 Q2 41.2 per 10,000" in sections[section_id("CSC-CICR")]
    assert "Value, 2021/22 Q2 0.06%" in sections[section_id("EDU-PEX")]
    assert "Green – on track" in sections[section_id("EDU-GOP")]
    assert "No RAG status – no target" in sections[section_id("CSC-CIC")]
    assert "Up from 2021/22 Q1 (236)" in sections[section_id("CSC-CIC")]


def _overview_rows(html: str) -> dict[str, list[str]]:
    """The at-a-glance table's cells (text) by indicator code."""
    table = re.search(r'<table class="overview">(.*?)</table>', html, flags=re.S).group(1)
    rows = {}
    for row in re.findall(r"<tr>(.*?)</tr>", table, flags=re.S)[1:]:
        cells = [
            squash(re.sub(r"<[^>]+>", " ", c))
            for c in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row, flags=re.S)
        ]
        rows[cells[0].split()[0]] = cells
    return rows


def test_at_a_glance_table_has_the_london_average_with_its_period(q2):
    """reportfixtures.LONDON, latest for 2021/22 Q2: PERM 15 (2020/21), CICR 51 (2019/20),
    GOP 89 (2021, an academic year), NEET 3.4 (2021-22, the report's own year: no period)."""
    html = q2[1]
    assert '<th scope="col">London average</th>' in html
    rows = _overview_rows(html)
    assert rows["CSC-PERM"][-1] == "15% (2020/21)"
    assert rows["CSC-CICR"][-1] == "51 per 10,000 (2019/20)"
    assert rows["EDU-GOP"][-1] == "89% (2021)"
    assert rows["EDU-NEET"][-1] == "3.4%"
    assert rows["CSC-CIC"][-1] == "–"  # no London row for the count of children in care
    assert all(len(cells) == 7 for cells in rows.values())


def test_same_year_reads_the_free_text_period_labels():
    from pipeline.report.render import same_year

    assert same_year("2021-22", "2021-22") and same_year("2021/22", "2021-22")
    assert same_year(" 2021 / 22 ", "2021-22")
    assert not same_year("2020-21", "2021-22") and not same_year("2021", "2021-22")
    assert not same_year(None, "2021-22") and not same_year("2021-22", None)


def test_commentary_owner_is_printed_with_commentary_and_corrective_action(q2):
    sections = q2[3]
    sw2 = sections[section_id("CSC-SW2")]
    owner = "Owner: Head of Children's Social Care"
    assert sw2.index("Commentary") < sw2.index(squash(SW2_ACTION)) < sw2.index(owner)
    assert "Owner: Head of Education" in sections[section_id("EDU-GOP")]
    assert "Owner: not supplied" in sections[section_id("EDU-SUS")]  # commentary, no OWNER


def test_missing_comparison_is_shown_as_na(q2):
    pex = q2[3][section_id("EDU-PEX")]
    assert "Same as 2021/22 Q1 (0.06%)" in pex
    assert "n/a – 2020/21 Q2: no value to compare" in pex
    assert "No commentary supplied." in pex


def test_page_is_self_contained_and_accessible(q2):
    html = q2[1]
    assert re.search(r'<html lang="en-GB">', html)
    assert not re.search(r"<(script|link|img|iframe)\b", html), "external or scripted content"
    assert not re.search(r"""(src|href)=["']?(https?:)?//""", html)
    assert "@import" not in html and "url(http" not in html
    assert html.count("<h1") == 1 and "<h2" in html and "<h3" in html
    assert html.count('<svg class="trend-chart" role="img"') == len(CODES)
    assert html.count("<title id=") == html.count("<desc id=") == len(CODES)
    assert '<th scope="col">' in html and '<th scope="row">' in html
    desc = re.search(r'<desc id="chart-csc-sw2-desc">([^<]+)</desc>', html).group(1)
    assert "rose from 9.8% in 2019/20 Q3 to 22.4% in 2021/22 Q2" in desc
    ids = re.findall(r'\bid="([^"]+)"', html)
    assert len(ids) == len(set(ids)), "duplicate element ids"


# --- PDF ----------------------------------------------------------------------------------


def test_pdf_has_a_page_per_indicator_and_extractable_text(q2):
    pages = [squash(page.extract_text()) for page in PdfReader(q2[0].pdf).pages]
    document = " ".join(pages)
    assert "5 (71%) have a status of Green" in document
    assert "2 (29%) have a status of Red" in document
    starts = [next(i for i, page in enumerate(pages) if _opens_with(page, code)) for code in CODES]
    first = starts[0]
    assert starts == list(range(first, first + len(CODES))), "one page per indicator, in order"
    assert len(pages) == first + len(CODES), "no indicator spills onto a second page"
    assert "Appendix 1" in pages[first - 1]
    assert f"Page 1 of {len(pages)}" in pages[0]
    assert f"Page {len(pages)} of {len(pages)}" in pages[-1]


def test_covering_report_sections_are_not_split_across_pages(q2):
    """Each section of the covering report that fits on a page is on one page, and the
    implications break only between their subsections (before, 'Implications and risks'
    began at the foot of page 2 and its equalities part filled a third of page 3)."""
    pages = [squash(page.extract_text()) for page in PdfReader(q2[0].pdf).pages]
    appendix = next(i for i, page in enumerate(pages) if page.startswith("Appendix 1"))
    parts = {
        "Summary": ("This report supplements", "Quarter 2 (July to September 2021)."),
        "Recommendations": ("That the Children", "makes any recommendations as appropriate."),
        "Financial implications and risks": ("no direct financial", "for the Council."),
        "Legal implications and risks": ("Whilst reporting", "the Council’s progress."),
        "Human Resources implications and risks": ("There are no HR", "from this report."),
        "Equalities implications and risks": ("The Public Sector Equality Duty", "mitigate"),
        "Background papers": ("Background papers", "Performance Presentation 2021/22."),
    }
    for heading, (first, last) in parts.items():
        where = [i for i, page in enumerate(pages[:appendix]) if heading in page]
        assert len(where) == 1, heading
        assert first in pages[where[0]] and last in pages[where[0]], heading


def _structure(node, found: dict[str, list]) -> None:
    """Collect the tagged PDF's structure elements by role (/H1, /Figure, ...)."""
    node = node.get_object()
    if not isinstance(node, dict):
        return
    if "/S" in node:
        found.setdefault(node["/S"], []).append(node)
    kids = node.get("/K")
    for kid in kids if isinstance(kids, list) else [kids] if kids is not None else []:
        if hasattr(kid, "get_object"):
            _structure(kid, found)


def test_pdf_is_tagged_with_language_title_and_heading_structure(q2):
    """PDF/UA: marked content, a structure tree whose headings are the HTML's, the document
    language, and the title shown instead of the file name."""
    reader = PdfReader(q2[0].pdf)
    root = reader.trailer["/Root"]
    assert root["/MarkInfo"]["/Marked"].value is True
    assert root["/Lang"] == "en-GB"
    assert root["/ViewerPreferences"]["/DisplayDocTitle"].value is True
    assert reader.metadata.title == "Children and Learning: 2021/22 Q2 performance information"
    assert b"pdfuaid:part" in root["/Metadata"].get_object().get_data()
    found: dict[str, list] = {}
    _structure(root["/StructTreeRoot"], found)
    # h1 the report; h2 Summary, Recommendations, Report detail, Implications, Background
    # papers and Appendix 1; h3 the four implications and the 13 indicators.
    assert len(found["/H1"]) == 1 and len(found["/H2"]) == 6
    assert len(found["/H3"]) == 4 + len(CODES)
    assert found["/Table"] and found["/TH"] and found["/L"]
    alts = [str(figure.get("/Alt", "")) for figure in found["/Figure"]]
    assert all(alts), "a figure without alternative text"
    assert sum(alt.startswith("Trend chart: ") for alt in alts) == len(CODES)


def test_pdfinfo_says_tagged(q2):
    pdfinfo = shutil.which("pdfinfo")
    if pdfinfo is None:
        if IN_CI:
            pytest.fail("CI=true but pdfinfo (poppler-utils) is missing")
        pytest.skip("pdfinfo not installed (run scripts/install-system-packages.sh)")
    info = subprocess.run([pdfinfo, str(q2[0].pdf)], capture_output=True, text=True, check=True)
    assert re.search(r"^Tagged:\s+yes$", info.stdout, flags=re.M), info.stdout


def _opens_with(page: str, code: str) -> bool:
    """The indicator's heading is the first text of the page (margin boxes come last)."""
    return page.startswith(f"{code} ")


# --- the page in a real browser -----------------------------------------------------------


class DevTools:
    """Just enough of the Chrome DevTools protocol, over one websocket (flattened sessions)."""

    def __init__(self, socket) -> None:
        self.socket = socket
        self.next_id = 0
        self.events: list[dict] = []

    def send(self, method: str, session: str | None = None, **params) -> dict:
        self.next_id += 1
        message = {"id": self.next_id, "method": method, "params": params}
        if session:
            message["sessionId"] = session
        self.socket.send(json.dumps(message))
        while True:
            reply = json.loads(self.socket.recv(timeout=30))
            if reply.get("id") == self.next_id:
                if "error" in reply:
                    raise RuntimeError(f"{method}: {reply['error']}")
                return reply["result"]
            self.events.append(reply)

    def wait_for(self, method: str, timeout: float = 30) -> dict:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            for event in self.events:
                if event.get("method") == method:
                    self.events.remove(event)
                    return event
            self.events.append(json.loads(self.socket.recv(timeout=deadline - time.monotonic())))
        raise TimeoutError(method)


def _problems(events: list[dict]) -> list[str]:
    found = []
    for event in events:
        method, params = event.get("method"), event.get("params", {})
        if method == "Runtime.consoleAPICalled" and params.get("type") in ("error", "assert"):
            found.append("console: " + " ".join(str(a.get("value")) for a in params["args"]))
        elif method == "Runtime.exceptionThrown":
            found.append("exception: " + params["exceptionDetails"].get("text", ""))
        elif method == "Log.entryAdded" and params["entry"]["level"] == "error":
            found.append("log: " + params["entry"]["text"])
        elif method == "Network.requestWillBeSent":
            url = params["request"]["url"]
            if not url.startswith(("file:", "data:", "about:")):
                found.append("network: " + url)
    return found


@pytest.fixture(scope="module")
def browser():
    if not (Path(CHROMIUM).is_file() or shutil.which(CHROMIUM)):
        if IN_CI:
            pytest.fail(f"CI=true but Chromium is missing at {CHROMIUM}")
        pytest.skip(
            f"Chromium not installed at {CHROMIUM} (run scripts/install-system-packages.sh)"
        )
    profile = tempfile.mkdtemp(prefix="report-chromium-")
    args = [
        CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
        "--no-first-run", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", f"--user-data-dir={profile}", "--remote-debugging-port=0",
        "--window-size=1280,1600", "about:blank",
    ]  # fmt: skip
    process = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        port_file = Path(profile) / "DevToolsActivePort"
        deadline = time.monotonic() + 30
        while not (port_file.is_file() and len(port_file.read_text().splitlines()) >= 2):
            assert process.poll() is None, "Chromium exited at start-up"
            assert time.monotonic() < deadline, "Chromium did not open its DevTools port"
            time.sleep(0.1)
        port, path = port_file.read_text().splitlines()[:2]
        from websockets.sync.client import connect

        with connect(f"ws://127.0.0.1:{port}{path}", max_size=None, open_timeout=20) as socket:
            yield DevTools(socket)
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
        shutil.rmtree(profile, ignore_errors=True)


def _open(browser: DevTools, url: str) -> str:
    target = browser.send("Target.createTarget", url="about:blank")["targetId"]
    session = browser.send("Target.attachToTarget", targetId=target, flatten=True)["sessionId"]
    for domain in ("Page", "Runtime", "Log", "Network"):
        browser.send(f"{domain}.enable", session)
    browser.events.clear()
    browser.send("Page.navigate", session, url=url)
    browser.wait_for("Page.loadEventFired")
    return session


CHART_PROBE = """
JSON.stringify([...document.querySelectorAll('svg.trend-chart')].map(svg => {
  const box = svg.getBoundingClientRect();
  const drawn = [...svg.querySelectorAll('path')].filter(p => {
    const b = p.getBBox(); return b.width > 0 || b.height > 0; });
  return {id: svg.getAttribute('aria-labelledby'), width: box.width, height: box.height,
          paths: drawn.length, title: svg.querySelector('title').textContent};
}))
"""


def test_harness_sees_console_errors(browser):
    page = "data:text/html,<script>console.error('deliberate')</script><p>x</p>"
    _open(browser, page)
    time.sleep(0.2)
    assert any("deliberate" in problem for problem in _problems(browser.events))


def test_report_opens_in_chromium_without_errors_and_draws_every_chart(q2, browser, tmp_path):
    session = _open(browser, q2[0].html.as_uri())
    probe = browser.send("Runtime.evaluate", session, expression=CHART_PROBE, returnByValue=True)
    charts = json.loads(probe["result"]["value"])
    assert len(charts) == len(CODES)
    for chart in charts:
        assert chart["width"] > 300 and chart["height"] > 100, chart
        assert chart["paths"] > 10, chart
        assert chart["title"].startswith("Trend chart: ")
    size = browser.send("Page.getLayoutMetrics", session)["cssContentSize"]
    shot = browser.send(
        "Page.captureScreenshot",
        session,
        format="png",
        captureBeyondViewport=True,
        clip={"x": 0, "y": 0, "width": size["width"], "height": size["height"], "scale": 0.5},
    )
    png = base64.b64decode(shot["data"])
    assert png.startswith(b"\x89PNG") and len(png) > 50_000
    keep = os.environ.get("REPORT_SCREENSHOT")
    (Path(keep) if keep else tmp_path / "report.png").write_bytes(png)
    time.sleep(0.2)
    assert _problems(browser.events) == []


TEXT_PROBE = """
JSON.stringify([...document.querySelectorAll('svg.trend-chart')].map(svg => {
  const view = svg.viewBox.baseVal;
  return {id: svg.getAttribute('aria-labelledby'), width: view.width, height: view.height,
          texts: [...svg.querySelectorAll('text')].map(t => {
            // the text's box in the chart's own units, through its transform
            const b = t.getBBox();
            const m = svg.getScreenCTM().inverse().multiply(t.getScreenCTM());
            const corners = [[b.x, b.y], [b.x + b.width, b.y], [b.x, b.y + b.height],
                             [b.x + b.width, b.y + b.height]].map(([x, y]) =>
              new DOMPoint(x, y).matrixTransform(m));
            const xs = corners.map(c => c.x), ys = corners.map(c => c.y);
            return [t.textContent, Math.min(...xs), Math.min(...ys), Math.max(...xs),
                    Math.max(...ys)];
          })};
}))
"""


def test_chart_texts_as_chromium_lays_them_out_neither_overlap_nor_leave_the_chart(q2, browser):
    """The same rule as the SVG measurement above, with the browser's own text boxes."""
    session = _open(browser, q2[0].html.as_uri())
    probe = browser.send("Runtime.evaluate", session, expression=TEXT_PROBE, returnByValue=True)
    problems = []
    for chart in json.loads(probe["result"]["value"]):
        texts = chart["texts"]
        for i, (text, *box) in enumerate(texts):
            if box[0] < 0 or box[1] < 0 or box[2] > chart["width"] or box[3] > chart["height"]:
                problems.append(f"{chart['id']}: {text!r} leaves the chart")
            problems += [
                f"{chart['id']}: {text!r} overlaps {other!r}"
                for other, *other_box in texts[i + 1 :]
                if overlap(box, other_box)
            ]
    assert problems == []


def test_summary_text_on_one_line_is_still_laid_out_as_the_report_does():
    from pipeline.report.render import summary_blocks

    text = (
        "In total, 13 performance indicators have been selected. Seven have a RAG status. "
        "In summary, of the 7 indicators: 5 (71%) have a status of Green; 0 (0%) have a "
        "status of Amber; 2 (29%) have a status of Red. CSC-PERM and CSC-SW2 are Red."
    )
    assert summary_blocks(text) == [
        ("In total, 13 performance indicators have been selected. Seven have a RAG status.", []),
        (
            "In summary, of the 7 indicators:",
            [
                "5 (71%) have a status of Green",
                "0 (0%) have a status of Amber",
                "2 (29%) have a status of Red",
            ],
        ),
        ("CSC-PERM and CSC-SW2 are Red.", []),
    ]


# --- chart labels: measured from the SVG ---------------------------------------------------


def test_the_label_check_sees_overlaps_and_clipping():
    """The checker itself: a label on a line, on another label and off the edge are caught."""
    svg = (
        '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 100 50" '
        'aria-labelledby="chart-x-title">'
        '<g id="chart-x-london-average"><path d="M 0 20 L 100 20"/></g>'
        '<g id="chart-x-value-label-0"><text style="font-size: 8px; font-family: \'DejaVu Sans\'; '
        'text-anchor: middle" x="30" y="23">45.1</text></g>'
        '<g id="chart-x-value-label-1"><text style="font-size: 8px; font-family: \'DejaVu Sans\'" '
        'x="32" y="45">40.0</text></g>'
        '<g id="chart-x-series-label-0"><text style="font-size: 8px; font-family: \'DejaVu Sans\'" '
        'x="34" y="47">Target</text><text style="font-size: 8px; font-family: \'DejaVu Sans\'" '
        'x="90" y="6">London average</text></g></svg>'
    )
    problems = label_problems(svg)
    assert "value label '45.1' crosses the london-average line" in problems
    assert "'40.0' overlaps 'Target'" in problems
    assert any(p.startswith("'London average' leaves the chart") for p in problems)
    assert len(problems) == 3, problems


@pytest.mark.parametrize("quarter", [QUARTER, PREVIOUS])
def test_no_chart_label_overlaps_another_a_line_the_band_or_the_edge(marts, tmp_path, quarter):
    files = render_report(marts, quarter, COMMITTEE, out_dir=tmp_path)
    charts = charts_of(files[0].html.read_text(encoding="utf-8"))
    assert len(charts) == len(CODES)
    problems = {code: label_problems(svg) for code, svg in charts.items()}
    assert {code: found for code, found in problems.items() if found} == {}


# --- the report as a recorded Dagster step ---------------------------------------------------


def test_scorecard_report_says_what_it_is_doing_and_records_a_run(tmp_path, monkeypatch, capsys):
    """`scorecard report` prints each step as it goes (it was silent for seconds), warns that
    the council's name is not configured, and leaves a run on the Dagster instance."""
    import dagster as dg

    from pipeline.cli.main import main
    from pipeline.report import COUNCIL_NOT_SET

    marts = build_marts(tmp_path / "marts")
    monkeypatch.setenv("DAGSTER_HOME", str(tmp_path / "dagster"))
    monkeypatch.delenv("SCORECARD_COUNCIL_NAME", raising=False)
    assert main(["report", "--quarter", QUARTER, "--marts-dir", str(marts)]) == 0
    out, err = capsys.readouterr()
    lines = out.splitlines()
    assert lines[0] == f"Checking the marts in {marts} for {QUARTER}"
    assert lines[1] == f"Rendering {COMMITTEE} as a run of the Dagster job committee_report"
    assert f"  {COMMITTEE}: drawing the charts of {len(CODES)} indicators" in lines
    assert f"  {COMMITTEE}: printing the tagged PDF" in lines
    pdf = marts / "reports" / "children-and-learning" / f"{QUARTER}.pdf"
    assert any(line.startswith("  Wrote ") and line.endswith(str(pdf)) for line in lines)
    assert squash(f"scorecard: warning: {COUNCIL_NOT_SET}") in squash(err)
    run_id = lines[-1].split()[3]
    with dg.DagsterInstance.get() as instance:
        run = instance.get_run_by_id(run_id)
        assert run.job_name == "committee_report" and run.tags["dagster/partition"] == QUARTER
        event = instance.get_latest_materialization_event(dg.AssetKey("committee_reports"))
        metadata = event.asset_materialization.metadata
        assert metadata["marts published by run"].value == "fixture-run"
        assert metadata["marts published at"].value == "2021-10-20T09:30:00+00:00"
        assert metadata["council"].value == "not set (the charts say 'Council')"
    html = (marts / "reports" / "children-and-learning" / f"{QUARTER}.html").read_text()
    assert '<p class="council-name">' not in html and "Council value" in html


def test_scorecard_report_refuses_an_unknown_quarter_before_starting_dagster(tmp_path, capsys):
    from pipeline.cli.main import main

    marts = build_marts(tmp_path / "marts")
    assert main(["report", "--quarter", "2030-31-Q1", "--marts-dir", str(marts)]) == 2
    out, err = capsys.readouterr()
    assert "Quarter '2030-31-Q1' has no rows in mart_rag_summary" in squash(err)
    assert "Rendering" not in out and not (tmp_path / ".dagster").exists()


def test_the_report_step_fails_with_our_message_not_a_traceback(tmp_path):
    import dagster as dg

    from pipeline.cli.run import run_report

    marts = build_marts(tmp_path / "marts")
    with dg.instance_for_test() as instance:
        outcome = run_report(marts, QUARTER, "Highways", echo=lambda line: None, instance=instance)
    assert not outcome.ok
    assert outcome.errors == [
        f"Committee 'Highways' has no row in mart_rag_summary for {QUARTER}; "
        f"committees reported that quarter: {COMMITTEE}."
    ]


def test_no_council_is_named_by_a_template(tmp_path):
    """The council's name comes from configuration and its objectives from the catalogue:
    with another council's objectives and name, 'Havering' appears nowhere."""
    marts = build_marts(tmp_path / "marts", parquet=False)
    con = duckdb.connect(str(marts / "scorecard.duckdb"))
    con.execute("update dim_indicator set objective = replace(objective, 'Havering', 'Testshire')")
    con.close()
    files = render_report(marts, QUARTER, COMMITTEE, council="Testshire District Council")
    html = files[0].html.read_text(encoding="utf-8")
    assert "Havering" not in html
    assert '<p class="council-name">Testshire District Council</p>' in html
    assert "Communities making Testshire" in page_text(html)[0]
    assert html.count(">Testshire District</text>") == len(CODES)  # each chart's line, wrapped
    pdf = "".join(page.extract_text() for page in PdfReader(files[0].pdf).pages)
    assert "Havering" not in pdf
