"""Data Docs that open without the internet: the CDN assets served from the site itself.

Great Expectations' page templates load Bootstrap, jQuery, Vega and friends from
public CDNs and its logo from a public bucket; council networks often block them,
and the pages then show unstyled, without their pass/fail icons. After GX has built
a site, `make_offline` copies the bundled copies (`data_docs_assets/`, whose README
says where each came from) into the site as `static/vendor/`, points every page and
stylesheet at them by relative paths (the site works from a file share or a browser's
file:// alike), and drops the `integrity`/`crossorigin` attributes meant for the
CDN. `external_resources` lists anything a page would still load from outside the
site: a GX upgrade that adds a new CDN address shows up there, in the test, and
in the check's metadata, rather than as a broken page in a council office.
"""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path

ASSETS_DIR = Path(__file__).with_name("data_docs_assets")
VENDOR = Path("static") / "vendor"

# Every address GX 1.x's templates load, and the bundled file that replaces it.
ASSETS = {
    "https://maxcdn.bootstrapcdn.com/bootstrap/4.3.1/css/bootstrap.min.css": "bootstrap.min.css",
    "https://stackpath.bootstrapcdn.com/bootstrap/4.3.1/js/bootstrap.min.js": "bootstrap.min.js",
    "https://code.jquery.com/jquery-3.7.1.min.js": "jquery.min.js",
    "https://cdnjs.cloudflare.com/ajax/libs/popper.js/1.12.9/umd/popper.min.js": "popper.min.js",
    "https://unpkg.com/bootstrap-table@1.19.1/dist/bootstrap-table.min.css": (
        "bootstrap-table.min.css"
    ),
    "https://unpkg.com/bootstrap-table@1.19.1/dist/bootstrap-table.min.js": (
        "bootstrap-table.min.js"
    ),
    # GX names 1.19.0 for the filter-control stylesheet; 1.19.1's is the same rules.
    "https://unpkg.com/bootstrap-table@1.19.0/dist/extensions/filter-control/"
    "bootstrap-table-filter-control.css": "bootstrap-table-filter-control.min.css",
    "https://unpkg.com/bootstrap-table@1.19.0/dist/extensions/filter-control/"
    "bootstrap-table-filter-control.min.css": "bootstrap-table-filter-control.min.css",
    "https://unpkg.com/bootstrap-table@1.19.1/dist/extensions/filter-control/"
    "bootstrap-table-filter-control.min.js": "bootstrap-table-filter-control.min.js",
    "https://cdnjs.cloudflare.com/ajax/libs/bootstrap-datepicker/1.9.0/css/"
    "bootstrap-datepicker.min.css": "bootstrap-datepicker.min.css",
    "https://cdnjs.cloudflare.com/ajax/libs/bootstrap-datepicker/1.9.0/js/"
    "bootstrap-datepicker.min.js": "bootstrap-datepicker.min.js",
    "https://cdn.jsdelivr.net/npm/@forevolve/bootstrap-dark@1.1.0/dist/css/"
    "bootstrap-prefers-dark.css": "bootstrap-prefers-dark.min.css",
    "https://cdnjs.cloudflare.com/ajax/libs/font-awesome/6.6.0/css/all.min.css": (
        "fontawesome/css/all.min.css"
    ),
    "https://cdn.jsdelivr.net/npm/vega@5": "vega.min.js",
    "https://cdn.jsdelivr.net/npm/vega-lite@5": "vega-lite.min.js",
    "https://cdn.jsdelivr.net/npm/vega-embed@6": "vega-embed.min.js",
}
# GX's logo (and a tracking query string) from its public bucket: the site's own copy.
_GX_IMAGES = re.compile(
    r"https://great-expectations-web-assets\.s3\.[a-z0-9-]+\.amazonaws\.com/"
    r"(?P<name>[\w.-]+)(?:\?[^\"')\s]*)?"
)
# A reference to the site's own static/ folder, at whatever depth GX wrote it.
_STATIC = re.compile(r"(?P<attr>src|href)=\"(?:\.\./)*static/(?P<rest>[^\"]+)\"")
_SRI = re.compile(r"\s+(?:integrity|crossorigin)=\"[^\"]*\"")
# What a browser fetches by itself: script/img/link/iframe/source addresses, CSS url()
# and @import. Plain <a href> links are navigation, loaded only when clicked.
_LOADED = re.compile(
    r"<(?:script|img|link|iframe|source|embed)\b[^>]*?\b(?:src|href)\s*=\s*[\"']"
    r"(?P<a>(?:https?:)?//[^\"']+)"
    r"|url\(\s*[\"']?(?P<b>(?:https?:)?//[^\"')]+)"
    r"|@import\s+[\"'](?P<c>(?:https?:)?//[^\"']+)",
    re.IGNORECASE,
)


def make_offline(site_dir: Path) -> None:
    """Bundle the served assets into `site_dir` and point its pages at them."""
    site_dir = Path(site_dir)
    shutil.copytree(
        ASSETS_DIR, site_dir / VENDOR, dirs_exist_ok=True, ignore=shutil.ignore_patterns("*.md")
    )
    for path in [*site_dir.rglob("*.html"), *site_dir.rglob("*.css")]:
        if VENDOR in path.relative_to(site_dir).parents:
            continue
        text = path.read_text(encoding="utf-8")
        rewritten = _rewrite(text, site_dir, path.parent)
        if rewritten != text:
            path.write_text(rewritten, encoding="utf-8")


def _rewrite(text: str, site_dir: Path, folder: Path) -> str:
    def local(target: Path) -> str:
        return Path(os.path.relpath(site_dir / target, folder)).as_posix()

    for url, name in ASSETS.items():
        text = text.replace(url, local(VENDOR / name))

    def image(match: re.Match) -> str:
        name = match["name"]
        if not (site_dir / "static" / "images" / name).is_file():
            name = "logo-long.png"  # e.g. full_logo_dark.png, which GX does not ship
        return local(Path("static") / "images" / name)

    text = _GX_IMAGES.sub(image, text)

    def static(match: re.Match) -> str:  # GX's favicon climbs one folder too many
        return f'{match["attr"]}="{local(Path("static") / match["rest"])}"'

    text = _STATIC.sub(static, text)
    return _SRI.sub("", text)


def external_resources(site_dir: Path) -> list[str]:
    """`page: address` for everything the site's pages would load from outside it."""
    found = []
    site_dir = Path(site_dir)
    for path in sorted([*site_dir.rglob("*.html"), *site_dir.rglob("*.css")]):
        for match in _LOADED.finditer(path.read_text(encoding="utf-8", errors="replace")):
            address = match["a"] or match["b"] or match["c"]
            found.append(f"{path.relative_to(site_dir).as_posix()}: {address}")
    return found
