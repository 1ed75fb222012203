"""Fixtures for the platform map tests."""

from __future__ import annotations

import pytest
from platforms_support import PutDocs, put_documents


@pytest.fixture
def put_docs() -> PutDocs:
    return put_documents
