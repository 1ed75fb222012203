"""No API route answers 500, whatever it is sent: generated valid and malformed requests from the OpenAPI document."""

from __future__ import annotations

import warnings
from typing import Any

import pytest
from fastapi import FastAPI
from hypothesis import HealthCheck, given, settings
from hypothesis.errors import Unsatisfiable
from web_support import create_account, new_client

from vigil.store import Store
from vigil.web import auth
from vigil.web.permissions import Role

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    import schemathesis
    from schemathesis.generation import GenerationMode

#: Examples per operation and mode: enough to hit every parameter with junk, bounded in time.
EXAMPLES = 8


def _admin_key(app: FastAPI) -> str:
    account = create_account(app, Role.ADMIN, name="fuzzer")
    store: Store = app.state.store
    with store.session() as session:
        user = auth.find_user(session, account.name)
        assert user is not None
        _row, key = auth.create_api_key(session, user, "fuzz")
    return key


def _check_operation(operation: Any, mode: GenerationMode, headers: dict[str, str], failures: list[str]) -> None:
    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        database=None,
        derandomize=True,
        suppress_health_check=list(HealthCheck),
    )
    @given(case=operation.as_strategy(generation_mode=mode))
    def run(case: Any) -> None:
        response = case.call(headers=headers)
        if response.status_code >= 500:
            failures.append(f"{case.method} {case.formatted_path} -> {response.status_code}: {response.text[:200]}")
        elif response.status_code >= 400:
            body = response.json()
            assert set(body) == {"error"}, body
            assert set(body["error"]) == {"code", "message", "correlation_id"}, body

    try:
        run()
    except Unsatisfiable:
        # An operation without parameters or body has no malformed variant to generate.
        if mode is not GenerationMode.NEGATIVE:
            raise


@pytest.mark.slow
def test_no_route_answers_500_to_generated_input(web_app: FastAPI) -> None:
    headers = {"X-API-Key": _admin_key(web_app)}
    document = new_client(web_app).get("/api/v1/openapi.json").json()
    assert "apiKeyHeader" in document["components"]["securitySchemes"]
    assert document["paths"], "the API must describe its routes"
    schema = schemathesis.openapi.from_dict(document)
    schema.app = web_app
    failures: list[str] = []
    operations = 0
    for result in schema.get_all_operations():
        operation = result.ok()
        operations += 1
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
            _check_operation(operation, mode, headers, failures)
    assert operations >= 5
    assert not failures, "\n".join(failures)
