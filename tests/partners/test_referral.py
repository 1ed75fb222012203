"""Signed referral packages between two instances: the round trip, and every way a package is refused."""

from __future__ import annotations

import base64
import io
import json
import zipfile
from pathlib import Path

import pytest
import sqlalchemy as sa
from cli_support import ok, run
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from partners_support import SHARED_PHONE, Instance, no_audit

from vigil.casework.models import Case, CaseItem
from vigil.errors import IntegrityError
from vigil.partners.models import ReceivedReferral
from vigil.partners.referral import import_package, verify_package
from vigil.store import Store
from vigil.store.models import DocumentRow, Source


def _set_up(a: Instance, b: Instance, tmp_path: Path) -> Path:
    """A: its organisation with a key, a case of its network signed into a package; B trusts A's key."""
    ok(a.data_dir, "partners", "create", "ngo-a", "--kind", "ngo", "--title", "NGO A", "--own")
    ok(a.data_dir, "partners", "public-key", "-o", str(tmp_path / "ngo-a.pem"))
    ok(b.data_dir, "partners", "create", "ngo-a", "--kind", "ngo", "--title", "NGO A")
    ok(b.data_dir, "partners", "add-key", "ngo-a", str(tmp_path / "ngo-a.pem"))
    case = json.loads(ok(a.data_dir, "cases", "create", "Network with a Kraków phone", "--json"))["id"]
    ok(a.data_dir, "cases", "add", str(case), "--identifier", SHARED_PHONE, "--note", "two ads, one phone")
    package = tmp_path / "referral.zip"
    ok(a.data_dir, "cases", "export", str(case), "--sign", "-o", str(package))
    return package


def _cases(store: Store) -> int:
    with store.session() as session:
        return len(session.scalars(sa.select(Case.id)).all())


def _rewritten(package: Path, target: Path, change: dict[str, bytes | None], add: dict[str, bytes] | None = None) -> Path:
    """The package with some files' bytes replaced (None drops a file), written as a new valid zip."""
    with zipfile.ZipFile(package) as source, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as out:
        for info in source.infolist():
            data = change.get(info.filename, source.read(info))
            if data is not None:
                out.writestr(info.filename, data)
        for name, data in (add or {}).items():
            out.writestr(name, data)
    return target


def _flip(data: bytes, at: int) -> bytes:
    return data[:at] + bytes([data[at] ^ 0x01]) + data[at + 1:]


def test_a_case_referred_from_one_instance_arrives_whole_in_the_other(instance_a: Instance, instance_b: Instance, tmp_path: Path) -> None:
    package = _set_up(instance_a, instance_b, tmp_path)
    with zipfile.ZipFile(package) as archive:
        names = set(archive.namelist())
        sent = [json.loads(line)["document"] for line in archive.read("case/data.jsonl").decode().splitlines()]
    assert {"signature.json", "case/manifest.json", "case/report.html", "case/data.jsonl"} <= names
    assert sorted(d["id"] for d in sent) == ["a-1", "a-2"]

    code, out, err = run(instance_b.data_dir, "cases", "import", str(package), "--json", "--no-analyze")
    assert code == 0, err
    received = json.loads(out)
    assert received["from"] == "ngo-a" and received["documents"] == 2
    with Store.open(instance_b.settings) as store, store.session() as session:
        rows = session.execute(sa.select(DocumentRow.doc_id, DocumentRow.text).join(Source).where(
            Source.name == f"referral:ngo-a:{received['their_case']}")).tuples().all()
        assert sorted(rows) == sorted((d["id"], d["text"]) for d in sent)
        case = session.get(Case, received["id"])
        assert case is not None and case.title.startswith("Referral from NGO A")
        notes = session.scalars(sa.select(CaseItem.body).where(CaseItem.case_id == case.id, CaseItem.kind == "note")).all()
        assert any(received["sha256"] in (n or "") and "verified" in (n or "") for n in notes)
        kept = session.scalars(sa.select(ReceivedReferral.stored_ref)).one()
    assert (instance_b.data_dir / kept).read_bytes() == package.read_bytes()
    code, _, message = run(instance_b.data_dir, "cases", "import", str(package), "--no-analyze")
    assert code == 2 and "imported already" in message


