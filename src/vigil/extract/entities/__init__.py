"""Entities of an ad: phones, e-mails, handles, URLs, ages, prices, places and names.

One module per entity type; :class:`EntityExtractor` runs them all over one normalized
field and returns :class:`EntitySpan` objects (value plus exact original span), and
:func:`entities_contract` turns those into the ``entities`` object of the Analysis contract.
"""

from vigil.extract.entities.base import ENTITY_KINDS, EntitySpan, Price
from vigil.extract.entities.extractor import EntityExtractor, entities_contract

__all__ = ["ENTITY_KINDS", "EntityExtractor", "EntitySpan", "Price", "entities_contract"]
