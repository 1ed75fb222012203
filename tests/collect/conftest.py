"""Fixtures of the collection tests: the local test site and settings with a crawler contact."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from collect_site import LocalSite, serve_site, settings_for

from vigil.settings import Settings


@pytest.fixture
def site() -> Iterator[LocalSite]:
    yield from serve_site()


@pytest.fixture
def collect_settings(tmp_path: Path) -> Settings:
    return settings_for(tmp_path)
