"""Signed referral packages: a case file in one zip, with a detached Ed25519 signature over its manifest.

Layout: ``case/`` holds the case file exactly as ``vigil cases export`` writes it
(``report.html``, ``data.jsonl``, ``evidence/``, ``manifest.json`` with the SHA-256 of every
other file); ``signature.json`` names the signing organisation, the key's fingerprint and the
signature of ``case/manifest.json``'s bytes. The signature covers the manifest, the manifest
covers every other file, so a receiver who trusts the key can prove each byte came unchanged.

An import verifies everything before it writes anything: an unknown key, a signature that
does not match, a file missing, added, damaged or changed is refused with the file and the
reason. An accepted package is kept as received (``<data_dir>/referrals/<sha256>.zip``), its
documents are stored under the source ``referral:<org>:<case>``, and it becomes a new case.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import io
import json
import tempfile
import zipfile
import zlib
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any, Final

import sqlalchemy as sa
from sqlalchemy.orm import Session

from vigil.casework.cases import add_item, add_note, create_case
from vigil.casework.export import DATA, MANIFEST, export_case
from vigil.casework.reviews import AuditHook
from vigil.errors import FormatError, InputError, IntegrityError
from vigil.ingest import ingest_input
from vigil.partners.models import PartnerOrg, ReceivedReferral
from vigil.partners.orgs import own_org
from vigil.partners.signing import fingerprint, signing_key, trusted_key, verify
from vigil.redaction import ContactRedactor
from vigil.store import Store
from vigil.store.models import DocumentRow, Source

CASE_DIR: Final = "case"
SIGNATURE: Final = "signature.json"
SIGNED_MANIFEST: Final = f"{CASE_DIR}/{MANIFEST}"
FORMAT: Final = "vigil-referral/1"
ALGORITHM: Final = "Ed25519"
#: Largest package an import unpacks (all files together): a zip bomb is refused before it is read.
MAX_PACKAGE_BYTES: Final = 2 * 1024**3
REFERRALS_DIR: Final = "referrals"


@dataclass(frozen=True)
class SignedPackage:
    path: Path
    case_id: int
    documents: int
    files: int
    fingerprint: str
    contacts_masked: bool


@dataclass(frozen=True)
class VerifiedPackage:
    """A package whose signature and every hash verified."""

    org: PartnerOrg
    fingerprint: str
    sha256: str
    manifest: dict[str, Any]
    files: dict[str, bytes]


@dataclass(frozen=True)
class ImportedReferral:
    case_id: int
    org: str
    their_case: str
    documents: int
    sha256: str


def write_package(
    store: Store, case_id: int, output: Path, *, exported_by: str, audit: AuditHook, redactor: ContactRedactor | None = None
) -> SignedPackage:
    """Export ``case_id`` and sign it with our organisation's key into the zip ``output``."""
    folder = store.settings.resolved_partners_dir
    with store.session() as session:
        org = own_org(session)
        key = signing_key(org, folder)
        signer = org.name
    with tempfile.TemporaryDirectory(prefix="vigil-referral-") as tmp:
        directory = Path(tmp) / CASE_DIR
        result = export_case(store, case_id, directory, exported_by=exported_by, redactor=redactor, audit=audit)
        manifest = (directory / MANIFEST).read_bytes()
        found = fingerprint(key.public_key())
        signature = {"format": FORMAT, "signer": signer, "algorithm": ALGORITHM, "key": found, "signed": SIGNED_MANIFEST,
                     "case": str(case_id), "signature": base64.b64encode(key.sign(manifest)).decode("ascii")}
        output.parent.mkdir(parents=True, exist_ok=True)
        with zipfile.ZipFile(output, "w", zipfile.ZIP_DEFLATED) as archive:
            for name in result.files:
                archive.write(directory / name, f"{CASE_DIR}/{name}")
            archive.writestr(SIGNATURE, json.dumps(signature, indent=2, sort_keys=True) + "\n")
    with store.session() as session:
        audit(session, "case.referral_sign", "case", str(case_id), {"fingerprint": found, "signer": signer, "by": exported_by})
    return SignedPackage(output, case_id, result.documents, len(result.files) + 1, found, result.contacts_masked)


