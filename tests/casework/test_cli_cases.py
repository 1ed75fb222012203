"""``vigil cases`` and ``vigil review`` end to end on a processed store: create, add, list, show, export, verify."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest
import sqlalchemy as sa
from casework_support import PHONE, PHONE_WRITTEN, Corpus
from typer.testing import CliRunner

from vigil.cli import app
from vigil.errors import VigilError
from vigil.settings import Settings
from vigil.store import Store
from vigil.web import auth
from vigil.web.models import AuditEntry
from vigil.web.permissions import Role

PHONE_DIGITS = ("501 234 567", "501234567")


def _run(data_dir: Path, *args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(app, ["--data-dir", str(data_dir), "--database-url", "", *args])
    if isinstance(result.exception, VigilError):
        # ``vigil.cli.main`` turns these into a one-line message and the error's exit code.
        return result.exception.exit_code, result.stdout, str(result.exception)
    return result.exit_code, result.stdout, result.stderr


def _files(directory: Path) -> dict[str, bytes]:
    return {p.relative_to(directory).as_posix(): p.read_bytes() for p in directory.rglob("*") if p.is_file()}


def _verify_manifest(directory: Path) -> dict[str, object]:
    """Every file but the manifest is listed with its SHA-256, and nothing else is."""
    manifest = json.loads((directory / "manifest.json").read_text(encoding="utf-8"))
    files = _files(directory)
    listed = {f["path"]: f["sha256"] for f in manifest["files"]}
    assert set(listed) == set(files) - {"manifest.json"}
    for path, digest in listed.items():
        assert hashlib.sha256(files[path]).hexdigest() == digest, path
    return dict(manifest)


def _build_case(data_dir: Path, corpus: Corpus) -> int:
    code, out, err = _run(data_dir, "cases", "create", "Kraków–Warsaw network", "--json", "--user", "ana")
    assert code == 0, err
    case_id = json.loads(out)["id"]
    code, _, err = _run(data_dir, "cases", "add", str(case_id), "--network", corpus.network, "--identifier", PHONE_WRITTEN,
                        "--document", "ad-3", "--note", "Same phone in two cities.", "--user", "ana")
    assert code == 0, err
    return int(case_id)


def test_a_case_is_built_listed_shown_and_exported_with_a_verifiable_manifest(data_dir: Path, corpus: Corpus, tmp_path: Path) -> None:
    case_id = _build_case(data_dir, corpus)
    code, out, _ = _run(data_dir, "cases", "list", "--json")
    assert code == 0 and [json.loads(line)["id"] for line in out.splitlines()] == [case_id]
    code, out, _ = _run(data_dir, "cases", "show", str(case_id), "--json")
    shown = json.loads(out)
    assert [i["kind"] for i in shown["items"]] == ["document", "network", "identifier", "note"]
    assert sorted(shown["documents"]) == sorted(corpus.pks.values())
    assert {e["item"] for e in shown["evidence"]} == {"document"} and all(len(e["sha256"]) == 64 for e in shown["evidence"])
    assert [e["type"] for e in shown["timeline"]][:1] == ["ad"] and "action" in {e["type"] for e in shown["timeline"]}
    out_dir = tmp_path / "case-file"
    code, _, err = _run(data_dir, "cases", "export", str(case_id), "-o", str(out_dir))
    assert code == 0, err
    manifest = _verify_manifest(out_dir)
    assert manifest["case"]["id"] == case_id and manifest["case"]["contacts_masked"] is False  # type: ignore[index]
    lines = [json.loads(line) for line in (out_dir / "data.jsonl").read_text(encoding="utf-8").splitlines()]
    assert sorted(line["id"] for line in lines) == ["ad-1", "ad-2", "ad-3"]
    # The stored-item hashes of `cases show` are the hashes of the exported evidence files.
    exported = {e["sha256"] for e in manifest["files"] if e["path"].startswith("evidence/documents/")}  # type: ignore[attr-defined]
    assert {e["sha256"] for e in shown["evidence"]} == exported
    report = (out_dir / "report.html").read_text(encoding="utf-8")
    assert "<script" not in report and "http://" not in report.replace('xmlns="http://www.w3.org/2000/svg"', "")
    assert "<svg" in report and "<mark" in report and PHONE_DIGITS[0] in report and "Kraków → Poznań → Warszawa" in report


@pytest.mark.parametrize(
    ("role", "masked"),
    [(Role.ANALYST, False), (Role.ADMIN, False), (Role.PARTNER, True), (Role.VIEWER, True), (Role.MODERATOR, True)],
)
def test_export_masks_contacts_for_roles_that_may_not_see_them(
    data_dir: Path, case_settings: Settings, corpus: Corpus, tmp_path: Path, role: Role, masked: bool
) -> None:
    with Store.open(case_settings) as store, store.session() as session:
        auth.create_user(session, f"user-{role.value}", role, "correct-horse-battery")
    case_id = _build_case(data_dir, corpus)
    out_dir = tmp_path / "out"
    code, _, err = _run(data_dir, "cases", "export", str(case_id), "-o", str(out_dir), "--user", f"user-{role.value}")
    assert code == 0, err
    manifest = _verify_manifest(out_dir)
    assert manifest["case"]["contacts_masked"] is masked  # type: ignore[index]
    text = "\n".join(data.decode("utf-8") for data in _files(out_dir).values())
    leaked = [(d, text[text.index(d) - 80 : text.index(d) + 20]) for d in (*PHONE_DIGITS, PHONE) if d in text]
    assert (leaked == []) is masked, leaked
    if masked:
        assert "•" in text and "evidence/captures" not in text
    with Store.open(case_settings) as store, store.session() as session:
        export = session.scalars(sa.select(AuditEntry).where(AuditEntry.action == "case.export")).one()
    assert export.details["contacts_masked"] is masked and export.details["user"] == f"user-{role.value}"


@pytest.mark.parametrize(
    ("args", "code", "message"),
    [
        (["cases", "add", "1", "--document", "no-such-ad"], 1, "no stored document"),
        (["cases", "add", "1"], 2, "give at least one"),
        (["cases", "add", "999", "--network", "c-1"], 1, "no case 999"),
        (["cases", "status", "1", "Pending"], 2, "Active, FollowUp, Closed, ClosedReferred"),
        (["cases", "export", "1", "-o", "NONEMPTY"], 2, "not an empty directory"),
        (["cases", "export", "1", "-o", "NEW", "--user", "nobody"], 1, "no account"),
        (["cases", "create", "   "], 2, "1 to 300 characters"),
        (["review", "set", "document", "ad-1", "dismissed"], 2, "say why"),
        (["review", "set", "network", "c-0000", "in_review"], 1, "no network"),
    ],
)
def test_cli_refuses_with_a_message_and_exit_code(data_dir: Path, tmp_path: Path, args: list[str], code: int, message: str) -> None:
    assert _run(data_dir, "cases", "create", "a case")[0] == 0
    (tmp_path / "nonempty").mkdir()
    (tmp_path / "nonempty" / "x").write_text("x")
    args = [str(tmp_path / "nonempty") if a == "NONEMPTY" else str(tmp_path / "new") if a == "NEW" else a for a in args]
    exit_code, _, err = _run(data_dir, *args)
    assert exit_code == code and message in err, err


def test_review_set_and_show_at_the_terminal(data_dir: Path) -> None:
    code, out, err = _run(data_dir, "review", "set", "identifier", PHONE_WRITTEN, "escalated", "--note", "two cities",
                          "--assign", "bo", "--label", "kraków", "--user", "ana", "--json")
    assert code == 0, err
    assert json.loads(out)["target"] == f"phone:{PHONE}"
    code, out, _ = _run(data_dir, "review", "show", "identifier", PHONE)
    shown = json.loads(out)
    assert (shown["state"], shown["assignee"], shown["labels"], shown["notes"][0]["author"]) == ("escalated", "bo", ["kraków"], "ana")
