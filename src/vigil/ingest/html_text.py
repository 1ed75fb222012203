"""Main text of a captured HTML page, via trafilatura (boilerplate, menus and ads removed)."""

from __future__ import annotations

import logging

from vigil.errors import ConfigError


def extract_main_text(html: bytes, url: str | None) -> tuple[str | None, str] | None:
    """``(title, text)`` of the page's main content, or None when there is none."""
    try:
        import trafilatura
    except ImportError as exc:
        # lxml 6 moved its HTML cleaner out (lxml_html_clean); without it no page has text
        raise ConfigError(f"HTML text extraction is not installed ({exc.name or exc}); reinstall Vigil") from exc

    # trafilatura logs every page it finds empty at WARNING; ingest reports those itself.
    logging.getLogger("trafilatura").setLevel(logging.ERROR)
    try:
        document = trafilatura.bare_extraction(
            html, url=url, include_comments=False, include_tables=True, favor_recall=True, with_metadata=True
        )
    except (ValueError, TypeError, LookupError):
        return None
    if document is None:
        return None
    text = getattr(document, "text", None)
    title = getattr(document, "title", None)
    if isinstance(document, dict):
        text, title = document.get("text"), document.get("title")
    if not text or not str(text).strip():
        return None
    return (str(title) if title else None), str(text)
