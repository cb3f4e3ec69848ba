"""Print the report HTML to PDF with WeasyPrint (A4, page numbers; see report.css @page).

The PDF is tagged as PDF/UA-1 (WeasyPrint's accessible variant): a structure tree built
from the HTML (headings, lists, tables with header cells, figures with their <title> as
alternative text), the document's language from `<html lang>` and its title from `<title>`,
shown by readers in place of the file name. Councils publish committee papers under the
public sector bodies accessibility regulations, which expect this.
"""

from __future__ import annotations

from weasyprint import HTML

try:  # WeasyPrint with the URLFetcher class (the venv pins 70)
    from weasyprint.urls import URLFetcher

    def _offline_fetcher():
        return URLFetcher(allowed_protocols={"data"})

except ImportError:  # older WeasyPrint: a fetcher function
    from weasyprint import default_url_fetcher

    def _offline_fetcher():
        def fetch(url, *args, **kwargs):
            if not url.startswith("data:"):
                raise ValueError(f"The report must not load external resources: {url}")
            return default_url_fetcher(url, *args, **kwargs)

        return fetch


PDF_VARIANT = "pdf/ua-1"


def html_to_pdf(html: str) -> bytes:
    """The report is self-contained, so only inline `data:` URLs may be fetched."""
    document = HTML(string=html, url_fetcher=_offline_fetcher(), media_type="print")
    return document.write_pdf(pdf_variant=PDF_VARIANT)
