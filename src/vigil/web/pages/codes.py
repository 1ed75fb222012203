"""Raw codes as the pages show them: indicator ids, trend segments, campaign audiences, in the reader's language.

An indicator's name is its catalogue title (``recognizers/catalogue.yaml``, the one place an
indicator is registered); the catalogues under ``web/locale`` translate those titles, and a test
checks every title is there. Segment prefixes and audiences are marked here.
"""

from __future__ import annotations

from typing import Any, Final

from jinja2 import pass_context

from vigil.errors import ConfigError
from vigil.recognizers.catalogue import indicator_info
from vigil.web.i18n import N_

#: What each trend segment prefix counts (``indicator:always_available``, ``kind:sex_ad``).
SEGMENT_PREFIXES: Final = {
    "kind": N_("kind"), "lang": N_("language"), "platform": N_("platform"), "indicator": N_("indicator"),
    "city": N_("city"), "country": N_("country"), "term": N_("term"), "sector": N_("sector"),
}
#: Segments whose value is itself a code the pages translate (kinds are marked in labels.py).
_TRANSLATED_VALUES: Final = frozenset({"kind"})
#: Audiences of awareness campaigns (``vigil.safeguard.campaigns.AUDIENCES``).
AUDIENCES: Final = {
    "refugees": N_("refugees"), "job_seekers": N_("job seekers"), "minors": N_("minors"), "sex_buyers": N_("sex buyers"),
}


def indicator_title(ident: str) -> str:
    """The English title of an indicator (the msgid), or its id when the catalogue has none."""
    try:
        return indicator_info(ident).title
    except ConfigError:
        return ident


def _gettext(context: Any) -> Any:
    return context.get("_") or (lambda text, **_kw: text)


@pass_context
def indicator_label(context: Any, ident: str) -> str:
    """``multi_city`` → "Multiple cities" in English, "Кілька міст" in Ukrainian."""
    return str(_gettext(context)(indicator_title(str(ident))))


@pass_context
def segment_label(context: Any, segment: str) -> str:
    """``indicator:always_available`` → "indicator: Always available", translated."""
    gettext = _gettext(context)
    prefix, sep, value = str(segment).partition(":")
    if not sep or prefix not in SEGMENT_PREFIXES:
        return str(segment)
    if prefix == "indicator":
        shown = indicator_label(context, value)
    elif prefix in _TRANSLATED_VALUES:
        shown = str(gettext(value))
    else:
        shown = value
    return f"{gettext(SEGMENT_PREFIXES[prefix])}: {shown}"


@pass_context
def audience_label(context: Any, audience: str) -> str:
    label = AUDIENCES.get(str(audience))
    return str(_gettext(context)(label)) if label else str(audience)


TEMPLATE_GLOBALS: Final = {
    "indicator_label": indicator_label, "segment_label": segment_label, "audience_label": audience_label,
}
