"""The OSCE platform categories of the map, with the prior each gives a platform's rank.

Categories are data (``data/categories.yaml``), loaded once; code never names one.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

import yaml

from vigil.errors import ConfigError


@dataclass(frozen=True)
class Category:
    id: str
    label: str
    group: str
    #: Weight of the category alone in a rank (0 to 1): Vigil's default judgement, to be calibrated.
    prior: float


@dataclass(frozen=True)
class Categories:
    source: str
    by_id: dict[str, Category]

    def get(self, category_id: str) -> Category:
        return self.by_id[category_id]

    @property
    def ids(self) -> tuple[str, ...]:
        return tuple(self.by_id)


def read_data(name: str) -> Any:
    """A YAML file shipped in ``vigil/platforms/data``."""
    text = resources.files("vigil.platforms").joinpath("data", name).read_text(encoding="utf-8")
    return yaml.safe_load(text)


@cache
def load_categories() -> Categories:
    raw = read_data("categories.yaml")
    by_id: dict[str, Category] = {}
    for item in raw["categories"]:
        category = Category(str(item["id"]), str(item["label"]), str(item["group"]), float(item["prior"]))
        if not 0.0 <= category.prior <= 1.0 or category.id in by_id:
            raise ConfigError(f"platform category {category.id!r}: prior outside 0..1 or listed twice")
        by_id[category.id] = category
    return Categories(str(raw["source"]), by_id)
