"""A partner named as a member of a case still reads only what was shared with its organisation.

Case membership is for our own analysts. A partner's account that an analyst adds to a case's
members must not reach it through the casework routes (``/cases``, ``/api/v1/cases``): the
grant routes (``/api/v1/partner/...``) are the one door, and they serve only shared cases,
with identifiers masked.
"""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest
from cli_support import ok
from fastapi import FastAPI
from partners_support import SHARED_PHONE, Instance
from web_support import PASSWORD, TestClient, create_account, csrf_of, login, new_client

from vigil.store import Store
from vigil.web.app import create_app
from vigil.web.permissions import Role

PARTNER = "b-analyst"
ORG = "police-b"


@pytest.fixture
def app(instance_a: Instance) -> Iterator[FastAPI]:
    with Store.open(instance_a.settings) as store:
        yield create_app(instance_a.settings, store=store)


@pytest.fixture
def cases(app: FastAPI, instance_a: Instance) -> dict[str, int]:
    """Two cases that name the partner's account as a member; only ``shared`` is granted to its organisation."""
    d = instance_a.data_dir
    ok(d, "partners", "create", ORG, "--kind", "police_unit")
    create_account(app, Role.PARTNER, PARTNER)
    ok(d, "partners", "member", ORG, PARTNER)
    out = {}
    for title in ("member-only", "shared"):
        out[title] = json.loads(ok(d, "cases", "create", title, "--member", PARTNER, "--json"))["id"]
        ok(d, "cases", "add", str(out[title]), "--identifier", SHARED_PHONE)
    ok(d, "partners", "grant", ORG, "--case", str(out["shared"]))
    return out


def _session(app: FastAPI) -> tuple[TestClient, dict[str, str]]:
    client = new_client(app)
    assert login(client, PARTNER, PASSWORD).status_code == 303
    return client, {"X-CSRF-Token": csrf_of(client)}


def _api_key(app: FastAPI, instance: Instance) -> tuple[TestClient, dict[str, str]]:
    key = ok(instance.data_dir, "partners", "api-key", ORG, PARTNER).strip()
    return new_client(app), {"X-API-Key": key}


def _casework_paths(case: int) -> list[str]:
    return [f"/api/v1/cases/{case}", f"/api/v1/cases/{case}/export", f"/cases/{case}", f"/cases/{case}/export"]


@pytest.mark.parametrize("via", ["session", "api_key"])
@pytest.mark.parametrize("title", ["member-only", "shared"])
def test_a_partner_member_of_a_case_is_refused_on_the_casework_routes(
    app: FastAPI, instance_a: Instance, cases: dict[str, int], via: str, title: str
) -> None:
    client, headers = _session(app) if via == "session" else _api_key(app, instance_a)
    for path in _casework_paths(cases[title]):
        response = client.get(path, headers=headers, follow_redirects=False)
        assert response.status_code in (403, 404), (path, response.status_code)
        assert SHARED_PHONE not in response.text, path
    listed = client.get("/api/v1/cases", headers=headers)
    assert listed.status_code in (403, 404), listed.text
    assert client.get("/cases", headers=headers, follow_redirects=False).status_code in (403, 404)
    changed = client.patch(f"/api/v1/cases/{cases[title]}", json={"status": "Closed"}, headers=headers)
    assert changed.status_code in (403, 404)


@pytest.mark.parametrize("via", ["session", "api_key"])
def test_the_grant_routes_still_show_exactly_what_was_shared(
    app: FastAPI, instance_a: Instance, cases: dict[str, int], via: str
) -> None:
    client, headers = _session(app) if via == "session" else _api_key(app, instance_a)
    listed = client.get("/api/v1/partner/cases", headers=headers)
    assert listed.status_code == 200
    assert [c["id"] for c in listed.json()] == [cases["shared"]]
    shared = client.get(f"/api/v1/partner/cases/{cases['shared']}", headers=headers)
    assert shared.status_code == 200 and shared.json()["title"] == "shared"
    assert SHARED_PHONE not in shared.text  # identifiers masked for partners
    assert client.get(f"/api/v1/partner/cases/{cases['member-only']}", headers=headers).status_code == 404


@pytest.mark.parametrize(("role", "reads"), [(Role.ANALYST, True), (Role.ADMIN, True), (Role.PARTNER, False)])
def test_membership_opens_a_case_to_our_own_roles_only(app: FastAPI, instance_a: Instance, role: Role, reads: bool) -> None:
    name = f"member-{role.value}"
    create_account(app, role, name)
    case = json.loads(ok(instance_a.data_dir, "cases", "create", "team case", "--member", name, "--json"))["id"]
    client = new_client(app)
    assert login(client, name, PASSWORD).status_code == 303
    assert (client.get(f"/api/v1/cases/{case}").status_code == 200) is reads
    assert (client.get(f"/cases/{case}").status_code == 200) is reads
