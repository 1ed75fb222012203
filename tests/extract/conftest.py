"""Fixtures of the extraction tests: components are built once per session (they load data)."""

from __future__ import annotations

import pytest

from vigil.extract.entities import EntityExtractor
from vigil.pipeline import Pipeline, build_pipeline


@pytest.fixture(scope="session")
def extractor() -> EntityExtractor:
    return EntityExtractor()


@pytest.fixture(scope="session")
def pipeline() -> Pipeline:
    return build_pipeline(None)
