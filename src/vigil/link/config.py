"""Tunable limits of linking, read from :class:`~vigil.settings.Settings`.

The MinHash layout (permutations, bands) is fixed in code rather than in settings: the
band keys and signatures are persisted, and a state built with one layout cannot answer
lookups made with another.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Final

from vigil.settings import Settings

#: MinHash permutations per signature; 16 bands of 4 rows put the LSH knee near Jaccard 0.5.
PERMUTATIONS: Final = 64
BANDS: Final = 16
ROWS: Final = PERMUTATIONS // BANDS
#: Counters of the shingle document-frequency sketch (a one-row count-min sketch).
DF_SKETCH_BITS: Final = 22
#: Identifier of this layout, stored with persistent state to refuse a mismatched one.
LAYOUT: Final = f"minhash-{PERMUTATIONS}x{BANDS}-w{{shingle}}-df{DF_SKETCH_BITS}"


#: Limits read from :class:`~vigil.settings.Settings`, each as ``link_<name>`` there; the
#: settings model holds their defaults, help and bounds.
FROM_SETTINGS: Final = (
    "max_identifier_docs",
    "max_identifier_share",
    "template_threshold",
    "template_min_shingles",
    "generic_shingle_share",
    "common_min_docs",
    "bucket_representatives",
)


def _setting_default(name: str) -> Any:
    return Settings.model_fields[f"link_{name}"].default


@dataclass(frozen=True, slots=True)
class LinkConfig:
    """Limits that decide which identifiers and texts may link two documents.

    The fields named in :data:`FROM_SETTINGS` default to the settings' defaults; the rest
    are properties of the persisted layout or of the network indicators, not settings.
    """

    max_identifier_docs: int = _setting_default("max_identifier_docs")
    max_identifier_share: float = _setting_default("max_identifier_share")
    template_threshold: float = _setting_default("template_threshold")
    template_min_shingles: int = _setting_default("template_min_shingles")
    shingle_size: int = 3
    generic_shingle_share: float = _setting_default("generic_shingle_share")
    common_min_docs: int = _setting_default("common_min_docs")
    bucket_representatives: int = _setting_default("bucket_representatives")
    age_spread_min: int = 5
    multi_city_min: int = 2

    @classmethod
    def from_settings(cls, settings: Settings) -> LinkConfig:
        return cls(**{name: getattr(settings, f"link_{name}") for name in FROM_SETTINGS})

    @property
    def layout(self) -> str:
        return LAYOUT.format(shingle=self.shingle_size)

    def generic_shingle_limit(self, total_docs: int) -> int:
        """Documents a shingle may appear in before it counts as a generic market phrase."""
        return max(self.common_min_docs, int(self.generic_shingle_share * total_docs))

    def identifier_limit(self, total_docs: int) -> int:
        """Documents an identifier may appear in and still link them (beyond it: a support line, a hotline)."""
        return min(self.max_identifier_docs, max(self.common_min_docs, int(self.max_identifier_share * total_docs)))
