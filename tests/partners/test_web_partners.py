"""Partners in the API: a partner's key reads exactly what was shared with its organisation.

Two partner organisations, each with a member and an org-scoped key; one case shared with
the first. Every case route of the app, for every role, and for the other partner's key,
is walked: only the organisation the case was shared with reads it.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from cli_support import ok
from fastapi import FastAPI
from partners_support import SHARED_PHONE, Instance
from web_support import TestClient, create_account, new_client

from vigil.store import Store
from vigil.web import auth
from vigil.web.app import create_app
from vigil.web.permissions import Role, declared_routes


@pytest.fixture
def app(instance_a: Instance) -> Iterator[FastAPI]:
    with Store.open(instance_a.settings) as store:
        yield create_app(instance_a.settings, store=store)


def _key(app: FastAPI, data_dir: Path, org: str, role: Role = Role.PARTNER) -> str:
    name = f"{org}-{role.value}"
    create_account(app, role, name)
    ok(data_dir, "partners", "member", org, name)
    return ok(data_dir, "partners", "api-key", org, name).strip()


@pytest.fixture
def world(app: FastAPI, instance_a: Instance) -> dict[str, object]:
    """Two partner organisations; case 1 shared with police-b only, the statistics with nobody."""
    d = instance_a.data_dir
    ok(d, "partners", "create", "police-b", "--kind", "police_unit")
    ok(d, "partners", "create", "platform-c", "--kind", "platform")
    case = json.loads(ok(d, "cases", "create", "Shared network", "--json"))["id"]
    ok(d, "cases", "add", str(case), "--identifier", SHARED_PHONE)
    other = json.loads(ok(d, "cases", "create", "Not shared", "--json"))["id"]
    ok(d, "partners", "grant", "police-b", "--case", str(case))
    ok(d, "partners", "partnership", "a-b", "--org", "police-b")
    keys = {"police-b": _key(app, d, "police-b"), "platform-c": _key(app, d, "platform-c")}
    for role in Role:
        if role != Role.PARTNER:
            create_account(app, role, f"plain-{role.value}")
    return {"case": case, "other": other, "keys": keys}


def _get(client: TestClient, path: str, key: str) -> int:
    return client.get(path, headers={"X-API-Key": key}).status_code


def _case_paths(case: int) -> list[str]:
    return [f"/api/v1/partner/cases/{case}", f"/api/v1/partner/cases/{case}/htcds", f"/api/v1/partner/cases/{case}/export",
            f"/api/v1/cases/{case}", f"/api/v1/cases/{case}/export", f"/cases/{case}", f"/cases/{case}/export"]


def test_every_case_route_serves_a_shared_case_to_its_organisation_only(app: FastAPI, world: dict[str, object]) -> None:
    client = new_client(app)
    case, other = int(world["case"]), int(world["other"])  # type: ignore[call-overload]
    keys: dict[str, str] = world["keys"]  # type: ignore[assignment]
    for path in _case_paths(case)[:3]:
        assert _get(client, path, keys["police-b"]) == 200, path
    for path in _case_paths(case) + _case_paths(other):
        assert _get(client, path, keys["platform-c"]) in (403, 404), path
    for path in _case_paths(other):
        assert _get(client, path, keys["police-b"]) in (403, 404), path
    listed = client.get("/api/v1/partner/cases", headers={"X-API-Key": keys["police-b"]}).json()
    assert [c["id"] for c in listed] == [case]
    assert client.get("/api/v1/partner/cases", headers={"X-API-Key": keys["platform-c"]}).json() == []
    detail = client.get(f"/api/v1/partner/cases/{case}", headers={"X-API-Key": keys["police-b"]}).json()
    assert SHARED_PHONE not in json.dumps(detail)  # identifiers masked for partners


def test_a_key_scoped_to_one_organisation_stops_when_its_owner_moves_to_another(
    app: FastAPI, world: dict[str, object], instance_a: Instance
) -> None:
    client = new_client(app)
    keys: dict[str, str] = world["keys"]  # type: ignore[assignment]
    ok(instance_a.data_dir, "partners", "member", "platform-c", "police-b-partner")
    assert _get(client, f"/api/v1/partner/cases/{world['case']}", keys["police-b"]) == 404
    assert _get(client, "/api/v1/partner/cases", keys["police-b"]) == 404


def test_statistics_only_when_shared(app: FastAPI, world: dict[str, object], instance_a: Instance) -> None:
    client = new_client(app)
    keys: dict[str, str] = world["keys"]  # type: ignore[assignment]
    assert _get(client, "/api/v1/partner/stats", keys["police-b"]) == 404
    ok(instance_a.data_dir, "partners", "grant", "police-b", "--stats")
    response = client.get("/api/v1/partner/stats", headers={"X-API-Key": keys["police-b"]})
    assert response.status_code == 200 and response.json()["k"] == 5
    assert _get(client, "/api/v1/partner/stats", keys["platform-c"]) == 404


def test_share_routes_admit_a_partner_to_its_own_partnership_only(app: FastAPI, world: dict[str, object]) -> None:
    client = new_client(app)
    keys: dict[str, str] = world["keys"]  # type: ignore[assignment]
    hashes = client.get("/api/v1/share/a-b/hashes", headers={"X-API-Key": keys["police-b"]})
    assert hashes.status_code == 200
    ours = hashes.text.splitlines()[1:]
    assert ours and SHARED_PHONE not in hashes.text
    planted = [ours[0], "f" * 64]
    answer = client.post("/api/v1/share/a-b/match", json={"hashes": planted}, headers={"X-API-Key": keys["police-b"]}).json()
    assert answer == {"matched": [ours[0]]}  # a partner learns which of its own hashes we hold, nothing more
    assert _get(client, "/api/v1/share/a-b/hashes", keys["platform-c"]) == 404
    assert client.post("/api/v1/share/a-b/match", json={"hashes": planted},
                       headers={"X-API-Key": keys["platform-c"]}).status_code == 404


@pytest.mark.parametrize("role", list(Role))
def test_every_partner_route_for_every_role(app: FastAPI, world: dict[str, object], role: Role) -> None:
    """Each role is admitted exactly where the permission table says, and refused (401/403/404) elsewhere."""
    client = new_client(app)
    keys: dict[str, str] = world["keys"]  # type: ignore[assignment]
    if role == Role.PARTNER:
        key = keys["platform-c"]
    else:
        with app.state.store.session() as session:
            user = auth.find_user(session, f"plain-{role.value}")
            assert user is not None
            _, key = auth.create_api_key(session, user, "test")
    routes = [r for r in declared_routes(app) if r.path.startswith(("/api/v1/partner", "/api/v1/share"))]
    assert {r.path for r in routes} >= {"/api/v1/partner/cases/{case_id}", "/api/v1/share/{partnership}/match"}
    case = str(world["case"])
    for route in routes:
        path = route.path.replace("{case_id}", case).replace("{partnership}", "a-b").replace("{org}", "police-b")
        body = {"hashes": []} if "match" in path else {"kind": "stats"}
        response = client.request(route.method, path, headers={"X-API-Key": key}, json=body if route.method == "POST" else None)
        if not route.allows(role):
            assert response.status_code == 403, (route.method, path)
        elif role == Role.PARTNER and ("/cases/" in path or "/share/" in path or path.endswith("/stats")):
            assert response.status_code == 404, (route.method, path)  # platform-c was shared nothing, not even a-b
        else:
            assert response.status_code == 200, (route.method, path, response.status_code)
