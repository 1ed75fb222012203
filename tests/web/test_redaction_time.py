"""The document page and the document API answer in time linear in the text, whatever the text.

A viewer's page used to run the contact-masking regexes over the text: ``"a." * 20000 + "@"``
(40 KB) took 28 s, and two such requests stalled the server. Contacts are now masked from
the extractor's spans, which is linear. Budgets are CPU seconds of this process (the test
client runs the app in-process), a fixed part plus a part per KB, checked at 4 KB and 40 KB.
Documents are stored without an analysis, so the page finds their contacts on the fly.
"""

from __future__ import annotations

import itertools
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Final

import pytest
from fastapi import FastAPI
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from pages_support import backend_store
from web_support import TestClient, create_account, login, new_client

from vigil.store.models import DocumentRow, Source
from vigil.web.app import create_app
from vigil.web.permissions import Role

# CPU-time budgets: no cycle collection of other tests' garbage inside the timed calls.
pytestmark = pytest.mark.usefixtures("cycle_collector_paused")

BASE_SECONDS: Final = 1.0
SECONDS_PER_KB: Final = 0.03
SIZES: Final = (4_000, 40_000)
UNITS: Final = ("1O", "O", "a.", "1 ", "1.", "1-", " .-", "@", "a", "7", "5️⃣", "at dot ", "аa", "Ол1", "0O o ", "http://a", "+4")


@dataclass
class Reader:
    app: FastAPI
    source_id: int
    clients: dict[Role, TestClient]
    ids: Iterator[int]

    def store_text(self, text: str) -> int:
        with self.app.state.store.session() as session:
            row = DocumentRow(source_id=self.source_id, doc_id=f"hostile-{next(self.ids)}", title=text[:300], text=text,
                              kind="sex_ad", lang="en", posted_at=datetime(2026, 3, 1, tzinfo=UTC), images=[], meta={})
            session.add(row)
            session.flush()
            return row.pk

    def client(self, role: Role) -> TestClient:
        if role not in self.clients:
            account = create_account(self.app, role, name=f"timing-{role.value}")
            client = new_client(self.app)
            assert login(client, account.name, account.password).status_code == 303
            self.clients[role] = client
        return self.clients[role]


@pytest.fixture(scope="module")
def reader(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Reader]:
    with backend_store("sqlite", tmp_path_factory.mktemp("timing") / "vigil-data") as store:
        with store.session() as session:
            source = Source(name="hostile-synthetic")
            session.add(source)
            session.flush()
            source_id = source.id
        made = Reader(create_app(store.settings, store=store), source_id, {}, itertools.count())
        warm = made.store_text("warm up: call +48 501 234 000")
        made.client(Role.VIEWER).get(f"/documents/{warm}")  # builds the app's redactor before anything is timed
        yield made
        for client in made.clients.values():
            client.close()


def budget(chars: int) -> float:
    return BASE_SECONDS + SECONDS_PER_KB * chars / 1000


def read_seconds(client: TestClient, path: str) -> float:
    started = time.process_time()
    response = client.get(path)
    elapsed = time.process_time() - started
    assert response.status_code == 200, response.text[:200]
    return elapsed


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("role", [Role.VIEWER, Role.ANALYST])
def test_reported_stall_is_gone(reader: Reader, role: Role, size: int) -> None:
    text = "a." * (size // 2 - 1) + "@"
    pk = reader.store_text(text)
    for path in (f"/documents/{pk}", f"/api/v1/documents/{pk}"):
        elapsed = read_seconds(reader.client(role), path)
        assert elapsed < budget(len(text)), f"{path}: {elapsed:.2f}s CPU for {len(text)} characters"


@settings(max_examples=10, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    unit=st.one_of(st.sampled_from(UNITS), st.text(min_size=1, max_size=4)),
    suffix=st.sampled_from(("", "@", "1", ".com")),
    size=st.sampled_from(SIZES),
)
@example(unit="a.", suffix="@", size=40_000)
@example(unit="O", suffix="1", size=40_000)
def test_hostile_documents_render_in_linear_time(reader: Reader, unit: str, suffix: str, size: int) -> None:
    text = (unit * (size // len(unit) + 1))[: size - len(suffix)] + suffix
    pk = reader.store_text(text)
    viewer = reader.client(Role.VIEWER)
    for path in (f"/documents/{pk}", f"/api/v1/documents/{pk}"):
        elapsed = read_seconds(viewer, path)
        assert elapsed < budget(len(text) + 300), f"{path}: {elapsed:.2f}s CPU for {unit!r} x {size}"