def test_every_flipped_byte_of_every_file_is_refused_naming_the_file(instance_a: Instance, instance_b: Instance, tmp_path: Path) -> None:
    package = _set_up(instance_a, instance_b, tmp_path)
    with zipfile.ZipFile(package) as archive:
        files = {name: archive.read(name) for name in archive.namelist()}
    with Store.open(instance_b.settings) as store:
        before = _cases(store)
        for number, (name, data) in enumerate(sorted(files.items())):
            for at in sorted({0, len(data) // 2, len(data) - 2}):
                tampered = _rewritten(package, tmp_path / f"t-{number}-{at}.zip", {name: _flip(data, at)})
                with pytest.raises(IntegrityError) as refused:
                    import_package(store, tampered, imported_by="tester", audit=no_audit)
                reason = str(refused.value)
                # The manifest is what the signature covers; signature.json is the signature itself.
                assert reason.startswith((name, "signature.json", "case/manifest.json")), (name, at, reason)
                if name not in ("signature.json", "case/manifest.json"):
                    assert reason.startswith(name) and "SHA-256" in reason, reason
        assert _cases(store) == before


@pytest.mark.parametrize(("change", "add", "reason"), [
    ({"case/report.html": None}, None, "case/report.html: listed in the manifest but missing"),
    ({}, {"case/evidence/extra.json": b"{}"}, "case/evidence/extra.json: in the package but not in the signed manifest"),
    ({"signature.json": None}, None, "signature.json: missing"),
    ({"case/manifest.json": None}, None, "case/manifest.json: missing"),
    ({"signature.json": b"not json"}, None, "signature.json: not valid JSON"),
], ids=["file-removed", "file-added", "no-signature", "no-manifest", "signature-not-json"])
def test_a_package_missing_or_adding_files_is_refused(
    instance_a: Instance, instance_b: Instance, tmp_path: Path, change: dict[str, bytes | None], add: dict[str, bytes] | None, reason: str
) -> None:
    package = _set_up(instance_a, instance_b, tmp_path)
    tampered = _rewritten(package, tmp_path / "tampered.zip", change, add)
    code, _, message = run(instance_b.data_dir, "cases", "import", str(tampered), "--no-analyze")
    assert code == 2 and message.startswith(reason), message


def test_a_package_under_a_key_not_trusted_is_refused(instance_a: Instance, instance_b: Instance, tmp_path: Path) -> None:
    package = _set_up(instance_a, instance_b, tmp_path)
    # C pretends to be A: its own key, its own package; B only trusts A's key.
    c = tmp_path / "impostor"
    ok(c, "partners", "create", "ngo-a", "--kind", "ngo", "--own")
    with zipfile.ZipFile(package) as archive:
        manifest = archive.read("case/manifest.json")
        signature = json.loads(archive.read("signature.json"))
    key = serialization.load_pem_private_key((c / "partners" / "keys" / "ngo-a.ed25519.pem").read_bytes(), password=None)
    assert isinstance(key, Ed25519PrivateKey)
    forged = dict(signature, signature=base64.b64encode(key.sign(manifest)).decode())
    wrong_key = _rewritten(package, tmp_path / "forged.zip", {"signature.json": json.dumps(forged).encode()})
    code, _, message = run(instance_b.data_dir, "cases", "import", str(wrong_key), "--no-analyze")
    assert code == 2 and "case/manifest.json: the signature does not match" in message

    impostor_key = dict(signature, key="0" * 64)
    unknown = _rewritten(package, tmp_path / "unknown.zip", {"signature.json": json.dumps(impostor_key).encode()})
    code, _, message = run(instance_b.data_dir, "cases", "import", str(unknown), "--no-analyze")
    assert code == 2 and "does not trust" in message

    fresh = tmp_path / "fresh-b"
    code, _, message = run(fresh, "cases", "import", str(package), "--no-analyze")
    assert code == 2 and "does not trust" in message


def test_raw_bytes_flipped_inside_the_zip_never_pass_unnoticed(instance_a: Instance, instance_b: Instance, tmp_path: Path) -> None:
    """Flips in the stored file data (not the zip's own headers) are caught, by the zip's CRC or the hashes."""
    package = _set_up(instance_a, instance_b, tmp_path)
    raw = package.read_bytes()
    with zipfile.ZipFile(package) as archive:
        spans = [(i.header_offset + 30 + len(i.filename.encode()) + len(i.extra), i.compress_size) for i in archive.infolist()]
    with Store.open(instance_b.settings) as store, store.session() as session:
        for start, size in spans:
            damaged = _flip(raw, start + size // 2)
            with pytest.raises(IntegrityError):
                verify_package(session, damaged)
        assert verify_package(session, raw).org.name == "ngo-a"


def test_a_zip_with_a_path_outside_the_package_is_refused(instance_b: Instance) -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("../escape.txt", b"x")
    with Store.open(instance_b.settings) as store, store.session() as session, pytest.raises(IntegrityError, match="outside"):
        verify_package(session, buffer.getvalue())
