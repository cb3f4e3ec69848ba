"""Print the report HTML to PDF with WeasyPrint (A4, page numbers; see report.css @page)."""

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


def html_to_pdf(html: str) -> bytes:
    """The report is self-contained, so only inline `data:` URLs may be fetched."""
    return HTML(string=html, url_fetcher=_offline_fetcher(), media_type="print").write_pdf()
