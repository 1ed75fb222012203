"""Tunable limits of linking, read from :class:`~vigil.settings.Settings`.

The MinHash layout (permutations, bands) is fixed in code rather than in settings: the
band keys and signatures are persisted, and a state built with one layout cannot answer
lookups made with another.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

from vigil.settings import Settings

#: MinHash permutations per signature; 16 bands of 4 rows put the LSH knee near Jaccard 0.5.
PERMUTATIONS: Final = 64
BANDS: Final = 16
ROWS: Final = PERMUTATIONS // BANDS
#: Counters of the shingle document-frequency sketch (a one-row count-min sketch).
DF_SKETCH_BITS: Final = 22
#: Identifier of this layout, stored with persistent state to refuse a mismatched one.
LAYOUT: Final = f"minhash-{PERMUTATIONS}x{BANDS}-w{{shingle}}-df{DF_SKETCH_BITS}"


@dataclass(frozen=True, slots=True)
class LinkConfig:
    """Limits that decide which identifiers and texts may link two documents."""

    max_identifier_docs: int = 200
    max_identifier_share: float = 0.05
    template_threshold: float = 0.5
    template_min_shingles: int = 8
    shingle_size: int = 3
    generic_shingle_share: float = 0.005
    common_min_docs: int = 20
    bucket_representatives: int = 3
    age_spread_min: int = 5
    multi_city_min: int = 2

    @classmethod
    def from_settings(cls, settings: Settings) -> LinkConfig:
        return cls(
            max_identifier_docs=settings.link_max_identifier_docs,
            max_identifier_share=settings.link_max_identifier_share,
            template_threshold=settings.link_template_threshold,
            template_min_shingles=settings.link_template_min_shingles,
            generic_shingle_share=settings.link_generic_shingle_share,
            common_min_docs=settings.link_common_min_docs,
            bucket_representatives=settings.link_bucket_representatives,
        )

    @property
    def layout(self) -> str:
        return LAYOUT.format(shingle=self.shingle_size)

    def generic_shingle_limit(self, total_docs: int) -> int:
        """Documents a shingle may appear in before it counts as a generic market phrase."""
        return max(self.common_min_docs, int(self.generic_shingle_share * total_docs))

    def identifier_limit(self, total_docs: int) -> int:
        """Documents an identifier may appear in and still link them (beyond it: a support line, a hotline)."""
        return min(self.max_identifier_docs, max(self.common_min_docs, int(self.max_identifier_share * total_docs)))
