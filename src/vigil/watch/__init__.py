"""Watches: analysts follow an identifier, a network, a template or a saved search.

``models`` (tables), ``watches`` (adding and removing, values normalized as matching sees
them), ``matching`` (:func:`match_new_documents`, called after each processed batch) and
``delivery`` (:func:`deliver_due`: webhooks retried with back-off until delivered or
expired). Importing this package loads only the tables; the rest loads on first use.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from vigil.watch.delivery import deliver_due
    from vigil.watch.matching import match_new_documents

__all__ = ["deliver_due", "match_new_documents"]


def __getattr__(name: str) -> Any:
    # The store imports the tables through this package; matching pulls in linking and search.
    if name == "match_new_documents":
        from vigil.watch.matching import match_new_documents

        return match_new_documents
    if name == "deliver_due":
        from vigil.watch.delivery import deliver_due

        return deliver_due
    raise AttributeError(name)
