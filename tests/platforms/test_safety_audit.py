"""The minors' safety-defaults audit: pass, fail or unknown per check with its requirement; bad files refused."""

from __future__ import annotations

from importlib import resources

import pytest

from vigil.errors import InputError
from vigil.platforms.audit import audit_json, load_checklist, parse_settings, run_checks


def _example(name: str) -> str:
    return resources.files("vigil.platforms").joinpath("data", "examples", name).read_text(encoding="utf-8")


@pytest.mark.parametrize(
    ("setting", "check", "result"),
    [
        ("profile_visibility: private", "profile_private", "pass"),
        ("profile_visibility: public", "profile_private", "fail"),
        ("profile_visibility: contacts", "profile_private", "fail"),
        ("profile_visibility: null", "profile_private", "unknown"),
        ("geolocation_sharing: false", "geolocation_off", "pass"),
        ("geolocation_sharing: true", "geolocation_off", "fail"),
        ("dm_from_non_contacts: false", "no_messages_from_strangers", "pass"),
        ("dm_from_non_contacts: true", "no_messages_from_strangers", "fail"),
        ("camera_access_default: off", "camera_off", "pass"),  # YAML reads a bare off as false
        ("camera_access_default: ask", "camera_off", "fail"),
        ("report_tool_visible: true", "report_tool_visible", "pass"),
        ("autoplay: false", "geolocation_off", "unknown"),  # a key left out is unknown, not safe
    ],
)
def test_each_check_passes_fails_or_is_unknown(setting: str, check: str, result: str) -> None:
    settings = parse_settings(f"source: synthetic\nminor_account_defaults:\n  {setting}\n")
    found = {r.id: r for r in run_checks(settings)}[check]
    assert found.result == result
    assert found.requirement
    assert found.reason


@pytest.mark.parametrize(
    ("text", "line", "field", "words"),
    [
        pytest.param("source: s\nminor_account_defaults:\n  geolocation_sharng: false\n", 3,
                     "minor_account_defaults.geolocation_sharng", "unknown setting", id="typo-in-key"),
        pytest.param("source: s\nminor_account_defaults:\n  profile_visibility: hidden\n", 3,
                     "minor_account_defaults.profile_visibility", "'hidden' is not one of", id="value-not-allowed"),
        pytest.param("source: s\nminor_account_defaults:\n  autoplay: sometimes\n", 3,
                     "minor_account_defaults.autoplay", "not one of", id="not-a-boolean"),
        pytest.param("minor_account_defaults:\n  autoplay: false\n", 1, "source", "where these settings were observed", id="no-source"),
        pytest.param("source: s\nminor_account_defaults: [a]\n", 2, "minor_account_defaults", "expected a mapping", id="defaults-not-mapping"),
        pytest.param("source: s\nminor_account_defaults: {}\nscore: 3\n", 3, "score", "unknown key", id="unknown-top-key"),
        pytest.param("source: s\nminor_account_defaults:\n  autoplay: [\n", 4, None, "malformed YAML", id="malformed-yaml"),
    ],
)
def test_bad_settings_files_name_line_and_field(text: str, line: int, field: str | None, words: str) -> None:
    with pytest.raises(InputError) as caught:
        parse_settings(text, "settings.yaml")
    message = str(caught.value)
    assert f"line {line}" in message, message
    if field:
        assert f"field {field}" in message, message
    assert words in message, message


def test_well_configured_example_passes_every_check() -> None:
    results = run_checks(parse_settings(_example("well-configured.yaml")))
    assert {r.result for r in results} == {"pass"}
    assert len(results) == len(load_checklist())


def test_poorly_configured_example_fails_and_leaves_unknowns() -> None:
    results = {r.id: r.result for r in run_checks(parse_settings(_example("poorly-configured.yaml")))}
    assert results["geolocation_off"] == results["no_messages_from_strangers"] == results["profile_private"] == "fail"
    assert results["report_tool_visible"] == "pass"
    assert results["monitoring_indicator"] == results["geolocation_resets"] == "unknown"


def test_json_shape_follows_the_contract() -> None:
    out = audit_json("Example Open Board", run_checks(parse_settings(_example("poorly-configured.yaml"))))
    assert set(out) == {"platform", "checks"}
    for check in out["checks"]:
        assert set(check) == {"id", "result", "requirement", "reason"}
        assert check["result"] in {"pass", "fail", "unknown"}


def test_every_check_cites_the_ico_code_the_dsa_or_osce() -> None:
    for check in load_checklist():
        assert any(word in check.requirement for word in ("ICO Children's code", "DSA art. 28")), check.id
        assert check.verify
