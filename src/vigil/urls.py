"""Which URLs Vigil shows as links or serves to the public: web pages (http and https) only.

Ad texts, campaign messages and imported records are hostile or mistaken input; a
``javascript:`` or ``data:`` URL rendered as a link runs in an analyst's browser, and one
served in a campaign runs in a searcher's. Everything that is not a plain web address is
refused where it is written and shown as text where it is read.
"""

from __future__ import annotations

from typing import Final
from urllib.parse import urlsplit

WEB_SCHEMES: Final = frozenset({"http", "https"})
MAX_URL_LENGTH: Final = 2048


def is_web_url(url: object) -> bool:
    """True for an absolute http(s) URL with a host and no whitespace or control characters."""
    if not isinstance(url, str) or not url or len(url) > MAX_URL_LENGTH:
        return False
    # Browsers drop tabs and newlines inside URLs, so "java\tscript:" would still run.
    if any(ch.isspace() or ord(ch) < 0x20 or ord(ch) == 0x7F for ch in url):
        return False
    try:
        parts = urlsplit(url)
    except ValueError:
        return False
    return parts.scheme.lower() in WEB_SCHEMES and bool(parts.hostname)
