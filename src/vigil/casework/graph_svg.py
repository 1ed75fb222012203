"""A network drawn as a self-contained SVG for the printed case file (no script, no external asset).

Ads sit on an outer circle, the identifiers they share on an inner one; an ad's colour is
its risk level. The layout is deterministic, so the same case prints the same drawing.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Final

from markupsafe import Markup, escape

SIZE: Final = 520
CENTRE: Final = SIZE / 2
AD_RADIUS: Final = 200
IDENTIFIER_RADIUS: Final = 90
#: Ads drawn at most; a larger network's drawing says how many were left out.
MAX_DRAWN_ADS: Final = 60
LEVEL_COLOURS: Final = {"high": "#b3261e", "medium": "#c77700", "low": "#2e7d32"}
NO_LEVEL_COLOUR: Final = "#777777"
IDENTIFIER_COLOUR: Final = "#1f5fa8"
LABEL_CHARS: Final = 22


@dataclass(frozen=True)
class Ad:
    """One ad of the drawing: its id, risk level and the (already masked, when due) identifiers it shares."""

    label: str
    level: str | None
    identifiers: tuple[str, ...]


def _short(text: str) -> str:
    return text if len(text) <= LABEL_CHARS else text[: LABEL_CHARS - 1] + "…"


def _ring(n: int, radius: float) -> list[tuple[float, float]]:
    return [
        (CENTRE + radius * math.cos(2 * math.pi * k / max(n, 1) - math.pi / 2),
         CENTRE + radius * math.sin(2 * math.pi * k / max(n, 1) - math.pi / 2))
        for k in range(n)
    ]


def network_svg(ads: Sequence[Ad], title: str) -> Markup:
    """The drawing, with a legend; identifiers are shown only when two or more drawn ads share them."""
    drawn = list(ads[:MAX_DRAWN_ADS])
    counts: dict[str, int] = {}
    for ad in drawn:
        for key in set(ad.identifiers):
            counts[key] = counts.get(key, 0) + 1
    shared = sorted(k for k, n in counts.items() if n >= 2)
    ad_points = _ring(len(drawn), AD_RADIUS)
    id_points = dict(zip(shared, _ring(len(shared), IDENTIFIER_RADIUS), strict=True))
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {SIZE} {SIZE + 40}" width="{SIZE}" height="{SIZE + 40}" '
        f'role="img" aria-label="{escape(title)}" class="network-graph">',
        f"<title>{escape(title)}</title>",
    ]
    for (x, y), ad in zip(ad_points, drawn, strict=True):
        for key in ad.identifiers:
            if key in id_points:
                ix, iy = id_points[key]
                parts.append(f'<line x1="{x:.1f}" y1="{y:.1f}" x2="{ix:.1f}" y2="{iy:.1f}" stroke="#9aa5b1" stroke-width="1"/>')
    for key, (x, y) in id_points.items():
        parts.append(f'<rect x="{x - 6:.1f}" y="{y - 6:.1f}" width="12" height="12" fill="{IDENTIFIER_COLOUR}"/>')
        parts.append(f'<text x="{x:.1f}" y="{y + 20:.1f}" font-size="10" text-anchor="middle">{escape(_short(key))}</text>')
    for (x, y), ad in zip(ad_points, drawn, strict=True):
        colour = LEVEL_COLOURS.get(ad.level or "", NO_LEVEL_COLOUR)
        parts.append(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="8" fill="{colour}"><title>{escape(ad.label)}</title></circle>')
        anchor = "start" if x >= CENTRE else "end"
        dx = 11 if x >= CENTRE else -11
        parts.append(f'<text x="{x + dx:.1f}" y="{y + 4:.1f}" font-size="10" text-anchor="{anchor}">{escape(_short(ad.label))}</text>')
    legend_y = SIZE + 20
    legend = [("high", "high risk"), ("medium", "medium risk"), ("low", "low risk"), ("", "not scored")]
    x = 10.0
    for level, text in legend:
        parts.append(f'<circle cx="{x + 6:.1f}" cy="{legend_y}" r="6" fill="{LEVEL_COLOURS.get(level, NO_LEVEL_COLOUR)}"/>')
        parts.append(f'<text x="{x + 16:.1f}" y="{legend_y + 4}" font-size="11">ad, {text}</text>')
        x += 112
    parts.append(f'<rect x="{x:.1f}" y="{legend_y - 6}" width="12" height="12" fill="{IDENTIFIER_COLOUR}"/>')
    parts.append(f'<text x="{x + 16:.1f}" y="{legend_y + 4}" font-size="11">shared identifier</text>')
    parts.append("</svg>")
    if len(ads) > len(drawn):
        parts.append(f'<p class="muted">Drawn: the first {len(drawn)} of {len(ads)} ads.</p>')
    return Markup("".join(parts))  # noqa: S704 - every outside string above is escaped
