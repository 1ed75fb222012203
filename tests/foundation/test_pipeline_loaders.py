"""A pipeline whose recognizers or scorer cannot be imported fails loudly, naming the part."""

from __future__ import annotations

import sys

import pytest

from vigil.errors import ConfigError
from vigil.pipeline import build_pipeline


@pytest.mark.parametrize(
    ("module", "named"),
    [
        ("vigil.recognizers", "recognizers"),
        ("vigil.scoring", "scorer"),
    ],
)
def test_missing_component_is_an_error_not_a_low_score(
    monkeypatch: pytest.MonkeyPatch, module: str, named: str
) -> None:
    # A None entry in sys.modules makes ``import module`` raise ImportError, as a broken install would.
    monkeypatch.setitem(sys.modules, module, None)
    with pytest.raises(ConfigError, match=named) as raised:
        build_pipeline()
    assert module in raised.value.message


def test_complete_install_builds_recognizers_and_scorer() -> None:
    pipeline = build_pipeline()
    assert pipeline.recognizers is not None
    assert pipeline.scorer is not None