def _safe_name(name: str) -> bool:
    pure = PurePosixPath(name)
    return bool(name) and "\\" not in name and not pure.is_absolute() and ".." not in pure.parts and not name.endswith("/")


def _unpack(data: bytes, label: str) -> dict[str, bytes]:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile as exc:
        raise IntegrityError(f"{label}: not a referral package (not a readable zip file)") from exc
    with archive:
        infos = archive.infolist()
        if sum(i.file_size for i in infos) > MAX_PACKAGE_BYTES:
            raise IntegrityError(f"{label}: unpacks to more than {MAX_PACKAGE_BYTES} bytes")
        files: dict[str, bytes] = {}
        for info in infos:
            if info.is_dir():
                continue
            if not _safe_name(info.filename):
                raise IntegrityError(f"{info.filename}: a file name outside the package")
            if info.filename in files:
                raise IntegrityError(f"{info.filename}: stored twice in the package")
            try:
                files[info.filename] = archive.read(info)
            except (zipfile.BadZipFile, zlib.error, OSError, EOFError, ValueError) as exc:
                raise IntegrityError(f"{info.filename}: damaged in the package ({exc.__class__.__name__})") from exc
    return files


def _json_object(raw: bytes, name: str) -> dict[str, Any]:
    try:
        value = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise IntegrityError(f"{name}: not valid JSON") from exc
    if not isinstance(value, dict):
        raise IntegrityError(f"{name}: not a JSON object")
    return value


def verify_package(session: Session, data: bytes, label: str = "package") -> VerifiedPackage:
    """Check a package's signature with a trusted key, then every file against the signed manifest."""
    files = _unpack(data, label)
    for required in (SIGNATURE, SIGNED_MANIFEST):
        if required not in files:
            raise IntegrityError(f"{required}: missing from the package")
    signature = _json_object(files[SIGNATURE], SIGNATURE)
    if signature.get("format") != FORMAT or signature.get("algorithm") != ALGORITHM or signature.get("signed") != SIGNED_MANIFEST:
        raise IntegrityError(f"{SIGNATURE}: not a {FORMAT} signature of {SIGNED_MANIFEST} with {ALGORITHM}")
    key_id, encoded = signature.get("key"), signature.get("signature")
    if not isinstance(key_id, str) or not isinstance(encoded, str):
        raise IntegrityError(f"{SIGNATURE}: names no key or carries no signature")
    org, public = trusted_key(session, key_id)
    if signature.get("signer") != org.name:
        raise IntegrityError(f"{SIGNATURE}: names signer {str(signature.get('signer'))[:100]!r}, but the key is {org.name}'s")
    try:
        raw_signature = base64.b64decode(encoded, validate=True)
    except (binascii.Error, ValueError) as exc:
        raise IntegrityError(f"{SIGNATURE}: the signature is not base64") from exc
    verify(public, raw_signature, files[SIGNED_MANIFEST], SIGNED_MANIFEST)
    manifest = _json_object(files[SIGNED_MANIFEST], SIGNED_MANIFEST)
    listed = manifest.get("files")
    if not isinstance(listed, list) or not isinstance(manifest.get("case"), Mapping):
        raise IntegrityError(f"{SIGNED_MANIFEST}: lists no files or no case")
    expected: dict[str, str] = {}
    for entry in listed:
        if not isinstance(entry, Mapping) or not isinstance(entry.get("path"), str) or not isinstance(entry.get("sha256"), str):
            raise IntegrityError(f"{SIGNED_MANIFEST}: an entry without a path and a SHA-256")
        expected[f"{CASE_DIR}/{entry['path']}"] = entry["sha256"]
    for name in sorted(files):
        if name not in expected and name not in (SIGNATURE, SIGNED_MANIFEST):
            raise IntegrityError(f"{name}: in the package but not in the signed manifest")
    for name, digest in expected.items():
        if name not in files:
            raise IntegrityError(f"{name}: listed in the manifest but missing from the package")
        if hashlib.sha256(files[name]).hexdigest() != digest:
            raise IntegrityError(f"{name}: its SHA-256 does not match the signed manifest (changed after signing)")
    return VerifiedPackage(org, key_id, hashlib.sha256(data).hexdigest(), manifest, files)


