"""Ed25519 keys of organisations: ours (a private key file under the partners folder, by
reference) signs referral packages; partners' public keys, once added, verify theirs.

A key is named by its fingerprint: the SHA-256 of its 32 raw public bytes, in hex. Public
key files are exchanged as PEM (SubjectPublicKeyInfo), which ``openssl pkey -pubin`` reads.
"""

from __future__ import annotations

import base64
import hashlib
from pathlib import Path
from typing import Final

import sqlalchemy as sa
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from sqlalchemy.orm import Session

from vigil.casework.reviews import AuditHook
from vigil.errors import InputError, IntegrityError, NotFoundError
from vigil.partners.models import PartnerOrg, PartnerPublicKey
from vigil.partners.orgs import read_secret, write_secret

KEYS_DIR: Final = "keys"
RAW = serialization.Encoding.Raw, serialization.PublicFormat.Raw


def fingerprint(public: Ed25519PublicKey) -> str:
    return hashlib.sha256(public.public_bytes(*RAW)).hexdigest()


def public_pem(public: Ed25519PublicKey) -> bytes:
    return public.public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)


def generate_signing_key(session: Session, org: PartnerOrg, folder: Path, actor: str, audit: AuditHook) -> str:
    """Give our organisation a new Ed25519 key (file mode 0600); returns the fingerprint."""
    if not org.own:
        raise InputError(f"{org.name} is a partner's organisation: only our own organisation signs")
    if org.signing_key_ref is not None:
        raise InputError(f"{org.name} has a signing key already ({org.signing_key_ref})")
    key = Ed25519PrivateKey.generate()
    ref = f"{KEYS_DIR}/{org.name}.ed25519.pem"
    pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    write_secret(folder, ref, pem)
    org.signing_key_ref = ref
    found = fingerprint(key.public_key())
    audit(session, "partner.key_generate", "partner_org", str(org.id), {"fingerprint": found, "by": actor})
    return found


def signing_key(org: PartnerOrg, folder: Path) -> Ed25519PrivateKey:
    if org.signing_key_ref is None:
        raise NotFoundError(f"{org.name} has no signing key: vigil partners keygen {org.name}")
    try:
        key = serialization.load_pem_private_key(read_secret(folder, org.signing_key_ref), password=None)
    except ValueError as exc:
        raise InputError(f"{org.signing_key_ref} is not a PEM private key") from exc
    if not isinstance(key, Ed25519PrivateKey):
        raise InputError(f"{org.signing_key_ref} is not an Ed25519 key")
    return key


def load_public_key(data: bytes) -> Ed25519PublicKey:
    """A public key from PEM, or from the 32 raw bytes in base64."""
    try:
        if b"-----BEGIN" in data:
            key = serialization.load_pem_public_key(data)
        else:
            key = Ed25519PublicKey.from_public_bytes(base64.b64decode(data.strip(), validate=True))
    except ValueError as exc:
        raise InputError("not an Ed25519 public key (PEM, or 32 bytes in base64)") from exc
    if not isinstance(key, Ed25519PublicKey):
        raise InputError("not an Ed25519 public key")
    return key


def add_public_key(session: Session, org: PartnerOrg, data: bytes, actor: str, audit: AuditHook) -> str:
    """Trust ``data`` (a public key) as ``org``'s signing key; returns its fingerprint."""
    if org.own:
        raise InputError(f"{org.name} is our own organisation; add a partner's key to the partner's organisation")
    public = load_public_key(data)
    found = fingerprint(public)
    existing = session.get(PartnerPublicKey, found)
    if existing is not None and existing.org_id != org.id:
        raise InputError("this key is already trusted for another organisation")
    if existing is None:
        raw = base64.b64encode(public.public_bytes(*RAW)).decode("ascii")
        session.add(PartnerPublicKey(fingerprint=found, org_id=org.id, public_key=raw, added_by=actor[:100]))
        audit(session, "partner.key_add", "partner_org", str(org.id), {"fingerprint": found, "by": actor})
    return found


def trusted_key(session: Session, found: str) -> tuple[PartnerOrg, Ed25519PublicKey]:
    """The organisation and key a fingerprint names, or a refusal when this instance does not trust it."""
    row = session.get(PartnerPublicKey, found[:64])
    org = session.get(PartnerOrg, row.org_id) if row is not None else None
    if row is None or org is None:
        raise IntegrityError("signature.json: signed with a key this instance does not trust (vigil partners add-key)")
    return org, Ed25519PublicKey.from_public_bytes(base64.b64decode(row.public_key))


def verify(public: Ed25519PublicKey, signature: bytes, data: bytes, what: str) -> None:
    try:
        public.verify(signature, data)
    except InvalidSignature as exc:
        raise IntegrityError(f"{what}: the signature does not match (changed after signing, or signed with another key)") from exc


def trusted_keys(session: Session, org: PartnerOrg) -> list[str]:
    return list(session.scalars(sa.select(PartnerPublicKey.fingerprint).where(PartnerPublicKey.org_id == org.id)).all())
