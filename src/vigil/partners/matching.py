"""Identifier matching between partners without handing over identifiers.

Partners agree a secret per partnership. Each side hashes its normalized phones, e-mails and
handles with HMAC-SHA256 under that secret (``kind:value``, the identifier index's normal
form, so ``+48 501 234 567`` and ``+48501234567`` agree) and exports the hashes, sorted, one
per line after a JSON header. Matching intersects the partner's hashes with ours: we learn
which of our identifiers (and so documents and networks) the partner also holds, and nothing
about the rest of theirs; they learn the same about ours.

The hashes protect identifiers from anyone without the secret. A partner holding the secret
could still test guessed phone numbers against our hashes one by one; the partnership
agreement, not the hash, is what forbids that (docs/partners.md).

Matching is a set intersection of 64-character strings: 1,000,000 against 1,000,000 in well
under the 10 seconds asked for (``bench/share.py``).
"""

from __future__ import annotations

import hmac
import json
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any, Final

import sqlalchemy as sa
from sqlalchemy.orm import Session

from vigil.casework.cases import linked_to_document
from vigil.casework.reviews import AuditHook
from vigil.errors import FormatError, InputError, NotFoundError
from vigil.identifiers.models import DocumentIdentifier
from vigil.link.models import LinkDocument
from vigil.partners.models import PartnerOrg, Partnership
from vigil.partners.orgs import check_org_name, new_secret, read_secret, write_secret
from vigil.store.models import DocumentRow, Source

FORMAT: Final = "vigil-share/1"
ALGORITHM: Final = "HMAC-SHA256"
#: Kinds of identifier exchanged (URLs are public addresses, not a person's contact).
SHARED_KINDS: Final = ("phone", "email", "handle")
HASH: Final = re.compile(r"[0-9a-f]{64}")
HEX_LINES: Final = re.compile(r"[0-9a-f\n]*")
HASH_CHARS: Final = 64
SECRETS_DIR: Final = "partnerships"
MIN_SECRET_BYTES: Final = 16
#: Rows read from the identifier index at a time.
PAGE: Final = 10_000


def identifier_hash(secret: bytes, kind: str, value: str) -> str:
    # hmac.digest is the one-shot C path: about three times faster than hmac.new(...).hexdigest().
    return hmac.digest(secret, f"{kind}:{value}".encode(), "sha256").hex()


def create_partnership(
    session: Session, name: str, org: PartnerOrg, folder: Path, actor: str, audit: AuditHook, secret: bytes | None = None
) -> Partnership:
    """A partnership with ``org``; a new random secret unless the one agreed with the partner is given."""
    check_org_name(name)
    if org.own:
        raise InputError("a partnership is with a partner's organisation, not our own")
    if session.scalars(sa.select(Partnership.id).where(Partnership.name == name)).first() is not None:
        raise InputError(f"partnership {name!r} exists already")
    key = new_secret() if secret is None else secret.strip()
    if len(key) < MIN_SECRET_BYTES:
        raise InputError(f"a partnership secret needs at least {MIN_SECRET_BYTES} bytes")
    ref = f"{SECRETS_DIR}/{name}.secret"
    write_secret(folder, ref, key)
    row = Partnership(name=name, org_id=org.id, secret_ref=ref, created_by=actor[:100])
    session.add(row)
    session.flush()
    audit(session, "partner.partnership_create", "partner_org", str(org.id), {"partnership": name, "by": actor})
    return row


def get_partnership(session: Session, name: str, org: PartnerOrg | None = None) -> Partnership:
    """The partnership ``name``; with ``org``, only one of that organisation's (else "not found")."""
    query = sa.select(Partnership).where(Partnership.name == name[:100])
    if org is not None:
        query = query.where(Partnership.org_id == org.id)
    row = session.scalars(query).first()
    if row is None:
        raise NotFoundError(f"no partnership {name[:100]!r}")
    return row


def partnership_secret(row: Partnership, folder: Path) -> bytes:
    return read_secret(folder, row.secret_ref)


