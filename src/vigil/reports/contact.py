"""Reporters' contact details, encrypted at rest and deleted after the retention period.

A reporter's name and e-mail are sealed together with Fernet (AES-128-CBC with an
HMAC-SHA256 tag) under a key kept in its own file (``reports_contact_key_file``, created 0600
on first use), not in the database: a copy of the database alone does not reveal who
reported what. Sealed details are cleared when their report's ``contact_expires_at`` passes.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import sqlalchemy as sa
from cryptography.fernet import Fernet, InvalidToken
from sqlalchemy.orm import Session

from vigil.errors import ConfigError
from vigil.reports.models import Report


@dataclass(frozen=True)
class Contact:
    name: str | None
    email: str | None


def load_contact_key(path: Path) -> bytes:
    """The Fernet key in ``path``, created (0600, owner only) on first use."""
    try:
        if path.exists():
            key = path.read_bytes().strip()
            Fernet(key)  # a malformed key fails here, loudly, not at the first report
            return key
        path.parent.mkdir(parents=True, exist_ok=True)
        key = Fernet.generate_key()
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "wb") as handle:
            handle.write(key)
        return key
    except FileExistsError:
        return load_contact_key(path)
    except ValueError as exc:
        raise ConfigError(f"the reports contact key file {path} does not hold a Fernet key") from exc
    except OSError as exc:
        raise ConfigError(f"cannot read or create the reports contact key file {path}: {exc.strerror}") from exc


class ContactBox:
    """Seals and opens contact details with one key."""

    def __init__(self, key: bytes) -> None:
        self._fernet = Fernet(key)

    @classmethod
    def from_file(cls, path: Path) -> ContactBox:
        return cls(load_contact_key(path))

    def seal(self, contact: Contact) -> bytes | None:
        if not contact.name and not contact.email:
            return None
        return self._fernet.encrypt(json.dumps({"name": contact.name, "email": contact.email}).encode())

    def open(self, sealed: bytes | None) -> Contact | None:
        """The contact, or None when there is none, it was deleted, or the key does not open it."""
        if not sealed:
            return None
        try:
            data = json.loads(self._fernet.decrypt(sealed))
        except (InvalidToken, ValueError):
            return None
        return Contact(name=data.get("name"), email=data.get("email"))


def delete_expired_contacts(session: Session, now: datetime) -> int:
    """Clear the sealed contact of every report past its retention time; returns how many."""
    result = session.execute(
        sa.update(Report)
        .where(Report.contact_expires_at.is_not(None), Report.contact_expires_at <= now)
        .values(contact_sealed=None, contact_expires_at=None)
        .execution_options(synchronize_session=False)
    )
    return int(getattr(result, "rowcount", 0) or 0)