def _documents(package: VerifiedPackage) -> list[dict[str, Any]]:
    raw = package.files.get(f"{CASE_DIR}/{DATA}", b"")
    out = []
    for number, line in enumerate(raw.decode("utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except json.JSONDecodeError as exc:
            raise FormatError(f"{CASE_DIR}/{DATA} line {number}: not JSON") from exc
        document = record.get("document") if isinstance(record, dict) else None
        if isinstance(document, dict):
            out.append(document)
    return out


def import_package(store: Store, path: Path, *, imported_by: str, audit: AuditHook) -> ImportedReferral:
    """Verify ``path`` and, only when everything verifies, keep it and open a case from it."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise InputError(f"cannot read {path}: {exc.strerror}") from exc
    with store.session() as session:
        package = verify_package(session, data, path.name)
        earlier = session.scalars(sa.select(ReceivedReferral.case_id).where(ReceivedReferral.package_sha256 == package.sha256)).first()
        if earlier is not None:
            raise InputError(f"{path.name} was imported already, as case {earlier}")
        org_id, org_name, org_title = package.org.id, package.org.name, package.org.title
    case_meta: Mapping[str, Any] = package.manifest["case"]
    their_case = str(case_meta.get("id", ""))[:40]
    source = f"referral:{org_name}:{their_case}"
    stored_ref = f"{REFERRALS_DIR}/{package.sha256}.zip"
    kept = store.settings.data_dir / stored_ref
    kept.parent.mkdir(parents=True, exist_ok=True)
    kept.write_bytes(data)
    documents = _documents(package)
    with tempfile.TemporaryDirectory(prefix="vigil-referral-") as tmp:
        lines = Path(tmp) / "documents.jsonl"
        lines.write_text("".join(json.dumps(d, ensure_ascii=False) + "\n" for d in documents), encoding="utf-8")
        ingest_input(store, lines, fmt="jsonl", source=source)
    with store.session() as session:
        pks = session.scalars(sa.select(DocumentRow.pk).join(Source, Source.id == DocumentRow.source_id)
                              .where(Source.name == source, DocumentRow.doc_id.in_([str(d.get("id")) for d in documents]))
                              .order_by(DocumentRow.pk)).all()
        title = f"Referral from {org_title}: {case_meta.get('title', '')}"[:300]
        case = create_case(session, title, imported_by, audit)
        for pk in pks:
            add_item(session, case, "document", str(pk), imported_by, audit)
        add_note(session, case, (
            f"Referral package from {org_name} (their case {their_case}, exported by {case_meta.get('exported_by')} "
            f"at {case_meta.get('exported_at')}, status {case_meta.get('status')}). Signature verified with key "
            f"{package.fingerprint}; every file matched its SHA-256. Package SHA-256 {package.sha256}, kept as {stored_ref}."
        ), imported_by, audit)
        session.add(ReceivedReferral(package_sha256=package.sha256, org_id=org_id, fingerprint=package.fingerprint,
                                     their_case=their_case, case_id=case.id, stored_ref=stored_ref, imported_by=imported_by[:100]))
        audit(session, "case.referral_import", "case", str(case.id),
              {"from": org_name, "their_case": their_case, "sha256": package.sha256, "documents": len(pks), "by": imported_by})
        return ImportedReferral(case.id, org_name, their_case, len(pks), package.sha256)
