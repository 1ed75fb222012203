"""The redaction policy as the pages apply it: one :class:`ContactView` per request and principal.

Roles holding ``documents:contacts`` see text as stored; every other role sees it through the
app's :class:`~vigil.redaction.ContactRedactor`, built once per process, at the app's start-up
or on first use (its tables take a moment to load).
"""

from __future__ import annotations

import threading
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from typing import Any, Final

from fastapi import FastAPI, Request

from vigil.redaction import (
    CONTACT_KINDS,
    MASK_CHAR,
    NO_CONTEXT,
    ContactRedactor,
    TextContext,
    mask_identifier,
    mask_value,
)
from vigil.web.permissions import Principal

CONTACTS_PERMISSION: Final = "documents:contacts"
#: What a role without contact access sees instead of a document's URL (the whole URL can name the person).
MASKED_URL: Final = MASK_CHAR * 4
_BUILD_LOCK = threading.Lock()


def app_redactor(app: FastAPI) -> ContactRedactor:
    """The app's redactor: the process's one (built once, on first use or at start-up)."""
    redactor: ContactRedactor | None = getattr(app.state, "contact_redactor", None)
    if redactor is None:
        with _BUILD_LOCK:
            redactor = getattr(app.state, "contact_redactor", None)
            if redactor is None:
                redactor = _shared_redactor()
                app.state.contact_redactor = redactor
    return redactor


@cache
def _shared_redactor() -> ContactRedactor:
    # Its tables are read-only once built, and every app of the process masks the same way.
    return ContactRedactor.build()


@dataclass(frozen=True)
class ContactView:
    """How one principal sees contacts: in the clear (``show``), or masked by the app's redactor."""

    show: bool
    app: FastAPI

    @property
    def redactor(self) -> ContactRedactor:
        return app_redactor(self.app)

    def text(self, value: str, context: TextContext = NO_CONTEXT) -> str:
        """Document text or a title, same length, contacts masked unless they may be shown."""
        return value if self.show or not value else self.redactor.redact(value, context)

    def optional(self, value: str | None, context: TextContext = NO_CONTEXT) -> str | None:
        return None if value is None else self.text(value, context)

    def url(self, value: str | None) -> str | None:
        return value if self.show or not value else MASKED_URL

    def value(self, kind: str, value: str) -> str:
        """One entity value of ``kind`` (``phones``…) or link identifier kind (``phone``…)."""
        return value if self.show else mask_value(kind, value)

    def identifier(self, key: str) -> str:
        """A link identifier key such as ``phone:+48…``."""
        return key if self.show else mask_identifier(key)

    def tree(self, value: Any, context: TextContext = NO_CONTEXT) -> Any:
        """Strings inside nested lists and mappings (keys too), masked unless contacts may be shown."""
        return value if self.show else self.redactor.redact_tree(value, context)

    def entities(self, entities: Mapping[str, Any]) -> dict[str, Any]:
        """The Analysis contract's ``entities`` with contact values masked."""
        out: dict[str, Any] = {}
        for kind, values in entities.items():
            if kind in CONTACT_KINDS and not self.show and isinstance(values, list):
                out[kind] = [mask_value(kind, str(v)) for v in values]
            else:
                out[kind] = values
        return out


def contact_view(request: Request, principal: Principal) -> ContactView:
    return ContactView(principal.can(CONTACTS_PERMISSION), request.app)


def contact_counts(entities: Any) -> dict[str, int]:
    """How many contacts of each kind an analysis names (for the audit log: counts, never values)."""
    if not isinstance(entities, Mapping):
        return {}
    counts = {kind: len(v) for kind in CONTACT_KINDS if isinstance(v := entities.get(kind), Sequence) and not isinstance(v, str)}
    return {kind: n for kind, n in counts.items() if n}