def our_hashes(session: Session, secret: bytes) -> dict[str, tuple[str, str]]:
    """Every shared identifier of the store by its keyed hash: ``hash -> (kind, value)``."""
    out: dict[str, tuple[str, str]] = {}
    rows = session.execute(
        sa.select(DocumentIdentifier.kind, DocumentIdentifier.value).distinct()
        .where(DocumentIdentifier.kind.in_(SHARED_KINDS)).execution_options(yield_per=PAGE)
    ).tuples()
    for kind, value in rows:
        out[identifier_hash(secret, kind, value)] = (kind, value)
    return out


def write_hashes(out: IO[str], partnership: str, hashes: Iterable[str]) -> int:
    """The exchange file: a JSON header line, then the hashes sorted (their order says nothing)."""
    ordered = sorted(set(hashes))
    header = {"format": FORMAT, "algorithm": ALGORITHM, "partnership": partnership, "kinds": list(SHARED_KINDS), "count": len(ordered)}
    out.write(json.dumps(header, sort_keys=True) + "\n")
    out.write("".join(f"{h}\n" for h in ordered))
    return len(ordered)


@dataclass
class HashFile:
    partnership: str
    hashes: set[str]
    rejected: list[dict[str, Any]] = field(default_factory=list)


def read_hashes(lines: Iterator[str]) -> HashFile:
    """A partner's exchange file; a line that is not a hash is reported (line, reason) and skipped."""
    first = next(lines, "")
    try:
        header = json.loads(first)
    except json.JSONDecodeError as exc:
        raise FormatError("line 1: not a vigil-share header (JSON)") from exc
    if not isinstance(header, dict) or header.get("format") != FORMAT or header.get("algorithm") != ALGORITHM:
        raise FormatError(f"line 1: not a {FORMAT} file of {ALGORITHM} hashes")
    partnership = header.get("partnership")
    if not isinstance(partnership, str):
        raise FormatError("line 1: the header names no partnership")
    body = "".join(lines)
    parts = body.split("\n")
    if HEX_LINES.fullmatch(body) and parts[-1] == "" and set(map(len, parts[:-1])) <= {HASH_CHARS}:
        # The usual file, every line a hash, checked in two passes in C (a regex per line is 10x slower).
        return HashFile(partnership, set(parts[:-1]))
    found = HashFile(partnership, set())
    for number, line in enumerate(body.splitlines(), start=2):
        value = line.strip()
        if HASH.fullmatch(value):
            found.hashes.add(value)
        elif value:
            found.rejected.append({"line": number, "reason": "not a 64-digit lower-case hex HMAC-SHA256"})
    return found


def read_hash_file(path: Path) -> HashFile:
    try:
        with path.open(encoding="utf-8") as lines:
            return read_hashes(iter(lines))
    except OSError as exc:
        raise InputError(f"cannot read {path}: {exc.strerror}") from exc
    except UnicodeDecodeError as exc:
        raise FormatError(f"{path}: not UTF-8 text") from exc


def intersect(ours: dict[str, tuple[str, str]], theirs: set[str]) -> list[str]:
    """Hashes both sides hold, sorted; the smaller side is walked."""
    if len(theirs) < len(ours):
        return sorted(h for h in theirs if h in ours)
    return sorted(h for h in ours if h in theirs)


def matched_leads(session: Session, ours: dict[str, tuple[str, str]], matched: list[str]) -> list[dict[str, Any]]:
    """For each matched hash: our identifier, the stored documents carrying it and their networks."""
    out = []
    for digest in matched:
        kind, value = ours[digest]
        rows = session.execute(
            sa.select(DocumentRow.pk, DocumentRow.doc_id, Source.name, LinkDocument.cluster)
            .join(DocumentIdentifier, DocumentIdentifier.document_pk == DocumentRow.pk)
            .join(Source, Source.id == DocumentRow.source_id)
            .outerjoin(LinkDocument, linked_to_document())
            .where(DocumentIdentifier.kind == kind, DocumentIdentifier.value == value)
            .order_by(DocumentRow.pk)
        ).tuples().all()
        out.append({
            "hash": digest, "kind": kind, "identifier": value,
            "documents": [{"pk": pk, "id": doc_id, "source": source} for pk, doc_id, source, _ in rows],
            "networks": sorted({c for *_, c in rows if c}),
        })
    return out
