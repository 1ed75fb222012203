"""Main text of a captured HTML page, via trafilatura (boilerplate, menus and ads removed)."""

from __future__ import annotations

import logging


def extract_main_text(html: bytes, url: str | None) -> tuple[str | None, str] | None:
    """``(title, text)`` of the page's main content, or None when there is none."""
    import trafilatura

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
