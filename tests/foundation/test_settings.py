from __future__ import annotations

from pathlib import Path

import pytest

from vigil.errors import ConfigError
from vigil.settings import Settings, load_settings, settings_markdown

DOCS = Path(__file__).parents[2] / "docs" / "settings.md"


def test_every_setting_is_documented_and_docs_are_current() -> None:
    text = DOCS.read_text(encoding="utf-8")
    for name, field in Settings.model_fields.items():
        assert field.description, f"setting {name} has no description"
        assert f"`VIGIL_{name.upper()}`" in text, f"setting {name} is missing from docs/settings.md"
    assert text == settings_markdown(), "docs/settings.md is stale: run `make docs`"


def test_precedence_default_file_env_cli(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    config = tmp_path / "vigil.toml"
    config.write_text('ingest_batch_size = 10\nport = 9000\nhost = "0.0.0.0"\n')
    monkeypatch.setenv("VIGIL_CONFIG", str(config))
    monkeypatch.setenv("VIGIL_PORT", "9100")
    settings = load_settings(host="127.0.0.2")
    assert settings.log_level == "INFO"  # default
    assert settings.ingest_batch_size == 10  # file
    assert settings.port == 9100  # environment beats file
    assert settings.host == "127.0.0.2"  # command line beats all


@pytest.mark.parametrize(
    ("env", "value"),
    [("VIGIL_PORT", "not-a-port"), ("VIGIL_INGEST_BATCH_SIZE", "0"), ("VIGIL_LOG_LEVEL", "LOUD")],
)
def test_bad_settings_are_config_errors(monkeypatch: pytest.MonkeyPatch, env: str, value: str) -> None:
    monkeypatch.setenv(env, value)
    with pytest.raises(ConfigError):
        load_settings()


def test_default_database_is_sqlite_under_data_dir(tmp_path: Path) -> None:
    settings = load_settings(data_dir=tmp_path)
    assert settings.resolved_database_url == f"sqlite:///{tmp_path.as_posix()}/vigil.db"
