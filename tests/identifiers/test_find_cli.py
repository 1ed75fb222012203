"""``vigil find`` end to end: a real subprocess on a store filled by ``vigil ingest`` and analysed."""

from __future__ import annotations

import json

import pytest
import sqlalchemy as sa
from identifier_support import run_vigil

from vigil.identifiers.lookup import find_documents
from vigil.identifiers.query import read_identifier
from vigil.settings import Settings
from vigil.store import Store
from vigil.web.models import AuditEntry

UK_NETWORK = ["uk-1", "uk-2", "uk-3"]


@pytest.mark.parametrize(
    ("value", "expected_ids", "identifier"),
    [
        ("+447400123456", UK_NETWORK, "+447400123456"),
        ("0044 (0) 7400-123-456", UK_NETWORK, "+447400123456"),
        ("seven four zero zero one two three four five six", UK_NETWORK, "+447400123456"),  # no country code
        ("плюс чотири чотири сім чотири нуль нуль один два три чотири п'ять шість", UK_NETWORK, "+447400123456"),
        ("+48501234000", ["pl-1", "pl-2"], "+48501234000"),
        ("пʼять нуль один двa три чотири нуль нуль нуль", ["pl-1", "pl-2"], "+48501234000"),
        ("t.me/anna_vip", ["uk-1", "uk-3"], "telegram:anna_vip"),
        ("@Anna_VIP", ["uk-1", "uk-3"], "telegram:anna_vip"),
        ("ANNA.K@gmail.com", ["uk-2"], "anna.k@gmail.com"),
        ("https://example.com/anna/", ["uk-1"], "example.com/anna"),
    ],
)
def test_every_written_form_finds_the_documents_in_date_order(
    loaded_settings: Settings, value: str, expected_ids: list[str], identifier: str
) -> None:
    with Store.open(loaded_settings) as store:
        lines = [m.to_json() for m in find_documents(store, read_identifier(value))]
    assert [line["id"] for line in lines] == expected_ids
    assert {line["identifier"] for line in lines} == {identifier}
    assert {line["source"] for line in lines} == {"planted"}
    assert [line["posted_at"] for line in lines] == sorted(line["posted_at"] for line in lines)


def test_find_json_lines_on_the_command_line(loaded_settings: Settings) -> None:
    result = run_vigil(loaded_settings.data_dir, "find", "0044 (0) 7400-123-456", "t.me/anna_vip", "--json")
    assert result.returncode == 0, result.stderr
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    assert [(line["id"], line["identifier"]) for line in lines] == [
        ("uk-1", "+447400123456"), ("uk-2", "+447400123456"), ("uk-3", "+447400123456"),
        ("uk-1", "telegram:anna_vip"), ("uk-3", "telegram:anna_vip"),
    ]
    assert {tuple(sorted(line)) for line in lines} == {("cluster", "id", "identifier", "posted_at", "source")}
    assert lines[0]["posted_at"] == "2026-02-01T10:00:00+00:00"


def test_network_members_carry_their_cluster(loaded_settings: Settings) -> None:
    with Store.open(loaded_settings) as store:
        members = find_documents(store, read_identifier("+447400123456"))
        decoy = find_documents(store, read_identifier("+447400123457"))
    clusters = {m.cluster for m in members}
    assert len(clusters) == 1 and None not in clusters
    assert [(m.id, m.cluster) for m in decoy] == [("decoy", None)]


def test_a_different_number_finds_nothing_and_exits_1(loaded_settings: Settings) -> None:
    result = run_vigil(loaded_settings.data_dir, "find", "+44 7400 123 455", "--json")
    assert result.returncode == 1
    assert result.stdout == ""
    assert "nothing found" in result.stderr


def test_a_value_that_is_not_an_identifier_exits_2_and_the_rest_is_still_looked_up(loaded_settings: Settings) -> None:
    result = run_vigil(loaded_settings.data_dir, "find", "hello world", "anna.k@gmail.com", "--json")
    assert result.returncode == 2
    assert "'hello world' is not a phone number, e-mail address, handle or URL" in result.stderr
    assert [json.loads(line)["id"] for line in result.stdout.splitlines()] == ["uk-2"]


def test_several_values_and_the_readable_table(loaded_settings: Settings) -> None:
    result = run_vigil(loaded_settings.data_dir, "find", "anna.k at gmail dot com", "501 234 000")
    assert result.returncode == 0, result.stderr
    header, *rows = result.stdout.splitlines()
    assert header.split() == ["identifier", "id", "source", "cluster", "posted"]
    assert [row.split()[:2] for row in rows] == [["anna.k@gmail.com", "uk-2"], ["+48501234000", "pl-1"], ["+48501234000", "pl-2"]]


def test_every_lookup_is_audited(loaded_settings: Settings) -> None:
    run_vigil(loaded_settings.data_dir, "find", "@anna_vip", "+447400123457")
    with Store.open(loaded_settings) as store, store.session() as session:
        entries = session.execute(
            sa.select(AuditEntry.action, AuditEntry.target_id, AuditEntry.actor_type).where(AuditEntry.action == "identifier.lookup")
        ).all()
    assert sorted(tuple(e) for e in entries) == [
        ("identifier.lookup", "+447400123457", "terminal"),
        ("identifier.lookup", "anna_vip", "terminal"),
    ]
